"""Time of the monthly TPP calculation (issue 23) for a whole province: every agency's month calculated by the
use-case (app.services.tpp.calculate_month: marks, leave, outages, approved activities, rules, one INSERT per
2,000 rows), against a baseline in the same run on the same data — the bare SQL that reads the same inputs
(employees with position kind and rank, the month's marks, approved activities, approved leave, outages), with
no rule applied and nothing written. The ratio is what the rules, the explanation and the writes cost.

    .venv/bin/python bench/tpp_month.py --database sqlite:////tmp/province.db --generate   # 20,000 employees
    .venv/bin/python bench/tpp_month.py --database postgresql://postgres@127.0.0.1/bench [--repeat 3]

``--generate`` first generates the province into that (empty, migrated by the script) SQLite file or scratch
PostgreSQL database, with fewer activities than the full benchmark (``--activities``, default 400,000) and one
month of attendance. The calculations are removed after each repeat, so the database stays as it was. A
benchmark, not a test: nothing is asserted.
"""
from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

from _load import recreate_postgres_schema, sqlalchemy_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

BASELINE = (
    "SELECT e.id, e.agency_id, e.position_id, pk.code, r.golongan FROM employee e "
    "LEFT JOIN position p ON p.id = e.position_id LEFT JOIN position_kind pk ON pk.id = p.kind_id "
    "LEFT JOIN rank r ON r.id = e.rank_id WHERE e.active",
    "SELECT employee_id, marked_at, direction FROM attendance_mark WHERE marked_at >= :first AND marked_at < :after",
    "SELECT employee_id, start_time, end_time FROM daily_activity WHERE status = 'approved' "
    "AND activity_date BETWEEN :first AND :last",
    "SELECT employee_id, kind, starts_on, ends_on FROM leave_record WHERE status = 'approved' "
    "AND starts_on <= :last AND ends_on >= :first",
    "SELECT agency_id, starts_on, ends_on FROM attendance_outage WHERE starts_on <= :last AND ends_on >= :first",
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True, help="sqlite:////path/file.db or postgresql://…/bench")
    parser.add_argument("--generate", action="store_true", help="generate the province first (empties it)")
    parser.add_argument("--employees", type=int, default=20_000)
    parser.add_argument("--activities", type=int, default=400_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from flask_migrate import upgrade
    from sqlalchemy import delete, text

    from app import create_app
    from app.extensions import db
    from app.models.tpp import TppCalculation
    from app.services import seeding, tpp
    from app.demo.generator import ProvinceSize, generate_province

    url = sqlalchemy_url(args.database)
    if args.generate:
        if url.startswith("postgresql"):
            recreate_postgres_schema(args.database)
        elif url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    app = create_app(SQLALCHEMY_DATABASE_URI=url, TESTING=True)
    with app.app_context():
        if args.generate:
            upgrade()
            seeding.seed_everything(None, demo=False)
            size = ProvinceSize(employees=args.employees, activities=args.activities, survey_responses=10_000)
            report = generate_province(size, 42, app.config["DEMO_PASSWORD"], progress=print)
            print("\n".join(report.lines()))
        last_mark = db.session.scalar(text("SELECT max(marked_at) FROM attendance_mark"))
        if last_mark is None:
            raise SystemExit("no attendance marks: generate the province (--generate)")
        last_mark = last_mark if isinstance(last_mark, dt.datetime) else dt.datetime.fromisoformat(last_mark)
        year, month = last_mark.year, last_mark.month
        first = dt.date(year, month, 1)
        after = dt.date(year + month // 12, month % 12 + 1, 1)
        params = {"first": first, "last": after - dt.timedelta(days=1), "after": after}
        agencies = [agency_id for (agency_id,) in db.session.execute(text("SELECT id FROM agency ORDER BY id"))]
        employees = db.session.scalar(text("SELECT count(*) FROM employee WHERE active"))
        db.session.remove()
        print(f"{db.engine.dialect.name}: {employees:,d} employees in {len(agencies)} agencies, "
              f"month {month:02d}-{year}")

        baseline, calculation = [], []
        for _ in range(args.repeat):
            started = time.perf_counter()
            with db.engine.connect() as connection:
                rows = sum(len(connection.execute(text(sql), params).all()) for sql in BASELINE)
            baseline.append(time.perf_counter() - started)
            started = time.perf_counter()
            calculated = sum(tpp.calculate_month(agency_id, year, month, on=after.replace(day=28)).calculated
                             for agency_id in agencies)
            calculation.append(time.perf_counter() - started)
            db.session.execute(delete(TppCalculation).where(TppCalculation.year == year,
                                                            TppCalculation.month == month))
            db.session.commit()
        base, calc = statistics.median(baseline), statistics.median(calculation)
        print(f"baseline (bare SQL of the inputs, {rows:,d} rows): p50 {base:.2f} s, min {min(baseline):.2f} s")
        print(f"monthly calculation ({calculated:,d} employees): p50 {calc:.2f} s, min {min(calculation):.2f} s, "
              f"{calc * 1000 / max(calculated, 1):.2f} ms per employee (p50); {calc / base:.1f}× the baseline "
              f"(p50), {min(calculation) / min(baseline):.1f}× (min)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
