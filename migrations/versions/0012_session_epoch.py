"""Session epoch per user account: logging out, a new password, deactivation or lock-out end every session

Revision ID: 0012_session_epoch
Revises: 0011_evaluation_previous_index
Create Date: 2026-12-01

Flask's session is a signed cookie and FAB's bearer tokens are signed JWTs: neither can be revoked by itself.
Both now carry the account's epoch at issue, and a request is authenticated only while it is still current.
Sessions and tokens issued before this revision carry none and are refused once: everyone signs in again.
"""
import sqlalchemy as sa
from alembic import op


revision = "0012_session_epoch"
down_revision = "0011_evaluation_previous_index"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("ab_user", sa.Column("session_epoch", sa.Integer(), nullable=False, server_default="0"))


def downgrade():
    op.drop_column("ab_user", "session_epoch")
