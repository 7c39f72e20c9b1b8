"""Attacks tried against the application, each refused.

Covered elsewhere and not repeated here (see the report of issue 10):
login brute force — tests/test_auth.py::test_account_locks_after_repeated_failures and
::test_login_is_rate_limited_on_form_and_api (HTML form and API: 429, lock-out);
WeasyPrint fetching file:///etc/passwd or internal URLs — tests/test_documents_render.py::
test_markup_in_the_data_is_printed_as_text_and_fetches_nothing and ::test_fetcher_refuses_everything_else;
disguised and oversized evidence — tests/test_activity.py::test_disguised_or_oversize_file_is_refused;
mass assignment of activity status/evaluator — tests/test_activity.py::
test_mass_assignment_of_status_and_evaluator_is_impossible; foreign agency via POST/PUT —
tests/test_scope_api.py; bulk actions over foreign ids — tests/test_scope_ui.py::
test_bulk_delete_ignores_foreign_rows, tests/test_activity.py::test_bulk_approve_touches_only_scoped_rows.
"""
import datetime as dt
import io
import os
import re
import subprocess
import sys
import threading
import uuid
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import jwt
import pytest
from flask import Flask
from sqlalchemy import select

from app.models import Employee, Unit
from app.models.activity import DailyActivity
from app.models.planning import Period, WorkPlan
from app.web import _register_security_headers
from tests.conftest import csrf_token, login
from tests.helpers import agency_id, count, database, employee_of, first_id, versioned

XSS = '<script>alert("xss-{}")</script>'
CHROMIUM = "/usr/bin/chromium"


def api_login(client, username):
    response = client.post("/api/v1/security/login",
                           json={"username": username, "password": "Sikinerja#2026", "provider": "db"})
    return response.json["access_token"]


# --- security headers and settings ----------------------------------------------------------------

def csp_nonce(response):
    match = re.search(r"script-src 'self' 'nonce-([^']+)'", response.headers["Content-Security-Policy"])
    assert match, response.headers["Content-Security-Policy"]
    return match.group(1)


@pytest.mark.parametrize("path", ["/login/", "/", "/unitview/list/", "/unitview/add", "/employeeview/list/"])
def test_every_page_sends_the_security_headers_and_only_nonced_inline_scripts(app, as_user, path):
    response = (app.test_client() if path == "/login/" else as_user("admin")).get(path)
    assert response.status_code == 200
    headers = response.headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in headers  # plain HTTP (HTTPS=0): no HSTS
    nonce = csp_nonce(response)
    html = response.get_data(as_text=True)
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or f'nonce="{nonce}"' in tag, tag
    assert not re.search(r"\son(click|load|change|submit|error)\s*=", html, re.IGNORECASE)


def test_a_new_nonce_for_every_response(app):
    client = app.test_client()
    assert csp_nonce(client.get("/login/")) != csp_nonce(client.get("/login/"))


def test_session_cookie_is_httponly_and_samesite(app):
    client = app.test_client()
    response = login(client, "pegawai.disdik")
    cookie = next(value for value in response.headers.getlist("Set-Cookie") if value.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_https_turns_on_secure_cookies_hsts_and_https_urls():
    code = ("from config import Config as C; "
            "print(C.SESSION_COOKIE_SECURE, C.REMEMBER_COOKIE_SECURE, C.PREFERRED_URL_SCHEME)")
    environment = {**os.environ, "HTTPS": "1", "SECRET_KEY": "from-the-environment"}
    environment.pop("SESSION_COOKIE_SECURE", None)
    out = subprocess.run([sys.executable, "-c", code], env=environment, capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parents[1], check=True).stdout
    assert out.split() == ["True", "True", "https"]


def test_hsts_behind_tls(app):
    app.config["HTTPS"] = True
    try:
        response = app.test_client().get("/login/", base_url="https://localhost")
        assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    finally:
        app.config["HTTPS"] = False


def test_debug_mode_never_serves_tls():
    production = Flask("probe")
    production.config.update(HTTPS=True, DEBUG=True)
    with pytest.raises(RuntimeError, match="Debug"):
        _register_security_headers(production)


def test_secret_key_comes_from_the_environment():
    code = "from config import Config; print(Config.SECRET_KEY)"
    out = subprocess.run([sys.executable, "-c", code], env={**os.environ, "SECRET_KEY": "k-from-env"},
                         capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1], check=True)
    assert out.stdout.strip() == "k-from-env"


