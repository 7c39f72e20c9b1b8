"""The decision on an evaluation's objection (keberatan, issue 23; PermenPANRB 6/2022 Format D.1.3): the
evaluator's superior (atasan pejabat penilai) confirms or changes the result with a written reason, once; nobody
else may, and nothing is written when refused; the pending decision is an open item of the cycle until it is
taken; the page, the REST answer and the PDF show it. And (issue 22) the evaluation draft's page and REST read the
same input and refuse it with the same Indonesian message.

The demo chain of Disdikbud: pegawai.disdik is evaluated by the kasi (penilai.disdik), whose superior is the kabid
(no demo account: this file gives him one) — the kabid decides pegawai.disdik's objections."""
import datetime as dt
import io
from decimal import Decimal

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.domain import cycle_deadlines as rules
from app.domain.predikat import Predikat
from app.models import UserAccount
from app.models.audit import AuditEntry
from app.models.evaluation import Evaluation
from app.models.notification import Notification
from app.models.planning import Period, WorkPlan
from tests.conftest import csrf_token
from tests.helpers import account_for, count, database, employee_of, superior_id
from tests.test_evaluation import _remove_what_this_module_made, approved_plan, remove_evaluations

KABID = "kabid.objection-test"
OBJECTION = "Realisasi triwulan belum memuat kegiatan Maret."


def said(message, **params):
    """A message as the Indonesian user reads it (the default language)."""
    from flask_babel import force_locale, gettext

    from tests import helpers

    with helpers._app.test_request_context(), force_locale("id"):
        return gettext(message, **params)


@pytest.fixture(scope="module")
def kabid(app):
    with account_for(superior_id(employee_of("penilai.disdik")[0]), KABID) as username:
        yield username
    _remove_what_this_module_made()


def _row(pk):
    with database() as session:
        row = session.get(Evaluation, pk)
        return {"status": row.status, "work": row.work_result_rating, "behaviour": row.behaviour_rating,
                "predikat": row.predikat, "outcome": row.objection_outcome, "decision": row.objection_decision,
                "decider": row.objection_decider_id, "row_version": row.row_version}


def _notifications(username, kind):
    with database() as session:
        account = session.scalar(select(UserAccount.id).where(UserAccount.username == username))
        return count(Notification, recipient_id=account, kind=kind)


@pytest.fixture()
def objected(api_as, kabid):
    """A first-quarter evaluation of pegawai.disdik rated Baik (2, 2), delivered, acknowledged with an objection."""
    plan_id, _result = approved_plan("pegawai.disdik", "penilai.disdik")
    evaluator, evaluator_headers = api_as("penilai.disdik")
    draft = evaluator.post("/api/v1/evaluation/draft", headers=evaluator_headers, json={
        "work_plan_id": plan_id, "kind": "QUARTERLY", "window_start": "2026-01-01", "window_end": "2026-03-31"})
    assert draft.status_code == 200, draft.json
    pk = draft.json["result"]["id"]
    assert evaluator.put(f"/api/v1/evaluation/{pk}", headers=evaluator_headers,
                         json={"work_result_rating": 2, "behaviour_rating": 2}).status_code == 200
    assert evaluator.post(f"/api/v1/evaluation/{pk}/submit", headers=evaluator_headers).status_code == 200
    employee, employee_headers = api_as("pegawai.disdik")
    filed = employee.post(f"/api/v1/evaluation/{pk}/acknowledge", headers=employee_headers,
                          json={"objection": OBJECTION})
    assert filed.status_code == 200, filed.json
    return pk, filed.json["result"]


def _decide(client, headers, pk, **body):
    return client.post(f"/api/v1/evaluation/{pk}/decide-objection?_l_=id", headers=headers, json=body)


