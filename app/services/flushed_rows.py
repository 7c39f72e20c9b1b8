"""What a write changes in the rows of one model, for the running totals kept in the transaction that writes
(``app.services.performance_totals``: activities per agency and day; ``app.services.survey_totals``: responses
per unit and month). Before a flush a row's old values are noted; after it, each changed or deleted row
gives what it held (to take off) and each new or changed row what it holds (to add). A statement through
``session.execute`` bypasses the flush: its rows (an INSERT) or the ids it is about to change (an UPDATE or a
DELETE) are read here."""
from __future__ import annotations

from collections.abc import Callable
from itertools import chain

from sqlalchemy import event, inspect, select
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


def inserted_rows(execute_state, table_names) -> list[dict] | None:
    """The rows of ``session.execute(insert(Model), [rows])`` into one of ``table_names``, else None."""
    if not execute_state.is_insert or getattr(execute_state.statement, "table", None) is None:
        return None
    if execute_state.statement.table.name not in table_names:
        return None
    rows = execute_state.parameters
    if not rows:  # insert().values(...) or from a select: the rows are not known before it runs
        raise ValueError("an ORM INSERT into %s through the session needs its rows as parameters, "
                         "so that the running totals follow" % execute_state.statement.table.name)
    return [rows] if isinstance(rows, dict) else list(rows)


def affected_ids(execute_state) -> list[int]:
    """The ids of the rows an UPDATE or a DELETE through ``session.execute`` is about to change."""
    table = execute_state.statement.table
    ids = select(table.c.id)
    if execute_state.statement.whereclause is not None:
        ids = ids.where(execute_state.statement.whereclause)
    return list(execute_state.session.connection().scalars(ids))


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


class KeptTally:
    """A tally of one model's rows kept in the transaction that writes them, whatever path writes: before a
    flush what the changed rows held is noted, after it each row's old contribution is taken off and its new
    one added; an INSERT, UPDATE or DELETE through ``session.execute`` is counted around the statement.

    ``add(deltas, values, sign)`` adds what one row (its ``fields``) contributes, times ``sign``, to ``deltas``
    (a dict); ``apply(connection, deltas)`` writes the sums in the caller's transaction, in key order so that
    two writers never deadlock and both count."""

    def __init__(self, model, fields: tuple[str, ...], add: Callable[[dict, dict, int], None],
                 apply: Callable[[object, dict], None]):
        self.model, self.table, self.fields, self.add, self.apply = model, model.__table__, fields, add, apply
        self._before = f"kept_tally_before_{self.table.name}"

    def _rows_of(self, connection, ids) -> list[dict]:
        return [dict(row._mapping) for start in range(0, len(ids), CHUNK) for row in connection.execute(
            select(*(self.table.c[name] for name in self.fields)).where(self.table.c.id.in_(ids[start:start + CHUNK])))]

    def _note_before_flush(self, session, flush_context, instances) -> None:
        session.info[self._before] = values_before_flush(session, self.model, self.fields)

    def _count_flushed(self, session, flush_context) -> None:
        deltas: dict = {}
        for values, sign in flushed_changes(session, self.model, self.fields, session.info.pop(self._before, {})):
            self.add(deltas, values, sign)
        self.apply(session.connection(), deltas)

    def _count_statement(self, execute_state):
        table = getattr(execute_state.statement, "table", None)
        if getattr(table, "name", None) != self.table.name or not (
                execute_state.is_insert or execute_state.is_update or execute_state.is_delete):
            return None
        connection = execute_state.session.connection()
        deltas: dict = {}
        inserted = inserted_rows(execute_state, {self.table.name})
        if inserted is not None:
            for row in inserted:
                self.add(deltas, row, +1)
            result = execute_state.invoke_statement()
            self.apply(connection, deltas)
            return result
        ids = affected_ids(execute_state)
        for row in self._rows_of(connection, ids):
            self.add(deltas, row, -1)
        result = execute_state.invoke_statement()
        if execute_state.is_update:
            for row in self._rows_of(connection, ids):
                self.add(deltas, row, +1)
        self.apply(connection, deltas)
        return result

    def _forget(self, session) -> None:
        session.info.pop(self._before, None)

    def install(self, session) -> None:
        """Attach the listeners to the application's session (once per process)."""
        for name, listener in (("before_flush", self._note_before_flush), ("after_flush", self._count_flushed),
                               ("do_orm_execute", self._count_statement), ("after_rollback", self._forget)):
            if not event.contains(session, name, listener):
                event.listen(session, name, listener)
