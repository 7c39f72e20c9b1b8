"""Per-employee running totals of the leaders' table (issue 19), kept in the transaction that writes.

The table filters and sorts every employee in scope by achievement, activities this week and this month,
working days since the last report and activities waiting for approval. Counting ten million activities
for that on each request is what made the whole-government sorts miss their budget; the figures are
therefore kept per employee (``EmployeePerformanceTotal``) and read from indexed columns.

Why the session and not a call in each use-case: the figures come from activities, SKPs and their
indicators, which many paths write (the activity form, the list actions, the REST API, bulk decisions, the
SKP workflow, seeds, scripts). Like the audit log and document freshness, this watches the session:

* after each flush, and before a bulk INSERT/UPDATE/DELETE through the session, the employees whose activities,
  SKPs or IKIs are written are noted;
* before commit, their rows are recomputed (``refresh``) from the rows themselves: a handful of index
  probes on that employee's own activities and plans, so a figure is exact whatever path wrote it, a
  returned or deleted activity is never counted twice, and the figure is live as soon as the write commits.

Two transactions writing for the same employee at once: the rows are locked in employee order before they
are recomputed, and on PostgreSQL (READ COMMITTED) each statement after the lock sees what the transaction
that held it committed, so both writes count. ``rebuild`` recomputes every row after a bulk load (the
province generator, the migration that created the table).

The monitoring dashboard's totals (issue 21, ``ActivityDayTotal`` and ``WorkPlanAchievementTotal``) ride on the
same watch: the day counts move in each flush by what it changed (and around a bulk statement through the
session), the SKP sums are recomputed with the employee's row; ``rebuild_dashboard_totals`` after a bulk load.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from itertools import chain

from sqlalchemy import Float, bindparam, case, cast, event, func, inspect, literal, select, true, update
from sqlalchemy.dialects import postgresql, sqlite

from app.domain.achievement import plan_progress
from app.domain.workdays import month_start, week_start
from app.models import Employee
from app.models.activity import DailyActivity, IndicatorProgress
from app.models.performance import ActivityDayTotal, EmployeePerformanceTotal, WorkPlanAchievementTotal
from app.models.planning import Period, ResultIndicator, WorkPlan, WorkResult
from app.services.activity import QUANTITY_ASPECT, today
from app.services.flushed_rows import affected_ids, flushed_changes, inserted_rows, values_before_flush

TOTAL = EmployeePerformanceTotal.__table__
_TOUCHED = "performance_totals_touched"
# Bound the IN lists (SQLite allows 32,766 parameters; a bulk decision may touch many employees).
_CHUNK = 500
# The rows whose writes move a figure; each carries the employee it is about.
_SOURCES = (DailyActivity, WorkPlan, ResultIndicator)
_OWN = DailyActivity.employee_id == TOTAL.c.employee_id
_SENT = DailyActivity.status != "draft"  # a draft is not reported yet (as on the dashboard)


def refresh(connection, employee_ids: Iterable[int]) -> None:
    """Recompute the totals of ``employee_ids`` from their activities and SKPs, in the caller's transaction."""
    ids = sorted(set(employee_ids))
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        connection.execute(dialect.insert(TOTAL).from_select(
            ["employee_id", "week_count", "month_count", "waiting"],
            select(Employee.id, literal(0), literal(0), literal(0)).where(Employee.id.in_(chunk)))
            .on_conflict_do_nothing())
        connection.execute(select(TOTAL.c.employee_id).where(TOTAL.c.employee_id.in_(chunk))
                           .order_by(TOTAL.c.employee_id).with_for_update())
        _recompute(connection, TOTAL.c.employee_id.in_(chunk))


