"""Performance dialogue and continuous feedback use-cases (PermenPANRB 6/2022 Pasal 17–19; issue 19).

Each public use-case is one transaction (DomainError with an English N_ message on refusal, nothing written).
Rows passed in were fetched through the user's scope by the caller; reads here go through ``scoped_select``.

Who may do what:
* the employee's evaluator (the evaluator of their SKP of the current period, else the holder of the superior
  position) records a dialogue with them, changes it until the employee has responded, and sets the cadence;
* only the employee of a dialogue acknowledges it, once, or disagrees with a note;
* the employee or their evaluator asks for a dialogue; the other side is notified;
* feedback on one RHK or one daily activity comes from the employee's evaluator and, when HR Admin turns on
  the policy setting "Feedback from peers" (off by default), from a peer: an employee whose position reports
  to the same superior position.

Reads for other pages (the leaders' table, the employee page): ``dialogue_summary`` and
``employee_dialogues``; per agency: ``overdue_counts``.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import exists, func, or_, select

from app.domain.dialogue import (check_action_due, check_cadence, check_dialogue_dates,
                                 first_due_date, is_overdue, next_due_date)
from app.domain.messages import N_, DomainError
from app.domain.policy import DIALOGUE_CADENCE, DIALOGUE_PEER_FEEDBACK
from app.extensions import db
from app.models import Employee, Position, UserAccount
from app.models.activity import DailyActivity
from app.models.audit import utcnow
from app.models.dialogue import (DialogueAction, DialogueRequest, DialogueSchedule, DialogueTopic,
                                 PerformanceDialogue, PerformanceFeedback)
from app.models.notification import Notification
from app.models.planning import Period, WorkPlan, WorkResult
from app.security.guards import ensure_acting_as, ensure_not_self
from app.security.scope import current_scope, scoped_select
from app.services.activity import period_of, today
from app.services.planning import holder_of
from app.services.policy import in_force
from app.services.transaction import ConcurrentChange, acting_user, run_in_transaction
from app.services.versioning import ensure_opened_version

MAX_TEXT = 4000
RECENT_NOTIFICATIONS = 20

# Notification kinds: what happened, for whom.
DIALOGUE_RECORDED = "dialogue_recorded"      # to the employee
DIALOGUE_CHANGED = "dialogue_changed"        # to the employee
DIALOGUE_RESPONDED = "dialogue_responded"    # to the evaluator
DIALOGUE_DISAGREED = "dialogue_disagreed"    # to the evaluator
DIALOGUE_REQUESTED = "dialogue_requested"    # to the other side; subject: the employee
FEEDBACK_GIVEN = "feedback_given"            # to the employee; subject: the feedback


def _commit(work):
    return run_in_transaction(work, ConcurrentChange(N_(
        "Someone else changed this dialogue at the same time; reload it and check its status.")))


def _me() -> int | None:
    return current_scope().employee_id


# --- reads for other pages ---------------------------------------------------------------------------

@dataclass(frozen=True)
class DialogueSummary:
    """One employee's dialogue state for a table row: the last dialogue, the agreed (or, without any, the
    first due) next date, whether it has passed, and the feedback received in the current period."""

    last_held_on: dt.date | None
    next_due_on: dt.date | None
    overdue: bool
    feedback_count: int


def default_cadence(day: dt.date | None = None) -> int:
    """(policy) The cadence until one is agreed with the employee: HR Admin's setting in force for the
    performance period of ``day`` (default today), monthly unless set (app.services.policy)."""
    period = period_of(day or today())
    return in_force(DIALOGUE_CADENCE.key, period.start_date if period else day or today())


def _never_held_due(period: Period | None, cadence_months: int) -> dt.date | None:
    return first_due_date(period.start_date, cadence_months) if period else None


def dialogue_summary(employee_ids) -> dict[int, DialogueSummary]:
    """{employee id: DialogueSummary} for every given id, in three queries whatever their number (the period,
    the schedules, the feedback counts), within the user's scope: an id the user may not read gets an empty
    summary. The caller passes the ids of the rows it shows."""
    ids = sorted(set(employee_ids))
    if not ids:
        return {}
    day = today()
    period = period_of(day)
    schedules = {row.employee_id: row for row in db.session.execute(
        scoped_select(DialogueSchedule, DialogueSchedule.employee_id, DialogueSchedule.cadence_months,
                      DialogueSchedule.last_held_on, DialogueSchedule.next_due_on)
        .where(DialogueSchedule.employee_id.in_(ids)))}
    feedback = scoped_select(PerformanceFeedback, PerformanceFeedback.employee_id, func.count()).where(
        PerformanceFeedback.employee_id.in_(ids)).group_by(PerformanceFeedback.employee_id)
    if period is not None:
        feedback = feedback.where(PerformanceFeedback.created_at >= dt.datetime.combine(period.start_date, dt.time()))
    counts = dict(db.session.execute(feedback).all())
    # Read once for all the employees without an agreed cadence, not once each.
    unagreed_cadence = default_cadence(day) if len(schedules) < len(ids) else None
    summaries = {}
    for employee_id in ids:
        schedule = schedules.get(employee_id)
        due = schedule.next_due_on if schedule else None
        if due is None:
            due = _never_held_due(period, schedule.cadence_months if schedule else unagreed_cadence)
        summaries[employee_id] = DialogueSummary(
            last_held_on=schedule.last_held_on if schedule else None, next_due_on=due,
            overdue=is_overdue(due, day), feedback_count=counts.get(employee_id, 0))
    return summaries


@dataclass(frozen=True)
class DialogueHistory:
    """An employee's dialogues (with their topics and actions) and the feedback they received, newest first."""

    dialogues: list[PerformanceDialogue]
    feedback: list[PerformanceFeedback]
    schedule: DialogueSchedule | None
    open_requests: list[DialogueRequest]


