"""Bulk document jobs and their items (resumable)

Revision ID: 0008_document_jobs
Revises: 0007_recognition
Create Date: 2026-11-29

uq_document_job_running is partial: one running job per agency, period, kind and mode, so a double submit
finds the running job instead of starting a second one; finished jobs stay as history.
"""
from alembic import op
import sqlalchemy as sa


revision = "0008_document_jobs"
down_revision = "0007_recognition"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "document_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("subject_kind", sa.String(length=30), nullable=False),
        sa.Column("mode", sa.String(length=10), nullable=False),
        sa.Column("output", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("result_file", sa.String(length=255), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"]),
        sa.ForeignKeyConstraint(["period_id"], ["period.id"]),
        sa.ForeignKeyConstraint(["requested_by_id"], ["ab_user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_document_job_agency_id", "document_job", ["agency_id"])
    op.create_index("uq_document_job_running", "document_job", ["agency_id", "period_id", "subject_kind", "mode"],
                    unique=True, sqlite_where=sa.text("status = 'running'"),
                    postgresql_where=sa.text("status = 'running'"))
    op.create_table(
        "document_job_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("subject_key", sa.String(length=40), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["job_id"], ["document_job.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_document_job_item_job_status", "document_job_item", ["job_id", "status"])


def downgrade():
    op.drop_index("ix_document_job_item_job_status", table_name="document_job_item")
    op.drop_table("document_job_item")
    op.drop_index("uq_document_job_running", table_name="document_job")
    op.drop_index("ix_document_job_agency_id", table_name="document_job")
    op.drop_table("document_job")
