"""Per-employee running totals for the leaders' performance table; the dialogue's row version (issue 19)

Revision ID: 0019_performance_totals
Revises: 0018_trust_faults
Create Date: 2026-12-02

One row per employee: last report, activities of its week and month, activities waiting for approval, the
achievement of the newest approved SKP; indexed so that the table sorts the whole government by them, and a
partial index on the submitted activities per employee, which every writing transaction counts. The
rows are filled from the activities and plans already there by the service that keeps them
(app.services.performance_totals.rebuild), so the figures are computed by the one rule the app uses.

A performance dialogue becomes a versioned record like the others (app.models.versioning): its optimistic-lock
column ``version`` is renamed ``row_version``, which its edit form and REST PUT now send back.
"""
from alembic import op
import sqlalchemy as sa


revision = "0019_performance_totals"
down_revision = "0018_trust_faults"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "employee_performance_total",
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("last_reported_on", sa.Date(), nullable=True),
        sa.Column("week_of", sa.Date(), nullable=True),
        sa.Column("week_count", sa.Integer(), nullable=False),
        sa.Column("month_of", sa.Date(), nullable=True),
        sa.Column("month_count", sa.Integer(), nullable=False),
        sa.Column("waiting", sa.Integer(), nullable=False),
        sa.Column("achievement_period_id", sa.Integer(), nullable=True),
        sa.Column("achievement", sa.Numeric(precision=7, scale=2), nullable=True),
        sa.ForeignKeyConstraint(["employee_id"], ["employee.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["achievement_period_id"], ["period.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("employee_id"),
    )
    op.create_index("ix_employee_performance_total_achievement", "employee_performance_total",
                    ["achievement_period_id", "achievement"])
    op.create_index("ix_employee_performance_total_last_report", "employee_performance_total",
                    ["last_reported_on"])
    op.create_index("ix_employee_performance_total_week", "employee_performance_total", ["week_of", "week_count"])
    op.create_index("ix_employee_performance_total_month", "employee_performance_total",
                    ["month_of", "month_count"])
    op.create_index("ix_daily_activity_employee_waiting", "daily_activity", ["employee_id"],
                    postgresql_where=sa.text("status = 'submitted'"), sqlite_where=sa.text("status = 'submitted'"))
    from app.services.performance_totals import rebuild

    rebuild(op.get_bind(), dashboard=False)  # their tables come with 0026
    with op.batch_alter_table("performance_dialogue") as table:
        table.alter_column("version", new_column_name="row_version")


def downgrade():
    with op.batch_alter_table("performance_dialogue") as table:
        table.alter_column("row_version", new_column_name="version")
    op.drop_index("ix_daily_activity_employee_waiting", table_name="daily_activity")
    op.drop_table("employee_performance_total")