def employee_dialogues(employee_id: int, limit: int = 20) -> DialogueHistory:
    """The employee's latest ``limit`` dialogues and ``limit`` feedback, newest first, as the user may see them."""
    dialogues = db.session.scalars(
        scoped_select(PerformanceDialogue).where(PerformanceDialogue.employee_id == employee_id)
        .order_by(PerformanceDialogue.held_on.desc(), PerformanceDialogue.id.desc()).limit(limit)).all()
    feedback = db.session.scalars(
        scoped_select(PerformanceFeedback).where(PerformanceFeedback.employee_id == employee_id)
        .order_by(PerformanceFeedback.created_at.desc(), PerformanceFeedback.id.desc()).limit(limit)).all()
    schedule = db.session.scalar(scoped_select(DialogueSchedule).where(DialogueSchedule.employee_id == employee_id))
    requests = db.session.scalars(scoped_select(DialogueRequest).where(
        DialogueRequest.employee_id == employee_id, DialogueRequest.status == "open")
        .order_by(DialogueRequest.requested_at)).all()
    return DialogueHistory(list(dialogues), list(feedback), schedule, list(requests))


def overdue_counts(agency_ids=None) -> dict[int, int]:
    """{agency id: employees whose agreed dialogue date has passed} for the agencies the user may read (all of
    them, or those given), counting the active employees without any dialogue once their first one is due."""
    day = today()
    scheduled = (scoped_select(DialogueSchedule, DialogueSchedule.agency_id, func.count())
                 .join(Employee, Employee.id == DialogueSchedule.employee_id)
                 .where(Employee.active.is_(True), DialogueSchedule.next_due_on < day)
                 .group_by(DialogueSchedule.agency_id))
    if agency_ids is not None:
        scheduled = scheduled.where(DialogueSchedule.agency_id.in_(list(agency_ids)))
    counts = dict(db.session.execute(scheduled).all())
    due = _never_held_due(period_of(day), default_cadence(day))
    if due is not None and is_overdue(due, day):
        never = (scoped_select(Employee, Employee.agency_id, func.count())
                 .where(Employee.active.is_(True),
                        ~exists().where(DialogueSchedule.employee_id == Employee.id))
                 .group_by(Employee.agency_id))
        if agency_ids is not None:
            never = never.where(Employee.agency_id.in_(list(agency_ids)))
        for agency_id, number in db.session.execute(never):
            counts[agency_id] = counts.get(agency_id, 0) + number
    return counts


