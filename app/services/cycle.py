"""The calendar of the cycle keeping time (issue 23; rules in app.domain.cycle_deadlines): what is due soon or
overdue, the reminders before each deadline and the hand-off of an overdue evaluation.

Each public use-case is one transaction (DomainError with an English N_ message on refusal, nothing written).

* the period's deadlines: app.services.cycle_calendar (``deadlines_of``, HR's ``set_deadlines``).
* ``open_items(day)``: every act of the cycle that waits for someone and is due soon or overdue, within the
  user's scope — the SKP to set (the employee) or approve (the evaluator), the evaluation to deliver (the
  evaluator, after a hand-off their superior), to return signed (the employee), to report (the evaluator).
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
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.domain import cycle_deadlines as rules
from app.domain.cycle_deadlines import DeadlineKind, DeadlineState
from app.domain.messages import N_
from app.extensions import db
from app.formatting import long_date
from app.models import Employee, UserAccount
from app.models.audit import utcnow
from app.models.cycle import DeadlineReminder, EvaluationHandOff
from app.models.evaluation import Evaluation
from app.models.notification import Notification
from app.models.planning import AgencyPeriodSetting, Period, WorkPlan
from app.security.scope import scoped_select
from app.services.activity import today
from app.services.cycle_calendar import calendar_of, deadlines_of, local_date
from app.services.evaluation import new_draft
from app.services.planning import holder_of
from app.services.transaction import ConcurrentChange, run_in_transaction

log = logging.getLogger(__name__)

# Notification kinds (app.views.dialogue.NOTIFICATION_TEXTS puts them into words); the actor is the employee
# the row is about.
SKP_REMINDER = "deadline_skp"                  # to the employee: set the SKP; subject: the employee
EVALUATION_REMINDER = "deadline_evaluation"    # to the evaluator: deliver the window's; subject: the SKP
RETURN_REMINDER = "deadline_return"            # to the employee: return it signed; subject: the evaluation
REPORT_REMINDER = "deadline_report"            # to the evaluator: report it; subject: the evaluation
REMINDER_KINDS = {DeadlineKind.SKP: SKP_REMINDER, DeadlineKind.EVALUATION: EVALUATION_REMINDER,
                  DeadlineKind.RETURN: RETURN_REMINDER, DeadlineKind.REPORT: REPORT_REMINDER}
SKP_APPROVAL_REMINDER = "deadline_skp_approve"   # to the evaluator: approve; subject: the SKP
HANDED_OFF = "evaluation_handed_off"                       # to the superior; subject: evaluation
TAKEN_OVER = "evaluation_taken_over"                       # to the original evaluator; subject: evaluation
HAND_OFF_REASON = N_("The evaluator did not deliver the evaluation by its deadline; it passed to the "
                     "evaluator's superior, whose decision is final.")
_WINDOW_KINDS = {"monthly": "MONTHLY", "quarterly": "QUARTERLY"}
DEFAULT_WINDOW_KIND = "QUARTERLY"
REMINDER_BATCH = 500  # reminders written per transaction (a tick of the province writes tens of thousands)


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
        window's evaluation: the deadline tells the windows apart) or the evaluation (return it, report it)."""
        if self.kind is DeadlineKind.SKP:
            return self.employee_id if self.actor_id == self.employee_id else self.plan_id
        return self.evaluation_id if self.kind in (DeadlineKind.RETURN, DeadlineKind.REPORT) else self.plan_id


def _open_periods(day: dt.date) -> list[Period]:
    return list(db.session.scalars(select(Period).where(Period.start_date <= day, Period.status != "closed")
                                   .order_by(Period.start_date)))


def open_items(day: dt.date | None = None,
               states=(DeadlineState.DUE_SOON, DeadlineState.OVERDUE)) -> list[OpenItem]:
    """Every act of the cycle due soon or overdue on ``day`` for the employees in the user's scope (the system's
    outside a request: the tick sees every agency); see the module docstring."""
    day = day or today()
    items: list[OpenItem] = []
    for period in _open_periods(day):
        clock = _Clock(deadlines_of(period).as_rule(), calendar_of(period), day)
        items += _skp_items(period, clock)
        items += _evaluation_items(period, clock)
    return [item for item in items if item.state in states]


class _Clock:
    """A period's deadlines read on one day. Thousands of SKPs share a few windows and delivery days, so each
    deadline and its state is counted once per call, not once per SKP."""

    def __init__(self, deadlines: rules.CycleDeadlines, holidays: set[dt.date], day: dt.date):
        self.deadlines, self.holidays, self.day = deadlines, holidays, day
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


