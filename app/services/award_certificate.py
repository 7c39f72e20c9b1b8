"""The award certificate (piagam penghargaan, A4 landscape) of an awarded nomination (RULES §10): letterhead,
number, recipient (name, NIP, pangkat/gol, jabatan, unit), what for, the decree it rests on, place and date,
signatory (jabatan, name, NIP).

(policy) Who signs: monthly and other agency awards the head of the recipient's agency; awards by the
regent's decree (Karya Satya, ASN Berprestasi of the year, best service unit) the head of the regency's
personnel agency on the regent's behalf ("a.n. Bupati Bulungan"), since the regent is no civil servant with a
signing certificate of the agency's own. Admin and HR Admin may also sign any of them with the institution's
certificate (app.services.documents). A certificate whose signatory post is vacant names nobody and is not
signed.
"""
from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.documents.catalogue import DocumentKind, DocumentSubject, Particulars, register
from app.services.document_kinds import head_of_agency
from app.documents.render import Person, indonesian_date, period_range
from app.domain.awards import AwardCategory, award_period
from app.domain.messages import N_
from app.extensions import db
from app.models import Agency
from app.models.recognition import Nomination
from app.parsing import parse_whole_number
from app.security.scope import UserScope, read_filter

AGENCY_SIGNED = (AwardCategory.PERFORMER_MONTH.value, AwardCategory.CUSTOM.value)
REGENT_TITLE = "BUPATI BULUNGAN"
# (policy) The agency whose head signs the certificates of the regent's decree on the regent's behalf.
DEFAULT_REGENT_DELEGATE_AGENCY = "BKPSDM"


def certificate_number(nomination: Nomination) -> str:
    """(policy) The piagam's own number: classification code, serial (the award's id), year of the decree."""
    return f"800.1.12/{nomination.id:04d}/PIAGAM/{nomination.decree_date.year}"


def signatory_of(nomination: Nomination):
    """The employee who signs the certificate (see the module's policy), or None while that post is vacant."""
    if nomination.award_type.category in AGENCY_SIGNED:
        return head_of_agency(nomination.agency_id)
    code = current_app.config.get("REGENT_DELEGATE_AGENCY", DEFAULT_REGENT_DELEGATE_AGENCY)
    agency_id = db.session.scalar(select(Agency.id).where(Agency.code == code))
    return head_of_agency(agency_id) if agency_id is not None else None


def load_award_certificate(key: str, scope: UserScope) -> DocumentSubject:
    # Only a granted award has a certificate: the loader finds awarded nominations only (a nomination still
    # nominated or approved, or rejected, answers "not found"), so every certificate found is settled.
    nomination_id = parse_whole_number(key) if isinstance(key, str) else None
    if nomination_id is None:  # not a number, or beyond any id
        raise LookupError(key)
    statement = select(Nomination).where(Nomination.id == nomination_id, Nomination.status == "awarded")
    condition = read_filter(Nomination, scope)
    nomination = db.session.scalar(statement if condition is None else statement.where(condition))
    if nomination is None:
        raise LookupError(key)
    by_agency = nomination.award_type.category in AGENCY_SIGNED
    signer = signatory_of(nomination)
    recipient = Person.of(nomination.employee)
    _text, start, end = award_period(nomination.period, monthly="-" in nomination.period)
    return DocumentSubject(
        key=str(nomination.id), agency_id=nomination.agency_id,
        signer_employee_id=signer.id if signer is not None else None,
        title=f"Piagam {nomination.award_type.name} — {nomination.recipient_name}",
        particulars=Particulars(person_name=nomination.recipient_name,
                                person_nip=nomination.employee.nip if nomination.employee else "",
                                period=period_range(start, end)),
        signing_refusal=None if signer is not None else N_(
            "This certificate names no signatory: the post of its signing official is vacant."),
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
            "on_behalf_of": None if by_agency else f"a.n. {REGENT_TITLE}",
            "signer_title": _signer_title(signer, f"KEPALA {nomination.agency.name}" if by_agency else REGENT_TITLE),
            "signer": Person.of(signer), "document_date": nomination.decree_date,
        })


def _signer_title(signer, vacant_title: str) -> str:
    """The signatory's jabatan as printed above the signature (upper case, as on official correspondence)."""
    if signer is not None and signer.position is not None:
        return signer.position.name.upper()
    return vacant_title.upper()


AWARD_CERTIFICATE = register(DocumentKind(code="award_certificate", title=_l("Award certificate"),
                                          template="award_certificate.html", load=load_award_certificate,
                                          landscape=True, options={"reader_resource": "Recognition"}))
