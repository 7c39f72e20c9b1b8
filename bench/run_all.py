"""The benchmark suite (issue 9) in one command: generate the province dataset into a scratch database,
serve it with gunicorn, drive concurrent users against every hot page and API, and print one table —
p50/p95, requests per second, the ratio to a bare SQL query of the same data run at the same concurrency,
the budget held or missed — plus peak memory per gunicorn worker, PDF documents per second and (issue 21,
``bench/cpu_ratios.py``, in this process before the load) the server CPU per request of the employee list, the
REST list, the approval queue, the employee's week and a survey submission against plain Flask + SQLAlchemy
Core + Jinja serving the same data (``bench/baseline.py``), with the ratio budgets held or missed.

    .venv/bin/python bench/run_all.py [--database sqlite|postgresql://postgres@127.0.0.1/bench]
        [--users 20] [--duration 15] [--workers 4] [--employees 20000] [--agencies 40]
        [--activities 10000000] [--survey-responses 1000000] [--seed 42] [--reuse] [--json FILE]
        [--ratio-repeat 200] [--ratios-only]

SQLite: a file in a temporary folder, or ``sqlite:////path/bench.db`` to keep it for ``--reuse``. PostgreSQL: only a database named ``bench`` (created with createdb when
missing; its public schema is dropped and recreated — never the suite's ``test``). ``--reuse`` skips the
generation and measures what the database already holds. Budgets (issue 9, 2 cores, 20 users): every page
p95 ≤ 300 ms, list pages and APIs p95 ≤ 150 ms, survey submissions ≥ 200/s, memory per worker ≤ 300 MB.
A benchmark, not a test: it measures and marks, it asserts nothing.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import datetime as dt
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text

from _load import (LoadResult, Session, child_pids, dashboard_statements, peak_memory_mib, recreate_postgres_schema,
                   run_load, sqlalchemy_url, wait_until_up)
import cpu_ratios
from survey_load import answers_for

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PAGE_BUDGET_MS, LIST_BUDGET_MS, SURVEY_PER_SECOND, WORKER_MIB = 300, 150, 200, 300


@dataclass
class Scenario:
    label: str
    kind: str  # "page" (p95 ≤ 300 ms) or "list/API" (p95 ≤ 150 ms)
    role: str  # whose sessions drive it: a key of the personas, or "public"
    path: object  # (user index, iteration) → path
    bare: list[str]
    params: dict
    method: str = "GET"


def _prepare(args) -> tuple[str, str]:
    instance = tempfile.mkdtemp(prefix="sikinerja-bench-")
    if args.database == "sqlite":
        return f"sqlite:///{instance}/bench.db", instance
    if args.database.startswith("sqlite:///"):  # a file kept for --reuse
        if not args.reuse:
            Path(args.database.removeprefix("sqlite:///")).unlink(missing_ok=True)
        return args.database, instance
    url = args.database
    if not args.reuse:
        name = url.rsplit("/", 1)[1].split("?")[0]
        host = re.search(r"@([^/:]+)", url)
        user = re.search(r"//([^:@/]+)@", url)
        subprocess.run(["createdb", "-h", host.group(1) if host else "127.0.0.1",
                        "-U", user.group(1) if user else "postgres", name], capture_output=True)
        recreate_postgres_schema(url)
    return url, instance


def _generate(url: str, args) -> None:
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from app.services import seeding
    from app.demo.generator import ProvinceSize, generate_province

    app = create_app(SQLALCHEMY_DATABASE_URI=sqlalchemy_url(url))
    with app.app_context():
        started = time.perf_counter()
        upgrade()
        seeding.seed_everything(None, demo=False)
        print(f"migrated, reference data loaded in {time.perf_counter() - started:.1f} s", flush=True)
        size = ProvinceSize(employees=args.employees, agencies=args.agencies, activities=args.activities,
                            survey_responses=args.survey_responses, year=args.year)
        report = generate_province(size, args.seed, app.config["DEMO_PASSWORD"],
                                   progress=lambda message: print(f"  {message}", flush=True))
        for line in report.lines():
            print(line)
        db.engine.dispose()


def _personas(engine, users: int) -> dict:
    """Who signs in for each page, and which rows the pages show — found in the data, not assumed."""
    from app.services.activity import today

    day = today()
    monday = day - dt.timedelta(days=day.weekday())
    with engine.connect() as connection:
        def column(sql, **params):
            return [row[0] for row in connection.execute(text(sql), params)]

        def usernames_of(employee_ids):
            names = dict(connection.execute(text("SELECT employee_id, username FROM ab_user WHERE employee_id IN "
                                                 f"({','.join(str(i) for i in employee_ids) or 'NULL'})")).all())
            return [names[i] for i in employee_ids if i in names]

        def with_role(role):
            return column("SELECT u.username FROM ab_user u JOIN ab_user_role ur ON ur.user_id = u.id "
                          "JOIN ab_role r ON r.id = ur.role_id WHERE r.name = :r ORDER BY u.id", r=role)

        agency = column("SELECT agency_id FROM employee GROUP BY agency_id ORDER BY count(*) DESC LIMIT 1")[0]
        period = column("SELECT id FROM period WHERE status != 'closed' ORDER BY year DESC LIMIT 1")[0]
        head = column("SELECT e.id FROM employee e JOIN position p ON p.id = e.position_id "
                      "WHERE e.agency_id = :a AND p.parent_id IS NULL", a=agency)
        evaluators = column("SELECT evaluator_id FROM daily_activity WHERE status = 'submitted' AND evaluator_id "
                            "IS NOT NULL GROUP BY evaluator_id ORDER BY count(*) DESC LIMIT :n", n=users)
        reporters = column("SELECT employee_id FROM daily_activity WHERE activity_date BETWEEN :m AND :d "
                           "GROUP BY employee_id ORDER BY count(*) DESC, employee_id LIMIT :n", m=monday, d=day, n=users)
        survey = connection.execute(text(
            "SELECT u.code, u.id, sp.id FROM survey_period sp JOIN unit u ON u.id = sp.unit_id "
            "WHERE sp.start_date <= :d AND sp.end_date >= :d AND sp.is_open ORDER BY sp.id LIMIT 1"), {"d": day}).one()
        report = connection.execute(text(
            "SELECT unit_id, period_id, count(*) FROM survey_response GROUP BY unit_id, period_id "
            "ORDER BY count(*) DESC LIMIT 1")).one()
        sample = connection.execute(text("SELECT nip, name FROM employee ORDER BY id LIMIT 1 OFFSET :o"),
                                    {"o": column("SELECT count(*) FROM employee")[0] // 2}).one()
        return {
            "hr_admin": with_role("HR Admin")[:1], "government_leader": ["bupati"], "agency_leader": usernames_of(head),
            "evaluator": usernames_of(evaluators), "employee": usernames_of(reporters),
            "agency": agency, "period": period, "day": day, "monday": monday,
            "survey_code": survey[0], "survey_unit": survey[1], "survey_period": survey[2],
            "report_unit": report[0], "report_period": report[1], "report_responses": report[2],
            "nip": sample[0], "family_name": sample[1].split(",")[0].split()[-1],
            "evaluator_ids": evaluators, "employee_ids": reporters,
        }


def _home_statements() -> list[str]:
    """The figures of a leader's home block, read by hand: achievement per agency (the SKP sums the app keeps),
    the predikat of the newest annual evaluations, each unit's IKM tally this year (kept per month), who
    reported in the last days (each employee's last report, kept), and who reached 20 JP."""
    answers = ", ".join(f"sum(u{n}_sum), sum(u{n}_count)" for n in range(1, 10))
    return [
        "SELECT employee_agency_id, sum(shares), sum(indicators) FROM work_plan_achievement_total "
        "WHERE period_id = :p GROUP BY employee_agency_id",
        "SELECT predikat, count(*) FROM evaluation e WHERE kind = 'ANNUAL' AND predikat IS NOT NULL "
        "AND NOT EXISTS (SELECT 1 FROM evaluation n WHERE n.previous_id = e.id) GROUP BY predikat",
        f"SELECT unit_id, sum(respondents), {answers} FROM survey_month_total WHERE month >= :y GROUP BY unit_id",
        "SELECT e.agency_id, count(*) FROM employee e JOIN employee_performance_total t ON t.employee_id = e.id "
        "WHERE e.active AND t.last_reported_on >= :i GROUP BY e.agency_id",
        "SELECT e.agency_id, count(*), sum(CASE WHEN coalesce(t.jp, 0) >= 20 THEN 1 ELSE 0 END) FROM employee e "
        "LEFT JOIN (SELECT employee_id, sum(jp_earned) AS jp FROM training_participation WHERE status = 'completed' "
        "AND completed_on >= :y GROUP BY employee_id) t ON t.employee_id = e.id "
        "WHERE e.active AND e.employment_type = 'PNS' GROUP BY e.agency_id",
    ]


def _scenarios(p: dict) -> list[Scenario]:
    employee_columns = ("SELECT e.id, e.nip, e.name, r.golongan, po.name, u.name, a.name, e.active FROM employee e "
                        "LEFT JOIN rank r ON r.id = e.rank_id LEFT JOIN position po ON po.id = e.position_id "
                        "JOIN unit u ON u.id = e.unit_id JOIN agency a ON a.id = e.agency_id ")
    dashboard = {"d": p["day"], "w": p["monday"], "i": p["day"] - dt.timedelta(days=4)}
    return [
        Scenario("list employees (HR Admin)", "list/API", "hr_admin", lambda u, i: "/employeeview/list/",
                 [employee_columns + "ORDER BY e.id LIMIT 25", "SELECT count(*) FROM employee"], {}),
        Scenario("search employee by name", "list/API", "hr_admin",
                 lambda u, i: f"/employeeview/list/?_flt_2_name={p['family_name']}",
                 [employee_columns + "WHERE e.name LIKE :n ORDER BY e.id LIMIT 25",
                  "SELECT count(*) FROM employee WHERE name LIKE :n"], {"n": f"%{p['family_name']}%"}),
        Scenario("search employee by NIP", "list/API", "hr_admin", lambda u, i: f"/employeeview/list/?_flt_3_nip={p['nip']}",
                 [employee_columns + "WHERE e.nip = :n", "SELECT count(*) FROM employee WHERE nip = :n"],
                 {"n": p["nip"]}),
        Scenario("employee week (/activity/mine)", "page", "employee", lambda u, i: "/activity/mine",
                 ["SELECT * FROM daily_activity WHERE employee_id = :e AND activity_date BETWEEN :m AND :d "
                  "ORDER BY activity_date DESC, start_time DESC"],
                 {"e": p["employee_ids"][0], "m": p["monday"], "d": p["day"]}),
        Scenario("evaluator queue (/activity/queue)", "page", "evaluator", lambda u, i: "/activity/queue",
                 ["SELECT * FROM daily_activity WHERE evaluator_id = :e AND status = 'submitted' "
                  "ORDER BY activity_date, id LIMIT 200"], {"e": p["evaluator_ids"][0]}),
        Scenario("dashboard data, one agency", "list/API", "agency_leader",
                 lambda u, i: f"/activity-dashboard/data?agency={p['agency']}",
                 dashboard_statements(p["agency"]), {**dashboard, "a": p["agency"]}),
        Scenario("dashboard data, whole government", "list/API", "government_leader",
                 lambda u, i: "/activity-dashboard/data", dashboard_statements(None), dashboard),
        Scenario("home page, whole government (leader)", "page", "government_leader", lambda u, i: "/",
                 _home_statements(), {"p": p["period"], "y": dt.date(p["day"].year, 1, 1),
                                      "i": p["day"] - dt.timedelta(days=4)}),
        Scenario("distribution curve (largest agency)", "page", "hr_admin",
                 lambda u, i: f"/distribution/?agency={p['agency']}&period={p['period']}",
                 ["SELECT predikat, count(*) FROM evaluation WHERE agency_id = :a AND period_id = :p "
                  "AND kind = 'ANNUAL' GROUP BY predikat"], {"a": p["agency"], "p": p["period"]}),
        Scenario(f"IKM unit report ({p['report_responses']:,d} responses)", "page", "hr_admin",
                 lambda u, i: f"/ikm/unit/{p['report_unit']}/{p['report_period']}",
                 ["SELECT count(*), " + ", ".join(f"sum(u{n}), count(u{n})" for n in range(1, 10))
                  + " FROM survey_response WHERE period_id = :p AND NOT excluded"], {"p": p["report_period"]}),
        Scenario("survey token + submit (public API)", "list/API", "public",
                 lambda u, i: f"/api/v1/public/survey/{p['survey_code']}",
                 ["INSERT INTO survey_response (agency_id, unit_id, period_id, u1, u2, u3, u4, u5, u6, u7, u8, u9, "
                  "client_hash, submitted_at, excluded) SELECT agency_id, unit_id, id, 4, 4, 4, 4, 4, "
                  "4, 4, 4, 4, 'bench-bare', :now, false FROM survey_period WHERE id = :p"],
                 {"p": p["survey_period"], "now": dt.datetime.utcnow()}, method="POST"),
    ]


def _sessions(base: str, personas: dict, users: int, password: str) -> dict[str, list[Session]]:
    """``users`` signed-in browsers per role (cycling through the role's accounts)."""
    wanted = [(role, names[n % len(names)]) for role in ("hr_admin", "government_leader", "agency_leader",
                                                         "evaluator", "employee")
              for names in [personas[role]] if names for n in range(users)]
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        signed_in = list(pool.map(lambda item: (item[0], Session(base).login(item[1], password)), wanted))
    sessions: dict[str, list[Session]] = {}
    for role, session in signed_in:
        sessions.setdefault(role, []).append(session)
    sessions["public"] = [Session(base) for _ in range(users)]
    return sessions


def _http_calls(scenario: Scenario, sessions: list[Session]):
    def make(index, session):
        if scenario.method == "POST":
            def submit(i):
                # The public API takes each form once: a one-time token first, as the citizen's form fetches it.
                status, body = session.request(scenario.path(index, i) + "/form-token")
                if status != 200:
                    return status
                return session.post_json(scenario.path(index, i), {
                    **answers_for((index * 7919 + i + int(time.time())) % 4 ** 9), "service_used": "benchmark",
                    "form_token": json.loads(body)["form_token"]})[0]
            return submit
        return lambda i: session.request(scenario.path(index, i))[0]
    return [make(index, session) for index, session in enumerate(sessions)]


def _bare_calls(engine, scenario: Scenario, users: int):
    statements = [text(sql) for sql in scenario.bare]

    def call(_):
        with engine.begin() as connection:
            for statement in statements:
                result = connection.execute(statement, scenario.params)
                if result.returns_rows:
                    result.all()
        return None
    return [call] * users


def _pdf_figures(url: str) -> list[str]:
    """Documents per second from the bulk-documents bench when present, else one render timed here."""
    script = ROOT / "bench" / "documents.py"
    if script.exists():
        done = subprocess.run([sys.executable, str(script), "--documents", "60", "--workers", "1,2",
                               "--fresh-documents", "10"], capture_output=True, text=True, cwd=ROOT, timeout=900)
        lines = [line for line in done.stdout.splitlines() if "docs/s" in line or re.search(r"\d+\.\d+\s+\d+$", line)]
        return lines or [f"bench/documents.py gave no figures (exit {done.returncode}): {done.stderr[-300:]}"]
    return ["bench/documents.py is missing: no PDF figure"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="sqlite",
                        help="sqlite, sqlite:////path/file.db, or postgresql://user@host/bench")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--duration", type=float, default=15, help="seconds of load per page")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--think", type=float, default=0.0,
                        help="seconds each user pauses between requests (0: back to back, saturation)")
    parser.add_argument("--port", type=int, default=8091)
    parser.add_argument("--employees", type=int, default=20_000)
    parser.add_argument("--agencies", type=int, default=40)
    parser.add_argument("--activities", type=int, default=10_000_000)
    parser.add_argument("--survey-responses", type=int, default=1_000_000)
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--reuse", action="store_true", help="measure the data the database already holds")
    parser.add_argument("--only", help="comma-separated words: run only the scenarios whose label has one")
    parser.add_argument("--no-pdf", action="store_true")
    parser.add_argument("--ratio-repeat", type=int, default=200,
                        help="requests per page for the CPU ratios against the plain baseline (bench/cpu_ratios.py)")
    parser.add_argument("--ratios-only", action="store_true", help="only the CPU ratios: no gunicorn, no load")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    if args.reuse and args.database == "sqlite":
        parser.error("--reuse needs a PostgreSQL database (the SQLite file is temporary)")

    url, instance = _prepare(args)
    os.environ["SIKINERJA_INSTANCE"] = instance
    if not args.reuse:
        _generate(url, args)
    # Server CPU per request against plain Flask + Core + Jinja, in this process before the load (issue 21).
    ratios = cpu_ratios.measure(url, args.ratio_repeat)
    if args.ratios_only:
        cpu_ratios.print_table(url, ratios)
        return 0
    from config import Config

    engine = create_engine(sqlalchemy_url(url), pool_size=args.users, max_overflow=args.users)
    personas = _personas(engine, args.users)
    env = {**os.environ, "DATABASE_URL": url, "SIKINERJA_INSTANCE": instance, "RATELIMIT_ENABLED": "false",
           "SECRET_KEY": "benchmark-only-secret"}
    env.pop("REDIS_URL", None)
    log = open(Path(instance) / "gunicorn.log", "w")
    server = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "--workers", str(args.workers), "--timeout", "120",
                               "--bind", f"127.0.0.1:{args.port}", "app:create_app()"],
                              cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True)
    base = f"http://127.0.0.1:{args.port}"
    rows, memory = [], []
    try:
        wait_until_up(base)
        sessions = _sessions(base, personas, args.users, Config.DEMO_PASSWORD)
        scenarios = _scenarios(personas)
        if args.only:
            scenarios = [s for s in scenarios if any(word in s.label for word in args.only.split(","))]
        for scenario in scenarios:
            # A request the previous page's users gave up on (timeout) still holds a worker: wait it out.
            wait_until_up(base, seconds=300)
            # Submissions per second is a throughput budget: measured back to back whatever --think says.
            think = 0.0 if scenario.method == "POST" else args.think
            http = run_load(_http_calls(scenario, sessions[scenario.role]), args.duration, think)
            _bare_calls(engine, scenario, 1)[0](0)  # once outside the load: a wrong statement fails loudly
            bare = run_load(_bare_calls(engine, scenario, args.users), min(args.duration, 5))
            rows.append((scenario, http, bare))
            print(f"  {scenario.label}: p50 {http.p50:.0f} ms, p95 {http.p95:.0f} ms, {http.per_second:.1f}/s, "
                  f"errors {http.errors or 0}; bare p50 {bare.p50:.1f} ms", flush=True)
        memory = [(pid, peak_memory_mib(pid)) for pid in child_pids(server.pid)]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()
        with engine.begin() as connection:
            connection.execute(text("DELETE FROM survey_response WHERE client_hash = 'bench-bare' "
                                    "OR service_used = 'benchmark'"))
    pdf = [] if args.no_pdf else _pdf_figures(url)
    _print_table(args, url, personas, rows, memory, pdf)
    cpu_ratios.print_table(url, ratios)
    if args.json:
        Path(args.json).write_text(json.dumps({
            "database": url.split(":")[0], "users": args.users, "workers": args.workers,
            "rows": [{"label": s.label, "kind": s.kind, "p50": h.p50, "p95": h.p95, "per_second": h.per_second,
                      "errors": h.errors, "bare_p50": b.p50} for s, h, b in rows],
            "worker_peak_mib": [m for _, m in memory], "pdf": pdf}, indent=2, default=str))
    return 0