def _skp_items(period, clock: _Clock) -> list[OpenItem]:
    """Active employees in scope without an approved SKP for the period: the employee sets it, or, once
    submitted, the evaluator approves it."""
    deadlines = clock.deadlines
    state = clock.state(deadlines.skp_due)
    if state is DeadlineState.PENDING:
        return []
    plans = defaultdict(list)
    for row in db.session.execute(select(WorkPlan.employee_id, WorkPlan.id, WorkPlan.version, WorkPlan.status,
                                         WorkPlan.evaluator_id).where(WorkPlan.period_id == period.id)):
        plans[row.employee_id].append(row)
    items = []
    employees = db.session.execute(scoped_select(Employee, Employee.id, Employee.agency_id)
                                   .where(Employee.active.is_(True)))
    for employee_id, agency_id in employees:
        versions = plans.get(employee_id, [])
        if any(plan.status == "approved" for plan in versions):
            continue
        newest = max(versions, key=lambda plan: plan.version, default=None)
        waiting_for_evaluator = newest is not None and newest.status == "submitted"
        items.append(OpenItem(DeadlineKind.SKP, state, deadlines.skp_due, agency_id, employee_id,
                              newest.evaluator_id if waiting_for_evaluator else employee_id,
                              newest.id if newest is not None else 0))
    return items


def _window_kinds(period: Period) -> dict[int, str]:
    return {agency_id: _WINDOW_KINDS.get(window, DEFAULT_WINDOW_KIND) for agency_id, window in db.session.execute(
        select(AgencyPeriodSetting.agency_id, AgencyPeriodSetting.evaluation_window)
        .where(AgencyPeriodSetting.period_id == period.id))}


def _evaluation_items(period, clock: _Clock) -> list[OpenItem]:
    """The ended windows of every approved SKP in scope whose evaluation is not final (module docstring)."""
    plans = {}
    for plan in db.session.execute(scoped_select(WorkPlan, WorkPlan.id, WorkPlan.employee_id, WorkPlan.agency_id,
                                           WorkPlan.evaluator_id, WorkPlan.version)
                                   .where(WorkPlan.period_id == period.id, WorkPlan.status == "approved")):
        if plan.employee_id not in plans or plans[plan.employee_id].version < plan.version:
            plans[plan.employee_id] = plan
    if not plans:
        return []
    evaluations = {}
    handed = set(db.session.scalars(select(EvaluationHandOff.evaluation_id)
                                    .join(Evaluation, Evaluation.id == EvaluationHandOff.evaluation_id)
                                    .where(Evaluation.period_id == period.id)))
    for row in db.session.execute(select(Evaluation.id, Evaluation.employee_id, Evaluation.kind,
                                         Evaluation.window_start, Evaluation.version, Evaluation.status,
                                         Evaluation.evaluator_id, Evaluation.submitted_at)
                                  .where(Evaluation.period_id == period.id)):
        key = (row.employee_id, row.kind, row.window_start)
        if key not in evaluations or evaluations[key].version < row.version:
            evaluations[key] = row
    window_kinds = _window_kinds(period)
    windows = {kind: rules.evaluation_windows(kind, period.start_date, period.end_date)
               for kind in ("MONTHLY", "QUARTERLY", "ANNUAL")}
    items = []
    for plan in plans.values():
        for kind in (window_kinds.get(plan.agency_id, DEFAULT_WINDOW_KIND), "ANNUAL"):
            for window in windows[kind]:
                if window[1] >= clock.day:
                    continue
                item = _window_item(plan, kind, window, evaluations.get((plan.employee_id, kind, window[0])),
                                    handed, clock)
                if item is not None:
                    items.append(item)
    return items


