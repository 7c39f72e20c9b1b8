"""Attendance, leave and duty, machine outages, and the performance allowance (TPP)

Revision ID: 0023_attendance_tpp
Revises: 0022_cycle_attendance_tpp
Create Date: 2026-12-02

Machine PINs per agency, the marks imported from attendance machines (one per employee and moment, so a
re-import changes nothing), leave and duty records approved by the evaluator, outages declared by HR, the
versioned TPP rule sets per year, the monthly calculations (never changed; a correction is the next version)
and the objections (sanggahan) against them.
"""
from alembic import op
import sqlalchemy as sa


revision = "0023_attendance_tpp"
down_revision = "0022_cycle_attendance_tpp"
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


RUPIAH = sa.Numeric(14, 0)
PERCENT = sa.Numeric(7, 3)


def upgrade():
    op.create_table(
        "attendance_pin",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("agency_id", sa.Integer(), sa.ForeignKey("agency.id"), nullable=False),
        sa.Column("employee_id", sa.Integer(), sa.ForeignKey("employee.id"), nullable=False),
        sa.Column("pin", sa.String(length=20), nullable=False),
        sa.UniqueConstraint("agency_id", "pin", name="uq_attendance_pin_agency_pin"),
    )
    op.create_index("ix_attendance_pin_agency_id", "attendance_pin", ["agency_id"])
    op.create_index("ix_attendance_pin_employee_id", "attendance_pin", ["employee_id"])

    op.create_table(
        "attendance_mark",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("agency_id", sa.Integer(), sa.ForeignKey("agency.id"), nullable=False),
        sa.Column("employee_id", sa.Integer(), sa.ForeignKey("employee.id"), nullable=False),
        sa.Column("marked_at", sa.DateTime(), nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=True),
        sa.Column("source", sa.String(length=120), nullable=True),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("employee_id", "marked_at", name="uq_attendance_mark_employee_at"),
    )
    op.create_index("ix_attendance_mark_agency_at", "attendance_mark", ["agency_id", "marked_at"])

    op.create_table(
        "leave_record",
        sa.Column("id", sa.Integer(), primary_key=True),
        *_scope_columns(),
        sa.Column("kind", sa.String(length=14), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), sa.ForeignKey("ab_user.id"), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
    )
    _scope_indexes("leave_record")
    op.create_index("ix_leave_record_employee_dates", "leave_record", ["employee_id", "starts_on", "ends_on"])

    op.create_table(
        "attendance_outage",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("agency_id", sa.Integer(), sa.ForeignKey("agency.id"), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=255), nullable=False),
        sa.Column("declared_by_id", sa.Integer(), sa.ForeignKey("ab_user.id"), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_attendance_outage_agency_id", "attendance_outage", ["agency_id"])

    op.create_table(
        "tpp_rule_set",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("rules", sa.Text(), nullable=False),
        sa.Column("reason", sa.String(length=255), nullable=False),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("ab_user.id"), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("year", "version", name="uq_tpp_rule_set_year_version"),
    )

    op.create_table(
        "tpp_calculation",
        sa.Column("id", sa.Integer(), primary_key=True),
        *_scope_columns(),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("rule_set_id", sa.Integer(), sa.ForeignKey("tpp_rule_set.id"), nullable=False),
        sa.Column("base_amount", RUPIAH, nullable=False),
        sa.Column("achievement_percent", PERCENT, nullable=False),
        sa.Column("performance_paid", RUPIAH, nullable=False),
        sa.Column("deduction_percent", PERCENT, nullable=False),
        sa.Column("deduction_percent_applied", PERCENT, nullable=False),
        sa.Column("discipline_paid", RUPIAH, nullable=False),
        sa.Column("amount", RUPIAH, nullable=False),
        sa.Column("held", sa.Boolean(), nullable=False),
        sa.Column("payable", RUPIAH, nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("correction_reason", sa.Text(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("ab_user.id"), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("employee_id", "year", "month", "version", name="uq_tpp_calculation_employee_month"),
    )
    _scope_indexes("tpp_calculation")
    op.create_index("ix_tpp_calculation_agency_month", "tpp_calculation", ["agency_id", "year", "month"])

    op.create_table(
        "tpp_objection",
        sa.Column("id", sa.Integer(), primary_key=True),
        *_scope_columns(),
        sa.Column("calculation_id", sa.Integer(), sa.ForeignKey("tpp_calculation.id"), nullable=False),
        sa.Column("correction_id", sa.Integer(), sa.ForeignKey("tpp_calculation.id"), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("excused_days", sa.Text(), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), sa.ForeignKey("ab_user.id"), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
    )
    _scope_indexes("tpp_objection")
    op.create_index("ix_tpp_objection_calculation_id", "tpp_objection", ["calculation_id"])
    op.create_index("ix_tpp_objection_evaluator_status", "tpp_objection", ["evaluator_id", "status"])


def downgrade():
    for table in ("tpp_objection", "tpp_calculation", "tpp_rule_set", "attendance_outage", "leave_record",
                  "attendance_mark", "attendance_pin"):
        op.drop_table(table)
