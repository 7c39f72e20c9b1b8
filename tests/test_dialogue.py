"""Performance dialogue and continuous feedback (issue 19, PermenPANRB 6/2022 Pasal 17–19): the evaluator
records a dialogue, the employee acknowledges it on a phone; either side asks for one; feedback on an RHK or an
activity; overdue dialogues; the evaluation offers the window's dialogues and feedback per RHK; every refusal
of the brief (4xx, Indonesian message, nothing written) in the browser and through REST; scope."""
import datetime as dt
import html
import re

import pytest
from sqlalchemy import delete, event, func, select

from app.models import Employee
from app.models.activity import DailyActivity
from app.models.dialogue import DialogueRequest, DialogueSchedule, PerformanceDialogue, PerformanceFeedback
from app.models.notification import Notification
from app.models.planning import WorkPlan, WorkResult
from app.models.policy import PolicySetting
from tests.conftest import csrf_token, login
from tests.helpers import count, database, employee_of

HEAD_OF_AGENCY = "kadis.disdik"  # evaluates employee 11 (the kabid, no account), whose 2026 SKP has RHKs
EVALUATOR, EMPLOYEE = "penilai.disdik", "pegawai.disdik"


def said(message, **params):
    """A message as the Indonesian user reads it (the default language): the catalogue's translation."""
    from flask_babel import force_locale, gettext

    with helpers_app().test_request_context(), force_locale("id"):
        return gettext(message, **params)


def helpers_app():
    from tests import helpers

    return helpers._app


def _today():
    from app.services.activity import today

    return today()


@pytest.fixture(scope="module", autouse=True)
def clean_afterwards(app):
    """Remove what this module wrote, not the demo's own dialogues (seeding again must find them)."""
    models = (Notification, PerformanceFeedback, DialogueRequest, PerformanceDialogue, DialogueSchedule)
    with database() as session:
        first_new = {model: (session.scalar(select(func.max(model.id))) or 0) + 1 for model in models}
    yield
    from app.models.evaluation import Evaluation

    with database() as session:
        for model in models:
            session.execute(delete(model).where(model.id >= first_new[model]))
        for evaluation in session.scalars(select(Evaluation).where(Evaluation.kind == "MONTHLY",
                                                                   Evaluation.window_start == dt.date(2026, 10, 1))):
            session.delete(evaluation)
        session.commit()


@pytest.fixture(scope="module")
def clients(app):
    """One signed-in browser per account (logins are few: they cost most of a test's time)."""
    made = {}

    def browser(username):
        if username not in made:
            client = app.test_client()
            assert login(client, username).status_code == 302
            made[username] = client
        return made[username]
    return browser


@pytest.fixture(scope="module")
def api(app):
    made = {}

    def client_for(username):
        if username not in made:
            client = app.test_client()
            answer = client.post("/api/v1/security/login", json={"username": username, "password": "Sikinerja#2026",
                                                                  "provider": "db"})
            made[username] = (client, {"Authorization": f"Bearer {answer.json['access_token']}"})
        return made[username]
    return client_for


def _ids():
    return {name: employee_of(name)[0] for name in (HEAD_OF_AGENCY, EVALUATOR, EMPLOYEE, "pegawai.dinkes")}


def _kabid_and_results():
    """Employee 11 of the demo chain (evaluated by kadis.disdik) and the RHKs of their approved 2026 SKP."""
    with database() as session:
        plan = session.scalar(select(WorkPlan).where(WorkPlan.evaluator_id == employee_of(HEAD_OF_AGENCY)[0],
                                                     WorkPlan.status == "approved"))
        results = session.scalars(select(WorkResult.id).where(WorkResult.work_plan_id == plan.id)).all()
        return plan.employee_id, plan.id, list(results)


def _post(client, url, data, page_with_token="/dialogue/"):
    return client.post(url, data={"csrf_token": csrf_token(client, page_with_token), **data})


def _text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.get_data(as_text=True)))