@pytest.fixture(scope="module")
def live_server(app):
    """The test application served on a loopback port for the browser."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_pages_satisfy_the_content_security_policy_in_chromium(live_server, skm):
    """FAB's inline scripts carry the nonce; nothing is blocked and no script fails on the pages people use."""
    from playwright.sync_api import sync_playwright

    problems = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            page.on("console", lambda message: problems.append(message.text)
                    if "Content Security Policy" in message.text or "Refused to" in message.text else None)
            page.on("pageerror", lambda error: problems.append(str(error)))
            page.goto(f"{live_server}/survey/{skm['code']}")  # the public survey, signed out
            page.goto(f"{live_server}/login/")
            page.fill("#username", "admin")
            page.fill("#password", "Sikinerja#2026")
            page.click("[type=submit]")
            page.wait_for_load_state("networkidle")
            for path in ("/", "/employeeview/list/", "/unitview/add", "/activity-dashboard/"):
                response = page.goto(live_server + path)
                page.wait_for_load_state("networkidle")
                assert response.status == 200, path
            # The nonce lets FAB's own inline script run: its list page binds the search form.
            page.goto(f"{live_server}/employeeview/list/")
            assert page.evaluate("typeof $ === 'function' && typeof $.fn.select2 === 'function'")
            assert problems == []
            # An inline script without the nonce (what an injection would add) is blocked, and reported here.
            page.goto(f"{live_server}/employeeview/list/")
            page.evaluate("document.body.insertAdjacentHTML('beforeend', '<iframe srcdoc=\"<script>parent.hit=1"
                          "</script>\"></iframe>')")
            page.wait_for_timeout(300)
            assert page.evaluate("window.hit") is None
        finally:
            browser.close()


# --- CSRF, state-changing GETs, sessions, redirects --------------------------------------------------

def test_state_changing_forms_refuse_a_post_without_csrf_token(app, as_user):
    """Every POST route of the HTML views (not the bearer-token API) answers 400 without the token."""
    client = as_user("admin")
    unit = first_id(Unit, "DISDIKBUD")
    refused = []
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.rule.startswith("/api/") or rule.endpoint == "static":
            continue
        url = re.sub(r"<[^>]+>", str(unit), rule.rule)
        if client.post(url, data={"name": "csrf"}).status_code != 400:
            refused.append(rule.endpoint)
    assert refused == []
    assert count(Unit, id=unit) == 1


def test_the_api_does_not_accept_the_browser_session_without_a_token(app, as_user):
    """A cross-site form posting to the API with the victim's cookie is not authenticated by it."""
    client = as_user("admin.disdik")
    before = count(Unit)
    response = client.post("/api/v1/unit/", json={"code": "CSRF-X", "name": "csrf", "kind": "BIDANG",
                                                   "agency": agency_id("DISDIKBUD")})
    assert response.status_code in (400, 401, 403)
    assert count(Unit) == before


def test_login_gives_a_new_session_and_the_old_cookie_stays_anonymous(app):
    attacker = app.test_client()
    attacker.get("/login/")
    planted = attacker.get_cookie("session").value
    victim = app.test_client()
    victim.set_cookie("session", planted)  # session fixation: the victim logs in with the attacker's cookie
    assert login(victim, "penilai.disdik").status_code == 302
    assert victim.get_cookie("session").value != planted
    replay = app.test_client()
    replay.set_cookie("session", planted)
    assert "/login" in replay.get("/employeeview/list/").headers.get("Location", "")


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example",
                                    "https:evil.example", "javascript:alert(1)"])
def test_login_ignores_an_external_next(app, target):
    client = app.test_client()
    token = csrf_token(client, "/login/")
    response = client.post("/login/", query_string={"next": target}, data={
        "username": "pegawai.disdik", "password": "Sikinerja#2026", "csrf_token": token})
    location = response.headers.get("Location", "")
    assert response.status_code == 302
    assert urlsplit(location).netloc in ("", "localhost") and urlsplit(location).scheme in ("", "http")
    assert not location.startswith("//")


# --- stored XSS, SQL injection --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def stored_xss(app):
    """Markup typed into free-text fields: a unit's name, an activity's description and note."""
    payload = XSS.format(uuid.uuid4().hex[:8])
    with database() as session:
        employee = session.get(Employee, employee_of("pegawai.disdik")[0])
        unit = Unit(agency_id=employee.agency_id, code=f"XSS-{uuid.uuid4().hex[:6]}", name=payload, kind="BIDANG")
        period = session.scalar(select(Period).where(Period.year == 2026))
        activity = DailyActivity(employee_id=employee.id, agency_id=employee.agency_id,
                                 evaluator_id=employee_of("penilai.disdik")[0], period_id=period.id,
                                 activity_date=dt.date(2026, 11, 2), start_time=dt.time(8), end_time=dt.time(9),
                                 description=payload, note=payload, volume=Decimal(1), output_unit=payload[:40],
                                 status="submitted", submitted_at=dt.datetime(2026, 11, 2, 10))
        session.add_all([unit, activity])
        session.commit()
        ids = unit.id, activity.id
    yield payload, ids
    with database() as session:
        session.delete(session.get(DailyActivity, ids[1]))
        session.delete(session.get(Unit, ids[0]))
        session.commit()


