"""Competency development and recognition: training programmes, participation, awards

Revision ID: 0007_recognition
Revises: 0006_documents
Create Date: 2026-11-29
"""
from alembic import op
import sqlalchemy as sa


revision = "0007_recognition"
down_revision = "0006_documents"
branch_labels = None
depends_on = None


def _indexes(table, *columns):
    for column in columns:
        op.create_index(f"ix_{table}_{column}", table, [column])


def upgrade():
    op.create_table(
        "training_programme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind_id", sa.Integer(), nullable=False),
        sa.Column("organiser", sa.String(length=200), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("jp", sa.Numeric(6, 2), nullable=False),
        sa.Column("competency_area", sa.String(length=120), nullable=True),
        sa.Column("survey_element_code", sa.String(length=4), nullable=True),
        sa.Column("quota", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["kind_id"], ["training_kind.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_table(
        "training_programme_agency",
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["programme_id"], ["training_programme.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("programme_id", "agency_id"),
    )
    op.create_table(
        "training_participation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("jp_earned", sa.Numeric(6, 2), nullable=True),
        sa.Column("certificate_number", sa.String(length=100), nullable=True),
        sa.Column("certificate_file", sa.String(length=255), nullable=True),
        sa.Column("pre_score", sa.Numeric(5, 2), nullable=True),
        sa.Column("post_score", sa.Numeric(5, 2), nullable=True),
        sa.ForeignKeyConstraint(["programme_id"], ["training_programme.id"]),
        sa.ForeignKeyConstraint(["employee_id"], ["employee.id"]),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("programme_id", "employee_id", name="uq_training_participation"),
    )
    _indexes("training_participation", "programme_id", "employee_id", "agency_id", "completed_on")
    op.create_table(
        "training_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("evaluator_id", sa.Integer(), nullable=True),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["programme_id"], ["training_programme.id"]),
        sa.ForeignKeyConstraint(["employee_id"], ["employee.id"]),
        sa.ForeignKeyConstraint(["evaluator_id"], ["employee.id"]),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    _indexes("training_request", "programme_id", "employee_id", "evaluator_id", "agency_id", "status")
    op.create_table(
        "disciplinary_sanction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("decree_number", sa.String(length=100), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["employee_id"], ["employee.id"]),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    _indexes("disciplinary_sanction", "employee_id", "agency_id")
    op.create_table(
        "award_type",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=30), nullable=False),
        sa.Column("name", sa.String(length=150), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("siasn_code", sa.Integer(), nullable=False),
        sa.Column("service_years", sa.Integer(), nullable=True),
        sa.Column("criteria", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_table(
        "nomination",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("award_type_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("justification", sa.Text(), nullable=False),
        sa.Column("exception_reason", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("decree_number", sa.String(length=100), nullable=True),
        sa.Column("decree_date", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("nominated_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("nominated_at", sa.DateTime(), nullable=True),
        sa.Column("approved_at", sa.DateTime(), nullable=True),
        sa.Column("awarded_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["award_type_id"], ["award_type.id"]),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"]),
        sa.ForeignKeyConstraint(["employee_id"], ["employee.id"]),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"]),
        sa.ForeignKeyConstraint(["nominated_by_id"], ["ab_user.id"]),
        sa.ForeignKeyConstraint(["approved_by_id"], ["ab_user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    _indexes("nomination", "award_type_id", "period", "agency_id", "employee_id", "unit_id", "status")


def downgrade():
    for table in ("nomination", "award_type", "disciplinary_sanction", "training_request",
                  "training_participation", "training_programme_agency", "training_programme"):
        op.drop_table(table)
