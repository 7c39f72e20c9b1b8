"""Writes the audit log: every change to business data and every login attempt.

Changes are captured from the ORM session itself (after each flush, inside the
same transaction), so no view, API, service or import can change a record
without leaving a trace, and a rolled-back change leaves none.

Entries form a hash chain (``prev_hash`` → ``entry_hash``), appended one writer
at a time: on PostgreSQL a transaction-level advisory lock serialises appends
until commit; SQLite serialises writing transactions by itself. Every append
also moves the anchor (app.models.audit.AuditAnchor) in the same transaction,
so a log cut short or emptied no longer matches it; the anchor's seal is an
HMAC under a key the database does not hold (AUDIT_ANCHOR_KEY, by default
derived from SECRET_KEY), so whoever can write the database but not read the
application's configuration cannot move the anchor back to match a cut log.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from decimal import Decimal

from flask import current_app, g, has_request_context, request
from flask_appbuilder.models.sqla import Model
from flask_babel import gettext, lazy_gettext as _l, ngettext
from sqlalchemy import Delete, Update, event, inspect, select, text
from sqlalchemy.orm import MANYTOONE
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.base import NO_VALUE

from app.extensions import db
from app.formatting import DASH, long_date, moment, shown
from app.models.audit import AuditAnchor, AuditEntry, utcnow
from app.models.security import UserAccount
from app.security.scope import is_scoped
from app.services.backup import snapshot

# Bookkeeping FAB updates on every login; the login entry already records it.
_USER_NOISE = {"last_login", "login_count", "fail_login_count", "changed_on", "locked_until"}
_SECRET_COLUMNS = {"password"}


def _plain(value):
    if isinstance(value, (dt.date, dt.datetime, Decimal)):
        return str(value)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def _actor():
    if not has_request_context():
        return None, "system", None
    user = g.get("user")
    if user is not None and getattr(user, "is_authenticated", False):
        return user.id, user.username, request.remote_addr
    return None, None, request.remote_addr


def _is_audited(obj) -> bool:
    return isinstance(obj, UserAccount) or (is_scoped(type(obj)) and not isinstance(obj, AuditEntry))


def _column_changes(obj, action):
    state = inspect(obj)
    changes = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in _SECRET_COLUMNS:
            history = state.attrs[key].history
            if action == "update" and history.has_changes():
                changes[key] = {"before": "***", "after": "***"}
            continue
        history = state.attrs[key].history
        if action == "create":
            value = getattr(obj, key)
            if value is not None:
                changes[key] = {"after": _plain(value)}
        elif action == "delete":
            changes[key] = {"before": _plain(history.unchanged[0] if history.unchanged else
                                             (history.deleted[0] if history.deleted else None))}
        elif history.has_changes():
            before = history.deleted[0] if history.deleted else None
            after = history.added[0] if history.added else None
            if before != after:
                changes[key] = {"before": _plain(before), "after": _plain(after)}
    for rel in state.mapper.relationships:
        if not rel.uselist:
            if action == "update":
                _to_one_change(state, rel, changes)
            continue
        history = state.attrs[rel.key].history
        if history.added or history.deleted:
            changes[rel.key] = {
                "removed": [str(item) for item in history.deleted],
                "added": [str(item) for item in history.added],
            }
    return changes


def _foreign_key_of(mapper, rel) -> str | None:
    """The attribute holding the one foreign key of a many-to-one relation (``unit`` → ``unit_id``)."""
    if rel.direction is not MANYTOONE or len(rel.local_columns) != 1:
        return None
    return mapper.get_property_by_column(next(iter(rel.local_columns))).key


def _to_one_change(state, rel, changes) -> None:
    """A to-one relation set to another row (employee.unit = ...): its foreign key is only synchronised during
    the flush, after this listener, so the column loop above does not see it. Recorded by the rows' names
    under the relation's name; the row it pointed to is read by its key when it was never loaded."""
    history = state.attrs[rel.key].history
    if not history.added or rel.key in changes:
        return
    before = history.deleted[0] if history.deleted else None
    if before is None and not history.deleted and (key := _foreign_key_of(state.mapper, rel)):
        old_id = state.attrs[key].loaded_value
        if old_id is not None and old_id is not NO_VALUE:
            before = state.session.get(rel.mapper.class_, old_id)
    after = history.added[0]
    before_name, after_name = (str(row) if row is not None else None for row in (before, after))
    if before_name != after_name:
        changes[rel.key] = {"before": before_name, "after": after_name}


