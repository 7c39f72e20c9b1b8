"""Public verification of signed documents, without login: by the code in the QR (GET /verify/<code>) or
by uploading the PDF (GET/POST /verify/). The page says whether the document is genuine and unaltered and
whether it still shows the record as it stands, and what a person needs to compare it with the paper in
hand: kind, whose document (the NIP masked), period, predikat, who signed it and when (Indonesian date,
WITA) — nothing else, no download. Rate-limited per client like the public survey; the upload form carries a
CSRF token.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import get_locale, gettext
from flask_limiter.util import get_remote_address

from app.documents import verification
from app.documents.render import indonesian_moment
from app.public.survey import choose_language

UPLOAD_FIELD = "pdf"
PDF_SIGNATURE = b"%PDF-"
# PDF allows the header anywhere in the first kilobyte.
PDF_HEADER_WINDOW = 1024


def _page(template: str, status: int = 200, **context):
    # Moments as printed on the stamp (Indonesian date, WITA), so that they read the same as the paper.
    return render_template(f"public/{template}", english=str(get_locale()) == "en", kiosk=False,
                           moment=indonesian_moment, **context), status


def _upload_limit() -> int:
    return current_app.config.get("VERIFY_UPLOAD_MAX_BYTES", 5 * 1024 * 1024)


def _form(error: str | None = None, status: int = 200):
    return _page("verify_form.html", status, error=error, max_mb=_upload_limit() // (1024 * 1024))


def verify_upload():
    """GET: the upload form. POST: the answer about the uploaded file, or the form with the reason."""
    if request.method == "GET":
        return _form()
    upload = request.files.get(UPLOAD_FIELD)
    if upload is None or not upload.filename:
        return _form(gettext("Choose the PDF file to verify."), 400)
    data = upload.read(_upload_limit() + 1)
    if len(data) > _upload_limit():
        return _too_large(None)
    if PDF_SIGNATURE not in data[:PDF_HEADER_WINDOW]:
        return _form(gettext("This file is not a PDF document."), 400)
    return _page("verify_result.html", result=verification.verify_bytes(data), uploaded=True)


def verify_code(code: str):
    result = verification.verify_code(code.strip().upper())
    if result is None:
        abort(404)
    return _page("verify_result.html", result=result, uploaded=False)


def _too_large(error):
    return _form(gettext("The file is larger than %(size)d MB.", size=_upload_limit() // (1024 * 1024)), 413)


def _unknown_code(error):
    return _page("verify_unknown.html", 404)


def _too_many_requests(error):
    return _form(gettext("Too many verifications; please wait a minute and try again."), 429)


def register_public_verify(app) -> None:
    """Routes and the per-client rate limit; call once from create_app."""
    limiter = app.appbuilder.sm.limiter
    per_client = limiter.shared_limit(app.config.get("VERIFY_CLIENT_RATE_LIMIT", "30 per minute"),
                                      scope="verify-client", key_func=get_remote_address)
    # Built per application, so a second create_app in one process gets its own routes.
    public_verify = Blueprint("public_verify", __name__, url_prefix=verification.VERIFY_PREFIX)
    public_verify.before_request(choose_language)
    public_verify.add_url_rule("/", view_func=per_client(verify_upload), methods=["GET", "POST"])
    public_verify.add_url_rule("/<code>", view_func=per_client(verify_code))
    public_verify.register_error_handler(413, _too_large)
    public_verify.register_error_handler(404, _unknown_code)
    public_verify.register_error_handler(429, _too_many_requests)
    app.register_blueprint(public_verify)
