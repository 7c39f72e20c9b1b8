"""Login, language, lock-out, rate limits, CSRF, audit and privilege escalation."""
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry, Unit, UserAccount
from tests.conftest import csrf_token, login
from tests.helpers import first_id


def test_login_page_is_indonesian_with_english_switch(app):
    client = app.test_client()
    page = client.get("/login/").get_data(as_text=True)
    assert "Kata sandi" in page or "kata sandi" in page
    client.get("/lang/en")
    assert "Password" in client.get("/login/").get_data(as_text=True)


def test_every_demo_account_logs_in(app):
    for username in ("admin", "hr.bkpsdm", "admin.disdik", "admin.dinkes", "kadis.disdik", "penilai.disdik",
                     "pegawai.disdik", "kadis.dinkes", "penilai.dinkes", "pegawai.dinkes"):
        response = login(app.test_client(), username)
        assert response.status_code == 302 and "/login" not in response.headers["Location"], username


def _make_user(app, username):
    with app.app_context():
        sm = app.appbuilder.sm
        user = sm.find_user(username=username) or sm.add_user(
            username=username, first_name="Uji", last_name="Kunci", email=f"{username}@example.test",
            role=[sm.find_role("Employee")], password="Sikinerja#2026")
        return user.id


def test_account_locks_after_repeated_failures(app):
    user_id = _make_user(app, "uji.kunci")
    client = app.test_client()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        login(client, "uji.kunci", "salah-salah")
    response = login(client, "uji.kunci")  # right password, but locked
    assert "/login" in response.headers.get("Location", "/login")
    with app.app_context():
        assert db.session.get(UserAccount, user_id).locked_until is not None
        actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.username == "uji.kunci")).all()
        assert "account_locked" in actions and "login_refused_locked" in actions


def test_login_is_rate_limited_on_form_and_api(app):
    limiter = app.appbuilder.sm.limiter
    limiter.enabled = True
    try:
        limiter.reset()
        client = app.test_client()
        statuses = [client.post("/api/v1/security/login", json={"username": "nobody", "password": "x",
                                                                   "provider": "db"}).status_code
                    for _ in range(12)]
        assert 429 in statuses
        limiter.reset()
        form = [login(app.test_client(), "nobody", "x").status_code for _ in range(12)]
        assert 429 in form
    finally:
        limiter.reset()
        limiter.enabled = False


def test_post_without_csrf_token_is_refused(app, as_user, db_session):
    client = as_user("admin.disdik")
    target = first_id(Unit, "DISDIKBUD")
    response = client.post(f"/unitview/delete/{target}")
    assert response.status_code == 400
    assert db_session.get(Unit, target) is not None


def test_change_is_audited_with_before_and_after(app, api_as, db_session):
    client, headers = api_as("admin.disdik")
    unit = first_id(Unit, "DISDIKBUD")
    old_name = db_session.get(Unit, unit).name
    assert client.put(f"/api/v1/unit/{unit}", json={"name": old_name + " (ubah)"}, headers=headers).status_code == 200
    entry = db_session.scalars(select(AuditEntry).where(AuditEntry.entity == "Unit", AuditEntry.entity_id == str(unit),
                                                        AuditEntry.action == "update")
                               .order_by(AuditEntry.id.desc())).first()
    assert entry.username == "admin.disdik" and entry.ip_address
    assert entry.changes["name"] == {"before": old_name, "after": old_name + " (ubah)"}
    client.put(f"/api/v1/unit/{unit}", json={"name": old_name}, headers=headers)


def test_audit_log_is_read_only_and_hidden_from_agency_admins(app, as_user, db_session):
    admin = as_user("admin")
    entry = db_session.scalars(select(AuditEntry.id)).first()
    assert admin.get(f"/auditentryview/show/{entry}").status_code == 200
    assert admin.get(f"/auditentryview/edit/{entry}").status_code == 404
    assert admin.get(f"/auditentryview/delete/{entry}").status_code in (404, 405)
    assert as_user("admin.disdik").get("/auditentryview/list/").status_code in (302, 403)


def test_hr_admin_cannot_grant_admin_role(app, as_user, db_session):
    client = as_user("hr.bkpsdm")
    target = db_session.scalars(select(UserAccount).where(UserAccount.username == "pegawai.dinkes")).one()
    admin_role = app.appbuilder.sm.find_role("Admin")
    token = csrf_token(client, f"/users/edit/{target.id}")
    client.post(f"/users/edit/{target.id}", data={
        "csrf_token": token, "first_name": target.first_name, "last_name": target.last_name,
        "username": target.username, "email": target.email, "active": "y",
        "roles": [str(admin_role.id)]}, follow_redirects=True)
    db_session.expire_all()
    assert "Admin" not in {role.name for role in db_session.get(UserAccount, target.id).roles}
