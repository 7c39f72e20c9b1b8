"""Writes the audit log: every change to business data and every login attempt.

Changes are captured from the ORM session itself (after each flush, inside the
same transaction), so no view, API, service or import can change a record
without leaving a trace, and a rolled-back change leaves none.

Entries form a hash chain (``prev_hash`` → ``entry_hash``), appended one writer
at a time: on PostgreSQL a transaction-level advisory lock serialises appends
until commit; SQLite serialises writing transactions by itself.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal

from flask import g, has_request_context, request
from sqlalchemy import Delete, Update, event, inspect, select, text

from app.models.audit import AuditEntry, utcnow
from app.models.security import UserAccount
from app.security.scope import is_scoped

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
            continue
        history = state.attrs[rel.key].history
        if history.added or history.deleted:
            changes[rel.key] = {
                "removed": [str(item) for item in history.deleted],
                "added": [str(item) for item in history.added],
            }
    return changes


def _collect(session, flush_context, instances):
    # History is complete before the flush; ids of new rows exist only after it.
    pending = session.info.setdefault("audit_pending", [])
    for action, objects in (("update", session.dirty), ("delete", session.deleted)):
        for obj in objects:
            if isinstance(obj, AuditEntry):
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


def _refuse_bulk_changes(execute_state):
    # session.execute(update(AuditEntry)) / delete(...) would bypass the flush-time guard above.
    statement = execute_state.statement
    target = getattr(statement, "table", None)
    if isinstance(statement, (Update, Delete)) and getattr(target, "name", None) == AuditEntry.__tablename__:
        raise PermissionError("The audit log is append-only.")


_LISTENERS = (("before_flush", _collect), ("after_flush", _write), ("after_rollback", _discard),
              ("do_orm_execute", _refuse_bulk_changes))


def install(session) -> None:
    """Attach the audit listeners to the application's session (once per process)."""
    for name, listener in _LISTENERS:
        if not event.contains(session, name, listener):
            event.listen(session, name, listener)


def _row(obj, action, changes, user_id, username, ip):
    identity = inspect(obj).identity
    return {
        "created_at": utcnow(), "user_id": user_id, "username": username, "ip_address": ip,
        "action": action, "entity": type(obj).__name__,
        "entity_id": str(identity[0]) if identity else None,
        "summary": str(obj)[:255], "changes": changes or {},
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


def append_entries(connection, rows: list[dict]) -> None:
    """Insert ``rows`` at the end of the chain, in the caller's transaction."""
    if connection.dialect.name == "postgresql":
        # Held until commit/rollback: the next writer reads the tail only after this one is committed.
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CHAIN_LOCK_KEY})
    previous = connection.execute(
        select(AuditEntry.entry_hash).order_by(AuditEntry.id.desc()).limit(1)).scalar() or GENESIS_HASH
    for row in rows:
        row["prev_hash"] = previous
        row["entry_hash"] = previous = entry_hash(row, previous)
    connection.execute(AuditEntry.__table__.insert(), rows)


@dataclass
class ChainReport:
    checked: int
    broken_id: int | None = None
    reason: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_id is None


def verify_chain(session) -> ChainReport:
    """Walk the log in id order and report the first entry whose content or link does not match."""
    previous, checked = GENESIS_HASH, 0
    entries = session.execute(select(AuditEntry).order_by(AuditEntry.id).execution_options(yield_per=1000))
    for entry in entries.scalars():
        if entry.prev_hash != previous:
            return ChainReport(checked, entry.id, "its link does not match the entry before it "
                                                  "(an entry was removed, inserted or reordered)")
        if entry.entry_hash != entry_hash(entry, entry.prev_hash):
            return ChainReport(checked, entry.id, "its content was changed after it was written")
        previous, checked = entry.entry_hash, checked + 1
    return ChainReport(checked)
