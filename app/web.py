"""Request hooks for every page: request ids, access log, input no view can use (control characters,
model views' arguments, list paging) refused or dropped before any view runs, the pages of 400 and 404,
health check; the number filter of the templates."""
import json
import logging
import re
import secrets
import time
import uuid
from urllib.parse import urlencode

from flask import abort, current_app, g, jsonify, redirect, request
from flask_appbuilder.baseviews import BaseCRUDView
from flask_babel import gettext
from flask_wtf.csrf import CSRFError
from sqlalchemy import text
from werkzeug.exceptions import BadRequest, NotFound
from werkzeug.middleware.proxy_fix import ProxyFix

from app import arguments, template_texts
from app.errors import answer as error_page
from app.extensions import db
from app.parsing import ROW_ID_MAX, parse_whole_number
from app.domain.nip import format_nip
from app.formatting import quantity, shown
from app.security.roles import role_label
from app.views.base import decimal

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
access_log = logging.getLogger("sikinerja.access")
# C0 control characters but tab, line feed and carriage return: no text a person types holds one, and
# PostgreSQL refuses a NUL in any text (a 500 wherever one reached a query).
CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


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


def _json_strings(value):
    """The keys and string values of a JSON document, walked without recursion (it may be deeply nested)."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)


def _json_body():
    """The JSON body (None without one). Every JSON endpoint here takes an object: anything else, or a body
    nested deeper than the parser goes, is refused before a view calls ``.get`` on it."""
    if not request.is_json:
        return None
    try:
        body = request.get_json(silent=True)
    except RecursionError:
        raise BadRequest(gettext("The request body is not a JSON document this system can read.")) from None
    if body is not None and not isinstance(body, dict):
        raise BadRequest(gettext("The request body must be a JSON object."))
    return body


def _request_texts():
    """Every text the request carries: path, query and form keys and values, the names of uploaded files
    and the strings of a JSON body (the contents of uploaded files are not text)."""
    yield request.path
    for values in (request.args, request.form):
        for key, value in values.items(multi=True):
            yield key
            yield value
    for _field, upload in request.files.items(multi=True):
        yield upload.filename or ""
    yield from _json_strings(_json_body())


def _same_page_without(dropped=(), replaced=None):
    """The URL of this request with some query arguments dropped or replaced."""
    query = [(key, value) for key, value in request.args.items(multi=True) if key not in dropped]
    query = [(key, (replaced or {}).get(key, value)) for key, value in query]
    return f"{request.path}?{urlencode(query)}" if query else request.path


def _register_bad_input_checks(app) -> None:
    # Registered after refuse_oversized_body: reading the form of an oversized body would raise.
    @app.before_request
    def refuse_unreadable_input():
        if any(CONTROL_CHARACTER.search(text) for text in _request_texts()):
            raise BadRequest(gettext("The request contains a control character (such as a NUL byte), which "
                                     "text may not contain. Remove it and try again."))

    list_views = {type(view).__name__: view for view in app.appbuilder.baseviews if isinstance(view, BaseCRUDView)}

    @app.before_request
    def check_model_view_arguments():
        view = arguments.model_view_of(request.endpoint)
        arguments.check_path_ids(view)
        if view is None:
            return None
        arguments.check_action(view)
        arguments.check_list_filters(view)
        arguments.check_rison(view)
        unusable = arguments.unusable_sort_arguments(list_views)
        if not unusable:
            return None
        if request.method not in ("GET", "HEAD"):
            raise BadRequest(gettext("This list cannot be sorted that way."))
        return redirect(_same_page_without(dropped=unusable))

    @app.errorhandler(BadRequest)
    def bad_request(error):
        if isinstance(error, CSRFError):
            message = gettext("The form has expired or was not sent from this site. Reload the page and try again.")
        elif error.description == BadRequest.description:  # werkzeug's own English sentence
            message = gettext("The request is not valid.")
        else:
            message = error.description  # ours, already in the user's language
        return error_page(400, gettext("The request cannot be processed"), message)

    @app.errorhandler(NotFound)
    def not_found(_error):
        return error_page(404, gettext("Not found"),
                          gettext("The page or record you asked for does not exist, or you may not see it."))


def register_request_hooks(app) -> None:
    app.add_template_filter(decimal)
    app.add_template_filter(role_label)
    app.add_template_filter(shown)  # the generated lists' and show pages' values (app/templates/appbuilder)
    app.add_template_filter(quantity)  # a stored quantity on a page of its own reads as in the generated lists
    app.add_template_filter(format_nip, "nip")  # grouped as printed on official forms: 19860926 201505 1 001
    from app.views.list_rows import row_buttons  # here: app.views.list_rows reads this module's csp_nonce

    app.add_template_global(row_buttons)  # the generated lists' row buttons
    template_texts.install(app)  # after flask-babel's own (AppBuilder): translated once per language
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

    _register_bad_input_checks(app)

    @app.before_request
    def bound_list_paging():
        # FAB parses page_/psize_ with int() (a 500 on junk) and never caps the page size.
        clamped = {}
        for key, value in request.args.items():
            if key.startswith(("page_", "psize_")):
                number = parse_whole_number(value)
                if number is None:
                    raise BadRequest(gettext("The page number and page size must be whole numbers from 0 to "
                                             "%(maximum)d.", maximum=ROW_ID_MAX))
                if key.startswith("psize_") and number > current_app.config["LIST_PAGE_SIZE_MAX"]:
                    clamped[key] = str(current_app.config["LIST_PAGE_SIZE_MAX"])
        if clamped:
            return redirect(_same_page_without(replaced=clamped))
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
