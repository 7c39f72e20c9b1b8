"""Per-agency access through the browser views: lists, show, edit, delete, bulk, choices, lookups."""
import re

import pytest

from app.models import Employee, Position, Unit
from tests.conftest import csrf_token
from tests.helpers import agency_id, count, employee_of, first_id


def listed_nips(client, url="/employeeview/list/?psize_EmployeeView=100"):
    page = client.get(url)
    assert page.status_code == 200
    return set(re.findall(r"\b\d{18}\b", page.get_data(as_text=True)))


def test_agency_admin_lists_only_own_agency(app, as_user, db_session):
    client = as_user("admin.disdik")
    nips = listed_nips(client)
    disdik = {e.nip for e in db_session.query(Employee).filter_by(agency_id=agency_id("DISDIKBUD"))}
    assert nips and nips <= disdik
    assert len(nips) == min(len(disdik), 100)


@pytest.mark.parametrize("view,model", [("employeeview", Employee), ("unitview", Unit),
                                        ("positionview", Position)])
def test_foreign_row_is_404_on_show_edit_delete(app, as_user, db_session, view, model):
    client = as_user("admin.disdik")
    foreign = first_id(model, "DINKES")
    own = first_id(model, "DISDIKBUD")
    assert client.get(f"/{view}/show/{own}").status_code == 200
    assert client.get(f"/{view}/show/{foreign}").status_code == 404
    assert client.get(f"/{view}/edit/{foreign}").status_code == 404
    token = csrf_token(client, f"/{view}/list/")
    client.post(f"/{view}/delete/{foreign}", data={"csrf_token": token})
    assert db_session.get(model, foreign) is not None


def test_bulk_delete_ignores_foreign_rows(app, as_user, db_session):
    client = as_user("admin.disdik")
    foreign = first_id(Unit, "DINKES")
    token = csrf_token(client, "/unitview/list/")
    response = client.post("/unitview/action_post",
                           data={"action": "muldelete", "rowid": [str(foreign)], "csrf_token": token})
    assert response.status_code in (302, 404)
    db_session.expire_all()
    assert db_session.get(Unit, foreign) is not None


def test_add_form_and_search_choices_hold_only_own_agency(app, as_user):
    client = as_user("admin.disdik")
    for url in ("/employeeview/add", "/employeeview/list/"):
        html = client.get(url).get_data(as_text=True)
        assert "Dinas Pendidikan dan Kebudayaan" in html
        assert "Dinas Kesehatan" not in html, url


def test_lookup_returns_only_scoped_rows(app, as_user):
    client = as_user("admin.disdik")
    response = client.get(f"/lookup/unit?agency={agency_id('DINKES')}")
    assert response.status_code == 200 and response.json["results"] == []
    names = [row["text"] for row in client.get("/lookup/employee?q=a").json["results"]]
    assert names
    hr = as_user("hr.bkpsdm")
    assert hr.get(f"/lookup/unit?agency={agency_id('DINKES')}").json["results"]


def test_creating_employee_in_foreign_agency_is_refused(app, as_user, db_session):
    client = as_user("admin.disdik")
    before = count(Employee)
    token = csrf_token(client, "/employeeview/add")
    dinkes = agency_id("DINKES")
    unit = first_id(Unit, "DINKES")
    response = client.post("/employeeview/add", data={
        "csrf_token": token, "employment_type": "PNS", "nip": "199001012015031001",
        "name": "Penyusup", "agency": str(dinkes), "unit": str(unit), "active": "y",
    }, follow_redirects=True)
    assert response.status_code == 200
    assert count(Employee) == before


def test_employee_sees_only_own_record(app, as_user):
    client = as_user("pegawai.disdik")
    own = employee_of("pegawai.disdik")
    assert listed_nips(client) == {own.nip}
    other = first_id(Employee, "DISDIKBUD")
    other = other if other != own.id else other + 1
    assert client.get(f"/employeeview/show/{other}").status_code == 404


def test_evaluator_sees_self_and_direct_subordinates(app, as_user, db_session):
    client = as_user("penilai.disdik")
    evaluator = employee_of("penilai.disdik")
    subordinates = {e.nip for e in db_session.query(Employee).join(Position, Employee.position_id == Position.id)
                    .filter(Position.parent_id == evaluator.position_id)}
    assert subordinates, "the demo evaluator must have subordinates"
    assert listed_nips(client) == subordinates | {evaluator.nip}
    assert employee_of("pegawai.disdik").nip in subordinates


def test_leader_reads_but_cannot_change(app, as_user, db_session):
    client = as_user("kadis.disdik")
    nips = listed_nips(client)
    assert len(nips) > 1
    own = first_id(Employee, "DISDIKBUD")
    assert client.get(f"/employeeview/show/{own}").status_code == 200
    assert client.get(f"/employeeview/edit/{own}").status_code in (302, 403)
    assert client.get(f"/employeeview/show/{first_id(Employee, 'DINKES')}").status_code == 404


def test_hr_admin_sees_every_agency(app, as_user, db_session):
    client = as_user("hr.bkpsdm")
    assert client.get(f"/employeeview/show/{first_id(Employee, 'DINKES')}").status_code == 200
    assert client.get(f"/employeeview/show/{first_id(Employee, 'DISDIKBUD')}").status_code == 200
