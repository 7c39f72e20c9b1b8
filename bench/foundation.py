"""Foundation figures: application start-up time, and queries and latency of the employee list.

Usage: .venv/bin/python bench/foundation.py [--repeat 20]
Runs against a scratch SQLite database migrated and seeded with the demo
(DATABASE_URL overrides it, e.g. postgresql://127.0.0.1/test — its tables are
recreated by migrations, so never point it at real data).
"""
import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    instance = tempfile.mkdtemp(prefix="sikinerja-bench-")
    os.environ["SIKINERJA_INSTANCE"] = instance
    database_url = os.environ.get("DATABASE_URL", f"sqlite:///{instance}/bench.db")

    started = time.perf_counter()
    from app import create_app

    app = create_app(SQLALCHEMY_DATABASE_URI=database_url)
    startup = time.perf_counter() - started
    app.appbuilder.sm.limiter.enabled = False

    from flask_migrate import upgrade
    from sqlalchemy import event

    from app.extensions import db
    from app.services import seeding

    with app.app_context():
        upgrade()
        seeding.seed_everything(app.config["DEMO_PASSWORD"])
        engine = db.engine

    client = app.test_client()
    page = client.get("/login/").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    client.post("/login/", data={"username": "hr.bkpsdm", "password": app.config["DEMO_PASSWORD"],
                                 "csrf_token": token})

    statements = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    print(f"create_app(): {startup * 1000:.0f} ms (import + AppBuilder init, cold process)")
    for size in (25, 100):
        url = f"/employeeview/list/?psize_EmployeeView={size}"
        timings = []
        for _ in range(args.repeat):
            statements.clear()
            begin = time.perf_counter()
            assert client.get(url).status_code == 200
            timings.append((time.perf_counter() - begin) * 1000)
        print(f"GET {url}: {len(statements)} queries, p50 {statistics.median(timings):.1f} ms, "
              f"max {max(timings):.1f} ms over {args.repeat} requests")


if __name__ == "__main__":
    main()