def _collect(session, flush_context, instances):
    # History is complete before the flush; ids of new rows exist only after it.
    pending = session.info.setdefault("audit_pending", [])
    for action, objects in (("update", session.dirty), ("delete", session.deleted)):
        for obj in objects:
            if isinstance(obj, (AuditEntry, AuditAnchor)):
                raise PermissionError("The audit log is append-only.")
            if _is_audited(obj) and (action == "delete" or session.is_modified(obj)):
                pending.append((obj, action, _column_changes(obj, action)))
    session.info.setdefault("audit_new", []).extend(obj for obj in session.new if _is_audited(obj))


def _write(session, flush_context):
    user_id, username, ip = _actor()
    rows = [_row(obj, "create", _column_changes(obj, "create"), user_id, username, ip)
            for obj in session.info.pop("audit_new", [])]
    for obj, action, changes in session.info.pop("audit_pending", []):
        if action == "update" and (not changes or (isinstance(obj, UserAccount) and set(changes) <= _USER_NOISE)):
            continue
        rows.append(_row(obj, action, changes, user_id, username, ip))
    if rows:
        append_entries(session.connection(), rows)


def _discard(session):
    session.info.pop("audit_pending", None)
    session.info.pop("audit_new", None)


_APPEND_ONLY_TABLES = {AuditEntry.__tablename__, AuditAnchor.__tablename__}


def _refuse_bulk_changes(execute_state):
    # session.execute(update(AuditEntry)) / delete(...) would bypass the flush-time guard above; the chain
    # itself moves the anchor through the connection (append_entries), which no session event sees.
    statement = execute_state.statement
    target = getattr(statement, "table", None)
    if isinstance(statement, (Update, Delete)) and getattr(target, "name", None) in _APPEND_ONLY_TABLES:
        raise PermissionError("The audit log is append-only.")


_LISTENERS = (("before_flush", _collect), ("after_flush", _write), ("after_rollback", _discard),
              ("do_orm_execute", _refuse_bulk_changes))


def install(session) -> None:
    """Attach the audit listeners to the application's session (once per process)."""
    for name, listener in _LISTENERS:
        if not event.contains(session, name, listener):
            event.listen(session, name, listener)


def _name_of(obj, action) -> str:
    """The row's name for the log. A row created with foreign keys only (``WorkPlan(period_id=2, …)``) has
    those relations unloaded until its flush has ended, so its name read "SKP None — (v2)": they are read by
    their keys first, without counting as a change of the row."""
    state = inspect(obj)
    if action == "create":
        for rel in state.mapper.relationships:
            key = _foreign_key_of(state.mapper, rel)
            if key and rel.key not in state.dict and state.dict.get(key) is not None:
                set_committed_value(obj, rel.key, state.session.get(rel.mapper.class_, state.dict[key]))
    return str(obj)[:255]


def _row(obj, action, changes, user_id, username, ip):
    # Not the identity key: a row created in this flush gets it only after the flush events have run; its
    # primary key columns already hold what the INSERT wrote.
    state = inspect(obj)
    identity = state.identity or state.mapper.primary_key_from_instance(obj)
    if any(part is None for part in identity):
        identity = None
    return {
        "created_at": utcnow(), "user_id": user_id, "username": username, "ip_address": ip,
        "action": action, "entity": type(obj).__name__,
        "entity_id": str(identity[0]) if identity else None,
        "summary": _name_of(obj, action), "changes": changes or {},
    }


def record_event(session, action: str, username: str | None, summary: str = "", user_id=None) -> None:
    """Record an event that is not a row change (login, failed login, lock-out), and commit it."""
    _, _, ip = _actor()
    append_entries(session.connection(), [{
        "created_at": utcnow(), "user_id": user_id, "username": username, "ip_address": ip, "action": action,
        "entity": "UserAccount", "entity_id": None, "summary": summary[:255], "changes": {}}])
    session.commit()


# --- the hash chain -----------------------------------------------------------------------------

