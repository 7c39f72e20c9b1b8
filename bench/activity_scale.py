"""Scale benchmark of the daily activities (issue 4): a province-sized volume, then p50/p95 of the
three hot pages' queries — the employee's own week (/activity/mine), the evaluator queue
(/activity/queue) and the leader dashboard (/activity-dashboard/data, one agency and the whole
government) — each next to a hand-written bare SQL equivalent so the app/bare ratio is visible.

    .venv/bin/python bench/activity_scale.py [--activities 1000000] [--employees 20000]
        [--database URL] [--repeat 30]

Without --database a scratch SQLite file is used. postgresql://127.0.0.1/test is treated as a
scratch database: its public schema is DROPPED and recreated, then migrated — never point it at
real data. A benchmark, not a test: nothing is asserted.
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

BATCH = 10_000
SLOW_MS = 300


def _percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _prepare_database(url: str) -> str:
    if url.startswith("postgresql://"):
        url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    if url.startswith("postgresql"):
        from sqlalchemy import create_engine, text

        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    return url


def _generate(db, employees_wanted: int, activities_wanted: int, seed: int):
    """Bulk-insert employees (with positions under demo positions) and activities; Core only."""
    from sqlalchemy import func, insert, select

    from app.domain.workdays import is_working_day
    from app.models import Employee, Position
    from app.models.activity import DailyActivity, Holiday
    from app.models.planning import Period, ResultIndicator, WorkResult
    from app.services.activity import today

    rng = random.Random(seed)
    session = db.session
    demo_positions = session.execute(select(Position.id, Position.agency_id, Position.unit_id)).all()
    holders = dict(session.execute(select(Employee.position_id, func.min(Employee.id))
                                   .where(Employee.position_id.is_not(None), Employee.active.is_(True))
                                   .group_by(Employee.position_id)).all())
    parents = [p for p in demo_positions if p.id in holders]
    with_children = set(session.scalars(select(Position.parent_id).where(Position.parent_id.is_not(None))))
    leaf_kind = session.scalar(select(Position.kind_id).where(Position.id.not_in(with_children))
                               .group_by(Position.kind_id).order_by(func.count().desc()).limit(1))
    max_position = session.scalar(select(func.max(Position.id))) or 0
    max_employee = session.scalar(select(func.max(Employee.id))) or 0

    # --- employees, each in a new staff position under a random demo position -------------------
    started = time.perf_counter()
    staff = []  # (employee_id, agency_id, unit_id, evaluator_id)
    position_rows, employee_rows = [], []
    for index in range(employees_wanted):
        parent = rng.choice(parents)
        position_id, employee_id = max_position + 1 + index, max_employee + 1 + index
        # Unique, valid-looking 18-digit NIP: birth date (unique per 12,000), TMT CPNS, sex, serial >= 500.
        birth = dt.date(1966, 1, 1) + dt.timedelta(days=index % 12000)
        cpns = dt.date(min(birth.year + 23 + rng.randrange(8), 2024), 1 + rng.randrange(12), 1)
        sex = rng.choice("MF")
        position_rows.append({"id": position_id, "agency_id": parent.agency_id, "unit_id": parent.unit_id,
                              "parent_id": parent.id, "kind_id": leaf_kind, "code": f"BENCH-{position_id}",
                              "name": "Pelaksana (uji beban)", "active": True})
        employee_rows.append({
            "id": employee_id,
            "nip": f"{birth:%Y%m%d}{cpns:%Y%m}{1 if sex == 'M' else 2}{500 + index // 12000:03d}",
            "employment_type": "PNS", "name": f"Pegawai Uji {index:05d}", "sex": sex, "birth_date": birth,
            "tmt_cpns": cpns, "appointment_year": cpns.year, "agency_id": parent.agency_id,
            "unit_id": parent.unit_id, "position_id": position_id, "active": True})
        staff.append((employee_id, parent.agency_id, parent.unit_id, holders[parent.id]))
        if len(employee_rows) == BATCH or index == employees_wanted - 1:
            session.execute(insert(Position.__table__), position_rows)
            session.execute(insert(Employee.__table__), employee_rows)
            session.commit()
            position_rows, employee_rows = [], []
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy import text
        for table in ("position", "employee"):
            session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                 f"(SELECT max(id) FROM {table}))"))
        session.commit()
    print(f"employees: {employees_wanted} inserted in {time.perf_counter() - started:.1f} s")

    # --- activities over the past 12 months' working days ---------------------------------------
    end = today() - dt.timedelta(days=1)
    begin = end - dt.timedelta(days=365)
    holidays = set(session.scalars(select(Holiday.date)))
    days = [begin + dt.timedelta(days=i) for i in range(366)]
    days = [d for d in days if is_working_day(d, holidays)]
    periods = {p.year: p.id for p in session.scalars(select(Period))}
    for year in {d.year for d in days} - set(periods):
        session.execute(insert(Period.__table__), [{"year": year, "name": f"Tahun {year}",
                                                    "start_date": dt.date(year, 1, 1),
                                                    "end_date": dt.date(year, 12, 31), "status": "closed"}])
        session.commit()
        periods[year] = session.scalar(select(Period.id).where(Period.year == year))
    links = session.execute(select(ResultIndicator.work_result_id, ResultIndicator.id, ResultIndicator.target_unit)
                            .join(WorkResult, WorkResult.id == ResultIndicator.work_result_id)
                            .where(ResultIndicator.aspect == "KUANTITAS")).all()
    starts = [dt.time(h, m) for h in (7, 8, 9, 10, 13) for m in (0, 30)]
    table = DailyActivity.__table__
    started = time.perf_counter()
    rows, done = [], 0
    for index in range(activities_wanted):
        day = days[index * len(days) // activities_wanted]  # inserted in date order, like real life
        employee_id, agency_id, unit_id, evaluator_id = staff[rng.randrange(len(staff))]
        draw = rng.random()
        status = "approved" if draw < 0.85 else ("submitted" if draw < 0.95 else "returned")
        link = rng.choice(links) if links and rng.random() < 0.70 else None
        start = rng.choice(starts)
        submitted = dt.datetime.combine(day, dt.time(16, 0))
        rows.append({
            "employee_id": employee_id, "agency_id": agency_id, "unit_id": unit_id,
            "evaluator_id": evaluator_id, "period_id": periods[day.year],
            "work_result_id": link[0] if link else None, "result_indicator_id": link[1] if link else None,
            "activity_date": day, "start_time": start,
            "end_time": dt.time(start.hour + rng.choice((1, 2, 3)), start.minute),
            "description": "Menyusun draf laporan kegiatan" if link else "Tugas langsung atasan",
            "volume": rng.choice((1, 1, 2, 3)), "output_unit": (link[2] if link and link[2] else "kegiatan"),
            "status": status, "submitted_at": submitted,
            "decided_at": None if status == "submitted" else submitted + dt.timedelta(hours=18),
            "return_note": "Lengkapi bukti dukung." if status == "returned" else None, "version_id": 1})
        if len(rows) == BATCH or index == activities_wanted - 1:
            session.execute(insert(table), rows)
            session.commit()
            done += len(rows)
            rows = []
            if done % (BATCH * 20) == 0 or done == activities_wanted:
                elapsed = time.perf_counter() - started
                print(f"  activities {done:>10,d}  {done / elapsed:,.0f} rows/s", flush=True)
    generation = time.perf_counter() - started
    started = time.perf_counter()
    from sqlalchemy import text
    if db.engine.dialect.name == "postgresql":
        session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    else:
        session.execute(text("ANALYZE"))
        session.commit()
    print(f"activities: {activities_wanted:,d} in {generation:.1f} s "
          f"({activities_wanted / generation:,.0f} rows/s); ANALYZE {time.perf_counter() - started:.1f} s")
    return staff, activities_wanted / generation


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
    from sqlalchemy import select, text

    from app import create_app
    from app.extensions import db
    from app.models import Agency, Employee
    from app.models.activity import DailyActivity
    from app.models.security import UserAccount
    from app.security.scope import scoped_select
    from app.services import activity as activities
    from app.services import seeding

    app = create_app(SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        started = time.perf_counter()
        upgrade()
        seeding.seed_everything(app.config["DEMO_PASSWORD"])
        print(f"{db.engine.dialect.name}: migrated and seeded the demo in {time.perf_counter() - started:.1f} s")
        staff, speed = _generate(db, args.employees, args.activities, args.seed)
        size = _database_size(db, url)
        users = {u.username: u.id for u in db.session.scalars(select(UserAccount))}
        disdik = db.session.scalar(select(Agency.id).where(Agency.code == "DISDIKBUD"))
        db.session.remove()

    rng = random.Random(args.seed + 1)
    subordinates: dict[int, int] = {}
    for _, _, _, evaluator in staff:
        subordinates[evaluator] = subordinates.get(evaluator, 0) + 1
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
        results.append((label, statistics.median(app_times), _percentile(app_times, 0.95),
                        statistics.median(bare_times), info))

    def as_user(name):
        flask.g.user = db.session.get(UserAccount, users[name])

    def as_evaluator(employee_id):
        """The scope an Evaluator account of that employee would have (a stand-in user object)."""
        flask.g.user = SimpleNamespace(id=-employee_id, is_authenticated=True, agencies=[],
                                       roles=[SimpleNamespace(name="Evaluator"), SimpleNamespace(name="Employee")],
                                       employee=db.session.get(Employee, employee_id))

    # (1) the employee's own week, as /activity/mine does (own_summary from Monday to today)
    week_people = [rng.choice(staff)[0] for _ in range(args.repeat)]

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
        where = "agency_id = :a AND " if agency_id else ""
        employee_where = "AND e.agency_id = :a " if agency_id else ""
        def call(_):
            idle_from = activities.last_working_days(3, day)[0]  # the app computes it too
            values = {"a": agency_id, "d": day, "w": week_start, "i": idle_from}
            run = lambda sql: db.session.execute(text(sql), values).all()
            run(f"SELECT count(*) FROM daily_activity WHERE {where}activity_date = :d")
            run(f"SELECT count(*) FROM daily_activity WHERE {where}activity_date BETWEEN :w AND :d")
            run(f"SELECT count(*), min(submitted_at) FROM daily_activity WHERE {where}status = 'submitted'")
            run("SELECT e.id, e.name, l.last_day FROM employee e LEFT JOIN (SELECT employee_id, "
                "max(activity_date) AS last_day FROM daily_activity GROUP BY employee_id) l "
                f"ON l.employee_id = e.id WHERE e.active {employee_where}"
                "AND (l.last_day IS NULL OR l.last_day < :i) ORDER BY l.last_day IS NOT NULL, l.last_day, e.name")
            run("SELECT ri.id, ri.target_value, coalesce(v.volume, 0) FROM result_indicator ri "
                "JOIN work_result wr ON wr.id = ri.work_result_id JOIN work_plan wp ON wp.id = wr.work_plan_id "
                "JOIN period p ON p.id = wp.period_id AND p.status = 'running' "
                "LEFT JOIN (SELECT result_indicator_id, sum(volume) AS volume FROM daily_activity "
                "WHERE status = 'approved' AND period_id = (SELECT max(id) FROM period WHERE status = 'running') "
                "GROUP BY result_indicator_id) v ON v.result_indicator_id = ri.id "
                "WHERE wp.status = 'approved' AND ri.aspect = 'KUANTITAS' AND ri.target_value > 0"
                + (" AND wp.agency_id = :a" if agency_id else ""))
        return call

    measure("dashboard, one agency (kadis.disdik)", dashboard_of("kadis.disdik", disdik), dashboard_bare(disdik))
    measure("dashboard, government (sekda)", dashboard_of("sekda", None), dashboard_bare(None))
    measure("dashboard, government (admin)", dashboard_of("admin", None), dashboard_bare(None))

    print()
    print(f"{url.split(':')[0]}: {args.activities:,d} activities, "
          f"{args.employees:,d} generated employees, repeat {args.repeat}")
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
