"""Employees: NIP validation with a message that names the wrong part, in the user's language."""
from app.models import Employee, Unit
from tests.conftest import csrf_token
from tests.helpers import agency_id, count, database, first_id


def add_employee(client, nip, **extra):
    token = csrf_token(client, "/employeeview/add")
    data = {"csrf_token": token, "employment_type": "PNS", "nip": nip, "name": "Rina Lestari, S.Kom.",
            "agency": str(agency_id("DISDIKBUD")), "unit": str(first_id(Unit, "DISDIKBUD")), "active": "y"}
    data.update(extra)
    return client.post("/employeeview/add", data=data, follow_redirects=True)


def test_malformed_birth_date_is_named_and_nothing_saved(as_user):
    client = as_user("admin.disdik")
    before = count(Employee)
    page = add_employee(client, "198613262015051001").get_data(as_text=True)  # month 13
    assert "tanggal lahir" in page.lower()
    assert count(Employee) == before


def test_sex_digit_message_in_english_after_switch(as_user):
    client = as_user("admin.disdik")
    client.get("/lang/en")
    page = add_employee(client, "198609262015053001").get_data(as_text=True)
    assert "sex code must be 1 or 2" in page.lower()


def test_valid_nip_creates_employee_with_derived_fields(as_user):
    client = as_user("admin.disdik")
    add_employee(client, "1992 0415 201903 2 007")
    with database() as session:
        employee = session.query(Employee).filter_by(nip="199204152019032007").one()
        assert (employee.birth_date.isoformat(), employee.sex, employee.tmt_cpns.isoformat()) == \
            ("1992-04-15", "F", "2019-03-01")
        assert employee.agency_id == agency_id("DISDIKBUD")


def test_api_reports_wrong_part_as_400(api_as):
    client, headers = api_as("admin.disdik")
    before = count(Employee)
    response = client.post("/api/v1/employee/?_l_=en", headers=headers, json={
        "employment_type": "PNS", "nip": "19860926201505100", "name": "X",
        "agency": agency_id("DISDIKBUD"), "unit": first_id(Unit, "DISDIKBUD")})
    assert response.status_code == 400
    assert "18 digits" in response.json["message"]
    assert count(Employee) == before


def test_duplicate_nip_is_refused(api_as):
    client, headers = api_as("hr.bkpsdm")
    with database() as session:
        existing = session.query(Employee).filter_by(agency_id=agency_id("DISDIKBUD")).first()
        employment_type, nip = existing.employment_type, existing.nip
    response = client.post("/api/v1/employee/", headers=headers, json={
        "employment_type": employment_type, "nip": nip, "name": "Kembar",
        "agency": agency_id("DISDIKBUD"), "unit": first_id(Unit, "DISDIKBUD")})
    assert response.status_code == 400
    assert nip in response.json["message"]