def test_the_superior_confirms_the_result_once_and_it_is_final(objected, api_as, kabid):
    pk, answer = objected
    kabid_id = superior_id(employee_of("penilai.disdik")[0])
    assert answer["objection"] == OBJECTION and answer["objection_decider_id"] == kabid_id
    assert answer["objection_decision"] is None
    assert _notifications(kabid, "objection_filed") == 1
    evaluator, evaluator_headers = api_as("penilai.disdik")
    waiting = evaluator.post(f"/api/v1/evaluation/{pk}/finalise?_l_=id", headers=evaluator_headers)
    assert waiting.status_code == 400
    assert waiting.json["message"] == said("The employee's objection waits for the decision of the evaluator's "
                                           "superior; the evaluation is finalised after it.")

    superior, superior_headers = api_as(kabid)
    before = _row(pk)
    for body in ({"outcome": "confirmed", "reason": "  "}, {"outcome": "maybe", "reason": "Sudah sesuai."},
                 {"outcome": "changed", "reason": "Sudah sesuai."},
                 {"outcome": "changed", "reason": "Sudah sesuai.", "work_result_rating": 2, "behaviour_rating": 2},
                 {"outcome": "changed", "reason": "Naik.", "work_result_rating": 7, "behaviour_rating": 1}):
        refused = _decide(superior, superior_headers, pk, **body)
        assert refused.status_code == 400, body
        assert _row(pk) == before
    assert _decide(superior, superior_headers, pk, outcome="confirmed",
                   reason="  ").json["message"] == said("Write the reason for the decision.")
    stale = _decide(superior, superior_headers, pk, outcome="confirmed", reason="Sudah sesuai.",
                    row_version=before["row_version"] - 1)
    assert stale.status_code == 409 and stale.json["row_version"] == before["row_version"]
    assert _row(pk) == before

    audits = count(AuditEntry, entity="Evaluation", entity_id=str(pk))
    decided = _decide(superior, superior_headers, pk, outcome="confirmed", row_version=before["row_version"],
                      reason="Kegiatan Maret dilaporkan setelah batas waktu.")
    assert decided.status_code == 200, decided.json
    decision = decided.json["result"]["objection_decision"]
    assert decision["outcome"] == "confirmed" and decision["reason"].startswith("Kegiatan Maret")
    assert decided.json["result"]["predikat"] == int(Predikat.GOOD)
    assert count(AuditEntry, entity="Evaluation", entity_id=str(pk)) == audits + 1
    assert _notifications("pegawai.disdik", "objection_decided") >= 1
    assert _notifications("penilai.disdik", "objection_decided") >= 1

    decided_row = _row(pk)
    again = _decide(superior, superior_headers, pk, outcome="changed", reason="Berubah pikiran.",
                    work_result_rating=1, behaviour_rating=1)
    assert again.status_code == 400
    assert again.json["message"] == said("The objection has been decided already; that decision is final.")
    assert _row(pk) == decided_row
    assert evaluator.post(f"/api/v1/evaluation/{pk}/finalise", headers=evaluator_headers).status_code == 200
    assert evaluator.post(f"/api/v1/evaluation/{pk}/correct", headers=evaluator_headers,
                          json={"reason": "Ubah lagi"}).status_code == 400


def test_nobody_but_the_superior_decides(objected, api_as):
    pk, _answer = objected
    before = _row(pk)
    body = {"outcome": "changed", "reason": "Saya yang memutuskan.", "work_result_rating": 1, "behaviour_rating": 1}
    for username in ("pegawai.disdik", "penilai.disdik", "hr.bkpsdm", "kadis.disdik"):
        client, headers = api_as(username)
        refused = _decide(client, headers, pk, **body)
        assert refused.status_code == 400, username
        assert refused.json["message"] == said("Only the evaluator's superior decides the objection to this "
                                               "evaluation.")
    foreign, foreign_headers = api_as("penilai.dinkes")
    assert _decide(foreign, foreign_headers, pk, **body).status_code == 404
    assert _row(pk) == before and _row(pk)["outcome"] is None