def test_evaluator_records_a_dialogue_and_the_employee_acknowledges_it_on_a_phone(clients):
    ids, today = _ids(), _today()
    evaluator, employee = clients(EVALUATOR), clients(EMPLOYEE)
    held = today - dt.timedelta(days=1)
    answer = _post(evaluator, f"/dialogue/record/{ids[EMPLOYEE]}", {
        "held_on": held.isoformat(), "next_due_on": "", "went_well": "Laporan harian tepat waktu.",
        "to_improve": "Bukti dukung belum lengkap.", "topic_result_1": "", "topic_text_1": "Administrasi sekolah",
        "action_text_1": "Lengkapi bukti dukung", "action_due_1": (today + dt.timedelta(days=14)).isoformat(),
    }, page_with_token=f"/dialogue/record/{ids[EMPLOYEE]}")
    assert answer.status_code == 302, _text(answer)[-2000:]
    with database() as session:
        dialogue = session.scalar(select(PerformanceDialogue).where(PerformanceDialogue.employee_id == ids[EMPLOYEE]))
        schedule = session.scalar(select(DialogueSchedule).where(DialogueSchedule.employee_id == ids[EMPLOYEE]))
        # No next date given: one month (the default cadence) after the dialogue.
        from app.domain.dialogue import add_months
        assert (dialogue.held_on, dialogue.next_due_on) == (held, add_months(held, 1))
        assert (schedule.last_held_on, schedule.next_due_on) == (held, add_months(held, 1))
        assert [a.text for a in dialogue.actions] == ["Lengkapi bukti dukung"]
        dialogue_id = dialogue.id

    # The employee is told (the bell counts it) and opens the dialogue on a phone.
    home = _text(employee.get("/dialogue/"))
    assert re.search(r'fa-bell[^<]*</i><span class="sr-only">[^<]*</span> <span class="badge">1</span>', home)
    page = _text(employee.get(f"/dialogue/show/{dialogue_id}", headers={"User-Agent": "Mobile"}))
    assert "Bukti dukung belum lengkap." in page and 'name="agree" value="1"' in page
    assert "btn-block" in page and "max-width:40rem" in page  # one column of full-width buttons: fits 360 px
    version = re.search(r'name="row_version" value="(\d+)"', page).group(1)
    assert _post(employee, f"/dialogue/respond/{dialogue_id}", {"agree": "1", "note": "Siap.",
                                                                "row_version": version}).status_code == 302
    with database() as session:
        dialogue = session.get(PerformanceDialogue, dialogue_id)
        assert (dialogue.status, dialogue.employee_note) == ("acknowledged", "Siap.")
        assert session.scalar(select(func.count()).select_from(Notification).where(
            Notification.kind == "dialogue_responded")) == 1

    # Acknowledging twice is refused, with the reason in Indonesian; nothing changes.
    again = _post(employee, f"/dialogue/respond/{dialogue_id}", {"agree": "0", "note": "Tidak setuju"})
    assert again.status_code == 400 and said("You have already responded to this dialogue.") in _text(again)
    with database() as session:
        assert session.get(PerformanceDialogue, dialogue_id).status == "acknowledged"


