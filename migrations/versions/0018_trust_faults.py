"""Audit lookup by record: one index on (entity, entity_id, id) for a record's history

A stale save (409) lists what the saves since the opened version changed, read from the audit log: the
record's last update entries (``entity``, ``entity_id``, newest first); the audit log's filters look a record
up the same way. Only ``entity`` was indexed, so on PostgreSQL each lookup read every entry of that record
type (all employees' changes to find one employee's). The new index covers the lookup and its order; the
single-column index on ``entity`` is its prefix and is dropped (one index less to write on every append).

Revision ID: 0018_trust_faults
Revises: 0017_exact_sums_survey
Create Date: 2026-12-02
"""
from alembic import op


revision = "0018_trust_faults"
down_revision = "0017_exact_sums_survey"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_audit_entry_record", "audit_entry", ["entity", "entity_id", "id"])
    op.drop_index("ix_audit_entry_entity", table_name="audit_entry")


def downgrade():
    op.create_index("ix_audit_entry_entity", "audit_entry", ["entity"])
    op.drop_index("ix_audit_entry_record", table_name="audit_entry")
