"""Recognition use-cases (RULES §10; issue 8): candidates from evidence, the nomination workflow and the
recognition wall.

Each public function that writes is one transaction (DomainError with an English N_ message on refusal,
nothing written). Rows passed in were fetched through the user's scope by the caller.

* Karya Satya candidates: PNS whose full years of service from TMT CPNS reach 10/20/30 and who have no
  medium or heavy disciplinary sanction (``app.domain.awards.karya_satya_eligibility``), leaving out
  classes already held or nominated;
* ASN Berprestasi of the month/year: predikat Sangat Baik or Baik in the period, ranked by predikat, approved
  daily activities and citizens' ratings of the officer (``performer_score``);
* best service unit: units ranked by their IKM over the year (app.services.survey computes it);
* nominated (HR Admin, or an Agency Admin within their agencies, with a justification) → approved (HR Admin)
  → awarded (HR Admin, with decree number and date); rejection before the award, with a note;
* nobody nominates themselves or their own unit, nor approves, awards or rejects a nomination of themselves
  (``ensure_not_self``, ``ensure_not_own_unit``); four eyes: whoever nominated neither approves, rejects nor
  awards that nomination, and whoever approved it does not award it (``app.security.acts``);
* a decision is taken on the version of the nomination the person saw (``opened_version``): one saved by
  someone else meanwhile is refused with what changed (VersionConflict, 409).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select

from app.domain.awards import (AwardCategory, KaryaSatyaClass, award_period, ensure_eligible_or_excepted,
                               ensure_transition, heaviest_sanction, next_karya_satya_class, performer_score)
from app.domain.dates import completed_years
from app.domain.messages import N_, DomainError
from app.domain.predikat import Predikat
from app.extensions import db
from app.models import Agency, Employee, Unit
from app.models.activity import DailyActivity
from app.models.audit import utcnow
from app.models.evaluation import Evaluation
from app.models.recognition import AwardType, DisciplinarySanction, Nomination
from app.models.survey import SurveyMonthTotal
from app.parsing import parse_whole_number
from app.security import acts
from app.security.guards import ensure_not_own_unit, ensure_not_self, ensure_writable
from app.security.scope import scoped_select
from app.services import survey_totals
from app.services.survey import IkmFigures, officer_feedback
from app.services.transaction import ConcurrentChange, acting_user, run_in_transaction
from app.services.versioning import ensure_opened_version

PERFORMER_PREDIKAT = (Predikat.VERY_GOOD, Predikat.GOOD)
CANDIDATES_SHOWN = 10
WALL_UNITS_SHOWN = 5
LIVE_STATUSES = ("nominated", "approved", "awarded")


def _commit(work):
    return run_in_transaction(work, ConcurrentChange(N_(
        "Someone else changed this nomination at the same time; reload it and check its status.")))


# --- evidence ---------------------------------------------------------------------------------

def sanctions_of(employee_ids) -> dict[int, list[str]]:
    ids = list(employee_ids)
    rows = db.session.execute(select(DisciplinarySanction.employee_id, DisciplinarySanction.level).where(
        DisciplinarySanction.employee_id.in_(ids))) if ids else []
    levels: dict[int, list[str]] = {}
    for employee_id, level in rows:
        levels.setdefault(employee_id, []).append(level)
    return levels


def held_karya_satya(employee_ids) -> dict[int, set[KaryaSatyaClass]]:
    """The Karya Satya classes each employee holds or is nominated for (each class is awarded once)."""
    ids = list(employee_ids)
    rows = db.session.execute(
        select(Nomination.employee_id, AwardType.service_years).join(AwardType)
        .where(Nomination.employee_id.in_(ids), AwardType.category == AwardCategory.KARYA_SATYA.value,
               Nomination.status.in_(LIVE_STATUSES))) if ids else []
    held: dict[int, set[KaryaSatyaClass]] = {}
    for employee_id, years in rows:
        held.setdefault(employee_id, set()).add(KaryaSatyaClass(years))
    return held


@dataclass(frozen=True)
class Candidate:
    """A proposed recipient: an employee or a unit, the award type it fits and the evidence in words."""

    award_type: AwardType
    period: str
    agency: Agency
    evidence: tuple[str, dict]   # an English N_ message and its values; the UI translates it
    score: Decimal | None = None
    employee: Employee | None = None
    unit: Unit | None = None

    @property
    def name(self) -> str:
        return self.employee.name if self.employee else self.unit.name


def _types(category: AwardCategory) -> list[AwardType]:
    return list(db.session.scalars(select(AwardType).where(AwardType.category == category.value)
                                   .order_by(AwardType.service_years, AwardType.id)))


def karya_satya_candidates(on: dt.date, agency_id: int | None = None) -> list[Candidate]:
    types = {award.service_years: award for award in _types(AwardCategory.KARYA_SATYA)}
    statement = scoped_select(Employee).where(Employee.active.is_(True), Employee.tmt_cpns.is_not(None))
    if agency_id is not None:
        statement = statement.where(Employee.agency_id == agency_id)
    employees = list(db.session.scalars(statement.order_by(Employee.tmt_cpns, Employee.name)))
    ids = [e.id for e in employees]
    sanctions, held = sanctions_of(ids), held_karya_satya(ids)
    candidates = []
    for employee in employees:
        due = next_karya_satya_class(employee.tmt_cpns, on, heaviest_sanction(sanctions.get(employee.id, [])),
                                     held.get(employee.id, set()))
        if due is not None and int(due) in types:
            years = completed_years(employee.tmt_cpns, on)
            candidates.append(Candidate(types[int(due)], str(on.year), employee.agency, (N_(
                "%(years)d years of service since TMT CPNS %(tmt)s; no medium or heavy sanction"), {
                    "years": years, "tmt": employee.tmt_cpns.strftime("%d-%m-%Y")}), employee=employee))
    return candidates


def _best_predikat(period_start: dt.date, period_end: dt.date, agency_id: int | None) -> dict[int, Evaluation]:
    """Per employee, the evaluation with the best predikat whose window lies in the period (newest version)."""
    corrected = select(Evaluation.previous_id).where(Evaluation.previous_id.is_not(None))
    statement = scoped_select(Evaluation).where(
        Evaluation.predikat.in_([int(p) for p in PERFORMER_PREDIKAT]), Evaluation.window_start >= period_start,
        Evaluation.window_end <= period_end, Evaluation.id.not_in(corrected))
    if agency_id is not None:
        statement = statement.where(Evaluation.agency_id == agency_id)
    best: dict[int, Evaluation] = {}
    for evaluation in db.session.scalars(statement):
        current = best.get(evaluation.employee_id)
        if current is None or evaluation.predikat < current.predikat:
            best[evaluation.employee_id] = evaluation
    return best


def _approved_activities(employee_ids, start: dt.date, end: dt.date) -> dict[int, int]:
    ids = list(employee_ids)
    if not ids:
        return {}
    return dict(db.session.execute(
        select(DailyActivity.employee_id, func.count(DailyActivity.id))
        .where(DailyActivity.employee_id.in_(ids), DailyActivity.status == "approved",
               DailyActivity.activity_date >= start, DailyActivity.activity_date <= end)
        .group_by(DailyActivity.employee_id)).all())


def performer_candidates(category: AwardCategory, period: str, agency_id: int | None = None) -> list[Candidate]:
    """ASN Berprestasi candidates of a month or year, best first (at most CANDIDATES_SHOWN per award type)."""
    types = _types(category)
    if not types:
        return []
    text, start, end = award_period(period, monthly=category == AwardCategory.PERFORMER_MONTH)
    best = _best_predikat(start, end, agency_id)
    activities = _approved_activities(best, start, end)
    taken = _taken(types[0], text)
    rows = []
    for employee_id, evaluation in best.items():
        if employee_id in taken:
            continue
        feedback = officer_feedback(employee_id, start, end)
        averages = [a for a in (feedback.behaviour_average, feedback.competence_average) if a is not None]
        average = sum(averages) / len(averages) if averages else None
        count = activities.get(employee_id, 0)
        score = performer_score(evaluation.predikat, count, average)
        rows.append(Candidate(types[0], text, evaluation.agency, (N_(
            "Predikat %(predikat)s; %(activities)d approved activities; citizens' rating %(rating)s"), {
                "predikat": evaluation.predikat_label, "activities": count,
                "rating": f"{average:.2f}" if average is not None else "–"}), score=score,
            employee=evaluation.employee))
    return sorted(rows, key=lambda c: (-c.score, c.name))[:CANDIDATES_SHOWN]


def unit_ranking(start: dt.date, end: dt.date, *, scoped: bool = True) -> list[tuple[Unit, IkmFigures]]:
    """Service units with an IKM over responses submitted from ``start`` to ``end``, best first.

    ``scoped=False`` is for the public wall, which shows aggregate figures only."""
    counted = survey_totals.month_tallies(SurveyMonthTotal.unit_id, start, end)
    units_query = scoped_select(Unit) if scoped else select(Unit)
    units = db.session.scalars(units_query.where(Unit.id.in_(list(counted)), Unit.active.is_(True)))
    ranked = [(unit, IkmFigures.of(counted[unit.id])) for unit in units]
    return sorted((row for row in ranked if row[1].value is not None), key=lambda row: (-row[1].value, row[0].name))


def best_unit_candidates(period: str, agency_id: int | None = None) -> list[Candidate]:
    types = _types(AwardCategory.BEST_UNIT)
    if not types:
        return []
    text, start, end = award_period(period)
    taken_units = {row for row in db.session.scalars(select(Nomination.unit_id).where(
        Nomination.award_type_id == types[0].id, Nomination.period == text, Nomination.status.in_(LIVE_STATUSES)))}
    rows = [Candidate(types[0], text, unit.agency, (N_(
        "IKM %(value)s (grade %(grade)s) from %(respondents)d respondents"), {
        "value": figures.value, "grade": figures.grade.letter, "respondents": figures.respondents}),
        score=figures.value, unit=unit)
        for unit, figures in unit_ranking(start, end) if unit.id not in taken_units
        and (agency_id is None or unit.agency_id == agency_id)]
    return rows[:CANDIDATES_SHOWN]


def _taken(award_type: AwardType, period: str) -> set[int]:
    return set(db.session.scalars(select(Nomination.employee_id).where(
        Nomination.award_type_id == award_type.id, Nomination.period == period,
        Nomination.status.in_(LIVE_STATUSES), Nomination.employee_id.is_not(None))))


def candidates(period: str, on: dt.date, agency_id: int | None = None) -> dict[str, list[Candidate]]:
    """Every kind of candidate for a year (monthly awards: the month ``on`` falls in)."""
    year = award_period(period)[0]
    return {
        "karya_satya": karya_satya_candidates(on, agency_id),
        "performer_year": performer_candidates(AwardCategory.PERFORMER_YEAR, year, agency_id),
        "performer_month": performer_candidates(AwardCategory.PERFORMER_MONTH, f"{year}-{on.month:02d}"
                                                if on.year == int(year) else f"{year}-12", agency_id),
        "best_unit": best_unit_candidates(year, agency_id),
    }


# --- eligibility ------------------------------------------------------------------------------

def is_eligible(award_type: AwardType, period: str, employee: Employee | None, unit: Unit | None) -> bool:
    """Whether the evidence supports the award: the rules above, per category; custom awards always."""
    category = award_type.category
    if category == AwardCategory.BEST_UNIT.value:
        return unit is not None
    if employee is None:
        return False
    _text, start, end = award_period(period, monthly=category == AwardCategory.PERFORMER_MONTH.value)
    if category == AwardCategory.KARYA_SATYA.value:
        heaviest = heaviest_sanction(sanctions_of([employee.id]).get(employee.id, []))
        reached = next_karya_satya_class(employee.tmt_cpns, end, heaviest)
        return reached is not None and int(reached) >= award_type.service_years
    if category in (AwardCategory.PERFORMER_MONTH.value, AwardCategory.PERFORMER_YEAR.value):
        return employee.id in _best_predikat(start, end, employee.agency_id)
    return True


# --- the workflow -----------------------------------------------------------------------------

def nominate(award_type: AwardType, period: str, justification: str, *, employee: Employee | None = None,
             unit: Unit | None = None, exception_reason: str | None = None) -> Nomination:
    """Nominate an employee (or a service unit for a unit award) with a justification; an ineligible employee
    only with a recorded exception; never twice for the same award and period (Karya Satya: once per class)."""
    def work():
        text = award_period(period, monthly=award_type.category == AwardCategory.PERFORMER_MONTH.value)[0]
        if not (justification or "").strip():
            raise DomainError(N_("Give the justification of the nomination"), field="justification")
        if award_type.for_unit and unit is None:
            raise DomainError(N_("This award goes to a service unit; choose the unit"), field="unit")
        if not award_type.for_unit and employee is None:
            raise DomainError(N_("Choose the employee to nominate"), field="employee")
        if award_type.for_unit:
            ensure_not_own_unit(unit.id, N_("You cannot nominate your own unit for an award"))
        else:
            ensure_not_self(employee.id, N_("You cannot nominate yourself for an award"))
        recipient = (Nomination.unit_id == unit.id) if award_type.for_unit else (Nomination.employee_id == employee.id)
        duplicate = select(Nomination.id).where(recipient, Nomination.award_type_id == award_type.id,
                                                Nomination.status.in_(LIVE_STATUSES))
        if award_type.category != AwardCategory.KARYA_SATYA.value:
            duplicate = duplicate.where(Nomination.period == text)
        if db.session.scalar(duplicate) is not None:
            raise DomainError(N_("%(name)s already has this award (or a nomination for it) for this period"),
                              field="period", name=unit.name if award_type.for_unit else employee.name)
        ensure_eligible_or_excepted(is_eligible(award_type, text, employee, unit), exception_reason)
        row = Nomination(award_type=award_type, period=text, justification=justification.strip(),
                         exception_reason=(exception_reason or "").strip() or None, status="nominated",
                         employee=None if award_type.for_unit else employee,
                         unit=unit if award_type.for_unit else None,
                         agency=unit.agency if award_type.for_unit else employee.agency, nominated_at=utcnow(),
                         nominated_by_id=getattr(acting_user(), "id", None))
        ensure_writable(row)
        db.session.add(row)
        db.session.flush()
        return row
    return _commit(work)


class RecipientNotFound(LookupError):
    """The employee (by id or NIP) or the unit a nomination names does not exist or lies outside the user's scope
    (REST: 404; the page says so)."""


def nominate_as_asked(values) -> Nomination:
    """A nomination as the page's form and a REST body send it alike (the same keys, one reading): ``award_type_id``,
    ``period``, the recipient as ``employee_id``, ``nip`` or ``unit_id`` (read through the user's scope),
    ``justification``, ``exception_reason``. RecipientNotFound for a recipient unknown or out of scope; a
    DomainError for a missing award type and for every refusal of ``nominate``."""
    award_type = db.session.get(AwardType, parse_whole_number(values.get("award_type_id")) or 0)
    if award_type is None:
        raise DomainError(N_("Choose the award type"), field="award_type")
    employee_id, unit_id = parse_whole_number(values.get("employee_id")), parse_whole_number(values.get("unit_id"))
    nip = "".join(str(values.get("nip") or "").split())
    employee = unit = None
    if employee_id or nip:
        employee = db.session.scalar(scoped_select(Employee).where(
            Employee.id == employee_id if employee_id else Employee.nip == nip))
        if employee is None:
            raise RecipientNotFound(employee_id or nip)
    if unit_id:
        unit = db.session.scalar(scoped_select(Unit).where(Unit.id == unit_id))
        if unit is None:
            raise RecipientNotFound(unit_id)
    return nominate(award_type, str(values.get("period") or ""), str(values.get("justification") or ""),
                    employee=employee, unit=unit, exception_reason=str(values.get("exception_reason") or ""))


def approve(nomination: Nomination, *, opened_version: int | None) -> Nomination:
    def work():
        acts.ensure_may_judge_nomination(nomination)
        ensure_opened_version(nomination, opened_version)
        ensure_transition(nomination.status, "approved")
        nomination.status, nomination.approved_at = "approved", utcnow()
        nomination.approved_by_id = getattr(acting_user(), "id", None)
        return nomination
    return _commit(work)


def award(nomination: Nomination, decree_number: str | None, decree_date: dt.date | None, *,
          opened_version: int | None) -> Nomination:
    """Award an approved nomination: the decree (SK) number and date are what the piagam rests on."""
    def work():
        acts.ensure_may_award_nomination(nomination)
        ensure_opened_version(nomination, opened_version)
        ensure_transition(nomination.status, "awarded")
        if not (decree_number or "").strip():
            raise DomainError(N_("Give the decree number of the award"), field="decree_number")
        if decree_date is None:
            raise DomainError(N_("Give the decree date of the award"), field="decree_date")
        nomination.status, nomination.awarded_at = "awarded", utcnow()
        nomination.decree_number, nomination.decree_date = decree_number.strip(), decree_date
        return nomination
    return _commit(work)


def reject(nomination: Nomination, note: str | None, *, opened_version: int | None) -> Nomination:
    def work():
        acts.ensure_may_judge_nomination(nomination)
        ensure_opened_version(nomination, opened_version)
        ensure_transition(nomination.status, "rejected")
        if not (note or "").strip():
            raise DomainError(N_("Say why the nomination is rejected"), field="note")
        nomination.status, nomination.note = "rejected", note.strip()
        return nomination
    return _commit(work)


def nominations(status: str | None = None, agency_id: int | None = None) -> list[Nomination]:
    statement = scoped_select(Nomination)
    if status:
        statement = statement.where(Nomination.status == status)
    if agency_id is not None:
        statement = statement.where(Nomination.agency_id == agency_id)
    return list(db.session.scalars(statement.order_by(Nomination.id.desc())))


# --- the wall ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Wall:
    year: int
    awards: list[Nomination]
    units: list[tuple[Unit, IkmFigures]]


def wall(year: int, *, agency_id: int | None = None, public: bool = False) -> Wall:
    """This year's awardees and the best-rated service units; ``public`` reads without a user (the public
    page shows names, awards and aggregate IKM only), otherwise through the user's scope."""
    statement = (select(Nomination) if public else scoped_select(Nomination)).where(
        Nomination.status == "awarded", Nomination.period.like(f"{year:04d}%"))
    if agency_id is not None:
        statement = statement.where(Nomination.agency_id == agency_id)
    awards = list(db.session.scalars(statement.order_by(Nomination.decree_date.desc(), Nomination.id.desc())))
    units = unit_ranking(dt.date(year, 1, 1), dt.date(year, 12, 31), scoped=not public)
    if agency_id is not None:
        units = [row for row in units if row[0].agency_id == agency_id]
    return Wall(year, awards, units[:WALL_UNITS_SHOWN])