def rebuild(connection, dashboard: bool = True) -> None:
    """Recompute every employee's totals (after a bulk load that wrote past the session). The last report
    and the waiting count come from one grouped pass over the activities: per employee, the index probes of
    ``refresh`` would read all ten million rows one by one. With ``dashboard``, the dashboard's totals too
    (migration 0019 is older than their tables)."""
    connection.execute(TOTAL.delete())
    reports = (select(DailyActivity.employee_id, func.max(DailyActivity.activity_date).label("last_reported_on"),
                      func.count(case((DailyActivity.status == "submitted", 1))).label("waiting"))
               .where(_SENT).group_by(DailyActivity.employee_id).subquery())
    connection.execute(TOTAL.insert().from_select(
        ["employee_id", "last_reported_on", "waiting", "week_count", "month_count"],
        select(Employee.id, reports.c.last_reported_on, func.coalesce(reports.c.waiting, 0), literal(0), literal(0))
        .outerjoin(reports, reports.c.employee_id == Employee.id)))
    _recompute_from_last_report(connection, true())
    if dashboard:
        rebuild_dashboard_totals(connection)


def _recompute(connection, which) -> None:
    """Every figure of the rows ``which`` selects; each statement reads the employee's own rows by index."""
    connection.execute(update(TOTAL).where(which).values(
        last_reported_on=select(func.max(DailyActivity.activity_date)).where(_OWN, _SENT).scalar_subquery(),
        waiting=select(func.count()).select_from(DailyActivity)
        .where(_OWN, DailyActivity.status == "submitted").scalar_subquery()))
    _recompute_from_last_report(connection, which)


def _recompute_from_last_report(connection, which) -> None:
    """The week and month of the last report and their counts, and the achievement."""
    last_reports = connection.execute(select(TOTAL.c.employee_id, TOTAL.c.last_reported_on).where(which)).all()
    achievements = _achievements(connection, which)
    if last_reports:
        connection.execute(
            update(TOTAL).where(TOTAL.c.employee_id == bindparam("row_employee")).values(
                week_of=bindparam("row_week"), month_of=bindparam("row_month"),
                achievement_period_id=bindparam("row_period"), achievement=bindparam("row_achievement")),
            [{"row_employee": employee_id,
              "row_week": week_start(last) if last else None, "row_month": month_start(last) if last else None,
              "row_period": achievements.get(employee_id, (None, None))[0],
              "row_achievement": achievements.get(employee_id, (None, None))[1]}
             for employee_id, last in last_reports])
    # Counted from the week's and the month's first day: no report is dated after the last one.
    connection.execute(update(TOTAL).where(which).values(
        week_count=select(func.count()).select_from(DailyActivity)
        .where(_OWN, _SENT, DailyActivity.activity_date >= TOTAL.c.week_of).scalar_subquery(),
        month_count=select(func.count()).select_from(DailyActivity)
        .where(_OWN, _SENT, DailyActivity.activity_date >= TOTAL.c.month_of).scalar_subquery()))


def _achievements(connection, which) -> dict[int, tuple[int, Decimal | None]]:
    """(period id, ``plan_progress``) per employee: of the newest approved SKP version of the newest period
    that has begun in which the employee has one, from the indicators' running totals of approved volume. A
    next year's SKP, approved in December, does not replace this year's figure before its year begins."""
    newest: dict[int, tuple[int, int]] = {}
    for employee_id, plan_id, period_id in connection.execute(
            select(WorkPlan.employee_id, WorkPlan.id, WorkPlan.period_id)
            .join(Period, WorkPlan.period_id == Period.id)
            .join(TOTAL, TOTAL.c.employee_id == WorkPlan.employee_id)
            .where(which, WorkPlan.status == "approved", Period.start_date <= today())
            .order_by(WorkPlan.employee_id, Period.start_date.desc(), WorkPlan.version.desc())):
        newest.setdefault(employee_id, (plan_id, period_id))
    progress: dict[int, list] = defaultdict(list)
    plan_ids = sorted(plan_id for plan_id, _ in newest.values())
    for start in range(0, len(plan_ids), _CHUNK):
        for plan_id, volume, target in connection.execute(
                select(WorkResult.work_plan_id, func.coalesce(IndicatorProgress.approved_volume, 0),
                       ResultIndicator.target_value)
                .join(WorkResult, ResultIndicator.work_result_id == WorkResult.id)
                .outerjoin(IndicatorProgress, IndicatorProgress.result_indicator_id == ResultIndicator.id)
                .where(WorkResult.work_plan_id.in_(plan_ids[start:start + _CHUNK]),
                       ResultIndicator.aspect == QUANTITY_ASPECT, ResultIndicator.target_value > 0)):
            progress[plan_id].append((volume, target))
    return {employee_id: (period_id, plan_progress(progress[plan_id]))
            for employee_id, (plan_id, period_id) in newest.items()}


