"""A local test certificate authority for the demo and the tests: a root CA and officials' certificates.

Real deployments load certificates issued to officials (in Indonesia by BSrE) as PKCS#12; this CA only
stands in for one so that signing and verification can be shown and tested without network access.
Everything lives under the instance folder (never in the repository), and no private key is written in
the clear: the root key is an encrypted PEM, officials' keys exist only inside passphrase-protected
PKCS#12 containers.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

DEMO_CA_FOLDER = Path("signing") / "demo-ca"   # relative to the instance folder
ROOT_CERTIFICATE = "root.pem"
ROOT_KEY = "root-key.pem"
ROOT_NAME = "SiKinerja Demo Root CA (not for production)"
KEY_SIZE = 2048


@dataclass(frozen=True)
class CertificateAuthority:
    certificate: x509.Certificate
    private_key: rsa.RSAPrivateKey

    def certificate_pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)


def _name(common_name: str, organization: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def create_root(common_name: str = ROOT_NAME, valid_days: int = 3650) -> CertificateAuthority:
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)
    name = _name(common_name, "SiKinerja demo")
    start = _now() - dt.timedelta(days=1)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start).not_valid_after(start + dt.timedelta(days=valid_days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                     crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return CertificateAuthority(certificate, key)


def issue_pkcs12(authority: CertificateAuthority, *, common_name: str, organization: str, passphrase: str,
                 valid_days: int = 730, not_before: dt.datetime | None = None) -> bytes:
    """A signing certificate for ``common_name`` with its new key, as PKCS#12 protected by ``passphrase``
    (the root certificate included, so signatures embed the whole chain)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)
    start = not_before or _now() - dt.timedelta(days=1)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, organization)).issuer_name(authority.certificate.subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(start).not_valid_after(start + dt.timedelta(days=valid_days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(authority.private_key.public_key()),
                       critical=False)
        .sign(authority.private_key, hashes.SHA256())
    )
    return pkcs12.serialize_key_and_certificates(
        common_name.encode(), key, certificate, [authority.certificate],
        serialization.BestAvailableEncryption(passphrase.encode()))


def demo_ca_folder(instance_path: str | Path) -> Path:
    return Path(instance_path) / DEMO_CA_FOLDER


def load_or_create_demo_ca(instance_path: str | Path, passphrase: str) -> CertificateAuthority:
    """The demo CA of this instance, created on first use; its key is stored encrypted with ``passphrase``."""
    folder = demo_ca_folder(instance_path)
    certificate_file, key_file = folder / ROOT_CERTIFICATE, folder / ROOT_KEY
    if certificate_file.exists() and key_file.exists():
        certificate = x509.load_pem_x509_certificate(certificate_file.read_bytes())
        key = serialization.load_pem_private_key(key_file.read_bytes(), passphrase.encode())
        return CertificateAuthority(certificate, key)
    authority = create_root()
    folder.mkdir(parents=True, exist_ok=True)
    key_file.write_bytes(authority.private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase.encode())))
    key_file.chmod(0o600)
    certificate_file.write_bytes(authority.certificate_pem())
    return authority
