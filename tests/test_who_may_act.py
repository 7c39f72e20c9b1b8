"""Who may act, the same on the pages and the REST API (issue 16 part 5), and a lost race answered 409 or a
message, never a 500 (issue 17): a submitted activity is its evaluator's until returned, nobody decides about
themselves (activities, SKPs, nominations, training records), an RHK stays in its SKP, and of two decisions
on the same activities one wins while the other changes nothing and says so."""
import datetime as dt
import io
import itertools
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import g
from sqlalchemy import delete, select

from app.domain.messages import DomainError
from app.extensions import db
from app.models import Employee, Unit, UserAccount
from app.models.activity import DailyActivity, IndicatorProgress
from app.models.planning import Period, ResultIndicator, WorkPlan, WorkResult
from app.models.recognition import AwardType, Nomination
from app.models.training import TrainingKind, TrainingParticipation, TrainingProgramme
from tests.conftest import csrf_token
from tests.english import InEnglish, english_browser
from tests.helpers import count, database, employee_of, meanwhile

YEAR = 2093  # plans and decided activities of a period of their own: no other module counts them
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SUBMITTED = "This activity has been sent to your evaluator"
_versions = itertools.count(1)


def _period_id(year):
    with database() as session:
        return session.scalar(select(Period.id).where(Period.year == year))


@pytest.fixture(scope="module", autouse=True)
def period(app):
    with database() as session:
        session.add(Period(year=YEAR, name=f"Tahun {YEAR}", start_date=dt.date(YEAR, 1, 1),
                           end_date=dt.date(YEAR, 12, 31), status="running"))
        session.commit()
    period_id = _period_id(YEAR)
    yield period_id
    with database() as session:  # outside a request: maintenance may remove what the tests made
        indicators = select(ResultIndicator.id).join(WorkResult).join(WorkPlan).where(WorkPlan.period_id == period_id)
        session.execute(delete(IndicatorProgress).where(IndicatorProgress.result_indicator_id.in_(indicators)))
        session.execute(delete(DailyActivity).where(DailyActivity.period_id == period_id))
        for plan in session.scalars(select(WorkPlan).where(WorkPlan.period_id == period_id)
                                    .order_by(WorkPlan.version.desc())):
            session.delete(plan)
            session.flush()
        session.delete(session.get(Period, period_id))
        session.commit()


@pytest.fixture()
def reported():
    """Activities of pegawai.disdik this test makes in the running period, removed afterwards."""
    made = []
    yield made
    with database() as session:
        session.execute(delete(DailyActivity).where(DailyActivity.id.in_(made)))
        session.commit()


def _scope(username="pegawai.disdik", evaluator="penilai.disdik"):
    employee_id = employee_of(username)[0]
    with database() as session:
        agency = session.get(Employee, employee_id).agency_id
    return dict(employee_id=employee_id, agency_id=agency, evaluator_id=employee_of(evaluator)[0])


def make_plan(period_id, status="approved", username="pegawai.disdik", evaluator="penilai.disdik"):
    """A plan with one RHK and one quantity IKI; returns (plan id, RHK id, IKI id)."""
    scope = _scope(username, evaluator)
    with database() as session:
        plan = WorkPlan(period_id=period_id, approach="kuantitatif", status=status, version=next(_versions), **scope)
        result = WorkResult(work_plan=plan, group="UTAMA", order=1, description="Laporan pembinaan sekolah", **scope)
        indicator = ResultIndicator(work_result=result, aspect="KUANTITAS", description="Jumlah laporan",
                                    target_value=Decimal(12), target_unit="laporan", direction="HIGHER_IS_BETTER",
                                    **scope)
        session.add_all([plan, result, indicator])
        session.commit()
        return plan.id, result.id, indicator.id


def make_activities(period_id, number, status="submitted", day=None, indicator_id=None, made=None):
    """Activities of pegawai.disdik for penilai.disdik; ``day`` defaults to days of the test period."""
    scope = _scope()
    with database() as session:
        rows = [DailyActivity(period_id=period_id, activity_date=day or dt.date(YEAR, 2, 2 + index),
                              start_time=dt.time(8 + index % 8), end_time=dt.time(9 + index % 8),
                              description=f"Pembinaan sekolah {index}", volume=Decimal(2), output_unit="laporan",
                              status=status, result_indicator_id=indicator_id,
                              submitted_at=None if status == "draft" else dt.datetime.now(), **scope)
                for index in range(number)]
        session.add_all(rows)
        session.commit()
        ids = [row.id for row in rows]
    if made is not None:
        made.extend(ids)
    return ids


