"""What a person sees when something fails on our side, never werkzeug's English "Internal Server Error":

* the database unreachable, frozen or out of connections — 503 with ``Retry-After``: it is an outage, not a
  bug, and a retry a little later succeeds (``/health`` tells the operators which part is down);
* any other unexpected error — 500.

Browsers get the application's own page in the user's language, API clients (``/api/`` paths, or
``Accept: application/json``) JSON ``{"message": ...}``. FAB's ``@safe`` answers an exception inside an API
method itself, with the English "Fatal error"; that answer is routed here too, so an API client gets the
same status and message whichever layer failed.
"""
from __future__ import annotations

import logging
import sys

import psycopg
from flask import current_app, g, jsonify, make_response, request
from flask_appbuilder.api import BaseApi
from flask_babel import get_locale, gettext
from sqlalchemy import exc as sqlalchemy_errors
from werkzeug.exceptions import InternalServerError

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


def _wants_json() -> bool:
    return request.path.startswith("/api/") or \
        request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"


def _answer(status: int, title: str, message: str, headers: dict | None = None):
    if _wants_json():
        response = jsonify(message=message)
    else:
        # Straight from the Jinja environment: render_template's context processors load the signed-in user,
        # which needs the very database that may be down.
        template = current_app.jinja_env.get_template("errors/error.html")
        response = make_response(template.render(
            language=str(get_locale() or "id"), title=title, message=message, reference=g.get("request_id")))
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
    return _answer(503, gettext("Temporarily unavailable"),
                   gettext("The system is busy, please try again in a few moments."),
                   {"Retry-After": str(RETRY_AFTER_SECONDS)})


def internal_error(_error: Exception):
    # Flask has logged the exception with its traceback before calling this handler.
    return _answer(500, gettext("Something went wrong"),
                   gettext("Something went wrong on our side. Please try again; if it happens again, tell the "
                           "administrator."))


def _api_exception_response(api: BaseApi, message: str | None = None):
    """FAB's @safe calls response_500 inside its ``except Exception`` (and only there): the exception being
    handled is the one the API method raised; @safe has logged it."""
    if current_app.config.get("FAB_API_SHOW_STACKTRACE"):
        return api.response(500, message=message)  # a developer asked for the traceback in the answer
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_UNAVAILABLE):
        return database_unavailable(error)
    return internal_error(error)


def register_error_handlers(app) -> None:
    for error_class in DATABASE_UNAVAILABLE:
        app.register_error_handler(error_class, database_unavailable)
    app.register_error_handler(InternalServerError, internal_error)
    BaseApi.response_500 = _api_exception_response
