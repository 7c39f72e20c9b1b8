"""The monitoring dashboard's running totals (issue 21): activities per agency and day, achievement per SKP

Revision ID: 0026_dashboard_counters
Revises: 0025_training_minutes
Create Date: 2026-12-02

Per agency and day, the activities sent and those waiting for approval; per SKP, its quantity IKIs with a
target and the sum of their achievement shares. The dashboard's 30-second poll sums these instead of counting
the activities and joining every IKI. Filled from the rows already there by the service that keeps them
(app.services.performance_totals.rebuild_dashboard_totals), so the figures come from the one rule the app uses;
every employee without running totals yet gets them (the dashboard's idle list reads them).
"""
from alembic import op
import sqlalchemy as sa


revision = "0026_dashboard_counters"
down_revision = "0025_training_minutes"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "activity_day_total",
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("activity_date", sa.Date(), nullable=False),
        sa.Column("sent", sa.Integer(), nullable=False),
        sa.Column("submitted", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("agency_id", "activity_date"),
    )
    op.create_table(
        "work_plan_achievement_total",
        sa.Column("work_plan_id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("evaluator_id", sa.Integer(), nullable=True),
        sa.Column("employee_agency_id", sa.Integer(), nullable=False),
        sa.Column("employee_unit_id", sa.Integer(), nullable=True),
        sa.Column("indicators", sa.Integer(), nullable=False),
        sa.Column("shares", sa.Numeric(precision=20, scale=12), nullable=False),
        sa.ForeignKeyConstraint(["work_plan_id"], ["work_plan.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["period_id"], ["period.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"]),
        sa.ForeignKeyConstraint(["employee_id"], ["employee.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["evaluator_id"], ["employee.id"]),
        sa.ForeignKeyConstraint(["employee_agency_id"], ["agency.id"]),
        sa.ForeignKeyConstraint(["employee_unit_id"], ["unit.id"]),
        sa.PrimaryKeyConstraint("work_plan_id"),
    )
    op.create_index("ix_work_plan_achievement_total_period", "work_plan_achievement_total", ["period_id"])
    from app.services.performance_totals import rebuild_dashboard_totals, refresh

    bind = op.get_bind()
    rebuild_dashboard_totals(bind)
    # The idle list reads every employee's running totals: employees created since 0019 who never reported
    # have none yet (from now on an employee gets theirs when created).
    refresh(bind, bind.scalars(sa.text(
        "SELECT id FROM employee WHERE id NOT IN (SELECT employee_id FROM employee_performance_total)")).all())


def downgrade():
    op.drop_table("work_plan_achievement_total")
    op.drop_table("activity_day_total")
