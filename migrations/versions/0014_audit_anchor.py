"""Trust: the audit log's head is anchored outside the chain, and TRUNCATE of the log is refused

Revision ID: 0014_audit_anchor
Revises: 0012_session_epoch
Create Date: 2026-12-01

A hash chain shows a changed or removed entry, but not that its newest entries were cut off, nor that it
was emptied. audit_anchor holds one row: the number of entries, the newest one's id and hash, and a seal
(HMAC under AUDIT_ANCHOR_KEY, app.services.audit) that the database cannot produce. It is filled here from
the existing chain, which is thereby taken as it stands. On PostgreSQL triggers let the anchor only move
forward (no lower count, no DELETE, no TRUNCATE) and refuse TRUNCATE of audit_entry, which the row
triggers of 0009_audit_chain do not see. A restore lifts the TRUNCATE guards inside its own transaction
(app.services.backup).
"""
from alembic import op
import sqlalchemy as sa


revision = "0014_audit_anchor"
down_revision = "0012_session_epoch"
branch_labels = None
depends_on = None

# audit_entry_append_only() is 0009's: it raises whatever the statement, so it serves a TRUNCATE trigger too.
ENTRY_TRUNCATE_TRIGGER = """
CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_entry
FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_append_only()
"""
ANCHOR_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_anchor_moves_forward() RETURNS trigger AS $$
BEGIN
    -- Forward: more entries and a newer head. In place: the same head, sealed again (flask audit reseal).
    IF TG_OP = 'UPDATE' AND NEW.id = OLD.id AND (
           (NEW.entry_count > OLD.entry_count AND NEW.head_id > OLD.head_id)
        OR (NEW.entry_count = OLD.entry_count AND NEW.head_id = OLD.head_id AND NEW.head_hash = OLD.head_hash))
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the audit anchor only moves forward';
END;
$$ LANGUAGE plpgsql
"""
ANCHOR_TRIGGERS = ("""
CREATE TRIGGER audit_anchor_moves_forward BEFORE UPDATE OR DELETE ON audit_anchor
FOR EACH ROW EXECUTE FUNCTION audit_anchor_moves_forward()
""", """
CREATE TRIGGER audit_anchor_no_truncate BEFORE TRUNCATE ON audit_anchor
FOR EACH STATEMENT EXECUTE FUNCTION audit_anchor_moves_forward()
""")


def _anchor_existing_chain(connection):
    from app.services.audit import ANCHOR_ID, anchor_seal

    entries = sa.table("audit_entry", sa.column("id", sa.Integer), sa.column("entry_hash", sa.String))
    anchor = sa.table("audit_anchor", sa.column("id", sa.Integer), sa.column("entry_count", sa.Integer),
                      sa.column("head_id", sa.Integer), sa.column("head_hash", sa.String),
                      sa.column("seal", sa.String))
    entry_count = connection.execute(sa.select(sa.func.count()).select_from(entries)).scalar_one()
    if not entry_count:
        return  # the first append creates the anchor
    head_id, head_hash = connection.execute(
        sa.select(entries.c.id, entries.c.entry_hash).order_by(entries.c.id.desc()).limit(1)).one()
    connection.execute(anchor.insert().values(id=ANCHOR_ID, entry_count=entry_count, head_id=head_id,
                                              head_hash=head_hash, seal=anchor_seal(entry_count, head_id, head_hash)))


def upgrade():
    op.create_table(
        "audit_anchor",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("entry_count", sa.Integer(), nullable=False),
        sa.Column("head_id", sa.Integer(), nullable=False),
        sa.Column("head_hash", sa.String(length=64), nullable=False),
        sa.Column("seal", sa.String(length=64), nullable=False),
        sa.CheckConstraint("id = 1", name="audit_anchor_single_row"),
        sa.PrimaryKeyConstraint("id"),
    )
    _anchor_existing_chain(op.get_bind())
    if op.get_bind().dialect.name == "postgresql":
        op.execute(ENTRY_TRUNCATE_TRIGGER)
        op.execute(ANCHOR_FUNCTION)
        for trigger in ANCHOR_TRIGGERS:
            op.execute(trigger)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_entry_no_truncate ON audit_entry")
        op.execute("DROP TRIGGER IF EXISTS audit_anchor_no_truncate ON audit_anchor")
        op.execute("DROP TRIGGER IF EXISTS audit_anchor_moves_forward ON audit_anchor")
        op.execute("DROP FUNCTION IF EXISTS audit_anchor_moves_forward()")
    op.drop_table("audit_anchor")
