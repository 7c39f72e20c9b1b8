"""The answer to an upload over MAX_CONTENT_LENGTH (app.web refuses it with 413 before any view runs):
the app's own page in the reader's language, naming the limit, with the way back — JSON under /api/."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, g, jsonify, render_template, request
from flask_babel import gettext
from flask_login import current_user

from app.formatting import decimal


def upload_too_large(error):
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    message = gettext("The file is too large: an upload may be at most %(size)s MB.",
                      size=decimal(limit / (1024 * 1024), 0))
    if request.path.startswith("/api/"):
        return jsonify(message=message, field="file"), 413
    appbuilder = current_app.appbuilder
    # The refusal came before FAB's own before_request, which sets the user the page's menu is built for.
    g.user = current_user
    return render_template("sikinerja/upload_too_large.html", message=message, back_url=_way_back(),
                           base_template=appbuilder.base_template, appbuilder=appbuilder), 413


def _way_back() -> str:
    """The page the form was on (this site only), else the home page."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path.startswith("/"):
        return referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return current_app.appbuilder.get_url_for_index


def register_upload_limit_page(app) -> None:
    # App-wide: blueprints with a page of their own for 413 (public verification) keep it.
    app.register_error_handler(413, upload_too_large)
