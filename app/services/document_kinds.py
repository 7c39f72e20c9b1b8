"""The official documents this app prints (PermenPANRB 6/2022 annex forms; the SKM report of PermenPANRB
14/2017; a one-page summary per agency for leaders), each registered in the catalogue with its loader.

A loader reads its subject through the reader's scope (``read_filter`` of app.security.scope, the same
rule as every list) and raises LookupError when the key is malformed, missing or out of scope. The context
it returns is plain data (``render.Person``, ``render.Choice``, strings, numbers), built by the services that
own the figures, so a template never queries and a document can be rendered later by a job.
"""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select
from sqlalchemy.orm import lazyload, selectinload

from app.documents.catalogue import DocumentKind, DocumentSubject, Particulars, register
from app.documents.render import Choice, Person, choices, indonesian_date, period_range
from app.domain.distribution import OrganizationPredikat
from app.domain.messages import N_
from app.domain.predikat import Predikat, Rating
from app.extensions import db
from app.models import Agency, CoreValue, Employee, Position
from app.models.evaluation import Evaluation, EvaluationRealisation
from app.models.planning import OrganizationIndicator, Period, WorkPlan
from app.models.survey import SurveyPeriod
from app.parsing import parse_whole_number
from app.security.scope import UserScope, read_filter
from app.services import evaluation as evaluations
from app.services.planning import holder_of, is_head_of_agency, superior_of

AGENCY_PERIOD_KEY = re.compile(r"([0-9]{1,12})-([0-9]{1,12})")
QUARTERS = ("TRIWULAN I", "TRIWULAN II", "TRIWULAN III", "TRIWULAN IV")
FINAL_WINDOW = "AKHIR"
APPROACH_HEADINGS = {
    "kuantitatif": ("PENDEKATAN HASIL KERJA KUANTITATIF", "BAGI PEJABAT ADMINISTRASI DAN PEJABAT FUNGSIONAL"),
    "kualitatif": ("PENDEKATAN HASIL KERJA KUALITATIF",
                   "BAGI PEJABAT PIMPINAN TINGGI DAN PIMPINAN UNIT KERJA MANDIRI"),
}
ASPECT_LABELS = {"KUANTITAS": "Kuantitas", "KUALITAS": "Kualitas", "WAKTU": "Waktu", "BIAYA": "Biaya",
                 "PENERIMA_LAYANAN": "Penerima Layanan", "PROSES_BISNIS": "Proses Bisnis",
                 "PENGUATAN_INTERNAL": "Penguatan Internal", "ANGGARAN": "Anggaran"}
GROUP_HEADINGS = (("UTAMA", "A. UTAMA"), ("TAMBAHAN", "B. TAMBAHAN"))
# (policy) The recommendation printed on the Dokumen Evaluasi follows HR's follow-up groups.
RECOMMENDATIONS = {
    "award_candidates": "Dipertimbangkan sebagai kandidat penghargaan pegawai berkinerja sangat baik.",
    "needs_development": "Perlu rencana pengembangan kompetensi dan pembinaan kinerja pada periode berikutnya.",
}
# The IKM weight policy (app.domain.policy.IKM_WEIGHT) as the signed report names it.
IKM_WEIGHT_WORDING = {"exact": "tepat 1/9 untuk setiap unsur",
                      "printed": "0,11 untuk setiap unsur, sebagaimana tercantum dalam PermenPANRB 14/2017"}
IMPROVEMENT_STATUSES = {"PLANNED": "Direncanakan", "IN_PROGRESS": "Sedang dilaksanakan", "DONE": "Selesai"}
DEFAULT_RECOMMENDATION = "Mempertahankan kinerja dan mengembangkan kompetensi sesuai kebutuhan jabatan."


# --- scoped look-ups -------------------------------------------------------------------------------

