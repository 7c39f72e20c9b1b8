"""PAdES signing of rendered PDFs behind one interface (``Signer``).

``LocalPkcs12Signer`` signs with a PKCS#12 key store opened by its passphrase; a remote signer (BSrE's
signing API, where the official's key never leaves BSrE) implements the same protocol and replaces it
without touching the services. Signatures are PAdES baseline B-B (ETSI EN 319 142-1) in an invisible
field: the visible signature block and the QR code are part of the rendered page (render_pdf's stamp).
``opened_signer`` keeps an opened key store for a few minutes, for the official's next signature.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass
from io import BytesIO
from typing import Protocol

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from pyhanko.keys.internal import translate_pyca_cryptography_cert_to_asn1, translate_pyca_cryptography_key_to_asn1
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.general import get_pyca_cryptography_hash
from pyhanko_certvalidator.registry import SimpleCertificateStore

from app.domain.messages import N_, DomainError

SIGNATURE_FIELD = "SiKinerjaSignature"
# Room for the CMS signature, in hexadecimal characters (twice its DER size): the demo chain takes ~7 KB of
# hex, a real chain (BSrE: intermediates, 4096-bit keys) up to ~12 KB. Giving the size skips pyHanko's dry run.
BYTES_RESERVED = 24 * 1024
PKCS12_MAX_BYTES = 64 * 1024
# How long an opened key store serves further signatures of the same official with the same passphrase.
SIGNER_CACHE_SECONDS = 300
SIGNER_CACHE_ENTRIES = 32


class CredentialUnreadable(DomainError):
    """The key store cannot be opened: wrong passphrase, or not a PKCS#12 file with a key and certificate."""


@dataclass(frozen=True)
class CertificateInfo:
    """What identifies a signing certificate (stored with the credential, shown to the official)."""

    subject_cn: str
    serial_number: str      # hexadecimal
    issuer: str             # RFC 4514
    not_before: dt.datetime  # naive UTC
    not_after: dt.datetime

    def is_valid_at(self, moment: dt.datetime) -> bool:
        return self.not_before <= moment <= self.not_after

    @classmethod
    def of(cls, certificate: x509.Certificate) -> "CertificateInfo":
        names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        return cls(
            subject_cn=str(names[0].value) if names else certificate.subject.rfc4514_string(),
            serial_number=format(certificate.serial_number, "x"),
            issuer=certificate.issuer.rfc4514_string()[:300],
            not_before=certificate.not_valid_before_utc.replace(tzinfo=None),
            not_after=certificate.not_valid_after_utc.replace(tzinfo=None),
        )


class Signer(Protocol):
    """Anything that turns a rendered PDF into a signed one with one certificate."""

    certificate: CertificateInfo

    def sign(self, pdf: bytes, *, reason: str, location: str) -> bytes: ...


class _ParsedKeySigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner re-parses the private key for every signature; keep the parsed RSA key."""

    def __init__(self, private_key, **kwargs):
        super().__init__(**kwargs)
        self._private_key = private_key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        if isinstance(self._private_key, RSAPrivateKey) and mechanism["algorithm"].native in (
                "rsassa_pkcs1v15", "sha256_rsa"):
            return self._private_key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
        return super().sign_raw(data, digest_algorithm)


def open_pkcs12(data: bytes, passphrase: str) -> tuple[object, x509.Certificate, list[x509.Certificate]]:
    """The key, certificate and chain of a PKCS#12 container; CredentialUnreadable when it does not open."""
    if not data or len(data) > PKCS12_MAX_BYTES:
        raise CredentialUnreadable(N_("The certificate file must be a PKCS#12 file (.p12 or .pfx) of at most "
                                      "%(size)d KB."), field="pkcs12", size=PKCS12_MAX_BYTES // 1024)
    try:
        key, certificate, chain = pkcs12.load_key_and_certificates(data, (passphrase or "").encode())
    except (ValueError, TypeError):
        raise CredentialUnreadable(N_("The passphrase does not open this certificate file, or the file is not a "
                                      "PKCS#12 certificate."), field="passphrase") from None
    if key is None or certificate is None:
        raise CredentialUnreadable(N_("The certificate file holds no signing key and certificate."),
                                   field="pkcs12")
    return key, certificate, list(chain or [])


class LocalPkcs12Signer:
    """Signs with a PKCS#12 key store held by the application, opened once with its passphrase."""

    def __init__(self, pkcs12_data: bytes, passphrase: str):
        key, certificate, chain = open_pkcs12(pkcs12_data, passphrase)
        self.certificate = CertificateInfo.of(certificate)
        registry = SimpleCertificateStore()
        registry.register_multiple([translate_pyca_cryptography_cert_to_asn1(c) for c in chain])
        self._signer = _ParsedKeySigner(
            key, signing_cert=translate_pyca_cryptography_cert_to_asn1(certificate),
            signing_key=translate_pyca_cryptography_key_to_asn1(key), cert_registry=registry)

    def sign(self, pdf: bytes, *, reason: str, location: str) -> bytes:
        metadata = signers.PdfSignatureMetadata(
            field_name=SIGNATURE_FIELD, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
            reason=reason, location=location, name=self.certificate.subject_cn)
        output = signers.sign_pdf(IncrementalPdfFileWriter(BytesIO(pdf), strict=False), metadata,
                                  signer=self._signer, bytes_reserved=BYTES_RESERVED)
        return output.getvalue()


# --- opened key stores, per process -------------------------------------------------------------------------

_CACHE_SECRET = secrets.token_bytes(32)   # per process: a cache key means nothing outside it
_opened: dict[bytes, tuple[float, LocalPkcs12Signer]] = {}
_opened_lock = threading.Lock()


def opened_signer(pkcs12: bytes, passphrase: str) -> LocalPkcs12Signer:
    """A signer for this key store opened with this passphrase: the one opened in this process in the last
    SIGNER_CACHE_SECONDS, else a new one. Opening costs ~40 ms of CPU per signature (the PKCS#12 key derivation
    and the key's parsing; bench/signing.py), an official signing a batch pays it once.

    The entry is found by an HMAC (under a random key of this process) of the key store and the passphrase
    together, so a wrong passphrase never finds one and is refused by opening, as before; the passphrase is not
    kept. An entry lives SIGNER_CACHE_SECONDS from its opening, however often it is used."""
    key = hmac.new(_CACHE_SECRET, hashlib.sha256(pkcs12).digest() + (passphrase or "").encode(), "sha256").digest()
    now = time.monotonic()
    with _opened_lock:
        for stale in [entry for entry, (opened_at, _s) in _opened.items() if now - opened_at > SIGNER_CACHE_SECONDS]:
            del _opened[stale]
        if key in _opened:
            return _opened[key][1]
    signer = LocalPkcs12Signer(pkcs12, passphrase)   # CredentialUnreadable on a wrong passphrase: nothing kept
    with _opened_lock:
        if len(_opened) >= SIGNER_CACHE_ENTRIES:
            del _opened[min(_opened, key=lambda entry: _opened[entry][0])]
        _opened[key] = (now, signer)
    return signer
