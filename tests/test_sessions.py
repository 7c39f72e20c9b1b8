"""Sessions end when the account says so (issue 16): logging out, a new password (one's own, reset by an
administrator or on the command line), deactivation and lock-out end EVERY session of the account — a copy of
its session cookie is anonymous afterwards and its bearer tokens (access and refresh) are refused with a 401 —
while other accounts' sessions, and the account's sessions after an ordinary change, carry on.

And only the account's owner says so: signing out is a POST with the CSRF token (a GET only asks), one's own
new password needs the current one, and the administrator's reset form refuses a ``?pk=`` naming no account."""
import re
import uuid

import jwt
import pytest
from sqlalchemy import select

from app.models import AuditEntry, UserAccount
from tests.conftest import csrf_token, login
from tests.english import english_browser
from tests.helpers import database

PASSWORD = "Sikinerja#2026"
NEW_PASSWORD = "Sandi#Baru2027"
SIGNED_IN_PAGE = "/users/userinfo/"  # every account's own profile
API = "/api/v1/rank/"  # reference data every account reads
# The refusal of an ended token, in Indonesian (the default) — or in English until the catalogue is compiled.
SESSION_ENDED = {"Sesi Anda telah berakhir. Silakan masuk kembali.", "Your session has ended. Please sign in again."}


def new_account(app) -> str:
    """A throw-away Employee account: the demo accounts' sessions belong to the other tests."""
    username = f"sesi.{uuid.uuid4().hex[:8]}"
    with app.app_context():
        sm = app.appbuilder.sm
        sm.add_user(username=username, first_name="Uji", last_name="Sesi", email=f"{username}@example.test",
                    role=[sm.find_role("Employee")], password=PASSWORD)
    return username


def account_id(username) -> int:
    with database() as session:
        return session.scalar(select(UserAccount.id).where(UserAccount.username == username))


def browser(app, username, password=PASSWORD):
    client = app.test_client()
    response = login(client, username, password)
    assert response.status_code == 302 and "/login" not in response.headers["Location"], f"{username} not in"
    return client


