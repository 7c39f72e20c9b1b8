"""Electronic signatures of official documents (issue 6): signing credentials, signing, revoking.

Each public function that writes is one transaction (DomainError with an English N_ message on refusal,
nothing written). Rules:
* an official signs with their own certificate (PKCS#12 they uploaded) only the documents whose
  subject names them as signer (``DocumentSubject.signer_employee_id``); Admin and HR Admin sign with the
  institution's certificate, which only Admin configures;
* a passphrase opens the key store for one call and is never stored, logged or audited;
* only a settled record is signed (``DocumentSubject.signing_refusal``, set by each kind's loader: an approved
  SKP, an evaluation past draft with its ratings and predikat, a granted award with a named signatory);
* a signed document never changes: its bytes and SHA-256 are written once, with the fingerprint of the data
  the PDF shows; signing the same kind and subject again supersedes the earlier valid versions, a change of
  the record marks them "changed" (app.documents.freshness); Admin or HR Admin revoke a version with a reason.
"""
from __future__ import annotations

import base64
import datetime as dt
import secrets
from collections.abc import Callable

from flask import current_app, url_for
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.documents.catalogue import DocumentKind, DocumentSubject, load_subject
from app.documents.fingerprint import changed_since, fingerprint
from app.documents.render import DOCUMENT_LOCALE, DOCUMENT_PLACE, SignatureStamp, render_pdf
from app.documents.signing import CertificateInfo, Signer, open_pkcs12, opened_signer
from app.documents.verification import VERIFY_PREFIX, certificate_is_trusted, sha256_of
from app.domain.messages import N_, DomainError
from app.extensions import db
from app.models.audit import utcnow
from app.models.document import (ImmutableDocument, SignedDocument, SignedDocumentContent, SigningCredential,
                                 SigningKeystore)
from app.security import acts
from app.security.scope import UserScope
from app.services.transaction import ConcurrentChange, run_in_transaction

REVOCATION_REASON_MAX = 500
INSTITUTION_NAME_MAX = 200


def _commit(work):
    return run_in_transaction(work, ConcurrentChange(N_(
        "Someone else changed this document at the same time; reload the page and try again.")))


# --- credentials ------------------------------------------------------------------------------------

def own_credential(actor) -> SigningCredential | None:
    """The active certificate of the official behind ``actor`` (None without one or without an employee)."""
    if actor is None or actor.employee_id is None:
        return None
    return db.session.scalar(select(SigningCredential).where(
        SigningCredential.employee_id == actor.employee_id, SigningCredential.active.is_(True)))


def institution_credential() -> SigningCredential | None:
    return db.session.scalar(select(SigningCredential).where(
        SigningCredential.employee_id.is_(None), SigningCredential.active.is_(True)))


def _store_credential(pkcs12: bytes, passphrase: str, *, employee_id: int | None,
                      institution_name: str | None) -> SigningCredential:
    """Check that ``passphrase`` opens ``pkcs12`` and its certificate is valid now, then store the bytes as
    uploaded in place of the owner's previous certificate (kept, inactive: signed documents name it)."""
    _key, certificate, chain = open_pkcs12(pkcs12, passphrase)
    info = CertificateInfo.of(certificate)
    if not info.is_valid_at(utcnow()):
        raise DomainError(N_("This certificate is not valid today (valid from %(start)s to %(end)s)."),
                          field="pkcs12", start=f"{info.not_before:%d-%m-%Y}", end=f"{info.not_after:%d-%m-%Y}")
    if not certificate_is_trusted(certificate, chain):
        raise DomainError(N_("This certificate was not issued by a certificate authority this system trusts; "
                             "documents signed with it could not be verified."), field="pkcs12")
    owner = (SigningCredential.employee_id == employee_id if employee_id is not None
             else SigningCredential.employee_id.is_(None))
    for previous in db.session.scalars(select(SigningCredential).where(owner, SigningCredential.active.is_(True))):
        previous.active = False
    credential = SigningCredential(
        employee_id=employee_id, institution_name=institution_name, subject_cn=info.subject_cn[:200],
        serial_number=info.serial_number[:64], issuer=info.issuer, not_before=info.not_before,
        not_after=info.not_after, active=True, keystore=SigningKeystore(pkcs12=pkcs12))
    db.session.add(credential)
    db.session.flush()
    return credential


def upload_own_credential(actor, pkcs12: bytes, passphrase: str) -> SigningCredential:
    """An official's own signing certificate (self-service)."""
    def work():
        if actor is None or actor.employee_id is None:
            raise DomainError(N_("Only an account linked to an employee can hold a signing certificate."))
        return _store_credential(pkcs12, passphrase, employee_id=actor.employee_id, institution_name=None)
    return _commit(work)


