"""The annual predikat per agency from an index, and the corrections' index holding corrections only (issue 21)

Revision ID: 0029_evaluation_predikat_indexes
Revises: 0028_employee_jp_year
Create Date: 2026-12-06

The leaders' home counts, for the whole government, the annual evaluations by predikat that no correction
replaced. It read every evaluation of the agencies (80,000 in the generated province) and hashed every
previous_id, NULLs included: 24 ms. A partial index of the annual rated evaluations (with the predikat, the period
and the id, on PostgreSQL) and an index of previous_id holding only the corrections make it 5 ms.
"""
from alembic import op
import sqlalchemy as sa


revision = "0029_evaluation_predikat_indexes"
down_revision = "0028_employee_jp_year"
branch_labels = None
depends_on = None

RATED_ANNUAL = sa.text("kind = 'ANNUAL' AND predikat IS NOT NULL")
CORRECTIONS = sa.text("previous_id IS NOT NULL")


def upgrade():
    op.drop_index("ix_evaluation_previous_id", table_name="evaluation")
    op.create_index("ix_evaluation_previous_id", "evaluation", ["previous_id"],
                    postgresql_where=CORRECTIONS, sqlite_where=CORRECTIONS)
    op.create_index("ix_evaluation_annual_predikat", "evaluation", ["agency_id"],
                    postgresql_include=["predikat", "period_id", "id"], postgresql_where=RATED_ANNUAL,
                    sqlite_where=RATED_ANNUAL)


def downgrade():
    op.drop_index("ix_evaluation_annual_predikat", table_name="evaluation")
    op.drop_index("ix_evaluation_previous_id", table_name="evaluation")
    op.create_index("ix_evaluation_previous_id", "evaluation", ["previous_id"])
