"""No lost update: a version column on every record more than one person maintains

Revision ID: 0015_record_versions
Revises: 0014_audit_anchor
Create Date: 2026-12-02

``row_version`` is the optimistic lock of app.models.versioning (SQLAlchemy's ``version_id_col``): existing
rows start at version 1, which the server default fills in.
"""
from alembic import op
import sqlalchemy as sa


revision = "0015_record_versions"
down_revision = "0014_audit_anchor"
branch_labels = None
depends_on = None

# The tables of the models that mix in app.models.versioning.Versioned.
VERSIONED_TABLES = ("agency", "award_type", "employee", "nomination", "organization_indicator", "position",
                    "training_programme", "unit")


def upgrade():
    for table in VERSIONED_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("row_version", sa.Integer(), nullable=False, server_default="1"))


def downgrade():
    for table in VERSIONED_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("row_version")
