"""Competency development (issue 8): 20 JP compliance per agency and unit (page, API, Excel), the employee's
history, requests decided by the evaluator, recording participation with every refusal of the issue's
"bad input" list, training needs and the effect page."""
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import delete, func, select

from app.models import Employee
from app.models.training import TrainingParticipation, TrainingProgramme, TrainingRequest
from tests.conftest import csrf_token
from tests.english import InEnglish, english_browser
from tests.helpers import agency_id, count, database, employee_of

DEMO_AGENCIES = ("DISDIKBUD", "DINKES", "DISDUKCAPIL", "BKPSDM", "KEC-TJS")


def _programme_id(code):
    with database() as session:
        return session.scalar(select(TrainingProgramme.id).where(TrainingProgramme.code == code))


def _jp_of(nip, year=2026):
    with database() as session:
        return session.scalar(select(func.coalesce(func.sum(TrainingParticipation.jp_earned), 0)).join(Employee).where(
            Employee.nip == nip, TrainingParticipation.status == "completed",
            TrainingParticipation.completed_on.between(dt.date(year, 1, 1), dt.date(year, 12, 31))))


@pytest.fixture()
def test_programme():
    """A programme of its own (no quota, open to all), removed with its participation afterwards."""
    with database() as session:
        from app.models import TrainingKind

        kind = session.scalar(select(TrainingKind).where(TrainingKind.code == "BIMBINGAN_TEKNIS"))
        programme = TrainingProgramme(code="TEST-BIMTEK", name="Bimtek Uji", kind=kind, organiser="BKPSDM",
                                      start_date=dt.date(2026, 12, 14), end_date=dt.date(2026, 12, 16),
                                      jp=Decimal(24))
        session.add(programme)
        session.commit()
        programme_id = programme.id
    yield programme_id
    with database() as session:
        session.execute(delete(TrainingRequest).where(TrainingRequest.programme_id == programme_id))
        session.execute(delete(TrainingParticipation).where(TrainingParticipation.programme_id == programme_id))
        session.execute(delete(TrainingProgramme).where(TrainingProgramme.id == programme_id))
        session.commit()


def test_every_demo_agency_has_employees_above_and_below_twenty_jp(api_as):
    client, headers = api_as("hr.bkpsdm")
    client = InEnglish(client)
    answer = client.get("/api/v1/training/compliance?year=2026", headers=headers)
    assert answer.status_code == 200
    by_code = {row["agency"]["code"]: row for row in answer.json["result"]}
    assert set(DEMO_AGENCIES) <= set(by_code)
    for code in DEMO_AGENCIES:
        row = by_code[code]
        assert 0 < row["compliant"] < row["employees"], code
        assert row["share"] == round(row["compliant"] * 100 / row["employees"], 2)
        assert len(row["below"]) == row["employees"] - row["compliant"]
        assert all(person["jp"] < 20 and person["missing"] == 20 - person["jp"] for person in row["below"])
        assert sum(unit["employees"] for unit in row["units"]) == row["employees"]


def test_the_home_page_counts_the_same_compliance_as_the_compliance_page(api_as, as_user):
    client, headers = api_as("hr.bkpsdm")
    detailed = client.get("/api/v1/training/compliance?year=2026", headers=headers).json["result"]
    page = as_user("hr.bkpsdm").get("/").get_data(as_text=True)
    table = page[page.index('data-chart="compliance"'):]
    table = table[:table.index("</table>")]
    for row in detailed:
        assert f"{row['compliant']} / {row['employees']}" in table, row["agency"]["code"]
    assert table.count("<tr>") == len(detailed)


def test_an_agency_admin_sees_only_their_agency_and_exports_those_below(as_user):
    client = english_browser(as_user("admin.disdik"))
    page = client.get("/training/compliance?year=2026").get_data(as_text=True)
    assert "Dinas Pendidikan dan Kebudayaan" in page and "Dinas Kesehatan" not in page
    export = client.get("/training/compliance?year=2026&format=xlsx")
    assert export.status_code == 200 and export.mimetype.endswith("spreadsheetml.sheet")
    rows = list(load_workbook(io.BytesIO(export.data)).active.iter_rows(values_only=True))
    assert rows[0][2] == "NIP" and len(rows) > 1
    assert {row[0] for row in rows[1:]} == {"Dinas Pendidikan dan Kebudayaan"}
    assert all(row[4] < 20 and row[4] + row[5] == 20 for row in rows[1:])