def test_refusals_in_the_browser_leave_nothing_written(clients):
    ids, today = _ids(), _today()
    before = count(PerformanceDialogue)
    evaluator, outsider = clients(EVALUATOR), clients(HEAD_OF_AGENCY)
    # The head of agency reads the whole agency, but pegawai.disdik is not in their team.
    refused = _post(outsider, f"/dialogue/record/{ids[EMPLOYEE]}", {
        "held_on": today.isoformat(), "topic_text_1": "Apa saja"}, page_with_token=f"/dialogue/employee/{ids[EMPLOYEE]}")
    assert refused.status_code == 400
    assert said("Only the evaluator of this employee may record a performance dialogue with them.") in _text(refused)
    # A next date before the date.
    refused = _post(evaluator, f"/dialogue/record/{ids[EMPLOYEE]}", {
        "held_on": today.isoformat(), "next_due_on": (today - dt.timedelta(days=3)).isoformat(),
        "topic_text_1": "Apa saja"}, page_with_token=f"/dialogue/record/{ids[EMPLOYEE]}")
    assert refused.status_code == 400
    assert said("The agreed date of the next dialogue must come after the date of this one.") in _text(refused)
    assert ">Apa saja</textarea>" in _text(refused)  # what was typed stays on the form
    # Another agency's evaluator does not even see the employee.
    assert clients("penilai.dinkes").get(f"/dialogue/record/{ids[EMPLOYEE]}").status_code == 404
    # The employee editing the evaluator's record of a dialogue.
    with database() as session:
        dialogue_id = session.scalar(select(PerformanceDialogue.id).where(
            PerformanceDialogue.employee_id == ids[EMPLOYEE]))
    employee = clients(EMPLOYEE)
    refused = _post(employee, f"/dialogue/edit/{dialogue_id}", {"held_on": today.isoformat(),
                                                                "went_well": "Semua baik"})
    assert refused.status_code == 400
    assert said("Only the evaluator who recorded this dialogue may change it.") in _text(refused)
    # Feedback on a foreign RHK (the evaluator's own superior's).
    _kabid, _plan, results = _kabid_and_results()
    refused = _post(evaluator, "/dialogue/feedback", {"target": f"RESULT:{results[0]}", "text": "Bagus",
                                                      "employee": str(ids[EMPLOYEE])})
    assert refused.status_code == 400
    assert said("You may give feedback only on the results and activities of your team.") in _text(refused)
    assert count(PerformanceDialogue) == before and count(PerformanceFeedback) == 0
    with database() as session:
        assert session.get(PerformanceDialogue, dialogue_id).went_well == "Laporan harian tepat waktu."


def test_rest_refusals_answer_4xx_in_indonesian_and_write_nothing(api):
    ids, today = _ids(), _today()
    evaluator, headers = api(EVALUATOR)
    record = {"employee_id": ids[EMPLOYEE], "held_on": (today - dt.timedelta(days=2)).isoformat(),
              "topics": [{"text": "Kehadiran rapat"}], "actions": [{"text": "Hadir", "due_on": today.isoformat()}]}
    created = evaluator.post("/api/v1/dialogue/?_l_=id", json=record, headers=headers)
    assert created.status_code == 201, created.json
    dialogue_id = created.json["result"]["id"]
    record["row_version"] = created.json["result"]["row_version"]
    before = (count(PerformanceDialogue), count(PerformanceFeedback))

    employee, employee_headers = api(EMPLOYEE)
    # The employee editing the evaluator's record.
    edited = employee.put(f"/api/v1/dialogue/{dialogue_id}?_l_=id", json={**record, "went_well": "Saya hebat"},
                          headers=employee_headers)
    assert edited.status_code == 400
    assert edited.json["message"] == said("Only the evaluator who recorded this dialogue may change it.")
    # Acknowledging someone else's dialogue (the evaluator acknowledging for the employee).
    foreign = evaluator.post(f"/api/v1/dialogue/{dialogue_id}/respond?_l_=id", json={"agree": True}, headers=headers)
    assert foreign.status_code == 400
    assert foreign.json["message"] == said("Only the employee of this dialogue may acknowledge it.")
    # Disagreeing needs a note; then it is recorded once.
    bare = employee.post(f"/api/v1/dialogue/{dialogue_id}/respond?_l_=id", json={"agree": False},
                         headers=employee_headers)
    assert bare.status_code == 400 and bare.json["message"] == said("Say what you disagree with.")
    noted = employee.post(f"/api/v1/dialogue/{dialogue_id}/respond", json={"agree": False, "note": "Rapat bentrok"},
                          headers=employee_headers)
    assert noted.status_code == 200 and noted.json["result"]["status"] == "disagreed"
    twice = employee.post(f"/api/v1/dialogue/{dialogue_id}/respond?_l_=id", json={"agree": True},
                          headers=employee_headers)
    assert twice.status_code == 400 and twice.json["message"] == said("You have already responded to this dialogue.")
    # Once responded, the evaluator no longer changes it either.
    late = evaluator.put(f"/api/v1/dialogue/{dialogue_id}?_l_=id", json=record, headers=headers)
    assert late.status_code == 400
    # A next date before the date; someone outside the team; an employee of another agency (404).
    wrong_dates = evaluator.post("/api/v1/dialogue/?_l_=id", headers=headers, json={
        **record, "next_due_on": (today - dt.timedelta(days=5)).isoformat()})
    assert wrong_dates.status_code == 400
    assert wrong_dates.json["message"] == said("The agreed date of the next dialogue must come after the date of this one.")
    head, head_headers = api(HEAD_OF_AGENCY)
    outside = head.post("/api/v1/dialogue/?_l_=id", json=record, headers=head_headers)
    assert outside.status_code == 400
    other_agency, other_headers = api("penilai.dinkes")
    assert other_agency.post("/api/v1/dialogue/", json=record, headers=other_headers).status_code == 404
    assert other_agency.get(f"/api/v1/dialogue/{dialogue_id}", headers=other_headers).status_code == 404
    # Feedback on a foreign RHK (the superior's) and on another employee's activity.
    kabid, _plan, results = _kabid_and_results()
    with database() as session:
        activity_id = session.scalar(select(DailyActivity.id).where(DailyActivity.employee_id == kabid))
    for target in ({"target_kind": "RESULT", "target_id": results[0]},
                   {"target_kind": "ACTIVITY", "target_id": activity_id},
                   {"target_kind": "RESULT", "target_id": 10 ** 9}):
        refused = evaluator.post("/api/v1/dialogue/feedback?_l_=id", json={**target, "text": "Bagus"},
                                 headers=headers)
        assert refused.status_code == 400
        assert refused.json["message"] == said("You may give feedback only on the results and activities of your team.")
    assert (count(PerformanceDialogue), count(PerformanceFeedback)) == before


