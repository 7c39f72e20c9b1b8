"""SQL time per poll of the leaders' dashboards (issue 21): the monitoring dashboard's 30-second poll
(``/activity-dashboard/data``) and the leaders' block of the home page, for the whole government and for one
agency, each next to the bare SQL of the same figures.

    .venv/bin/python bench/dashboard.py --database postgresql://postgres@127.0.0.1/bench_l [--repeat 20]
        [--only word,word]

The database comes from ``flask generate province`` (README, "Benchmarks") and is only read: every
connection is opened read-only, so a write would fail rather than change it. Per poll the time the database
took (from sending each statement to its last row, summed: "SQL ms") and the number of statements are
measured in-process, in a request context signed in as the generator's personas: the head of the largest
agency (agency scope), the regent (Leader of every agency) and Admin (global). The bare SQL is the
hand-written set of statements that reads the same figures from the running totals the app keeps
(``bare_statements``); the long way (``_load.dashboard_statements``: counting the activities themselves) is shown
too, as the cost the totals avoid. Budget (issue 21): ≤ 50 ms of SQL per poll. ``--only word,word`` measures
the cases whose label holds one of the words. A benchmark, not a test: nothing is asserted.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import event, text

from _load import dashboard_statements, percentile, sqlalchemy_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

BUDGET_MS = 50


def bare_statements(agency_id: int | None) -> list[str]:
    """The dashboard's figures read by hand from the running totals the app keeps (per agency and day, per
    employee, per SKP): what the app's statements should cost at best."""
    where = "WHERE agency_id = :a" if agency_id else ""
    return [
        "SELECT sum(CASE WHEN activity_date = :d THEN sent ELSE 0 END), "
        f"sum(CASE WHEN activity_date BETWEEN :w AND :d THEN sent ELSE 0 END), sum(submitted) "
        f"FROM activity_day_total {where}",
        "SELECT min((SELECT min(submitted_at) FROM daily_activity a WHERE a.status = 'submitted' "
        "AND a.agency_id = g.id)) FROM agency g" + (" WHERE g.id = :a" if agency_id else ""),
        "SELECT e.id, e.name, t.last_reported_on, count(*) OVER () FROM employee e "
        "JOIN employee_performance_total t ON t.employee_id = e.id WHERE e.active "
        + ("AND e.agency_id = :a " if agency_id else "")
        + "AND (t.last_reported_on < :i OR t.last_reported_on IS NULL) "
        "ORDER BY t.last_reported_on IS NOT NULL, t.last_reported_on, e.name LIMIT 20",
        "SELECT employee_agency_id, employee_unit_id, sum(shares), sum(indicators) FROM work_plan_achievement_total "
        "WHERE period_id = (SELECT id FROM period WHERE status = 'running' ORDER BY year DESC LIMIT 1) "
        + ("AND agency_id = :a " if agency_id else "") + "AND indicators > 0 GROUP BY 1, 2",
    ]


