"""Time of the calendar of the cycle (issue 23) on a generated province database: what is due soon or overdue for
the whole government (``open_items``, the Deadlines page of HR and of a government-wide leader) and the daily tick
(its first run on a day, then a repeat that must find nothing new to do), against a baseline of the same data
in the same run: one bare SQL pass over the same rows (active employees, approved SKPs, evaluations).

    .venv/bin/python bench/cycle_deadlines.py --database sqlite:////path/province.db [--repeat 5] [--day 2026-06-01]

The database comes from `flask generate province` (README, "Benchmarks"); the tick writes reminders and
hand-offs into it (run it on a scratch copy). A benchmark, not a test: nothing is asserted.
"""
from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

from sqlalchemy import text

from _load import percentile, sqlalchemy_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

BASELINE_SQL = (
    "SELECT count(*) FROM employee WHERE active",
    "SELECT employee_id, id, version, status, evaluator_id FROM work_plan",
    "SELECT id, employee_id, kind, window_start, version, status, evaluator_id, submitted_at FROM evaluation",
)


def _timed(work, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True, help="postgresql://user@host/db or sqlite:////path/file.db")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--day", type=dt.date.fromisoformat, default=dt.date(2026, 6, 1),
                        help="the day the calendar is read on (default 2026-06-01: the first quarter overdue)")
    args = parser.parse_args()

    from app import create_app
    from app.extensions import db
    from app.services import cycle

    app = create_app(SQLALCHEMY_DATABASE_URI=sqlalchemy_url(args.database), TESTING=True)
    with app.app_context():
        def baseline():
            with db.engine.connect() as connection:
                for statement in BASELINE_SQL:
                    connection.execute(text(statement)).all()

        base = _timed(baseline, args.repeat)
        items = []
        reading = _timed(lambda: items.append(len(cycle.open_items(args.day))), args.repeat)
        db.session.rollback()
        started = time.perf_counter()
        first = cycle.tick(args.day)
        first_ms = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        again = cycle.tick(args.day)
        again_ms = (time.perf_counter() - started) * 1000

    base_p50 = statistics.median(base)
    print(f"day {args.day}, {items[-1]} items due soon or overdue for the whole government")
    print(f"baseline (bare SQL of the same rows): p50 {base_p50:.0f} ms, p95 {percentile(base, 0.95):.0f} ms")
    print(f"open_items, whole government: p50 {statistics.median(reading):.0f} ms, "
          f"p95 {percentile(reading, 0.95):.0f} ms, ratio to baseline {statistics.median(reading) / base_p50:.1f}")
    print(f"tick, first run of the day: {first_ms:.0f} ms — {first.reminders} reminders, {first.hand_offs} "
          f"hand-offs, {first.without_superior} overdue without a superior")
    print(f"tick, repeated: {again_ms:.0f} ms — {again.reminders} reminders, {again.hand_offs} hand-offs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
