"""What a person sees when something fails on our side, never werkzeug's English "Internal Server Error":

* the database unreachable, frozen or out of connections — 503 with ``Retry-After``: it is an outage, not a
  bug, and a retry a little later succeeds (``/health`` tells the operators which part is down);
* a lost race on a record's version (StaleDataError: someone else's save came first; ConcurrentChange raised
  by a use-case) that no view answered itself — 409 "reload and try again": nothing was written;
* any other unexpected error — 500;
* an upload over MAX_CONTENT_LENGTH — 413, naming the limit, with the way back to the form (app.web refuses
  it before any view runs; blueprints with a page of their own for 413, public verification, keep it).

Browsers get the application's own page in the user's language, API clients (``/api/`` paths, or
``Accept: application/json``) JSON ``{"message": ...}``. FAB's ``@safe`` answers an exception inside an API
method itself, with the English "Fatal error"; that answer is routed here too, so an API client gets the
same status and message whichever layer failed.
"""
from __future__ import annotations

import logging
import sys
from urllib.parse import urlsplit

import psycopg
from flask import current_app, g, jsonify, make_response, render_template, request
from flask_appbuilder.api import BaseApi
from flask_babel import get_locale, gettext
from flask_login import current_user
from sqlalchemy import exc as sqlalchemy_errors
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import Forbidden, InternalServerError, RequestEntityTooLarge

from app.formatting import decimal
from app.services.transaction import SAVED_AT_THE_SAME_MOMENT, ConcurrentChange

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
DATABASE_UNAVAILABLE = (
    sqlalchemy_errors.OperationalError,  # refused or lost connection, statement timeout, lock timeout
    sqlalchemy_errors.InterfaceError,  # the driver's connection is closed or broken
    sqlalchemy_errors.DisconnectionError,
    sqlalchemy_errors.TimeoutError,  # the pool has no free connection (the database frozen, or overloaded)
    psycopg.OperationalError,  # psycopg's own, where it reaches us without SQLAlchemy's wrapping
    psycopg.InterfaceError,
)

LOST_RACES = (StaleDataError, ConcurrentChange)


def _wants_json() -> bool:
    return request.path.startswith("/api/") or \
        request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"


def answer(status: int, title: str, message: str, headers: dict | None = None):
    if _wants_json():
        response = jsonify(message=message)
    else:
        # Straight from the Jinja environment: render_template's context processors load the signed-in user,
        # which needs the very database that may be down.
        template = current_app.jinja_env.get_template("errors/error.html")
        response = make_response(template.render(
            language=str(get_locale() or "id"), title=title, message=message, reference=g.get("request_id"),
            status=status))
    response.status_code = status
    response.headers.update(headers or {})
    return response


def _finish_the_request_anonymously() -> None:
    # The after-request hooks (the access log) read the signed-in user: loading it, or an attribute a rollback
    # expired, would ask the database that just failed, and Flask would answer with its own English 500.
    current_app.login_manager._update_request_context_with_user()  # Flask-Login's "no user for this request"
    g.user = g._login_user


def database_unavailable(error: Exception):
    log.warning("database unavailable, answering 503: %s: %s", type(error).__name__, str(error).splitlines()[0])
    _finish_the_request_anonymously()
    return answer(503, gettext("Temporarily unavailable"),
                   gettext("The system is busy, please try again in a few moments."),
                   {"Retry-After": str(RETRY_AFTER_SECONDS)})


def internal_error(_error: Exception):
    # Flask has logged the exception with its traceback before calling this handler.
    return answer(500, gettext("Something went wrong"),
                   gettext("Something went wrong on our side. Please try again; if it happens again, tell the "
                           "administrator."))


def forbidden(_error):
    """FAB's ``@has_access`` aborts with 403 for a signed-in user without the permission (pages offer only
    what the user may open, app.views.navigation: this is a typed or an old address)."""
    return answer(403, gettext("Access denied"),
                  gettext("Your account may not open this page. If you need it for your work, ask your "
                          "agency's administrator for the right role."))


def lost_race(error: Exception):
    """A save that another one overtook: the person reloads and decides again (409, never a 500)."""
    log.info("lost update race answered 409: %s", str(error).splitlines()[0])
    if not isinstance(error, ConcurrentChange):
        error = ConcurrentChange(SAVED_AT_THE_SAME_MOMENT)
    return answer(409, gettext("Changed meanwhile"), gettext(error.message, **error.params))


def upload_too_large(_error):
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


def _api_exception_response(api: BaseApi, message: str | None = None):
    """FAB's @safe calls response_500 inside its ``except Exception`` (and only there): the exception being
    handled is the one the API method raised; @safe has logged it."""
    if current_app.config.get("FAB_API_SHOW_STACKTRACE"):
        return api.response(500, message=message)  # a developer asked for the traceback in the answer
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_UNAVAILABLE):
        return database_unavailable(error)
    if isinstance(error, LOST_RACES):
        return lost_race(error)
    return internal_error(error)


def register_error_handlers(app) -> None:
    for error_class in DATABASE_UNAVAILABLE:
        app.register_error_handler(error_class, database_unavailable)
    app.register_error_handler(InternalServerError, internal_error)
    for error_class in LOST_RACES:
        app.register_error_handler(error_class, lost_race)
    app.register_error_handler(RequestEntityTooLarge, upload_too_large)
    app.register_error_handler(Forbidden, forbidden)
    BaseApi.response_500 = _api_exception_response
