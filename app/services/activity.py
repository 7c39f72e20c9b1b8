"""Daily activity use-cases (RULES §11): report, submit, approve or return, accumulate, monitor.

Each public write is one transaction (commit on success, rollback on refusal). Activities passed
in were fetched through the caller's scope (ScopedInterface / scoped_select); the rules here decide
what the acting employee may do with them. Refusals are DomainError with English N_ messages.

Accumulation is never stored: the realisation of an indicator is SUM(volume) of the approved
activities in a window, computed by the database when asked, so editing or returning an activity
can never count it twice.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import secrets
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from flask import current_app
from sqlalchemy import case, func, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import joinedload, lazyload

from app.domain.messages import N_, DomainError
from app.domain.workdays import is_working_day, validate_activity_date, validate_activity_times, week_start
from app.extensions import db
from app.services.local_time import today  # the day reports are for; callers read it as activities.today()
from app.services.transaction import ConcurrentChange, acting_user, run_in_transaction
from app.models import Agency, Employee, Position, Unit
from app.models.activity import DailyActivity, Holiday, IndicatorProgress
from app.models.audit import utcnow
from app.models.performance import ActivityDayTotal, EmployeePerformanceTotal, WorkPlanAchievementTotal
from app.models.planning import Period, ResultIndicator, WorkPlan, WorkResult
from app.models.quantities import exact_sum, exact_total
from app.security import acts
from app.security.guards import ensure_not_self, permits
from app.security.scope import agency_reach, current_scope, scoped_select

# The statuses in which an activity is its reporter's to edit, delete and send: submitted, it is the
# evaluator's until returned; approved, it counts toward the realisation and never changes.
REPORTER_STATUSES = ("draft", "returned")
QUANTITY_ASPECT = "KUANTITAS"
MAX_EVIDENCE_BYTES = 5 * 1024 * 1024
# Content is recognised by its first bytes, never by the file name a browser sends.
EVIDENCE_SIGNATURES = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
)


class ActivityConflict(ConcurrentChange):
    """The activity was decided or changed by someone else first (HTTP 409 in the API)."""


def _commit(work):
    return run_in_transaction(work, ActivityConflict(N_(
        "Someone else changed this activity at the same time; reload it and check its status.")))


# --- calendar and plan look-ups -------------------------------------------------------------------

def holidays_between(start: dt.date, end: dt.date) -> set[dt.date]:
    return set(db.session.scalars(select(Holiday.date).where(Holiday.date.between(start, end))))


def last_working_days(count: int, until: dt.date) -> list[dt.date]:
    """The ``count`` working days up to and including ``until``, oldest first."""
    holidays = holidays_between(until - dt.timedelta(days=count * 3 + 30), until)
    days, day = [], until
    while len(days) < count:
        if is_working_day(day, holidays):
            days.append(day)
        day -= dt.timedelta(days=1)
    return days[::-1]


def period_of(day: dt.date) -> Period | None:
    return db.session.scalar(select(Period).where(Period.start_date <= day, Period.end_date >= day)
                             .order_by(Period.id))


def approved_plan(employee_id: int, period_id: int) -> WorkPlan | None:
    """The latest approved SKP version of the employee in the period (a revision replaces the old one)."""
    return db.session.scalar(select(WorkPlan).where(
        WorkPlan.employee_id == employee_id, WorkPlan.period_id == period_id, WorkPlan.status == "approved")
        .order_by(WorkPlan.version.desc()))


def reportable_results(employee_id: int, day: dt.date | None = None) -> list[WorkResult]:
    """The RHKs an employee may report against: those of their approved SKP of the day's period."""
    period = period_of(day or today())
    plan = approved_plan(employee_id, period.id) if period else None
    return list(plan.results) if plan else []


def quantity_indicator(result: WorkResult | None) -> ResultIndicator | None:
    """The indicator whose realisation the volume counts toward: the RHK's quantity (KUANTITAS) IKI."""
    if result is None:
        return None
    return next((i for i in result.indicators if i.aspect == QUANTITY_ASPECT), None) or \
        next(iter(result.indicators), None)


def _superior_of(employee: Employee) -> Employee | None:
    position = db.session.get(Position, employee.position_id) if employee.position_id else None
    if position is None or position.parent_id is None:
        return None
    return db.session.scalar(select(Employee).where(Employee.position_id == position.parent_id,
                                                    Employee.active.is_(True)).order_by(Employee.id))


# --- validation (the one rule set of the form, the REST API and the service) --------------------