GENESIS_HASH = "0" * 64
# Any constant shared by every process appending to one database (pg_advisory_xact_lock's key).
_CHAIN_LOCK_KEY = 0x5A1A_0D17
ANCHOR_ID = 1  # the anchor's one row
UNSEALED = "unsealed"  # the seal of an anchor that was found rewritten; matches no content
_HASHED_FIELDS = ("created_at", "user_id", "username", "ip_address", "action", "entity", "entity_id",
                  "summary", "changes")


def entry_hash(entry: dict, prev_hash: str) -> str:
    """SHA-256 over a canonical JSON of the entry's fields and the previous entry's hash.

    ``entry`` is a mapping (a row to insert) or an AuditEntry read back; both give the same text because
    timestamps are written as ISO 8601 and ``changes`` is plain JSON.
    """
    value = entry.get if isinstance(entry, dict) else (lambda field: getattr(entry, field))
    content = {field: value(field) for field in _HASHED_FIELDS}
    content["created_at"] = content["created_at"].isoformat() if content["created_at"] else None
    content["prev_hash"] = prev_hash
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def anchor_seal(entry_count: int, head_id: int, head_hash: str) -> str:
    """HMAC-SHA256 of the anchor's fields under AUDIT_ANCHOR_KEY (else a key derived from SECRET_KEY)."""
    config = current_app.config
    key = config.get("AUDIT_ANCHOR_KEY")
    if not key:
        # Not the session-signing key itself: a seal must not be usable as a session signature, nor the reverse.
        key = hmac.new(_as_bytes(config["SECRET_KEY"]), b"sikinerja audit anchor", hashlib.sha256).digest()
    message = f"{entry_count}:{head_id}:{head_hash}".encode()
    return hmac.new(_as_bytes(key), message, hashlib.sha256).hexdigest()


def _as_bytes(key) -> bytes:
    return key if isinstance(key, bytes) else str(key).encode("utf-8")


# Built once: every audited transaction runs them.
_ANCHOR = AuditAnchor.__table__
_READ_ANCHOR = select(_ANCHOR).where(_ANCHOR.c.id == ANCHOR_ID)
_UPDATE_ANCHOR = _ANCHOR.update().where(_ANCHOR.c.id == ANCHOR_ID)
_INSERT_ENTRIES = AuditEntry.__table__.insert().returning(AuditEntry.id, sort_by_parameter_order=True)


def read_anchor(connection):
    """The anchor row (entry_count, head_id, head_hash, seal), or None while the log is empty."""
    return connection.execute(_READ_ANCHOR).first()


def _is_sealed(anchor) -> bool:
    return hmac.compare_digest(anchor.seal, anchor_seal(anchor.entry_count, anchor.head_id, anchor.head_hash))


def append_entries(connection, rows: list[dict]) -> None:
    """Insert ``rows`` at the end of the chain and move the anchor to the last of them, in the caller's
    transaction."""
    if connection.dialect.name == "postgresql":
        # Held until commit/rollback: the next writer reads the tail only after this one is committed.
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CHAIN_LOCK_KEY})
    # The chain continues from the anchor, not from whatever entry is last now: entries cut off behind the
    # application's back stay a visible gap (the next entry's link names the missing head).
    anchor = read_anchor(connection)
    previous = anchor.head_hash if anchor else GENESIS_HASH
    for row in rows:
        row["prev_hash"] = previous
        row["entry_hash"] = previous = entry_hash(row, previous)
    head_id = connection.execute(_INSERT_ENTRIES, rows).scalars().all()[-1]
    entry_count = (anchor.entry_count if anchor else 0) + len(rows)
    # An anchor rewritten behind the application's back must not be sealed afresh by the next append: its
    # seal stays broken (verify keeps saying so) until an operator holding the key reseals it.
    seal = anchor_seal(entry_count, head_id, previous) if anchor is None or _is_sealed(anchor) else UNSEALED
    values = {"entry_count": entry_count, "head_id": head_id, "head_hash": previous, "seal": seal}
    if anchor is None:
        connection.execute(_ANCHOR.insert(), {"id": ANCHOR_ID, **values})
    else:
        connection.execute(_UPDATE_ANCHOR, values)