def current_day():
    from app.services.activity import last_working_days, today
    with database():
        return last_working_days(1, today())[0]


def activity_row(pk):
    with database() as session:
        row = session.get(DailyActivity, pk)
        return None if row is None else (row.status, row.description, row.volume, row.version_id)


def statuses(ids):
    with database() as session:
        return [session.get(DailyActivity, pk).status for pk in ids]


def progress(indicator_id):
    with database() as session:
        row = session.get(IndicatorProgress, indicator_id)
        return None if row is None else (row.approved_volume, row.approved_activities)


def flashed(response) -> str:
    return response.get_data(as_text=True)


# --- a submitted activity is the evaluator's until returned -------------------------------------------------

def test_the_api_refuses_to_edit_or_delete_a_submitted_activity_until_it_is_returned(api_as, reported):
    pk, = make_activities(_period_id(2026), 1, day=current_day(), made=reported)
    before = activity_row(pk)
    client, headers = api_as("pegawai.disdik")
    client = InEnglish(client)
    edited = client.put(f"/api/v1/activity/{pk}", json={"description": "Diubah setelah dikirim", "volume": 9},
                        headers=headers)
    assert edited.status_code == 409 and SUBMITTED in edited.json["message"]
    deleted = client.delete(f"/api/v1/activity/{pk}", headers=headers)
    assert deleted.status_code == 409 and SUBMITTED in deleted.json["message"]
    assert activity_row(pk) == before
    # Returned, it is the reporter's again.
    evaluator, evaluator_headers = api_as("penilai.disdik")
    assert evaluator.post(f"/api/v1/activity/{pk}/return", json={"note": "Lengkapi volume"},
                          headers=evaluator_headers).status_code == 200
    edited = client.put(f"/api/v1/activity/{pk}", json={"volume": 3}, headers=headers)
    assert edited.status_code == 200, edited.get_data(as_text=True)
    assert activity_row(pk)[2] == 3
    assert client.delete(f"/api/v1/activity/{pk}", headers=headers).status_code == 200
    assert activity_row(pk) is None


def test_the_report_form_and_the_list_page_refuse_a_submitted_activity(as_user, reported):
    pk, = make_activities(_period_id(2026), 1, day=current_day(), made=reported)
    before = activity_row(pk)
    browser = english_browser(as_user("pegawai.disdik"))
    # My activities offers no "Edit" for it, and the form, opened anyway, says why and sends back.
    assert f"/activity/report/{pk}" not in browser.get("/activity/mine").get_data(as_text=True)
    opened = browser.get(f"/activity/report/{pk}", follow_redirects=True)
    assert SUBMITTED in flashed(opened)
    token = csrf_token(browser, "/activity/report")
    posted = browser.post(f"/activity/report/{pk}", follow_redirects=True, data={
        "csrf_token": token, "activity_date": current_day().isoformat(), "start_time": "08:00", "end_time": "09:00",
        "description": "Diubah setelah dikirim", "work_result": "", "volume": "9", "output_unit": "laporan"})
    assert SUBMITTED in flashed(posted)
    deleted = browser.post(f"/dailyactivityview/delete/{pk}", data={"csrf_token": token}, follow_redirects=True)
    assert SUBMITTED in flashed(deleted)
    bulk = browser.post("/dailyactivityview/action_post", follow_redirects=True,
                        data={"action": "muldelete", "rowid": [str(pk)], "csrf_token": token})
    assert SUBMITTED in flashed(bulk) and "0 records deleted" in flashed(bulk)
    assert activity_row(pk) == before


def _report_with_evidence(browser, description):
    token = csrf_token(browser, "/activity/report")
    browser.post("/activity/report", content_type="multipart/form-data", data={
        "csrf_token": token, "activity_date": current_day().isoformat(), "start_time": "15:00", "end_time": "16:00",
        "description": description, "work_result": "", "volume": "1", "output_unit": "kegiatan",
        "evidence": (io.BytesIO(PDF), "bukti.pdf")})
    with database() as session:
        row = session.scalar(select(DailyActivity).where(DailyActivity.description == description))
        return row.id, row.evidence_stored_name