def check_activity(activity: DailyActivity) -> None:
    """Validate a new or edited activity of the acting employee and derive its copied columns."""
    with db.session.no_autoflush:  # the pending row must not be flushed by the look-ups below
        _check_activity(activity)


def _check_activity(activity: DailyActivity) -> None:
    scope = current_scope()
    if activity.id is None:
        if scope.employee_id is None:
            raise DomainError(N_("Only an employee reports daily activities."))
        activity.employee = db.session.get(Employee, scope.employee_id)
        activity.status = "draft"
    else:
        ensure_reporter_may_change(activity)
    employee = activity.employee
    if activity.activity_date is None or activity.start_time is None or activity.end_time is None:
        raise DomainError(N_("Enter the date, start time and end time."), field="activity_date")
    validate_activity_times(activity.start_time, activity.end_time)
    day = activity.activity_date
    validate_activity_date(day, today(), holidays_between(day, day))
    period = period_of(day)
    if period is None:
        raise DomainError(N_("No performance period covers %(date)s."), field="activity_date", date=day)
    if period.status == "closed":
        raise DomainError(N_("The period %(period)s is closed; activities can no longer be reported in it."),
                          field="activity_date", period=period.name)
    if not (activity.description or "").strip():
        raise DomainError(N_("Describe what you did."), field="description")
    if activity.volume is None or Decimal(activity.volume) <= 0:
        raise DomainError(N_("The volume must be greater than zero."), field="volume")
    _link_result(activity, employee, period)
    if not (activity.output_unit or "").strip():
        raise DomainError(N_("Enter the unit of the output (e.g. dokumen, sekolah)."), field="output_unit")
    activity.agency, activity.unit_id, activity.period = employee.agency, employee.unit_id, period


def _link_result(activity: DailyActivity, employee: Employee, period: Period) -> None:
    result = activity.work_result
    if result is None:
        activity.result_indicator = None  # a direct assignment counts toward no indicator
        return
    plan = approved_plan(employee.id, period.id)
    if plan is None or result.work_plan_id != plan.id:
        raise DomainError(N_("This RHK is not in your approved SKP for %(period)s."), field="work_result",
                          period=period.name)
    indicator = activity.result_indicator
    if indicator is None or indicator.work_result_id != result.id:
        indicator = quantity_indicator(result)
    activity.result_indicator = indicator
    if not activity.output_unit and indicator is not None:
        activity.output_unit = indicator.target_unit


def ensure_reporter_may_change(activity: DailyActivity, *, deleting: bool = False) -> None:
    """Who may change or delete a reported activity (RULES §11): its reporter, while it is theirs to work on
    (REPORTER_STATUSES). The report form, the list page, the REST API and the use-cases below all ask here."""
    if not acts.is_own(activity.employee_id):
        raise DomainError(N_("Only the employee who reported this activity may delete it.") if deleting
                          else N_("Only the employee who reported this activity may change it."))
    if activity.status == "approved":
        raise ActivityConflict(N_("This activity has been approved and can no longer be changed."))
    if activity.status not in REPORTER_STATUSES:
        raise ActivityConflict(N_("This activity has been sent to your evaluator; it can be changed or deleted "
                                  "again only if the evaluator returns it."))


def reporter_may_change(activity: DailyActivity) -> bool:
    """Whether the page offers the reporter "Edit" and "Send" for this activity (the same rule)."""
    return permits(ensure_reporter_may_change, activity)


def read_evidence(stream, original_name: str) -> tuple[bytes, str, str]:
    """The bytes, content type and extension of an uploaded evidence file, or a refusal.

    The type is read from the content (magic bytes): a program renamed .pdf is refused.
    """
    content = stream.read(MAX_EVIDENCE_BYTES + 1)
    if len(content) > MAX_EVIDENCE_BYTES:
        raise DomainError(N_("The evidence file is larger than %(size)s MB."), field="evidence", size=5)
    if not content:
        raise DomainError(N_("The evidence file is empty."), field="evidence")
    for signature, content_type, extension in EVIDENCE_SIGNATURES:
        if content.startswith(signature):
            return content, content_type, extension
    raise DomainError(N_("The evidence file %(name)s is not a PDF, JPG or PNG file."), field="evidence",
                      name=original_name)


def evidence_folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"]) / "activity"


def evidence_path(activity: DailyActivity) -> Path | None:
    return evidence_folder() / activity.evidence_stored_name if activity.evidence_stored_name else None