@dataclass
class ChainReport:
    """What verify_chain found: ``checked`` entries intact, then at most one finding, named by ``reason``."""
    checked: int
    broken_id: int | None = None  # the first entry whose content, link or place does not match
    cut_after: int | None = None  # the anchored tail is gone: the last entry left (0: none is left)
    reason: str = ""

    @property
    def intact(self) -> bool:
        return not self.reason


def verify_chain(engine) -> ChainReport:
    """Walk the log in id order, reporting the first entry whose content or link does not match, then
    compare the chain's head with the sealed anchor. Reads one consistent state: appends may go on meanwhile."""
    return _check_chain(engine, seal_must_match=True)[1]


def _check_chain(engine, seal_must_match: bool):
    """(the anchor, the ChainReport) from one consistent state of the database."""
    connection = snapshot(engine)
    try:
        anchor = read_anchor(connection)
        if seal_must_match and anchor is not None and not _is_sealed(anchor):
            # Nothing else the anchor says can be trusted then: its count, head or both may be forged.
            return anchor, ChainReport(0, reason="its seal does not match its content: it was rewritten, or "
                                                 "AUDIT_ANCHOR_KEY (or SECRET_KEY) is not the key that sealed it "
                                                 "(after a deliberate change of the key: flask audit reseal)")
        return anchor, _compare_with_anchor(connection, anchor)
    finally:
        connection.rollback()
        connection.close()


def _compare_with_anchor(connection, anchor) -> ChainReport:
    anchored_count = anchor.entry_count if anchor else 0
    previous, checked, last_id = GENESIS_HASH, 0, 0
    entries = connection.execution_options(yield_per=1000).execute(
        select(AuditEntry.__table__).order_by(AuditEntry.id))
    for entry in entries:
        if entry.prev_hash != previous:
            return ChainReport(checked, entry.id, reason="its link does not match the entry before it "
                                                         "(an entry was removed, inserted or reordered)")
        if entry.entry_hash != entry_hash(entry, entry.prev_hash):
            return ChainReport(checked, entry.id, reason="its content was changed after it was written")
        if anchor is None:
            return ChainReport(checked, reason="it is missing, yet the log holds entries (it was deleted)")
        if checked == anchored_count:
            return ChainReport(checked, entry.id, reason=f"it comes after entry {anchor.head_id}, the head the "
                                                         "anchor records: the application did not write it")
        previous, checked, last_id = entry.entry_hash, checked + 1, entry.id
        if checked == anchored_count and (entry.id, entry.entry_hash) != (anchor.head_id, anchor.head_hash):
            return ChainReport(checked - 1, entry.id, reason=f"it stands where the anchor puts its head (entry "
                                                             f"{anchor.head_id}), with another id or hash: the "
                                                             "log was rewritten up to here")
    if checked < anchored_count:
        return ChainReport(checked, cut_after=last_id, reason=(
            f"the anchor records {anchored_count} entries up to entry {anchor.head_id}, "
            f"the log holds {checked}" + ("" if checked else " (it was emptied)")))
    return ChainReport(checked)


def reseal_anchor(engine) -> ChainReport:
    """Seal the anchor again under this instance's key, after a deliberate change of that key (e.g. a restore
    on a server without the old one). Refused, changing nothing, unless the chain matches the anchor in
    everything but the seal."""
    anchor, report = _check_chain(engine, seal_must_match=False)
    if not report.intact or anchor is None:
        return report
    with engine.begin() as connection:
        # Only the anchor that was checked: an append since then moved it past what the check saw.
        resealed = connection.execute(_UPDATE_ANCHOR.where(
            _ANCHOR.c.entry_count == anchor.entry_count, _ANCHOR.c.head_hash == anchor.head_hash)
            .values(seal=anchor_seal(anchor.entry_count, anchor.head_id, anchor.head_hash))).rowcount
    if not resealed:
        return ChainReport(report.checked, reason="entries were added while the log was checked; run the "
                                                  "command again")
    return report


# --- what a reader of the log sees ------------------------------------------------------------------------

