"""Each employee's JP per year (issue 21)

Revision ID: 0028_employee_jp_year
Revises: 0027_survey_month_totals
Create Date: 2026-12-06

Per employee and year, the JP earned by completed trainings: the 20-JP compliance of a whole government (the
leaders' home, the leaders' table, an employee's history) reads these rows instead of summing every completion.
Filled from the participations already there by the service that keeps it (app.services.training_totals.rebuild).
"""
from alembic import op
import sqlalchemy as sa


revision = "0028_employee_jp_year"
down_revision = "0027_survey_month_totals"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "employee_jp_year",
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("jp", sa.Numeric(8, 2), nullable=False),
        sa.ForeignKeyConstraint(["employee_id"], ["employee.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("employee_id", "year"),
    )
    from app.services.training_totals import rebuild

    rebuild(op.get_bind())


def downgrade():
    op.drop_table("employee_jp_year")
