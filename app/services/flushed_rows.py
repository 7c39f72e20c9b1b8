"""What a flush changes in the rows of one model, for the running totals kept in the transaction that writes
(``app.services.performance_totals``: activities per agency and day; ``app.services.survey_totals``: responses
per unit and month). Before the flush a row's old values are noted; after it, each changed or deleted row
gives what it held (to take off) and each new or changed row what it holds (to add)."""
from __future__ import annotations

from itertools import chain

from sqlalchemy import inspect, select
from sqlalchemy.orm.base import NO_VALUE

# Bound the IN lists (SQLite allows 32,766 parameters).
CHUNK = 500


def values_before_flush(session, model, fields: tuple[str, ...]) -> dict[int, dict]:
    """By id, what the changed and deleted rows of ``model`` held before this flush — read from the database
    where the session does not know it (an attribute set or a row deleted while expired)."""
    known, unknown = {}, []
    for row in chain(session.dirty, session.deleted):
        if isinstance(row, model) and inspect(row).key is not None:
            state = inspect(row)
            before = {name: state.committed_state.get(name, state.dict.get(name, NO_VALUE)) for name in fields}
            if NO_VALUE in before.values():
                unknown.append(state.identity[0])
            else:
                known[state.identity[0]] = before
    table = model.__table__
    for start in range(0, len(unknown), CHUNK):
        for row in session.connection().execute(select(table.c.id, *(table.c[name] for name in fields))
                                                .where(table.c.id.in_(unknown[start:start + CHUNK]))):
            values = dict(row._mapping)
            known[values.pop("id")] = values
    return known


def flushed_changes(session, model, fields: tuple[str, ...], before: dict[int, dict]) -> list[tuple[dict, int]]:
    """After the flush, ``(values, -1)`` for what each changed or deleted row of ``model`` held (``before``, from
    ``values_before_flush``) and ``(values, +1)`` for what each new or changed row holds now."""
    changes = []
    for row in chain(session.new, session.dirty, session.deleted):
        if not isinstance(row, model):
            continue
        if row not in session.new:
            identity = inspect(row).identity
            if not identity or identity[0] not in before:
                continue
            changes.append((before[identity[0]], -1))
        if row not in session.deleted:
            changes.append(({name: inspect(row).dict.get(name) for name in fields}, +1))
    return changes