@pytest.mark.parametrize("path", ["list page", "api"])
def test_deleting_a_draft_removes_its_evidence_file_too(app, as_user, api_as, reported, path):
    browser = as_user("pegawai.disdik")
    pk, stored = _report_with_evidence(browser, f"Dokumentasi yang dihapus lewat {path}")
    reported.append(pk)
    evidence = Path(app.config["UPLOAD_FOLDER"]) / "activity" / stored
    assert evidence.is_file()
    if path == "api":
        client, headers = api_as("pegawai.disdik")
        assert client.delete(f"/api/v1/activity/{pk}", headers=headers).status_code == 200
    else:
        browser.post(f"/dailyactivityview/delete/{pk}", data={"csrf_token": csrf_token(browser, "/activity/report")})
    assert activity_row(pk) is None
    assert not evidence.exists()


# --- a lost race: 409 or a message, nothing half-written ------------------------------------------------------

@pytest.fixture()
def decided_meanwhile(app, monkeypatch):
    """When the request starts deciding, the activity ``target[0]`` has just been approved in another tab."""
    from app.services import activity

    original, target = activity._decide, []

    def approved_elsewhere_first(item, *args):
        if target:
            meanwhile("UPDATE daily_activity SET status = 'approved', version_id = version_id + 1 "
                      "WHERE id = :id", id=target.pop())
        return original(item, *args)

    monkeypatch.setattr(activity, "_decide", approved_elsewhere_first)
    return target


def test_bulk_approval_that_loses_a_race_answers_409_and_approves_nothing(api_as, period, decided_meanwhile):
    _plan, _result, indicator = make_plan(period)
    ids = make_activities(period, 3, indicator_id=indicator)
    decided_meanwhile.append(ids[1])
    client, headers = api_as("penilai.disdik")
    response = InEnglish(client).post("/api/v1/activity/bulk_approve", json={"ids": ids}, headers=headers)
    assert response.status_code == 409
    assert "none of them was changed" in response.json["message"]
    assert statuses(ids) == ["submitted", "approved", "submitted"]  # only the other tab's approval stands
    assert progress(indicator) is None  # and no volume was counted for the refused batch


def test_the_list_page_approval_that_loses_a_race_says_so_and_approves_nothing(as_user, period,
                                                                              decided_meanwhile):
    _plan, _result, indicator = make_plan(period)
    ids = make_activities(period, 2, indicator_id=indicator)
    decided_meanwhile.append(ids[0])
    browser = english_browser(as_user("penilai.disdik"))
    token = csrf_token(browser, "/activity/queue")
    response = browser.post("/dailyactivityview/action_post",
                            data={"action": "approve", "rowid": [str(pk) for pk in ids], "csrf_token": token})
    assert response.status_code == 302
    page = browser.get(response.location).get_data(as_text=True)
    assert "none of them was changed" in page
    assert statuses(ids) == ["approved", "submitted"]
    assert progress(indicator) is None


def test_a_bulk_approval_without_a_race_counts_each_volume_once(api_as, period):
    _plan, _result, indicator = make_plan(period)
    ids = make_activities(period, 3, indicator_id=indicator)
    client, headers = api_as("penilai.disdik")
    first = client.post("/api/v1/activity/bulk_approve", json={"ids": ids[:2]}, headers=headers)
    assert first.status_code == 200 and first.json["approved"] == 2
    again = client.post("/api/v1/activity/bulk_approve", json={"ids": ids}, headers=headers)
    assert again.json["approved"] == 1 and [row["id"] for row in again.json["refused"]] == ids[:2]
    assert progress(indicator) == (Decimal(6), 3)


# --- nobody decides about themselves ---------------------------------------------------------------------

def _award_type(code="INOVASI-PELAYANAN"):
    with database() as session:
        return session.scalar(select(AwardType.id).where(AwardType.code == code))


@pytest.fixture()
def nominations():
    made = []
    yield made
    with database() as session:
        session.execute(delete(Nomination).where(Nomination.id.in_(made)))
        session.commit()