def configure_institution_credential(actor, pkcs12: bytes, passphrase: str,
                                     institution_name: str) -> SigningCredential:
    """The government's own certificate (Admin only), for documents signed on behalf of the institution."""
    def work():
        if not acts.may_configure_institution():
            raise DomainError(N_("Only the administrator configures the institution's certificate."))
        name = (institution_name or "").strip()
        if not name or len(name) > INSTITUTION_NAME_MAX:
            raise DomainError(N_("Give the institution's name (at most %(max)d characters)."),
                              field="institution_name", max=INSTITUTION_NAME_MAX)
        return _store_credential(pkcs12, passphrase, employee_id=None, institution_name=name)
    return _commit(work)


# --- signing ------------------------------------------------------------------------------------------

def signing_credentials(subject: DocumentSubject, actor, scope: UserScope | None = None) -> list[SigningCredential]:
    """The certificates ``actor`` (acting with ``scope``, by default this request's) may sign ``subject`` with:
    their own when the subject names them as signer, the institution's for Admin and HR Admin. Empty: the user
    may not sign it."""
    options = []
    own = own_credential(actor)
    if own is not None and subject.signer_employee_id is not None and own.employee_id == subject.signer_employee_id:
        options.append(own)
    institution = institution_credential()
    if institution is not None and acts.may_use_institution_credential(scope):
        options.append(institution)
    return options


def new_code() -> str:
    """A public verification code: 80 random bits in base32 (16 characters, easy to type from paper)."""
    return base64.b32encode(secrets.token_bytes(10)).decode("ascii")


def verification_url(code: str, base: str | None = None) -> str:
    """The address in the QR code: under ``base`` (a bulk job's, which has no request to ask) or
    PUBLIC_BASE_URL when configured, else under the address of the current request."""
    base = base or current_app.config.get("PUBLIC_BASE_URL")
    if base:
        return f"{base.rstrip('/')}{VERIFY_PREFIX}/{code}"
    return url_for("public_verify.verify_code", code=code, _external=True)


def _stamp(code: str, credential: SigningCredential, signed_at: dt.datetime, base: str | None) -> SignatureStamp:
    if credential.is_institution:
        return SignatureStamp(code=code, verify_url=verification_url(code, base), signer_name=credential.subject_cn,
                              signer_nip=None, signer_title=credential.institution_name or credential.subject_cn,
                              signed_at=signed_at)
    employee = credential.employee
    return SignatureStamp(code=code, verify_url=verification_url(code, base), signer_name=employee.name,
                          signer_nip=employee.nip, signer_title=employee.position.name if employee.position else "",
                          signed_at=signed_at)


def _render_and_sign(kind: DocumentKind, subject: DocumentSubject, credential: SigningCredential,
             signer: Signer, verification_base: str | None = None) -> tuple[SignatureStamp, bytes]:
    """Render ``subject`` with a signature stamp and sign it; nothing is stored."""
    stamp = _stamp(new_code(), credential, utcnow(), verification_base)
    with force_locale(DOCUMENT_LOCALE):
        reason = f"{kind.title}: {subject.title}"
    return stamp, signer.sign(render_pdf(kind, subject, stamp), reason=reason[:200], location=DOCUMENT_PLACE)


def sign_subject(kind_code: str, key: str, *, credential_id: int, passphrase: str, scope: UserScope,
                 actor, verification_base: str | None = None,
                 within: Callable[[bytes], None] | None = None) -> SignedDocument:
    """Sign one document as ``actor``: render with the stamp, sign, store the bytes and their SHA-256, and
    supersede the earlier valid versions. LookupError when the subject is unknown or out of ``scope``.

    A bulk job passes the public address of its QR codes (``verification_base``) and its own step
    (``within``): called with the signed PDF first thing inside the signature's transaction, so that what
    it writes commits or rolls back with the signature, and whatever it raises signs nothing."""
    kind, subject = load_subject(kind_code, key, scope)
    return sign_loaded(kind, subject, credential_id=credential_id, passphrase=passphrase, scope=scope, actor=actor,
                       verification_base=verification_base, within=within)