def _verdict(scenario: Scenario, http: LoadResult) -> str:
    if scenario.method == "POST":
        return "held" if http.per_second >= SURVEY_PER_SECOND and not http.errors else "MISSED"
    budget = LIST_BUDGET_MS if scenario.kind == "list/API" else PAGE_BUDGET_MS
    return "held" if http.p95 <= budget and not http.errors else "MISSED"


def _print_table(args, url, personas, rows, memory, pdf) -> None:
    print()
    print(f"{url.split(':')[0]} · {args.users} concurrent users (think {args.think:g} s) · {args.workers} gunicorn workers · "
          f"{args.duration:.0f} s per page · generated {args.employees:,d} employees, {args.activities:,d} activities,"
          f" {args.survey_responses:,d} survey responses (seed {args.seed})")
    header = (f"{'page / API':40} {'kind':8} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>7} {'errors':>7} "
              f"{'bare p50':>9} {'ratio':>6}  budget")
    print(header)
    print("-" * len(header))
    for scenario, http, bare in rows:
        budget = (f"≥ {SURVEY_PER_SECOND}/s" if scenario.method == "POST" else
                  f"p95 ≤ {LIST_BUDGET_MS if scenario.kind == 'list/API' else PAGE_BUDGET_MS}")
        ratio = http.p50 / bare.p50 if bare.p50 else 0
        print(f"{scenario.label:40} {scenario.kind:8} {http.p50:8.0f} {http.p95:8.0f} {http.per_second:7.1f} "
              f"{sum(http.errors.values()):7d} {bare.p50:9.1f} {ratio:6.1f}  {budget} {_verdict(scenario, http)}")
    for pid, mib in memory:
        print(f"gunicorn worker {pid}: peak RSS (VmHWM) {mib:,.0f} MiB — budget ≤ {WORKER_MIB} MB "
              f"{'held' if mib * 1.048576 <= WORKER_MIB else 'MISSED'}")
    for line in pdf:
        print(f"PDF: {line.strip()}")


if __name__ == "__main__":
    sys.exit(main())
