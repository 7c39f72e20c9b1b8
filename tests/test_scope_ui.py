"""Per-agency access through the browser views: lists, show, edit, delete, bulk, choices, lookups."""
import re

import pytest
from sqlalchemy import select

from app.models import Employee, Position, Unit
from tests.conftest import csrf_token
from tests.helpers import agency_id, count, database, employee_of, first_id, versioned


def listed_nips(client, url="/employeeview/list/?psize_EmployeeView=100"):
    page = client.get(url)
    assert page.status_code == 200
    # Grouped as on official forms: 19860926 201505 1 001 (PNS), 20001231 2024 2 1 1 001 (PPPK).
    grouped = re.findall(r'class="sk-nip">([\d ]+)<', page.get_data(as_text=True))
    assert all(len(nip.split()) in (4, 6) for nip in grouped)
    return {nip.replace(" ", "") for nip in grouped}


def nips_where(*conditions):
    with database() as session:
        return set(session.scalars(select(Employee.nip).outerjoin(Position, Employee.position_id == Position.id)
                                   .where(*conditions)))


def test_agency_admin_lists_only_own_agency(as_user):
    nips = listed_nips(as_user("admin.disdik"))
    disdik = nips_where(Employee.agency_id == agency_id("DISDIKBUD"))
    assert nips == disdik


@pytest.mark.parametrize("view,model", [("employeeview", Employee), ("unitview", Unit),
                                        ("positionview", Position)])
def test_foreign_row_is_404_on_show_edit_delete(as_user, view, model):
    client = as_user("admin.disdik")
    foreign = first_id(model, "DINKES")
    assert client.get(f"/{view}/show/{first_id(model, 'DISDIKBUD')}").status_code == 200
    assert client.get(f"/{view}/show/{foreign}").status_code == 404
    assert client.get(f"/{view}/edit/{foreign}").status_code == 404
    token = csrf_token(client, f"/{view}/list/")
    assert client.post(f"/{view}/delete/{foreign}", data={"csrf_token": token}).status_code == 404
    assert count(model, id=foreign) == 1


def test_bulk_delete_ignores_foreign_rows(as_user):
    client = as_user("admin.disdik")
    foreign = first_id(Unit, "DINKES")
    token = csrf_token(client, "/unitview/list/")
    client.post("/unitview/action_post", data={"action": "muldelete", "rowid": [str(foreign)], "csrf_token": token})
    assert count(Unit, id=foreign) == 1


def test_add_form_and_search_choices_hold_only_own_agency(as_user):
    client = as_user("admin.disdik")
    for url in ("/employeeview/add", "/employeeview/list/", "/unitview/add", "/positionview/list/"):
        html = client.get(url).get_data(as_text=True)
        assert "Dinas Pendidikan dan Kebudayaan" in html, url
        assert "Dinas Kesehatan" not in html, url


def test_lookup_returns_only_scoped_rows(as_user):
    client = as_user("admin.disdik")
    assert client.get(f"/lookup/unit?agency={agency_id('DINKES')}").json["results"] == []
    found = client.get("/lookup/employee?q=an").json["results"]
    disdik = nips_where(Employee.agency_id == agency_id("DISDIKBUD"))
    assert found and all(re.search(r"\d{18}", row["text"]).group(0) in disdik for row in found)
    hr = as_user("hr.bkpsdm")
    assert hr.get(f"/lookup/unit?agency={agency_id('DINKES')}").json["results"]


def test_creating_employee_in_foreign_agency_is_refused(as_user):
    client = as_user("admin.disdik")
    before = count(Employee)
    token = csrf_token(client, "/employeeview/add")
    response = client.post("/employeeview/add", data={
        "csrf_token": token, "employment_type": "PNS", "nip": "199001012015031001", "name": "Penyusup",
        "agency": str(agency_id("DINKES")), "unit": str(first_id(Unit, "DINKES")), "active": "y",
    }, follow_redirects=True)
    assert response.status_code == 400  # the foreign agency and unit are no choice of the form
    assert count(Employee) == before


def test_moving_own_employee_to_foreign_agency_is_refused(as_user):
    client = as_user("admin.disdik")
    own = first_id(Employee, "DISDIKBUD")
    token = csrf_token(client, f"/employeeview/edit/{own}")
    client.post(f"/employeeview/edit/{own}", data={
        "csrf_token": token, "agency": str(agency_id("DINKES")), **versioned({}, Employee, own)},
        follow_redirects=True)
    assert count(Employee, id=own, agency_id=agency_id("DISDIKBUD")) == 1


def test_employee_sees_only_own_record(as_user):
    client = as_user("pegawai.disdik")
    own_id, own_nip, _ = employee_of("pegawai.disdik")
    assert listed_nips(client) == {own_nip}
    colleague = first_id(Employee, "DISDIKBUD")
    assert colleague != own_id
    assert client.get(f"/employeeview/show/{colleague}").status_code == 404
    assert client.get(f"/employeeview/show/{own_id}").status_code == 200


def test_evaluator_sees_self_and_direct_subordinates(as_user):
    _, evaluator_nip, evaluator_position = employee_of("penilai.disdik")
    subordinates = nips_where(Position.parent_id == evaluator_position)
    assert employee_of("pegawai.disdik")[1] in subordinates
    assert listed_nips(as_user("penilai.disdik")) == subordinates | {evaluator_nip}


def test_leader_reads_agency_but_cannot_change(as_user):
    client = as_user("kadis.disdik")
    assert listed_nips(client) == nips_where(Employee.agency_id == agency_id("DISDIKBUD"))
    own = first_id(Employee, "DISDIKBUD")
    assert client.get(f"/employeeview/edit/{own}").status_code in (302, 403)
    assert client.get(f"/employeeview/show/{first_id(Employee, 'DINKES')}").status_code == 404


def test_hr_admin_sees_every_agency(as_user):
    client = as_user("hr.bkpsdm")
    assert client.get(f"/employeeview/show/{first_id(Employee, 'DINKES')}").status_code == 200
    assert client.get(f"/employeeview/show/{first_id(Employee, 'DISDIKBUD')}").status_code == 200
