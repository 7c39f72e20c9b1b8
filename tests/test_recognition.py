"""Recognition (issue 8): candidates from evidence (Karya Satya with sanctions, ASN Berprestasi, best units),
the nomination workflow with its refusals, the certificate (piagam) of an award, and the recognition wall
(public without login, and in-app per agency)."""
import io

import pytest
from pypdf import PdfReader
from sqlalchemy import delete, select

from app.domain.nip import format_nip
from app.models import Employee
from app.models.recognition import AwardType, Nomination
from app.security.scope import UserScope
from tests.conftest import csrf_token
from tests.english import InEnglish, english_browser
from tests.helpers import agency_id, count, database

SANCTIONED_MEDIUM = "198309112007061002"   # Yohanes Lahang, 19 years of service, a medium sanction
SANCTIONED_LIGHT = "199007222011121003"    # Ismail Marzuki, 14 years, a light sanction only
AWARDED_KARYA_SATYA = "198712102014011001"  # Rizky Ananda Putra, awarded Karya Satya X in the demo


def _type_id(code):
    with database() as session:
        return session.scalar(select(AwardType.id).where(AwardType.code == code))


def _employee_id(nip):
    with database() as session:
        return session.scalar(select(Employee.id).where(Employee.nip == nip))


@pytest.fixture()
def cleanup():
    """Nominations a test makes are removed afterwards (the demo's stay as seeded)."""
    made = []
    yield made
    with database() as session:
        session.execute(delete(Nomination).where(Nomination.id.in_(made)))
        session.commit()


def _nominate(client, headers, made, **body):
    answer = client.post("/api/v1/recognition/nominations", json=body, headers=headers)
    if answer.status_code == 200:
        made.append(answer.json["result"]["id"])
    return answer


def test_karya_satya_candidates_follow_service_years_and_sanctions(api_as):
    client, headers = api_as("hr.bkpsdm")
    client = InEnglish(client)
    answer = client.get("/api/v1/recognition/candidates?period=2026", headers=headers)
    assert answer.status_code == 200
    karya_satya = {c["employee"]["nip"]: c for c in answer.json["result"]["karya_satya"]}
    assert SANCTIONED_MEDIUM not in karya_satya
    assert karya_satya[SANCTIONED_LIGHT]["award_type"]["code"] == "KARYA-SATYA-X"
    assert AWARDED_KARYA_SATYA not in karya_satya  # already holds class X and has no 20 years yet
    assert karya_satya["197606012001121006"]["award_type"]["code"] == "KARYA-SATYA-XX"  # TMT 12-2001
    assert "years of service" in karya_satya[SANCTIONED_LIGHT]["evidence"]
    performers = answer.json["result"]["performer_year"]
    assert performers and all(c["score"] >= 75 for c in performers)
    assert [c["score"] for c in performers] == sorted((c["score"] for c in performers), reverse=True)
    units = answer.json["result"]["best_unit"]
    assert units and units[0]["unit"] is not None and "IKM" in units[0]["evidence"]


def test_candidates_stay_within_the_agency_admins_scope(api_as, as_user):
    client, headers = api_as("admin.disdik")
    client = InEnglish(client)
    result = client.get("/api/v1/recognition/candidates?period=2026", headers=headers).json["result"]
    disdik = agency_id("DISDIKBUD")
    assert all(c["agency_id"] == disdik for rows in result.values() for c in rows)
    assert client.get("/api/v1/recognition/candidates?period=20x6", headers=headers).status_code == 400
    assert "sikinerja-candidates-karya_satya" in as_user("admin.disdik").get(
        "/awards/candidates").get_data(as_text=True)


def test_an_ineligible_employee_needs_a_recorded_exception(api_as, cleanup):
    client, headers = api_as("hr.bkpsdm")
    client = InEnglish(client)
    body = {"award_type_id": _type_id("KARYA-SATYA-X"), "period": "2026",
            "employee_id": _employee_id(SANCTIONED_MEDIUM), "justification": "Masa kerja 19 tahun"}
    refused = _nominate(client, headers, cleanup, **body)
    assert refused.status_code == 400 and "not eligible" in refused.json["message"]
    assert count(Nomination, employee_id=body["employee_id"]) == 0
    accepted = _nominate(client, headers, cleanup, **body,
                         exception_reason="Hukuman telah dipulihkan oleh putusan banding (contoh).")
    assert accepted.status_code == 200 and accepted.json["result"]["status"] == "nominated"


