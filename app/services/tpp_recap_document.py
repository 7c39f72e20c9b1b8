"""The monthly TPP recap of an agency for the finance office (BPKAD), issue 23: one line per employee with
the newest version of their month (base, performance part paid, discipline part paid, amount, withheld,
payable) and the column totals, which are exact sums of the whole-rupiah lines (app.services.tpp.recap), so
the document reconciles to the rupiah. Signed by the head of the agency through the document pipeline.

The key is ``<agency id>-<year>-<month>``. Only a reader of the whole agency (HR, its Agency Admin or
Leader) may print it: a recap with only the rows one employee may see would mislead finance.
"""
from __future__ import annotations

import datetime as dt
import re

from babel.dates import format_date
from flask_babel import lazy_gettext as _l

from app.documents.catalogue import DocumentKind, DocumentSubject, Particulars, register
from app.services.document_kinds import _head_title, _id, _kop, _person, _scoped, head_of_agency
from app.documents.render import DOCUMENT_LOCALE
from app.domain.messages import N_
from app.domain.nip import format_nip
from app.models import Agency
from app.security.scope import UserScope
from app.services import tpp

RECAP_KEY = re.compile(r"([0-9]{1,12})-([0-9]{4})-([0-9]{1,2})")


def recap_key(agency_id: int, year: int, month: int) -> str:
    return f"{agency_id}-{year}-{month:02d}"


def load_tpp_recap(key: str, scope: UserScope) -> DocumentSubject:
    match = RECAP_KEY.fullmatch(key or "")
    if match is None or not 1 <= int(match[3]) <= 12:
        raise LookupError(key)
    agency = _scoped(Agency, _id(match[1]), scope)
    if not (scope.global_access or agency.id in scope.agency_ids):
        raise LookupError(key)
    year, month = int(match[2]), int(match[3])
    summary = tpp.recap_for(agency, year, month, scope)
    if not summary.rows:
        raise LookupError(key)
    head = head_of_agency(agency.id)
    month_name = format_date(dt.date(year, month, 1), "MMMM y", locale=DOCUMENT_LOCALE)
    return DocumentSubject(
        key=recap_key(agency.id, year, month), agency_id=agency.id, signer_employee_id=head.id if head else None,
        title=f"Rekapitulasi TPP {agency.name} {month_name}",
        particulars=Particulars(person_name=agency.name, period=month_name),
        signing_refusal=None if head else N_("The agency has no head to sign it."),
        context={
            "kop_agency": _kop(agency), "agency_name": agency.name, "month_name": month_name,
            "rows": [{"name": row.employee.name, "nip": format_nip(row.employee.nip),
                      "position": row.employee.position.name if row.employee.position else "",
                      "version": row.version, "base": row.base_amount, "achievement": row.achievement_percent,
                      "performance": row.performance_paid, "deduction": row.deduction_percent_applied,
                      "discipline": row.discipline_paid, "amount": row.amount, "held": row.held,
                      "payable": row.payable} for row in summary.rows],
            "totals": summary.totals, "head": _person(head), "head_title": _head_title(head, agency),
        })


TPP_RECAP = register(DocumentKind("tpp_recap", _l("Monthly TPP recap"), "tpp_recap.html", load_tpp_recap,
                                  landscape=True, options={"reader_resource": "Allowance"}))
