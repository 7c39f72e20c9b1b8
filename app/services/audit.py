"""Writes the audit log: every change to business data and every login attempt.

Changes are captured from the ORM session itself (after each flush, inside the
same transaction), so no view, API, service or import can change a record
without leaving a trace, and a rolled-back change leaves none.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask import g, has_request_context, request
from sqlalchemy import event, inspect

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
        session.connection().execute(AuditEntry.__table__.insert(), rows)


def _discard(session):
    session.info.pop("audit_pending", None)
    session.info.pop("audit_new", None)


_LISTENERS = (("before_flush", _collect), ("after_flush", _write), ("after_rollback", _discard))


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
    session.add(AuditEntry(user_id=user_id, username=username, ip_address=ip, action=action,
                           entity="UserAccount", summary=summary[:255], changes={}))
    session.commit()
