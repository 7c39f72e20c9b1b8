"""Outages degrade, they do not break (issue 17): Redis down keeps login and the survey working on
in-memory limits; the broker down refuses a bulk job with "try again" and leaves no job behind; the database
down answers 503 with Retry-After — the application's page for browsers, JSON for API clients — and an
unexpected error is the application's own page or JSON, never werkzeug's English HTML."""
import logging
from contextlib import contextmanager

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import create_engine, select

from app.services import document_jobs as bulk
from app.extensions import db
from app.models import Agency, DocumentJob
from app.models.document_job import DocumentJobItem
from app.models.planning import Period
from app.models.survey import SurveyResponse
from app.security.scope import UserScope
from tests.conftest import csrf_token, login
from tests.helpers import agency_id, count, database, rate_limits_in_redis, remove_document_jobs
from tests.test_survey_public import form_token_of

CLOSED_PORT_REDIS = "redis://127.0.0.1:1/0"
CLOSED_PORT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:1/sikinerja"
BUSY = "The system is busy, please try again in a few moments."
API_LOGIN = "/api/v1/security/login"


@pytest.fixture()
def busy(app):
    """The outage message as the Indonesian catalogue shows it: the page must show exactly that."""
    with app.app_context(), force_locale("id"):
        return gettext(BUSY)


def api_login(client, username="admin.disdik", password="Sikinerja#2026"):
    return client.post(API_LOGIN, json={"username": username, "password": password, "provider": "db"})


# --- Redis (rate-limit storage) down ---------------------------------------------------------------

@pytest.fixture()
def redis_down(app, caplog, monkeypatch):
    """The limiter enabled, its storage a Redis on a closed port — as in production when Redis stops."""
    limiter = app.appbuilder.sm.limiter
    # The test session's migrations (Alembic's logging.fileConfig) disable every logger that existed before.
    monkeypatch.setattr(limiter.logger, "disabled", False)
    caplog.set_level(logging.INFO, logger="flask-limiter")
    with rate_limits_in_redis(limiter, CLOSED_PORT_REDIS):
        yield limiter


def fallback_warnings(caplog) -> int:
    return sum("falling back to in-memory storage" in record.getMessage() for record in caplog.records)


def test_login_on_the_form_and_the_api_works_while_redis_is_down(app, redis_down, caplog):
    response = login(app.test_client(), "admin.disdik")
    assert response.status_code == 302 and "/login" not in response.headers["Location"]
    token = api_login(app.test_client())
    assert token.status_code == 200 and token.json["access_token"]
    assert login(app.test_client(), "pegawai.disdik").status_code == 302
    assert fallback_warnings(caplog) == 1  # logged once, not per request


def test_login_limits_still_apply_in_memory_while_redis_is_down(app, redis_down):
    statuses = [api_login(app.test_client(), "nobody", "x").status_code for _ in range(11)]  # 10 per minute
    assert statuses[0] == 401 and statuses[-1] == 429


def test_survey_submission_is_recorded_while_redis_is_down(app, redis_down, skm):
    before = count(SurveyResponse, unit_id=skm["unit_id"])
    answers = {f"u{number}": 3 for number in range(1, 10)}
    app_client = app.test_client()  # an app that shows the survey itself asks for a one-time form token first
    form_token = app_client.get(f"/api/v1/public/survey/{skm['code']}/form-token").json["form_token"]
    response = app_client.post(f"/api/v1/public/survey/{skm['code']}", json={**answers, "form_token": form_token},
                               environ_base={"REMOTE_ADDR": "10.17.0.1"})
    assert response.status_code == 201, response.get_data(as_text=True)
    client = app.test_client()
    page = client.get(f"/survey/{skm['code']}").get_data(as_text=True)
    form_token = form_token_of(page)
    token = csrf_token(client, f"/survey/{skm['code']}")
    form = client.post(f"/survey/{skm['code']}", data={"csrf_token": token, "form_token": form_token, **answers,
                                                       "sex": "F"}, environ_base={"REMOTE_ADDR": "10.17.0.2"})
    assert form.status_code == 303 and "/thanks" in form.headers["Location"]
    assert count(SurveyResponse, unit_id=skm["unit_id"]) == before + 2


# --- the Celery broker down ------------------------------------------------------------------------

@pytest.fixture()
def broker_down(app, monkeypatch):
    monkeypatch.setitem(app.config, "CELERY_BROKER_URL", CLOSED_PORT_REDIS)
    remove_document_jobs()
    yield
    remove_document_jobs()


def _period_id():
    with database() as session:
        return session.scalar(select(Period.id).where(Period.year == 2026))


