"""The calendar of the cycle keeping time (issue 23; rules in app.domain.cycle_deadlines): what is due soon or
overdue, the reminders before each deadline and the hand-off of an overdue evaluation.

Each public use-case is one transaction (DomainError with an English N_ message on refusal, nothing written).

* the period's deadlines: app.services.cycle_calendar (``deadlines_of``, HR's ``set_deadlines``).
* ``open_items(day)``: every act of the cycle that waits for someone and is due soon or overdue, within the
  user's scope — the SKP to set (the employee) or approve (the evaluator), the evaluation to deliver (the
  evaluator, after a hand-off their superior), to return signed (the employee), to report (the evaluator), and
  the objection to decide (the evaluator's superior, Format D.1.3).
* ``tick(day)`` (``flask cycle tick``, Celery beat): a reminder to the person who must act, once per deadline
  (the unique key of DeadlineReminder), in the app and by e-mail where a mail server is configured; and every
  evaluation whose evaluator missed the delivery deadline passes to the evaluator's own superior (atasan
  pejabat penilai, annex A.11), whose decision is final: recorded with the reason and the date, the superior
  now evaluates it (``app.security.acts.evaluator_now``), the original evaluator no longer can.
"""
from __future__ import annotations

import datetime as dt
import logging
import smtplib
from collections import defaultdict
from dataclasses import dataclass, field
from email.message import EmailMessage

from flask import current_app
from flask_babel import gettext
from sqlalchemy import Date, String, and_, case, func, insert, literal, or_, select, union_all
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.domain import cycle_deadlines as rules
from app.domain.cycle_deadlines import DeadlineKind, DeadlineState
from app.domain.messages import N_
from app.extensions import db
from app.formatting import long_date
from app.models import Employee, Position, UserAccount
from app.models.audit import utcnow
from app.models.cycle import DeadlineReminder, EvaluationHandOff
from app.models.evaluation import Evaluation
from app.models.notification import Notification
from app.models.planning import AgencyPeriodSetting, Period, WorkPlan
from app.security.scope import scoped_select
from app.services.activity import approved_volume, today
from app.services.cycle_calendar import calendar_of, deadlines_of
from app.services.local_time import local_date
from app.services.evaluation import new_draft, quantity_indicator_ids
from app.services.transaction import ConcurrentChange, run_in_transaction

log = logging.getLogger(__name__)

# Notification kinds (app.views.dialogue.NOTIFICATION_TEXTS puts them into words); the actor is the employee
# the row is about.
SKP_REMINDER = "deadline_skp"                  # to the employee: set the SKP; subject: the employee
EVALUATION_REMINDER = "deadline_evaluation"    # to the evaluator: deliver the window's; subject: the SKP
RETURN_REMINDER = "deadline_return"            # to the employee: return it signed; subject: the evaluation
REPORT_REMINDER = "deadline_report"            # to the evaluator: report it; subject: the evaluation
OBJECTION_REMINDER = "deadline_objection"      # to the superior: decide the objection; subject: the evaluation
REMINDER_KINDS = {DeadlineKind.SKP: SKP_REMINDER, DeadlineKind.EVALUATION: EVALUATION_REMINDER,
                  DeadlineKind.RETURN: RETURN_REMINDER, DeadlineKind.REPORT: REPORT_REMINDER,
                  DeadlineKind.OBJECTION: OBJECTION_REMINDER}
SKP_APPROVAL_REMINDER = "deadline_skp_approve"   # to the evaluator: approve; subject: the SKP
HANDED_OFF = "evaluation_handed_off"                       # to the superior; subject: evaluation
TAKEN_OVER = "evaluation_taken_over"                       # to the original evaluator; subject: evaluation
HAND_OFF_REASON = N_("The evaluator did not deliver the evaluation by its deadline; it passed to the "
                     "evaluator's superior, whose decision is final.")
_WINDOW_KINDS = {"monthly": "MONTHLY", "quarterly": "QUARTERLY"}
DEFAULT_WINDOW_KIND = "QUARTERLY"
REMINDER_BATCH = 2_000  # reminders written per transaction (a tick of the province writes tens of thousands)
HAND_OFF_BATCH = 500    # hand-offs per transaction: each opens a draft with its realisations (audited)


