"""Request hooks for every page: request ids, access log, bounded list paging, health check;
the number filter of the templates."""
import json
import logging
import re
import secrets
import time
import uuid
from urllib.parse import urlencode

from flask import abort, current_app, g, jsonify, redirect, request
from sqlalchemy import text
from werkzeug.middleware.proxy_fix import ProxyFix

from app.extensions import db
from app.views.base import decimal

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
access_log = logging.getLogger("sikinerja.access")


def _check_broker(url: str) -> str:
    import redis

    redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping()
    return "ok"


def _configure_access_log() -> None:
    """One JSON object per request on stderr, for the log collector of the deployment."""
    if not access_log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        access_log.addHandler(handler)
        access_log.setLevel(logging.INFO)
        access_log.propagate = False


# FAB's own inline scripts carry the nonce of csp_nonce() (its baselib.get_nonce), ours are files, so no
# inline script runs without it. Inline style attributes are everywhere in FAB's templates and in Bootstrap's
# JavaScript: style-src needs 'unsafe-inline' (styles cannot run code). Images: data: URIs for QR codes.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
HSTS = "max-age=31536000; includeSubDomains"


def csp_nonce() -> str:
    """A random value per response that marks the inline scripts the page itself wrote."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def _register_security_headers(app) -> None:
    if app.debug and app.config.get("HTTPS"):
        raise RuntimeError("Debug mode (the interactive debugger runs code) must never serve a TLS deployment.")
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.before_request
    def refuse_oversized_body():
        # Werkzeug raises 413 only when a view reads the body; inside FAB's @safe API views that becomes a 500.
        limit = request.max_content_length
        if limit is not None and request.content_length is not None and request.content_length > limit:
            abort(413)

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY.format(nonce=csp_nonce()))
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        if app.config.get("HTTPS"):
            headers.setdefault("Strict-Transport-Security", HSTS)
        return response


def register_request_hooks(app) -> None:
    app.add_template_filter(decimal)
    _register_security_headers(app)
    if not app.testing:
        _configure_access_log()
    if app.config.get("PROXY_FIX"):
        # Behind a reverse proxy: client address and scheme come from X-Forwarded-* (one hop).
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)

    @app.before_request
    def start_request():
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def finish_request(response):
        response.headers[REQUEST_ID_HEADER] = g.get("request_id", "")
        user = g.get("user")
        access_log.info(json.dumps({
            "request_id": g.get("request_id"), "method": request.method, "path": request.path,
            "status": response.status_code, "remote_addr": request.remote_addr,
            "user": getattr(user, "username", None) if getattr(user, "is_authenticated", False) else None,
            "duration_ms": round((time.perf_counter() - g.get("request_started", time.perf_counter())) * 1000, 1),
        }))
        return response

    @app.before_request
    def bound_list_paging():
        # FAB parses page_/psize_ with int() (a 500 on junk) and never caps the page size.
        clamped = {}
        for key, value in request.args.items():
            if key.startswith(("page_", "psize_")):
                if not value.isdigit():
                    abort(400)
                if key.startswith("psize_") and int(value) > current_app.config["LIST_PAGE_SIZE_MAX"]:
                    clamped[key] = str(current_app.config["LIST_PAGE_SIZE_MAX"])
        if clamped:
            args = request.args.to_dict(flat=False)
            args.update({key: [value] for key, value in clamped.items()})
            return redirect(f"{request.path}?{urlencode(args, doseq=True)}")
        return None

    @app.get("/health")
    def health():
        """Database and (when configured) the Redis broker reachable: 200, else 503 naming what failed."""
        checks = {}
        try:
            db.session.execute(text("SELECT 1"))
            checks["database"] = "ok"
        except Exception as error:  # noqa: BLE001 — any failure means "not reachable"
            checks["database"] = f"error: {type(error).__name__}"
        broker = current_app.config.get("REDIS_URL")
        if broker:
            try:
                checks["broker"] = _check_broker(broker)
            except Exception as error:  # noqa: BLE001
                checks["broker"] = f"error: {type(error).__name__}"
        healthy = all(value == "ok" for value in checks.values())
        return jsonify(status="ok" if healthy else "unavailable", **checks), 200 if healthy else 503
