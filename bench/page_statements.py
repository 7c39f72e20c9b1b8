"""SQL statements and time of single page requests, in-process (issue 9): finds N+1 patterns and slow
statements on a generated database before they show up under load.

    .venv/bin/python bench/page_statements.py --database postgresql://postgres@127.0.0.1/bench \
        USERNAME=/path[,/path...] [USERNAME=...] [--show] [--slower-than MS]

Each user signs in with the demo password; each path is requested once to warm up, then measured once:
its status, how many statements it sent and the wall time. ``--show`` lists the statements with their
own time (those slower than ``--slower-than`` ms only, when given). A benchmark, not a test.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from sqlalchemy import event

from _load import sqlalchemy_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True, help="sqlite:////path/file.db or postgresql://user@host/db")
    parser.add_argument("--show", action="store_true", help="list each statement with its time")
    parser.add_argument("--slower-than", type=float, default=0.0, help="with --show: only statements above this")
    parser.add_argument("requests", nargs="+", help="USERNAME=/path[,/path...]")
    args = parser.parse_args()

    from app import create_app
    from app.extensions import db

    app = create_app(SQLALCHEMY_DATABASE_URI=sqlalchemy_url(args.database), WTF_CSRF_ENABLED=False,
                     RATELIMIT_ENABLED=False)
    app.appbuilder.sm.limiter.enabled = False
    statements: list[list] = []
    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "before_cursor_execute")
    def started(connection, cursor, statement, parameters, context, executemany):
        connection.info["statement_started"] = time.perf_counter()
        statements.append([statement, 0.0])

    @event.listens_for(engine, "after_cursor_execute")
    def finished(connection, cursor, statement, parameters, context, executemany):
        statements[-1][1] = (time.perf_counter() - connection.info["statement_started"]) * 1000

    password = os.environ.get("DEMO_PASSWORD", app.config["DEMO_PASSWORD"])
    for item in args.requests:
        username, paths = item.split("=", 1)
        client = app.test_client()
        client.post("/login/", data={"username": username, "password": password})
        for path in paths.split(","):
            client.get(path)
            statements.clear()
            begun = time.perf_counter()
            status = client.get(path).status_code
            elapsed = (time.perf_counter() - begun) * 1000
            print(f"{username} {path} → {status}: {len(statements)} statements, {elapsed:.0f} ms")
            if args.show:
                for sql, milliseconds in statements:
                    if milliseconds >= args.slower_than:
                        print(f"  {milliseconds:8.1f} ms  {' '.join(sql.split())[:200]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
