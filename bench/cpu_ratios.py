"""Server CPU per request of the app against the plain baseline (issue 21), side by side in one process.

    .venv/bin/python bench/cpu_ratios.py --database postgresql://postgres@127.0.0.1/bench_p [--repeat 200]
        [--only word,word] [--profile LABEL-WORD [--profile-out FILE]]

The database comes from ``flask generate province`` (README, "Benchmarks"); only the survey rows this script
sends are written (and deleted at the end). The app (``create_app``: every hook, the scope, the page chrome)
and ``bench/baseline.py`` (plain Flask + SQLAlchemy Core + Jinja) answer the same request for the same
account through Flask's test client, alternately, ``--repeat`` times after a warm-up. Measured per request:
``time.process_time`` (this process's CPU: routing, Python, rendering and, on SQLite, the SQL itself; the
PostgreSQL server's own CPU is another process's and is not counted for either side), wall time and the
number of statements. Budgets (issue 21): app/baseline CPU p50 ≤ 3× for the employee list, the approval
queue and the employee's week, ≤ 2× for the REST list; a survey submission ≤ 2× the bare insert and ≥ 200 per
second (1000 / CPU ms on one core). ``--profile WORD`` runs cProfile over the app's requests of the scenario
whose label contains WORD and prints the 25 costliest functions (cumulative). A benchmark, not a test.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import logging
import os
import pstats
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, event, text

from _load import percentile, sqlalchemy_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SURVEY_PER_SECOND = 200


@dataclass
class Case:
    label: str
    persona: str  # a key of run_all's personas ("public": nobody signs in)
    app_path: str
    baseline_path: str
    budget: float  # the largest app/baseline CPU ratio the issue allows
    method: str = "GET"


@dataclass
class Figures:
    cpu_ms: list[float] = field(default_factory=list)
    wall_ms: list[float] = field(default_factory=list)
    statements: list[int] = field(default_factory=list)

    def cpu(self, fraction=0.5) -> float:
        return percentile(self.cpu_ms, fraction)


def _cases(p: dict) -> list[Case]:
    return [
        Case("employee list, 25 rows (HR Admin)", "hr_admin", "/employeeview/list/", "/employees", 3),
        Case("REST employee list, 25 rows", "hr_admin", "/api/v1/employee/?q=(page_size:25,page:0)",
             "/api/employees", 2),
        Case("approval queue (evaluator)", "evaluator", "/activity/queue", "/queue", 3),
        Case("employee week (/activity/mine)", "employee", "/activity/mine", f"/week?day={p['day']:%Y-%m-%d}", 3),
        Case("survey submission", "public", f"/api/v1/public/survey/{p['survey_code']}",
             f"/survey/{p['survey_code']}", 2, method="POST"),
    ]


def _quiet_access_log() -> None:
    """The access log is formatted as in production, but written nowhere: its cost stays in the figures."""
    handler = logging.StreamHandler(open(os.devnull, "w"))
    handler.setFormatter(logging.Formatter("%(message)s"))
    access = logging.getLogger("sikinerja.access")
    access.addHandler(handler)
    access.setLevel(logging.INFO)
    access.propagate = False


def _counting(engine, counter: list) -> None:
    @event.listens_for(engine, "before_cursor_execute")
    def counted(*_):
        counter.append(1)


def _answers(number: int) -> dict:
    from survey_load import answers_for

    return {**answers_for(number % 4 ** 9), "service_used": "benchmark"}


class _Side:
    """One server (the app or the baseline) with a signed-in client, timing its requests."""

    def __init__(self, client, counter: list, path: str, method: str, token_path: str | None = None,
                 headers: dict | None = None):
        self.client, self.counter, self.path, self.method, self.token_path = client, counter, path, method, token_path
        self.headers = headers or {}
        self.figures = Figures()
        self.sent = 0

    def _body(self) -> dict:
        """A survey submission's answers (and, for the app, a one-time form token fetched as a browser does)."""
        body = _answers(self.sent)
        self.sent += 1
        if self.token_path:
            body["form_token"] = self.client.get(self.token_path).get_json()["form_token"]
        return {"json": body}

    def once(self, measured=True):
        arguments = self._body() if self.method == "POST" else {}
        self.counter.clear()
        begin_cpu, begin = time.process_time(), time.perf_counter()
        response = self.client.open(self.path, method=self.method, headers=self.headers, **arguments)
        cpu, wall = (time.process_time() - begin_cpu) * 1000, (time.perf_counter() - begin) * 1000
        if response.status_code not in (200, 201):
            raise RuntimeError(f"{self.path} answered {response.status_code}: {response.get_data(as_text=True)[:300]}")
        if measured:
            self.figures.cpu_ms.append(cpu)
            self.figures.wall_ms.append(wall)
            self.figures.statements.append(len(self.counter))


