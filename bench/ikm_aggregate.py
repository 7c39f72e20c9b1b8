"""Times the IKM of one unit with 100,000 responses: SQL aggregation (one SUM/COUNT query) plus
the whole unit report (trend, suggestions, officers), on a scratch SQLite database and, when
reachable, on PostgreSQL (TEST_DATABASE_URL, else postgresql://127.0.0.1/test — in a scratch
schema ikm_bench, dropped and recreated; the public schema is not touched).

    .venv/bin/python bench/ikm_aggregate.py [--responses 100000] [--repeat 5] [--no-postgres]
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

CHUNK = 5000
BENCH_SCHEMA = "ikm_bench"


def _prepare(database_url: str, responses: int):
    os.environ.setdefault("SIKINERJA_INSTANCE", tempfile.mkdtemp(prefix="ikm-bench-"))
    from flask_migrate import upgrade
    from sqlalchemy import insert

    from app import create_app
    from app.extensions import db
    from app.models import Agency, Unit
    from app.models.survey import ANSWER_COLUMNS, SurveyPeriod, SurveyResponse

    app = create_app(SQLALCHEMY_DATABASE_URI=database_url)
    with app.app_context():
        upgrade()
        agency = Agency(code="BENCH", name="Dinas Uji Beban", kind="DINAS")
        unit = Unit(agency=agency, code="BENCH-LOKET", name="Loket Uji Beban", kind="PELAYANAN", serves_public=True)
        period = SurveyPeriod(unit=unit, kind="YEAR", start_date=dt.date(2026, 1, 1),
                              end_date=dt.date(2026, 12, 31), population=250000)
        db.session.add_all([agency, unit, period])
        db.session.commit()
        generator = random.Random(2026)
        started = time.perf_counter()
        for first in range(0, responses, CHUNK):
            rows = []
            for index in range(first, min(first + CHUNK, responses)):
                row = {column: generator.choice((1, 2, 3, 3, 4, 4, None if index % 50 == 0 else 4))
                       for column in ANSWER_COLUMNS}
                row.update(unit_id=unit.id, agency_id=agency.id, period_id=period.id,
                           client_hash=f"{index:064x}",
                           submitted_at=dt.datetime(2026, 1, 1) + dt.timedelta(minutes=index % 500000),
                           excluded=index % 997 == 0, suggestion="Mohon ditingkatkan." if index % 40 == 0 else None)
                rows.append(row)
            db.session.execute(insert(SurveyResponse.__table__), rows)
            db.session.commit()
        inserted = time.perf_counter() - started
        return app, unit.id, period.id, inserted


def _time(function, repeat: int) -> tuple[float, object]:
    timings, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings), result


def measure(label: str, database_url: str, responses: int, repeat: int) -> None:
    app, unit_id, period_id, inserted = _prepare(database_url, responses)
    from app.models.survey import SurveyResponse
    from app.services import survey

    with app.app_context():
        aggregate, tallied = _time(lambda: survey.IkmFigures.of(survey.tally(SurveyResponse.period_id == period_id)),
                                   repeat)
        report_time, report = _time(lambda: survey.unit_ikm_report(unit_id, period_id), repeat)
    print(f"{label}: {responses} responses inserted in {inserted:.1f} s; "
          f"IKM aggregate {aggregate * 1000:.0f} ms (median of {repeat}); full unit report "
          f"{report_time * 1000:.0f} ms; respondents {tallied.respondents}, IKM value {tallied.value:.2f} "
          f"grade {tallied.grade.letter}; excluded {report.excluded}")


def _postgres_url() -> str | None:
    """A scratch schema of its own on the PostgreSQL server, so the test database is left as it is."""
    from sqlalchemy import create_engine, text

    url = os.environ.get("TEST_DATABASE_URL", "postgresql://127.0.0.1/test")
    url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {BENCH_SCHEMA} CASCADE"))
            connection.execute(text(f"CREATE SCHEMA {BENCH_SCHEMA}"))
    except Exception as error:  # noqa: BLE001 — any failure means "no PostgreSQL to measure"
        print(f"PostgreSQL not measured: {error.__class__.__name__}: {str(error).splitlines()[0]}")
        return None
    finally:
        engine.dispose()
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{BENCH_SCHEMA}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-postgres", action="store_true")
    options = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="ikm-bench-")
    measure("SQLite", f"sqlite:///{scratch}/ikm.db", options.responses, options.repeat)
    if not options.no_postgres:
        url = _postgres_url()
        if url:
            # One create_app per process (FAB_NOTES): PostgreSQL runs in a child process.
            import subprocess

            return subprocess.call([sys.executable, __file__, "--postgres-child", url, str(options.responses),
                                    str(options.repeat)])
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--postgres-child":
        measure("PostgreSQL", sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
        sys.exit(0)
    sys.exit(main())