# --- the team ------------------------------------------------------------------------------------------

def evaluator_of(employee: Employee, day: dt.date | None = None) -> int | None:
    """The employee id of the employee's evaluator: the evaluator of their newest SKP of the day's period (HR
    may have named an acting one), else the holder of the superior position (the reporting line)."""
    period = period_of(day or today())
    if period is not None:
        named = db.session.scalar(select(WorkPlan.evaluator_id).where(
            WorkPlan.employee_id == employee.id, WorkPlan.period_id == period.id)
            .order_by(WorkPlan.version.desc()))
        if named is not None:
            return named
    superior = holder_of(employee.position.parent if employee.position else None)
    return superior.id if superior else None


def team(evaluator_id: int) -> list[Employee]:
    """The active employees the evaluator holds dialogues with: their position reports to the evaluator's,
    or their SKP of the current period names the evaluator (an acting evaluator), by name."""
    me = db.session.get(Employee, evaluator_id)
    if me is None:
        return []
    period = period_of(today())
    members = select(Employee.id).join(Position, Employee.position_id == Position.id).where(
        Position.parent_id == me.position_id) if me.position_id else None
    named = select(WorkPlan.employee_id).where(WorkPlan.evaluator_id == evaluator_id,
                                               WorkPlan.period_id == period.id) if period else None
    conditions = [Employee.id.in_(part) for part in (members, named) if part is not None]
    if not conditions:
        return []
    rows = db.session.scalars(select(Employee).where(
        Employee.active.is_(True), Employee.id != evaluator_id, or_(*conditions)).order_by(Employee.name))
    return [employee for employee in rows if evaluator_of(employee) == evaluator_id]


def _ensure_evaluator_of(employee: Employee, message: str) -> int:
    ensure_not_self(employee.id, N_("You cannot hold a performance dialogue with yourself."))
    evaluator_id = evaluator_of(employee)
    ensure_acting_as(evaluator_id, message)
    return evaluator_id


def open_request_ids(employee_ids) -> set[int]:
    """The employees among ``employee_ids`` with an open request for a dialogue (either side asked)."""
    ids = list(employee_ids)
    if not ids:
        return set()
    return set(db.session.scalars(scoped_select(DialogueRequest, DialogueRequest.employee_id).where(
        DialogueRequest.employee_id.in_(ids), DialogueRequest.status == "open")))


def peers(employee_id: int) -> list[Employee]:
    """(policy) The employee's peers at the same level, by name (see ``_is_peer``)."""
    me = db.session.get(Employee, employee_id)
    if me is None or me.position is None or me.position.parent_id is None:
        return []
    return list(db.session.scalars(select(Employee).join(Position, Employee.position_id == Position.id).where(
        Position.parent_id == me.position.parent_id, Employee.agency_id == me.agency_id,
        Employee.active.is_(True), Employee.id != me.id).order_by(Employee.name)))


def _is_peer(author: Employee, employee: Employee) -> bool:
    """(policy) Peers at the same level: positions reporting to the same superior position, same agency."""
    return (author.id != employee.id and author.agency_id == employee.agency_id
            and author.position is not None and employee.position is not None
            and author.position.parent_id is not None
            and author.position.parent_id == employee.position.parent_id)


# --- dialogues -----------------------------------------------------------------------------------------

def _text(value, field: str, required: bool = False) -> str | None:
    text = (value or "").strip() if isinstance(value, str) or value is None else None
    if text is None:
        raise DomainError(N_("This field must be text."), field=field)
    if len(text) > MAX_TEXT:
        raise DomainError(N_("A text may have at most %(max)d characters."), field=field, max=MAX_TEXT)
    if required and not text:
        raise DomainError(N_("This field is required."), field=field)
    return text or None