ACTION_LABELS = {
    "create": _l("Created"), "update": _l("Changed"), "delete": _l("Deleted"), "import": _l("Imported"),
    "login": _l("Sign-in"), "logout": _l("Sign-out"), "login_failed": _l("Sign-in failed"),
    "login_refused_locked": _l("Sign-in refused (account locked)"), "account_locked": _l("Account locked"),
    "unchanged": _l("Unchanged"), "rejected": _l("Rejected"),  # outcomes of an import's rows
}
# The fixed summaries of the events above (stored in English, in the hash chain, so translated when shown).
_EVENT_SUMMARIES = {
    "every session ended": _l("every session ended"), "wrong password": _l("wrong password"),
    "unknown user": _l("unknown user"),
}
_LOCKED_UNTIL = re.compile(r"locked until (\d{4}-\d\d-\d\d \d\d:\d\d) UTC$")
_LOCKED_FOR = re.compile(r"locked for (\d+) minutes$")
_STORED_DECIMAL = re.compile(r"-?\d+\.\d+")
_STORED_MOMENT = re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d(\.\d+)?)?")
_STORED_DATE = re.compile(r"\d{4}-\d\d-\d\d")


def actor_shown(username: str | None) -> str:
    """Who acted: the account's name, "System" for seeding, the command line and background work."""
    return gettext("System") if username == "system" else (username or DASH)


def action_shown(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def summary_shown(summary: str | None) -> str:
    """An entry's summary for the reader: event summaries translated, their UTC times local."""
    if not summary:
        return DASH
    if summary in _EVENT_SUMMARIES:
        return str(_EVENT_SUMMARIES[summary])
    if match := _LOCKED_UNTIL.match(summary):
        return gettext("locked until %(moment)s", moment=moment(dt.datetime.fromisoformat(match.group(1))))
    if match := _LOCKED_FOR.match(summary):
        return ngettext("locked for %(num)d minute", "locked for %(num)d minutes", int(match.group(1)))
    return summary


def _stored_value_shown(value) -> str:
    """A value as _plain stored it (ISO dates and times, decimals as text), as a person reads it."""
    if isinstance(value, str):
        if _STORED_MOMENT.fullmatch(value):
            return moment(dt.datetime.fromisoformat(value))
        if _STORED_DATE.fullmatch(value):
            return long_date(dt.date.fromisoformat(value))
        if _STORED_DECIMAL.fullmatch(value):
            return shown(Decimal(value))
    if isinstance(value, list):
        return ", ".join(map(_stored_value_shown, value)) or DASH
    return shown(value)


def _referenced_rows(entity: str | None) -> dict:
    """{foreign key attribute: the model it refers to} of the record type ``entity`` (a model's class name)."""
    mapper = next((mapper for mapper in Model.registry.mappers if mapper.class_.__name__ == entity), None)
    if mapper is None:
        return {}
    return {key: rel.mapper.class_ for rel in mapper.relationships if (key := _foreign_key_of(mapper, rel))}


def _foreign_value_shown(model, value) -> str:
    """A stored foreign key as the name of the row it refers to (as that row is called now)."""
    if value is None:
        return DASH
    row = db.session.get(model, value) if isinstance(value, int) and not isinstance(value, bool) else None
    return str(row) if row is not None else gettext("deleted record (id %(id)s)", id=value)


def changes_shown(changes: dict | None, field_label, entity: str | None = None) -> str:
    """One line per changed field, ``Label: before → after``; ``field_label(name)`` names the field, and a
    foreign key of ``entity`` (``rank_id: 9``) is shown as the row it refers to ("III/a Penata Muda")."""
    referenced = _referenced_rows(entity)

    def value_shown(name, value):
        return _foreign_value_shown(referenced[name], value) if name in referenced else _stored_value_shown(value)

    lines = []
    for name, change in (changes or {}).items():
        label = field_label(name)
        if name == "counts" and isinstance(change, dict):  # an import: rows per outcome
            lines.append(", ".join(f"{action_shown(outcome)}: {count}" for outcome, count in change.items()))
        elif not isinstance(change, dict):
            lines.append(f"{label}: {value_shown(name, change)}")
        elif "added" in change or "removed" in change:
            lines.append(f"{label}: " + gettext("added %(added)s, removed %(removed)s",
                                                added=_stored_value_shown(change.get("added", [])),
                                                removed=_stored_value_shown(change.get("removed", []))))
        elif "before" in change and "after" in change:
            lines.append(f"{label}: {value_shown(name, change['before'])} → {value_shown(name, change['after'])}")
        else:
            lines.append(f"{label}: {value_shown(name, change.get('after', change.get('before')))}")
    return "\n".join(lines) or DASH
