"""Scale benchmark of the daily activities (issue 4): a province-sized volume, then p50/p95 of the
three hot pages' queries — the employee's own week (/activity/mine), the evaluator queue
(/activity/queue) and the leader dashboard (/activity-dashboard/data, one agency and the whole
government) — each next to a hand-written bare SQL equivalent so the app/bare ratio is visible.

    .venv/bin/python bench/activity_scale.py [--activities 1000000] [--employees 20000]
        [--database URL] [--repeat 30]

The data come from the province generator (app/demo/generator.py, `flask generate province`): 40
agencies, the employees with their SKPs, the activities. Without --database a scratch SQLite file is used;
a PostgreSQL database must be named ``bench`` (its public schema is DROPPED and recreated, then migrated).
bench/run_all.py measures the same pages over HTTP under concurrent users; this script isolates the
queries in-process. A benchmark, not a test: nothing is asserted.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _load import dashboard_statements, percentile, recreate_postgres_schema, sqlalchemy_url  # noqa: E402

SLOW_MS = 300


def _prepare_database(url: str) -> str:
    if url.startswith("postgresql"):
        recreate_postgres_schema(url)
    return sqlalchemy_url(url)


def _database_size(db, url: str) -> str:
    from sqlalchemy import text

    if db.engine.dialect.name == "postgresql":
        total = db.session.scalar(text("SELECT pg_database_size(current_database())"))
        table = db.session.scalar(text("SELECT pg_total_relation_size('daily_activity')"))
        return f"database {total / 2**20:,.0f} MiB, daily_activity with indexes {table / 2**20:,.0f} MiB"
    path = Path(url.split("sqlite:///", 1)[1])
    total = sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
    return f"SQLite file {total / 2**20:,.0f} MiB ({path})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--activities", type=int, default=1_000_000)
    parser.add_argument("--employees", type=int, default=20_000)
    parser.add_argument("--database", default=None)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    overall = time.perf_counter()
    instance = tempfile.mkdtemp(prefix="sikinerja-activity-bench-")
    os.environ["SIKINERJA_INSTANCE"] = instance
    url = _prepare_database(args.database or f"sqlite:///{instance}/bench.db")

    import flask
    from flask_migrate import upgrade
    from sqlalchemy import func, select, text

    from app import create_app
    from app.extensions import db
    from app.models import Employee, Position
    from app.models.activity import DailyActivity
    from app.models.security import UserAccount
    from app.security.scope import scoped_select
    from app.services import activity as activities
    from app.services import seeding
    from app.demo.generator import ProvinceSize, generate_province

    app = create_app(SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        started = time.perf_counter()
        upgrade()
        seeding.seed_everything(None, demo=False)
        print(f"{db.engine.dialect.name}: migrated, reference data in {time.perf_counter() - started:.1f} s")
        report = generate_province(ProvinceSize(employees=args.employees, activities=args.activities,
                                                survey_responses=0), args.seed, app.config["DEMO_PASSWORD"],
                                   progress=print)
        speed = report.figures["daily_activity"].rows_per_second
        size = _database_size(db, url)
        users = {u.username: u.id for u in db.session.scalars(select(UserAccount))}
        leader_name = report.personas["agency_leader"]
        largest = db.session.scalar(select(UserAccount).where(UserAccount.username == leader_name)).employee.agency_id
        staff = list(db.session.scalars(select(Employee.id).where(Employee.position_id.is_not(None))))
        subordinates = dict(db.session.execute(
            select(Employee.id, func.count()).join(Position, Position.parent_id == Employee.position_id)
            .group_by(Employee.id)).all())
        db.session.remove()

    rng = random.Random(args.seed + 1)
    busiest = sorted(subordinates, key=subordinates.get, reverse=True)[:20]
    day = activities.today()
    week_start = day - dt.timedelta(days=day.weekday())
    results = []

    def measure(label, app_call, bare_call, repeat=args.repeat):
        """``app_call(i)`` and ``bare_call(i)`` run inside a request context; the session is reset between."""
        app_times, bare_times, info = [], [], ""
        for i in range(repeat):
            for call, times in ((app_call, app_times), (bare_call, bare_times)):
                with app.test_request_context():
                    begin = time.perf_counter()
                    out = call(i)
                    times.append((time.perf_counter() - begin) * 1000)
                    if call is app_call and i == 0:
                        info = out
                    db.session.remove()
        results.append((label, statistics.median(app_times), percentile(app_times, 0.95),
                        statistics.median(bare_times), info))

    def as_user(name):
        flask.g.user = db.session.get(UserAccount, users[name])

    def as_evaluator(employee_id):
        """The scope an Evaluator account of that employee would have (a stand-in user object)."""
        flask.g.user = SimpleNamespace(id=-employee_id, is_authenticated=True, agencies=[],
                                       roles=[SimpleNamespace(name="Evaluator"), SimpleNamespace(name="Employee")],
                                       employee=db.session.get(Employee, employee_id))

    # (1) the employee's own week, as /activity/mine does (own_summary from Monday to today)
    week_people = [rng.choice(staff) for _ in range(args.repeat)]

    def own_week(i):
        items, _totals = activities.own_summary(week_people[i], week_start, day)
        return f"{len(items)} rows"

    def own_week_bare(i):
        return db.session.execute(text(
            "SELECT * FROM daily_activity WHERE employee_id = :e AND activity_date BETWEEN :s AND :d "
            "ORDER BY activity_date DESC, start_time DESC"), {"e": week_people[i], "s": week_start, "d": day}).all()

    measure("own week (/activity/mine)", own_week, own_week_bare)

    # (2) the evaluator queue, the query of ActivityView.queue, for the busiest evaluators
    queue_people = [rng.choice(busiest) for _ in range(args.repeat)]

    def queue(i):
        as_evaluator(queue_people[i])
        rows = list(db.session.scalars(scoped_select(DailyActivity).where(
            DailyActivity.evaluator_id == queue_people[i], DailyActivity.status == "submitted")
            .order_by(DailyActivity.activity_date, DailyActivity.id).limit(200)))
        return f"{len(rows)} rows, {subordinates[queue_people[i]]} subordinates"

    def queue_bare(i):
        return db.session.execute(text(
            "SELECT * FROM daily_activity WHERE evaluator_id = :e AND status = 'submitted' "
            "ORDER BY activity_date, id LIMIT 200"), {"e": queue_people[i]}).all()

    measure("evaluator queue (/activity/queue)", queue, queue_bare)

    # (3)/(4) the dashboard data: one agency (its Leader) and the whole government (Sekda; Admin)
    def dashboard_of(user, agency_id):
        def call(_):
            as_user(user)
            figures = activities.dashboard(agency_id=agency_id)
            return (f"idle {figures['idle_count']}, backlog {figures['backlog']}, "
                    f"{len(figures['units'])} units")
        return call

    def dashboard_bare(agency_id):
        def call(_):
            idle_from = activities.last_working_days(3, day)[0]  # the app computes it too
            values = {"a": agency_id, "d": day, "w": week_start, "i": idle_from}
            for sql in dashboard_statements(agency_id):
                db.session.execute(text(sql), values).all()
        return call

    measure("dashboard, largest agency (its head)", dashboard_of(leader_name, largest), dashboard_bare(largest))
    measure("dashboard, government (bupati)", dashboard_of("bupati", None), dashboard_bare(None))
    measure("dashboard, government (admin)", dashboard_of("admin", None), dashboard_bare(None))

    print()
    print(f"{url.split(':')[0]}: {args.activities:,d} activities, "
          f"{args.employees:,d} employees, repeat {args.repeat}")
    print(f"generation {speed:,.0f} activities/s; {size}")
    header = f"{'query':40} {'p50 ms':>9} {'p95 ms':>9} {'bare p50':>9} {'ratio':>7}  result"
    print(header)
    print("-" * len(header))
    for label, p50, p95, bare, info in results:
        flag = "  <-- slow" if p95 > SLOW_MS else ""
        print(f"{label:40} {p50:9.1f} {p95:9.1f} {bare:9.1f} {p50 / bare if bare else 0:7.1f}  {info}{flag}")
    print(f"end to end {time.perf_counter() - overall:.0f} s")


if __name__ == "__main__":
    main()