# What a document does not print is not loaded, and what it prints is not reached through long chains of
# eager loads: SQLAlchemy compiles (does not cache) every statement of a loader path deeper than ten steps
# (Evaluation → realisation → indicator → result → plan → employee → position → unit ...), which cost an
# evaluation form some 15 statement compilations per signature. The plan and its indicators are loaded
# from the plan anyway; the realisations and feedback only need their own columns.
PLAN_LOAD = (lazyload(WorkPlan.approved_by), lazyload(WorkPlan.previous_version))
EVALUATION_LOAD = (selectinload(Evaluation.realisations).lazyload(EvaluationRealisation.result_indicator),
                   selectinload(Evaluation.feedback).lazyload("*"), lazyload(Evaluation.previous))


def _scoped(model, ident: int, scope: UserScope, options=()):
    statement = select(model).where(model.id == ident).options(*options)
    condition = read_filter(model, scope)
    if condition is not None:
        statement = statement.where(condition)
    row = db.session.scalar(statement)
    if row is None:
        raise LookupError(f"{model.__name__} {ident}")
    return row


def _id(key: str) -> int:
    row_id = parse_whole_number(key) if isinstance(key, str) else None
    if row_id is None:  # not a number, or beyond any id
        raise LookupError(key)
    return row_id


def head_of_agency(agency_id: int) -> Employee | None:
    """The employee holding the agency's top position (no superior inside the agency), if any."""
    positions = db.session.scalars(select(Position).where(Position.agency_id == agency_id,
                                                          Position.active.is_(True)).order_by(Position.id))
    top = next((position for position in positions if is_head_of_agency(position)), None)
    return holder_of(top)


def _person(employee: Employee | None, position: Position | None = None) -> Person | None:
    person = Person.of(employee)
    if person is not None and position is not None:
        person = Person(person.name, person.nip, person.rank, position.name, person.unit)
    return person


def _kop(agency: Agency) -> dict:
    return {"name": agency.name, "address": agency.address or ""}


def _period_text(start, end) -> str:
    """1 JANUARI SD 31 DESEMBER TAHUN 2026, as on the forms' header."""
    first = indonesian_date(start).rsplit(" ", 1)[0] if start.year == end.year else indonesian_date(start)
    return f"{first} SD {indonesian_date(end).rsplit(' ', 1)[0]} TAHUN {end.year}".upper()


def _lines(text: str | None) -> list[str]:
    return [line.strip(" -•\t") for line in (text or "").splitlines() if line.strip(" -•\t")]


# --- results (RHK → IKI) and behaviour, shared by the SKP and the evaluation ----------------------

def _result_groups(plan: WorkPlan, realisations: dict | None = None, feedback: dict | None = None) -> list[dict]:
    """The plan's RHK by group (Utama, Tambahan), each with the RHK it supports and its IKI rows."""
    groups = []
    for code, heading in GROUP_HEADINGS:
        rows = []
        for result in (r for r in plan.results if r.group == code):
            supported = result.supported_result or result.organization_indicator
            rows.append({
                "no": len(rows) + 1,
                "supported": supported.description if hasattr(supported, "description") else str(supported or ""),
                "description": result.description,
                "feedback": (feedback or {}).get(result.id, []),
                "indicators": [_indicator_row(indicator, (realisations or {}).get(indicator.id))
                               for indicator in result.indicators],
            })
        if rows or code == "UTAMA":
            groups.append({"heading": heading, "rows": rows})
    return groups


def _indicator_row(indicator, realisation) -> dict:
    """Numbers stay numbers here; the template writes them the Indonesian way."""
    return {"aspect": ASPECT_LABELS.get(indicator.aspect, indicator.aspect), "description": indicator.description,
            "target_value": indicator.target_value, "target_high": indicator.target_high,
            "target_text": indicator.target_text or "", "unit": indicator.target_unit or "",
            "realisation": realisation.value if realisation is not None else None,
            "achievement": evaluations.realisation_achievement(realisation) if realisation is not None else None,
            "evidence": (realisation.evidence_link or "") if realisation is not None else ""}


