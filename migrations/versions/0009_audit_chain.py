"""Trust: the audit log becomes a hash chain, append-only in the database; final evaluations never change

Revision ID: 0009_audit_chain
Revises: 0008_document_jobs
Create Date: 2026-11-29

Existing entries are chained in id order. On PostgreSQL a trigger refuses UPDATE and DELETE on
audit_entry, so not even a direct SQL session of the application's user rewrites history
(the ORM refuses it on every database, app.services.audit). On both databases triggers refuse an UPDATE
of a final evaluation and of its realisations and feedback (the ORM refuses earlier, app.models.guards).
A later migration that rebuilds one of these tables in SQLite batch mode must create its trigger again.
"""
from alembic import op
import sqlalchemy as sa


revision = "0009_audit_chain"
down_revision = "0008_document_jobs"
branch_labels = None
depends_on = None

APPEND_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$ LANGUAGE plpgsql
"""
APPEND_ONLY_TRIGGER = """
CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry
FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()
"""

FINAL_MESSAGE = "a final evaluation never changes; create a correction instead"
EVALUATION_PARTS = ("evaluation_realisation", "evaluation_feedback")
# Every column but row_version: the ORM bumps the version alone when a part is added in the transaction that
# creates a final evaluation (the demo); that is no change of the evaluation.
EVALUATION_COLUMNS = ("id", "work_plan_id", "period_id", "kind", "window_start", "window_end", "status",
                      "work_result_rating", "behaviour_rating", "predikat", "objection", "version", "previous_id",
                      "correction_reason", "submitted_at", "acknowledged_at", "finalised_at", "agency_id",
                      "employee_id", "evaluator_id")
SQLITE_EVALUATION_CHANGED = " OR ".join(f"NEW.{column} IS NOT OLD.{column}" for column in EVALUATION_COLUMNS)
SQLITE_FINAL_TRIGGERS = {
    "evaluation_final_never_changes": f"""
CREATE TRIGGER evaluation_final_never_changes BEFORE UPDATE ON evaluation
FOR EACH ROW WHEN OLD.status = 'final' AND ({SQLITE_EVALUATION_CHANGED})
BEGIN SELECT RAISE(ABORT, '{FINAL_MESSAGE}'); END
""",
    **{f"{table}_final_never_changes": f"""
CREATE TRIGGER {table}_final_never_changes BEFORE UPDATE ON {table}
FOR EACH ROW WHEN (SELECT status FROM evaluation WHERE id = OLD.evaluation_id) = 'final'
BEGIN SELECT RAISE(ABORT, '{FINAL_MESSAGE}'); END
""" for table in EVALUATION_PARTS},
}
POSTGRES_FINAL_FUNCTIONS = (f"""
CREATE OR REPLACE FUNCTION evaluation_final_never_changes() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'final' AND (to_jsonb(NEW) - 'row_version') IS DISTINCT FROM (to_jsonb(OLD) - 'row_version')
    THEN
        RAISE EXCEPTION '{FINAL_MESSAGE}';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql
""", f"""
CREATE OR REPLACE FUNCTION evaluation_part_final_never_changes() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM evaluation WHERE id = OLD.evaluation_id AND status = 'final') THEN
        RAISE EXCEPTION '{FINAL_MESSAGE}';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql
""")


def _create_final_evaluation_triggers(dialect):
    if dialect == "postgresql":
        for function in POSTGRES_FINAL_FUNCTIONS:
            op.execute(function)
        op.execute("CREATE TRIGGER evaluation_final_never_changes BEFORE UPDATE ON evaluation "
                   "FOR EACH ROW EXECUTE FUNCTION evaluation_final_never_changes()")
        for table in EVALUATION_PARTS:
            op.execute(f"CREATE TRIGGER {table}_final_never_changes BEFORE UPDATE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION evaluation_part_final_never_changes()")
    else:
        for statement in SQLITE_FINAL_TRIGGERS.values():
            op.execute(statement)


def _drop_final_evaluation_triggers(dialect):
    for table in ("evaluation", *EVALUATION_PARTS):
        on_table = f" ON {table}" if dialect == "postgresql" else ""
        op.execute(f"DROP TRIGGER IF EXISTS {table}_final_never_changes{on_table}")
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS evaluation_final_never_changes()")
        op.execute("DROP FUNCTION IF EXISTS evaluation_part_final_never_changes()")


def _chain_existing_entries(connection):
    from app.services.audit import GENESIS_HASH, entry_hash

    table = sa.table("audit_entry", sa.column("id", sa.Integer), sa.column("created_at", sa.DateTime),
                     sa.column("user_id", sa.Integer), sa.column("username", sa.String),
                     sa.column("ip_address", sa.String), sa.column("action", sa.String),
                     sa.column("entity", sa.String), sa.column("entity_id", sa.String),
                     sa.column("summary", sa.String), sa.column("changes", sa.JSON),
                     sa.column("prev_hash", sa.String), sa.column("entry_hash", sa.String))
    previous = GENESIS_HASH
    for row in connection.execute(sa.select(table).order_by(table.c.id)).mappings().all():
        current = entry_hash(dict(row), previous)
        connection.execute(table.update().where(table.c.id == row["id"]).values(
            prev_hash=previous, entry_hash=current))
        previous = current


def upgrade():
    with op.batch_alter_table("audit_entry") as batch:
        batch.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("entry_hash", sa.String(length=64), nullable=True))
    _chain_existing_entries(op.get_bind())
    with op.batch_alter_table("audit_entry") as batch:
        batch.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=False)
        batch.alter_column("entry_hash", existing_type=sa.String(length=64), nullable=False)
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(APPEND_ONLY_FUNCTION)
        op.execute(APPEND_ONLY_TRIGGER)
    _create_final_evaluation_triggers(dialect)


def downgrade():
    dialect = op.get_bind().dialect.name
    _drop_final_evaluation_triggers(dialect)
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_entry")
        op.execute("DROP FUNCTION IF EXISTS audit_entry_append_only()")
    with op.batch_alter_table("audit_entry") as batch:
        batch.drop_column("entry_hash")
        batch.drop_column("prev_hash")