def test_the_employee_sees_their_history_and_jp_this_year(api_as, as_user):
    _employee_id, nip, _position = employee_of("pegawai.disdik")
    client, headers = api_as("pegawai.disdik")
    client = InEnglish(client)
    mine = client.get("/api/v1/training/mine?year=2026", headers=headers).json["result"]
    assert Decimal(str(mine["jp"])) == Decimal(_jp_of(nip))
    assert mine["compliant"] is (mine["jp"] >= 20)
    assert {p["employee"]["nip"] for p in mine["participations"]} == {nip}
    page = english_browser(as_user("pegawai.disdik")).get("/training/").get_data(as_text=True)
    assert "sikinerja-jp" in page and "Seminar Inovasi Pelayanan Publik" in page
    # An employee's compliance is their own row only.
    own = client.get("/api/v1/training/compliance?year=2026", headers=headers).json["result"]
    assert [row["employees"] for row in own] == [1]


def test_a_request_goes_to_the_evaluator_who_registers_the_employee(api_as, test_programme):
    client, headers = api_as("pegawai.disdik")
    client = InEnglish(client)
    asked = client.post(f"/api/v1/training/programme/{test_programme}/request", json={"reason": "Kurikulum"},
                        headers=headers)
    assert asked.status_code == 200 and asked.json["result"]["status"] == "pending"
    again = client.post(f"/api/v1/training/programme/{test_programme}/request", json={}, headers=headers)
    assert again.status_code == 400 and "already requested" in again.json["message"]
    request_id = asked.json["result"]["id"]
    # The employee cannot decide their own request, an evaluator of another agency cannot see it.
    own = client.post(f"/api/v1/training/request/{request_id}/decide", json={"decision": "approve"}, headers=headers)
    assert own.status_code == 400 and "evaluator" in own.json["message"]
    other, other_headers = api_as("penilai.dinkes")
    other = InEnglish(other)
    assert other.post(f"/api/v1/training/request/{request_id}/decide", json={"decision": "approve"},
                      headers=other_headers).status_code == 404
    evaluator, evaluator_headers = api_as("penilai.disdik")
    evaluator = InEnglish(evaluator)
    refused = evaluator.post(f"/api/v1/training/request/{request_id}/decide", json={"decision": "reject"},
                             headers=evaluator_headers)
    assert refused.status_code == 400 and "why" in refused.json["message"]
    approved = evaluator.post(f"/api/v1/training/request/{request_id}/decide", json={"decision": "approve"},
                              headers=evaluator_headers)
    assert approved.status_code == 200 and approved.json["result"]["status"] == "approved"
    assert count(TrainingParticipation, programme_id=test_programme, status="registered") == 1
    twice = evaluator.post(f"/api/v1/training/request/{request_id}/decide", json={"decision": "approve"},
                           headers=evaluator_headers)
    assert twice.status_code == 400 and count(TrainingParticipation, programme_id=test_programme) == 1


@pytest.mark.parametrize("body, message", [
    ({"status": "completed", "completed_on": "2026-12-13", "certificate_number": "X/1"}, "before the programme starts"),
    ({"status": "completed", "completed_on": "2026-12-16", "jp_earned": 0, "certificate_number": "X/1"},
     "JP must be greater than zero"),
    ({"status": "completed", "completed_on": "2026-12-16", "jp_earned": -3, "certificate_number": "X/1"},
     "JP must be greater than zero"),
    ({"status": "completed", "completed_on": "2026-12-16"}, "certificate number"),
    ({"status": "completed", "completed_on": "16-12-2026", "certificate_number": "X/1"}, "YYYY-MM-DD"),
    ({"status": "graduated"}, "registered, attended or completed"),
    ({"status": "registered", "pre_score": 120}, "between 0 and 100"),
])
def test_recording_refuses_bad_input_and_writes_nothing(api_as, test_programme, body, message):
    client, headers = api_as("hr.bkpsdm")
    client = InEnglish(client)
    _id, nip, _position = employee_of("pegawai.dinkes")
    answer = client.post(f"/api/v1/training/programme/{test_programme}/participation", json={"nip": nip, **body},
                         headers=headers)
    assert answer.status_code == 400 and message in answer.json["message"]
    assert count(TrainingParticipation, programme_id=test_programme) == 0


