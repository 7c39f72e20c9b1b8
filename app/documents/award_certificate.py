"""The award certificate (piagam penghargaan, A4 landscape) of an awarded nomination (RULES §10): letterhead,
number, recipient (name, NIP, pangkat/gol, jabatan, unit), what for, the decree it rests on, place and date,
signatory. Awards by the regent's decree (Karya Satya, ASN Berprestasi of the year, best service unit) are
signed with the institution's credential; monthly and other awards by the head of the recipient's agency.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.documents.catalogue import DocumentKind, DocumentSubject, register
from app.documents.kinds import head_of_agency
from app.documents.render import Person, indonesian_date
from app.domain.awards import AwardCategory
from app.extensions import db
from app.models.recognition import Nomination
from app.security.scope import UserScope, read_filter

AGENCY_SIGNED = (AwardCategory.PERFORMER_MONTH.value, AwardCategory.CUSTOM.value)
REGENT_TITLE = "BUPATI BULUNGAN"


def certificate_number(nomination: Nomination) -> str:
    """(policy) The piagam's own number: classification code, serial (the award's id), year of the decree."""
    return f"800.1.12/{nomination.id:04d}/PIAGAM/{nomination.decree_date.year}"


def load_award_certificate(key: str, scope: UserScope) -> DocumentSubject:
    if not isinstance(key, str) or not key.isdigit() or len(key) > 12:
        raise LookupError(key)
    statement = select(Nomination).where(Nomination.id == int(key), Nomination.status == "awarded")
    condition = read_filter(Nomination, scope)
    nomination = db.session.scalar(statement if condition is None else statement.where(condition))
    if nomination is None:
        raise LookupError(key)
    by_agency = nomination.award_type.category in AGENCY_SIGNED
    signer = head_of_agency(nomination.agency_id) if by_agency else None
    recipient = Person.of(nomination.employee)
    return DocumentSubject(
        key=str(nomination.id), agency_id=nomination.agency_id,
        signer_employee_id=signer.id if signer is not None else None,
        title=f"Piagam {nomination.award_type.name} — {nomination.recipient_name}",
        version_key=f"{nomination.decree_number}-{nomination.decree_date.isoformat()}",
        context={
            "kop_agency": {"name": nomination.agency.name, "address": nomination.agency.address or ""}
            if by_agency else None,
            "number": certificate_number(nomination), "award_name": nomination.award_type.name,
            "period": nomination.period, "recipient": recipient,
            "unit_recipient": None if recipient else {"name": nomination.unit.name,
                                                      "agency": nomination.agency.name},
            "justification": nomination.justification,
            "decree": {"number": nomination.decree_number, "date": indonesian_date(nomination.decree_date),
                       "by_agency": by_agency},
            "signer_title": (f"KEPALA {nomination.agency.name}".upper() if by_agency else REGENT_TITLE),
            "signer": Person.of(signer), "document_date": nomination.decree_date,
        })


AWARD_CERTIFICATE = register(DocumentKind(code="award_certificate", title=_l("Award certificate"),
                                          template="award_certificate.html", load=load_award_certificate,
                                          landscape=True, options={"reader_resource": "Recognition"}))
