"""The audit log: who did what to which record, when and from where. Rows are only ever inserted.

Each entry carries the SHA-256 of the entry before it (``prev_hash``) and of its own content plus that
link (``entry_hash``), so changing or removing any entry breaks the chain from there on
(``flask audit verify``). A chain alone cannot show that its newest entries were cut off, or that all of
them were: the anchor, one row beside it, holds the head of the chain and how many entries lead up to it,
sealed with a key that lives outside the database. app.services.audit writes both, in one transaction;
nothing else inserts entries or moves the anchor.
"""
from datetime import datetime, timezone

from flask_appbuilder.models.sqla import Model
from sqlalchemy import JSON, CheckConstraint, Column, DateTime, Index, Integer, String


def utcnow():
    return datetime.now(timezone.utc).replace(tzinfo=None)


class AuditEntry(Model):
    __tablename__ = "audit_entry"
    __scope_reference__ = True
    # A record's history (the changes a stale save is shown, the audit log's record filter), newest first.
    __table_args__ = (Index("ix_audit_entry_record", "entity", "entity_id", "id"),)

    id = Column(Integer, primary_key=True)
    created_at = Column(DateTime, nullable=False, default=utcnow, index=True)
    user_id = Column(Integer, index=True)
    username = Column(String(128))
    ip_address = Column(String(45))
    action = Column(String(30), nullable=False, index=True)
    entity = Column(String(60))
    entity_id = Column(String(40))
    summary = Column(String(255))
    changes = Column(JSON)
    prev_hash = Column(String(64), nullable=False)
    entry_hash = Column(String(64), nullable=False)

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.entity or ''}"

    @property
    def entity_changes(self):
        """(record type, changes): the log's page names each changed field as that record's screens do."""
        return self.entity, self.changes


class AuditAnchor(Model):
    """The chain's head as of the last append: the newest entry, its hash, the number of entries up to it.

    A single row (id 1), missing only while the log is empty. ``seal`` is an HMAC of the other three under
    AUDIT_ANCHOR_KEY. It declares no scope: no view shows it and the audit listener does not record it.
    """
    __tablename__ = "audit_anchor"
    __table_args__ = (CheckConstraint("id = 1", name="audit_anchor_single_row"),)

    id = Column(Integer, primary_key=True, autoincrement=False)
    entry_count = Column(Integer, nullable=False)
    head_id = Column(Integer, nullable=False)
    head_hash = Column(String(64), nullable=False)
    seal = Column(String(64), nullable=False)
