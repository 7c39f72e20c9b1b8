"""Competency development use-cases (RULES §9; issue 8).

Each public function that writes is one transaction (DomainError with an English N_ message on refusal,
nothing written). Rows passed in were fetched through the user's scope by the caller.

Who may do what:
* HR Admin maintains programmes (reference data every user reads) and records participation of any
  agency; an Agency Admin records participation within their agencies; nobody records their own (its JP
  count toward their 20 JP);
* an employee requests a place in a programme; their evaluator (the holder of the superior position)
  approves, which registers the employee, or rejects with a note;
* compliance, needs and effect are read through the user's scope.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Select, case, func, select

from app.domain.ikm import ELEMENT_BY_CODE, Grade
from app.domain.messages import N_, DomainError
from app.domain.policy import MINUTES_PER_JP
from app.domain.predikat import Predikat
from app.domain.training import (REQUIRED_JP_PER_YEAR, ComplianceFigures, compliance as compliance_of,
                                 is_jp_compliant, jp_from_minutes, jp_shortfall, training_minutes,
                                 validate_completion, validate_score, validate_training)
from app.extensions import db
from app.models import Agency, Employee, Unit
from app.models.audit import utcnow
from app.models.evaluation import Evaluation
from app.models.planning import Period
from app.models.survey import SurveyPeriod, SurveyResponse
from app.models.training import (PARTICIPATION_STATUSES, EmployeeJpYear, TrainingParticipation,
                                 TrainingProgramme, TrainingRequest)
from app.security.guards import ensure_not_self, ensure_writable
from app.security.scope import current_scope, scoped_select
from app.services.planning import holder_of
from app.services.policy import PolicyBook, policy_book
from app.services.survey import IkmFigures, Tally, tallies
from app.services.transaction import ConcurrentChange, run_in_transaction

STATUSES = tuple(code for code, _label in PARTICIPATION_STATUSES)
# (policy) Predikat at or below Butuh Perbaikan call for development (as HR's follow-up lists).
NEEDS_PREDIKAT = (Predikat.NEEDS_IMPROVEMENT, Predikat.POOR, Predikat.VERY_POOR)
# (policy) An SKM element graded below B (Baik) at a unit is a training need of its officers.
WEAK_GRADES = (Grade.C, Grade.D)


def _commit(work):
    return run_in_transaction(work, ConcurrentChange(N_(
        "Someone else changed this record at the same time; reload it and try again.")))


# --- programmes -------------------------------------------------------------------------------

def check_programme(programme: TrainingProgramme) -> None:
    """A programme needs a kind from the official list, JP above zero, an end not before its start and a
    quota above zero when one is given (RULES §9)."""
    if programme.kind is None:
        raise DomainError(N_("Choose the kind of training from the official list"), field="kind")
    if programme.jp is None or programme.start_date is None or programme.end_date is None:
        raise DomainError(N_("Give the dates and the JP of the programme"), field="jp")
    validate_training(programme.jp, programme.start_date, programme.end_date)
    if programme.quota is not None and programme.quota <= 0:
        raise DomainError(N_("The quota must be greater than zero"), field="quota")
    if programme.survey_element_code and programme.survey_element_code not in ELEMENT_BY_CODE:
        raise DomainError(N_("%(value)s is not an SKM element"), field="survey_element_code",
                          value=programme.survey_element_code)


def _places_taken(programme: TrainingProgramme) -> int:
    return db.session.scalar(select(func.count(TrainingParticipation.id)).where(
        TrainingParticipation.programme_id == programme.id))


def _ensure_place(programme: TrainingProgramme, employee: Employee) -> None:
    if programme.target_agencies and employee.agency_id not in {a.id for a in programme.target_agencies}:
        raise DomainError(N_("This programme is not open to employees of %(agency)s"), field="employee",
                          agency=employee.agency.name)
    if programme.quota is not None and _places_taken(programme) >= programme.quota:
        raise DomainError(N_("The programme is full (quota %(quota)d)"), field="programme", quota=programme.quota)


# --- participation ----------------------------------------------------------------------------

@dataclass(frozen=True)
class ParticipationInput:
    status: str
    completed_on: dt.date | None = None
    jp_earned: object = None
    certificate_number: str | None = None
    certificate_file: str | None = None
    pre_score: object = None
    post_score: object = None
    # A completion's duration in minutes, instead of ``jp_earned`` ("270 menit" on the certificate).
    minutes: object = None


def _given(value) -> bool:
    return value not in (None, "")


def _earned(participation: TrainingParticipation, data: ParticipationInput) -> tuple[object, int | None]:
    """The JP a completion earns, and the minutes they were computed from (None when given in JP or taken
    from the programme)."""
    if _given(data.jp_earned) and _given(data.minutes):
        raise DomainError(N_("Give the JP or the duration in minutes, not both"), field="minutes")
    if not _given(data.minutes):
        return (data.jp_earned if _given(data.jp_earned) else participation.programme.jp), None
    minutes = training_minutes(data.minutes)
    if data.completed_on is None:  # the year's policy is not known yet: validate_completion asks for the date
        return participation.programme.jp, minutes
    return jp_from_minutes(minutes, minutes_per_jp=minutes_per_jp(data.completed_on.year)), minutes


def _apply(participation: TrainingParticipation, data: ParticipationInput) -> None:
    if data.status not in STATUSES:
        raise DomainError(N_("The status must be registered, attended or completed"), field="status")
    participation.pre_score = validate_score(data.pre_score, field="pre_score")
    participation.post_score = validate_score(data.post_score, field="post_score")
    participation.status = data.status
    if data.status == "completed":
        jp, minutes = _earned(participation, data)
        validate_completion(participation.programme.start_date, data.completed_on, jp)
        if not (data.certificate_number or "").strip():
            raise DomainError(N_("Give the certificate number of a completed training"), field="certificate_number")
        participation.completed_on, participation.jp_earned = data.completed_on, Decimal(str(jp))
        participation.minutes = minutes
        participation.certificate_number = data.certificate_number.strip()
        participation.certificate_file = (data.certificate_file or "").strip() or None
    else:
        participation.completed_on = participation.jp_earned = participation.minutes = None


def record_participation(programme: TrainingProgramme, employee: Employee,
                         data: ParticipationInput) -> TrainingParticipation:
    """Register an employee in a programme, or update their participation (attended, completed)."""
    def work():
        ensure_not_self(employee.id, N_("You cannot record your own training; another administrator records it"))
        participation = db.session.scalar(select(TrainingParticipation).where(
            TrainingParticipation.programme_id == programme.id, TrainingParticipation.employee_id == employee.id))
        if participation is None:
            _ensure_place(programme, employee)
            participation = TrainingParticipation(programme=programme, employee=employee, agency=employee.agency)
            db.session.add(participation)
        ensure_writable(participation)
        _apply(participation, data)
        db.session.flush()
        return participation
    return _commit(work)


def jp_totals(employee_ids, year: int) -> dict[int, Decimal]:
    """JP earned per employee by completions in ``year`` (employees without any are left out).

    ``employee_ids`` is a list or a SELECT of ids (a whole province's ids do not fit in one IN list)."""
    ids = employee_ids if isinstance(employee_ids, Select) else list(employee_ids)
    if isinstance(ids, list) and not ids:
        return {}
    rows = db.session.execute(jp_earned(year).where(EmployeeJpYear.employee_id.in_(ids)))
    return {employee_id: total for employee_id, total in rows if total}


def jp_earned(year: int) -> Select:
    """(employee_id, jp): JP earned per employee by completions in ``year``, as kept with each write
    (app.services.training_totals)."""
    return select(EmployeeJpYear.employee_id, EmployeeJpYear.jp).where(EmployeeJpYear.year == year)


@dataclass(frozen=True)
class History:
    employee: Employee
    year: int
    participations: list[TrainingParticipation]
    requests: list[TrainingRequest]
    jp_this_year: Decimal

    @property
    def compliant(self) -> bool:
        return is_jp_compliant(self.jp_this_year)

    @property
    def missing(self) -> Decimal:
        return jp_shortfall(self.jp_this_year)


def history(employee: Employee, year: int) -> History:
    """An employee's trainings (newest first), their requests and the JP of ``year``."""
    participations = list(db.session.scalars(
        scoped_select(TrainingParticipation).join(TrainingProgramme)
        .where(TrainingParticipation.employee_id == employee.id).order_by(TrainingProgramme.start_date.desc())))
    requests = list(db.session.scalars(scoped_select(TrainingRequest).where(
        TrainingRequest.employee_id == employee.id).order_by(TrainingRequest.requested_at.desc())))
    return History(employee, year, participations, requests, jp_totals([employee.id], year).get(employee.id,
                                                                                                 Decimal(0)))


# --- requests ---------------------------------------------------------------------------------

def request_programme(programme: TrainingProgramme, reason: str | None, today: dt.date) -> TrainingRequest:
    """The signed-in employee asks for a place; their evaluator decides."""
    def work():
        me = current_scope().employee_id
        employee = db.session.get(Employee, me) if me else None
        if employee is None:
            raise DomainError(N_("Only an employee may request a training programme"))
        if programme.end_date < today:
            raise DomainError(N_("This programme has already ended"), field="programme")
        if db.session.scalar(select(TrainingParticipation.id).where(
                TrainingParticipation.programme_id == programme.id,
                TrainingParticipation.employee_id == employee.id)) is not None:
            raise DomainError(N_("You are already registered in this programme"), field="programme")
        if db.session.scalar(select(TrainingRequest.id).where(
                TrainingRequest.programme_id == programme.id, TrainingRequest.employee_id == employee.id,
                TrainingRequest.status != "rejected")) is not None:
            raise DomainError(N_("You have already requested this programme"), field="programme")
        _ensure_place(programme, employee)
        position = employee.position
        evaluator = holder_of(position.parent) if position is not None else None
        if evaluator is None:
            raise DomainError(N_("Your position has no superior to approve the request"), field="programme")
        row = TrainingRequest(programme=programme, employee=employee, evaluator=evaluator, agency=employee.agency,
                              reason=(reason or "").strip() or None, status="pending")
        db.session.add(row)
        db.session.flush()
        return row
    return _commit(work)


def decide_request(row: TrainingRequest, approve: bool, note: str | None) -> TrainingRequest:
    """The evaluator approves (the employee is registered) or rejects (with a note) a pending request."""
    def work():
        if current_scope().employee_id is None or row.evaluator_id != current_scope().employee_id:
            raise DomainError(N_("Only the employee's evaluator decides on this request"))
        if row.status != "pending":
            raise DomainError(N_("This request has already been decided"), field="status")
        if not approve and not (note or "").strip():
            raise DomainError(N_("Say why the request is rejected"), field="note")
        if approve:
            _ensure_place(row.programme, row.employee)
            db.session.add(TrainingParticipation(programme=row.programme, employee=row.employee,
                                                 agency=row.employee.agency, status="registered"))
        row.status, row.note, row.decided_at = ("approved" if approve else "rejected"), (note or None), utcnow()
        db.session.flush()
        return row
    return _commit(work)


def pending_requests() -> list[TrainingRequest]:
    """Requests waiting for the signed-in evaluator."""
    me = current_scope().employee_id
    if me is None:
        return []
    return list(db.session.scalars(scoped_select(TrainingRequest).where(
        TrainingRequest.evaluator_id == me, TrainingRequest.status == "pending")
        .order_by(TrainingRequest.requested_at)))


# --- compliance -------------------------------------------------------------------------------

@dataclass(frozen=True)
class EmployeeJp:
    employee: Employee
    jp: Decimal

    @property
    def missing(self) -> Decimal:
        return jp_shortfall(self.jp)


@dataclass(frozen=True)
class UnitCompliance:
    unit: Unit
    figures: ComplianceFigures


@dataclass(frozen=True)
class AgencyCompliance:
    agency: Agency
    figures: ComplianceFigures
    units: list[UnitCompliance]
    below: list[EmployeeJp]


# Whom the 20-JP right is counted for (RULES §9): active PNS.
COMPLIANCE_POPULATION = (Employee.active.is_(True), Employee.employment_type == "PNS")


def minutes_per_jp(year: int, book: PolicyBook | None = None) -> int:
    """(policy) The length of a JP in ``year``: the setting in force on its first day (app.services.policy),
    in ``book`` when given (the settings as a change being saved makes them)."""
    return (book or policy_book()).value(MINUTES_PER_JP.key, dt.date(year, 1, 1))


def follow_minutes_per_jp(book: PolicyBook) -> int:
    """(policy) The JP of the completions entered in minutes, computed again with the minutes-per-JP policy
    of their year in ``book``; run in the transaction that saves or removes a setting of that policy. A
    closed year's records keep their JP (no setting may reach a closed year; they are left out all the
    same). Each change is a row of the audit log, under the one who changed the policy. Returns how many
    records changed."""
    closed_years = set(db.session.scalars(select(Period.year).where(Period.status == "closed")))
    changed = 0
    for participation in db.session.scalars(select(TrainingParticipation).where(
            TrainingParticipation.minutes.is_not(None), TrainingParticipation.completed_on.is_not(None))):
        if participation.completed_on.year in closed_years:
            continue
        jp = jp_from_minutes(participation.minutes,
                             minutes_per_jp=minutes_per_jp(participation.completed_on.year, book))
        if jp != participation.jp_earned:
            participation.jp_earned = jp
            changed += 1
    return changed


def compliance(year: int, agency_id: int | None = None) -> list[AgencyCompliance]:
    """Per agency and unit, the share of PNS with at least 20 JP in ``year`` and those below
    (PP 11/2017 art. 203(4): the right of every PNS). Employees are those the user may see."""
    statement = scoped_select(Employee, agency_id=agency_id).where(*COMPLIANCE_POPULATION)
    employees = list(db.session.scalars(statement.order_by(Employee.name)))
    totals = jp_totals(statement.with_only_columns(Employee.id), year)
    by_agency: dict[int, list[EmployeeJp]] = {}
    for employee in employees:
        by_agency.setdefault(employee.agency_id, []).append(EmployeeJp(employee, totals.get(employee.id, Decimal(0))))
    result = []
    for rows in by_agency.values():
        by_unit: dict[int, list[EmployeeJp]] = {}
        for row in rows:
            by_unit.setdefault(row.employee.unit_id, []).append(row)
        units = sorted((UnitCompliance(unit_rows[0].employee.unit, compliance_of([r.jp for r in unit_rows]))
                        for unit_rows in by_unit.values()), key=lambda u: u.unit.name)
        result.append(AgencyCompliance(rows[0].employee.agency, compliance_of([r.jp for r in rows]), units,
                                       [r for r in rows if not is_jp_compliant(r.jp)]))
    return sorted(result, key=lambda a: a.agency.name)


@dataclass(frozen=True)
class AgencyFigures:
    agency: Agency
    figures: ComplianceFigures


def compliance_by_agency(year: int) -> list[AgencyFigures]:
    """Per agency only the figures of ``compliance`` (no one is listed), counted in the database: what
    the home page shows for the whole province. Reaching REQUIRED_JP_PER_YEAR is ``is_jp_compliant``."""
    earned = jp_earned(year).subquery()
    rows = db.session.execute(
        scoped_select(Employee, Employee.agency_id, func.count(),
                      func.sum(case((func.coalesce(earned.c.jp, 0) >= REQUIRED_JP_PER_YEAR, 1), else_=0)))
        .outerjoin(earned, earned.c.employee_id == Employee.id).where(*COMPLIANCE_POPULATION)
        .group_by(Employee.agency_id)).all()
    agencies = {agency.id: agency for agency in db.session.scalars(
        select(Agency).where(Agency.id.in_([row[0] for row in rows])))}
    return sorted((AgencyFigures(agencies[agency_id], ComplianceFigures(employees, int(compliant or 0)))
                   for agency_id, employees, compliant in rows), key=lambda row: row.agency.name)


# --- needs ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class UnitNeed:
    unit: Unit
    period: SurveyPeriod
    element_code: str
    element_name: str
    value: Decimal
    grade: str
    programmes: list[TrainingProgramme]


def _programmes_for(element_code: str, today: dt.date) -> list[TrainingProgramme]:
    return list(db.session.scalars(select(TrainingProgramme).where(
        TrainingProgramme.survey_element_code == element_code, TrainingProgramme.end_date >= today)
        .order_by(TrainingProgramme.start_date)))


def employee_needs(year: int) -> list[Evaluation]:
    """The annual evaluations of ``year`` rated Butuh Perbaikan or below, as the user may see them; only the
    newest version of each counts (a correction replaces what it corrects)."""
    corrected = select(Evaluation.previous_id).where(Evaluation.previous_id.is_not(None))
    rows = db.session.scalars(scoped_select(Evaluation).where(
        Evaluation.predikat.in_([int(p) for p in NEEDS_PREDIKAT]), Evaluation.kind == "ANNUAL",
        Evaluation.window_start >= dt.date(year, 1, 1), Evaluation.window_end <= dt.date(year, 12, 31),
        Evaluation.id.not_in(corrected)))
    return sorted(rows, key=lambda e: (e.agency.name, e.employee.name))


def unit_needs(today: dt.date) -> list[UnitNeed]:
    """Service units in scope whose latest survey period with responses grades an SKM element below B,
    each with the open programmes meant for that element."""
    periods = list(db.session.scalars(scoped_select(SurveyPeriod).where(SurveyPeriod.start_date <= today)
                                      .order_by(SurveyPeriod.start_date.desc())))
    counted = tallies(SurveyResponse.period_id, SurveyResponse.period_id.in_([p.id for p in periods]))
    latest: dict[int, SurveyPeriod] = {}
    for period in periods:
        if period.id in counted and period.unit_id not in latest:
            latest[period.unit_id] = period
    needs = []
    for period in latest.values():
        figures = IkmFigures.of(counted.get(period.id, Tally(0, {})), period.start_date)
        if figures.result is None:
            continue
        for score in figures.result.elements:
            if score.grade in WEAK_GRADES:
                needs.append(UnitNeed(period.unit, period, score.element.code, score.element.name, score.value,
                                      score.grade.letter, _programmes_for(score.element.code, today)))
    return sorted(needs, key=lambda n: (n.value, n.unit.name))


# --- effect -----------------------------------------------------------------------------------

# (policy) Without an element of its own, a programme is compared on the officers' elements of the SKM.
OFFICER_ELEMENTS = ("U6", "U7")


@dataclass(frozen=True)
class ParticipantEffect:
    participation: TrainingParticipation
    before: Evaluation | None
    after: Evaluation | None


@dataclass(frozen=True)
class UnitEffect:
    unit: Unit
    element_code: str
    element_name: str
    before: Decimal | None
    after: Decimal | None

    @property
    def change(self) -> Decimal | None:
        return None if self.before is None or self.after is None else self.after - self.before


@dataclass(frozen=True)
class ProgrammeEffect:
    programme: TrainingProgramme
    participants: list[ParticipantEffect]
    units: list[UnitEffect]


def _evaluation_around(employee_id: int, programme: TrainingProgramme, before: bool) -> Evaluation | None:
    statement = scoped_select(Evaluation).where(Evaluation.employee_id == employee_id,
                                                Evaluation.predikat.is_not(None))
    if before:
        statement = statement.where(Evaluation.window_end < programme.start_date).order_by(
            Evaluation.window_end.desc(), Evaluation.version.desc())
    else:
        statement = statement.where(Evaluation.window_start > programme.end_date).order_by(
            Evaluation.window_start, Evaluation.version.desc())
    return db.session.scalars(statement.limit(1)).first()


def _element_value(period: SurveyPeriod | None, code: str, counted: dict) -> Decimal | None:
    if period is None:
        return None
    figures = IkmFigures.of(counted.get(period.id, Tally(0, {})), period.start_date)
    if figures.result is None:
        return None
    return next((score.value for score in figures.result.elements if score.element.code == code), None)


def effect(programme: TrainingProgramme) -> ProgrammeEffect:
    """Participants' predikat before and after the programme, with their pre/post scores, and the related
    SKM elements of the participants' service units in the survey period before and the one after."""
    participations = list(db.session.scalars(scoped_select(TrainingParticipation).where(
        TrainingParticipation.programme_id == programme.id)))
    participants = [ParticipantEffect(p, _evaluation_around(p.employee_id, programme, True),
                                      _evaluation_around(p.employee_id, programme, False))
                    for p in sorted(participations, key=lambda p: p.employee.name)]
    units = {p.employee.unit for p in participations if p.employee.unit and p.employee.unit.serves_public}
    codes = (programme.survey_element_code,) if programme.survey_element_code else OFFICER_ELEMENTS
    pairs = []
    for unit in sorted(units, key=lambda u: u.name):
        before = db.session.scalars(select(SurveyPeriod).where(
            SurveyPeriod.unit_id == unit.id, SurveyPeriod.end_date < programme.start_date)
            .order_by(SurveyPeriod.end_date.desc()).limit(1)).first()
        after = db.session.scalars(select(SurveyPeriod).where(
            SurveyPeriod.unit_id == unit.id, SurveyPeriod.start_date > programme.end_date)
            .order_by(SurveyPeriod.start_date).limit(1)).first()
        pairs.append((unit, before, after))
    ids = [period.id for _unit, *periods in pairs for period in periods if period is not None]
    counted = tallies(SurveyResponse.period_id, SurveyResponse.period_id.in_(ids)) if ids else {}
    unit_rows = [UnitEffect(unit, code, ELEMENT_BY_CODE[code].name, _element_value(before, code, counted),
                            _element_value(after, code, counted))
                 for unit, before, after in pairs for code in codes]
    return ProgrammeEffect(programme, participants, unit_rows)


def visible_programmes() -> list[TrainingProgramme]:
    return list(db.session.scalars(select(TrainingProgramme).order_by(TrainingProgramme.start_date.desc())))
