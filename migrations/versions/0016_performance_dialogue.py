"""Performance dialogue and continuous feedback (PermenPANRB 6/2022 Pasal 18-19)

Revision ID: 0016_performance_dialogue
Revises: 0015_record_versions
Create Date: 2026-12-02

The dialogues an evaluator records with an employee (topics per RHK, agreed actions, the employee's
response), the requests for one, the feedback on an RHK or an activity, the cadence agreed per employee with
the last and next dialogue dates (one row per employee, read by the leaders' table and the overdue count per
agency), and the in-app notifications.
"""
from alembic import op
import sqlalchemy as sa


revision = "0016_performance_dialogue"
down_revision = "0015_record_versions"
branch_labels = None
depends_on = None


def _scope_columns():
    """agency, employee and evaluator of the row (app.models.planning.PlanScope)."""
    return [
        sa.Column("agency_id", sa.Integer(), sa.ForeignKey("agency.id"), nullable=False),
        sa.Column("employee_id", sa.Integer(), sa.ForeignKey("employee.id"), nullable=False),
        sa.Column("evaluator_id", sa.Integer(), sa.ForeignKey("employee.id"), nullable=True),
    ]


def _scope_indexes(table):
    for column in ("agency_id", "employee_id", "evaluator_id"):
        op.create_index(f"ix_{table}_{column}", table, [column])


def upgrade():
    op.create_table(
        "dialogue_schedule",
        sa.Column("id", sa.Integer(), primary_key=True),
        *_scope_columns(),
        sa.Column("cadence_months", sa.Integer(), nullable=False),
        sa.Column("last_held_on", sa.Date(), nullable=True),
        sa.Column("next_due_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
        sa.UniqueConstraint("employee_id", name="uq_dialogue_schedule_employee"),
    )
    _scope_indexes("dialogue_schedule")
    op.create_index("ix_dialogue_schedule_agency_next", "dialogue_schedule", ["agency_id", "next_due_on"])

    op.create_table(
        "performance_dialogue",
        sa.Column("id", sa.Integer(), primary_key=True),
        *_scope_columns(),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("next_due_on", sa.Date(), nullable=False),
        sa.Column("went_well", sa.Text(), nullable=True),
        sa.Column("to_improve", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("employee_note", sa.Text(), nullable=True),
        sa.Column("responded_at", sa.DateTime(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), sa.ForeignKey("ab_user.id"), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
    )
    _scope_indexes("performance_dialogue")
    op.create_index("ix_performance_dialogue_employee_held", "performance_dialogue", ["employee_id", "held_on"])

    op.create_table(
        "dialogue_topic",
        sa.Column("id", sa.Integer(), primary_key=True),
        *_scope_columns(),
        sa.Column("dialogue_id", sa.Integer(), sa.ForeignKey("performance_dialogue.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("work_result_id", sa.Integer(), sa.ForeignKey("work_result.id"), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
    )
    op.create_index("ix_dialogue_topic_dialogue_id", "dialogue_topic", ["dialogue_id"])
    _scope_indexes("dialogue_topic")
    op.create_index("ix_dialogue_topic_work_result_id", "dialogue_topic", ["work_result_id"])

    op.create_table(
        "dialogue_action",
        sa.Column("id", sa.Integer(), primary_key=True),
        *_scope_columns(),
        sa.Column("dialogue_id", sa.Integer(), sa.ForeignKey("performance_dialogue.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
    )
    op.create_index("ix_dialogue_action_dialogue_id", "dialogue_action", ["dialogue_id"])
    _scope_indexes("dialogue_action")

    op.create_table(
        "dialogue_request",
        sa.Column("id", sa.Integer(), primary_key=True),
        *_scope_columns(),
        sa.Column("requested_by_id", sa.Integer(), sa.ForeignKey("employee.id"), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("dialogue_id", sa.Integer(), sa.ForeignKey("performance_dialogue.id", ondelete="SET NULL"),
                  nullable=True),
    )
    _scope_indexes("dialogue_request")
    op.create_index("ix_dialogue_request_employee_status", "dialogue_request", ["employee_id", "status"])

    op.create_table(
        "performance_feedback",
        sa.Column("id", sa.Integer(), primary_key=True),
        *_scope_columns(),
        sa.Column("target_kind", sa.String(length=10), nullable=False),
        sa.Column("work_result_id", sa.Integer(), sa.ForeignKey("work_result.id"), nullable=True),
        sa.Column("daily_activity_id", sa.Integer(), sa.ForeignKey("daily_activity.id", ondelete="CASCADE"),
                  nullable=True),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("author_id", sa.Integer(), sa.ForeignKey("employee.id"), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    _scope_indexes("performance_feedback")
    for column in ("work_result_id", "daily_activity_id", "author_id"):
        op.create_index(f"ix_performance_feedback_{column}", "performance_feedback", [column])
    op.create_index("ix_performance_feedback_employee_created", "performance_feedback",
                    ["employee_id", "created_at"])

    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("recipient_id", sa.Integer(), sa.ForeignKey("ab_user.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("actor_name", sa.String(length=150), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("read_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_notification_recipient_read", "notification", ["recipient_id", "read_at"])


def downgrade():
    for table in ("notification", "performance_feedback", "dialogue_request", "dialogue_action", "dialogue_topic",
                  "performance_dialogue", "dialogue_schedule"):
        op.drop_table(table)