def test_a_save_or_an_acknowledgement_on_an_old_version_is_refused_with_what_changed(clients, api):
    """No lost update: the evaluator corrects a dialogue in two tabs; the employee acknowledges what they read."""
    ids, today = _ids(), _today()
    evaluator_api, headers = api(EVALUATOR)
    created = evaluator_api.post("/api/v1/dialogue/", headers=headers, json={
        "employee_id": ids[EMPLOYEE], "held_on": today.isoformat(), "went_well": "Rapat rutin diikuti."})
    assert created.status_code == 201, created.json
    dialogue_id, opened = created.json["result"]["id"], created.json["result"]["row_version"]
    evaluator, employee = clients(EVALUATOR), clients(EMPLOYEE)
    form = f"/dialogue/edit/{dialogue_id}"
    assert f'name="row_version" value="{opened}"' in _text(evaluator.get(form))
    employee_page = _text(employee.get(f"/dialogue/show/{dialogue_id}"))

    # The other tab saves first (through REST), on the version it read.
    first = evaluator_api.put(f"/api/v1/dialogue/{dialogue_id}", headers=headers, json={
        "held_on": today.isoformat(), "went_well": "Rapat rutin diikuti; notulen rapi.", "row_version": opened})
    assert first.status_code == 200 and first.json["result"]["row_version"] == opened + 1
    stale = _post(evaluator, form, {"held_on": today.isoformat(), "went_well": "Ketinggalan", "row_version": opened},
                  page_with_token=form)
    page = _text(stale)
    assert stale.status_code == 409
    assert "Rapat rutin diikuti. → Rapat rutin diikuti; notulen rapi." in page
    assert ">Ketinggalan</textarea>" in page and f'name="row_version" value="{opened + 1}"' in page
    # Without the version, or with the old one, REST refuses too; nothing was written by any refusal.
    bare = evaluator_api.put(f"/api/v1/dialogue/{dialogue_id}", headers=headers, json={"held_on": today.isoformat()})
    assert bare.status_code == 428
    old = evaluator_api.put(f"/api/v1/dialogue/{dialogue_id}", headers=headers,
                            json={"held_on": today.isoformat(), "went_well": "Lagi", "row_version": opened})
    assert old.status_code == 409 and old.json["row_version"] == opened + 1
    assert old.json["changed"]["went_well"]["after"] == "Rapat rutin diikuti; notulen rapi."
    with database() as session:
        assert session.get(PerformanceDialogue, dialogue_id).went_well == "Rapat rutin diikuti; notulen rapi."

    # The employee's page showed the first text: acknowledging it now is refused, the dialogue stays open.
    version = re.search(r'name="row_version" value="(\d+)"', employee_page).group(1)
    refused = _post(employee, f"/dialogue/respond/{dialogue_id}", {"agree": "1", "row_version": version})
    assert refused.status_code == 409 and "notulen rapi" in _text(refused)
    with database() as session:
        assert session.get(PerformanceDialogue, dialogue_id).status == "recorded"
    agreed = _post(employee, f"/dialogue/respond/{dialogue_id}", {"agree": "1", "row_version": str(opened + 1)})
    assert agreed.status_code == 302