def _commit(work):
    return run_in_transaction(work, ConcurrentChange(N_(
        "Someone else changed this evaluation at the same time; reload it and check its status.")))


# --- what is due ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class OpenItem:
    """One act of the cycle that waits: who must act, on what, by when."""

    kind: DeadlineKind
    state: DeadlineState
    due_on: dt.date
    agency_id: int
    employee_id: int             # whose SKP or evaluation it is
    actor_id: int | None         # the employee who must act
    plan_id: int
    evaluation_id: int | None = None
    window: tuple[dt.date, dt.date] | None = None
    evaluation_kind: str | None = None
    handed_off: bool = False

    @property
    def reminder_kind(self) -> str:
        if self.kind is DeadlineKind.SKP and self.actor_id != self.employee_id:
            return SKP_APPROVAL_REMINDER
        return REMINDER_KINDS[self.kind]

    @property
    def reminder_key(self) -> tuple:
        """What makes a reminder once per deadline: DeadlineReminder's unique key."""
        return self.reminder_kind, self.reminder_subject, self.due_on, self.actor_id

    @property
    def reminder_subject(self) -> int:
        """The row the reminder is about: the employee (set your SKP), the SKP (approve it, deliver its
        window's evaluation: the deadline tells the windows apart) or the evaluation (return it, report it,
        decide its objection)."""
        if self.kind is DeadlineKind.SKP:
            return self.employee_id if self.actor_id == self.employee_id else self.plan_id
        evaluation_kinds = (DeadlineKind.RETURN, DeadlineKind.REPORT, DeadlineKind.OBJECTION)
        return self.evaluation_id if self.kind in evaluation_kinds else self.plan_id


def _open_periods(day: dt.date) -> list[Period]:
    return list(db.session.scalars(select(Period).where(Period.start_date <= day, Period.status != "closed")
                                   .order_by(Period.start_date)))


def open_items(day: dt.date | None = None,
               states=(DeadlineState.DUE_SOON, DeadlineState.OVERDUE), agency_id: int | None = None) -> list[OpenItem]:
    """Every act of the cycle due soon or overdue on ``day`` for the employees in the user's scope (the system's
    outside a request: the tick sees every agency), of one agency if ``agency_id``; see the module docstring."""
    day = day or today()
    items: list[OpenItem] = []
    for period in _open_periods(day):
        clock = _Clock(deadlines_of(period).as_rule(), calendar_of(period), day, states)
        items += _skp_items(period, clock, agency_id)
        items += _evaluation_items(period, clock, agency_id)
        items += _objection_items(period, clock, agency_id)
    return [item for item in items if item.state in states]


class _Clock:
    """A period's deadlines read on one day, for the states asked about. Thousands of SKPs share a few windows
    and delivery days, so each deadline and its state is counted once per call, not once per SKP."""

    def __init__(self, deadlines: rules.CycleDeadlines, holidays: set[dt.date], day: dt.date,
                 states=(DeadlineState.DUE_SOON, DeadlineState.OVERDUE)):
        self.deadlines, self.holidays, self.day, self.states = deadlines, holidays, day, frozenset(states)
        self._known: dict = {}

    def due(self, rule, start: dt.date) -> dt.date:
        """``rule`` (one of the domain's ``*_due``) counted from ``start``."""
        key = (rule, start)
        if key not in self._known:
            self._known[key] = rule(start, self.deadlines, self.holidays)
        return self._known[key]

    def state(self, due_on: dt.date) -> DeadlineState:
        key = ("state", due_on)
        if key not in self._known:
            self._known[key] = rules.deadline_state(due_on, self.day, self.deadlines, self.holidays)
        return self._known[key]

    def asked(self, rule, start: dt.date) -> bool:
        """Whether the deadline ``rule`` counts from ``start`` is in one of the states asked about."""
        return self.state(self.due(rule, start)) in self.states