def copy_of(app, client):
    """Another browser holding a copy of ``client``'s session cookie (a stolen or forgotten one)."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def tokens(app, username, password=PASSWORD) -> dict:
    response = app.test_client().post("/api/v1/security/login", json={
        "username": username, "password": password, "provider": "db", "refresh": True})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json


def is_signed_in(client) -> bool:
    response = client.get(SIGNED_IN_PAGE)
    if response.status_code == 200:
        return True
    assert response.status_code == 302 and "/login" in response.headers["Location"], response.status_code
    return False


def bearer(token) -> dict:
    return {"Authorization": f"Bearer {token}"}


def access_works(app, issued) -> bool:
    response = app.test_client().get(API, headers=bearer(issued["access_token"]))
    if response.status_code == 200:
        return True
    assert response.status_code == 401 and response.is_json, response.status_code
    assert response.json["message"] in SESSION_ENDED
    return False


def refresh_works(app, issued) -> bool:
    response = app.test_client().post("/api/v1/security/refresh", headers=bearer(issued["refresh_token"]))
    if response.status_code == 200:
        return access_works(app, response.json)
    assert response.status_code == 401, response.status_code
    return False


def can_log_in(app, username, password) -> bool:
    response = login(app.test_client(), username, password)
    return response.status_code == 302 and "/login" not in response.headers["Location"]


# --- the events that end every session of an account ------------------------------------------------

def sign_out(client):
    return client.post("/logout/", data={"csrf_token": csrf_token(client, SIGNED_IN_PAGE)})


def log_out(app, client, username):
    assert sign_out(client).status_code == 302
    return PASSWORD


def change_own_password(app, client, username, current=PASSWORD):
    token = csrf_token(client, "/resetmypassword/form")
    return client.post("/resetmypassword/form", data={
        "current_password": current, "password": NEW_PASSWORD, "conf_password": NEW_PASSWORD, "csrf_token": token})


def changes_own_password(app, client, username):
    response = change_own_password(app, client, username)
    assert response.status_code == 302
    # The browser that changed the password stays signed in, in the new epoch.
    assert is_signed_in(client)
    return NEW_PASSWORD


def admin_resets_password(app, client, username):
    admin = browser(app, "admin")
    url = f"/resetpassword/form?pk={account_id(username)}"
    response = admin.post(url, data={"password": NEW_PASSWORD, "conf_password": NEW_PASSWORD,
                                     "csrf_token": csrf_token(admin, url)})
    assert response.status_code == 302
    assert is_signed_in(admin)  # the administrator's own session is not touched
    return NEW_PASSWORD


def cli_resets_password(app, client, username):
    from flask_appbuilder.cli import fab  # `flask fab ...`: a plugin group, not on app.cli

    result = app.test_cli_runner().invoke(fab, ["reset-password", "--username", username, "--password", NEW_PASSWORD])
    assert result.exit_code == 0, result.output
    return NEW_PASSWORD


def edit_account(admin, username, **changes):
    with database() as session:
        user = session.scalars(select(UserAccount).where(UserAccount.username == username)).one()
        form = {"first_name": user.first_name, "last_name": user.last_name, "username": user.username,
                "email": user.email, "active": "y", "roles": [str(role.id) for role in user.roles]}
    url = f"/users/edit/{account_id(username)}"
    form.update(changes, csrf_token=csrf_token(admin, url))
    form = {key: value for key, value in form.items() if value is not None}
    response = admin.post(url, data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def hr_deactivates(app, client, username):
    edit_account(browser(app, "hr.bkpsdm"), username, active=None)  # the box unticked
    with database() as session:
        assert session.get(UserAccount, account_id(username)).active is False
    return None


def fails_to_log_in_until_locked(app, client, username):
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        login(app.test_client(), username, "salah-salah")
    with database() as session:
        assert session.get(UserAccount, account_id(username)).locked_until is not None
    return None


EVENTS = {"logout": log_out, "own password change": changes_own_password,
          "admin password reset": admin_resets_password, "password reset on the command line": cli_resets_password,
          "deactivation": hr_deactivates, "lock-out": fails_to_log_in_until_locked}


@pytest.mark.parametrize("event", EVENTS)
def test_the_event_ends_every_session_and_token_of_the_account_only(app, event):
    username, bystander = new_account(app), new_account(app)
    client = browser(app, username)
    stolen, issued = copy_of(app, client), tokens(app, username)
    other_browser, other_tokens = browser(app, bystander), tokens(app, bystander)
    assert is_signed_in(stolen) and access_works(app, issued)

    password_now = EVENTS[event](app, client, username)

    assert not is_signed_in(stolen)
    assert not access_works(app, issued)
    assert not refresh_works(app, issued)
    # Other accounts carry on.
    assert is_signed_in(other_browser) and access_works(app, other_tokens) and refresh_works(app, other_tokens)
    if password_now is None:  # deactivated or locked: no way back in, with the old cookie or a new login
        assert not can_log_in(app, username, PASSWORD)
    else:
        assert can_log_in(app, username, password_now)
        if password_now != PASSWORD:
            assert not can_log_in(app, username, PASSWORD)  # the old password is gone
        fresh = tokens(app, username, password_now)
        assert access_works(app, fresh) and refresh_works(app, fresh)


def test_reactivating_an_account_does_not_revive_its_old_sessions(app):
    username = new_account(app)
    client = browser(app, username)
    stolen, issued = copy_of(app, client), tokens(app, username)
    hr = browser(app, "hr.bkpsdm")
    edit_account(hr, username, active=None)
    edit_account(hr, username)  # ticked again
    assert not is_signed_in(stolen) and not is_signed_in(client)
    assert not access_works(app, issued) and not refresh_works(app, issued)
    assert can_log_in(app, username, PASSWORD)


def test_logout_is_audited(app):
    username = new_account(app)
    sign_out(browser(app, username))
    with database() as session:
        actions = session.scalars(select(AuditEntry.action).where(AuditEntry.username == username)
                                  .order_by(AuditEntry.id)).all()
    assert actions[-1] == "logout"


def test_ordinary_changes_and_another_login_leave_sessions_alone(app):
    username = new_account(app)
    client = browser(app, username)
    issued = tokens(app, username)
    browser(app, username)  # the same person signs in on a second device
    tokens(app, username)
    edit_account(browser(app, "hr.bkpsdm"), username, first_name="Ganti")  # name changed, still active
    login(app.test_client(), username, "salah-salah")  # one mistyped password: no lock-out yet
    assert is_signed_in(client) and access_works(app, issued) and refresh_works(app, issued)


def test_sessions_and_tokens_issued_before_epochs_existed_are_refused(app):
    """After the upgrade (migration 0012) cookies and tokens without an epoch have ended: sign in again."""
    username = new_account(app)
    user_id = account_id(username)
    old_cookie = app.session_interface.get_signing_serializer(app).dumps({"_user_id": str(user_id), "_fresh": True})
    client = app.test_client()
    client.set_cookie("session", old_cookie)
    assert not is_signed_in(client)

    claims = jwt.decode(tokens(app, username)["access_token"], app.config["SECRET_KEY"], algorithms=["HS256"])
    del claims["session_epoch"]
    old_token = jwt.encode(claims, app.config["SECRET_KEY"], algorithm="HS256")
    assert not access_works(app, {"access_token": old_token})


# --- only the account's owner ends its sessions or changes its password ------------------------------------

def test_signing_out_is_a_post_with_the_csrf_token_and_a_get_only_asks(app):
    username = new_account(app)
    client = browser(app, username)
    page = client.get(SIGNED_IN_PAGE).get_data(as_text=True)
    # The navbar's "Logout" is a form's button, not a link a planted <img src="/logout/"> could follow.
    assert re.search(r'<form method="post" action="/logout/" class="sk-logout">\s*<input type="hidden" '
                     r'name="csrf_token"', page)
    assert 'href="/logout/"' not in page
    asked = client.get("/logout/")
    assert asked.status_code == 200 and 'action="/logout/"' in asked.get_data(as_text=True)
    assert is_signed_in(client)
    forged = client.post("/logout/")  # another site's form has no token
    assert forged.status_code == 400 and is_signed_in(client)
    assert sign_out(client).status_code == 302 and not is_signed_in(client)
    assert app.test_client().get("/logout/").status_code == 302  # nobody signed in: nothing to ask


def test_a_new_own_password_needs_the_current_one(app):
    username = new_account(app)
    client = browser(app, username)
    stolen = english_browser(copy_of(app, client))  # a session left open, or a copied cookie
    form = stolen.get("/resetmypassword/form").get_data(as_text=True)
    assert form.index('name="current_password"') < form.index('name="password"')
    wrong = change_own_password(app, stolen, username, current="salah-salah")
    assert wrong.status_code == 200 and "This is not your current password." in wrong.get_data(as_text=True)
    assert change_own_password(app, stolen, username, current="").status_code == 200
    assert can_log_in(app, username, PASSWORD) and not can_log_in(app, username, NEW_PASSWORD)
    assert is_signed_in(client)


def test_wrong_current_passwords_lock_the_account_and_end_its_sessions(app):
    username = new_account(app)
    client = browser(app, username)
    stolen = copy_of(app, client)
    for attempt in range(app.config["LOGIN_MAX_FAILURES"]):
        change_own_password(app, stolen, username, current=f"tebakan-{attempt}")
    assert not is_signed_in(stolen) and not is_signed_in(client)
    assert not can_log_in(app, username, PASSWORD)  # locked for LOGIN_LOCK_MINUTES


@pytest.mark.parametrize("pk", ["x", "999999999", "99999999999999999999999", "-1", "", "%00"])
def test_the_administrators_reset_form_refuses_a_pk_naming_no_account(app, pk):
    admin = browser(app, "admin")
    url = f"/resetpassword/form?pk={pk}"
    status = 400 if pk == "%00" else 404   # a control character is refused before any view (app.web)
    assert admin.get(url).status_code == status
    token = csrf_token(admin, f"/resetpassword/form?pk={account_id('pegawai.dinkes')}")
    posted = admin.post(url, data={"password": NEW_PASSWORD, "conf_password": NEW_PASSWORD, "csrf_token": token})
    assert posted.status_code == status
    assert can_log_in(app, "pegawai.dinkes", PASSWORD)