def test_either_side_requests_a_dialogue_the_other_is_told_and_the_next_dialogue_answers_it(api):
    ids, today = _ids(), _today()
    employee, employee_headers = api(EMPLOYEE)
    asked = employee.post("/api/v1/dialogue/request", json={"employee_id": ids[EMPLOYEE], "note": "Target Q4"},
                          headers=employee_headers)
    assert asked.status_code == 201
    again = employee.post("/api/v1/dialogue/request?_l_=id", json={"employee_id": ids[EMPLOYEE]},
                          headers=employee_headers)
    assert again.status_code == 400 and again.json["message"] == said("A dialogue has already been requested and not yet held.")
    evaluator, headers = api(EVALUATOR)
    told = evaluator.get("/api/v1/notification/?_l_=id", headers=headers).json
    request_note = next(n for n in told["result"] if n["kind"] == "dialogue_requested")
    assert request_note["text"] == said("%(name)s asks for a performance dialogue.", name="Arif Budiman, S.Pd.")
    assert request_note["link"] == f"/dialogue/employee/{ids[EMPLOYEE]}"
    evaluator.post("/api/v1/dialogue/", headers=headers, json={
        "employee_id": ids[EMPLOYEE], "held_on": today.isoformat(), "to_improve": "Target Q4 dibahas"})
    with database() as session:
        assert session.scalar(select(DialogueRequest.status).where(DialogueRequest.employee_id == ids[EMPLOYEE])) \
            == "held"
    read = evaluator.post("/api/v1/notification/read-all", headers=headers)
    assert read.status_code == 200 and evaluator.get("/api/v1/notification/", headers=headers).json["unread"] == 0


def test_overdue_dialogues_per_employee_and_per_agency_in_a_constant_number_of_queries(app, api):
    from app.extensions import db
    from app.services import dialogue as dialogues

    ids, today = _ids(), _today()
    evaluator, headers = api(EVALUATOR)
    # A dialogue recorded late: its agreed next date has already passed.
    cadence = evaluator.put(f"/api/v1/dialogue/cadence/{ids[EMPLOYEE]}", json={"cadence_months": 2}, headers=headers)
    assert cadence.status_code == 200 and cadence.json["result"]["cadence_months"] == 2
    assert evaluator.put(f"/api/v1/dialogue/cadence/{ids[EMPLOYEE]}?_l_=id", json={"cadence_months": 13},
                         headers=headers).status_code == 400
    late = evaluator.post("/api/v1/dialogue/", headers=headers, json={
        "employee_id": ids[EMPLOYEE], "held_on": (today - dt.timedelta(days=10)).isoformat(),
        "next_due_on": (today - dt.timedelta(days=1)).isoformat(), "went_well": "Catatan susulan"})
    assert late.status_code == 201
    team = {row["employee_id"]: row for row in evaluator.get("/api/v1/dialogue/team", headers=headers).json["result"]}
    # The latest dialogue by date decides (the one held yesterday or today, not the late record).
    assert team[ids[EMPLOYEE]]["last_held_on"] == max(r["held_on"] for r in evaluator.get(
        f"/api/v1/dialogue/?employee_id={ids[EMPLOYEE]}", headers=headers).json["result"])

    with app.app_context():
        employee_ids = db.session.scalars(select(Employee.id)).all()
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            one = dialogues.dialogue_summary([ids[EMPLOYEE]])
            few = len(statements)
            statements.clear()
            everyone = dialogues.dialogue_summary(employee_ids)
            # The period, the schedules, the feedback counts; for everyone without an agreed cadence, once, the
            # policy in force (its period and the settings): never a statement per employee.
            assert few <= 3 and len(statements) <= few + 2
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        assert one[ids[EMPLOYEE]] == everyone[ids[EMPLOYEE]]
        # Without any dialogue the first was due a month after the period began (1 February): overdue now.
        never = everyone[ids["pegawai.dinkes"]]
        assert (never.last_held_on, never.next_due_on, never.overdue) == (None, dt.date(2026, 2, 1), True)
        counts = dialogues.overdue_counts()
        with database() as session:
            from app.models import Agency
            from app.services.activity import today as local_today
            disdik = session.scalar(select(Agency.id).where(Agency.code == "DISDIKBUD"))
            active = session.scalar(select(func.count()).select_from(Employee).where(
                Employee.agency_id == disdik, Employee.active.is_(True)))
            on_time = session.scalar(select(func.count()).select_from(DialogueSchedule).where(
                DialogueSchedule.agency_id == disdik, DialogueSchedule.next_due_on >= local_today()))
        assert counts[disdik] == active - on_time


