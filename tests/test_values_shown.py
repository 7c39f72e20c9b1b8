"""Every value a person reads is formatted for them: the role manager's screens, generated lists and show pages,
dropdowns, the audit log — no None, True/False, __None, reprs, raw codes, field names, UTC or English dots."""
import datetime as dt
import re
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from app.models import Employee, Rank, UserAccount
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
        # 03:04 UTC is 11:04 in Tanjung Selor, named as Indonesia names its zone also in English (not "+0800").
        assert "Locked until 2 January 2099 11.04 WITA" in shown
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
        before_rank, after_rank = (str(session.get(Rank, rank_id)) for rank_id in (9, 10))
        append_entries(session.connection(), [{
            "created_at": utcnow(), "user_id": None, "username": "hr.bkpsdm", "ip_address": "10.0.0.1",
            "action": "update", "entity": "Employee", "entity_id": str(employee.id), "summary": str(employee),
            "changes": {"rank_id": {"before": 9, "after": 10}, "unit_id": {"before": 999999, "after": None},
                        "tmt_position": {"before": None, "after": "2026-12-02"},
                        "active": {"before": True, "after": False}}}])
        session.commit()
        entry_id = session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()))
    browser = english_browser(as_user("hr.bkpsdm"))
    listed = text_of(browser.get("/auditentryview/list/"))
    assert "Sign-in" in listed and "User account" in listed and ">login<" not in re.sub(r"\s+", "", listed)
    assert not re.search(r"\d\d:\d\d:\d\d\.\d+", listed) and "(UTC)" not in listed
    shown = text_of(browser.get(f"/auditentryview/show/{entry_id}"))
    assert f"Rank: {before_rank} → {after_rank}" in shown and "TMT position: – → 2 December 2026" in shown
    assert "Unit: deleted record (id 999999) → –" in shown
    assert "Active: Yes → No" in shown and "rank_id" not in shown


def test_a_row_created_by_its_keys_is_named_in_the_audit_log_by_its_relations(app):
    from app.models.activity import OutreachAttendance, OutreachEvent

    with database() as session:
        employee = session.scalars(select(Employee).order_by(Employee.id)).first()
        name = str(employee)
        event = OutreachEvent(agency_id=employee.agency_id, date=dt.date(2026, 11, 30), topic="Uji nama jejak audit")
        session.add(event)
        session.flush()
        session.add(OutreachAttendance(event_id=event.id, agency_id=employee.agency_id, employee_id=employee.id))
        session.commit()
        summary = session.scalar(select(AuditEntry.summary).where(AuditEntry.entity == "OutreachAttendance")
                                 .order_by(AuditEntry.id.desc()))
    assert summary == f"2026-11-30 Uji nama jejak audit: {name}"  # was "…: None"


def test_the_pending_skp_filter_offers_the_status_by_its_word(as_user):
    page = text_of(as_user("penilai.disdik").get("/workplanview/list/?_flt_3_status=submitted"))
    # The search form (rendered into the page's filter script) is a choice of words, the code only its value:
    # the filter row reads "Diajukan", not "submitted" in a text box.
    assert r'\u003coption value=\"submitted\"\u003eDiajukan\u003c/option\u003e' in page


def test_a_generated_list_names_each_cell_for_its_card_on_a_phone(as_user):
    page = text_of(as_user("admin.disdik").get("/employeeview/list/"))
    assert 'class="table table-bordered table-hover sk-cards"' in page
    assert re.search(r'<td data-label="Nama">\s*[^<\s]', page)  # the card reads "NAMA" above the value


@pytest.mark.parametrize("username, badge", [("pegawai.disdik", "Pegawai"), ("sekda", "Pimpinan"),
                                             ("hr.bkpsdm", "Admin Kepegawaian (BKPSDM)"), ("admin", "Administrator Sistem")])
def test_the_home_page_names_the_roles_in_indonesian(as_user, username, badge):
    page = text_of(as_user(username).get("/"))
    badges = re.findall(r'badge bg-primary">([^<]+)<', page)
    assert badge in badges
    assert not {"Employee", "Leader", "HR Admin", "Evaluator"} & set(badges)


def test_a_template_text_follows_the_language_of_the_moment(app):
    """Template texts are translated once per language and process (app.template_texts): a language forced in
    the middle of a request (a document in Indonesian for someone reading English) still changes the words, and
    switching back gives the first language's again."""
    from flask import render_template_string
    from flask_babel import force_locale

    template = '{{ _("Approval queue") }}'
    with app.test_request_context():
        with force_locale("en"):
            english = render_template_string(template)
        with force_locale("id"):
            indonesian = render_template_string(template)
        with force_locale("en"):
            english_again = render_template_string(template)
        default = render_template_string(template)
    assert (english, indonesian, english_again, default) == (
        "Approval queue", "Antrean Persetujuan", "Approval queue", "Antrean Persetujuan")