def _newest_first(model, *partition):
    """Numbers the rows of ``model`` within ``partition`` from the newest version on: 1 is the one the cycle
    reads (of equal versions, the first written)."""
    return func.row_number().over(partition_by=partition, order_by=(model.version.desc(), model.id)).label("rank")


def _skp_items(period, clock: _Clock, agency_id: int | None = None) -> list[OpenItem]:
    """Active employees in scope without an approved SKP for the period: the employee sets it, or, once their
    newest SKP is submitted, the evaluator approves it. One statement; the deadline is the same for all."""
    deadlines = clock.deadlines
    state = clock.state(deadlines.skp_due)
    if state not in clock.states:
        return []
    newest = select(WorkPlan.employee_id, WorkPlan.id, WorkPlan.status, WorkPlan.evaluator_id,
                    _newest_first(WorkPlan, WorkPlan.employee_id)).where(WorkPlan.period_id == period.id).subquery()
    approved = select(WorkPlan.id).where(WorkPlan.employee_id == Employee.id, WorkPlan.period_id == period.id,
                                         WorkPlan.status == "approved").exists()
    rows = db.session.execute(
        scoped_select(Employee, Employee.id, Employee.agency_id, newest.c.id, newest.c.status, newest.c.evaluator_id,
                      agency_id=agency_id)
        .outerjoin(newest, and_(newest.c.employee_id == Employee.id, newest.c.rank == 1))
        .where(Employee.active.is_(True), ~approved).order_by(Employee.id))
    return [OpenItem(DeadlineKind.SKP, state, deadlines.skp_due, agency, employee_id,
                     evaluator_id if status == "submitted" else employee_id, plan_id or 0)
            for employee_id, agency, plan_id, status, evaluator_id in rows]


def _window_kind_of_agency(period: Period):
    """The agency's periodic window kind for the period (SQL, over an outer join of its setting)."""
    setting = AgencyPeriodSetting.evaluation_window
    return case(*((setting == stored, kind) for stored, kind in _WINDOW_KINDS.items()), else_=DEFAULT_WINDOW_KIND)


def _ended_windows(period: Period, clock: _Clock):
    """The period's windows that have ended by the clock's day, as a small SQL table: kind, start, end and
    whether the window's delivery and report deadlines are in the states asked about (a submitted evaluation's
    return deadline counts from its own delivery day, so it is read per row)."""
    rows = []
    for kind in ("MONTHLY", "QUARTERLY", "ANNUAL"):
        for start, end in rules.evaluation_windows(kind, period.start_date, period.end_date):
            if end < clock.day:
                rows.append(select(literal(kind, String).label("kind"), literal(start, Date).label("window_start"),
                                   literal(end, Date).label("window_end"),
                                   literal(clock.asked(rules.evaluation_due, end)).label("delivery_asked"),
                                   literal(clock.asked(rules.report_due, end)).label("report_asked")))
    return union_all(*rows).subquery("window") if rows else None