def _attach_evidence(activity: DailyActivity, upload) -> Path:
    content, content_type, extension = read_evidence(upload.stream, upload.filename or "")
    folder = evidence_folder()
    folder.mkdir(parents=True, exist_ok=True)
    stored_name = secrets.token_hex(16) + extension  # random: no guessing, no path from user input
    path = folder / stored_name
    path.write_bytes(content)
    activity.evidence_stored_name = stored_name
    activity.evidence_original_name = os.path.basename(upload.filename or "evidence")[:255]
    activity.evidence_content_type = content_type
    activity.evidence_size = len(content)
    activity.evidence_sha256 = hashlib.sha256(content).hexdigest()
    return path


def save_activity(activity: DailyActivity, evidence_upload=None) -> DailyActivity:
    """Create or change the acting employee's activity (with an optional evidence file), one transaction."""
    written: list[Path] = []

    def work():
        check_activity(activity)
        if evidence_upload is not None and evidence_upload.filename:
            written.append(_attach_evidence(activity, evidence_upload))
        db.session.add(activity)
        db.session.flush()
        return activity
    try:
        return _commit(work)
    except Exception:
        for path in written:  # nothing stored: the file of a refused activity goes too
            path.unlink(missing_ok=True)
        raise


def delete_activity(activity: DailyActivity) -> None:
    """Delete the reporter's activity and its evidence file (after the commit: a refusal keeps both)."""
    def work():
        ensure_reporter_may_change(activity, deleting=True)
        path = evidence_path(activity)
        db.session.delete(activity)
        db.session.flush()
        return path
    path = _commit(work)
    if path:
        path.unlink(missing_ok=True)


def repeat_previous(employee_id: int) -> DailyActivity | None:
    """A new, unsaved activity for today copied from the employee's latest activity (one of today's
    counts: people repeat what they have just reported, whatever its status)."""
    previous = db.session.scalar(select(DailyActivity).where(DailyActivity.employee_id == employee_id)
        .order_by(DailyActivity.activity_date.desc(), DailyActivity.start_time.desc(), DailyActivity.id.desc())
        .limit(1))
    if previous is None:
        return None
    return DailyActivity(activity_date=today(), start_time=previous.start_time, end_time=previous.end_time,
                         description=previous.description, volume=previous.volume,
                         output_unit=previous.output_unit, work_result_id=previous.work_result_id)


# --- workflow -------------------------------------------------------------------------------------

def submit(activity: DailyActivity) -> DailyActivity:
    """Send a draft (or a corrected returned activity) to the evaluator of the reporter's SKP."""
    def work():
        if activity.status not in REPORTER_STATUSES:
            raise ActivityConflict(N_("This activity is already %(status)s."), status=activity.status_label)
        check_activity(activity)
        plan = approved_plan(activity.employee_id, activity.period_id)
        evaluator_id = plan.evaluator_id if plan else None
        if evaluator_id is None:  # a direct assignment without an SKP goes to the reporting line
            superior = _superior_of(activity.employee)
            evaluator_id = superior.id if superior else None
        if evaluator_id is None:
            raise DomainError(N_("You have no evaluator; ask HR to name one."))
        activity.evaluator_id = evaluator_id
        activity.status, activity.submitted_at, activity.return_note = "submitted", utcnow(), None
        return activity
    return _commit(work)


def _decide(activity: DailyActivity, status: str, note: str | None) -> None:
    """Approve or return one activity in the session; its volume is counted by ``_write_decisions``."""
    employee_id = current_scope().employee_id
    ensure_not_self(activity.employee_id, N_("You cannot approve or return your own activity."))
    if employee_id is None or employee_id != activity.evaluator_id:
        raise DomainError(N_("Only the evaluator of this activity may approve or return it."))
    if activity.status != "submitted":
        raise ActivityConflict(N_("This activity is already %(status)s; there is nothing to decide."),
                               status=activity.status_label)
    if status == "returned" and not (note or "").strip():
        raise DomainError(N_("Say what to correct when returning an activity."), field="return_note")
    activity.status, activity.decided_at, activity.decided_by = status, utcnow(), acting_user()
    activity.return_note = note if status == "returned" else None


