"""No lost update: a save based on an older version of a record is refused with what changed meanwhile.

The edit form and the REST PUT send the ``row_version`` the person read (app.models.versioning). Before
anything is written, ``ensure_current_version`` compares it with the stored version under a lock held
until the save commits (``locked_version``), so no one can slip a change in between. A save of the current
version takes the next one (even when only a to-many relation changed, which the ORM alone would not
count); a stale one raises VersionConflict and nothing is written. A writer that lost the race anyway (a
use-case that read the row without that lock: a nomination's decision) fails at the UPDATE itself
(StaleDataError → ConcurrentChange), which app.errors answers with 409 wherever no view answers it.

What changed is read from the audit log, which records every update of a row in the transaction that
makes it: each update of a versioned row is one audit entry and one version, so the changes since
version N are the row's last (current − N) update entries.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import inspect, select, update

from app.domain.messages import N_
from app.extensions import db
from app.models.audit import AuditEntry
from app.models.versioning import VERSION_FIELD
from app.parsing import parse_whole_number
from app.services.transaction import ConcurrentChange

# A form left open over more saves than this is told that the record changed, without the list.
CHANGES_LISTED_UP_TO = 50


@dataclass(frozen=True)
class FieldChange:
    """One column (``before``/``after`` as the audit log stores them) or to-many relation (the rows'
    names ``removed``/``added``) changed by someone else."""

    key: str
    before: object = None
    after: object = None
    removed: tuple[str, ...] = ()
    added: tuple[str, ...] = ()

    @property
    def is_relation(self) -> bool:
        return bool(self.removed or self.added)


class VersionConflict(ConcurrentChange):
    """The record was saved by someone else after ``opened`` was read (None: no version was sent)."""

    def __init__(self, message: str, *, opened: int | None, current: int, changes: list[FieldChange] = (),
                 changed_by: tuple[str, ...] = (), changed_at: dt.datetime | None = None):
        super().__init__(message, version=current)
        self.opened, self.current = opened, current
        self.changes, self.changed_by, self.changed_at = list(changes), changed_by, changed_at


STALE = N_("Someone else saved this record after you opened it (it is now at version %(version)s); "
           "nothing was saved.")
UNVERSIONED = N_("The change does not say which version of the record it was based on (it is now at version "
                 "%(version)s); nothing was saved.")


def current_version(model, pk) -> int | None:
    with db.session.no_autoflush:
        return db.session.scalar(select(model.row_version).where(inspect(model).primary_key[0] == pk))


def locked_version(model, pk) -> int | None:
    """The row's version as committed, the row locked for writing until this transaction ends: a second
    save of the same row waits here until the first one has committed, then reads the version it made.

    An UPDATE that changes nothing (row_version = row_version) takes the lock on both databases: a row lock
    on PostgreSQL (the one any UPDATE takes: rows referring to this one can still be written meanwhile),
    the database's write lock on SQLite, which has no row locks and ignores SELECT ... FOR UPDATE."""
    table = model.__table__
    key = inspect(model).primary_key[0]
    with db.session.no_autoflush:  # the edited item holds the new values: they must not be written yet
        return db.session.execute(update(table).where(table.c[key.name] == pk)
                                  .values(row_version=table.c.row_version)
                                  .returning(table.c.row_version)).scalar()


def conflict_with(model, pk, opened: int | None, current: int) -> VersionConflict:
    """The refusal of a save based on ``opened``, listing what the saves since then changed."""
    if opened is None:
        return VersionConflict(UNVERSIONED, opened=None, current=current)
    count = current - opened
    entries = []
    if 0 < count <= CHANGES_LISTED_UP_TO:
        with db.session.no_autoflush:
            entries = db.session.scalars(
                select(AuditEntry).where(AuditEntry.entity == model.__name__, AuditEntry.entity_id == str(pk),
                                         AuditEntry.action == "update")
                .order_by(AuditEntry.id.desc()).limit(count)).all()[::-1]
    return VersionConflict(STALE, opened=opened, current=current, changes=_merged(entries),
                           changed_by=tuple(dict.fromkeys(entry.username for entry in entries if entry.username)),
                           changed_at=entries[-1].created_at if entries else None)


def _merged(entries) -> list[FieldChange]:
    """One change per field over several saves: the value before the first, the value after the last."""
    columns: dict[str, list] = {}
    relations: dict[str, tuple[dict, dict]] = {}
    for entry in entries:
        for key, change in (entry.changes or {}).items():
            if key == "row_version":
                continue
            if "removed" in change or "added" in change:
                removed, added = relations.setdefault(key, ({}, {}))  # dicts: ordered sets of names
                for name in change.get("removed", ()):
                    _move(name, undone_in=added, recorded_in=removed)
                for name in change.get("added", ()):
                    _move(name, undone_in=removed, recorded_in=added)
            else:
                columns.setdefault(key, [change.get("before"), None])[1] = change.get("after")
    changes = [FieldChange(key, before, after) for key, (before, after) in columns.items() if before != after]
    changes += [FieldChange(key, removed=tuple(removed), added=tuple(added))
                for key, (removed, added) in relations.items() if removed or added]
    return changes


def _move(name, *, undone_in: dict, recorded_in: dict) -> None:
    """A row added then removed again (or the reverse) is no change at all."""
    if name in undone_in:
        del undone_in[name]
    else:
        recorded_in[name] = None


def opened_version(item, values) -> int | None:
    """The version an act on ``item`` was decided on, as a page's form or a REST body sends it (``row_version``):
    a whole number as sent (anything else: None, which ``ensure_opened_version`` refuses); a body that sends
    none acts on the version just read, so that it still loses a race at the write."""
    if VERSION_FIELD not in values:
        return item.row_version
    return parse_whole_number(values[VERSION_FIELD])


def ensure_opened_version(item, opened: int | None) -> None:
    """Refuse an act on ``item`` decided on a page that showed version ``opened`` (None: the page sent none)
    unless it is the stored one, locked until the act commits. Raises VersionConflict."""
    current = locked_version(type(item), item.id)
    if opened != current:
        raise conflict_with(type(item), item.id, opened, current)


def ensure_current_version(item) -> None:
    """Refuse the save of ``item`` unless the version it carries (set from the form or the JSON body) is the
    stored one; otherwise give the row its next version. Raises VersionConflict."""
    model = type(item)
    state = inspect(item)
    history = state.attrs.row_version.history
    opened = history.added[0] if history.added else item.row_version
    read = history.deleted[0] if history.deleted else item.row_version
    pk = state.identity[0]
    current = locked_version(model, pk)
    if opened != current or read != current:
        raise conflict_with(model, pk, opened if isinstance(opened, int) else None, current)
    item.row_version = current + 1