def _evaluation_items(period, clock: _Clock, agency_id: int | None = None) -> list[OpenItem]:
    """The ended windows of every employee's newest approved SKP in scope whose newest evaluation is not final:
    the evaluator delivers it (after a hand-off, their superior), the employee returns it signed, the evaluator
    reports it — in one statement over the SKPs, the ended windows and the evaluations of the period."""
    windows = _ended_windows(period, clock)
    if windows is None:
        return []
    plans = (scoped_select(WorkPlan, WorkPlan.id, WorkPlan.employee_id, WorkPlan.agency_id, WorkPlan.evaluator_id,
                           _window_kind_of_agency(period).label("window_kind"),
                           _newest_first(WorkPlan, WorkPlan.employee_id), agency_id=agency_id)
             .outerjoin(AgencyPeriodSetting, and_(AgencyPeriodSetting.agency_id == WorkPlan.agency_id,
                                                  AgencyPeriodSetting.period_id == period.id))
             .where(WorkPlan.period_id == period.id, WorkPlan.status == "approved").subquery("plan"))
    evaluations = (select(Evaluation.id, Evaluation.employee_id, Evaluation.kind, Evaluation.window_start,
                          Evaluation.status, Evaluation.evaluator_id, Evaluation.submitted_at,
                          _newest_first(Evaluation, Evaluation.employee_id, Evaluation.kind, Evaluation.window_start))
                   .where(Evaluation.period_id == period.id).subquery("newest_evaluation"))
    status = func.coalesce(evaluations.c.status, "draft")
    rows = db.session.execute(
        select(plans.c.id, plans.c.employee_id, plans.c.agency_id, plans.c.evaluator_id, windows.c.kind,
               windows.c.window_start, windows.c.window_end, evaluations.c.id.label("evaluation_id"),
               status.label("status"), evaluations.c.evaluator_id.label("evaluation_evaluator_id"),
               evaluations.c.submitted_at, EvaluationHandOff.id.label("hand_off_id"))
        .select_from(plans)
        .join(windows, or_(windows.c.kind == plans.c.window_kind, windows.c.kind == "ANNUAL"))
        .outerjoin(evaluations, and_(evaluations.c.employee_id == plans.c.employee_id,
                                     evaluations.c.kind == windows.c.kind,
                                     evaluations.c.window_start == windows.c.window_start, evaluations.c.rank == 1))
        .outerjoin(EvaluationHandOff, EvaluationHandOff.evaluation_id == evaluations.c.id)
        .where(plans.c.rank == 1, status != "final",
               or_(status == "submitted", and_(status == "draft", windows.c.delivery_asked),
                   and_(status.not_in(("draft", "submitted")), windows.c.report_asked)))
        .order_by(plans.c.id, windows.c.window_end, windows.c.kind))
    return [_window_item(row, clock) for row in rows]


def _window_item(row, clock: _Clock) -> OpenItem:
    window = (row.window_start, row.window_end)
    evaluator = row.evaluation_evaluator_id if row.evaluation_id is not None else row.evaluator_id
    if row.status == "draft":
        what, due_on, actor = DeadlineKind.EVALUATION, clock.due(rules.evaluation_due, window[1]), evaluator
    elif row.status == "submitted":
        delivered = local_date(row.submitted_at) or window[1]
        what, due_on, actor = DeadlineKind.RETURN, clock.due(rules.return_due, delivered), row.employee_id
    else:
        what, due_on, actor = DeadlineKind.REPORT, clock.due(rules.report_due, window[1]), evaluator
    return OpenItem(what, clock.state(due_on), due_on, row.agency_id, row.employee_id, actor, row.id,
                    row.evaluation_id, window, row.kind, row.hand_off_id is not None)


def _objection_items(period, clock: _Clock, agency_id: int | None = None) -> list[OpenItem]:
    """The objections to the period's evaluations in scope still undecided: the evaluator's superior named when
    the objection was filed decides it within the period's decision days after filing (Format D.1.3); with no
    superior in the system nobody is reminded (HR records the decision: app.security.acts)."""
    items = []
    for row in db.session.execute(scoped_select(Evaluation, Evaluation.id, Evaluation.agency_id,
                                                Evaluation.employee_id, Evaluation.objection_decider_id,
                                                Evaluation.work_plan_id, Evaluation.kind, Evaluation.window_start,
                                                Evaluation.window_end, Evaluation.acknowledged_at,
                                                agency_id=agency_id)
                                  .where(Evaluation.period_id == period.id, Evaluation.objection.is_not(None),
                                         Evaluation.objection_outcome.is_(None))):
        due_on = clock.due(rules.objection_decision_due, local_date(row.acknowledged_at) or row.window_end)
        items.append(OpenItem(DeadlineKind.OBJECTION, clock.state(due_on), due_on, row.agency_id, row.employee_id,
                              row.objection_decider_id, row.work_plan_id, row.id,
                              (row.window_start, row.window_end), row.kind))
    return items


@dataclass
class OverdueCount:
    agency_id: int
    by_kind: dict = field(default_factory=lambda: {kind: 0 for kind in DeadlineKind})

    @property
    def total(self) -> int:
        return sum(self.by_kind.values())


def overdue_per_agency(items: list[OpenItem]) -> dict[int, OverdueCount]:
    counts: dict[int, OverdueCount] = {}
    for item in items:
        if item.state is DeadlineState.OVERDUE:
            counts.setdefault(item.agency_id, OverdueCount(item.agency_id)).by_kind[item.kind] += 1
    return counts


