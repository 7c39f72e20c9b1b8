"""Official documents: signed documents, signing credentials

Revision ID: 0006_documents
Revises: 0005_evaluation
Create Date: 2026-11-29

signed_document_content and signing_keystore hold bytes in tables of their own (no scope, so the audit
log never copies them); ix_signed_document_subject serves "the versions of this document".
"""
from alembic import op
import sqlalchemy as sa


revision = "0006_documents"
down_revision = "0005_evaluation"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "signing_credential",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=True),
        sa.Column("institution_name", sa.String(length=200), nullable=True),
        sa.Column("subject_cn", sa.String(length=200), nullable=False),
        sa.Column("serial_number", sa.String(length=64), nullable=False),
        sa.Column("issuer", sa.String(length=300), nullable=False),
        sa.Column("not_before", sa.DateTime(), nullable=False),
        sa.Column("not_after", sa.DateTime(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["employee_id"], ["employee.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_signing_credential_employee_id", "signing_credential", ["employee_id"])
    op.create_table(
        "signing_keystore",
        sa.Column("credential_id", sa.Integer(), nullable=False),
        sa.Column("pkcs12", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["credential_id"], ["signing_credential.id"]),
        sa.PrimaryKeyConstraint("credential_id"),
    )
    op.create_table(
        "signed_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("kind_code", sa.String(length=40), nullable=False),
        sa.Column("subject_key", sa.String(length=64), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("version_key", sa.String(length=64), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("signer_name", sa.String(length=200), nullable=False),
        sa.Column("signer_nip", sa.String(length=18), nullable=True),
        sa.Column("signer_title", sa.String(length=200), nullable=False),
        sa.Column("signer_employee_id", sa.Integer(), nullable=True),
        sa.Column("credential_id", sa.Integer(), nullable=False),
        sa.Column("signed_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("superseded_by_id", sa.Integer(), nullable=True),
        sa.Column("superseded_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("revocation_reason", sa.Text(), nullable=True),
        sa.Column("revoked_by", sa.String(length=128), nullable=True),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"]),
        sa.ForeignKeyConstraint(["signer_employee_id"], ["employee.id"]),
        sa.ForeignKeyConstraint(["credential_id"], ["signing_credential.id"]),
        sa.ForeignKeyConstraint(["superseded_by_id"], ["signed_document.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
        sa.UniqueConstraint("sha256"),
    )
    op.create_index("ix_signed_document_agency_id", "signed_document", ["agency_id"])
    op.create_index("ix_signed_document_signer_employee_id", "signed_document", ["signer_employee_id"])
    op.create_index("ix_signed_document_subject", "signed_document", ["kind_code", "subject_key"])
    op.create_index("uq_signed_document_valid", "signed_document", ["kind_code", "subject_key"], unique=True,
                    sqlite_where=sa.text("status = 'valid'"), postgresql_where=sa.text("status = 'valid'"))
    op.create_table(
        "signed_document_content",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["signed_document.id"]),
        sa.PrimaryKeyConstraint("document_id"),
    )


def downgrade():
    op.drop_table("signed_document_content")
    op.drop_index("uq_signed_document_valid", table_name="signed_document")
    op.drop_index("ix_signed_document_subject", table_name="signed_document")
    op.drop_index("ix_signed_document_signer_employee_id", table_name="signed_document")
    op.drop_index("ix_signed_document_agency_id", table_name="signed_document")
    op.drop_table("signed_document")
    op.drop_table("signing_keystore")
    op.drop_index("ix_signing_credential_employee_id", table_name="signing_credential")
    op.drop_table("signing_credential")
