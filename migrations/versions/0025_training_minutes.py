"""A training completion entered as a duration in minutes (issue 20)

Revision ID: 0025_training_minutes
Revises: 0024_evaluation_objection
Create Date: 2026-12-02

Certificates and letters state a training's duration ("270 menit"): a completion entered so keeps its minutes,
and its JP follow the minutes-per-JP policy of its year while the year is open. Existing rows were entered in JP.
"""
from alembic import op
import sqlalchemy as sa


revision = "0025_training_minutes"
down_revision = "0024_evaluation_objection"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("training_participation") as batch:
        batch.add_column(sa.Column("minutes", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("training_participation") as batch:
        batch.drop_column("minutes")
