"""Performance evaluation: evaluations of approved SKPs, realisation per indicator, feedback per RHK and
core value, and HR Admin's override of a broken distribution curve.

Revision ID: 0005_evaluation
Revises: 0004_activity
Create Date: 2026-11-29

ix_evaluation_agency_period_kind serves the distribution curve (annual evaluations of one agency and period).
"""
from alembic import op
import sqlalchemy as sa


revision = "0005_evaluation"
down_revision = "0004_activity"
branch_labels = None
depends_on = None

SCOPE_INDEXES = ("agency_id", "employee_id", "evaluator_id")


def _scope_columns():
    return [
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("evaluator_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"]),
        sa.ForeignKeyConstraint(["employee_id"], ["employee.id"]),
        sa.ForeignKeyConstraint(["evaluator_id"], ["employee.id"]),
    ]


def _scope_indexes(table):
    for column in SCOPE_INDEXES:
        op.create_index(f"ix_{table}_{column}", table, [column])


def upgrade():
    op.create_table(
        "evaluation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("work_plan_id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("window_start", sa.Date(), nullable=False),
        sa.Column("window_end", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("work_result_rating", sa.Integer(), nullable=True),
        sa.Column("behaviour_rating", sa.Integer(), nullable=True),
        sa.Column("predikat", sa.Integer(), nullable=True),
        sa.Column("objection", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("previous_id", sa.Integer(), nullable=True),
        sa.Column("correction_reason", sa.Text(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(), nullable=True),
        sa.Column("finalised_at", sa.DateTime(), nullable=True),
        sa.Column("row_version", sa.Integer(), nullable=False),
        *_scope_columns(),
        sa.ForeignKeyConstraint(["work_plan_id"], ["work_plan.id"]),
        sa.ForeignKeyConstraint(["period_id"], ["period.id"]),
        sa.ForeignKeyConstraint(["previous_id"], ["evaluation.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("work_plan_id", "kind", "window_start", "version", name="uq_evaluation_window_version"),
    )
    _scope_indexes("evaluation")
    op.create_index("ix_evaluation_work_plan_id", "evaluation", ["work_plan_id"])
    op.create_index("ix_evaluation_period_id", "evaluation", ["period_id"])
    op.create_index("ix_evaluation_status", "evaluation", ["status"])
    op.create_index("ix_evaluation_agency_period_kind", "evaluation", ["agency_id", "period_id", "kind"])
    op.create_table(
        "evaluation_realisation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("evaluation_id", sa.Integer(), nullable=False),
        sa.Column("result_indicator_id", sa.Integer(), nullable=False),
        sa.Column("prefilled_value", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("value", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("change_reason", sa.Text(), nullable=True),
        sa.Column("evidence_link", sa.String(length=500), nullable=True),
        *_scope_columns(),
        sa.ForeignKeyConstraint(["evaluation_id"], ["evaluation.id"]),
        sa.ForeignKeyConstraint(["result_indicator_id"], ["result_indicator.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("evaluation_id", "result_indicator_id", name="uq_evaluation_realisation"),
    )
    _scope_indexes("evaluation_realisation")
    op.create_index("ix_evaluation_realisation_evaluation_id", "evaluation_realisation", ["evaluation_id"])
    op.create_table(
        "evaluation_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("evaluation_id", sa.Integer(), nullable=False),
        sa.Column("target_kind", sa.String(length=12), nullable=False),
        sa.Column("work_result_id", sa.Integer(), nullable=True),
        sa.Column("core_value_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        *_scope_columns(),
        sa.ForeignKeyConstraint(["evaluation_id"], ["evaluation.id"]),
        sa.ForeignKeyConstraint(["work_result_id"], ["work_result.id"]),
        sa.ForeignKeyConstraint(["core_value_id"], ["core_value.id"]),
        sa.ForeignKeyConstraint(["author_id"], ["ab_user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    _scope_indexes("evaluation_feedback")
    op.create_index("ix_evaluation_feedback_evaluation_id", "evaluation_feedback", ["evaluation_id"])
    op.create_table(
        "curve_override",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"]),
        sa.ForeignKeyConstraint(["period_id"], ["period.id"]),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["ab_user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("agency_id", "period_id", name="uq_curve_override_agency_period"),
    )
    op.create_index("ix_curve_override_agency_id", "curve_override", ["agency_id"])
    op.create_index("ix_curve_override_period_id", "curve_override", ["period_id"])


def downgrade():
    for table in ("curve_override", "evaluation_feedback", "evaluation_realisation", "evaluation"):
        op.drop_table(table)
