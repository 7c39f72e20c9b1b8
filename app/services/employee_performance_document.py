"""One employee's performance overview as a printable document (issue 19): the figures of the performance
table, the SKP's RHK → IKI with target, approved realisation and achievement, recent activities, dialogues,
evaluations and predikat, trainings and JP, awards and citizen feedback — as of the day it is printed.

A report of figures, not an official form: it is printed (snapshot), never signed. The subject is the
employee, read through the reader's scope; the figures come from app.services.performance.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.documents.catalogue import DocumentKind, DocumentSubject, Particulars, register
from app.services.document_kinds import _id, _kop, _scoped
from app.domain.messages import N_
from app.models import Employee
from app.security.scope import UserScope


def load_employee_performance(key: str, scope: UserScope) -> DocumentSubject:
    from app.services import performance

    employee = _scoped(Employee, _id(key), scope)
    details = performance.employee_performance(employee)
    row = details.row
    dialogue = row.dialogue
    return DocumentSubject(
        key=str(employee.id), agency_id=employee.agency_id,
        title=f"Kinerja Pegawai — {employee.name}",
        particulars=Particulars(person_name=employee.name, person_nip=employee.nip),
        signing_refusal=N_("A performance overview is printed, not signed."),
        context={
            "kop_agency": _kop(employee.agency), "as_of": details.moment.today,
            "employee": {"name": employee.name, "nip": employee.nip,
                         "position": employee.position.name if employee.position else "",
                         "unit": employee.unit.name if employee.unit else "", "agency": employee.agency.name},
            "period_name": details.moment.period.name if details.moment.period else "",
            "plan_status": row.skp_status_label, "achievement": row.achievement,
            "week": row.week, "month": row.month, "idle": row.idle_working_days, "waiting": row.waiting,
            "predikat": row.predikat_label, "jp": row.jp,
            "last_dialogue": dialogue.last_held_on if dialogue else None,
            "dialogue_overdue": bool(dialogue and dialogue.overdue),
            "citizens": {"count": details.citizens.count, "average": details.citizens.average,
                         "suggestions": [text for _, text in details.citizens.suggestions]},
            "results": [{"description": lines.result.description,
                         "indicators": [{"description": line.indicator.description,
                                         "target": line.indicator.target_display, "realised": line.realised,
                                         "unit": line.indicator.target_unit or "", "percent": line.percent}
                                        for line in lines.indicators]} for lines in details.results],
            "activities": [{"date": item.activity_date, "description": item.description,
                            "volume": item.volume, "unit": item.output_unit, "status": item.status_label}
                           for item in details.activities],
            "dialogues": [{"held_on": item.held_on, "status": item.status_label, "went_well": item.went_well or "",
                           "to_improve": item.to_improve or ""} for item in details.dialogues.dialogues],
            "evaluations": [{"start": item.window_start, "end": item.window_end, "kind": item.kind_label,
                             "status": item.status_label, "predikat": item.predikat_label}
                            for item in details.evaluations],
            "trainings": [{"name": item.programme.name, "status": item.status_label, "completed_on": item.completed_on,
                           "jp": item.jp_earned} for item in details.trainings],
            "awards": [{"name": item.award_type.name, "decree": item.decree_number or "", "date": item.decree_date}
                       for item in details.awards],
        })


EMPLOYEE_PERFORMANCE = register(DocumentKind(
    "employee_performance", _l("Employee performance overview"), "employee_performance.html",
    load_employee_performance, snapshot=True, options={"reader_resource": "Performance"}))