def _write_decisions(decided) -> None:
    """Write the decisions just taken, then add the approved volumes to their indicators' running totals.

    The flush comes first: its UPDATEs carry the version each row was read with, so a decision someone
    else committed meanwhile fails here (StaleDataError → conflict) before any total moves. The flush
    locks the rows in primary-key order and the totals are then locked in indicator order, so two
    evaluators' transactions always wait for each other in the same order and never deadlock.
    """
    db.session.flush()
    volumes: dict[int, Decimal] = defaultdict(Decimal)
    counts: dict[int, int] = defaultdict(int)
    for activity in decided:
        if activity.status == "approved" and activity.result_indicator_id is not None:
            volumes[activity.result_indicator_id] += activity.volume
            counts[activity.result_indicator_id] += 1
    for indicator_id in sorted(volumes):
        _add_to_progress(indicator_id, volumes[indicator_id], counts[indicator_id])


def _add_to_progress(result_indicator_id: int, volume: Decimal, activities: int) -> None:
    """Add approved volume to its indicator's running total, in the approving transaction; one
    statement (INSERT … ON CONFLICT), so two evaluators approving for the same IKI both count."""
    table = IndicatorProgress.__table__
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table).values(result_indicator_id=result_indicator_id, approved_volume=volume,
                                             approved_activities=activities)
    db.session.execute(statement.on_conflict_do_update(
        index_elements=[table.c.result_indicator_id],
        set_={"approved_volume": exact_total(table.c.approved_volume,
                                             table.c.approved_volume + statement.excluded.approved_volume),
              "approved_activities": table.c.approved_activities + statement.excluded.approved_activities}))


def rebuild_indicator_progress(connection) -> None:
    """Recompute every running total from the approved activities (after a bulk load)."""
    connection.execute(IndicatorProgress.__table__.delete())
    connection.execute(text(
        "INSERT INTO indicator_progress (result_indicator_id, approved_volume, approved_activities) "
        # Rounded to the column's scale: exact on SQLite too (app.models.quantities).
        "SELECT result_indicator_id, round(sum(volume), 2), count(*) FROM daily_activity "
        "WHERE status = 'approved' AND result_indicator_id IS NOT NULL GROUP BY result_indicator_id"))


def _decide_one(activity: DailyActivity, status: str, note: str | None) -> DailyActivity:
    def work():
        _decide(activity, status, note)
        _write_decisions([activity])
        return activity
    return _commit(work)


def approve(activity: DailyActivity) -> DailyActivity:
    return _decide_one(activity, "approved", None)


def return_activity(activity: DailyActivity, note: str) -> DailyActivity:
    return _decide_one(activity, "returned", note)


@dataclass
class BulkOutcome:
    decided: int
    refused: list[tuple[DailyActivity, DomainError]]


def decide_many(activities, status: str, note: str | None = None) -> BulkOutcome:
    """Approve or return every given activity the acting evaluator may decide; others are reported back.

    Callers pass only rows fetched through the user's scope. One transaction for all: when someone else
    decided one of them between reading and writing, ActivityConflict and none of them is decided.
    """
    def work():
        outcome, decided = BulkOutcome(0, []), []
        for activity in sorted(activities, key=lambda row: row.id):
            try:
                _decide(activity, status, note)
                decided.append(activity)
            except DomainError as error:
                outcome.refused.append((activity, error))
        _write_decisions(decided)
        outcome.decided = len(decided)
        return outcome
    return run_in_transaction(work, ActivityConflict(N_(
        "Someone else decided some of these activities at the same time, so none of them was changed; "
        "reload the list and decide again.")))


# --- accumulation ---------------------------------------------------------------------------------

def approved_volume(result_indicator_ids, start: dt.date, end: dt.date) -> dict[int, Decimal]:
    """Realisation per IKI for an evaluation window: SUM(volume) of approved activities in [start, end].

    For the evaluation module. Indicators without approved activity map to 0.
    """
    ids = list(result_indicator_ids)
    totals = dict.fromkeys(ids, Decimal(0))
    if not ids:
        return totals
    rows = db.session.execute(
        select(DailyActivity.result_indicator_id, exact_sum(DailyActivity.volume))
        .where(DailyActivity.result_indicator_id.in_(ids), DailyActivity.status == "approved",
               DailyActivity.activity_date.between(start, end))
        .group_by(DailyActivity.result_indicator_id))
    for indicator_id, total in rows:
        totals[indicator_id] = Decimal(total or 0)
    return totals


@dataclass
class ResultTotal:
    label: str
    target: str
    reported: Decimal
    approved: Decimal


# What the activity lists show of each row — the employee, the RHK and its IKI — joined into the one
# statement of the list, and nothing more: the models' eager defaults would otherwise load each RHK's whole
# plan, its results and their indicators (and, as separate selects, three more statements per page).
LISTED_ACTIVITY = (lazyload("*"), joinedload(DailyActivity.employee).lazyload("*"),
                   joinedload(DailyActivity.work_result).lazyload("*"),
                   joinedload(DailyActivity.result_indicator).lazyload("*"))
