"""Per-agency access through the REST API: list, get, post, put, delete and _info related values."""
import pytest
import prison

from app.models import Employee, Position, Unit
from tests.helpers import agency_id, count, first_id, versioned


def test_list_holds_only_own_agency(api_as):
    client, headers = api_as("admin.disdik")
    response = client.get("/api/v1/employee/?q=" + prison.dumps({"page_size": 100}), headers=headers)
    assert response.status_code == 200
    agencies = {row["agency"]["id"] for row in response.json["result"]}
    assert agencies == {agency_id("DISDIKBUD")}
    assert response.json["count"] == count(Employee, agency_id=agency_id("DISDIKBUD"))


@pytest.mark.parametrize("resource,model", [("employee", Employee), ("unit", Unit), ("position", Position)])
def test_foreign_id_is_404(api_as, resource, model):
    client, headers = api_as("admin.disdik")
    foreign = first_id(model, "DINKES")
    assert client.get(f"/api/v1/{resource}/{first_id(model, 'DISDIKBUD')}", headers=headers).status_code == 200
    assert client.get(f"/api/v1/{resource}/{foreign}", headers=headers).status_code == 404
    assert client.put(f"/api/v1/{resource}/{foreign}", json={"name": "x"}, headers=headers).status_code == 404
    assert client.delete(f"/api/v1/{resource}/{foreign}", headers=headers).status_code == 404
    assert count(model, id=foreign) == 1


def test_post_into_foreign_agency_is_400_and_writes_nothing(api_as):
    client, headers = api_as("admin.disdik")
    before = count(Unit)
    response = client.post("/api/v1/unit/", json={
        "agency": agency_id("DINKES"), "code": "INTRUDER-1", "name": "Seksi Penyusup", "kind": "SEKSI",
        "serves_public": False, "active": True}, headers=headers)
    assert response.status_code == 400
    assert response.json["message"]
    assert count(Unit) == before


def test_post_with_foreign_parent_is_400(api_as):
    client, headers = api_as("admin.disdik")
    before = count(Unit)
    response = client.post("/api/v1/unit/", json={
        "agency": agency_id("DISDIKBUD"), "parent": first_id(Unit, "DINKES"), "code": "MIXED-1",
        "name": "Seksi Campuran", "kind": "SEKSI"}, headers=headers)
    assert response.status_code == 400
    assert count(Unit) == before


def test_put_moving_row_to_foreign_agency_is_400(api_as):
    client, headers = api_as("admin.disdik")
    own = first_id(Unit, "DISDIKBUD")
    response = client.put(f"/api/v1/unit/{own}", json=versioned({"agency": agency_id("DINKES")}, Unit, own),
                          headers=headers)
    assert response.status_code == 400
    assert count(Unit, id=own, agency_id=agency_id("DISDIKBUD")) == 1


def test_own_agency_create_update_delete_round_trip(api_as):
    client, headers = api_as("admin.disdik")
    response = client.post("/api/v1/unit/", json={
        "agency": agency_id("DISDIKBUD"), "code": "DISDIKBUD-TEST-1", "name": "Seksi Uji", "kind": "SEKSI"},
        headers=headers)
    assert response.status_code == 201, response.get_data(as_text=True)
    new_id = response.json["id"]
    assert client.put(f"/api/v1/unit/{new_id}", json=versioned({"name": "Seksi Uji Coba"}, Unit, new_id),
                      headers=headers).status_code == 200
    assert client.delete(f"/api/v1/unit/{new_id}", headers=headers).status_code == 200
    assert count(Unit, id=new_id) == 0


def test_info_related_values_are_scoped(api_as):
    client, headers = api_as("admin.disdik")
    response = client.get("/api/v1/unit/_info?q=" + prison.dumps({"keys": ["add_columns"]}), headers=headers)
    assert response.status_code == 200
    agency_field = next(c for c in response.json["add_columns"] if c["name"] == "agency")
    assert [value["id"] for value in agency_field["values"]] == [agency_id("DISDIKBUD")]


def test_employee_token_reads_only_self(api_as):
    client, headers = api_as("pegawai.disdik")
    response = client.get("/api/v1/employee/", headers=headers)
    assert response.status_code == 200 and response.json["count"] == 1
    assert client.post("/api/v1/employee/", json={"name": "x"}, headers=headers).status_code == 403


def test_anonymous_gets_401(app):
    assert app.test_client().get("/api/v1/employee/").status_code == 401