# --- the tick: reminders and hand-offs ------------------------------------------------------------------

@dataclass
class TickReport:
    reminders: int = 0
    emails: int = 0
    hand_offs: int = 0
    without_superior: int = 0


def tick(day: dt.date | None = None) -> TickReport:
    """Remind and hand off for ``day`` (today in WITA): see the module docstring. Safe to run any number of
    times a day: a reminder already sent and an evaluation already handed off are left alone. Reminders and
    hand-offs are written in chunks, one transaction each."""
    day = day or today()
    report = TickReport()
    items = open_items(day)
    due_soon = [item for item in items if item.state is DeadlineState.DUE_SOON and item.actor_id is not None]
    sent = _sent_reminders({item.due_on for item in due_soon})
    waiting = {}
    for item in due_soon:
        waiting.setdefault(item.reminder_key, item)  # two windows due the same day share one reminder
    new = [item for key, item in waiting.items() if key not in sent]
    for start in range(0, len(new), REMINDER_BATCH):
        report.reminders += _remind_all(new[start:start + REMINDER_BATCH])
    overdue = [item for item in items if item.state is DeadlineState.OVERDUE
               and item.kind is DeadlineKind.EVALUATION and not item.handed_off]
    for start in range(0, len(overdue), HAND_OFF_BATCH):
        handed = _hand_off_chunk(overdue[start:start + HAND_OFF_BATCH], day)
        report.hand_offs += handed.count(True)
        report.without_superior += handed.count(False)
    report.emails = send_pending_emails(day)
    return report


def _sent_reminders(due_days) -> set[tuple]:
    """The keys (kind, subject, deadline, recipient) of the reminders already sent for these deadlines."""
    if not due_days:
        return set()
    return {tuple(row) for row in db.session.execute(
        select(DeadlineReminder.kind, DeadlineReminder.subject_id, DeadlineReminder.due_on,
               DeadlineReminder.recipient_id).where(DeadlineReminder.due_on.in_(sorted(due_days))))}


def _remind_all(items: list[OpenItem]) -> int:
    """A reminder (notification) for each item, in one transaction; when another tick sent one of them at the
    same moment (the unique key refuses the batch), one by one, skipping what was sent. Returns how many."""
    def work():
        _add_reminders(items)
        return len(items)
    try:
        return _commit(work)
    except IntegrityError:
        return sum(_remind(item) for item in items)


def _remind(item: OpenItem) -> int:
    """One reminder for the item unless it was sent before; 1 when sent now."""
    def work():
        kind, subject, due_on, recipient = item.reminder_key
        already = db.session.scalar(select(DeadlineReminder.id).where(
            DeadlineReminder.kind == kind, DeadlineReminder.subject_id == subject,
            DeadlineReminder.due_on == due_on, DeadlineReminder.recipient_id == recipient))
        if already is not None:
            return 0
        _add_reminders([item])
        return 1
    return _commit(work)


def _add_reminders(items: list[OpenItem]) -> None:
    """The reminders of ``items`` and their notifications, as two multi-row INSERTs in the caller's transaction
    (bookkeeping rows the audit log does not record, whichever way they are written)."""
    book = _addressbook({item.employee_id for item in items}, {item.actor_id for item in items})
    db.session.execute(insert(DeadlineReminder), [
        {"kind": item.reminder_kind, "subject_id": item.reminder_subject, "due_on": item.due_on,
         "recipient_id": item.actor_id} for item in items])
    _notify_all([(item.actor_id, item.reminder_kind, item.reminder_subject, item.employee_id) for item in items],
                book)


@dataclass(frozen=True)
class _Addressbook:
    """The names of the employees notifications are about and the accounts of those they go to, read once for
    a batch of reminders."""

    names: dict
    accounts: dict


def _addressbook(about_ids, recipient_ids) -> _Addressbook:
    names = dict(db.session.execute(select(Employee.id, Employee.name).where(Employee.id.in_(sorted(about_ids)))).all())
    accounts = defaultdict(list)
    for account_id, employee_id in db.session.execute(select(UserAccount.id, UserAccount.employee_id).where(
            UserAccount.employee_id.in_(sorted(recipient_ids)))):
        accounts[employee_id].append(account_id)
    return _Addressbook(names, accounts)