@pytest.mark.parametrize("user, path", [
    ("admin.disdik", "/unitview/list/"), ("admin.disdik", "/unitview/show/{unit}"),
    ("admin.disdik", "/unitview/edit/{unit}"), ("admin.disdik", "/positionview/add"),
    ("penilai.disdik", "/activity/queue"), ("pegawai.disdik", "/activity/mine?week=2026-11-02"),
    ("penilai.disdik", "/dailyactivityview/show/{activity}"), ("kadis.disdik", "/activity-dashboard/"),
    ("hr.bkpsdm", "/auditentryview/list/"),
])
def test_stored_markup_is_shown_as_text(as_user, stored_xss, user, path):
    payload, (unit, activity) = stored_xss
    response = as_user(user).get(path.format(unit=unit, activity=activity))
    assert response.status_code == 200, path
    html = response.get_data(as_text=True)
    assert payload not in html
    assert "<script>alert(" not in html


SQL_INJECTIONS = ["' OR '1'='1", "1; DROP TABLE employee; --", "\" OR 1=1 --",
                  "%' UNION SELECT password FROM ab_user --"]


@pytest.mark.parametrize("text", SQL_INJECTIONS)
def test_sql_injection_in_search_and_filters_finds_nothing_and_breaks_nothing(as_user, api_as, text):
    employees = count(Employee)
    page = as_user("admin.disdik").get("/employeeview/list/", query_string={"_flt_0_name": text})
    assert page.status_code == 200
    assert "Traceback" not in page.get_data(as_text=True) and "sqlalchemy" not in page.get_data(as_text=True)
    client, headers = api_as("admin.disdik")
    rison = "(filters:!((col:name,opr:ct,value:'{}')))".format(text.replace("'", "!'"))
    api = client.get("/api/v1/employee/", query_string={"q": rison}, headers=headers)
    assert api.status_code in (200, 400)
    if api.status_code == 200:
        assert api.json["count"] == 0
    # An unknown sort column is dropped: the list opens in its own order, nothing is run against the database.
    ordering = as_user("admin.disdik").get("/employeeview/list/", query_string={"_oc_EmployeeView": text},
                                           follow_redirects=True)
    assert ordering.status_code == 200 and "Traceback" not in ordering.get_data(as_text=True)
    assert count(Employee) == employees


# --- uploads ------------------------------------------------------------------------------------------

def test_evidence_upload_with_a_path_in_its_name_stays_in_the_evidence_folder(app, as_user):
    from tests.test_activity import PDF, last_working_day

    client = as_user("pegawai.disdik")
    token = csrf_token(client, "/activity/report")
    name = "../../../../tmp/sikinerja-evil.pdf"
    client.post("/activity/report", content_type="multipart/form-data", data={
        "csrf_token": token, "activity_date": last_working_day().isoformat(), "start_time": "15:00",
        "end_time": "15:30", "description": "Unggah bukti", "work_result": "", "volume": "1",
        "output_unit": "kegiatan", "evidence": (io.BytesIO(PDF), name)})
    assert not Path("/tmp/sikinerja-evil.pdf").exists()
    with database() as session:
        stored = session.scalars(select(DailyActivity.evidence_stored_name).where(
            DailyActivity.evidence_original_name == "sikinerja-evil.pdf")).all()
    for name in stored:
        assert re.fullmatch(r"[0-9a-f]{32}\.pdf", name)
        assert (Path(app.config["UPLOAD_FOLDER"]) / "activity" / name).is_file()


def test_fab_download_route_serves_no_stored_file(app, as_user):
    probe = Path(app.config["UPLOAD_FOLDER"]) / f"probe-{uuid.uuid4().hex}.txt"
    probe.parent.mkdir(parents=True, exist_ok=True)
    probe.write_text("not for download")
    try:
        response = as_user("pegawai.disdik").get(f"/employeeview/download/{probe.name}")
        assert response.status_code in (403, 404) or "/login" in response.headers.get("Location", "")
    finally:
        probe.unlink()


# --- mass assignment through the REST API ------------------------------------------------------------