def measure(database: str, repeat: int = 200, only: str | None = None, profile: str | None = None,
            profile_out: str | None = None) -> list[tuple[Case, Figures, Figures]]:
    from run_all import _personas

    from app import create_app
    from app.extensions import db
    from baseline import create_baseline

    _quiet_access_log()
    url = sqlalchemy_url(database)
    app = create_app(SQLALCHEMY_DATABASE_URI=url, WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False)
    app.appbuilder.sm.limiter.enabled = False
    with app.app_context():
        app_engine = db.engine
    bare_engine = create_engine(url)
    baseline = create_baseline(bare_engine)
    app_statements, bare_statements = [], []
    _counting(app_engine, app_statements)
    _counting(bare_engine, bare_statements)
    personas = _personas(bare_engine, 1)
    # The generator creates no HR Admin account; its Admin reads every agency as HR Admin does.
    personas["hr_admin"] = personas["hr_admin"] or ["admin"]
    password = os.environ.get("DEMO_PASSWORD", app.config["DEMO_PASSWORD"])
    rows = []
    for case in _cases(personas):
        if only and not any(word in case.label for word in only.split(",")):
            continue
        app_client, bare_client = app.test_client(), baseline.test_client()
        token_path, headers = None, {}
        if case.persona == "public":
            token_path = case.app_path + "/form-token"
        else:
            username = personas[case.persona][0]
            with bare_engine.connect() as connection:
                user_id = connection.execute(text("SELECT id FROM ab_user WHERE username = :u"), {"u": username}).scalar()
            bare_client.get(f"/signin/{user_id}")
            if case.app_path.startswith("/api/"):  # REST clients send a bearer token, and no session cookie
                login = app_client.post("/api/v1/security/login", json={
                    "username": username, "password": password, "provider": "db"})
                headers = {"Authorization": f"Bearer {login.get_json()['access_token']}"}
            elif app_client.post("/login/", data={"username": username, "password": password}).status_code != 302:
                raise RuntimeError(f"login of {username} failed")
        sides = (_Side(app_client, app_statements, case.app_path, case.method, token_path, headers),
                 _Side(bare_client, bare_statements, case.baseline_path, case.method))
        for _ in range(5):  # warm-up: templates compiled, statement caches and database buffers filled
            for side in sides:
                side.once(measured=False)
        profiler = cProfile.Profile(time.process_time) if profile and profile in case.label else None
        for _ in range(repeat):
            if profiler:
                profiler.enable()
            sides[0].once()
            if profiler:
                profiler.disable()
            sides[1].once()
        rows.append((case, sides[0].figures, sides[1].figures))
        if profiler:
            _print_profile(profiler, case, profile_out)
    with bare_engine.begin() as connection:
        connection.execute(text("DELETE FROM survey_response WHERE client_hash = 'bench-bare' "
                                "OR service_used = 'benchmark'"))
    bare_engine.dispose()
    return rows


def _print_profile(profiler, case: Case, out: str | None) -> None:
    if out:
        profiler.dump_stats(out)
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream)
    stats.sort_stats("cumulative").print_stats(25)
    stats.sort_stats("tottime").print_stats(25)
    print(f"--- profile of the app's {case.label} ---\n{stream.getvalue()}")


def verdict(case: Case, app: Figures, bare: Figures) -> str:
    ratio = app.cpu() / bare.cpu() if bare.cpu() else float("inf")
    held = ratio <= case.budget
    if case.method == "POST":
        held = held and 1000 / app.cpu() >= SURVEY_PER_SECOND
    return "held" if held else "MISSED"


def print_table(database: str, rows) -> None:
    print(f"\nServer CPU per request, app vs plain Flask + Core + Jinja, {database.split(':')[0]}, "
          f"{len(rows[0][1].cpu_ms) if rows else 0} requests each (ms; statements per request)")
    header = (f"{'page / API':36} {'app p50':>8} {'p95':>7} {'base p50':>9} {'p95':>7} {'ratio':>6} "
              f"{'stmts':>9} {'wall p50':>9}  budget")
    print(header)
    print("-" * len(header))
    for case, app, bare in rows:
        ratio = app.cpu() / bare.cpu() if bare.cpu() else float("inf")
        budget = f"≤ {case.budget:g}×" + (f", ≥ {SURVEY_PER_SECOND}/s ({1000 / app.cpu():.0f}/s)"
                                           if case.method == "POST" else "")
        print(f"{case.label:36} {app.cpu():8.2f} {app.cpu(0.95):7.2f} {bare.cpu():9.2f} {bare.cpu(0.95):7.2f} "
              f"{ratio:6.1f} {max(app.statements):>4}/{max(bare.statements):<4} "
              f"{statistics.median(app.wall_ms):9.2f}  {budget} {verdict(case, app, bare)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True, help="postgresql://user@host/db or sqlite:////path/file.db")
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--only", help="comma-separated words: only the cases whose label has one")
    parser.add_argument("--profile", help="cProfile the app's requests of the case whose label has this word")
    parser.add_argument("--profile-out", help="with --profile: also write the pstats file here")
    args = parser.parse_args()
    print_table(args.database, measure(args.database, args.repeat, args.only, args.profile, args.profile_out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
