"""Placeholder for issue 21 (counters/caches for the dashboards)

Revision ID: 0021_speed_counters
Revises: 0020_survey_rules
Create Date: 2026-12-02

Reserved in the chain so that parallel work can fill it in; it changes nothing until it is written.
"""
from alembic import op
import sqlalchemy as sa


revision = "0021_speed_counters"
down_revision = "0020_survey_rules"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
