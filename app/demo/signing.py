"""The demo's signing certificates: a demo CA in the instance folder, a certificate for each demo official and
the institution's."""
from __future__ import annotations

from sqlalchemy import select

from app.demo.certificate_authority import issue_pkcs12, load_or_create_demo_ca
from app.extensions import db
from app.models import Employee, UserAccount
from app.models.document import SigningCredential
from app.services.documents import _store_credential, institution_credential

DEMO_INSTITUTION = "Pemerintah Kabupaten Bulungan"
DEMO_SIGNERS = ("kadis.disdik", "penilai.disdik", "kadis.dinkes", "penilai.dinkes")


def ensure_demo_signing(instance_path: str, password: str) -> list[str]:
    """The demo CA (created in the instance folder when missing), a certificate for each demo official and
    the institution's certificate, all opened by the demo password. Idempotent; returns who got one."""
    authority = load_or_create_demo_ca(instance_path, password)
    given = []
    for username in DEMO_SIGNERS:
        employee = db.session.scalar(select(Employee).join(UserAccount, UserAccount.employee_id == Employee.id)
                                     .where(UserAccount.username == username))
        if employee is None or db.session.scalar(select(SigningCredential.id).where(
                SigningCredential.employee_id == employee.id, SigningCredential.active.is_(True))) is not None:
            continue
        pkcs12 = issue_pkcs12(authority, common_name=employee.name, organization=employee.agency.name,
                              passphrase=password)
        _store_credential(pkcs12, password, employee_id=employee.id, institution_name=None)
        given.append(username)
    if institution_credential() is None:
        pkcs12 = issue_pkcs12(authority, common_name=DEMO_INSTITUTION, organization=DEMO_INSTITUTION,
                              passphrase=password)
        _store_credential(pkcs12, password, employee_id=None, institution_name=DEMO_INSTITUTION)
        given.append(DEMO_INSTITUTION)
    db.session.commit()
    return given