def test_recording_a_completion_counts_toward_the_twenty_jp(api_as, as_user, test_programme):
    _id, nip, _position = employee_of("pegawai.dinkes")
    before = _jp_of(nip)
    client, headers = api_as("hr.bkpsdm")
    client = InEnglish(client)
    answer = client.post(f"/api/v1/training/programme/{test_programme}/participation", json={
        "nip": nip, "status": "completed", "completed_on": "2026-12-16", "certificate_number": "BIMTEK/001",
        "pre_score": 60, "post_score": 82.5}, headers=headers)
    assert answer.status_code == 200 and answer.json["result"]["jp_earned"] == 24
    assert _jp_of(nip) == before + 24
    # An agency admin records only within their agencies: a Dinkes NIP is unknown to Disdikbud's admin.
    outsider, outsider_headers = api_as("admin.disdik")
    outsider = InEnglish(outsider)
    assert outsider.post(f"/api/v1/training/programme/{test_programme}/participation",
                         json={"nip": nip, "status": "registered"}, headers=outsider_headers).status_code == 404
    # The form shows the refusal with its message.
    browser = english_browser(as_user("hr.bkpsdm"))
    token = csrf_token(browser, f"/training/programme/{test_programme}")
    page = browser.post(f"/training/programme/{test_programme}/record", data={
        "csrf_token": token, "nip": nip, "status": "completed", "completed_on": "2026-12-01",
        "certificate_number": "X"}, follow_redirects=True).get_data(as_text=True)
    assert "The completion cannot be before the programme starts" in page
    assert count(TrainingParticipation, programme_id=test_programme, certificate_number="BIMTEK/001") == 1


@pytest.mark.parametrize("body, message", [
    ({"jp": 0}, "JP must be greater than zero"),
    ({"end_date": "2027-01-01"}, "end date cannot be before"),
])
def test_programmes_refuse_jp_of_zero_and_an_end_before_the_start(api_as, body, message):
    client, headers = api_as("hr.bkpsdm")
    client = InEnglish(client)
    with database() as session:
        from app.models import TrainingKind

        kind_id = session.scalar(select(TrainingKind.id).where(TrainingKind.code == "SEMINAR"))
    programme = {"code": "TEST-SEMINAR", "name": "Seminar Uji", "kind": kind_id, "organiser": "BKPSDM",
                 "start_date": "2027-02-01", "end_date": "2027-02-02", "jp": 8, **body}
    answer = client.post("/api/v1/training_programme/", json=programme, headers=headers)
    assert answer.status_code == 400 and message in answer.json["message"]
    assert count(TrainingProgramme, code="TEST-SEMINAR") == 0
    employee, employee_headers = api_as("pegawai.disdik")
    employee = InEnglish(employee)
    assert employee.post("/api/v1/training_programme/", json={**programme, "jp": 8, "end_date": "2027-02-02"},
                         headers=employee_headers).status_code in (401, 403)


def test_needs_list_the_butuh_perbaikan_employee_and_weak_units(as_user):
    page = english_browser(as_user("hr.bkpsdm")).get("/training/needs?year=2026").get_data(as_text=True)
    assert "Sri Wahyuni, S.Pd., M.Pd." in page  # rated Butuh Perbaikan in the 2026 demo
    assert "sikinerja-needs-units" in page


def test_effect_compares_scores_and_the_units_elements(as_user):
    programme_id = _programme_id("PEL-PRIMA-2026")
    browser = english_browser(as_user("hr.bkpsdm"))
    page = browser.get(f"/training/programme/{programme_id}/effect").get_data(as_text=True)
    assert "U7 Perilaku Pelaksana" in page and "<svg" in page
    assert as_user("pegawai.disdik").get("/training/programme/999999/effect").status_code == 404


def test_an_agency_sees_other_agencies_participants_nowhere(as_user):
    programme_id = _programme_id("MANWAKTU-2026")
    page = english_browser(as_user("admin.disdik")).get(f"/training/programme/{programme_id}").get_data(as_text=True)
    with database() as session:
        dinkes_names = session.scalars(select(Employee.name).join(TrainingParticipation).where(
            TrainingParticipation.programme_id == programme_id,
            TrainingParticipation.agency_id == agency_id("DINKES"))).all()
    assert dinkes_names and not any(name in page for name in dinkes_names)


@pytest.mark.parametrize("username", ["hr.bkpsdm", "admin.disdik", "sekda", "penilai.disdik", "pegawai.disdik"])
def test_every_page_opens_for_every_role(as_user, username):
    client = as_user(username)
    for url in ("/training/", "/training/requests", "/training/compliance", "/training/needs",
                "/trainingprogrammeview/list/", "/trainingparticipationview/list/", "/awards/nominations",
                "/awards/candidates", "/awards/wall", "/awardtypeview/list/"):
        assert client.get(url).status_code == 200, url
    may_write = username == "hr.bkpsdm"
    assert (client.get("/trainingprogrammeview/add").status_code == 200) is may_write