def _window_item(plan, kind, window, evaluation, handed, clock: _Clock) -> OpenItem | None:
    status = evaluation.status if evaluation is not None else "draft"
    if status == "final":
        return None
    evaluator = evaluation.evaluator_id if evaluation is not None else plan.evaluator_id
    if status == "draft":
        what, due_on, actor = DeadlineKind.EVALUATION, clock.due(rules.evaluation_due, window[1]), evaluator
    elif status == "submitted":
        delivered = local_date(evaluation.submitted_at) or window[1]
        what, due_on, actor = DeadlineKind.RETURN, clock.due(rules.return_due, delivered), plan.employee_id
    else:
        what, due_on, actor = DeadlineKind.REPORT, clock.due(rules.report_due, window[1]), evaluator
    return OpenItem(what, clock.state(due_on), due_on, plan.agency_id, plan.employee_id,
                    actor, plan.id, evaluation.id if evaluation is not None else None, window, kind,
                    evaluation is not None and evaluation.id in handed)


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
    times a day: a reminder already sent and an evaluation already handed off are left alone."""
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
    for item in items:
        if item.state is not DeadlineState.OVERDUE or item.kind is not DeadlineKind.EVALUATION or item.handed_off:
            continue
        try:
            handed = hand_off_overdue(item, day)
        except ConcurrentChange:
            # The evaluator saved the evaluation at this moment: the next tick sees what they did.
            log.info("cycle tick: the evaluation of SKP %s changed meanwhile; left to the next tick", item.plan_id)
            continue
        report.hand_offs += handed
        report.without_superior += not handed
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
        book = _addressbook({item.employee_id for item in items}, {item.actor_id for item in items})
        for item in items:
            _add_reminder(item, book)
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
        _add_reminder(item)
        return 1
    return _commit(work)


def _add_reminder(item: OpenItem, book: _Addressbook | None = None) -> None:
    db.session.add(DeadlineReminder(kind=item.reminder_kind, subject_id=item.reminder_subject,
                                    due_on=item.due_on, recipient_id=item.actor_id))
    _notify(item.actor_id, item.reminder_kind, item.reminder_subject, item.employee_id, book)


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


def _notify(recipient_employee_id: int, kind: str, subject_id: int, about_employee_id: int,
            book: _Addressbook | None = None) -> None:
    """A notification to every account of the recipient (in the caller's transaction)."""
    book = book or _addressbook({about_employee_id}, {recipient_employee_id})
    for account_id in book.accounts.get(recipient_employee_id, ()):
        db.session.add(Notification(recipient_id=account_id, kind=kind, subject_id=subject_id,
                                    actor_name=book.names.get(about_employee_id, "")))


def hand_off_overdue(item: OpenItem, day: dt.date) -> bool:
    """Pass the overdue evaluation of ``item``'s window to the evaluator's own superior (opening its draft
    when the evaluator never started it). False, and nothing written, when the evaluator has no superior in
    the system (the head of an agency: the regent evaluates) or the superior is the employee."""
    def work():
        plan = db.session.get(WorkPlan, item.plan_id)
        evaluation = db.session.get(Evaluation, item.evaluation_id) if item.evaluation_id else None
        original_id = evaluation.evaluator_id if evaluation is not None else plan.evaluator_id
        original = db.session.get(Employee, original_id) if original_id else None
        superior = holder_of(original.position.parent if original and original.position else None)
        if superior is None or superior.id in (item.employee_id, original_id):
            return False
        if evaluation is None:
            evaluation = new_draft(plan, item.evaluation_kind, *item.window)
        for row in (evaluation, *evaluation.realisations, *evaluation.feedback):
            row.evaluator_id = superior.id
        hand_off = EvaluationHandOff(evaluation=evaluation, agency_id=evaluation.agency_id,
                                     from_evaluator_id=original_id, to_evaluator_id=superior.id,
                                     due_on=item.due_on, handed_on=day, reason=HAND_OFF_REASON)
        db.session.add(hand_off)
        db.session.flush()
        _notify(superior.id, HANDED_OFF, evaluation.id, item.employee_id)
        _notify(original_id, TAKEN_OVER, evaluation.id, item.employee_id)
        return True
    return _commit(work)


# --- e-mail -----------------------------------------------------------------------------------------------

REMINDER_SUBJECT = N_("SiKinerja: a deadline is near")
REMINDER_BODIES = {
    SKP_REMINDER: N_("Your SKP for the period must be set by %(date)s."),
    SKP_APPROVAL_REMINDER: N_("The SKP of %(name)s waits for your approval; it must be set by %(date)s."),
    EVALUATION_REMINDER: N_("The evaluation of %(name)s must be delivered by %(date)s; after that it passes to "
                              "your superior."),
    RETURN_REMINDER: N_("Your evaluation must be returned signed by %(date)s."),
    REPORT_REMINDER: N_("The evaluation of %(name)s must be reported (final) by %(date)s."),
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
    elif reminder.kind == REPORT_REMINDER:
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
