"""The audit log looked up by record (issue 17's 409 "what changed", the audit log's record filter): the plan and
time of the lookup with the record index (migration 0018) and without it, on the same data in the same run.

    .venv/bin/python bench/audit_lookup.py --database postgresql://postgres@127.0.0.1/test_t \
        [--entries 1000000] [--records 20000] [--repeat 20]

The database must be migrated (any SiKinerja database: the test or demo one). Inside ONE transaction that
is rolled back at the end, so nothing stays: ``--entries`` synthetic update entries spread over ``--records``
employees are added, the table is analysed, then each lookup is run ``--repeat`` times with the index, and
again after ``DROP INDEX`` (transactional on PostgreSQL) with only the indexes the table had before 0018
(``entity`` alone). Prints the plan's first line and the median/p95 execution time reported by EXPLAIN
ANALYZE. A benchmark, not a test.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys

from sqlalchemy import create_engine, text

from _load import percentile, sqlalchemy_url

# The two lookups by record: the last changes of one record (app.services.versioning.conflict_with) and the
# audit log's list filtered on record type and id (FAB's equality filters, newest first).
LOOKUPS = {
    "record history (409)": "SELECT * FROM audit_entry WHERE entity = 'Employee' AND entity_id = :entity_id "
                            "AND action = 'update' ORDER BY id DESC LIMIT 3",
    "audit log record filter": "SELECT * FROM audit_entry WHERE entity = 'Employee' AND entity_id = :entity_id "
                               "ORDER BY created_at DESC LIMIT 25",
}
# Record types in the proportions a year of use gives the log: most entries are about activities.
FILL = """
INSERT INTO audit_entry (created_at, user_id, username, action, entity, entity_id, summary, changes,
                         prev_hash, entry_hash)
SELECT now() - make_interval(secs => n), 1, 'bench', 'update',
       (ARRAY['DailyActivity', 'DailyActivity', 'DailyActivity', 'Employee', 'WorkPlan', 'Evaluation'])[1 + n % 6],
       (n % :records)::text, 'bench', '{}'::json, repeat('0', 64), repeat('0', 64)
FROM generate_series(1, :entries) AS n
"""


# Plan nodes above the one that reads the table: the line printed names the reading node.
PASSED_THROUGH = ("Limit", "Sort", "Incremental Sort", "Gather", "Gather Merge")


def measure(connection, statement: str, repeat: int) -> tuple[str, float, float]:
    times, plan_head = [], ""
    for attempt in range(repeat):
        rows = connection.execute(text(f"EXPLAIN (ANALYZE, FORMAT JSON) {statement}"),
                                  {"entity_id": str(3 + attempt * 7)}).scalar()
        plan = rows if isinstance(rows, list) else json.loads(rows)
        times.append(plan[0]["Execution Time"])
        node = plan[0]["Plan"]
        while node.get("Plans") and node["Node Type"] in PASSED_THROUGH:
            node = node["Plans"][0]
        plan_head = f"{node['Node Type']}" + (f" using {node['Index Name']}" if "Index Name" in node else "")
    return plan_head, statistics.median(times), percentile(times, 0.95)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True, help="postgresql://user@host/db (migrated)")
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    if not args.database.startswith("postgresql"):
        print("PostgreSQL only: EXPLAIN ANALYZE's figures are what this compares.", file=sys.stderr)
        return 2
    engine = create_engine(sqlalchemy_url(args.database))
    with engine.connect() as connection:
        transaction = connection.begin()
        try:
            connection.execute(text(FILL), {"entries": args.entries, "records": args.records})
            connection.execute(text("ANALYZE audit_entry"))
            total = connection.execute(text("SELECT count(*) FROM audit_entry")).scalar()
            print(f"{total:,} audit entries (rolled back at the end)")
            for label, drop in (("with ix_audit_entry_record", None),
                                ("before 0018 (entity alone)", "ix_audit_entry_record")):
                if drop:
                    connection.execute(text(f"DROP INDEX {drop}"))
                    connection.execute(text("CREATE INDEX ix_audit_entry_entity ON audit_entry (entity)"))
                    connection.execute(text("ANALYZE audit_entry"))
                for name, statement in LOOKUPS.items():
                    plan, median, p95 = measure(connection, statement, args.repeat)
                    print(f"{label:30} {name:26} {plan:45} median {median:8.2f} ms  p95 {p95:8.2f} ms")
        finally:
            transaction.rollback()
    return 0


if __name__ == "__main__":
    sys.exit(main())
