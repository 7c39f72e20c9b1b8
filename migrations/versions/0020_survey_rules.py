"""Placeholder for issue 20 (survey and policy settings)

Revision ID: 0020_survey_rules
Revises: 0019_performance_totals
Create Date: 2026-12-02

Reserved in the chain so that parallel work can fill it in; it changes nothing until it is written.
"""
from alembic import op
import sqlalchemy as sa


revision = "0020_survey_rules"
down_revision = "0019_performance_totals"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
