"""The decision on an evaluation's objection (keberatan, issue 23; PermenPANRB 6/2022 Format D.1.3)

Revision ID: 0024_evaluation_objection
Revises: 0023_attendance_tpp
Create Date: 2026-12-02

Who decides an objection (the evaluator's superior, named when the employee files it), and the decision: the
outcome (confirmed or changed), its written reason, when and by which account, and the two ratings the
evaluation had before a change.
"""
from alembic import op
import sqlalchemy as sa


revision = "0024_evaluation_objection"
down_revision = "0023_attendance_tpp"
branch_labels = None
depends_on = None


# Plain ADD COLUMN (the references inline), not a batch: on SQLite a batch rebuilds the table, which the triggers
# that keep final evaluations unchanged (0009) refer to.
def upgrade():
    op.add_column("evaluation", sa.Column("objection_decider_id", sa.Integer(), sa.ForeignKey("employee.id"),
                                          nullable=True), inline_references=True)
    op.add_column("evaluation", sa.Column("objection_outcome", sa.String(length=10), nullable=True))
    op.add_column("evaluation", sa.Column("objection_decision", sa.Text(), nullable=True))
    op.add_column("evaluation", sa.Column("objection_decided_at", sa.DateTime(), nullable=True))
    op.add_column("evaluation", sa.Column("objection_decided_by_id", sa.Integer(), sa.ForeignKey("ab_user.id"),
                                          nullable=True), inline_references=True)
    op.add_column("evaluation", sa.Column("objection_prior_work_result_rating", sa.Integer(), nullable=True))
    op.add_column("evaluation", sa.Column("objection_prior_behaviour_rating", sa.Integer(), nullable=True))
    op.create_index("ix_evaluation_objection_decider_id", "evaluation", ["objection_decider_id"])


def downgrade():
    op.drop_index("ix_evaluation_objection_decider_id", table_name="evaluation")
    for column in ("objection_prior_behaviour_rating", "objection_prior_work_result_rating", "objection_decided_by_id",
                   "objection_decided_at", "objection_decision", "objection_outcome", "objection_decider_id"):
        op.drop_column("evaluation", column)