def test_feedback_on_an_rhk_and_an_activity_reaches_the_evaluation_as_editable_continuous_feedback(clients, api):
    from app.models.evaluation import Evaluation, Feedback

    kabid, plan_id, results = _kabid_and_results()
    head, headers = api(HEAD_OF_AGENCY)
    with database() as session:
        activity_id = session.scalar(select(DailyActivity.id).where(
            DailyActivity.employee_id == kabid, DailyActivity.work_result_id == results[0]))
    dialogue = head.post("/api/v1/dialogue/", headers=headers, json={
        "employee_id": kabid, "held_on": "2026-10-15", "next_due_on": "2026-11-15",
        "topics": [{"work_result_id": results[0], "text": "Capaian APK di bawah target triwulan"}]})
    assert dialogue.status_code == 201, dialogue.json
    on_result = head.post("/api/v1/dialogue/feedback", headers=headers, json={
        "target_kind": "RESULT", "target_id": results[0], "text": "Percepat verifikasi data sekolah"})
    on_activity = head.post("/api/v1/dialogue/feedback", headers=headers, json={
        "target_kind": "ACTIVITY", "target_id": activity_id, "text": "Dokumentasi kegiatan rapi"})
    assert on_result.status_code == on_activity.status_code == 201
    assert on_activity.json["result"]["work_result_id"] == results[0]  # through the activity's RHK
    # A topic on an RHK that is not the employee's is refused.
    foreign_topic = head.post("/api/v1/dialogue/?_l_=id", headers=headers, json={
        "employee_id": kabid, "held_on": "2026-10-16", "topics": [{"work_result_id": 10 ** 9, "text": "x"}]})
    assert foreign_topic.status_code == 400
    assert foreign_topic.json["message"] == said("A topic may only concern a result (RHK) of this employee's SKP.")

    draft = head.post("/api/v1/evaluation/draft", headers=headers, json={
        "work_plan_id": plan_id, "kind": "MONTHLY", "window_start": "2026-10-01", "window_end": "2026-10-31"})
    assert draft.status_code == 200, draft.json
    evaluation_id = draft.json["result"]["id"]
    # Feedback given today lies outside October: only the October dialogue's topic is offered.
    page = _text(clients(HEAD_OF_AGENCY).get(f"/evaluationview/show/{evaluation_id}"))
    proposal = re.search(rf'<textarea id="proposal_{results[0]}" name="text"[^>]*>([^<]*)</textarea>', page)
    assert proposal and proposal.group(1) == "15-10-2026: Capaian APK di bawah target triwulan"
    assert "Percepat verifikasi" not in proposal.group(1)
    offered = head.get(f"/api/v1/dialogue/evaluation/{evaluation_id}", headers=headers).json["result"]
    assert offered["results"] == [{"work_result_id": results[0], "lines": [proposal.group(1)],
                                   "proposal": proposal.group(1)}]
    assert [row["held_on"] for row in offered["dialogues"]] == ["2026-10-15"]
    outsider, outsider_headers = api("penilai.dinkes")
    assert outsider.get(f"/api/v1/dialogue/evaluation/{evaluation_id}", headers=outsider_headers).status_code == 404
    # The evaluator edits the proposal and adds it: it is the evaluation's feedback on that RHK.
    browser = clients(HEAD_OF_AGENCY)
    saved = browser.post(f"/evaluationview/act/{evaluation_id}", data={
        "csrf_token": csrf_token(browser, f"/evaluationview/show/{evaluation_id}"), "name": "feedback",
        "target": f"RESULT:{results[0]}", "text": "15-10-2026: Capaian APK di bawah target; sudah ditindaklanjuti"})
    assert saved.status_code == 302
    with database() as session:
        texts = session.scalars(select(Feedback.text).where(Feedback.evaluation_id == evaluation_id,
                                                            Feedback.work_result_id == results[0])).all()
        assert texts == ["15-10-2026: Capaian APK di bawah target; sudah ditindaklanjuti"]
        assert session.get(Evaluation, evaluation_id).status == "draft"


