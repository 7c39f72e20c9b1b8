"""Daily activities, holidays, outreach events and their attendance.

Revision ID: 0004_activity
Revises: 0003_survey
Create Date: 2026-12-01

daily_activity references period, work_result and result_indicator of 0002_planning: on
PostgreSQL this revision needs that migration in the chain before it.
The composite indexes serve the three hot reads at 10 million rows: the employee's week,
the evaluator's queue and the leader's dashboard; a fourth serves the accumulation per indicator.
"""
from alembic import op
import sqlalchemy as sa


revision = "0004_activity"
down_revision = "0003_survey"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "holiday",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("date"),
    )
    op.create_table(
        "daily_activity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("evaluator_id", sa.Integer(), nullable=True),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("work_result_id", sa.Integer(), nullable=True),
        sa.Column("result_indicator_id", sa.Integer(), nullable=True),
        sa.Column("activity_date", sa.Date(), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=False),
        sa.Column("end_time", sa.Time(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("volume", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("output_unit", sa.String(length=40), nullable=False),
        sa.Column("evidence_link", sa.String(length=500), nullable=True),
        sa.Column("evidence_stored_name", sa.String(length=64), nullable=True),
        sa.Column("evidence_original_name", sa.String(length=255), nullable=True),
        sa.Column("evidence_content_type", sa.String(length=40), nullable=True),
        sa.Column("evidence_size", sa.Integer(), nullable=True),
        sa.Column("evidence_sha256", sa.String(length=64), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("return_note", sa.Text(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.Column("decided_by_user_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("volume > 0", name="ck_daily_activity_volume_positive"),
        sa.CheckConstraint("end_time > start_time", name="ck_daily_activity_end_after_start"),
        sa.ForeignKeyConstraint(["employee_id"], ["employee.id"]),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"]),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"]),
        sa.ForeignKeyConstraint(["evaluator_id"], ["employee.id"]),
        sa.ForeignKeyConstraint(["period_id"], ["period.id"]),
        sa.ForeignKeyConstraint(["work_result_id"], ["work_result.id"]),
        sa.ForeignKeyConstraint(["result_indicator_id"], ["result_indicator.id"]),
        sa.ForeignKeyConstraint(["decided_by_user_id"], ["ab_user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_daily_activity_employee_date", "daily_activity", ["employee_id", "activity_date"])
    op.create_index("ix_daily_activity_evaluator_status", "daily_activity", ["evaluator_id", "status"])
    op.create_index("ix_daily_activity_agency_date", "daily_activity", ["agency_id", "activity_date"])
    op.create_index("ix_daily_activity_indicator_status_date", "daily_activity",
                    ["result_indicator_id", "status", "activity_date"])
    op.create_index("ix_daily_activity_status_agency_submitted", "daily_activity",
                    ["status", "agency_id", "submitted_at"])
    op.create_index("ix_daily_activity_period_status_indicator_volume", "daily_activity",
                    ["period_id", "status", "result_indicator_id", "volume"])
    op.create_table(
        "outreach_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_outreach_event_agency_date", "outreach_event", ["agency_id", "date"])
    op.create_table(
        "outreach_attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["outreach_event.id"]),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"]),
        sa.ForeignKeyConstraint(["employee_id"], ["employee.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id", "employee_id", name="uq_outreach_attendance"),
    )
    for column in ("event_id", "agency_id", "employee_id"):
        op.create_index(f"ix_outreach_attendance_{column}", "outreach_attendance", [column])


def downgrade():
    op.drop_table("outreach_attendance")
    op.drop_table("outreach_event")
    op.drop_table("daily_activity")
    op.drop_table("holiday")
