"""Public satisfaction survey (SKM): survey periods, responses and improvement plans.

Revision ID: 0003_survey
Revises: 0002_planning (0002_planning once it lands)
Create Date: 2026-11-29

Answers are nine nullable small integers (u1..u9, NULL = skipped) so the IKM is one
SUM/COUNT aggregate; the check constraints repeat the 1–4 rule as a last line of defence.
"""
from alembic import op
import sqlalchemy as sa


revision = "0003_survey"
down_revision = "0002_planning"  # TEMPORARY: becomes "0002_planning" once that migration lands
branch_labels = None
depends_on = None


ANSWER_COLUMNS = [f"u{number}" for number in range(1, 10)]
UNIT_OWNED_TABLES = ("survey_period", "improvement_plan", "survey_response")  # creation order


def _create_unit_owned(table, *columns, indexes=()):
    """A table whose rows belong to a service unit and carry the unit's agency (the scope column)."""
    op.create_table(
        table,
        sa.Column("id", sa.Integer(), nullable=False),
        *columns,
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"]),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    for name, indexed in (("agency_id", ["agency_id"]), ("unit_id", ["unit_id"]), *indexes):
        op.create_index(name if name.startswith("ix_") else f"ix_{table}_{name}", table, indexed)


def upgrade():
    _create_unit_owned(
        "survey_period",
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("population", sa.Integer(), nullable=False),
        sa.Column("is_open", sa.Boolean(), nullable=False),
        sa.CheckConstraint("end_date >= start_date", name="ck_survey_period_dates"),
        sa.CheckConstraint("population >= 0", name="ck_survey_period_population"),
        indexes=[("ix_survey_period_unit_dates", ["unit_id", "start_date", "end_date"])],
    )
    _create_unit_owned(
        "improvement_plan",
        sa.Column("period_id", sa.Integer(), sa.ForeignKey("survey_period.id"), nullable=True),
        sa.Column("element_id", sa.Integer(), sa.ForeignKey("survey_element.id"), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("target_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        indexes=[("period_id", ["period_id"])],
    )
    _create_unit_owned(
        "survey_response",
        sa.Column("period_id", sa.Integer(), sa.ForeignKey("survey_period.id"), nullable=False),
        *(sa.Column(column, sa.SmallInteger(), nullable=True) for column in ANSWER_COLUMNS),
        sa.Column("sex", sa.String(length=1), nullable=True),
        sa.Column("age_band", sa.String(length=8), nullable=True),
        sa.Column("education", sa.String(length=8), nullable=True),
        sa.Column("occupation", sa.String(length=12), nullable=True),
        sa.Column("service_used", sa.String(length=120), nullable=True),
        sa.Column("suggestion", sa.String(length=1000), nullable=True),
        sa.Column("officer_id", sa.Integer(), sa.ForeignKey("employee.id"), nullable=True),
        sa.Column("client_hash", sa.String(length=64), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.Column("excluded", sa.Boolean(), nullable=False),
        sa.Column("excluded_reason", sa.String(length=255), nullable=True),
        sa.Column("excluded_by", sa.String(length=128), nullable=True),
        sa.Column("excluded_at", sa.DateTime(), nullable=True),
        *(sa.CheckConstraint(f"{column} BETWEEN 1 AND 4", name=f"ck_survey_response_{column}")
          for column in ANSWER_COLUMNS),
        indexes=[("ix_survey_response_period_excluded", ["period_id", "excluded"]),
                 ("ix_survey_response_fingerprint_time", ["fingerprint", "submitted_at"]),
                 ("ix_survey_response_officer_time", ["officer_id", "submitted_at"])],
    )


def downgrade():
    # Dropping a table drops its indexes and constraints.
    for table in reversed(UNIT_OWNED_TABLES):
        op.drop_table(table)