def _date(value, field: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise DomainError(N_("Give a date (for example 2026-03-31)."), field=field) from None


def results_of(employee: Employee) -> list[WorkResult]:
    """The RHKs of the employee's newest SKP of the current period: what a dialogue's topic may concern."""
    period = period_of(today())
    plan = db.session.scalar(select(WorkPlan).where(
        WorkPlan.employee_id == employee.id, WorkPlan.period_id == period.id)
        .order_by(WorkPlan.version.desc())) if period else None
    return list(plan.results) if plan else []


def topics_from(items, employee: Employee) -> list[DialogueTopic]:
    """Topics [{"work_result_id": id or None, "text": ...}]; an RHK must be one of the employee's."""
    results = None
    topics = []
    for item in items or ():
        if not isinstance(item, dict):
            raise DomainError(N_("Each topic needs its text and, optionally, its result (RHK)."), field="topics")
        text = _text(item.get("text"), "topics")
        result_id = item.get("work_result_id")
        if text is None:
            if result_id in (None, ""):
                continue  # an empty row of the form
            raise DomainError(N_("Write what was discussed about the result (RHK)."), field="topics")
        topic = DialogueTopic(text=text)
        if result_id not in (None, ""):
            results = {row.id: row for row in results_of(employee)} if results is None else results
            try:
                topic.work_result = results[int(result_id)]
            except (KeyError, TypeError, ValueError):
                raise DomainError(N_("A topic may only concern a result (RHK) of this employee's SKP."),
                                  field="topics") from None
        topics.append(topic)
    return topics


def actions_from(items, held_on: dt.date) -> list[DialogueAction]:
    """Agreed actions [{"text": ..., "due_on": date}], each due on or after the dialogue."""
    actions = []
    for item in items or ():
        if not isinstance(item, dict):
            raise DomainError(N_("Each agreed action needs its text and its due date."), field="actions")
        text = _text(item.get("text"), "actions")
        if text is None and not item.get("due_on"):
            continue
        if text is None:
            raise DomainError(N_("Write the agreed action."), field="actions")
        due_on = _date(item.get("due_on"), "actions")
        check_action_due(held_on, due_on)
        actions.append(DialogueAction(text=text, due_on=due_on))
    return actions


@dataclass(frozen=True)
class DialogueContent:
    """What the evaluator writes into a dialogue (from a form or a REST body)."""

    held_on: object
    next_due_on: object = None
    went_well: object = None
    to_improve: object = None
    topics: tuple = ()
    actions: tuple = ()


def _fill(dialogue: PerformanceDialogue, employee: Employee, content: DialogueContent, cadence: int) -> None:
    held_on = _date(content.held_on, "held_on")
    next_due_on = (_date(content.next_due_on, "next_due_on") if content.next_due_on not in (None, "")
                   else next_due_date(held_on, cadence))
    check_dialogue_dates(held_on, next_due_on, today())
    topics = topics_from(content.topics, employee)
    went_well, to_improve = _text(content.went_well, "went_well"), _text(content.to_improve, "to_improve")
    if not (topics or went_well or to_improve):
        raise DomainError(N_("Write what was discussed: a topic, what goes well or what to improve."),
                          field="topics")
    actions = actions_from(content.actions, held_on)
    dialogue.held_on, dialogue.next_due_on = held_on, next_due_on
    dialogue.went_well, dialogue.to_improve = went_well, to_improve
    for row in (*topics, *actions):
        row.agency_id, row.employee_id, row.evaluator_id = dialogue.agency_id, dialogue.employee_id, \
            dialogue.evaluator_id
    dialogue.topics, dialogue.actions = topics, actions


def _schedule(employee: Employee) -> DialogueSchedule:
    schedule = db.session.scalar(select(DialogueSchedule).where(DialogueSchedule.employee_id == employee.id))
    if schedule is None:
        schedule = DialogueSchedule(employee_id=employee.id, agency_id=employee.agency_id,
                                    cadence_months=default_cadence())
        db.session.add(schedule)
    return schedule


def _refresh_schedule(employee: Employee, evaluator_id: int | None) -> None:
    """Last and next date from the employee's newest dialogue (the schedule every overview reads)."""
    db.session.flush()
    latest = db.session.execute(select(PerformanceDialogue.held_on, PerformanceDialogue.next_due_on).where(
        PerformanceDialogue.employee_id == employee.id)
        .order_by(PerformanceDialogue.held_on.desc(), PerformanceDialogue.id.desc())).first()
    schedule = _schedule(employee)
    schedule.agency_id, schedule.evaluator_id = employee.agency_id, evaluator_id
    schedule.last_held_on, schedule.next_due_on = (latest.held_on, latest.next_due_on) if latest else (None, None)


def cadence_of(employee: Employee) -> int:
    return db.session.scalar(select(DialogueSchedule.cadence_months).where(
        DialogueSchedule.employee_id == employee.id)) or default_cadence()


def record_dialogue(employee: Employee, content: DialogueContent) -> PerformanceDialogue:
    """The evaluator records a dialogue held with an employee of their team; the next date defaults to one
    cadence later; open requests are answered; the employee is notified."""
    def work():
        evaluator_id = _ensure_evaluator_of(employee, N_(
            "Only the evaluator of this employee may record a performance dialogue with them."))
        dialogue = PerformanceDialogue(employee_id=employee.id, agency_id=employee.agency_id,
                                       evaluator_id=evaluator_id, status="recorded", recorded_by_id=_user_id())
        _fill(dialogue, employee, content, cadence_of(employee))
        db.session.add(dialogue)
        db.session.flush()
        for request in db.session.scalars(select(DialogueRequest).where(
                DialogueRequest.employee_id == employee.id, DialogueRequest.status == "open")):
            request.status, request.dialogue_id = "held", dialogue.id
        _refresh_schedule(employee, evaluator_id)
        notify_employee(employee.id, DIALOGUE_RECORDED, dialogue.id)
        return dialogue
    return _commit(work)


def may_change(dialogue: PerformanceDialogue) -> bool:
    return _me() is not None and _me() == dialogue.evaluator_id and dialogue.status == "recorded"


def may_respond(dialogue: PerformanceDialogue) -> bool:
    return _me() is not None and _me() == dialogue.employee_id and dialogue.status == "recorded"


def update_dialogue(dialogue: PerformanceDialogue, content: DialogueContent, *,
                    opened_version: int | None) -> PerformanceDialogue:
    """The evaluator who recorded the dialogue corrects it until the employee has responded, on the version
    they opened (``opened_version``; VersionConflict when it is no longer the stored one)."""
    def work():
        ensure_acting_as(dialogue.evaluator_id, N_("Only the evaluator who recorded this dialogue may change it."))
        if dialogue.status != "recorded":
            raise DomainError(N_("The employee has responded to this dialogue; it no longer changes."))
        ensure_opened_version(dialogue, opened_version)
        _fill(dialogue, dialogue.employee, content, cadence_of(dialogue.employee))
        _refresh_schedule(dialogue.employee, dialogue.evaluator_id)
        notify_employee(dialogue.employee_id, DIALOGUE_CHANGED, dialogue.id)
        # The next version even when only topics or actions changed, which would not update this row.
        dialogue.row_version = opened_version + 1
        return dialogue
    return _commit(work)


def respond(dialogue: PerformanceDialogue, agree: bool, note: str | None = None, *,
            opened_version: int | None) -> PerformanceDialogue:
    """The employee acknowledges the dialogue, or disagrees with a note; once, and only the version they read
    (a correction by the evaluator after the page was opened: VersionConflict)."""
    def work():
        ensure_acting_as(dialogue.employee_id, N_("Only the employee of this dialogue may acknowledge it."))
        if dialogue.status != "recorded":
            raise DomainError(N_("You have already responded to this dialogue."))
        ensure_opened_version(dialogue, opened_version)
        text = _text(note, "note")
        if not agree and text is None:
            raise DomainError(N_("Say what you disagree with."), field="note")
        dialogue.status = "acknowledged" if agree else "disagreed"
        dialogue.employee_note, dialogue.responded_at = text, utcnow()
        if dialogue.evaluator_id:
            notify_employee(dialogue.evaluator_id, DIALOGUE_RESPONDED if agree else DIALOGUE_DISAGREED, dialogue.id)
        return dialogue
    return _commit(work)


def request_dialogue(employee: Employee, note: str | None = None) -> DialogueRequest:
    """The employee asks their evaluator for a dialogue, or the evaluator asks the employee; the other side
    is notified. One open request at a time: the next dialogue answers it."""
    def work():
        evaluator_id = evaluator_of(employee)
        me = _me()
        if me is None or me not in (employee.id, evaluator_id):
            raise DomainError(N_("Only the employee or their evaluator may ask for a dialogue."))
        if evaluator_id is None:
            raise DomainError(N_("You have no evaluator; ask HR to name one."))
        if db.session.scalar(select(DialogueRequest.id).where(
                DialogueRequest.employee_id == employee.id, DialogueRequest.status == "open")) is not None:
            raise DomainError(N_("A dialogue has already been requested and not yet held."))
        request = DialogueRequest(employee_id=employee.id, agency_id=employee.agency_id, evaluator_id=evaluator_id,
                                  requested_by_id=me, note=_text(note, "note"), status="open")
        db.session.add(request)
        notify_employee(evaluator_id if me == employee.id else employee.id, DIALOGUE_REQUESTED, employee.id)
        return request
    return _commit(work)


def set_cadence(employee: Employee, months) -> DialogueSchedule:
    """The evaluator records the cadence agreed with the employee (the default of each next date)."""
    def work():
        evaluator_id = _ensure_evaluator_of(employee, N_(
            "Only the evaluator of this employee may set the dialogue cadence."))
        value = months
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        cadence = check_cadence(value)
        schedule = _schedule(employee)
        schedule.cadence_months, schedule.evaluator_id, schedule.agency_id = cadence, evaluator_id, employee.agency_id
        return schedule
    return _commit(work)


# --- feedback ------------------------------------------------------------------------------------------

def peer_feedback_enabled() -> bool:
    """(policy) Whether peers give feedback: HR Admin's setting in force today, off unless set."""
    return in_force(DIALOGUE_PEER_FEEDBACK.key, today()) == "on"


def give_feedback(target_kind: str, target_id, text) -> PerformanceFeedback:
    """Feedback on one RHK or one daily activity; the employee it belongs to sees it and is notified."""
    def work():
        me = _me()
        target = _target(target_kind, target_id)
        employee = db.session.get(Employee, target.employee_id)
        ensure_not_self(employee.id, N_("You cannot give feedback on your own work."))
        author = db.session.get(Employee, me) if me else None
        if author is not None and me == evaluator_of(employee):
            source = "EVALUATOR"
        elif author is not None and peer_feedback_enabled() and _is_peer(author, employee):
            source = "PEER"
        else:
            raise DomainError(N_("You may give feedback only on the results and activities of your team."),
                              field="target_id")
        feedback = PerformanceFeedback(employee_id=employee.id, agency_id=employee.agency_id,
                                       evaluator_id=evaluator_of(employee), author_id=me, source=source,
                                       target_kind=target_kind, text=_text(text, "text", required=True))
        if target_kind == "RESULT":
            feedback.work_result = target
        else:
            feedback.daily_activity = target
        db.session.add(feedback)
        db.session.flush()
        notify_employee(employee.id, FEEDBACK_GIVEN, feedback.id)
        return feedback
    return _commit(work)


def _target(target_kind: str, target_id):
    model = {"RESULT": WorkResult, "ACTIVITY": DailyActivity}.get(target_kind)
    if model is None:
        raise DomainError(N_("Feedback is given on a result (RHK) or a daily activity."), field="target_kind")
    try:
        number = int(target_id)
    except (TypeError, ValueError):
        number = None
    target = db.session.get(model, number) if number is not None and not isinstance(target_id, bool) else None
    if target is None:
        raise DomainError(N_("You may give feedback only on the results and activities of your team."),
                          field="target_id")
    return target


@dataclass(frozen=True)
class WindowFeedback:
    """What the dialogues and feedback of an evaluation's window say about one RHK, for the evaluator to
    take over (edited) as the evaluation's "umpan balik berkelanjutan"."""

    work_result_id: int
    lines: list[str]

    @property
    def proposal(self) -> str:
        return "\n".join(self.lines)


def window_feedback(employee_id: int, result_ids, start: dt.date, end: dt.date) -> dict[int, WindowFeedback]:
    """{RHK id: WindowFeedback} from the dialogue topics and the feedback (on the RHK or on an activity reported
    against it) dated in [start, end] that the user may read, oldest first; RHKs without any are left out."""
    ids = list(result_ids)
    lines: dict[int, list[str]] = {}
    topics = db.session.execute(
        scoped_select(PerformanceDialogue, DialogueTopic.work_result_id, PerformanceDialogue.held_on,
                      DialogueTopic.text)
        .join(PerformanceDialogue, DialogueTopic.dialogue_id == PerformanceDialogue.id)
        .where(PerformanceDialogue.employee_id == employee_id, DialogueTopic.work_result_id.in_(ids),
               PerformanceDialogue.held_on.between(start, end))
        .order_by(PerformanceDialogue.held_on, DialogueTopic.id))
    for result_id, held_on, text in topics:
        lines.setdefault(result_id, []).append(f"{held_on:%d-%m-%Y}: {text}")
    window = (dt.datetime.combine(start, dt.time()), dt.datetime.combine(end + dt.timedelta(days=1), dt.time()))
    feedback = db.session.execute(
        scoped_select(PerformanceFeedback,
                      func.coalesce(PerformanceFeedback.work_result_id, DailyActivity.work_result_id),
                      PerformanceFeedback.created_at, PerformanceFeedback.text)
        .outerjoin(DailyActivity, PerformanceFeedback.daily_activity_id == DailyActivity.id)
        .where(PerformanceFeedback.employee_id == employee_id,
               PerformanceFeedback.created_at >= window[0], PerformanceFeedback.created_at < window[1])
        .order_by(PerformanceFeedback.created_at, PerformanceFeedback.id))
    for result_id, created_at, text in feedback:
        if result_id in ids:
            lines.setdefault(result_id, []).append(f"{created_at:%d-%m-%Y}: {text}")
    return {result_id: WindowFeedback(result_id, texts) for result_id, texts in lines.items()}


def window_dialogues(employee_id: int, start: dt.date, end: dt.date) -> list[PerformanceDialogue]:
    """The dialogues held with the employee in [start, end], oldest first (the evaluation document lists them)."""
    return list(db.session.scalars(scoped_select(PerformanceDialogue).where(
        PerformanceDialogue.employee_id == employee_id, PerformanceDialogue.held_on.between(start, end))
        .order_by(PerformanceDialogue.held_on, PerformanceDialogue.id)))


# --- notifications -------------------------------------------------------------------------------------

def _user_id() -> int | None:
    user = acting_user()
    return user.id if user is not None and getattr(user, "is_authenticated", False) else None


def _actor_name() -> str:
    user = acting_user()
    employee = getattr(user, "employee", None)
    if employee is not None:
        return employee.name
    return " ".join(part for part in (getattr(user, "first_name", ""), getattr(user, "last_name", "")) if part)


def notify_employee(employee_id: int, kind: str, subject_id: int) -> None:
    """A notification to every account of the employee (in the caller's transaction)."""
    name = _actor_name()
    for account_id in db.session.scalars(select(UserAccount.id).where(UserAccount.employee_id == employee_id)):
        db.session.add(Notification(recipient_id=account_id, kind=kind, actor_name=name, subject_id=subject_id))


def unread_count(user_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.recipient_id == user_id, Notification.read_at.is_(None))) or 0


def notifications(user_id: int, limit: int = RECENT_NOTIFICATIONS) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.recipient_id == user_id)
                                   .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)))


def open_notification(user_id: int, notification_id) -> Notification | None:
    """The user's own notification, marked read; None for anyone else's."""
    def work():
        note = db.session.get(Notification, notification_id)
        if note is None or note.recipient_id != user_id:
            return None
        if note.read_at is None:
            note.read_at = utcnow()
        return note
    return _commit(work)


def mark_all_read(user_id: int) -> int:
    def work():
        rows = db.session.scalars(select(Notification).where(Notification.recipient_id == user_id,
                                                             Notification.read_at.is_(None))).all()
        moment = utcnow()
        for row in rows:
            row.read_at = moment
        return len(rows)
    return _commit(work)