APPROVAL_QUEUE_LENGTH = 200


def own_summary(employee_id: int, start: dt.date, end: dt.date) -> tuple[list[DailyActivity], list[ResultTotal]]:
    """The employee's activities in [start, end] and, per RHK, reported and approved volume vs target."""
    activities = list(db.session.scalars(select(DailyActivity).options(*LISTED_ACTIVITY).where(
        DailyActivity.employee_id == employee_id, DailyActivity.activity_date.between(start, end))
        .order_by(DailyActivity.activity_date.desc(), DailyActivity.start_time.desc())))
    totals: dict = {}
    for activity in activities:
        if activity.status == "returned":
            continue
        key = activity.work_result_id
        if key not in totals:
            indicator = activity.result_indicator
            totals[key] = ResultTotal(activity.result_label, indicator.target_display if indicator else "",
                                      Decimal(0), Decimal(0))
        totals[key].reported += activity.volume
        if activity.status == "approved":
            totals[key].approved += activity.volume
    return activities, list(totals.values())


def approval_queue(evaluator_id: int) -> list[DailyActivity]:
    """The oldest submitted activities waiting for this evaluator, within the user's scope."""
    return list(db.session.scalars(scoped_select(DailyActivity).options(*LISTED_ACTIVITY).where(
        DailyActivity.evaluator_id == evaluator_id, DailyActivity.status == "submitted")
        .order_by(DailyActivity.activity_date, DailyActivity.id).limit(APPROVAL_QUEUE_LENGTH)))


# --- leader dashboard ----------------------------------------------------------------------------

def dashboard(day: dt.date | None = None, idle_days: int = 3, agency_id: int | None = None) -> dict:
    """Monitoring figures over the rows in the user's scope (optionally one agency), as plain JSON.

    Polled every 30 seconds by every leader: the counts come from the running totals kept in the writing
    transaction (app.services.performance_totals) — per agency and day for the agencies the scope reads
    whole, from the activities themselves only for the few rows it reads beyond them (own, subordinates')."""
    day = day or today()
    agency_id = agency_id or None  # ?agency=0 chooses no agency, as an absent one
    scope = current_scope()
    reach = agency_reach(DailyActivity, scope, agency_id)
    # A draft is not reported yet: leaders see what employees have sent.
    sent_today, sent_this_week, backlog = _day_totals(reach, day)
    backlog_since = _oldest_waiting(reach)
    idle_from = last_working_days(idle_days, day)[0]
    idle_rows, idle_count = _idle(scope, agency_id, idle_from)
    realisation = realisation_by_unit(agency_id)
    return {
        "date": day.isoformat(),
        "today": sent_today,
        "this_week": sent_this_week,
        "backlog": backlog,
        "backlog_oldest_days": (utcnow() - backlog_since).days if backlog_since else 0,
        "idle_days": idle_days,
        "idle_count": idle_count,
        "idle": [{"id": row.id, "name": row.name, "last_day": row.last_day and row.last_day.isoformat()}
                 for row in idle_rows],
        "agencies": realisation["agencies"],
        "units": realisation["units"],
    }


def _day_totals(reach, day: dt.date) -> tuple[int, int, int]:
    """Sent on ``day``, sent this week up to ``day``, and waiting for approval (any day), in ``reach``."""
    week = week_start(day)
    totals = [0, 0, 0]
    if reach.agencies is None or reach.agencies:
        rows = select(func.coalesce(func.sum(case((ActivityDayTotal.activity_date == day, ActivityDayTotal.sent),
                                                  else_=0)), 0),
                      func.coalesce(func.sum(case((ActivityDayTotal.activity_date.between(week, day),
                                                   ActivityDayTotal.sent), else_=0)), 0),
                      func.coalesce(func.sum(ActivityDayTotal.submitted), 0))
        if reach.agencies is not None:
            rows = rows.where(ActivityDayTotal.agency_id.in_(reach.agencies))
        totals = [int(value) for value in db.session.execute(rows).one()]
    if reach.beyond is not None:
        sent = DailyActivity.status != "draft"
        beyond = db.session.execute(select(
            func.count(case((sent & (DailyActivity.activity_date == day), 1))),
            func.count(case((sent & DailyActivity.activity_date.between(week, day), 1))),
            func.count(case((DailyActivity.status == "submitted", 1)))).where(reach.beyond)).one()
        totals = [kept + counted for kept, counted in zip(totals, beyond)]
    return tuple(totals)


