"""Is this a genuine, unaltered document issued by SiKinerja, and does it still show the record as it stands?
— by its code or by its bytes.

A document is genuine when its SHA-256 matches a signed document on record and its PAdES signature
validates with pyHanko against the configured trust roots (SIGNING_TRUST_ROOTS): intact, trusted,
covering the entire file. It still holds while its status is valid and its record unchanged: the record is
re-loaded and its fingerprint compared with the one signed (fingerprint.changed_since), which also catches the
changes app.documents.freshness did not see. The answer (``Verification``) carries only what a verifier
needs to compare with the paper — kind, whose document (name, NIP masked), period, predikat, signer and
time — and the particulars only while the record still matches what was signed; never the bytes.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from flask import current_app
from pyhanko.keys import load_certs_from_pemder
from pyhanko.keys.internal import translate_pyca_cryptography_cert_to_asn1
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import PathBuildingError, PathValidationError
from sqlalchemy import select

from app.documents.catalogue import Particulars, kind_of, load_subject
from app.documents.fingerprint import changed_since, fingerprint
from app.domain.nip import mask_nip
from app.extensions import db
from app.models.document import SignedDocument
from app.security.scope import UserScope

log = logging.getLogger(__name__)
# Where the public verification pages live (app.public.verify); printed in every QR code.
VERIFY_PREFIX = "/verify"


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _outside_running_loop(function, *args, **kwargs):
    """Call ``function`` — which runs ``asyncio.run`` inside (pyHanko's synchronous wrappers do) — also from a
    thread whose event loop is marked running, where ``asyncio.run`` refuses: Playwright's sync API marks its
    loop so between calls, as would any asynchronous caller. There it runs in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(function, *args, **kwargs).result()


def trust_roots() -> list:
    """The configured trust anchors (PEM files); a missing file is logged and skipped."""
    roots = []
    for path in current_app.config.get("SIGNING_TRUST_ROOTS") or ():
        if not Path(path).is_file():
            log.warning("signing trust root %s is missing", path)
            continue
        roots.extend(load_certs_from_pemder([path]))
    return roots


def carries_no_signature(pdf: bytes) -> bool:
    """True when the file reads as a PDF with no signature at all (an unsigned print); False for a signed or
    unreadable file."""
    try:
        return not PdfFileReader(BytesIO(pdf), strict=False).embedded_signatures
    except Exception as error:  # noqa: BLE001 — uploaded bytes may break the parser anywhere: not "unsigned"
        log.info("reading an uploaded PDF failed: %r", error)
        return False


def signature_is_sound(pdf: bytes) -> bool:
    """True when the PDF's last signature is intact, trusted by our roots and covers the entire file."""
    try:
        signatures = PdfFileReader(BytesIO(pdf), strict=False).embedded_signatures
        if not signatures:
            return False
        context = ValidationContext(trust_roots=trust_roots(), allow_fetching=False, revocation_mode="soft-fail")
        status = _outside_running_loop(validate_pdf_signature, signatures[-1], context)
    except Exception as error:  # noqa: BLE001 — uploaded bytes may break the parser anywhere: not genuine
        log.info("signature validation failed: %r", error)
        return False
    return bool(status.intact and status.valid and status.trusted
                and status.coverage == SignatureCoverageLevel.ENTIRE_FILE)


def certificate_is_trusted(certificate, chain) -> bool:
    """Whether a signing certificate (``cryptography`` objects, with its PKCS#12 chain) leads to a trust
    root, so that what it signs will verify."""
    validator = CertificateValidator(
        translate_pyca_cryptography_cert_to_asn1(certificate),
        intermediate_certs=[translate_pyca_cryptography_cert_to_asn1(c) for c in chain],
        validation_context=ValidationContext(trust_roots=trust_roots(), allow_fetching=False,
                                             revocation_mode="soft-fail"))
    try:
        _outside_running_loop(asyncio.run, validator.async_validate_path())
    except (PathBuildingError, PathValidationError):
        return False
    return True


@dataclass(frozen=True)
class Verification:
    """The public answer about one document."""

    genuine: bool
    sha256: str
    code: str | None = None
    kind_title: str = ""
    subject_title: str = ""
    signer_name: str = ""
    signer_title: str = ""
    signed_at: dt.datetime | None = None
    status: str | None = None          # valid / changed / superseded / revoked
    changed_at: dt.datetime | None = None   # when the record changed after signing, if known
    superseded_by_code: str | None = None
    revoked_at: dt.datetime | None = None
    revocation_reason: str | None = None
    person_name: str = ""
    person_nip: str = ""               # masked
    period: str = ""
    predikat: str = ""
    unsigned: bool = False             # an uploaded PDF with no electronic signature at all


def _record_check(document: SignedDocument) -> tuple[bool, Particulars | None]:
    """Whether the record changed since signing, and its particulars while they are still the ones signed."""
    try:
        kind, subject = load_subject(document.kind_code, document.subject_key, UserScope.system())
    except LookupError:
        return True, None
    unchanged = fingerprint(kind, subject) == document.version_key
    return changed_since(kind, subject, document.version_key), subject.particulars if unchanged else None


def _answer(document: SignedDocument, genuine: bool, sha256: str) -> Verification:
    try:
        kind_title = str(kind_of(document.kind_code).title)
    except LookupError:
        kind_title = document.kind_code
    changed, particulars = _record_check(document)
    status = document.status
    changed_at = document.superseded_at if status == "changed" else None
    if status == "valid" and changed:
        status = "changed"   # a change app.documents.freshness did not see: since when is unknown
    particulars = particulars or Particulars()
    superseded_by = document.superseded_by
    return Verification(
        genuine=genuine, sha256=sha256, code=document.code, kind_title=kind_title, subject_title=document.title,
        signer_name=document.signer_name, signer_title=document.signer_title, signed_at=document.signed_at,
        status=status, changed_at=changed_at, superseded_by_code=superseded_by.code if superseded_by else None,
        revoked_at=document.revoked_at, revocation_reason=document.revocation_reason,
        person_name=particulars.person_name, person_nip=mask_nip(particulars.person_nip),
        period=particulars.period, predikat=particulars.predikat)


def verify_code(code: str) -> Verification | None:
    """The record behind a verification code (None when unknown), with its stored bytes re-checked."""
    document = db.session.scalar(select(SignedDocument).where(SignedDocument.code == code))
    if document is None:
        return None
    pdf = document.content.pdf
    sha256 = sha256_of(pdf)
    return _answer(document, sha256 == document.sha256 and signature_is_sound(pdf), document.sha256)


def verify_bytes(pdf: bytes) -> Verification:
    """An uploaded file: genuine only when these exact bytes were signed here and the signature holds."""
    sha256 = sha256_of(pdf)
    document = db.session.scalar(select(SignedDocument).where(SignedDocument.sha256 == sha256))
    if document is None:
        return Verification(genuine=False, sha256=sha256, unsigned=carries_no_signature(pdf))
    return _answer(document, signature_is_sound(pdf), sha256)