def _notify_all(notices, book: _Addressbook) -> None:
    """A notification to every account of each recipient, for ``notices`` of (recipient employee, kind, subject,
    the employee it is about), in one INSERT in the caller's transaction."""
    rows = [{"recipient_id": account_id, "kind": kind, "subject_id": subject_id,
             "actor_name": book.names.get(about_employee_id, "")}
            for recipient_employee_id, kind, subject_id, about_employee_id in notices
            for account_id in book.accounts.get(recipient_employee_id, ())]
    if rows:
        db.session.execute(insert(Notification), rows)


def _hand_off_chunk(items: list[OpenItem], day: dt.date) -> list[bool]:
    """The hand-offs of ``items`` in one transaction (``hand_off_overdue``); when one of their evaluations
    changed meanwhile (the chunk is refused whole), one by one, leaving the changed one to the next tick."""
    try:
        return _commit(lambda: _hand_off_all(items, day))
    except ConcurrentChange:
        handed = []
        for item in items:
            try:
                handed.append(hand_off_overdue(item, day))
            except ConcurrentChange:
                # The evaluator saved the evaluation at this moment: the next tick sees what they did.
                log.info("cycle tick: the evaluation of SKP %s changed meanwhile; left to the next tick",
                         item.plan_id)
        return handed


def hand_off_overdue(item: OpenItem, day: dt.date) -> bool:
    """Pass the overdue evaluation of ``item``'s window to the evaluator's own superior (opening its draft
    when the evaluator never started it). False, and nothing written, when the evaluator has no superior in
    the system (the head of an agency: the regent evaluates) or the superior is the employee."""
    return _commit(lambda: _hand_off_all([item], day))[0]


def _superiors(employee_ids) -> dict[int, int]:
    """Each employee's own superior: the first active holder of the position above theirs (``holder_of``)."""
    parent_of = dict(db.session.execute(select(Employee.id, Position.parent_id).join(
        Position, Position.id == Employee.position_id).where(Employee.id.in_(sorted(employee_ids)),
                                                             Position.parent_id.is_not(None))).all())
    holders = {}
    for employee_id, position_id in db.session.execute(select(Employee.id, Employee.position_id).where(
            Employee.position_id.in_(sorted(set(parent_of.values()))), Employee.active.is_(True))
            .order_by(Employee.id)):
        holders.setdefault(position_id, employee_id)
    return {employee_id: holders[parent] for employee_id, parent in parent_of.items() if parent in holders}


def _hand_off_all(items: list[OpenItem], day: dt.date) -> list[bool]:
    """``hand_off_overdue`` for each item, in the caller's transaction, reading the SKPs, evaluations,
    superiors and approved volumes of all of them at once and writing them in one flush; the rows go through
    the ORM, so the audit log records each as before."""
    plans = {plan.id: plan for plan in db.session.scalars(
        select(WorkPlan).where(WorkPlan.id.in_(sorted({item.plan_id for item in items})))
        .options(selectinload(WorkPlan.results)))}
    evaluations = {evaluation.id: evaluation for evaluation in db.session.scalars(select(Evaluation).where(
        Evaluation.id.in_(sorted({item.evaluation_id for item in items if item.evaluation_id}))))}
    originals = {item: (evaluations[item.evaluation_id].evaluator_id if item.evaluation_id
                        else plans[item.plan_id].evaluator_id) for item in items}
    superiors = _superiors({original for original in originals.values() if original})
    volumes = {}  # per window: the approved volume of every SKP whose draft is opened here, in one read
    for item in items:
        if item.evaluation_id is None:
            volumes.setdefault(item.window, set()).update(quantity_indicator_ids(plans[item.plan_id]))
    volumes = {window: approved_volume(ids, *window) for window, ids in volumes.items()}
    handed, notices = [], []
    with db.session.no_autoflush:
        for item in items:
            original_id, superior_id = originals[item], superiors.get(originals[item])
            if superior_id is None or superior_id in (item.employee_id, original_id):
                handed.append(False)
                continue
            evaluation = evaluations.get(item.evaluation_id) or new_draft(
                plans[item.plan_id], item.evaluation_kind, *item.window, volumes=volumes[item.window])
            for row in (evaluation, *evaluation.realisations, *evaluation.feedback):
                row.evaluator_id = superior_id
            db.session.add(EvaluationHandOff(evaluation=evaluation, agency_id=evaluation.agency_id,
                                             from_evaluator_id=original_id, to_evaluator_id=superior_id,
                                             due_on=item.due_on, handed_on=day, reason=HAND_OFF_REASON))
            notices += [(superior_id, HANDED_OFF, evaluation, item.employee_id),
                        (original_id, TAKEN_OVER, evaluation, item.employee_id)]
            handed.append(True)
    if notices:
        db.session.flush()
        _notify_all([(recipient, kind, evaluation.id, about) for recipient, kind, evaluation, about in notices],
                    _addressbook({about for *_, about in notices}, {recipient for recipient, *_ in notices}))
    return handed