def _oldest_waiting(reach) -> dt.datetime | None:
    """When the oldest activity still waiting was sent: one probe of the (status, agency, submitted_at) index
    per agency, rather than reading every waiting activity of the government."""
    agencies = (select(Agency.id) if reach.agencies is None
                else select(Agency.id).where(Agency.id.in_(reach.agencies)) if reach.agencies else None)
    oldest = []
    if agencies is not None:
        per_agency = (select(func.min(DailyActivity.submitted_at))
                      .where(DailyActivity.status == "submitted", DailyActivity.agency_id == Agency.id)
                      .scalar_subquery())
        oldest.append(db.session.scalar(select(func.min(per_agency)).select_from(Agency)
                                        .where(Agency.id.in_(agencies))))
    if reach.beyond is not None:
        oldest.append(db.session.scalar(select(func.min(DailyActivity.submitted_at))
                                        .where(reach.beyond, DailyActivity.status == "submitted")))
    return min((moment for moment in oldest if moment is not None), default=None)


def _idle(scope, agency_id: int | None, idle_from: dt.date) -> tuple[list, int]:
    """The first twenty active employees in scope who have sent nothing since ``idle_from`` (never first, then
    the longest silent), and how many they are: read from each employee's last report (running totals; every
    employee has a row from their creation on, app.services.performance_totals)."""
    last_day = EmployeePerformanceTotal.last_reported_on.label("last_day")
    employees = scoped_select(Employee, Employee.id, Employee.name, last_day, func.count().over().label("idle_count"),
                              agency_id=agency_id)
    rows = db.session.execute(
        employees.join(EmployeePerformanceTotal, EmployeePerformanceTotal.employee_id == Employee.id)
        .where(Employee.active.is_(True),
               (EmployeePerformanceTotal.last_reported_on < idle_from)
               | EmployeePerformanceTotal.last_reported_on.is_(None))
        .order_by(last_day.is_not(None), last_day, Employee.name).limit(20)).all()
    return rows, rows[0].idle_count if rows else 0


def realisation_by_unit(agency_id: int | None = None) -> dict:
    """Achievement (approved volume ÷ target, %) of the quantity IKIs of approved SKPs of the running
    period, averaged per agency and per unit over the scope. (policy) Each IKI is capped at 100 % so a
    unit cannot hide a lagging indicator behind an over-achieved one. The shares come summed per SKP from
    the running totals kept in the writing transaction (WorkPlanAchievementTotal, app.services.
    performance_totals, scoped as the SKPs are); the averaging runs in the database, one row per unit of the
    employee today."""
    period = db.session.scalar(select(Period).where(Period.status == "running").order_by(Period.year.desc()))
    if period is None:
        return {"agencies": [], "units": []}
    totals = WorkPlanAchievementTotal
    per_unit = (scoped_select(totals, totals.employee_agency_id, totals.employee_unit_id,
                              func.sum(totals.shares).label("shares"),
                              func.sum(totals.indicators).label("indicators"), agency_id=agency_id)
                .where(totals.period_id == period.id, totals.indicators > 0)
                .group_by(totals.employee_agency_id, totals.employee_unit_id).subquery())
    rows = db.session.execute(
        select(Agency.id, func.coalesce(Agency.short_name, Agency.name), Unit.id, Unit.name, per_unit.c.shares,
               per_unit.c.indicators)
        .select_from(per_unit).join(Agency, per_unit.c.employee_agency_id == Agency.id)
        .outerjoin(Unit, per_unit.c.employee_unit_id == Unit.id)).all()
    agencies: dict = defaultdict(lambda: [Decimal(0), 0])
    units = []
    for a_id, agency_name, u_id, u_name, shares, indicators in rows:
        agencies[(a_id, agency_name)][0] += shares
        agencies[(a_id, agency_name)][1] += indicators
        units.append({"id": u_id, "name": u_name or "-", "agency": agency_name,
                      "achievement": _percent(shares, indicators), "indicators": indicators})
    return {
        "agencies": sorted(({"id": key[0], "name": key[1], "achievement": _percent(*totals),
                             "indicators": totals[1]} for key, totals in agencies.items()),
                           key=lambda r: -r["achievement"]),
        "units": sorted(units, key=lambda r: -r["achievement"]),
    }


def _percent(shares: float, count: int) -> float:
    return round(float(shares) * 100 / count, 1)