# --- the dashboard's totals (issue 21) -----------------------------------------------------------------
# The monitoring dashboard polls every 30 seconds; counting a whole government's activities of the week and
# joining every IKI of the period on each poll cost a second of SQL. Two small tables carry those figures:
# per agency and day the activities sent and waiting (moved by each flush: a change of status, date or
# agency adds to one count and takes from another, one upsert per agency and day, so two writers both
# count), and per SKP the sum of its IKIs' achievement shares (recomputed with the employee's totals).

DAY_TOTAL = ActivityDayTotal.__table__
PLAN_TOTAL = WorkPlanAchievementTotal.__table__
_DAY_FIELDS = ("agency_id", "activity_date", "status")
_DAYS_BEFORE = "dashboard_days_before_flush"


def _day_key(values) -> tuple | None:
    agency_id, day, status = values
    return None if agency_id is None or day is None else (agency_id, day, status)


def _add_to_day(deltas: dict, key: tuple | None, sign: int) -> None:
    if key is None:
        return
    agency_id, day, status = key
    counts = deltas.setdefault((agency_id, day), [0, 0])
    counts[0] += sign * (status != "draft")
    counts[1] += sign * (status == "submitted")


def _add_day_counts(connection, deltas: dict) -> None:
    """Add ``{(agency, day): [sent, submitted]}`` to the day totals, in agency and day order (two writers
    lock the rows in the same order and never deadlock)."""
    rows = [{"agency_id": agency_id, "activity_date": day, "sent": sent, "submitted": submitted}
            for (agency_id, day), (sent, submitted) in sorted(deltas.items()) if sent or submitted]
    if not rows:
        return
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(DAY_TOTAL)
    connection.execute(statement.on_conflict_do_update(
        index_elements=[DAY_TOTAL.c.agency_id, DAY_TOTAL.c.activity_date],
        set_={"sent": DAY_TOTAL.c.sent + statement.excluded.sent,
              "submitted": DAY_TOTAL.c.submitted + statement.excluded.submitted}), rows)


def _note_days_before_flush(session, flush_context, instances) -> None:
    session.info[_DAYS_BEFORE] = values_before_flush(session, DailyActivity, _DAY_FIELDS)


def _count_flushed_days(session, flush_context) -> None:
    deltas: dict = {}
    before = session.info.pop(_DAYS_BEFORE, {})
    for values, sign in flushed_changes(session, DailyActivity, _DAY_FIELDS, before):
        _add_to_day(deltas, _day_key(tuple(values[name] for name in _DAY_FIELDS)), sign)
    _add_day_counts(session.connection(), deltas)


def _day_counts_of(connection, activity_ids: list[int]) -> dict:
    deltas: dict = {}
    for start in range(0, len(activity_ids), _CHUNK):
        for agency_id, day, status, count in connection.execute(
                select(DailyActivity.agency_id, DailyActivity.activity_date, DailyActivity.status, func.count())
                .where(DailyActivity.id.in_(activity_ids[start:start + _CHUNK]))
                .group_by(DailyActivity.agency_id, DailyActivity.activity_date, DailyActivity.status)):
            _add_to_day(deltas, (agency_id, day, status), count)
    return deltas


