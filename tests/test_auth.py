"""Login, language, lock-out, rate limits, CSRF, audit and privilege escalation."""
from sqlalchemy import select

from app.models import AuditEntry, Unit, UserAccount
from tests.conftest import csrf_token, login
from tests.helpers import agency_id, count, database, first_id, versioned


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
    with database() as session:
        assert session.get(UserAccount, user_id).locked_until is not None
        actions = session.scalars(select(AuditEntry.action).where(AuditEntry.username == "uji.kunci")).all()
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


def test_post_without_csrf_token_is_refused(as_user):
    client = as_user("admin.disdik")
    target = first_id(Unit, "DISDIKBUD")
    response = client.post(f"/unitview/delete/{target}")
    assert response.status_code == 400
    assert count(Unit, id=target) == 1


def latest_audit(entity, entity_id, action="update"):
    with database() as session:
        entry = session.scalars(select(AuditEntry).where(
            AuditEntry.entity == entity, AuditEntry.entity_id == str(entity_id), AuditEntry.action == action)
            .order_by(AuditEntry.id.desc())).first()
        return entry.username, entry.ip_address, entry.changes


def test_change_is_audited_with_before_and_after(api_as):
    client, headers = api_as("admin.disdik")
    unit = first_id(Unit, "DISDIKBUD")
    with database() as session:
        old_name = session.get(Unit, unit).name
    assert client.put(f"/api/v1/unit/{unit}", json=versioned({"name": old_name + " (ubah)"}, Unit, unit),
                      headers=headers).status_code == 200
    username, address, changes = latest_audit("Unit", unit)
    assert username == "admin.disdik" and address
    assert changes["name"] == {"before": old_name, "after": old_name + " (ubah)"}
    client.put(f"/api/v1/unit/{unit}", json=versioned({"name": old_name}, Unit, unit), headers=headers)


def test_audit_log_is_read_only_and_hidden_from_agency_admins(as_user):
    admin = as_user("admin")
    with database() as session:
        entry = session.scalars(select(AuditEntry.id)).first()
    assert admin.get(f"/auditentryview/show/{entry}").status_code == 200
    assert admin.get(f"/auditentryview/edit/{entry}").status_code == 404
    assert admin.get(f"/auditentryview/delete/{entry}").status_code in (404, 405)
    assert as_user("admin.disdik").get("/auditentryview/list/").status_code in (302, 403)


def account(username):
    """The fields of a user-edit form, as the account is now."""
    with database() as session:
        user = session.scalars(select(UserAccount).where(UserAccount.username == username)).one()
        return {"id": user.id, "first_name": user.first_name, "last_name": user.last_name,
                "username": user.username, "email": user.email, "active": "y",
                "roles": [str(role.id) for role in user.roles], "role_names": {r.name for r in user.roles},
                "agencies": {agency.code for agency in user.agencies},
                "employee": str(user.employee.id) if user.employee else ""}


def edit_account(client, username, **changes):
    form = account(username)
    token = csrf_token(client, f"/users/edit/{form['id']}")
    # As the browser posts it: the linked employee stays linked unless the change says otherwise.
    data = {key: form[key] for key in ("first_name", "last_name", "username", "email", "active", "roles", "employee")}
    data.update(changes, csrf_token=token)
    return client.post(f"/users/edit/{form['id']}", data=data, follow_redirects=True)


def test_hr_admin_cannot_grant_admin_role(app, as_user):
    with database():
        admin_role = str(app.appbuilder.sm.find_role("Admin").id)
    edit_account(as_user("hr.bkpsdm"), "pegawai.dinkes", roles=[admin_role])
    assert "Admin" not in account("pegawai.dinkes")["role_names"]


def test_hr_admin_assigns_agency_scope_and_it_is_audited(as_user):
    client = as_user("hr.bkpsdm")
    dinkes, disdukcapil = agency_id("DINKES"), agency_id("DISDUKCAPIL")
    edit_account(client, "admin.dinkes", agencies=[str(dinkes), str(disdukcapil)])
    assert account("admin.dinkes")["agencies"] == {"DINKES", "DISDUKCAPIL"}
    username, _, changes = latest_audit("UserAccount", account("admin.dinkes")["id"])
    assert username == "hr.bkpsdm"
    assert changes["agencies"]["added"] == ["Dinas Kependudukan dan Pencatatan Sipil"]
    edit_account(client, "admin.dinkes", agencies=[str(dinkes)])
    assert account("admin.dinkes")["agencies"] == {"DINKES"}


def test_weak_password_is_refused_for_new_user(app, as_user):
    client = as_user("hr.bkpsdm")
    with database():
        employee_role = str(app.appbuilder.sm.find_role("Employee").id)
    token = csrf_token(client, "/users/add")
    client.post("/users/add", data={
        "csrf_token": token, "first_name": "Lemah", "last_name": "Sandi", "username": "sandi.lemah",
        "email": "sandi.lemah@example.test", "active": "y", "roles": [employee_role],
        "password": "password", "conf_password": "password"}, follow_redirects=True)
    assert count(UserAccount, username="sandi.lemah") == 0


def test_audit_entries_cannot_be_changed_through_the_orm(app):
    import pytest

    with database() as session:
        entry = session.scalars(select(AuditEntry)).first()
        entry.summary = "tampered"
        with pytest.raises(PermissionError):
            session.flush()


def test_a_permission_given_to_the_public_role_opens_the_item_to_visitors(app):
    # The security manager reads the Public role's permissions in one statement of its own: a permission
    # stored on the role still makes the item public, and taking it away closes it again.
    sm = app.appbuilder.sm
    with app.app_context():
        public = sm.get_public_role()
        permission = sm.add_permission_view_menu("can_get", "MenuApi")  # the one stored, or stored now
        assert not sm.is_item_public("can_get", "MenuApi")
        sm.add_permission_role(public, permission)
        try:
            assert sm.is_item_public("can_get", "MenuApi")
            assert not sm.is_item_public("can_put", "MenuApi")
        finally:
            sm.del_permission_role(public, permission)
        assert not sm.is_item_public("can_get", "MenuApi")