def _behaviours(plan: WorkPlan, feedback: dict | None = None) -> list[dict]:
    expectations = {expectation.core_value_id: expectation.leader_expectation for expectation in plan.expectations}
    values = db.session.scalars(select(CoreValue).order_by(CoreValue.order))
    return [{"no": index, "name": value.name, "guides": [guide.text for guide in value.guides],
             "expectation": expectations.get(value.id) or "", "feedback": (feedback or {}).get(value.id, [])}
            for index, value in enumerate(values, start=1)]


# --- when a record is settled enough to be signed ---------------------------------------------------
# (policy) A signature says "this is the record as it stands"; only a record that its workflow has settled
# is signed, so the signed paper does not show a plan or a rating that is still being worked on. Each loader
# puts the answer in ``DocumentSubject.signing_refusal``; app.services.documents refuses to sign on it.

def skp_signing_refusal(plan: WorkPlan) -> str | None:
    """An SKP is signed once its evaluator approved it (under PermenPANRB 6/2022 the evaluator sets the SKP);
    a draft, submitted or returned plan may still change."""
    if plan.status != "approved":
        return N_("Only an approved SKP can be signed: it is signed once the evaluator has approved it.")
    return None


def evaluation_signing_refusal(evaluation: Evaluation) -> str | None:
    """An evaluation is signed once it has left the evaluator's draft with both ratings (work result and
    behaviour) and the predikat they give (RULES §5)."""
    rated = None not in (evaluation.work_result_rating, evaluation.behaviour_rating, evaluation.predikat)
    if evaluation.status == "draft" or not rated:
        return N_("An evaluation can be signed only once it has left draft with both ratings and the predikat "
                  "given.")
    return None


NEWER_VERSION_EXISTS = N_("A newer version of this record exists; sign the newest version instead.")


def _plan_is_current(plan: WorkPlan) -> bool:
    """No revision (version n+1) of this SKP exists."""
    return not db.session.scalar(select(exists().where(WorkPlan.previous_version_id == plan.id)))


def _evaluation_is_current(evaluation: Evaluation) -> bool:
    """No correction (version n+1) of this evaluation exists."""
    return not db.session.scalar(select(exists().where(Evaluation.previous_id == evaluation.id)))


# --- SKP -------------------------------------------------------------------------------------------

def load_skp(key: str, scope: UserScope) -> DocumentSubject:
    plan = _scoped(WorkPlan, _id(key), scope, PLAN_LOAD)
    approach, audience = APPROACH_HEADINGS.get(plan.approach, APPROACH_HEADINGS["kuantitatif"])
    employee = _person(plan.employee, plan.position)
    current = _plan_is_current(plan)
    return DocumentSubject(
        key=str(plan.id), agency_id=plan.agency_id, signer_employee_id=plan.evaluator_id,
        title=f"SKP {plan.period.year} — {plan.employee.name}",
        particulars=Particulars(person_name=plan.employee.name, person_nip=plan.employee.nip,
                                period=period_range(plan.period.start_date, plan.period.end_date)),
        signing_refusal=skp_signing_refusal(plan) or (None if current else NEWER_VERSION_EXISTS), current=current,
        context={
            "kop_agency": _kop(plan.agency), "approach_heading": approach, "audience_heading": audience,
            "qualitative": plan.approach == "kualitatif",
            "period_text": _period_text(plan.period.start_date, plan.period.end_date),
            "employee": employee, "evaluator": _person(plan.evaluator), "status": plan.status,
            "version": plan.version, "approved": plan.status == "approved",
            "groups": _result_groups(plan), "behaviours": _behaviours(plan),
            "resource_support": _lines(plan.resource_support),
            "accountability_scheme": _lines(plan.accountability_scheme),
            "consequences": _lines(plan.consequences),
            "document_date": plan.approved_at or plan.submitted_at,
        })


