"""Time of the leaders' performance table and the employee page (issue 19) on a generated province database:
each page requested alone, in-process (routing, scope, every query, rendering): p50/p95, the fastest request
(min: what the page costs when the machine lets it run; on a shared machine p95 mostly measures the others'
load), this process's CPU of the median request (Python: routing, ORM, rendering; the database server's
CPU is not in it), the time spent in the database of the median request, and statements.

    .venv/bin/python bench/performance_table.py --database postgresql://postgres@127.0.0.1/bench [--repeat 40]
        [--agency-leader USERNAME] [--government-leader bupati] [--only WORD,WORD]
        [--profile WORD [--profile-out FILE]] [--statements WORD]

The database comes from `flask generate province` (README, "Benchmarks"); it is only read. The agency
leader defaults to the Leader account of the largest agency; the government leader sees every agency.
Budget: a list page p95 ≤ 150 ms alone. ``--only`` measures the pages whose label has one of the words;
``--profile WORD`` runs cProfile (process CPU) over the measured requests of the pages whose label has WORD and
prints the costliest functions; ``--statements WORD`` prints each statement of one such request with its time
(the slowest first). A benchmark, not a test: nothing is asserted.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
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
    parser.add_argument("--only", help="measure only the pages whose label has one of these comma-separated words")
    parser.add_argument("--profile", help="cProfile the requests of the pages whose label has this word")
    parser.add_argument("--profile-out", help="with --profile: also write the pstats file here")
    parser.add_argument("--statements", help="print the statements of one request of the pages with this word")
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
    def timed(connection, cursor, statement, *_):
        statements.append((time.perf_counter() - connection.info["statement_began"], statement))

    password = os.environ.get("DEMO_PASSWORD", app.config["DEMO_PASSWORD"])
    print(f"{engine.dialect.name}: largest agency {agency_name} ({largest[1]:,d} employees), "
          f"repeat {args.repeat}")
    header = (f"{'who':22} {'page':42} {'p50 ms':>8} {'p95 ms':>8} {'min ms':>8} {'cpu ms':>7} {'sql ms':>7} {'stmts':>6} "
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
            if args.only and not any(word in label for word in args.only.split(",")):
                continue
            for _ in range(3):
                client.get(path)  # warm-up: template compilation, statement cache, database buffers
            if args.statements and args.statements in label:
                statements.clear()
                client.get(path)
                _print_statements(f"{who}, {label}", statements)
            profiler = cProfile.Profile(time.process_time) if args.profile and args.profile in label else None
            times, cpu_ms, counts, database_ms, status = [], [], [], [], 0
            for _ in range(args.repeat):
                statements.clear()
                if profiler:
                    profiler.enable()
                begin, cpu_begin = time.perf_counter(), time.process_time()
                response = client.get(path)
                times.append((time.perf_counter() - begin) * 1000)
                cpu_ms.append((time.process_time() - cpu_begin) * 1000)
                if profiler:
                    profiler.disable()
                counts.append(len(statements))
                database_ms.append(sum(seconds for seconds, _ in statements) * 1000)
                status = response.status_code
            rows = response.get_data(as_text=True).count("<tr data-employee=") if status == 200 else 0
            p95 = percentile(times, 0.95)
            verdict = "ok" if p95 <= BUDGET_MS else "MISSED"
            print(f"{who:22} {label:42} {statistics.median(times):8.1f} {p95:8.1f} {min(times):8.1f} "
                  f"{statistics.median(cpu_ms):7.1f} {statistics.median(database_ms):7.1f} {max(counts):6d} {rows:6d}  "
                  f"{verdict if status == 200 else status}")
            if profiler:
                _print_profile(profiler, f"{who}, {label}", args.profile_out)
    return 0


def _print_statements(title: str, statements) -> None:
    print(f"--- statements of one request: {title} ---")
    for seconds, statement in sorted(statements, key=lambda timed: -timed[0]):
        print(f"{seconds * 1000:8.2f} ms  {' '.join(statement.split())[:400]}")


def _print_profile(profiler, title: str, out: str | None) -> None:
    if out:
        profiler.dump_stats(out)
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream)
    stats.sort_stats("cumulative").print_stats(30)
    stats.sort_stats("tottime").print_stats(25)
    print(f"--- profile of {title} ---\n{stream.getvalue()}")


if __name__ == "__main__":
    raise SystemExit(main())
