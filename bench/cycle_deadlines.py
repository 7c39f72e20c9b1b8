"""Time of the calendar of the cycle (issue 23) on a generated province database: what is due soon or overdue for
the whole government (``open_items``, the Deadlines page of HR and of a government-wide leader) and the daily tick
on two days of the period's last quarter — the reminder day of its delivery deadline (a reminder to every
evaluator) and the day after that deadline (every undelivered evaluation handed to the evaluator's superior) —
each run twice (the repeat must find nothing new), against a baseline of the same data in the same run: one
bare SQL pass over the same rows (active employees, SKPs, evaluations). p50 and min over ``--repeat`` runs.

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
    parser.add_argument("--day", type=dt.date.fromisoformat,
                        help="the day open_items is read on (default: the day after the last quarter's delivery "
                             "deadline, when most is overdue)")
    args = parser.parse_args()

    from app import create_app
    from app.domain import cycle_deadlines as rules
    from app.extensions import db
    from app.models.planning import Period
    from app.services import cycle
    from app.services.cycle_calendar import calendar_of, deadlines_of

    app = create_app(SQLALCHEMY_DATABASE_URI=sqlalchemy_url(args.database), TESTING=True)
    with app.app_context():
        period = db.session.scalars(db.select(Period).where(Period.status != "closed")
                                    .order_by(Period.start_date.desc())).first()
        deadlines, holidays = deadlines_of(period).as_rule(), calendar_of(period)
        last_quarter_end = rules.evaluation_windows("QUARTERLY", period.start_date, period.end_date)[-1][1]
        delivery_due = rules.evaluation_due(last_quarter_end, deadlines, holidays)
        reminder_day = rules.reminder_day(delivery_due, deadlines, holidays)
        hand_off_day = delivery_due + dt.timedelta(days=1)
        day = args.day or hand_off_day
        dialect, year = db.engine.dialect.name, period.year
        db.session.rollback()

        def baseline():
            with db.engine.connect() as connection:
                for statement in BASELINE_SQL:
                    connection.execute(text(statement)).all()

        base = _timed(baseline, args.repeat)
        items = []
        reading = _timed(lambda: items.append(len(cycle.open_items(day))), args.repeat)
        db.session.rollback()
        ticks = []
        for tick_day in (reminder_day, reminder_day, hand_off_day, hand_off_day):
            started = time.perf_counter()
            report = cycle.tick(tick_day)
            ticks.append((tick_day, (time.perf_counter() - started) * 1000, report))
            db.session.rollback()

    base_p50 = statistics.median(base)
    read_p50 = statistics.median(reading)
    print(f"{dialect}, period {year}: {items[-1]} items due soon or overdue on {day} for the "
          f"whole government")
    print(f"baseline (bare SQL of the same rows): p50 {base_p50:.0f} ms, min {min(base):.0f} ms, "
          f"p95 {percentile(base, 0.95):.0f} ms")
    print(f"open_items, whole government: p50 {read_p50:.0f} ms, min {min(reading):.0f} ms, "
          f"p95 {percentile(reading, 0.95):.0f} ms; ratio to baseline p50 {read_p50 / base_p50:.1f}, "
          f"min {min(reading) / min(base):.1f}")
    for (tick_day, ms, report), run in zip(ticks, ("first run", "repeated", "first run", "repeated")):
        rate = f", {report.hand_offs * 1000 / ms:.0f} hand-offs/s" if report.hand_offs else ""
        print(f"tick {tick_day} ({run}): {ms:.0f} ms — {report.reminders} reminders, {report.hand_offs} hand-offs"
              f"{rate}, {report.without_superior} overdue without a superior")
    return 0


if __name__ == "__main__":
    sys.exit(main())