def test_nobody_nominates_themselves_on_the_api_or_the_form(api_as, as_user, nominations):
    me, nip, _position = employee_of("admin.dinkes")
    hr, hr_nip, _position = employee_of("hr.bkpsdm")
    before = count(Nomination, employee_id=me), count(Nomination, employee_id=hr)
    client, headers = api_as("admin.dinkes")
    answer = InEnglish(client).post("/api/v1/recognition/nominations", headers=headers, json={
        "award_type_id": _award_type(), "period": "2026", "employee_id": me, "justification": "Inovasi saya"})
    assert answer.status_code == 400 and "cannot nominate yourself" in answer.json["message"]
    browser = english_browser(as_user("hr.bkpsdm"))
    page = browser.post("/awards/nominate", follow_redirects=True, data={
        "csrf_token": csrf_token(browser, "/awards/candidates"), "award_type_id": _award_type(), "period": "2026",
        "nip": hr_nip, "justification": "Inovasi saya"}).get_data(as_text=True)
    assert "cannot nominate yourself" in page
    assert (count(Nomination, employee_id=me), count(Nomination, employee_id=hr)) == before
    # Nominating someone else stays possible (the rule is about oneself, not about the role).
    other = InEnglish(client).post("/api/v1/recognition/nominations", headers=headers, json={
        "award_type_id": _award_type(), "period": "2026", "employee_id": employee_of("pegawai.dinkes")[0],
        "justification": "Layanan jemput bola"})
    assert other.status_code == 200
    nominations.append(other.json["result"]["id"])


def test_an_hr_administrator_does_not_decide_on_a_nomination_of_themselves(api_as, as_user, nominations):
    hr = employee_of("hr.bkpsdm")[0]
    admin, admin_headers = api_as("admin")
    made = admin.post("/api/v1/recognition/nominations", headers=admin_headers, json={
        "award_type_id": _award_type(), "period": "2026", "employee_id": hr, "justification": "Digitalisasi arsip"})
    assert made.status_code == 200, made.get_data(as_text=True)
    pk = made.json["result"]["id"]
    nominations.append(pk)
    client, headers = api_as("hr.bkpsdm")
    refused = InEnglish(client).post(f"/api/v1/recognition/nominations/{pk}/approve", headers=headers)
    assert refused.status_code == 400 and "nomination of yourself" in refused.json["message"]
    browser = english_browser(as_user("hr.bkpsdm"))
    page = browser.get(f"/awards/nomination/{pk}").get_data(as_text=True)
    assert 'value="approve"' not in page and 'value="reject"' not in page
    acted = browser.post(f"/awards/nomination/{pk}/act", follow_redirects=True, data={
        "name": "reject", "note": "tidak perlu", "csrf_token": csrf_token(browser, "/awards/candidates")})
    assert "nomination of yourself" in acted.get_data(as_text=True)
    assert count(Nomination, id=pk, status="nominated") == 1
    # The other HR-level administrator nominated it, so neither of the two demo administrators decides it.
    nominator = InEnglish(admin).post(f"/api/v1/recognition/nominations/{pk}/reject", headers=admin_headers,
                                      json={"note": "Diusulkan ulang tahun depan"})
    assert nominator.status_code == 400 and "You nominated this candidate" in nominator.json["message"]
    assert count(Nomination, id=pk, status="nominated") == 1


def _unit_id(code):
    with database() as session:
        return session.scalar(select(Unit.id).where(Unit.code == code))


def _decide(client, headers, pk, act, **body):
    return InEnglish(client).post(f"/api/v1/recognition/nominations/{pk}/{act}", headers=headers, json=body)


DECREE = {"decree_number": "800/17/BKPSDM/2026", "decree_date": "2026-11-20"}


def _version(pk):
    with database() as session:
        return session.get(Nomination, pk).row_version


def _nominate_pegawai_dinkes(client, headers, nominations) -> dict:
    """pegawai.dinkes nominated by the account behind ``client``: the nomination's JSON."""
    made = client.post("/api/v1/recognition/nominations", headers=headers, json={
        "award_type_id": _award_type(), "period": "2026", "employee_id": employee_of("pegawai.dinkes")[0],
        "justification": "Layanan jemput bola"})
    assert made.status_code == 200, made.get_data(as_text=True)
    nominations.append(made.json["result"]["id"])
    return made.json["result"]


