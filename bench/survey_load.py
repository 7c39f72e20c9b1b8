"""Load test of the public survey endpoint: N submissions, C at a time, against a local server.

Standard library only (asyncio streams, one connection per request as gunicorn's sync workers
close them anyway). Each submission first fetches its one-time form token (GET …/form-token, as an
app does; not timed) and then posts the answers with it (timed); every request carries a different
answer set. Run the server with RATELIMIT_ENABLED=false, since all requests come from 127.0.0.1.

    # a server (the app factory below also wires the survey if create_app does not yet;
    # BENCH_SQLITE_WAL=1 switches SQLite to WAL + synchronous=NORMAL):
    RATELIMIT_ENABLED=false .venv/bin/gunicorn -w 4 -b 127.0.0.1:8077 'bench.survey_load:bench_app()'
    .venv/bin/python bench/survey_load.py --unit DINKES-PKM-TJS -n 3000 -c 32 --port 8077 \
        --check-db sqlite:////path/to/instance/sikinerja.db

Reports submissions/second, status counts, latency percentiles and, with --check-db, whether the
database holds exactly one new row per 201 (nothing lost, nothing duplicated).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from collections import Counter

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def bench_app():
    """The application for gunicorn, with the public survey registered (until create_app does it)."""
    from app import create_app
    from app.public.survey import register_public_survey

    app = create_app()
    if "public_survey" not in app.blueprints:
        register_public_survey(app)
    if os.environ.get("BENCH_SQLITE_WAL") and app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        _sqlite_wal(app)
    return app


def _sqlite_wal(app):
    """WAL and synchronous=NORMAL: a commit no longer waits for an fsync of the whole journal
    (the change proposed for the app's SQLite engine; measured with and without)."""
    from sqlalchemy import event

    from app.extensions import db

    with app.app_context():
        @event.listens_for(db.engine, "connect")
        def _pragmas(connection, _record):
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=10000")
            cursor.close()


def answers_for(index: int) -> dict:
    """A distinct answer set per request: the index written in base 4 over the nine elements."""
    return {f"u{element}": (index // 4 ** (element - 1)) % 4 + 1 for element in range(1, 10)}


async def request_once(host: str, port: int, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(
            f"{method} {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode() + body)
        await writer.drain()
        raw = await reader.read()
    finally:
        writer.close()
    head, _, payload = raw.partition(b"\r\n\r\n")
    return (int(head.split(b" ", 2)[1]) if head else 0), payload


async def post_once(host: str, port: int, path: str, answers: dict) -> tuple[int, float, int | None]:
    """One citizen: the form token (not timed), then the submission (timed)."""
    _status, payload = await request_once(host, port, "GET", f"{path}/form-token")
    body = json.dumps({**answers, "form_token": json.loads(payload).get("form_token")}).encode()
    started = time.perf_counter()
    status, payload = await request_once(host, port, "POST", path, body)
    response_id = json.loads(payload).get("id") if status == 201 else None
    return status, time.perf_counter() - started, response_id


async def run(host: str, port: int, unit: str, total: int, concurrency: int, offset: int):
    path = f"/api/v1/public/survey/{unit}"
    queue = asyncio.Queue()
    for index in range(offset, offset + total):
        queue.put_nowait(index)
    statuses, latencies, ids, errors = Counter(), [], [], Counter()

    async def worker():
        while not queue.empty():
            index = queue.get_nowait()
            try:
                status, latency, response_id = await post_once(host, port, path, answers_for(index))
            except (OSError, ValueError) as error:  # no answer, or not the JSON of a form token
                errors[type(error).__name__] += 1
                continue
            statuses[status] += 1
            latencies.append(latency)
            if response_id is not None:
                ids.append(response_id)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - started, statuses, latencies, ids, errors


def count_rows(database_url: str, unit: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as connection:
        return connection.execute(text(
            "SELECT count(*) FROM survey_response r JOIN unit u ON u.id = r.unit_id WHERE u.code = :code"),
            {"code": unit}).scalar_one()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--unit", required=True, help="code of a unit with an open survey period today")
    parser.add_argument("-n", "--requests", type=int, default=2000)
    parser.add_argument("-c", "--concurrency", type=int, default=32)
    parser.add_argument("--offset", type=int, default=int(time.time()) % 100000,
                        help="first answer-set index (vary it between runs to avoid duplicates)")
    parser.add_argument("--check-db", help="database URL to verify one stored row per 201")
    options = parser.parse_args()
    if options.host not in LOOPBACK:
        parser.error("this load test only targets this machine (127.0.0.1 / localhost)")
    options.requests = min(options.requests, 4 ** 9)  # distinct answer sets; also bounds the run
    before = count_rows(options.check_db, options.unit) if options.check_db else None
    elapsed, statuses, latencies, ids, errors = asyncio.run(
        run(options.host, options.port, options.unit, options.requests, options.concurrency, options.offset))
    created = statuses.get(201, 0)
    report = {
        "requests": options.requests, "concurrency": options.concurrency, "seconds": round(elapsed, 2),
        "submissions_per_second": round(created / elapsed, 1), "statuses": dict(statuses),
        "connection_errors": dict(errors), "duplicate_ids": len(ids) - len(set(ids)),
    }
    if latencies:
        ordered = sorted(latencies)
        report["latency_ms"] = {"median": round(statistics.median(ordered) * 1000, 1),
                                "p95": round(ordered[int(len(ordered) * 0.95) - 1] * 1000, 1),
                                "max": round(ordered[-1] * 1000, 1)}
    if options.check_db:
        stored = count_rows(options.check_db, options.unit) - before
        report["stored_rows"] = stored
        report["lost_or_duplicated"] = stored - created
    print(json.dumps(report, indent=2))
    ok = created == options.requests and report["duplicate_ids"] == 0 and report.get("lost_or_duplicated", 0) == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
