"""Placeholder for issue 19 (per-employee running totals for the leaders' table)

Revision ID: 0019_performance_totals
Revises: 0018_trust_faults
Create Date: 2026-12-02

Reserved in the chain so that parallel work can fill it in; it changes nothing until it is written.
"""
from alembic import op
import sqlalchemy as sa


revision = "0019_performance_totals"
down_revision = "0018_trust_faults"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
