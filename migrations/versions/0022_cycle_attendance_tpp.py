"""The calendar of the cycle (issue 23, part 1): deadlines per period, reminders, hand-off to the superior

Revision ID: 0022_cycle_attendance_tpp
Revises: 0019_performance_totals
Create Date: 2026-12-02

Each period's deadlines (the SKP date and the working-day counts of PermenPANRB 6/2022's annex, adjusted by
HR Admin), the reminders sent before a deadline (one per deadline, row and person: the unique key makes the
tick idempotent), and the hand-off of an evaluation whose evaluator missed the deadline to the evaluator's own
superior (who had it, who has it, the deadline, the day and the reason).
"""
from alembic import op
import sqlalchemy as sa


revision = "0022_cycle_attendance_tpp"
down_revision = "0019_performance_totals"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "cycle_deadline",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("period_id", sa.Integer(), sa.ForeignKey("period.id", ondelete="CASCADE"), nullable=False),
        sa.Column("skp_due", sa.Date(), nullable=False),
        sa.Column("evaluation_days", sa.Integer(), nullable=False),
        sa.Column("return_days", sa.Integer(), nullable=False),
        sa.Column("report_days", sa.Integer(), nullable=False),
        sa.Column("objection_days", sa.Integer(), nullable=False),
        sa.Column("objection_decision_days", sa.Integer(), nullable=False),
        sa.Column("reminder_days", sa.Integer(), nullable=False),
        sa.UniqueConstraint("period_id", name="uq_cycle_deadline_period_id"),
    )
    op.create_table(
        "deadline_reminder",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), sa.ForeignKey("employee.id", ondelete="CASCADE"), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.Column("emailed_at", sa.DateTime(), nullable=True),
        sa.UniqueConstraint("kind", "subject_id", "due_on", "recipient_id", name="uq_deadline_reminder_once"),
    )
    op.create_index("ix_deadline_reminder_recipient_id", "deadline_reminder", ["recipient_id"])
    op.create_table(
        "evaluation_hand_off",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("evaluation_id", sa.Integer(), sa.ForeignKey("evaluation.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("agency_id", sa.Integer(), sa.ForeignKey("agency.id"), nullable=False),
        sa.Column("from_evaluator_id", sa.Integer(), sa.ForeignKey("employee.id"), nullable=False),
        sa.Column("to_evaluator_id", sa.Integer(), sa.ForeignKey("employee.id"), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("handed_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("evaluation_id", name="uq_evaluation_hand_off_evaluation_id"),
    )
    op.create_index("ix_evaluation_hand_off_agency_id", "evaluation_hand_off", ["agency_id"])
    op.create_index("ix_evaluation_hand_off_to_evaluator_id", "evaluation_hand_off", ["to_evaluator_id"])


def downgrade():
    op.drop_table("evaluation_hand_off")
    op.drop_table("deadline_reminder")
    op.drop_table("cycle_deadline")