def test_a_changed_result_shows_the_new_predikat_on_the_page_and_the_pdf(objected, as_user, kabid):
    pk, _answer = objected
    browser = as_user(kabid)
    url = f"/evaluationview/show/{pk}"
    page = browser.get(url).get_data(as_text=True)
    assert "sikinerja-objection-form" in page and OBJECTION in page
    for username in ("pegawai.disdik", "penilai.disdik", "hr.bkpsdm"):
        assert "sikinerja-objection-form" not in as_user(username).get(url).get_data(as_text=True), username
    token, version = csrf_token(browser, url), _row(pk)["row_version"]
    form = {"csrf_token": token, "name": "decide_objection", "outcome": "changed", "work_result_rating": "1",
            "behaviour_rating": "1", "row_version": str(version)}
    refused = browser.post(f"/evaluationview/act/{pk}", data={**form, "reason": ""}, follow_redirects=True)
    assert said("Write the reason for the decision.") in refused.get_data(as_text=True)
    assert _row(pk)["outcome"] is None
    browser.post(f"/evaluationview/act/{pk}", data={**form, "reason": "Bukti kegiatan Maret sah."})
    row = _row(pk)
    assert (row["outcome"], row["work"], row["behaviour"], row["predikat"]) == ("changed", 1, 1,
                                                                                int(Predikat.VERY_GOOD))

    employee = as_user("pegawai.disdik")
    page = employee.get(url).get_data(as_text=True)
    assert "sikinerja-objection-decision" in page and "Bukti kegiatan Maret sah." in page
    assert "Sangat Baik" in page and "Baik" in page
    pdf = employee.get(f"/documents/evaluation/{pk}/print.pdf")
    assert pdf.status_code == 200
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "KEPUTUSAN ATASAN PEJABAT PENILAI KINERJA" in text and "diubah" in text
    assert "sebelumnya: Baik" in text and "Bukti kegiatan Maret sah." in text


def test_a_pending_decision_is_an_open_item_due_soon_then_overdue_then_gone(objected, app, api_as, as_user, kabid):
    from app.services import cycle
    from app.services.activity import holidays_between

    pk, _answer = objected
    filed = dt.date(2026, 11, 2)
    with app.app_context():
        from app.extensions import db

        db.session.get(Evaluation, pk).acknowledged_at = dt.datetime(2026, 11, 2, 2, 0)  # 10.00 WITA
        db.session.commit()
        holidays = holidays_between(dt.date(2026, 10, 1), dt.date(2027, 3, 31))
    deadlines = rules.default_deadlines(2026)
    due = rules.objection_decision_due(filed, deadlines, holidays)
    superior, superior_headers = api_as(kabid)
    items = [item for item in superior.get("/api/v1/cycle/open", headers=superior_headers).json["result"]
             if item["evaluation_id"] == pk and item["kind"] == "objection"]
    assert [(item["kind"], item["state"], item["due_on"]) for item in items] == [
        ("objection", "overdue", due.isoformat())]
    assert items[0]["actor_id"] == superior_id(employee_of("penilai.disdik")[0])
    page = as_user(kabid).get("/cycle/").get_data(as_text=True)
    assert said("Objection to be decided") in page
    # On its reminder day the tick reminds the kabid (not run here: it would also hand off this file's other
    # overdue windows).
    with app.app_context():
        waiting = [item for item in cycle.open_items(rules.reminder_day(due, deadlines, holidays))
                   if item.evaluation_id == pk and item.kind is rules.DeadlineKind.OBJECTION]
    assert [(item.state.value, item.reminder_kind, item.reminder_subject) for item in waiting] == [
        ("due_soon", "deadline_objection", pk)]

    decided = _decide(superior, superior_headers, pk, outcome="confirmed", reason="Sudah sesuai ketentuan.")
    assert decided.status_code == 200, decided.json
    assert not [item for item in superior.get("/api/v1/cycle/open", headers=superior_headers).json["result"]
                if item["evaluation_id"] == pk and item["kind"] == "objection"]


# --- issue 22: one reading of the draft for the page and REST -------------------------------------------

