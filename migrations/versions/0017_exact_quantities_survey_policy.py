"""Exact decimals for every summed quantity, skipped survey answers, paper forms, kiosks, policy settings

Survey responses record how they came in (web form, registered kiosk, paper form typed in by staff),
the web form's one-time token (replay protection instead of refusing identical answers) and a paper
form's number and date; a unit's kiosks are registered devices. Policy settings hold HR Admin's
choices where the regulations leave one (app.domain.policy), each from a date on. The decimal quantities were already
NUMERIC columns: their sums are made exact in the queries (app.models.quantities), not here.

Revision ID: 0017_exact_sums_survey (the file's name is longer than alembic_version's 32 characters)
Revises: 0016_performance_dialogue
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa


revision = "0017_exact_sums_survey"
down_revision = "0016_performance_dialogue"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "policy_setting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("value", sa.String(length=40), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=255), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key", "effective_from", name="uq_policy_setting_key_date"),
    )
    op.create_table(
        "survey_kiosk",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=True, unique=True),
        sa.Column("registration_code_hash", sa.String(length=64), nullable=True, unique=True),
        sa.Column("registration_expires_at", sa.DateTime(), nullable=True),
        sa.Column("registered_at", sa.DateTime(), nullable=True),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"]),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_survey_kiosk_agency_id", "survey_kiosk", ["agency_id"])
    op.create_index("ix_survey_kiosk_unit_id", "survey_kiosk", ["unit_id"])
    with op.batch_alter_table("survey_response") as batch:
        batch.drop_index("ix_survey_response_fingerprint_time")
        batch.drop_column("fingerprint")
        batch.alter_column("client_hash", existing_type=sa.String(length=64), nullable=True)
        batch.add_column(sa.Column("channel", sa.String(length=8), nullable=False, server_default="web"))
        batch.add_column(sa.Column("kiosk_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("form_nonce", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("paper_number", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("paper_date", sa.Date(), nullable=True))
        batch.create_foreign_key("fk_survey_response_kiosk_id", "survey_kiosk", ["kiosk_id"], ["id"])
        batch.create_index("ix_survey_response_kiosk_id", ["kiosk_id"])
        batch.create_unique_constraint("uq_survey_response_paper_number", ["period_id", "paper_number"])
        batch.create_unique_constraint("uq_survey_response_form_nonce", ["form_nonce"])
        batch.create_check_constraint("ck_survey_response_channel", "channel IN ('web', 'kiosk', 'paper')")


def downgrade():
    # Paper forms have no client; the old schema needs one, and a fingerprint per response.
    op.execute("UPDATE survey_response SET client_hash = 'paper-' || id WHERE client_hash IS NULL")
    with op.batch_alter_table("survey_response") as batch:
        batch.drop_constraint("ck_survey_response_channel", type_="check")
        batch.drop_constraint("uq_survey_response_form_nonce", type_="unique")
        batch.drop_constraint("uq_survey_response_paper_number", type_="unique")
        batch.drop_index("ix_survey_response_kiosk_id")
        batch.drop_constraint("fk_survey_response_kiosk_id", type_="foreignkey")
        for column in ("paper_date", "paper_number", "form_nonce", "kiosk_id", "channel"):
            batch.drop_column(column)
        batch.alter_column("client_hash", existing_type=sa.String(length=64), nullable=False)
        batch.add_column(sa.Column("fingerprint", sa.String(length=64), nullable=False, server_default=""))
        batch.create_index("ix_survey_response_fingerprint_time", ["fingerprint", "submitted_at"])
    op.drop_table("survey_kiosk")
    op.drop_table("policy_setting")