def test_a_duplicate_award_for_the_same_period_is_refused(api_as, cleanup):
    client, headers = api_as("hr.bkpsdm")
    client = InEnglish(client)
    body = {"award_type_id": _type_id("INOVASI-PELAYANAN"), "period": "2026",
            "employee_id": _employee_id(SANCTIONED_LIGHT), "justification": "Inovasi antrean daring"}
    assert _nominate(client, headers, cleanup, **body).status_code == 200
    again = _nominate(client, headers, cleanup, **body)
    assert again.status_code == 400 and "already has this award" in again.json["message"]
    assert _nominate(client, headers, cleanup, **{**body, "period": "2027"}).status_code == 200
    # Karya Satya is once per class, whatever the period.
    held = _nominate(client, headers, cleanup, award_type_id=_type_id("KARYA-SATYA-X"), period="2027",
                     employee_id=_employee_id(AWARDED_KARYA_SATYA), justification="Masa kerja")
    assert held.status_code == 400 and "already has this award" in held.json["message"]


@pytest.mark.parametrize("body, message", [
    ({"period": "2026/11"}, "The period must be"),
    ({"justification": " "}, "justification"),
    ({"employee_id": None}, "Choose the employee"),
])
def test_malformed_nominations_are_refused(api_as, cleanup, body, message):
    client, headers = api_as("hr.bkpsdm")
    client = InEnglish(client)
    answer = _nominate(client, headers, cleanup, **{
        "award_type_id": _type_id("INOVASI-PELAYANAN"), "period": "2026",
        "employee_id": _employee_id(SANCTIONED_LIGHT), "justification": "Inovasi", **body})
    assert answer.status_code == 400 and message in answer.json["message"]


def test_the_workflow_and_its_refusals(api_as, as_user, cleanup):
    hr, hr_headers = api_as("hr.bkpsdm")
    hr = InEnglish(hr)
    agency_admin, admin_headers = api_as("admin.dinkes")
    agency_admin = InEnglish(agency_admin)
    nominated = _nominate(agency_admin, admin_headers, cleanup, award_type_id=_type_id("INOVASI-PELAYANAN"),
                          period="2026", employee_id=_employee_id(SANCTIONED_LIGHT),
                          justification="Layanan jemput bola imunisasi")
    assert nominated.status_code == 200
    pk = nominated.json["result"]["id"]
    # An agency admin nominates but does not approve; another agency's admin cannot even see it.
    refused = agency_admin.post(f"/api/v1/recognition/nominations/{pk}/approve", headers=admin_headers)
    assert refused.status_code == 400 and "Only HR administrators" in refused.json["message"]
    outsider, outsider_headers = api_as("admin.disdik")
    outsider = InEnglish(outsider)
    assert outsider.post(f"/api/v1/recognition/nominations/{pk}/approve", headers=outsider_headers).status_code == 404
    early = hr.post(f"/api/v1/recognition/nominations/{pk}/award",
                    json={"decree_number": "1", "decree_date": "2026-11-20"}, headers=hr_headers)
    assert early.status_code == 400 and "cannot become awarded" in early.json["message"]
    approved = hr.post(f"/api/v1/recognition/nominations/{pk}/approve", headers=hr_headers)
    assert approved.json["result"]["status"] == "approved"
    awarder, awarder_headers = api_as("admin")  # four eyes: not the one who approved (test_who_may_act)
    awarder = InEnglish(awarder)
    no_decree = awarder.post(f"/api/v1/recognition/nominations/{pk}/award", json={"decree_date": "2026-11-20"},
                             headers=awarder_headers)
    assert no_decree.status_code == 400 and "decree number" in no_decree.json["message"]
    bad_date = awarder.post(f"/api/v1/recognition/nominations/{pk}/award", json={"decree_number": "100/1/2026",
                                                                                 "decree_date": "20-11-2026"},
                            headers=awarder_headers)
    assert bad_date.status_code == 400 and "YYYY-MM-DD" in bad_date.json["message"]
    awarded = awarder.post(f"/api/v1/recognition/nominations/{pk}/award",
                           json={"decree_number": "100.3.3.2/400/KPTS/2026", "decree_date": "2026-11-20"},
                           headers=awarder_headers)
    assert awarded.status_code == 200 and awarded.json["result"]["certificate"] == f"/documents/award_certificate/{pk}"
    twice = hr.post(f"/api/v1/recognition/nominations/{pk}/reject", json={"note": "salah"}, headers=hr_headers)
    assert twice.status_code == 400 and count(Nomination, id=pk, status="awarded") == 1
    page = english_browser(as_user("hr.bkpsdm")).get(f"/awards/nomination/{pk}").get_data(as_text=True)
    assert f"/documents/award_certificate/{pk}/print.pdf" in page