def test_peer_feedback_only_where_hr_admin_turns_it_on(app, api):
    ids = _ids()
    peer, headers = api(EMPLOYEE)
    with database() as session:
        from app.services import dialogue as dialogues
        with app.test_request_context():
            peer_ids = [p.id for p in dialogues.peers(ids[EMPLOYEE])]
        activity = DailyActivity(employee_id=peer_ids[0], agency_id=session.get(Employee, peer_ids[0]).agency_id,
                                 period_id=2, activity_date=_today(), start_time=dt.time(8), end_time=dt.time(9),
                                 description="Menyusun jadwal", volume=1, output_unit="dokumen", status="submitted")
        session.add(activity)
        session.commit()
        activity_id = activity.id
    body = {"target_kind": "ACTIVITY", "target_id": activity_id, "text": "Jadwalnya membantu kami"}
    assert peer.post("/api/v1/dialogue/feedback", json=body, headers=headers).status_code == 400
    # HR Admin turns it on in the app (Policy settings), from today.
    hr, hr_headers = api("hr.bkpsdm")
    setting = hr.post("/api/v1/policysetting/", headers=hr_headers, json={
        "key": "dialogue_peer_feedback", "value": "on", "effective_from": _today().isoformat(),
        "reason": "Perbup umpan balik rekan kerja"})
    assert setting.status_code == 201, setting.json
    try:
        given = peer.post("/api/v1/dialogue/feedback", json=body, headers=headers)
    finally:
        with database() as session:
            session.execute(delete(PolicySetting).where(PolicySetting.id == setting.json["id"]))
            session.commit()
    assert given.status_code == 201 and given.json["result"]["source"] == "PEER"
    assert peer.post("/api/v1/dialogue/feedback", json=body, headers=headers).status_code == 400  # off again
    with database() as session:
        session.execute(delete(PerformanceFeedback).where(PerformanceFeedback.daily_activity_id == activity_id))
        session.execute(delete(DailyActivity).where(DailyActivity.id == activity_id))
        session.commit()


def test_scope_the_employee_sees_their_own_the_leader_reads_in_scope(api):
    ids = _ids()
    employee, employee_headers = api(EMPLOYEE)
    own = employee.get("/api/v1/dialogue/", headers=employee_headers).json["result"]
    assert own and {row["employee"]["id"] for row in own} == {ids[EMPLOYEE]}
    other, other_headers = api("pegawai.dinkes")
    assert other.get("/api/v1/dialogue/", headers=other_headers).json["result"] == []
    leader, leader_headers = api("sekda")
    seen = leader.get("/api/v1/dialogue/?page_size=100", headers=leader_headers).json["result"]
    assert {row["employee"]["id"] for row in seen} >= {ids[EMPLOYEE]}
    assert leader.post("/api/v1/dialogue/", headers=leader_headers, json={
        "employee_id": ids[EMPLOYEE], "held_on": _today().isoformat(), "went_well": "x"}).status_code in (400, 403)
    summary = leader.get(f"/api/v1/dialogue/summary?employee_id={ids[EMPLOYEE]}&employee_id={ids['pegawai.dinkes']}",
                         headers=leader_headers).json["result"]
    assert [row["employee_id"] for row in summary] == sorted([ids[EMPLOYEE], ids["pegawai.dinkes"]])