# --- e-mail -----------------------------------------------------------------------------------------------

REMINDER_SUBJECT = N_("SiKinerja: a deadline is near")
REMINDER_BODIES = {
    SKP_REMINDER: N_("Your SKP for the period must be set by %(date)s."),
    SKP_APPROVAL_REMINDER: N_("The SKP of %(name)s waits for your approval; it must be set by %(date)s."),
    EVALUATION_REMINDER: N_("The evaluation of %(name)s must be delivered by %(date)s; after that it passes to "
                              "your superior."),
    RETURN_REMINDER: N_("Your evaluation must be returned signed by %(date)s."),
    REPORT_REMINDER: N_("The evaluation of %(name)s must be reported (final) by %(date)s."),
    OBJECTION_REMINDER: N_("The objection of %(name)s to their evaluation must be decided by %(date)s."),
}


def mail_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def send_pending_emails(day: dt.date) -> int:
    """E-mail every reminder not yet e-mailed whose deadline has not passed, where a mail server is set and the
    recipient has an address; a failed send is logged and retried at the next tick. Returns how many went."""
    if not mail_configured():
        return 0
    pending = db.session.execute(
        select(DeadlineReminder, Employee).join(Employee, Employee.id == DeadlineReminder.recipient_id)
        .where(DeadlineReminder.emailed_at.is_(None), DeadlineReminder.due_on >= day)).all()
    sent = 0
    for reminder, recipient in pending:
        address = recipient.email or db.session.scalar(select(UserAccount.email).where(
            UserAccount.employee_id == recipient.id))
        if not address:
            continue
        try:
            _send(address, gettext(REMINDER_SUBJECT), _body(reminder))
        except (OSError, smtplib.SMTPException) as error:
            log.warning("deadline reminder %s not e-mailed: %s", reminder.id, error)
            continue
        reminder.emailed_at = utcnow()
        db.session.commit()
        sent += 1
    return sent


def _body(reminder: DeadlineReminder) -> str:
    name = ""
    if reminder.kind in (SKP_APPROVAL_REMINDER, EVALUATION_REMINDER):
        name = db.session.scalar(select(Employee.name).join(WorkPlan, WorkPlan.employee_id == Employee.id)
                                 .where(WorkPlan.id == reminder.subject_id)) or ""
    elif reminder.kind in (REPORT_REMINDER, OBJECTION_REMINDER):
        name = db.session.scalar(select(Employee.name).join(Evaluation, Evaluation.employee_id == Employee.id)
                                 .where(Evaluation.id == reminder.subject_id)) or ""
    return gettext(REMINDER_BODIES[reminder.kind], name=name, date=long_date(reminder.due_on))


def _send(address: str, subject: str, body: str) -> None:
    config = current_app.config
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = config["MAIL_FROM"], address, subject
    message.set_content(body)
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as connection:
        if config.get("MAIL_USE_TLS"):
            connection.starttls()
        if config.get("MAIL_USERNAME"):
            connection.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        connection.send_message(message)
