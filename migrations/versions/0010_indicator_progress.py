"""Running totals of approved volume per indicator (IKI) for the leader dashboard

Revision ID: 0010_indicator_progress
Revises: 0009_audit_chain
Create Date: 2026-11-29

The totals are filled from the approved activities already there. The index that served the old
dashboard sum (period, status, indicator, volume over every activity) is no longer read: dropped.
"""
from alembic import op
import sqlalchemy as sa


revision = "0010_indicator_progress"
down_revision = "0009_audit_chain"
branch_labels = None
depends_on = None

FILL = """
INSERT INTO indicator_progress (result_indicator_id, approved_volume, approved_activities)
SELECT result_indicator_id, sum(volume), count(*) FROM daily_activity
WHERE status = 'approved' AND result_indicator_id IS NOT NULL GROUP BY result_indicator_id
"""


def upgrade():
    op.create_table(
        "indicator_progress",
        sa.Column("result_indicator_id", sa.Integer(), nullable=False),
        sa.Column("approved_volume", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("approved_activities", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["result_indicator_id"], ["result_indicator.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("result_indicator_id"),
    )
    op.execute(FILL)
    op.drop_index("ix_daily_activity_period_status_indicator_volume", table_name="daily_activity")


def downgrade():
    op.create_index("ix_daily_activity_period_status_indicator_volume", "daily_activity",
                    ["period_id", "status", "result_indicator_id", "volume"])
    op.drop_table("indicator_progress")