def test_evaluation_api_changes_only_the_two_ratings(api_as):
    client, headers = api_as("kadis.disdik")
    with database() as session:
        from app.models.evaluation import Evaluation

        pk = session.scalar(select(Evaluation.id).where(Evaluation.evaluator_id == employee_of("kadis.disdik")[0])
                            .order_by(Evaluation.id))
    assert pk is not None, "the demo has an evaluation by kadis.disdik"
    for field, value in (("status", "final"), ("agency_id", agency_id("DINKES")), ("employee_id", 1),
                         ("finalised_at", "2026-01-01T00:00:00")):
        response = client.put(f"/api/v1/evaluation/{pk}?_l_=en", json={field: value}, headers=headers)
        assert response.status_code == 400, field
        assert "Only the two ratings" in response.json["message"]


def test_employee_api_cannot_move_a_row_or_touch_its_id(api_as):
    client, headers = api_as("admin.disdik")
    employee = employee_of("pegawai.disdik")[0]
    for body in ({"agency": agency_id("DINKES")}, {"id": 1}, {"nip": "x" * 40}):
        response = client.put(f"/api/v1/employee/{employee}", json=versioned(body, Employee, employee),
                              headers=headers)
        assert response.status_code in (400, 422), body
    with database() as session:
        assert session.get(Employee, employee).agency_id == agency_id("DISDIKBUD")


def test_workplan_api_does_not_take_status_or_approver(api_as):
    client, headers = api_as("pegawai.disdik")
    plans = count(WorkPlan)
    response = client.post("/api/v1/workplan/", json={"status": "approved", "approved_by_user_id": 1,
                                                       "agency_id": agency_id("DINKES")}, headers=headers)
    assert response.status_code in (400, 404, 405, 422)
    assert count(WorkPlan) == plans


# --- tokens --------------------------------------------------------------------------------------------

def _claims(app, client):
    token = api_login(client, "pegawai.disdik")
    return jwt.decode(token, app.config["SECRET_KEY"], algorithms=["HS256"])


def _forged_tokens(app, claims):
    later = int(dt.datetime.now(dt.timezone.utc).timestamp()) + 3600
    return {
        "alg none": jwt.encode({**claims, "exp": later}, key=None, algorithm="none"),
        "HS512 with another key": jwt.encode({**claims, "exp": later}, "another-key-" + "x" * 64, algorithm="HS512"),
        "HS256 with another key": jwt.encode({**claims, "exp": later}, "guessed", algorithm="HS256"),
        "expired": jwt.encode({**claims, "exp": int(dt.datetime.now(dt.timezone.utc).timestamp()) - 60},
                              app.config["SECRET_KEY"], algorithm="HS256"),
        "not a token": "abc.def.ghi",
    }


@pytest.mark.parametrize("kind", ["alg none", "HS512 with another key", "HS256 with another key", "expired",
                                  "not a token"])
def test_forged_or_expired_tokens_are_refused(app, kind):
    client = app.test_client()
    claims = _claims(app, client)
    token = _forged_tokens(app, claims)[kind]
    response = client.get("/api/v1/employee/", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code in (401, 422), (kind, response.status_code)
    assert "result" not in (response.json or {})


def test_a_token_for_another_user_id_needs_the_key(app):
    client = app.test_client()
    claims = _claims(app, client)
    with app.app_context():
        admin = app.appbuilder.sm.find_user(username="admin")
        forged = jwt.encode({**claims, "sub": str(admin.id)}, "guessed", algorithm="HS256")
    response = client.get("/api/v1/agency/", headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code in (401, 422)


# --- oversized requests --------------------------------------------------------------------------------

@pytest.mark.parametrize("path, content_type", [
    ("/api/v1/security/login", "application/json"), ("/api/v1/public/survey/DINKES-PKM-TJS", "application/json"),
    ("/login/", "application/x-www-form-urlencoded"), ("/activity/report", "multipart/form-data; boundary=x")])
def test_oversized_requests_are_refused_with_413(app, path, content_type):
    body = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = app.test_client().post(path, data=body, content_type=content_type)
    assert response.status_code == 413



@pytest.mark.parametrize("content, filename", [
    (b"MZ\x90\x00" + b"\x00" * 200, "pegawai.xlsx"),                 # a program named as a workbook
    (b"<?php system($_GET['c']); ?>", "../../../../tmp/evil.csv.php"),  # a script with a path in its name
])
def test_import_upload_refuses_disguised_files_and_ignores_paths(app, as_user, content, filename):
    from tests.test_imports import upload

    employees = count(Employee)
    response = upload(as_user("admin.disdik"), content, filename=filename)
    assert response.status_code in (200, 400)
    assert not re.search(r"/import/[^/?]+", response.headers.get("Location", ""))  # no preview was made
    assert count(Employee) == employees
    assert not Path("/tmp/evil.csv.php").exists()