def test_the_browser_form_nominates_and_shows_refusals(as_user, cleanup):
    browser = english_browser(as_user("hr.bkpsdm"))
    token = csrf_token(browser, "/awards/candidates")
    page = browser.post("/awards/nominate", data={
        "csrf_token": token, "award_type_id": _type_id("KARYA-SATYA-X"), "period": "2026", "nip": SANCTIONED_MEDIUM,
        "justification": "Masa kerja"}, follow_redirects=True).get_data(as_text=True)
    assert "not eligible" in page
    assert count(Nomination, employee_id=_employee_id(SANCTIONED_MEDIUM)) == 0


def _nip_in(agency_code):
    with database() as session:
        return session.scalar(select(Employee.nip).where(Employee.agency_id == agency_id(agency_code))
                              .order_by(Employee.id))


def test_the_form_and_the_api_read_a_nomination_alike(api_as, as_user, cleanup):
    """One reading of a nomination for both (recognition.nominate_as_asked): the API takes a NIP as the form does,
    and an employee the nominator may not see is refused by both — 404 on the API, said on the page — with
    nothing written."""
    body = {"award_type_id": _type_id("INOVASI-PELAYANAN"), "period": "2031", "justification": "Inovasi antrean"}
    client, headers = api_as("hr.bkpsdm")
    by_nip = _nominate(client, headers, cleanup, **body, nip=format_nip(SANCTIONED_LIGHT))
    assert by_nip.status_code == 200, by_nip.get_data(as_text=True)
    assert by_nip.json["result"]["employee"]["nip"] == SANCTIONED_LIGHT
    foreign = _nip_in("DISDIKBUD")
    before = count(Nomination)
    client, headers = api_as("admin.dinkes")
    assert _nominate(client, headers, cleanup, **body, nip=foreign).status_code == 404
    browser = english_browser(as_user("admin.dinkes"))
    page = browser.post("/awards/nominate", follow_redirects=True, data={
        "csrf_token": csrf_token(browser, "/awards/candidates"), **body, "nip": foreign}).get_data(as_text=True)
    assert "No employee with this NIP (or no such unit) among the records you may see." in page
    assert count(Nomination) == before


def test_the_public_wall_needs_no_login_and_shows_no_nip(app):
    page = app.test_client().get("/recognition/?lang=en")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Rizky Ananda Putra, S.Kom." in text and "Satyalancana Karya Satya X Tahun" in text
    assert AWARDED_KARYA_SATYA not in text and format_nip(AWARDED_KARYA_SATYA) not in text
    assert "Best-rated service units" in text


def test_the_in_app_wall_per_agency(as_user):
    client = english_browser(as_user("admin.dinkes"))
    page = client.get(f"/awards/wall?agency={agency_id('DINKES')}").get_data(as_text=True)
    assert "sikinerja-wall-awards" in page and "Rizky Ananda Putra" not in page
    assert client.get(f"/awards/wall?agency={agency_id('DISDIKBUD')}").status_code == 404


def test_the_certificate_names_the_awardee_with_a_spaced_nip_and_the_award(app):
    from app.documents.catalogue import load_subject
    from app.documents.render import render_pdf

    with database() as session:
        nomination = session.scalar(select(Nomination).join(Employee).where(
            Employee.nip == AWARDED_KARYA_SATYA, Nomination.status == "awarded"))
        key = str(nomination.id)
        kind, subject = load_subject("award_certificate", key, UserScope.system())
        # Karya Satya: the regent's decree, signed on the regent's behalf by the head of the personnel agency.
        assert subject.signer_employee_id is not None and subject.context["on_behalf_of"] == "a.n. BUPATI BULUNGAN"
        data = render_pdf(kind, subject)
        with pytest.raises(LookupError):
            load_subject("award_certificate", key, UserScope(agency_ids=frozenset({agency_id("DINKES")})))
        with pytest.raises(LookupError):
            load_subject("award_certificate", "../1", UserScope.system())
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())
    assert "Rizky Ananda Putra, S.Kom." in text
    assert format_nip(AWARDED_KARYA_SATYA) in text
    assert "Satyalancana Karya Satya X Tahun" in text


def test_the_certificate_prints_for_those_who_may_see_the_award(as_user):
    with database() as session:
        key = session.scalar(select(Nomination.id).join(Employee).where(
            Employee.nip == AWARDED_KARYA_SATYA, Nomination.status == "awarded"))
    printed = as_user("admin.disdik").get(f"/documents/award_certificate/{key}/print.pdf")
    assert printed.status_code == 200 and printed.mimetype == "application/pdf"
    assert as_user("admin.dinkes").get(f"/documents/award_certificate/{key}/print.pdf").status_code == 404
    with database() as session:
        approved = session.scalar(select(Nomination.id).where(Nomination.status == "approved"))
    # Only an awarded nomination has a certificate.
    assert as_user("hr.bkpsdm").get(f"/documents/award_certificate/{approved}/print.pdf").status_code == 404