def sign_loaded(kind, subject, *, credential_id: int, passphrase: str, scope: UserScope, actor,
                verification_base: str | None = None, within: Callable[[bytes], None] | None = None) -> SignedDocument:
    """``sign_subject`` for a subject the caller has just loaded through ``scope`` (catalogue.load_subject): the
    Sign page has it already, and loading an evaluation with everything its document prints is a good part of
    the time an official waits."""
    if subject.signing_refusal:
        raise DomainError(subject.signing_refusal)
    credential = next((c for c in signing_credentials(subject, actor, scope) if c.id == credential_id), None)
    if credential is None:
        raise DomainError(N_("You may not sign this document with this certificate."), field="credential")
    if not credential.not_before <= utcnow() <= credential.not_after:
        raise DomainError(N_("This certificate is not valid today; upload a new one."), field="credential")
    signer = opened_signer(credential.keystore.pkcs12, passphrase)
    stamp, pdf = _render_and_sign(kind, subject, credential, signer, verification_base)

    def work():
        if within is not None:
            within(pdf)
        # Supersede first: the partial unique index then lets only one of two simultaneous signers commit.
        # A version whose data changed keeps saying so, and points to this one as well.
        earlier = list(db.session.scalars(select(SignedDocument).where(
            SignedDocument.kind_code == kind.code, SignedDocument.subject_key == subject.key,
            SignedDocument.status.in_(("valid", "changed")), SignedDocument.superseded_by_id.is_(None))))
        for version in earlier:
            if version.status == "valid":
                version.status, version.superseded_at = "superseded", stamp.signed_at
        db.session.flush()
        document = SignedDocument(
            code=stamp.code, kind_code=kind.code, subject_key=subject.key, agency_id=subject.agency_id,
            title=subject.title[:300], version_key=fingerprint(kind, subject), sha256=sha256_of(pdf), size=len(pdf),
            signer_name=stamp.signer_name[:200], signer_nip=stamp.signer_nip,
            signer_title=stamp.signer_title[:200], signer_employee_id=credential.employee_id,
            credential_id=credential.id, signed_at=stamp.signed_at, status="valid")
        db.session.add(document)
        db.session.flush()
        db.session.add(SignedDocumentContent(document_id=document.id, pdf=pdf))
        for version in earlier:
            version.superseded_by_id = document.id
        return document
    try:
        return _commit(work)
    except IntegrityError:
        raise ConcurrentChange(N_("Someone else signed this document at the same moment; reload the page to "
                                  "see the version they signed.")) from None


def revoke(document_id: int, reason: str, actor) -> SignedDocument:
    """Revoke one signed version (Admin or HR Admin) with the reason a verifier will read."""
    def work():
        if not acts.may_revoke():
            raise DomainError(N_("Only HR administrators may revoke a signed document."))
        document = db.session.get(SignedDocument, document_id)
        if document is None:
            raise LookupError(document_id)
        text = (reason or "").strip()
        if not text or len(text) > REVOCATION_REASON_MAX:
            raise DomainError(N_("Give the reason for revoking (at most %(max)d characters)."), field="reason",
                              max=REVOCATION_REASON_MAX)
        if document.status == "revoked":
            raise DomainError(N_("This document was already revoked."))
        document.status, document.revoked_at = "revoked", utcnow()
        document.revocation_reason, document.revoked_by = text, actor.username
        return document
    return _commit(work)


# --- reading ------------------------------------------------------------------------------------------

def versions(kind_code: str, key: str) -> list[SignedDocument]:
    """The signed versions of one document, newest first (the caller has loaded the subject in scope)."""
    return list(db.session.scalars(select(SignedDocument).where(
        SignedDocument.kind_code == kind_code, SignedDocument.subject_key == key)
        .order_by(SignedDocument.signed_at.desc(), SignedDocument.id.desc())))


def outdated_codes(kind: DocumentKind, subject: DocumentSubject, signed: list[SignedDocument]) -> set[str]:
    """The codes of the versions still marked valid that no longer show the record as it stands (a change
    the session did not see, e.g. a renamed unit: app.documents.freshness)."""
    return {document.code for document in signed
            if document.status == "valid" and changed_since(kind, subject, document.version_key)}


def signed_document(code: str, scope: UserScope) -> SignedDocument:
    """A signed version for a reader who may open its subject (its agency's scope); LookupError otherwise."""
    document = db.session.scalar(select(SignedDocument).where(SignedDocument.code == code))
    if document is None:
        raise LookupError(code)
    load_subject(document.kind_code, document.subject_key, scope)
    return document


def signed_bytes(document: SignedDocument) -> bytes:
    """The signed PDF exactly as signed (refused if the stored bytes no longer match their SHA-256)."""
    pdf = document.content.pdf
    if sha256_of(pdf) != document.sha256:
        raise ImmutableDocument(f"stored bytes of signed document {document.code} do not match their SHA-256")
    return pdf
