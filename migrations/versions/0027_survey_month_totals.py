"""Each service unit's survey tally per month (issue 21)

Revision ID: 0027_survey_month_totals
Revises: 0026_dashboard_counters
Create Date: 2026-12-04

Per agency, unit and month (WITA), the included responses and per element the sum of the answers and how many
answered: a year's IKM per unit (the leaders' home, the recognition wall, the best-unit candidates) sums these
rows instead of every response. Filled from the responses already there by the service that keeps it
(app.services.survey_totals.rebuild), so the figures come from the one rule the app uses.
"""
from alembic import op
import sqlalchemy as sa


revision = "0027_survey_month_totals"
down_revision = "0026_dashboard_counters"
branch_labels = None
depends_on = None

ANSWERS = [f"u{number}" for number in range(1, 10)]


def upgrade():
    op.create_table(
        "survey_month_total",
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("respondents", sa.Integer(), nullable=False),
        *(sa.Column(f"{answer}_{part}", sa.Integer(), nullable=False) for answer in ANSWERS for part in ("sum", "count")),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("agency_id", "unit_id", "month"),
    )
    from app.services.survey_totals import rebuild

    rebuild(op.get_bind())


def downgrade():
    op.drop_table("survey_month_total")
