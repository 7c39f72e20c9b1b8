"""Excel export of list pages: every row the user may see that matches the list's filters, not one page."""
import io

from openpyxl import load_workbook
from sqlalchemy import func, select

from app.models import Employee
from app.models.activity import DailyActivity
from tests.helpers import agency_id, count, database, employee_of


def sheet_of(response):
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))


def test_employee_export_applies_the_list_filter(as_user):
    client = as_user("hr.bkpsdm")
    client.get("/lang/en")
    dinkes = agency_id("DINKES")
    rows = sheet_of(client.get(f"/employeeview/export/?_flt_0_agency={dinkes}"))
    assert rows[0][:2] == ("NIP / NI PPPK", "Name")
    with database() as session:
        expected = set(session.scalars(select(Employee.nip).where(Employee.agency_id == dinkes)))
    assert {row[0] for row in rows[1:]} == expected
    assert len(rows) - 1 == count(Employee, agency_id=dinkes) > 25  # every page, not only the first


def test_employee_export_stays_in_scope_whatever_the_filter(as_user):
    client = as_user("admin.disdik")
    rows = sheet_of(client.get(f"/employeeview/export/?_flt_0_agency={agency_id('DINKES')}"))
    assert rows[1:] == []  # another agency's rows are never exported, even when asked for by id
    rows = sheet_of(client.get("/employeeview/export/?_flt_2_name=a"))
    disdik = agency_id("DISDIKBUD")
    with database() as session:
        expected = set(session.scalars(select(Employee.nip).where(Employee.agency_id == disdik,
                                                                  Employee.name.ilike("%a%"))))
    assert {row[0] for row in rows[1:]} == expected


def test_the_list_page_links_to_the_export_with_its_filters(as_user):
    page = as_user("hr.bkpsdm").get("/employeeview/list/?_flt_2_name=Siti").get_data(as_text=True)
    assert "/employeeview/export/?_flt_2_name=Siti" in page


def test_an_employee_exports_only_their_own_activities(as_user):
    me, _, _ = employee_of("pegawai.disdik")
    rows = sheet_of(as_user("pegawai.disdik").get("/dailyactivityview/export/"))
    with database() as session:
        mine = session.scalar(select(func.count()).select_from(DailyActivity).where(DailyActivity.employee_id == me))
    assert len(rows) - 1 == mine


def test_evaluation_and_survey_response_lists_export(as_user):
    client = as_user("hr.bkpsdm")
    assert len(sheet_of(client.get("/evaluationview/export/"))) >= 1
    assert len(sheet_of(client.get("/surveyresponseview/export/"))) >= 1
    assert as_user("pegawai.disdik").get("/surveyresponseview/export/").status_code in (302, 403)