# --- Evaluasi Kinerja Pegawai (periodic and annual) -------------------------------------------------

def _window_choices(evaluation: Evaluation) -> tuple[list[Choice], str]:
    """The form's "TRIWULAN I/II/III/IV – AKHIR" with the window's own marked; a monthly window is named."""
    if evaluation.kind == "MONTHLY":
        month = indonesian_date(evaluation.window_start).split(" ", 1)[1].upper()
        return [], f"BULANAN ({month})"
    given = FINAL_WINDOW if evaluation.kind == "ANNUAL" else QUARTERS[(evaluation.window_start.month - 1) // 3]
    return choices(QUARTERS + (FINAL_WINDOW,), given), ""


def _label(enum, code) -> str | None:
    try:
        return enum(code).label
    except ValueError:
        return None


def _organization(evaluation: Evaluation) -> dict:
    organization = evaluations.organization_predikat(evaluation.agency_id, evaluation.period_id)
    distribution = evaluations.distribution(evaluation.agency, evaluation.period)
    return {
        "organization_choices": choices([p.label.upper() for p in OrganizationPredikat],
                                        organization.label.upper() if organization else None),
        "distribution": [{"label": p.label, "count": distribution.counts.get(p, 0),
                          "share": distribution.shares[p] * 100} for p in Predikat],
    }


def _evaluation_people(evaluation: Evaluation) -> dict:
    plan = evaluation.work_plan
    return {"employee": _person(evaluation.employee, plan.position if plan else None),
            "evaluator": _person(evaluation.evaluator),
            "evaluator_superior": _person(superior_of(evaluation.evaluator)), **_hand_off(evaluation)}


def _hand_off(evaluation: Evaluation) -> dict:
    """Who evaluated in the evaluator's place (annex A.11), only when it happened: an evaluation without a
    hand-off keeps the context, and so the fingerprint, it was signed with."""
    hand_off = evaluation.hand_off
    if hand_off is None:
        return {}
    return {"hand_off": {"from_evaluator": _person(hand_off.from_evaluator), "due_on": indonesian_date(hand_off.due_on),
                         "handed_on": indonesian_date(hand_off.handed_on)}}


# The superior's decision on an objection, as the forms write it (Format D.1.3).
OBJECTION_OUTCOME_TEXTS = {"confirmed": "Hasil evaluasi kinerja dikukuhkan", "changed": "Hasil evaluasi kinerja diubah"}


def _objection(evaluation: Evaluation) -> dict:
    """The employee's objection and, once taken, the superior's decision on it; the decision only when there is
    one, so that an evaluation without it keeps the context, and so the fingerprint, it was signed with."""
    context = {"objection": evaluation.objection or ""}
    if evaluation.objection_outcome is None:
        return context
    return {**context, "objection_decision": {
        "outcome": OBJECTION_OUTCOME_TEXTS.get(evaluation.objection_outcome, ""),
        "reason": evaluation.objection_decision or "", "decided_on": indonesian_date(evaluation.objection_decided_at),
        "decider": _person(evaluation.objection_decider), "prior_predikat": evaluation.objection_prior_predikat_label}}


def _rating_context(evaluation: Evaluation) -> dict:
    return {
        "work_result_choices": choices([r.label.upper() for r in Rating],
                                       (_label(Rating, evaluation.work_result_rating) or "").upper() or None),
        "behaviour_choices": choices([r.label.upper() for r in Rating],
                                     (_label(Rating, evaluation.behaviour_rating) or "").upper() or None),
        "predikat_choices": choices([p.label.upper() for p in Predikat],
                                    (_label(Predikat, evaluation.predikat) or "").upper() or None),
        "predikat": _label(Predikat, evaluation.predikat) or "",
    }


def _evaluation_state(evaluation: Evaluation) -> dict:
    """The DocumentSubject fields the evaluation form and the Dokumen Evaluasi share."""
    current = _evaluation_is_current(evaluation)
    return {"particulars": Particulars(person_name=evaluation.employee.name, person_nip=evaluation.employee.nip,
                                       period=period_range(evaluation.window_start, evaluation.window_end),
                                       predikat=_label(Predikat, evaluation.predikat) or ""),
            "signing_refusal": evaluation_signing_refusal(evaluation) or (None if current else NEWER_VERSION_EXISTS),
            "current": current}


# The agency's predikat distribution as of the day: printed for context, not part of this evaluation's record.
EVALUATION_AMBIENT = frozenset({"distribution"})


def _evaluation_header(evaluation: Evaluation) -> dict:
    window_choices, window_name = _window_choices(evaluation)
    return {"kop_agency": _kop(evaluation.agency), "window_choices": window_choices, "window_name": window_name,
            "period_text": _period_text(evaluation.window_start, evaluation.window_end),
            "status": evaluation.status, "version": evaluation.version,
            "final": evaluation.status == "final",
            "document_date": evaluation.finalised_at or evaluation.acknowledged_at or evaluation.submitted_at}


def load_evaluation(key: str, scope: UserScope) -> DocumentSubject:
    evaluation = _scoped(Evaluation, _id(key), scope, EVALUATION_LOAD)
    plan = evaluation.work_plan
    approach, audience = APPROACH_HEADINGS.get(plan.approach, APPROACH_HEADINGS["kuantitatif"])
    result_feedback, value_feedback = {}, {}
    for item in evaluation.feedback:
        if item.work_result_id:
            result_feedback.setdefault(item.work_result_id, []).append(item.text)
        elif item.core_value_id:
            value_feedback.setdefault(item.core_value_id, []).append(item.text)
    realisations = {row.result_indicator_id: row for row in evaluation.realisations}
    return DocumentSubject(
        key=str(evaluation.id), agency_id=evaluation.agency_id, signer_employee_id=evaluation.evaluator_id,
        title=f"Evaluasi Kinerja {evaluation.window_start.year} — {evaluation.employee.name}",
        **_evaluation_state(evaluation), ambient=EVALUATION_AMBIENT,
        context={
            **_evaluation_header(evaluation), **_evaluation_people(evaluation), **_organization(evaluation),
            **_rating_context(evaluation),
            "annual": evaluation.kind == "ANNUAL", "approach_heading": approach, "audience_heading": audience,
            "qualitative": plan.approach == "kualitatif",
            "groups": _result_groups(plan, realisations, result_feedback),
            "behaviours": _behaviours(plan, value_feedback),
            **_objection(evaluation),
        })


# --- Dokumen Evaluasi Kinerja Pegawai (annual) -----------------------------------------------------

def load_evaluation_document(key: str, scope: UserScope) -> DocumentSubject:
    evaluation = _scoped(Evaluation, _id(key), scope, EVALUATION_LOAD)
    if evaluation.kind != "ANNUAL":
        raise LookupError(f"evaluation {key} is not annual")
    indicators = db.session.scalars(select(OrganizationIndicator).where(
        OrganizationIndicator.agency_id == evaluation.agency_id,
        OrganizationIndicator.period_id == evaluation.period_id).order_by(OrganizationIndicator.id))
    achieved = [value for value in (indicator.year_achievement for indicator in indicators) if value is not None]
    group = next((name for name, members in evaluations.FOLLOW_UP_GROUPS.items()
                  if evaluation.predikat is not None and Predikat(evaluation.predikat) in members), None)
    return DocumentSubject(
        key=str(evaluation.id), agency_id=evaluation.agency_id, signer_employee_id=evaluation.evaluator_id,
        title=f"Dokumen Evaluasi Kinerja {evaluation.window_start.year} — {evaluation.employee.name}",
        **_evaluation_state(evaluation), ambient=EVALUATION_AMBIENT | {"organization_achievement"},
        context={
            **_evaluation_header(evaluation), **_evaluation_people(evaluation), **_organization(evaluation),
            **_rating_context(evaluation),
            "organization_achievement": sum(achieved) / len(achieved) if achieved else None,
            "recommendation": RECOMMENDATIONS.get(group, DEFAULT_RECOMMENDATION),
            **_objection(evaluation),
        })


# --- IKM report of a service unit -----------------------------------------------------------------

def load_ikm_report(key: str, scope: UserScope) -> DocumentSubject:
    from app.services.survey import unit_ikm_report

    period = _scoped(SurveyPeriod, _id(key), scope)
    report = unit_ikm_report(period.unit_id, period.id)
    if report is None:
        raise LookupError(key)
    figures = report.figures
    head = head_of_agency(period.agency_id)
    return DocumentSubject(
        key=str(period.id), agency_id=period.agency_id, signer_employee_id=head.id if head else None,
        title=f"Laporan IKM {period.unit.name} {period.name}",
        particulars=Particulars(person_name=period.unit.name, period=period_range(period.start_date,
                                                                                  period.end_date)),
        # The earlier periods' figures are printed for comparison; they are not this report's record. The
        # weight and the channels came to the paper after reports had been signed: left out of the fingerprint,
        # those signatures still verify, and nothing is lost — a change of either also changes the index or the
        # respondents, which count.
        ambient=frozenset({"trend", "ikm_weight", "channels"}),
        context={
            "kop_agency": _kop(period.unit.agency), "unit_name": period.unit.name, "period_name": period.name,
            "period_text": _period_text(period.start_date, period.end_date),
            "respondents": figures.respondents, "excluded": report.excluded, "population": period.population,
            "ikm_weight": IKM_WEIGHT_WORDING[report.ikm_weight], "channels": report.channels,
            "minimum_sample": report.minimum_sample, "sample_sufficient": report.sample_sufficient,
            "problem": str(figures.problem.message) if figures.problem else "",
            "elements": [{"code": s.element.code, "name": s.element.name, "respondents": s.respondents,
                          "nrr": s.nrr, "value": s.value, "grade": s.grade.letter, "grade_label": s.grade.label}
                         for s in (figures.result.elements if figures.result else ())],
            "ikm": figures.result.ikm if figures.result else None, "value": figures.value,
            "grade": figures.grade.letter if figures.grade else "",
            "grade_label": figures.grade.label if figures.grade else "",
            "lowest": [s.element.code for s in figures.lowest_elements()],
            "trend": [{"name": point.period.name, "respondents": point.figures.respondents,
                       "value": point.figures.value, "grade": point.figures.grade.letter if point.figures.grade
                       else ""} for point in report.trend],
            "plans": [{"element": f"{plan.element.code} {plan.element.name}", "action": plan.action,
                       "target_date": plan.target_date, "status": IMPROVEMENT_STATUSES.get(plan.status, plan.status)}
                      for plan in report.plans],
            "head": _person(head), "head_title": _head_title(head, period.unit.agency),
            "document_date": None,
        })


def _head_title(head: Employee | None, agency: Agency) -> str:
    return head.position.name if head is not None and head.position is not None else f"Kepala {agency.name}"


# --- One-page performance summary of an agency, for leaders -------------------------------------------

def load_agency_summary(key: str, scope: UserScope) -> DocumentSubject:
    from app.services.activity import dashboard
    from app.services.adoption import adoption_by_agency
    from app.services.survey import agency_ikm_report

    match = AGENCY_PERIOD_KEY.fullmatch(key or "")
    if match is None:
        raise LookupError(key)
    agency = _scoped(Agency, _id(match[1]), scope)
    period = _scoped(Period, _id(match[2]), scope)
    indicators = db.session.scalars(select(OrganizationIndicator).where(
        OrganizationIndicator.agency_id == agency.id, OrganizationIndicator.period_id == period.id)
        .order_by(OrganizationIndicator.id))
    distribution = evaluations.distribution(agency, period)
    today = _today()
    adoption = next((row for row in adoption_by_agency(today) if row.agency.id == agency.id), None)
    activity = dashboard(today, agency_id=agency.id)
    ikm = agency_ikm_report(agency.id, period.start_date, period.end_date)
    head = head_of_agency(agency.id)
    evaluated = sum(distribution.counts.values())
    return DocumentSubject(
        key=f"{agency.id}-{period.id}", agency_id=agency.id, signer_employee_id=head.id if head else None,
        title=f"Ringkasan Kinerja {agency.name} {period.year}",
        particulars=Particulars(person_name=agency.name, period=period_range(period.start_date, period.end_date)),
        context={
            "kop_agency": _kop(agency), "agency_name": agency.name, "period_name": period.name,
            "year": period.year, "as_of": today,
            "indicators": [{"name": i.name, "unit": i.unit_of_measure, "target": i.target,
                            "realisation": i.realisations[-1].value if i.realisations else None,
                            "quarter": i.realisations[-1].quarter if i.realisations else None,
                            "achievement": i.year_achievement} for i in indicators],
            "organization_predikat": (distribution.organization_predikat.label
                                      if distribution.organization_predikat else ""),
            "distribution": [{"label": p.label, "count": distribution.counts.get(p, 0),
                              "share": distribution.shares[p] * 100} for p in Predikat],
            "evaluated": evaluated, "curve_broken": distribution.broken,
            "curve_checked": distribution.verdict is not None, "curve_override": distribution.override is not None,
            "adoption": {"employees": adoption.employees, "signed_in": adoption.signed_in_share,
                         "reporting": adoption.reporting_share, "plans": adoption.plan_share} if adoption else None,
            "activity": {key: activity[key] for key in ("today", "this_week", "backlog", "idle_count")},
            **_ikm_by_unit(ikm.units if ikm else []),
            "ikm_agency": ikm.figures.value if ikm else None,
            "ikm_grade": ikm.figures.grade.letter if ikm and ikm.figures.grade else "",
            "head": _person(head), "head_title": _head_title(head, agency),
            "document_date": today,
        })


def _ikm_by_unit(rows) -> dict:
    """The agency's IKM rows as one line per unit with a column per survey period (Q1 2026 ...)."""
    columns = sorted({row.period.name: row.period.start_date for row in rows}.items(), key=lambda item: item[1])
    units: dict[str, dict] = {}
    for row in rows:
        cells = units.setdefault(row.unit.name, {})
        cells[row.period.name] = {"value": row.figures.value, "respondents": row.figures.respondents,
                                  "grade": row.figures.grade.letter if row.figures.grade else ""}
    return {"ikm_columns": [name for name, _start in columns],
            "ikm_units": [{"unit": name, "cells": cells} for name, cells in sorted(units.items())]}


def _today():
    from app.services.activity import today

    return today()


# reader_resource: the FAB resource of the kind's area; who may not read the area may not print its documents.
SKP = register(DocumentKind("skp", _l("Work plan (SKP)"), "skp.html", load_skp,
                            options={"reader_resource": "WorkPlan"}))
EVALUATION = register(DocumentKind("evaluation", _l("Employee performance evaluation"), "evaluation.html",
                                   load_evaluation, landscape=True, options={"reader_resource": "Evaluation"}))
EVALUATION_DOCUMENT = register(DocumentKind("evaluation_document", _l("Employee performance evaluation document"),
                                            "evaluation_document.html", load_evaluation_document,
                                            options={"reader_resource": "Evaluation"}))
IKM_REPORT = register(DocumentKind("ikm_report", _l("Public satisfaction (IKM) report"), "ikm_report.html",
                                   load_ikm_report, options={"reader_resource": "IkmReport"}))
AGENCY_SUMMARY = register(DocumentKind("agency_summary", _l("Agency performance summary"), "agency_summary.html",
                                       load_agency_summary, snapshot=True, options={"reader_resource": "Agency"}))
