"""Time of the leaders' performance table and the employee page (issue 19) on a generated province database:
each page requested alone, in-process (routing, scope, every query, rendering): p50/p95, the fastest request
(min: what the page costs when the machine lets it run; on a shared machine p95 mostly measures the others'
load), the time spent in the database of the median request, and statements.

    .venv/bin/python bench/performance_table.py --database postgresql://postgres@127.0.0.1/bench [--repeat 40]
        [--agency-leader USERNAME] [--government-leader bupati]

The database comes from `flask generate province` (README, "Benchmarks"); it is only read. The agency
leader defaults to the Leader account of the largest agency; the government leader sees every agency.
Budget: a list page p95 ≤ 150 ms alone. A benchmark, not a test: nothing is asserted.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

from sqlalchemy import event, func, select

from _load import percentile, sqlalchemy_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

BUDGET_MS = 150
PAGES = (
    ("table, by name", "/performance/"),
    ("table, by achievement", "/performance/?sort=achievement"),
    ("table, by activities this month (desc)", "/performance/?sort=month&desc=1"),
    ("table, no report for 5 days, most idle", "/performance/?idle=5&sort=idle&desc=1"),
    ("table, by citizen feedback", "/performance/?sort=feedback&desc=1"),
    ("table, by JP this year", "/performance/?sort=jp"),
    ("table, search by name", "/performance/?q=siti"),
    ("refresh (JSON)", "/performance/data"),
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True, help="postgresql://user@host/db or sqlite:////path/file.db")
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--agency-leader", default=None, help="default: the head of the largest agency")
    parser.add_argument("--government-leader", default="bupati")
    args = parser.parse_args()

    from app import create_app
    from app.extensions import db
    from app.models import Agency, Employee, Position

    # TESTING: no access-log line per request on stderr (the figures are the output).
    app = create_app(SQLALCHEMY_DATABASE_URI=sqlalchemy_url(args.database), WTF_CSRF_ENABLED=False,
                     RATELIMIT_ENABLED=False, TESTING=True)
    app.appbuilder.sm.limiter.enabled = False
    with app.app_context():
        engine = db.engine
        largest = db.session.execute(select(Employee.agency_id, func.count()).group_by(Employee.agency_id)
                                     .order_by(func.count().desc()).limit(1)).one()
        agency_name = db.session.get(Agency, largest[0]).name
        # The generator's head of an agency holds its top position and signs in with their NIP.
        leader = args.agency_leader or db.session.scalar(
            select(Employee.nip).join(Position, Employee.position_id == Position.id)
            .where(Employee.agency_id == largest[0], Position.parent_id.is_(None)).order_by(Employee.id))
        employee = db.session.scalar(select(Employee.id).where(Employee.agency_id == largest[0])
                                     .order_by(Employee.id).offset(100))
        db.session.remove()
    statements = []

    @event.listens_for(engine, "before_cursor_execute")
    def counted(connection, *_):
        connection.info["statement_began"] = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def timed(connection, *_):
        statements.append(time.perf_counter() - connection.info["statement_began"])

    password = os.environ.get("DEMO_PASSWORD", app.config["DEMO_PASSWORD"])
    print(f"{engine.dialect.name}: largest agency {agency_name} ({largest[1]:,d} employees), "
          f"repeat {args.repeat}")
    header = (f"{'who':22} {'page':42} {'p50 ms':>8} {'p95 ms':>8} {'min ms':>8} {'sql ms':>7} {'stmts':>6} "
              f"{'rows':>6}  budget")
    print(header)
    print("-" * len(header))
    pages = PAGES + (("employee page", f"/performance/employee/{employee}"),)
    for who, username in (("agency head", leader), ("government", args.government_leader)):
        client = app.test_client()
        response = client.post("/login/", data={"username": username, "password": password})
        if response.status_code != 302:
            print(f"{username}: login failed ({response.status_code})")
            return 1
        for label, path in pages:
            for _ in range(3):
                client.get(path)  # warm-up: template compilation, statement cache, database buffers
            times, counts, database_ms, status = [], [], [], 0
            for _ in range(args.repeat):
                statements.clear()
                begin = time.perf_counter()
                response = client.get(path)
                times.append((time.perf_counter() - begin) * 1000)
                counts.append(len(statements))
                database_ms.append(sum(statements) * 1000)
                status = response.status_code
            rows = response.get_data(as_text=True).count("<tr data-employee=") if status == 200 else 0
            p95 = percentile(times, 0.95)
            verdict = "ok" if p95 <= BUDGET_MS else "MISSED"
            print(f"{who:22} {label:42} {statistics.median(times):8.1f} {p95:8.1f} {min(times):8.1f} "
                  f"{statistics.median(database_ms):7.1f} {max(counts):6d} {rows:6d}  "
                  f"{verdict if status == 200 else status}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
