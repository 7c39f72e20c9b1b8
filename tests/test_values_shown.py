"""Every value a person reads is formatted for them: the role manager's screens, generated lists and show pages,
dropdowns, the audit log — no None, True/False, __None, reprs, raw codes, field names, UTC or English dots."""
import datetime as dt
import re
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from app.models import Employee, UserAccount
from app.models.audit import AuditEntry, utcnow
from app.models.planning import OrganizationIndicator
from app.services.audit import append_entries
from tests.english import english_browser
from tests.helpers import database

RAW = re.compile(r">\s*(None|True|False|__None)\s*<|object at 0x|\bQ[1-4] 20\d\d\b|\(UTC\)")


def text_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def assert_nothing_raw(page: str, url: str):
    found = RAW.search(page)
    assert found is None, f"{url}: {found.group(0)!r} in {page[max(0, found.start() - 200):found.end() + 50]}"


@pytest.fixture(scope="module")
def role_manager(app):
    from tests.conftest import login

    client = app.test_client()
    assert login(client, "admin").status_code == 302
    return client


def test_the_user_list_and_page_speak_the_domain(role_manager):
    page = text_of(role_manager.get("/users/list/"))
    assert_nothing_raw(page, "/users/list/")
    assert "Dinas Pendidikan dan Kebudayaan" in page  # the agency scope by name
    assert ">Aktif<" in re.sub(r"\s+", "", page).replace("<td>", ">").replace("</td>", "<")
    with database() as session:
        sekda = session.scalar(select(UserAccount.id).where(UserAccount.username == "sekda"))
    shown = text_of(role_manager.get(f"/users/show/{sekda}"))
    assert_nothing_raw(shown, "/users/show")
    assert "Kecamatan Tanjung Selor" in shown and "Locked Until" not in shown


def test_roles_lock_out_password_rule_and_no_groups_in_english(role_manager, app):
    browser = english_browser(role_manager)
    with database() as session:
        user_id = session.scalar(select(UserAccount.id).where(UserAccount.username == "pegawai.dinkes"))
        session.execute(update(UserAccount).where(UserAccount.id == user_id)
                        .values(locked_until=dt.datetime(2099, 1, 2, 3, 4)))
        session.commit()
    try:
        listed = text_of(browser.get("/users/list/"))
        assert "Agency administrator, Employee" in listed and "[Agency Admin" not in listed
        shown = text_of(browser.get(f"/users/show/{user_id}"))
        assert "Locked until 2 January 2099 11.04" in shown  # 03:04 UTC is 11:04 in Tanjung Selor (WITA)
    finally:
        with database() as session:
            session.execute(update(UserAccount).where(UserAccount.id == user_id).values(locked_until=None))
            session.commit()
    form = text_of(browser.get("/users/add"))
    assert "Must have at least two capital letters" in form  # the rule before the first try
    assert "LDAP" not in form and "OID" not in form and 'name="groups"' not in form
    assert ">Public<" not in form  # the anonymous visitors' role is no role for an account
    assert "List Groups" not in listed and browser.get("/usergroupmodelview/list/").status_code == 404


def test_generated_lists_and_show_pages_format_every_value(app, as_user):
    client = as_user("hr.bkpsdm")
    with database() as session:
        indicator = session.scalars(select(OrganizationIndicator).where(OrganizationIndicator.target.is_not(None))
                                    .order_by(OrganizationIndicator.id)).first()
        indicator_id, target = indicator.id, indicator.target
        employee = session.scalars(select(Employee).where(Employee.position_id.is_not(None))
                                   .order_by(Employee.id)).first()
        employee_id, sex, birth = employee.id, employee.sex, employee.birth_date
    for url in ("/organizationindicatorview/list/", "/unitview/list/", "/rankview/list/", "/positionview/list/",
                "/employeeview/list/", "/corevalueview/list/", "/surveyperiodview/list/", "/workplanview/list/",
                f"/employeeview/show/{employee_id}", f"/organizationindicatorview/show/{indicator_id}",
                "/employeeview/add", "/improvementplanview/add"):
        assert_nothing_raw(text_of(client.get(url)), url)
    listed = text_of(client.get("/organizationindicatorview/list/"))
    written = format(Decimal(target).normalize(), "f").replace(".", ",")
    assert f">{written}<" in re.sub(r"\s+", "", listed)  # 99,5 — not 99.5000
    shown = text_of(client.get(f"/employeeview/show/{employee_id}"))
    assert {"M": "Laki-laki", "F": "Perempuan"}[sex] in shown
    months = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
              "November", "Desember"]
    assert f"{birth.day} {months[birth.month - 1]} {birth.year}" in shown
    assert "Ya" in text_of(client.get("/unitview/list/"))
    added = text_of(client.get("/employeeview/add"))
    assert '<option selected value="__None">–</option>' in added  # no rank chosen yet: a dash, not "__None"


def test_survey_periods_are_named_in_words(app, as_user):
    page = text_of(english_browser(as_user("hr.bkpsdm")).get("/surveyperiodview/list/"))
    assert re.search(r"Quarter (I|II|III|IV) 20\d\d", page) and not re.search(r"\bQ[1-4] 20\d\d", page)


def test_the_audit_log_names_actions_records_and_fields(app, as_user):
    with database() as session:
        employee = session.scalars(select(Employee).order_by(Employee.id)).first()
        append_entries(session.connection(), [{
            "created_at": utcnow(), "user_id": None, "username": "hr.bkpsdm", "ip_address": "10.0.0.1",
            "action": "update", "entity": "Employee", "entity_id": str(employee.id), "summary": str(employee),
            "changes": {"rank_id": {"before": 9, "after": 10}, "tmt_position": {"before": None, "after": "2026-12-02"},
                        "active": {"before": True, "after": False}}}])
        session.commit()
        entry_id = session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()))
    browser = english_browser(as_user("hr.bkpsdm"))
    listed = text_of(browser.get("/auditentryview/list/"))
    assert "Sign-in" in listed and "User account" in listed and ">login<" not in re.sub(r"\s+", "", listed)
    assert not re.search(r"\d\d:\d\d:\d\d\.\d+", listed) and "(UTC)" not in listed
    shown = text_of(browser.get(f"/auditentryview/show/{entry_id}"))
    assert "Rank: 9 → 10" in shown and "TMT position: – → 2 December 2026" in shown
    assert "Active: Yes → No" in shown and "rank_id" not in shown
