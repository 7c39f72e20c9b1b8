"""Production-mode smoke test (issue 9): gunicorn (2 workers) and a Celery worker against PostgreSQL and Redis,
exercised through HTTP the way a user would — health, sign-in, the employee list, reporting an activity, a
bulk document job run by the Celery worker. Exits non-zero on the first failure; always stops what it started.

    .venv/bin/python bench/smoke_production.py [--database postgresql://postgres@127.0.0.1/smoke]
        [--redis redis://127.0.0.1:6379/3] [--port 8093]

The database must be named ``smoke``: it is created when missing, its public schema dropped and recreated,
then migrated and seeded with the demo (``flask db upgrade && flask seed``).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from _load import Session, recreate_postgres_schema, wait_until_up

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "Sikinerja#2026")
JOB_TIMEOUT = 180


class SmokeFailure(Exception):
    pass


def check(condition, message: str) -> None:
    if not condition:
        raise SmokeFailure(message)
    print(f"ok  {message}", flush=True)


def _csrf(session: Session, path: str) -> str:
    status, page = session.request(path)
    token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page)
    if status != 200 or token is None:
        raise SmokeFailure(f"no form with a CSRF token on {path} ({status})")
    return token.group(1).decode()


def _post_form(session: Session, path: str, form_page: str, fields: dict) -> tuple[int, dict]:
    body = urllib.parse.urlencode({**fields, "csrf_token": _csrf(session, form_page)}).encode()
    request = urllib.request.Request(session.base + path, data=body,
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    try:
        with session.opener.open(request, timeout=60) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:  # 302 arrives here: redirects are not followed
        return error.code, dict(error.headers)


def _last_working_day(environment: dict) -> dt.date:
    script = ("from app import create_app\nfrom app.services.activity import last_working_days, today\n"
              "with create_app().app_context(): print(last_working_days(1, today())[0])")
    done = subprocess.run([str(BIN / "python"), "-c", script], cwd=ROOT, env=environment, capture_output=True,
                          text=True, check=True)
    return dt.date.fromisoformat(done.stdout.strip().splitlines()[-1])


def _ids(environment: dict) -> tuple[int, int]:
    script = ("from sqlalchemy import text\nfrom app import create_app\nfrom app.extensions import db\n"
              "with create_app().app_context():\n"
              "    print(db.session.execute(text(\"SELECT a.id, p.id FROM agency a, period p \"\n"
              "          \"WHERE a.code = 'DISDIKBUD' AND p.year = 2026\")).one())")
    done = subprocess.run([str(BIN / "python"), "-c", script], cwd=ROOT, env=environment, capture_output=True,
                          text=True, check=True)
    agency, period = re.findall(r"\d+", done.stdout.strip().splitlines()[-1])
    return int(agency), int(period)


def smoke(base: str, environment: dict, with_jobs: bool) -> None:
    status, body = Session(base).request("/health")
    health = json.loads(body)
    check(status == 200 and "broker" in json.dumps(health), f"/health answers 200 with database and broker: {health}")

    hr = Session(base).login("hr.bkpsdm", DEMO_PASSWORD)
    print("ok  hr.bkpsdm signs in", flush=True)
    status, page = hr.request("/employeeview/list/")
    check(status == 200 and b"19861101 201401 1 004" in page, "the employee list shows the demo employees")

    employee = Session(base).login("pegawai.disdik", DEMO_PASSWORD)
    day = _last_working_day(environment)
    description = f"Smoke test {time.time():.0f}: menyusun laporan"
    status, headers = _post_form(employee, "/activity/report", "/activity/report", {
        "activity_date": day.isoformat(), "start_time": "08:00", "end_time": "09:30", "volume": "1",
        "output_unit": "laporan", "work_result": "", "description": description, "send": "1"})
    check(status == 302, f"pegawai.disdik reports an activity for {day} ({status})")
    _, page = employee.request("/activity/mine?span=month")
    check(description.encode() in page, "the reported activity is on the employee's own list")

    if not with_jobs:
        print("skip bulk document job: app/views/document_jobs.py or app/tasks.py is missing", flush=True)
        return
    agency, period = _ids(environment)
    status, headers = _post_form(hr, "/document-jobs/create", "/document-jobs/", {
        "agency": agency, "period": period, "kind": "evaluation", "mode": "print", "output": "zip"})
    job = re.search(r"job-(\d+)", headers.get("Location", ""))
    check(status == 302 and job, f"a bulk document job starts ({status} {headers.get('Location')})")
    deadline, figures = time.monotonic() + JOB_TIMEOUT, {}
    while time.monotonic() < deadline:
        status, body = hr.request(f"/document-jobs/{job.group(1)}/progress")
        figures = json.loads(body) if status == 200 else {}
        if figures.get("status") not in (None, "queued", "running", "pending"):
            break
        time.sleep(1)
    check(figures.get("ready") and not figures.get("failed"),
          f"the Celery worker finishes the job: {figures}")
    status, archive = hr.request(figures["download_url"])
    check(status == 200 and archive[:2] == b"PK", f"the job's ZIP downloads ({len(archive):,d} bytes)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default=os.environ.get("SMOKE_DATABASE_URL",
                                                             "postgresql://postgres@127.0.0.1/smoke"))
    parser.add_argument("--redis", default=os.environ.get("SMOKE_REDIS_URL", "redis://127.0.0.1:6379/3"))
    parser.add_argument("--port", type=int, default=8093)
    args = parser.parse_args()

    instance = tempfile.mkdtemp(prefix="sikinerja-smoke-")
    environment = {**os.environ, "DATABASE_URL": args.database, "REDIS_URL": args.redis,
                   "CELERY_BROKER_URL": args.redis, "SIKINERJA_INSTANCE": instance,
                   "SECRET_KEY": "smoke-test-only-secret", "DEMO_PASSWORD": DEMO_PASSWORD,
                   # Production mode needs it (a worker without it refuses to start); the QR codes' address.
                   "PUBLIC_BASE_URL": f"http://127.0.0.1:{args.port}"}
    name = args.database.rsplit("/", 1)[1].split("?")[0]
    host = re.search(r"@([^/:]+)", args.database)
    user = re.search(r"//([^:@/]+)@", args.database)
    subprocess.run(["createdb", "-h", host.group(1) if host else "127.0.0.1", "-U",
                    user.group(1) if user else "postgres", name], capture_output=True)
    recreate_postgres_schema(args.database)
    for command in (["db", "upgrade"], ["seed"]):
        subprocess.run([str(BIN / "flask"), "--app", "app", *command], cwd=ROOT, env=environment, check=True,
                       stdout=subprocess.DEVNULL)
    print("ok  database migrated and seeded", flush=True)

    with_jobs = (ROOT / "app" / "tasks.py").exists() and (ROOT / "app" / "views" / "document_jobs.py").exists()
    logs = {name: open(Path(instance) / f"{name}.log", "w") for name in ("gunicorn", "celery")}
    processes = [subprocess.Popen([str(BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{args.port}",
                                   "app:create_app()"], cwd=ROOT, env=environment, stdout=logs["gunicorn"],
                                  stderr=subprocess.STDOUT, start_new_session=True)]
    if with_jobs:
        processes.append(subprocess.Popen([str(BIN / "celery"), "-A", "app.tasks", "worker", "--pool", "prefork",
                                           "--concurrency", "2", "--loglevel", "INFO"], cwd=ROOT, env=environment,
                                          stdout=logs["celery"], stderr=subprocess.STDOUT, start_new_session=True))
    base = f"http://127.0.0.1:{args.port}"
    try:
        wait_until_up(base)
        smoke(base, environment, with_jobs)
        print("smoke test passed", flush=True)
        return 0
    except (SmokeFailure, RuntimeError, subprocess.CalledProcessError, OSError, ValueError) as error:
        print(f"FAILED: {error}", file=sys.stderr)
        for name, log in logs.items():
            log.flush()
            print(f"--- last lines of {name}.log ---", file=sys.stderr)
            print("\n".join(Path(log.name).read_text(errors="replace").splitlines()[-25:]), file=sys.stderr)
        return 1
    finally:
        for process in processes:
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(process.pid, signal.SIGKILL)
        for log in logs.values():
            log.close()


if __name__ == "__main__":
    sys.exit(main())
