"""Shared pieces of the benchmarks: percentiles, a scratch database, signed-in HTTP sessions (standard library
only), concurrent load for a fixed time, gunicorn's worker memory, and the bare SQL the pages are compared to."""
from __future__ import annotations

import http.cookiejar
import json
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

SCRATCH_POSTGRES_DATABASES = ("bench", "smoke")


def percentile(values, fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def sqlalchemy_url(url: str) -> str:
    """psycopg 3 is the driver the app ships; plain postgresql:// URLs would ask for psycopg2."""
    return url.replace("postgresql://", "postgresql+psycopg://", 1) if url.startswith("postgresql://") else url


def recreate_postgres_schema(url: str) -> None:
    """Empty a scratch PostgreSQL database (only ``bench`` or ``smoke``: never the suite's ``test``)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = make_url(sqlalchemy_url(url)).database
    if name not in SCRATCH_POSTGRES_DATABASES:
        raise SystemExit(f"refusing to empty PostgreSQL database {name!r}: use one of {SCRATCH_POSTGRES_DATABASES}")
    engine = create_engine(sqlalchemy_url(url))
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


# --- HTTP -------------------------------------------------------------------------------------------

class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Session:
    """One browser: its own cookies; redirects are answers (a login is a 302), not followed."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
                                                  _NoRedirect())

    def request(self, path: str, data: bytes | None = None, headers: dict | None = None,
                method: str | None = None) -> tuple[int, bytes]:
        request = urllib.request.Request(self.base + path, data=data, headers=headers or {}, method=method)
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def login(self, username: str, password: str) -> "Session":
        status, page = self.request("/login/")
        token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page)
        if status != 200 or token is None:
            raise RuntimeError(f"no login form ({status})")
        form = urllib.parse.urlencode({"username": username, "password": password,
                                       "csrf_token": token.group(1).decode()}).encode()
        status, _ = self.request("/login/", form, {"Content-Type": "application/x-www-form-urlencoded"})
        if status != 302:
            raise RuntimeError(f"login of {username} failed ({status})")
        return self

    def post_json(self, path: str, payload: dict) -> tuple[int, bytes]:
        return self.request(path, json.dumps(payload).encode(), {"Content-Type": "application/json"})


def wait_until_up(base: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/health", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{base}/health did not answer 200 within {seconds:.0f} s")


# --- concurrent load ----------------------------------------------------------------------------------

@dataclass
class LoadResult:
    latencies_ms: list[float] = field(default_factory=list)
    errors: dict[int, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def p50(self) -> float:
        return percentile(self.latencies_ms, 0.50)

    @property
    def p95(self) -> float:
        return percentile(self.latencies_ms, 0.95)

    @property
    def per_second(self) -> float:
        return len(self.latencies_ms) / self.seconds if self.seconds else 0.0


def run_load(calls, duration: float, think: float = 0.0) -> LoadResult:
    """Each callable in ``calls`` is one user: called in a loop on its own thread for ``duration`` seconds,
    pausing ``think`` seconds between calls (0: back to back, the saturation case). A call returns the HTTP
    status (or None for a database call); anything but 2xx/3xx counts as an error."""
    result, lock = LoadResult(), threading.Lock()
    stop = time.monotonic() + duration

    def user(call):
        iteration = 0
        while time.monotonic() < stop:
            begin = time.perf_counter()
            try:
                status = call(iteration)
            except Exception:  # noqa: BLE001 — a refused connection or timeout is an error of the run
                status = 599
            elapsed = (time.perf_counter() - begin) * 1000
            iteration += 1
            with lock:
                if status is None or 200 <= status < 400:
                    result.latencies_ms.append(elapsed)
                else:
                    result.errors[status] = result.errors.get(status, 0) + 1
            if think:
                time.sleep(think)

    threads = [threading.Thread(target=user, args=(call,), daemon=True) for call in calls]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - started
    return result


# --- gunicorn workers -------------------------------------------------------------------------------

def child_pids(parent: int) -> list[int]:
    children = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(parent):
            children.append(int(status.parent.name))
    return sorted(children)


def peak_memory_mib(pid: int) -> float:
    """VmHWM: the process's peak resident set size."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


# --- bare SQL of the same data the pages show ---------------------------------------------------------

def dashboard_statements(agency_id: int | None) -> list[str]:
    """What the leader dashboard reads, hand-written (the same counts, idle list and realisation)."""
    where = "agency_id = :a AND " if agency_id else ""
    employee_where = "AND e.agency_id = :a " if agency_id else ""
    return [
        f"SELECT count(*) FROM daily_activity WHERE {where}activity_date = :d",
        f"SELECT count(*) FROM daily_activity WHERE {where}activity_date BETWEEN :w AND :d",
        f"SELECT count(*), min(submitted_at) FROM daily_activity WHERE {where}status = 'submitted'",
        "SELECT id, name, last_day, count(*) OVER () FROM (SELECT e.id, e.name, (SELECT max(a.activity_date) "
        f"FROM daily_activity a WHERE a.employee_id = e.id) AS last_day FROM employee e WHERE e.active {employee_where}"
        "AND NOT EXISTS (SELECT 1 FROM daily_activity a WHERE a.employee_id = e.id AND a.activity_date >= :i)) idle "
        "ORDER BY last_day IS NOT NULL, last_day, name LIMIT 20",
        # Achievement per unit from the running totals of approved volume (indicator_progress).
        "SELECT e.agency_id, e.unit_id, sum(CASE WHEN coalesce(v.approved_volume, 0) >= ri.target_value THEN 1 "
        "ELSE coalesce(v.approved_volume, 0) / ri.target_value END), count(*) FROM result_indicator ri "
        "JOIN work_result wr ON wr.id = ri.work_result_id JOIN work_plan wp ON wp.id = wr.work_plan_id "
        "JOIN period p ON p.id = wp.period_id AND p.status = 'running' JOIN employee e ON e.id = ri.employee_id "
        "LEFT JOIN indicator_progress v ON v.result_indicator_id = ri.id "
        "WHERE wp.status = 'approved' AND ri.aspect = 'KUANTITAS' AND ri.target_value > 0"
        + (" AND wp.agency_id = :a" if agency_id else "") + " GROUP BY e.agency_id, e.unit_id",
    ]
