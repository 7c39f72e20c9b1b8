"""Placeholder for issue 16-17 (audit lookup index and what trust/faults need)

Revision ID: 0018_trust_faults
Revises: 0017_exact_sums_survey
Create Date: 2026-12-02

Reserved in the chain so that parallel work can fill it in; it changes nothing until it is written.
"""
from alembic import op
import sqlalchemy as sa


revision = "0018_trust_faults"
down_revision = "0017_exact_sums_survey"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