def _count_bulk_days(execute_state):
    # session.execute(insert / update / delete(DailyActivity)): the rows' counts before and after the statement.
    inserted = inserted_rows(execute_state, {DailyActivity.__tablename__})
    if inserted is not None:
        deltas: dict = {}
        for row in inserted:
            _add_to_day(deltas, _day_key((row.get("agency_id"), row.get("activity_date"),
                                          row.get("status", "draft"))), +1)
        result = execute_state.invoke_statement()
        _add_day_counts(execute_state.session.connection(), deltas)
        return result
    if not (execute_state.is_update or execute_state.is_delete):
        return None
    if getattr(getattr(execute_state.statement, "table", None), "name", None) != DailyActivity.__tablename__:
        return None
    connection = execute_state.session.connection()
    ids = affected_ids(execute_state)
    before = _day_counts_of(connection, ids)
    result = execute_state.invoke_statement()
    deltas = _day_counts_of(connection, ids) if execute_state.is_update else {}
    for key, (sent, submitted) in before.items():
        counts = deltas.setdefault(key, [0, 0])
        counts[0] -= sent
        counts[1] -= submitted
    _add_day_counts(connection, deltas)
    return result


def _share():
    """An IKI's achievement share as ``app.services.activity.realisation_by_unit`` defines it (capped at 1)."""
    volume = cast(func.coalesce(IndicatorProgress.approved_volume, 0), Float)
    return case((volume >= ResultIndicator.target_value, 1.0), else_=volume / ResultIndicator.target_value)


_PLAN_COLUMNS = ["work_plan_id", "period_id", "agency_id", "employee_id", "evaluator_id", "employee_agency_id",
                 "employee_unit_id", "indicators", "shares"]


def _plan_achievements(which):
    """One row per approved SKP that ``which`` selects (a condition on the SKP): its quantity IKIs with a
    target and the sum of their shares, with the SKP's scope columns and the employee's agency and unit."""
    return (select(WorkPlan.id, WorkPlan.period_id, WorkPlan.agency_id, WorkPlan.employee_id,
                   WorkPlan.evaluator_id, Employee.agency_id, Employee.unit_id, func.count(), func.sum(_share()))
            .select_from(ResultIndicator)
            .join(WorkResult, ResultIndicator.work_result_id == WorkResult.id)
            .join(WorkPlan, WorkResult.work_plan_id == WorkPlan.id)
            .join(Employee, WorkPlan.employee_id == Employee.id)
            .outerjoin(IndicatorProgress, IndicatorProgress.result_indicator_id == ResultIndicator.id)
            .where(which, WorkPlan.status == "approved", ResultIndicator.aspect == QUANTITY_ASPECT,
                   ResultIndicator.target_value > 0)
            .group_by(WorkPlan.id, WorkPlan.period_id, WorkPlan.agency_id, WorkPlan.employee_id,
                      WorkPlan.evaluator_id, Employee.agency_id, Employee.unit_id))


def refresh_plan_achievements(connection, employee_ids: Iterable[int]) -> None:
    """Recompute the achievement sums of the approved SKPs of ``employee_ids``; run after ``refresh``, whose
    row locks keep two transactions of the same employee from recomputing at once."""
    ids = sorted(set(employee_ids))
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        connection.execute(PLAN_TOTAL.delete().where(PLAN_TOTAL.c.employee_id.in_(chunk)))
        connection.execute(PLAN_TOTAL.insert().from_select(_PLAN_COLUMNS,
                                                            _plan_achievements(WorkPlan.employee_id.in_(chunk))))


_PLACEMENT = ("unit_id", "agency_id", "unit", "agency")


def _collect_employees(session, flush_context) -> None:
    # A new employee gets their row at once (the dashboard's idle list reads every employee's row), and one
    # who moves to another unit or agency gets their SKPs' rows again (they carry the unit it groups by).
    touched = session.info.setdefault(_TOUCHED, set())
    for row in chain(session.new, session.dirty):
        if isinstance(row, Employee) and (row in session.new or any(
                inspect(row).attrs[name].history.has_changes() for name in _PLACEMENT)):
            touched.add(row.id)


