"""Per-employee running totals of the leaders' table (issue 19), kept in the transaction that writes.

The table filters and sorts every employee in scope by achievement, activities this week and this month,
working days since the last report and activities waiting for approval. Counting ten million activities
for that on each request is what made the whole-government sorts miss their budget; the figures are
therefore kept per employee (``EmployeePerformanceTotal``) and read from indexed columns.

Why the session and not a call in each use-case: the figures come from activities, SKPs and their
indicators, which many paths write (the activity form, the list actions, the REST API, bulk decisions, the
SKP workflow, seeds, scripts). Like the audit log and document freshness, this watches the session:

* after each flush, and before a bulk UPDATE/DELETE through the session, the employees whose activities,
  SKPs or IKIs are written are noted;
* before commit, their rows are recomputed (``refresh``) from the rows themselves: a handful of index
  probes on that employee's own activities and plans, so a figure is exact whatever path wrote it, a
  returned or deleted activity is never counted twice, and the figure is live as soon as the write commits.

Two transactions writing for the same employee at once: the rows are locked in employee order before they
are recomputed, and on PostgreSQL (READ COMMITTED) each statement after the lock sees what the transaction
that held it committed, so both writes count. ``rebuild`` recomputes every row after a bulk load (the
province generator, the migration that created the table).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from itertools import chain

from sqlalchemy import bindparam, case, event, func, inspect, literal, select, true, update
from sqlalchemy.dialects import postgresql, sqlite

from app.domain.achievement import plan_progress
from app.domain.workdays import month_start, week_start
from app.models import Employee
from app.models.activity import DailyActivity, IndicatorProgress
from app.models.performance import EmployeePerformanceTotal
from app.models.planning import Period, ResultIndicator, WorkPlan, WorkResult
from app.services.activity import QUANTITY_ASPECT, today

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


def rebuild(connection) -> None:
    """Recompute every employee's totals (after a bulk load that wrote past the session). The last report
    and the waiting count come from one grouped pass over the activities: per employee, the index probes of
    ``refresh`` would read all ten million rows one by one."""
    connection.execute(TOTAL.delete())
    reports = (select(DailyActivity.employee_id, func.max(DailyActivity.activity_date).label("last_reported_on"),
                      func.count(case((DailyActivity.status == "submitted", 1))).label("waiting"))
               .where(_SENT).group_by(DailyActivity.employee_id).subquery())
    connection.execute(TOTAL.insert().from_select(
        ["employee_id", "last_reported_on", "waiting", "week_count", "month_count"],
        select(Employee.id, reports.c.last_reported_on, func.coalesce(reports.c.waiting, 0), literal(0), literal(0))
        .outerjoin(reports, reports.c.employee_id == Employee.id)))
    _recompute_from_last_report(connection, true())


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
    # session.execute(update(DailyActivity) / delete(...)) bypasses the flush: note the employees whose rows
    # the statement is about to change, before it runs.
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


def _forget(session) -> None:
    session.info.pop(_TOUCHED, None)


_LISTENERS = (("after_flush", _collect), ("do_orm_execute", _collect_bulk), ("before_commit", _refresh_touched),
              ("after_rollback", _forget), ("after_commit", _forget))


def install(session) -> None:
    """Attach the listeners to the application's session (once per process), beside the audit log's."""
    for name, listener in _LISTENERS:
        if not event.contains(session, name, listener):
            event.listen(session, name, listener)
