"""The audit log: who did what to which record, when and from where. Rows are only ever inserted.

Each entry carries the SHA-256 of the entry before it (``prev_hash``) and of its own content plus that
link (``entry_hash``), so changing or removing any entry breaks the chain from there on
(``flask audit verify``). app.services.audit writes the chain; nothing else inserts entries.
"""
from datetime import datetime, timezone

from flask_appbuilder.models.sqla import Model
from sqlalchemy import JSON, Column, DateTime, Integer, String


def utcnow():
    return datetime.now(timezone.utc).replace(tzinfo=None)


class AuditEntry(Model):
    __tablename__ = "audit_entry"
    __scope_reference__ = True

    id = Column(Integer, primary_key=True)
    created_at = Column(DateTime, nullable=False, default=utcnow, index=True)
    user_id = Column(Integer, index=True)
    username = Column(String(128))
    ip_address = Column(String(45))
    action = Column(String(30), nullable=False, index=True)
    entity = Column(String(60), index=True)
    entity_id = Column(String(40))
    summary = Column(String(255))
    changes = Column(JSON)
    prev_hash = Column(String(64), nullable=False)
    entry_hash = Column(String(64), nullable=False)

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.entity or ''}"
