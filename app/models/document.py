"""Signed official documents and the signing credentials that produce them (issue 6).

A signed document never changes: its bytes live in ``signed_document_content`` (written once, never updated
or deleted) and its row changes only in the status columns (superseded, revoked). Mapper guards below
refuse anything else, whatever code path tries it.

Key stores (PKCS#12) and signed bytes sit in tables of their own that declare no scope, so the audit log
(which records every column of scoped rows) records the metadata but never the bytes.
"""
from flask_appbuilder.models.sqla import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import (Boolean, Column, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text, event,
                        inspect, text)
from sqlalchemy.orm import relationship

from app.models.audit import utcnow
from app.models.employee import Employee
from app.models.organization import Agency, choice_label

# valid: shows the record as it stands; changed: the record changed after signing (app.documents.freshness);
# superseded: signed again; revoked: withdrawn by HR with a reason. ``superseded_at`` holds the moment of
# "changed" and of "superseded".
DOCUMENT_STATUSES = (("valid", _l("Valid")), ("changed", _l("Data changed after signing")),
                     ("superseded", _l("Superseded by a newer version")), ("revoked", _l("Revoked")))
# The only columns of a signed document that may change after signing.
STATUS_COLUMNS = frozenset({"status", "superseded_by_id", "superseded_at", "revoked_at", "revocation_reason",
                            "revoked_by"})


class ImmutableDocument(RuntimeError):
    """A write that would change signed bytes or a signed document's content (a programming error)."""


class SigningCredential(Model):
    """A certificate an official (``employee_id``) or the institution (``employee_id`` NULL) signs with.

    Only what identifies the certificate is kept here; the PKCS#12 container is in ``SigningKeystore``
    and its passphrase is never stored anywhere.
    """

    __tablename__ = "signing_credential"
    __scope_owner__ = "employee_id"

    id = Column(Integer, primary_key=True)
    employee_id = Column(Integer, ForeignKey("employee.id"), index=True)
    institution_name = Column(String(200))
    subject_cn = Column(String(200), nullable=False)
    serial_number = Column(String(64), nullable=False)
    issuer = Column(String(300), nullable=False)
    not_before = Column(DateTime, nullable=False)
    not_after = Column(DateTime, nullable=False)
    uploaded_at = Column(DateTime, nullable=False, default=utcnow)
    active = Column(Boolean, nullable=False, default=True)

    employee = relationship(Employee, lazy="selectin")
    keystore = relationship("SigningKeystore", uselist=False, lazy="select", cascade="all, delete-orphan")

    @property
    def is_institution(self) -> bool:
        return self.employee_id is None

    def __str__(self):
        return f"{self.institution_name or self.subject_cn} (serial {self.serial_number})"


class SigningKeystore(Model):
    """The PKCS#12 bytes as uploaded (encrypted by the owner's passphrase)."""

    __tablename__ = "signing_keystore"

    credential_id = Column(Integer, ForeignKey("signing_credential.id"), primary_key=True)
    pkcs12 = Column(LargeBinary, nullable=False)


class SignedDocument(Model):
    """One signed version of one document (kind + subject key), found by its public ``code``."""

    __tablename__ = "signed_document"
    __scope_agency__ = "agency_id"
    # At most one valid version per document: of two officials signing at the same moment, one wins.
    __table_args__ = (Index("ix_signed_document_subject", "kind_code", "subject_key"),
                      Index("uq_signed_document_valid", "kind_code", "subject_key", unique=True,
                            sqlite_where=text("status = 'valid'"), postgresql_where=text("status = 'valid'")))

    id = Column(Integer, primary_key=True)
    code = Column(String(32), nullable=False, unique=True)
    kind_code = Column(String(40), nullable=False)
    subject_key = Column(String(64), nullable=False)
    agency_id = Column(Integer, ForeignKey("agency.id"), nullable=False, index=True)
    title = Column(String(300), nullable=False)
    # The fingerprint (SHA-256) of the data the PDF shows, as signed (app.documents.fingerprint).
    version_key = Column(String(64), nullable=False, default="")
    sha256 = Column(String(64), nullable=False, unique=True)
    size = Column(Integer, nullable=False)
    signer_name = Column(String(200), nullable=False)
    signer_nip = Column(String(18))
    signer_title = Column(String(200), nullable=False)
    signer_employee_id = Column(Integer, ForeignKey("employee.id"), index=True)
    credential_id = Column(Integer, ForeignKey("signing_credential.id"), nullable=False)
    signed_at = Column(DateTime, nullable=False)
    status = Column(String(12), nullable=False, default="valid")
    superseded_by_id = Column(Integer, ForeignKey("signed_document.id"))
    superseded_at = Column(DateTime)
    revoked_at = Column(DateTime)
    revocation_reason = Column(Text)
    revoked_by = Column(String(128))

    agency = relationship(Agency, lazy="joined", innerjoin=True)
    credential = relationship(SigningCredential, lazy="selectin")
    superseded_by = relationship("SignedDocument", remote_side=[id], lazy="selectin")
    content = relationship("SignedDocumentContent", uselist=False, lazy="select", viewonly=True)

    @property
    def status_label(self):
        return choice_label(DOCUMENT_STATUSES, self.status)

    def __str__(self):
        return f"{self.kind_code} {self.subject_key} ({self.code}, {self.status})"


class SignedDocumentContent(Model):
    """The signed PDF bytes, written once with their document."""

    __tablename__ = "signed_document_content"

    document_id = Column(Integer, ForeignKey("signed_document.id"), primary_key=True)
    pdf = Column(LargeBinary, nullable=False)


@event.listens_for(SignedDocument, "before_update")
def _only_status_changes(_mapper, _connection, document):
    state = inspect(document)
    changed = {attr.key for attr in state.mapper.column_attrs if state.attrs[attr.key].history.has_changes()}
    if changed - STATUS_COLUMNS:
        raise ImmutableDocument(f"a signed document never changes (tried: {', '.join(sorted(changed))})")


@event.listens_for(SignedDocument, "before_delete")
@event.listens_for(SignedDocumentContent, "before_delete")
@event.listens_for(SignedDocumentContent, "before_update")
def _never_changes(_mapper, _connection, target):
    raise ImmutableDocument(f"{type(target).__name__} is written once and never changed or deleted")
