"""Placeholder for issue 23 (attendance, leave, TPP)

Revision ID: 0023_attendance_tpp
Revises: 0022_cycle_attendance_tpp
Create Date: 2026-12-02

Reserved in the chain so that parallel work can fill it in; it changes nothing until it is written.
"""
from alembic import op
import sqlalchemy as sa


revision = "0023_attendance_tpp"
down_revision = "0022_cycle_attendance_tpp"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