class StatementClock:
    """Sums the time of each statement sent through the engine (execute to the last row fetched)."""

    def __init__(self, engine):
        self.statements: list[tuple[float, str]] = []
        self._started: dict[int, float] = {}
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn, cursor, statement, parameters, context, executemany):
        self._started[id(cursor)] = time.perf_counter()

    def _after(self, conn, cursor, statement, parameters, context, executemany):
        began = self._started.pop(id(cursor), None)
        if began is not None:
            self.statements.append(((time.perf_counter() - began) * 1000, statement))

    def reset(self) -> None:
        self.statements = []

    def total_ms(self) -> float:
        return sum(ms for ms, _ in self.statements)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--only", default="", help="comma-separated words: the cases whose label has one")
    args = parser.parse_args()
    os.environ.setdefault("SIKINERJA_INSTANCE", tempfile.mkdtemp(prefix="sikinerja-dashboard-bench-"))
    url = sqlalchemy_url(args.database)
    options = ({"connect_args": {"options": "-c default_transaction_read_only=on"}}
               if url.startswith("postgresql") else {})

    import flask
    from sqlalchemy import func, select

    from app import create_app
    from app.extensions import db
    from app.models import Employee
    from app.models.security import UserAccount
    from app.security.scope import current_scope
    from app.services import activity as activities
    from app.services import home

    app = create_app(SQLALCHEMY_DATABASE_URI=url, SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True, **options})
    with app.app_context():
        # The head of the largest agency: the agency leader persona of the generator.
        largest = db.session.scalar(select(Employee.agency_id).group_by(Employee.agency_id)
                                    .order_by(func.count().desc()).limit(1))
        leader = db.session.scalar(
            select(UserAccount.username).join(Employee, UserAccount.employee_id == Employee.id)
            .join(UserAccount.roles).where(Employee.agency_id == largest)
            .where(text("ab_role.name = 'Leader'")).order_by(UserAccount.id).limit(1))
        users = {name: db.session.scalar(select(UserAccount.id).where(UserAccount.username == name))
                 for name in (leader, "bupati", "admin")}
        clock, dialect = StatementClock(db.engine), db.engine.dialect.name
        day = activities.today()
        values = {"a": largest, "d": day, "w": day - dt.timedelta(days=day.weekday()),
                  "i": activities.last_working_days(3, day)[0], "y": dt.datetime(day.year, 1, 1)}
        db.session.remove()

    def poll(agency_id):
        return lambda: activities.dashboard(agency_id=agency_id)

    def home_block():
        return home.leader_home(current_scope(), day)

    def bare(statements):
        def run():
            for sql in statements:
                db.session.execute(text(sql), values).all()
        return run

    cases = [
        ("poll, largest agency (its head)", leader, poll(None), largest),
        ("poll, one agency chosen (admin)", "admin", poll(largest), largest),
        ("poll, government (bupati)", "bupati", poll(None), None),
        ("poll, government (admin)", "admin", poll(None), None),
        ("home page, largest agency (its head)", leader, home_block, False),
        ("home page, government (bupati)", "bupati", home_block, False),
    ]
    words = [word for word in args.only.split(",") if word]
    rows = []
    for label, user, call, agency in cases:
        if words and not any(word in label for word in words):
            continue
        figures = {"app": ([], []), "bare": ([], []), "long": ([], [])}
        costliest = (0.0, "")
        sides = [("app", call)]
        if agency is not False:  # the home page's other blocks have no bare counterpart here
            sides += [("bare", bare(bare_statements(agency))), ("long", bare(dashboard_statements(agency)))]
        for i in range(args.repeat + 1):  # the first round warms the caches and is not counted
            for side, run in sides:
                if run is None:
                    continue
                with app.test_request_context():
                    flask.g.user = db.session.get(UserAccount, users[user])
                    current_scope()  # the scope is read once per request, before the figures
                    clock.reset()
                    run()
                    db.session.remove()
                if i:
                    figures[side][0].append(clock.total_ms())
                    figures[side][1].append(len(clock.statements))
                    if side == "app":
                        costliest = max([costliest, *clock.statements])
        app_ms, app_count = figures["app"]
        bare_ms, long_ms = figures["bare"][0], figures["long"][0]
        rows.append((label, statistics.median(app_ms), min(app_ms), percentile(app_ms, 0.95),
                     statistics.median(app_count),
                     statistics.median(bare_ms) if bare_ms else None, min(bare_ms) if bare_ms else None,
                     statistics.median(long_ms) if long_ms else None, costliest))

    print(f"\n{dialect}: SQL ms per poll, repeat {args.repeat} (budget {BUDGET_MS} ms)")
    header = (f"{'case':38} {'p50':>8} {'min':>8} {'p95':>8} {'stmts':>5} {'bare p50':>9} {'bare min':>9}"
              f" {'ratio':>6} {'long p50':>9}  budget")
    print(header)
    print("-" * len(header))
    for label, p50, low, p95, count, bare_p50, bare_min, long_p50, _ in rows:
        ratio = f"{p50 / bare_p50:6.1f}" if bare_p50 else f"{'-':>6}"
        bare_cols = f"{bare_p50:9.1f} {bare_min:9.1f}" if bare_p50 is not None else f"{'-':>9} {'-':>9}"
        long_col = f"{long_p50:9.1f}" if long_p50 is not None else f"{'-':>9}"
        print(f"{label:38} {p50:8.1f} {low:8.1f} {p95:8.1f} {count:5.0f} {bare_cols} {ratio} {long_col}  "
              f"{'held' if p50 <= BUDGET_MS else 'MISSED'}")
    print("\ncostliest statement per case (ms, first 160 characters):")
    for label, *_, (ms, sql) in rows:
        print(f"  {label}: {ms:.1f} ms  {' '.join(sql.split())[:160]}")


if __name__ == "__main__":
    main()