def rebuild_dashboard_totals(connection) -> None:
    """Recompute both dashboard tables from the activities and the IKIs (after a bulk load)."""
    connection.execute(DAY_TOTAL.delete())
    connection.execute(DAY_TOTAL.insert().from_select(
        ["agency_id", "activity_date", "sent", "submitted"],
        select(DailyActivity.agency_id, DailyActivity.activity_date,
               func.count(case((DailyActivity.status != "draft", 1))),
               func.count(case((DailyActivity.status == "submitted", 1))))
        .group_by(DailyActivity.agency_id, DailyActivity.activity_date)))
    connection.execute(PLAN_TOTAL.delete())
    connection.execute(PLAN_TOTAL.insert().from_select(_PLAN_COLUMNS, _plan_achievements(true())))


# --- the session's watch ------------------------------------------------------------------------------

def _employee_of(row) -> int | None:
    value = inspect(row).dict.get("employee_id")
    return value if value is not None else getattr(row, "employee_id", None)


def _collect(session, flush_context) -> None:
    touched = session.info.setdefault(_TOUCHED, set())
    for row in chain(session.new, session.dirty, session.deleted):
        if isinstance(row, _SOURCES):
            employee_id = _employee_of(row)
            if employee_id is not None:
                touched.add(employee_id)


def _collect_bulk(execute_state) -> None:
    # session.execute(insert / update / delete(DailyActivity)) bypasses the flush: note the employees whose
    # rows the statement is about to change, before it runs.
    inserted = inserted_rows(execute_state, {source.__tablename__ for source in _SOURCES})
    if inserted is not None:
        touched = execute_state.session.info.setdefault(_TOUCHED, set())
        touched.update(row["employee_id"] for row in inserted if row.get("employee_id") is not None)
        results = sorted({row["work_result_id"] for row in inserted if row.get("work_result_id") is not None})
        for start in range(0, len(results), _CHUNK):  # an IKI: the employee of its SKP
            touched.update(execute_state.session.connection().scalars(
                select(WorkPlan.employee_id).join(WorkResult, WorkResult.work_plan_id == WorkPlan.id)
                .where(WorkResult.id.in_(results[start:start + _CHUNK]))))
        return
    if not (execute_state.is_update or execute_state.is_delete):
        return
    table = getattr(execute_state.statement, "table", None)
    if table is None or table.name not in {source.__tablename__ for source in _SOURCES}:
        return
    employees = select(table.c.employee_id).distinct()
    if execute_state.statement.whereclause is not None:
        employees = employees.where(execute_state.statement.whereclause)
    touched = execute_state.session.info.setdefault(_TOUCHED, set())
    touched.update(execute_state.session.connection().scalars(employees))


def _refresh_touched(session) -> None:
    # The commit flushes only after this hook: flush first, so the last changes are counted too.
    session.flush()
    touched = session.info.pop(_TOUCHED, None)
    if touched:
        refresh(session.connection(), touched)
        refresh_plan_achievements(session.connection(), touched)  # after the lock ``refresh`` took


def _forget(session) -> None:
    session.info.pop(_TOUCHED, None)


_LISTENERS = (("before_flush", _note_days_before_flush), ("after_flush", _collect),
              ("after_flush", _count_flushed_days), ("after_flush", _collect_employees),
              # After _collect_bulk: this one runs the statement itself, and listeners after it are skipped.
              ("do_orm_execute", _collect_bulk), ("do_orm_execute", _count_bulk_days),
              ("before_commit", _refresh_touched),
              ("after_rollback", _forget), ("after_commit", _forget))


def install(session) -> None:
    """Attach the listeners to the application's session (once per process), beside the audit log's."""
    for name, listener in _LISTENERS:
        if not event.contains(session, name, listener):
            event.listen(session, name, listener)
