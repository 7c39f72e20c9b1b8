"""Per employee and year, the JP earned by completed trainings, kept in the transaction that writes (issue 21).

The home page's 20-JP compliance per agency, the leaders' table and an employee's training history read
``EmployeeJpYear``: summing every completion of the province on each page was the costliest statement of the
whole-government home page. Every path that writes a participation keeps it — the programme's participation
form and REST, the bulk registration, a new minutes-per-JP policy recomputing a year's completions, scripts —
through the session (``flushed_rows.KeptTally``): a completion adds its JP to its year, a change moves them, a
deletion takes them off. Sums are rounded to the column's scale in SQL (``app.models.quantities``): on SQLite
a REAL sum of 8.12 + 8.68 + 3.20 would otherwise fall short of the 20 JP a comparison in SQL asks for.
``rebuild`` recounts everything after a bulk load past the session (the province generator, the migration that
created the table).
"""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import extract, select
from sqlalchemy.dialects import postgresql, sqlite

from app.models.quantities import exact_sum, exact_total
from app.models.training import EmployeeJpYear, TrainingParticipation
from app.services.flushed_rows import KeptTally

TOTAL = EmployeeJpYear.__table__
PARTICIPATIONS = TrainingParticipation.__table__
_FIELDS = ("employee_id", "status", "completed_on", "jp_earned")
_COMPLETED = "completed"


def _add(deltas: dict, values: dict, sign: int) -> None:
    """What one participation adds to its employee's year: its JP once completed, with a date and JP."""
    if values.get("status") != _COMPLETED or values.get("completed_on") is None or values.get("jp_earned") is None:
        return
    key = (values["employee_id"], values["completed_on"].year)
    deltas[key] = deltas.get(key, Decimal(0)) + sign * Decimal(values["jp_earned"])


def _apply(connection, deltas: dict) -> None:
    rows = [{"employee_id": employee_id, "year": year, "jp": jp}
            for (employee_id, year), jp in sorted(deltas.items()) if jp]
    if not rows:
        return
    statement = (postgresql if connection.dialect.name == "postgresql" else sqlite).insert(TOTAL)
    connection.execute(statement.on_conflict_do_update(
        index_elements=[TOTAL.c.employee_id, TOTAL.c.year],
        set_={"jp": exact_total(TOTAL.c.jp, TOTAL.c.jp + statement.excluded.jp)}), rows)


def rebuild(connection) -> None:
    """Recount every employee's years from the participations (after a bulk load that wrote past the session)."""
    year = extract("year", PARTICIPATIONS.c.completed_on)
    connection.execute(TOTAL.delete())
    connection.execute(TOTAL.insert().from_select(
        ["employee_id", "year", "jp"],
        select(PARTICIPATIONS.c.employee_id, year, exact_sum(PARTICIPATIONS.c.jp_earned))
        .where(PARTICIPATIONS.c.status == _COMPLETED, PARTICIPATIONS.c.completed_on.is_not(None),
               PARTICIPATIONS.c.jp_earned.is_not(None))
        .group_by(PARTICIPATIONS.c.employee_id, year)))


install = KeptTally(TrainingParticipation, _FIELDS, _add, _apply).install