def test_a_bulk_job_the_broker_refuses_says_try_again_and_leaves_no_job(app, as_user, broker_down, busy):
    with app.app_context(), force_locale("id"):
        same_job = gettext("The same documents are already being produced; this is that job.")
    hr = as_user("hr.bkpsdm")
    data = {"agency": agency_id("DINKES"), "period": _period_id(), "kind": "evaluation_annual",
            "mode": "print", "output": "zip", "csrf_token": csrf_token(hr, "/document-jobs/")}
    for _attempt in range(2):  # trying again is refused the same way, not "already being produced"
        response = hr.post("/document-jobs/create", data=data)
        assert response.status_code == 302
        # The message is flashed in the language of the request that failed (the Indonesian default).
        page = hr.get(response.headers["Location"]).get_data(as_text=True)
        assert busy in page and same_job not in page
        assert count(DocumentJob) == 0 and count(DocumentJobItem) == 0


def test_a_resume_the_broker_refuses_leaves_the_job_resumable(app, as_user, broker_down, busy):
    with database() as session:
        agency = session.scalar(select(Agency).where(Agency.code == "DINKES"))
        job, _ = bulk.create_job(agency, session.get(Period, _period_id()), "evaluation_annual", "print", "zip",
                                 scope=UserScope.system())
        job.status = "failed"
        session.commit()
        job_id = job.id
    hr = as_user("hr.bkpsdm")
    response = hr.post(f"/document-jobs/{job_id}/resume", data={"csrf_token": csrf_token(hr, "/document-jobs/")})
    assert busy in hr.get(response.headers["Location"]).get_data(as_text=True)
    with database() as session:
        figures = bulk.progress(session.get(DocumentJob, job_id))
    assert (figures["status"], figures["resumable"]) == ("failed", True)


# --- the database down -----------------------------------------------------------------------------

@contextmanager
def database_unreachable(app):
    """Every request's session bound to a PostgreSQL on a closed port: each query fails to connect."""
    dead = create_engine(CLOSED_PORT_POSTGRES)
    with app.app_context():
        engines = db.engines
    live = engines[None]
    engines[None] = dead
    try:
        yield
    finally:
        engines[None] = live
        dead.dispose()


def assert_unavailable_page(response, busy):
    html = response.get_data(as_text=True)
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    assert response.mimetype == "text/html" and '<html lang="id">' in html
    assert busy in html and "Internal Server Error" not in html


def assert_unavailable_json(response, busy):
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    assert response.json == {"message": busy}


def test_browsers_get_the_indonesian_unavailable_page_while_the_database_is_down(app, as_user, busy):
    signed_in = as_user("admin.disdik")
    anonymous = app.test_client()
    with database_unreachable(app):
        assert_unavailable_page(anonymous.get("/login/"), busy)
        assert_unavailable_page(signed_in.get("/"), busy)
        assert_unavailable_page(signed_in.get("/agencyview/list/"), busy)
    assert signed_in.get("/").status_code == 200  # back when the database is


def test_api_clients_get_json_503_while_the_database_is_down(app, api_as, skm, busy):
    client, headers = api_as("admin.disdik")
    with database_unreachable(app):
        assert_unavailable_json(client.get("/api/v1/agency/", headers=headers), busy)
        assert_unavailable_json(api_login(app.test_client()), busy)  # inside FAB's @safe
        assert_unavailable_json(app.test_client().post(f"/api/v1/public/survey/{skm['code']}", json={}), busy)
        # An HTML address asked for JSON.
        assert_unavailable_json(app.test_client().get("/login/", headers={"Accept": "application/json"}), busy)


# --- any other unexpected error --------------------------------------------------------------------

@pytest.fixture()
def broken_poster(app, monkeypatch):
    """The survey poster page raising an unexpected error, answered as in production (not re-raised)."""
    def broken(**_kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setitem(app.view_functions, "public_survey.poster", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)


def test_an_unexpected_error_is_the_applications_page_not_werkzeugs(app, broken_poster, skm):
    response = app.test_client().get(f"/survey/{skm['code']}/poster")
    html = response.get_data(as_text=True)
    assert response.status_code == 500 and '<html lang="id">' in html
    assert "Internal Server Error" not in html and "disk on fire" not in html
    assert response.headers["X-Request-ID"] in html  # the reference to tell the administrator
    as_json = app.test_client().get(f"/survey/{skm['code']}/poster", headers={"Accept": "application/json"})
    assert as_json.status_code == 500 and as_json.json["message"] and "disk" not in as_json.json["message"]


def test_an_unexpected_api_error_is_translated_json_not_fatal_error(app, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(app.appbuilder.sm, "auth_user_db", broken)
    response = api_login(app.test_client())
    assert response.status_code == 500
    assert response.json["message"] not in ("Fatal error", "Internal error") and "disk" not in response.json["message"]
    english = app.test_client().post(API_LOGIN + "?_l_=en", json={"username": "x", "password": "y", "provider": "db"})
    assert english.json["message"].startswith("Something went wrong on our side")