def test_four_eyes_whoever_nominated_neither_approves_nor_rejects_nor_awards(api_as, as_user, nominations):
    hr, hr_headers = api_as("hr.bkpsdm")
    made = _nominate_pegawai_dinkes(hr, hr_headers, nominations)
    pk = made["id"]
    for act, body in (("approve", {}), ("reject", {"note": "Saya tarik kembali"})):
        refused = _decide(hr, hr_headers, pk, act, **body)
        assert refused.status_code == 400 and "You nominated this candidate" in refused.json["message"], act
    browser = english_browser(as_user("hr.bkpsdm"))
    page = browser.get(f"/awards/nomination/{pk}").get_data(as_text=True)
    assert 'value="approve"' not in page and 'value="reject"' not in page
    assert "another HR administrator approves or rejects" in page
    for act, data in (("approve", {}), ("reject", {"note": "Saya tarik kembali"})):
        acted = browser.post(f"/awards/nomination/{pk}/act", follow_redirects=True, data={
            "name": act, "row_version": made["row_version"], **data,
            "csrf_token": csrf_token(browser, "/awards/candidates")})
        assert "You nominated this candidate" in acted.get_data(as_text=True), act
    assert count(Nomination, id=pk, status="nominated") == 1


def test_four_eyes_whoever_approved_does_not_award(api_as, as_user, nominations):
    pk = _nominate_pegawai_dinkes(*api_as("admin.dinkes"), nominations)["id"]
    hr, hr_headers = api_as("hr.bkpsdm")
    assert _decide(hr, hr_headers, pk, "approve").status_code == 200
    refused = _decide(hr, hr_headers, pk, "award", **DECREE)
    assert refused.status_code == 400 and "You approved this nomination" in refused.json["message"]
    browser = english_browser(as_user("hr.bkpsdm"))
    page = browser.get(f"/awards/nomination/{pk}").get_data(as_text=True)
    assert 'value="award"' not in page and "another HR administrator grants the award" in page
    assert 'value="reject"' in page  # the approver may still withdraw the approval before the award
    acted = browser.post(f"/awards/nomination/{pk}/act", follow_redirects=True, data={
        "name": "award", "row_version": _version(pk), **DECREE, "csrf_token": csrf_token(browser, "/awards/candidates")})
    assert "You approved this nomination" in acted.get_data(as_text=True)
    assert count(Nomination, id=pk, status="approved") == 1
    admin, admin_headers = api_as("admin")  # the second HR-level person grants it
    assert _decide(admin, admin_headers, pk, "award", **DECREE).status_code == 200
    assert count(Nomination, id=pk, status="awarded") == 1


def test_nobody_nominates_their_own_unit(api_as, as_user, nominations):
    own, other = _unit_id("DINKES-SEK-UMPEG"), _unit_id("DINKES-BID-KESMAS-KGIZI")  # admin.dinkes works in the first
    before = count(Nomination, unit_id=own)
    body = {"award_type_id": _award_type("UNIT-LAYANAN-TERBAIK"), "period": "2026", "justification": "Layanan prima",
            "exception_reason": "Penilaian pimpinan"}
    client, headers = api_as("admin.dinkes")
    answer = InEnglish(client).post("/api/v1/recognition/nominations", headers=headers, json={**body, "unit_id": own})
    assert answer.status_code == 400 and "cannot nominate your own unit" in answer.json["message"]
    browser = english_browser(as_user("admin.dinkes"))
    page = browser.post("/awards/nominate", follow_redirects=True, data={
        "csrf_token": csrf_token(browser, "/awards/candidates"), "award_type_id": body["award_type_id"],
        "period": "2026", "unit_id": own, "justification": body["justification"],
        "exception_reason": body["exception_reason"]}).get_data(as_text=True)
    assert "cannot nominate your own unit" in page
    assert count(Nomination, unit_id=own) == before
    accepted = client.post("/api/v1/recognition/nominations", headers=headers, json={**body, "unit_id": other})
    assert accepted.status_code == 200, accepted.get_data(as_text=True)
    nominations.append(accepted.json["result"]["id"])