def test_the_same_bad_draft_gets_the_same_indonesian_message_on_the_page_and_in_the_api(api_as, as_user):
    plan_id, _result = approved_plan("pegawai.disdik", "penilai.disdik")
    client, headers = api_as("penilai.disdik")
    browser = as_user("penilai.disdik")
    good = {"work_plan_id": plan_id, "kind": "MONTHLY", "window_start": "2026-06-01", "window_end": "2026-06-30"}
    before = count(Evaluation)
    for changed, message in (({"window_start": "01-06-2026"}, "Isi rentang waktu dengan dua tanggal."),
                             ({"window_end": ""}, "Isi rentang waktu dengan dua tanggal."),
                             ({"work_plan_id": 999999}, "Pilih SKP disetujui yang Anda nilai."),
                             ({"work_plan_id": "x"}, "Pilih SKP disetujui yang Anda nilai."),
                             ({"kind": "WEEKLY"}, said("The kind of evaluation must be monthly, quarterly or "
                                                       "annual."))):
        body = {**good, **changed}
        answer = client.post("/api/v1/evaluation/draft", headers=headers, json=body)
        assert answer.status_code == 400 and answer.json["message"] == message, (changed, answer.json)
        page = browser.post("/evaluationview/new", data={
            "csrf_token": csrf_token(browser, "/evaluationview/new"), **{k: str(v) for k, v in body.items()}})
        assert page.status_code == 400 and message in page.get_data(as_text=True), changed
    assert count(Evaluation) == before
    # Without ?_l_ the API answers in Indonesian, as the page does.
    assert client.post("/api/v1/evaluation/draft", headers=headers, json={}).json["message"] == \
        "Pilih SKP disetujui yang Anda nilai."

    # A realisation: the same refusal of a non-number on both, and the page takes the Indonesian decimal comma.
    draft = client.post("/api/v1/evaluation/draft", headers=headers, json=good).json["result"]
    pk, realisation = draft["id"], draft["realisations"][0]["id"]
    body = {"realisation_id": realisation, "value": "dua belas", "reason": "Dihitung ulang"}
    answer = client.post(f"/api/v1/evaluation/{pk}/realisation", headers=headers, json=body)
    assert answer.status_code == 400 and answer.json["message"] == "Realisasi harus berupa angka."
    url = f"/evaluationview/show/{pk}"
    page = browser.post(f"/evaluationview/act/{pk}", follow_redirects=True, data={
        "csrf_token": csrf_token(browser, url), "name": "realisation", **{k: str(v) for k, v in body.items()}})
    assert "Realisasi harus berupa angka." in page.get_data(as_text=True)
    browser.post(f"/evaluationview/act/{pk}", data={"csrf_token": csrf_token(browser, url), "name": "realisation",
                                                    "realisation_id": str(realisation), "value": "12,5",
                                                    "reason": "Dihitung ulang"})
    with database() as session:
        assert session.get(Evaluation, pk).realisations[0].value == Decimal("12.5")


def test_without_a_superior_in_the_system_hr_records_the_decision(api_as, kabid):
    """The kabid's evaluator is the head of agency, whose superior (the regent) is not in the system: nobody is
    named, and HR records the decision taken outside it; the head herself may not."""
    kabid_id = superior_id(employee_of("penilai.disdik")[0])
    with database() as session:
        period = session.scalar(select(Period.id).where(Period.year == 2026))
        remove_evaluations(session, kabid_id, period)
        session.commit()
        plan = session.scalar(select(WorkPlan.id).where(WorkPlan.employee_id == kabid_id, WorkPlan.period_id == period,
                                                        WorkPlan.status == "approved"))
    head, head_headers = api_as("kadis.disdik")
    draft = head.post("/api/v1/evaluation/draft", headers=head_headers, json={
        "work_plan_id": plan, "kind": "QUARTERLY", "window_start": "2026-04-01", "window_end": "2026-06-30"})
    assert draft.status_code == 200, draft.json
    pk = draft.json["result"]["id"]
    try:
        assert head.put(f"/api/v1/evaluation/{pk}", headers=head_headers,
                        json={"work_result_rating": 3, "behaviour_rating": 2}).status_code == 200
        assert head.post(f"/api/v1/evaluation/{pk}/submit", headers=head_headers).status_code == 200
        employee, employee_headers = api_as(kabid)
        filed = employee.post(f"/api/v1/evaluation/{pk}/acknowledge", headers=employee_headers,
                              json={"objection": "Target triwulan II terlalu tinggi."})
        assert filed.status_code == 200 and filed.json["result"]["objection_decider_id"] is None
        body = {"outcome": "changed", "reason": "Keputusan Bupati atas keberatan.", "work_result_rating": 2,
                "behaviour_rating": 2}
        assert _decide(head, head_headers, pk, **body).status_code == 400
        assert _row(pk)["outcome"] is None
        hr, hr_headers = api_as("hr.bkpsdm")
        decided = _decide(hr, hr_headers, pk, **body)
        assert decided.status_code == 200, decided.json
        assert decided.json["result"]["predikat"] == int(Predikat.GOOD)
        assert decided.json["result"]["objection_decision"]["prior_work_result_rating"] == 3
    finally:
        with database() as session:
            remove_evaluations(session, kabid_id, period)
            session.commit()