@pytest.fixture()
def programme():
    with database() as session:
        kind = session.scalar(select(TrainingKind).where(TrainingKind.code == "BIMBINGAN_TEKNIS"))
        row = TrainingProgramme(code="TEST-SELF", name="Bimtek Uji Diri", kind=kind, organiser="BKPSDM",
                                start_date=dt.date(2026, 11, 2), end_date=dt.date(2026, 11, 4), jp=Decimal(24))
        session.add(row)
        session.commit()
        programme_id = row.id
    yield programme_id
    with database() as session:
        session.execute(delete(TrainingParticipation).where(TrainingParticipation.programme_id == programme_id))
        session.execute(delete(TrainingProgramme).where(TrainingProgramme.id == programme_id))
        session.commit()


def test_an_administrator_does_not_record_their_own_training(api_as, as_user, programme):
    _me, nip, _position = employee_of("admin.disdik")
    completed = {"status": "completed", "completed_on": "2026-11-04", "certificate_number": "BIMTEK/UJI/1"}
    client, headers = api_as("admin.disdik")
    answer = InEnglish(client).post(f"/api/v1/training/programme/{programme}/participation",
                                    json={"nip": nip, **completed}, headers=headers)
    assert answer.status_code == 400 and "your own training" in answer.json["message"]
    browser = english_browser(as_user("admin.disdik"))
    page = browser.post(f"/training/programme/{programme}/record", follow_redirects=True, data={
        "csrf_token": csrf_token(browser, f"/training/programme/{programme}"), "nip": nip, **completed})
    assert "your own training" in page.get_data(as_text=True)
    assert count(TrainingParticipation, programme_id=programme) == 0
    # A colleague of the same agency is recorded as before.
    other = employee_of("pegawai.disdik")[1]
    assert client.post(f"/api/v1/training/programme/{programme}/participation", json={"nip": other, **completed},
                       headers=headers).status_code == 200


def test_an_hr_administrator_does_not_change_the_evaluator_of_their_own_skp(as_user, period):
    plan, _result, _indicator = make_plan(period, status="submitted", username="hr.bkpsdm", evaluator="kadis.disdik")
    friendly = employee_of("pegawai.disdik")[0]
    browser = english_browser(as_user("hr.bkpsdm"))
    show = f"/workplanview/show/{plan}"
    assert 'value="change_evaluator"' not in browser.get(show).get_data(as_text=True)
    page = browser.post(f"/workplanview/transition/{plan}", follow_redirects=True, data={
        "name": "change_evaluator", "evaluator": friendly, "reason": "Atasan cuti", "csrf_token": csrf_token(browser, show)})
    assert "evaluator of your own SKP" in page.get_data(as_text=True)
    assert count(WorkPlan, id=plan, evaluator_id=employee_of("kadis.disdik")[0]) == 1


# --- an RHK stays in its SKP (the REST API could never move it; the edit form could) ----------------------------

def test_the_edit_form_cannot_move_an_rhk_out_of_an_approved_skp(as_user, period):
    approved, result, _indicator = make_plan(period, status="approved")
    draft, _other, _ = make_plan(period, status="draft")
    browser = as_user("pegawai.disdik")
    edit = f"/workresultview/edit/{result}"
    browser.post(edit, data={"work_plan": draft, "group": "UTAMA", "order": "1", "description": "Dipindahkan",
                             "csrf_token": csrf_token(browser, edit)})
    assert count(WorkResult, id=result, work_plan_id=approved, description="Laporan pembinaan sekolah") == 1


def test_the_planning_rules_refuse_moving_an_rhk_or_an_iki_to_another_parent(app, period):
    from app.services import planning

    first, result, indicator = make_plan(period, status="draft")
    second, other_result, _ = make_plan(period, status="draft")
    with app.test_request_context():
        g.user = db.session.scalar(select(UserAccount).where(UserAccount.username == "pegawai.disdik"))
        row = db.session.get(WorkResult, result)
        row.work_plan = db.session.get(WorkPlan, second)
        with pytest.raises(DomainError, match="stays in the SKP"):
            planning.check_result(row)
        db.session.rollback()
        iki = db.session.get(ResultIndicator, indicator)
        iki.work_result = db.session.get(WorkResult, other_result)
        with pytest.raises(DomainError, match="stays with the RHK"):
            planning.check_indicator(iki)
        db.session.rollback()
    assert count(WorkResult, id=result, work_plan_id=first) == 1
    assert count(ResultIndicator, id=indicator, work_result_id=result) == 1
