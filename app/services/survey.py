"""Use-cases of the public satisfaction survey (SKM, PermenPANRB 14/2017; RULES §8).

* ``submit_response`` — one citizen's answers, validated, stored in one transaction or not at all;
* ``unit_ikm_report`` / ``agency_ikm_report`` / ``public_summary`` — the IKM, aggregated in SQL
  (one SUM/COUNT per element) and graded by app.domain.ikm;
* ``officer_feedback`` — what citizens said about one officer, for the evaluation;
* ``set_responses_excluded`` — HR Admin keeps a suspicious response out of the IKM (audited).

The demo's survey data live in app.demo.survey.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import lazyload

from app.domain.ikm import (
    ELEMENT_BY_CODE,
    SURVEY_ELEMENTS,
    ElementScore,
    IkmResult,
    element_nrr,
    ikm_from_element_totals,
    is_sample_sufficient,
    minimum_sample,
    require_an_answer,
    validate_answer,
)
from app.domain.messages import N_, DomainError
from app.domain.numbers import round_half_up
from app.domain.policy import IKM_WEIGHT, SURVEY_FORM_HOURS, ikm_weight
from app.extensions import db
from app.models import Agency, Employee, Unit
from app.models.audit import utcnow
from app.models.policy import policy_value_label
from app.models.survey import (
    ANSWER_COLUMNS,
    CHANNELS,
    KIOSK,
    WEB,
    PROFILE_CHOICES,
    SERVICE_USED_MAX_LENGTH,
    SUGGESTION_MAX_LENGTH,
    ImprovementPlan,
    SurveyElement,
    SurveyKiosk,
    SurveyPeriod,
    SurveyResponse,
)
from app.parsing import parse_whole_number
from app.security.guards import ensure_writable
from app.security.scope import current_scope, scoped_select
from app.services.local_time import today, utc_at_local_midnight
from app.services.policy import in_force
from app.services.transaction import ConcurrentChange, run_in_transaction

HONEYPOT_FIELD = "website"
KIOSK_REGISTRATION_LIFETIME = dt.timedelta(days=1)
# The answer a form, an app or a paper form gives for "not answered" (JSON may also send null).
NOT_ANSWERED = 0
EXCLUSION_REASON_MAX_LENGTH = 255
LOWEST_ELEMENTS_SHOWN = 3
TREND_PERIODS = 4
SUGGESTIONS_SHOWN = 200


class UnknownServiceUnit(DomainError):
    """The survey address names no active unit that serves the public (shown as 404)."""


# ---------------------------------------------------------------------------------------------
# Submission
# ---------------------------------------------------------------------------------------------

def client_hash(client_address: str) -> str:
    """The client address as HMAC-SHA256 with the app's secret: repeats are visible, people are not."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, (client_address or "").encode(), hashlib.sha256).hexdigest()


def service_unit(unit_code: str) -> Unit:
    """The active, public-facing unit with this code, or UnknownServiceUnit."""
    unit = db.session.execute(select(Unit).where(Unit.code == (unit_code or "")[:40])).scalar_one_or_none()
    if unit is None or not unit.active or not unit.serves_public or not unit.agency.active:
        raise UnknownServiceUnit(N_("There is no survey for service unit %(code)s."), field="unit",
                                 code=unit_code)
    return unit


def current_period(unit: Unit, today: dt.date) -> SurveyPeriod:
    """The unit's open survey period that contains ``today``, or a DomainError saying why there is none."""
    period = db.session.execute(
        select(SurveyPeriod).options(lazyload("*"))  # only its own columns: this runs on every submission
        .where(SurveyPeriod.unit_id == unit.id, SurveyPeriod.start_date <= today,
               SurveyPeriod.end_date >= today)
        .order_by(SurveyPeriod.is_open.desc(), SurveyPeriod.start_date.desc())
    ).scalars().first()
    if period is None:
        raise DomainError(N_("This unit has no survey running today."), field="period")
    if not period.is_open:
        raise DomainError(N_("The survey of this unit is closed for the current period."), field="period")
    return period


def survey_elements() -> list[SurveyElement]:
    return list(db.session.scalars(select(SurveyElement).order_by(SurveyElement.order)))


def unit_officers(unit: Unit) -> list[tuple[int, str]]:
    """(id, name) of the unit's active employees, for the optional "who served you" choice."""
    return [tuple(row) for row in db.session.execute(
        select(Employee.id, Employee.name)
        .where(Employee.unit_id == unit.id, Employee.active.is_(True))
        .order_by(Employee.name)
    )]


def _answer(payload: Mapping, code: str) -> int | None:
    """The answer to one element: 1–4, or None when the respondent chose "not answered" (0, or null in
    JSON). An element left out entirely is refused: the form asks all nine questions."""
    nested = payload.get("answers")
    nested = nested if isinstance(nested, Mapping) else {}
    keys = (code, code.lower())
    source = nested if any(key in nested for key in keys) else payload
    present = next((key for key in keys if key in source), None)
    raw = source.get(present) if present else None
    element = ELEMENT_BY_CODE[code]
    if present is None or (isinstance(raw, str) and not raw.strip()):
        raise DomainError(N_("Please answer %(element)s (%(name)s), or choose \"Not answered\"."),
                          field=code.lower(), element=code, name=element.name)
    number = parse_whole_number(raw.strip()) if isinstance(raw, str) else raw
    if number is None or number == NOT_ANSWERED:
        return None
    try:
        return validate_answer(number)
    except DomainError:
        raise DomainError(N_("The answer to %(element)s (%(name)s) must be 1, 2, 3 or 4, or \"Not answered\"."),
                          field=code.lower(), element=code, name=element.name) from None


def validated_answers(payload: Mapping) -> dict[str, int | None]:
    """The nine answers of a payload by column (u1..u9), each 1–4 or None; at least one answered."""
    answers = {column: _answer(payload, column.upper()) for column in ANSWER_COLUMNS}
    require_an_answer({column.upper(): answer for column, answer in answers.items()})
    return answers


def _text(payload: Mapping, name: str, max_length: int, message: str) -> str | None:
    value = payload.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise DomainError(N_("%(field)s must be text."), field=name, field_name=name)
    value = value.strip()
    if len(value) > max_length:
        raise DomainError(message, field=name, maximum=max_length, length=len(value))
    return value or None


def _choice(payload: Mapping, name: str) -> str | None:
    value = payload.get(name)
    if value is None or value == "":
        return None
    if value not in dict(PROFILE_CHOICES[name]):
        raise DomainError(N_("%(value)s is not one of the choices."), field=name, value=str(value)[:40])
    return value


def _officer_id(payload: Mapping, unit: Unit) -> int | None:
    raw = payload.get("officer_id", payload.get("officer"))
    if raw is None or raw == "":
        return None
    officer_id = parse_whole_number(raw)
    if officer_id is None or officer_id not in {row[0] for row in unit_officers(unit)}:
        raise DomainError(N_("The officer you chose does not serve at this unit."), field="officer_id")
    return officer_id


def validated_response(unit: Unit, period: SurveyPeriod, payload: Mapping) -> dict:
    """The row to store for ``payload``, or a DomainError naming the first wrong field."""
    if payload.get(HONEYPOT_FIELD):
        # Only automated clients fill the hidden field; people never see it.
        raise DomainError(N_("This submission was recognised as automated and was not recorded."),
                          field=HONEYPOT_FIELD)
    row = validated_answers(payload)
    row.update({name: _choice(payload, name) for name in PROFILE_CHOICES})
    row["service_used"] = _text(payload, "service_used", SERVICE_USED_MAX_LENGTH,
                                N_("The service used may be at most %(maximum)s characters long."))
    row["suggestion"] = _text(payload, "suggestion", SUGGESTION_MAX_LENGTH,
                              N_("The suggestion may be at most %(maximum)s characters long "
                                 "(yours has %(length)s)."))
    row["officer_id"] = _officer_id(payload, unit)
    row.update(unit_id=unit.id, agency_id=unit.agency_id, period_id=period.id)
    return row


# --- replay protection of the open form: a one-time token per form, not a ban on equal answers --------

def form_token_lifetime() -> dt.timedelta:
    """(policy) How long a form may stay open (a queue, a phone call) before its token is refused."""
    return dt.timedelta(hours=in_force(SURVEY_FORM_HOURS.key, today()))


def _form_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="survey-form")


def issue_form_token(unit: Unit) -> str:
    """A signed one-time token for one filling-in of the unit's form (sent with the page or fetched by an app).

    Nothing is stored when it is issued; its random nonce is stored with the response it came with,
    and the database accepts each nonce once. So a form sent twice (a double tap, the back button,
    a replayed request) is stored once, while two citizens with the same opinion are both counted.
    """
    return _form_serializer().dumps({"unit": unit.id, "nonce": secrets.token_hex(16)})


def _form_nonce(token, unit: Unit) -> str:
    expired = DomainError(N_("This form has expired. Please fill it in again; your answers were not "
                             "recorded yet."), field="form_token")
    if not isinstance(token, str) or not token or len(token) > 200:
        raise expired
    try:
        data = _form_serializer().loads(token, max_age=form_token_lifetime().total_seconds())
    except BadData:  # altered, of another salt or key, or older than its lifetime
        raise expired from None
    if not isinstance(data, dict) or data.get("unit") != unit.id or not isinstance(data.get("nonce"), str):
        raise expired
    return data["nonce"]


ALREADY_RECORDED = N_("These answers were already recorded; thank you.")


# --- kiosks: devices the unit registered --------------------------------------------------------------

def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def kiosk_for_token(token) -> SurveyKiosk | None:
    """The active, registered kiosk a device token belongs to, or None (no token, unknown, deactivated)."""
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        return None
    return db.session.execute(
        select(SurveyKiosk).options(lazyload("*"))
        .where(SurveyKiosk.token_hash == _digest(token), SurveyKiosk.active.is_(True))
    ).scalar_one_or_none()


def issue_kiosk_registration(kiosk_id: int, *, now: dt.datetime | None = None) -> tuple[SurveyKiosk, str]:
    """A new one-time registration code for a kiosk in the user's agencies (valid for a day).

    Redeeming it on a device makes that device the kiosk; any device registered before stops being it.
    """
    now = now or utcnow()

    def work():
        kiosk = db.session.execute(scoped_select(SurveyKiosk).where(SurveyKiosk.id == kiosk_id)).scalar_one_or_none()
        if kiosk is None:
            raise DomainError(N_("There is no such kiosk in your agencies."), field="kiosk")
        ensure_writable(kiosk)
        if not kiosk.active:
            raise DomainError(N_("This kiosk is deactivated; activate it first."), field="active")
        code = secrets.token_urlsafe(24)
        kiosk.registration_code_hash = _digest(code)
        kiosk.registration_expires_at = now + KIOSK_REGISTRATION_LIFETIME
        kiosk.token_hash = None
        kiosk.registered_at = None
        db.session.flush()
        return kiosk, code
    return run_in_transaction(work, ConcurrentChange(N_("Someone changed this kiosk meanwhile; try again.")))


def _registration_code_valid(code) -> bool:
    return isinstance(code, str) and 20 <= len(code) <= 100


def kiosk_of_registration_code(code, *, now: dt.datetime | None = None) -> SurveyKiosk | None:
    """The kiosk a registration code would register (nothing changes), or None when it is not usable."""
    if not _registration_code_valid(code):
        return None
    kiosk = db.session.execute(
        select(SurveyKiosk).where(SurveyKiosk.registration_code_hash == _digest(code))).scalar_one_or_none()
    if kiosk is None or not kiosk.active or kiosk.registration_expires_at is None \
            or kiosk.registration_expires_at < (now or utcnow()):
        return None
    return kiosk


def register_kiosk_device(code, *, now: dt.datetime | None = None) -> tuple[SurveyKiosk, str]:
    """Redeem a registration code: (the kiosk, the device's new secret token). The code works once."""
    now = now or utcnow()
    unusable = DomainError(N_("This registration link is not valid (used already, expired or replaced). "
                              "Ask the unit's administrator for a new one."), field="code")

    def work():
        kiosk = kiosk_of_registration_code(code, now=now)
        if kiosk is None:
            raise unusable
        token = secrets.token_urlsafe(32)
        kiosk.token_hash = _digest(token)
        kiosk.registration_code_hash = None
        kiosk.registration_expires_at = None
        kiosk.registered_at = now
        db.session.flush()
        return kiosk, token
    return run_in_transaction(work, ConcurrentChange(N_("Someone changed this kiosk meanwhile; try again.")))


def check_kiosk(kiosk: SurveyKiosk) -> None:
    """A kiosk stands at a unit that serves the public and has a name."""
    if kiosk.unit is None or not kiosk.unit.serves_public:
        raise DomainError(N_("Choose a unit that serves the public."), field="unit")
    if not (kiosk.name or "").strip():
        raise DomainError(N_("Give the kiosk a name, e.g. where it stands."), field="name")


# --- submission ---------------------------------------------------------------------------------------

def submit_response(unit_code: str, payload: Mapping, client_address: str, *, kiosk_token: str | None = None,
                    now: dt.datetime | None = None) -> int:
    """Store one citizen's answers and return the new response's id; on any refusal store nothing.

    A registered kiosk of the unit (``kiosk_token``) may send without a form token: it accepts every
    citizen in a row. Any other submission carries the one-time ``form_token`` of the form it was
    filled in on, and a token is accepted once.

    One transaction: everything is validated first, then one INSERT (and its unit's monthly tally,
    app.services.survey_totals) is committed. The insert
    bypasses the ORM unit of work on purpose: anonymous submissions are not staff changes, and
    the audit log would otherwise keep the raw client address this use-case must not store.
    """
    now = now or utcnow()
    try:
        if not isinstance(payload, Mapping):
            raise DomainError(N_("The survey answers are missing."), field="answers")
        unit = service_unit(unit_code)
        kiosk = kiosk_for_token(kiosk_token) if kiosk_token else None
        if kiosk is not None and kiosk.unit_id != unit.id:
            raise DomainError(N_("This kiosk is registered for another service unit."), field="kiosk")
        period = current_period(unit, today())
        row = validated_response(unit, period, payload)
        token = payload.get("form_token")
        nonce = _form_nonce(token, unit) if kiosk is None or token else None
        row.update(client_hash=client_hash(client_address), submitted_at=now, excluded=False, form_nonce=nonce,
                   channel=KIOSK if kiosk else WEB, kiosk_id=kiosk.id if kiosk else None)
        try:
            # The row as a parameter, not .values(): the survey tally (app.services.survey_totals) counts it.
            response_id = db.session.execute(insert(SurveyResponse.__table__), row).inserted_primary_key[0]
        except IntegrityError:
            # The same form sent again (a double tap, the back button, a replay): the unique nonce lets one
            # through, without a look-up before each insert.
            raise DomainError(ALREADY_RECORDED, field="duplicate") from None
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return response_id


# ---------------------------------------------------------------------------------------------
# IKM: aggregation in SQL, rules in app.domain.ikm
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Tally:
    """Included responses of a group and, per element code, (sum of answers, respondents who answered)."""

    respondents: int
    totals: dict[str, tuple[int, int]]


def tally_columns():
    """Respondents, then per element the sum of the answers and how many answered (``tally_of`` reads them)."""
    columns = [func.count(SurveyResponse.id)]
    for column in ANSWER_COLUMNS:
        answer = getattr(SurveyResponse, column)
        columns += [func.coalesce(func.sum(answer), 0), func.count(answer)]
    return columns


def tally_of(row) -> Tally:
    """The tally of one aggregate row: the respondents, then per element its sum and how many answered."""
    totals = {element.code: (int(row[1 + 2 * index]), int(row[2 + 2 * index]))
              for index, element in enumerate(SURVEY_ELEMENTS)}
    return Tally(int(row[0]), totals)


def tallies(group_column, *conditions) -> dict[object, Tally]:
    """One aggregate query: per value of ``group_column``, the tally of included responses."""
    statement = (select(group_column, *tally_columns())
                 .where(SurveyResponse.excluded.is_(False), *conditions)
                 .group_by(group_column))
    return {row[0]: tally_of(row[1:]) for row in db.session.execute(statement)}


def tally(*conditions) -> Tally:
    """The tally of all included responses matching ``conditions`` (one aggregate query)."""
    row = db.session.execute(
        select(*tally_columns()).where(SurveyResponse.excluded.is_(False), *conditions)).one()
    return tally_of(row)


@dataclass(frozen=True)
class IkmFigures:
    """The IKM of a set of responses: None with ``problem`` when it cannot be computed yet."""

    respondents: int
    result: IkmResult | None
    problem: DomainError | None = None

    @classmethod
    def of(cls, counted: Tally, on: dt.date | None = None) -> "IkmFigures":
        """The figures of a tally, weighted by the IKM weight policy in force on ``on`` (a period's first
        day; default today)."""
        if counted.respondents == 0:
            return cls(0, None, DomainError(N_("No responses yet.")))
        try:
            weight = ikm_weight(in_force(IKM_WEIGHT.key, on or today()))
            return cls(counted.respondents, ikm_from_element_totals(counted.totals, weight=weight))
        except DomainError as error:
            return cls(counted.respondents, None, error)

    @property
    def value(self) -> Decimal | None:
        return self.result.value if self.result else None

    @property
    def grade(self):
        return self.result.grade if self.result else None

    def lowest_elements(self, count: int = LOWEST_ELEMENTS_SHOWN) -> list[ElementScore]:
        """The elements with the lowest values: what to improve first."""
        if self.result is None:
            return []
        return sorted(self.result.elements, key=lambda score: (score.value, score.element.code))[:count]

    def as_dict(self) -> dict:
        return {
            "respondents": self.respondents,
            "ikm": _number(self.result.ikm) if self.result else None,
            "value": _number(self.value),
            "grade": self.grade.letter if self.grade else None,
            "grade_label": self.grade.label if self.grade else None,
            "problem": str(self.problem) if self.problem else None,
            "elements": [_element_dict(score) for score in self.result.elements] if self.result else [],
        }


def _number(value: Decimal | None, places: int = 2):
    # Halves up, as the grade is decided (65.625 → 65.63).
    return None if value is None else float(round_half_up(value, places))


def _element_dict(score: ElementScore) -> dict:
    return {"code": score.element.code, "name": score.element.name, "respondents": score.respondents,
            "nrr": _number(score.nrr, 3), "value": _number(score.value), "grade": score.grade.letter,
            "grade_label": score.grade.label}


@dataclass(frozen=True)
class TrendPoint:
    period: SurveyPeriod
    figures: IkmFigures


@dataclass(frozen=True)
class OfficerFeedback:
    """What respondents who named an officer said on U7 (behaviour) and U6 (competence)."""

    employee_id: int
    name: str
    responses: int
    behaviour: tuple[int, int]  # (sum, answered) of U7 Perilaku Pelaksana
    competence: tuple[int, int]  # (sum, answered) of U6 Kompetensi Pelaksana

    @staticmethod
    def _average(sum_and_count: tuple[int, int]) -> Decimal | None:
        return element_nrr(*sum_and_count) if sum_and_count[1] else None

    @property
    def behaviour_average(self) -> Decimal | None:
        return self._average(self.behaviour)

    @property
    def competence_average(self) -> Decimal | None:
        return self._average(self.competence)

    def as_dict(self) -> dict:
        return {"employee_id": self.employee_id, "name": self.name, "responses": self.responses,
                "behaviour_u7_average": _number(self.behaviour_average, 3),
                "behaviour_u7_answered": self.behaviour[1],
                "competence_u6_average": _number(self.competence_average, 3),
                "competence_u6_answered": self.competence[1]}


def _officer_rows(*conditions) -> list[OfficerFeedback]:
    behaviour, competence = SurveyResponse.u7, SurveyResponse.u6
    statement = (
        select(Employee.id, Employee.name, func.count(SurveyResponse.id),
               func.coalesce(func.sum(behaviour), 0), func.count(behaviour),
               func.coalesce(func.sum(competence), 0), func.count(competence))
        .join(Employee, Employee.id == SurveyResponse.officer_id)
        .where(SurveyResponse.excluded.is_(False), *conditions)
        .group_by(Employee.id, Employee.name).order_by(Employee.name)
    )
    return [OfficerFeedback(row[0], row[1], row[2], (int(row[3]), row[4]), (int(row[5]), row[6]))
            for row in db.session.execute(statement)]


def officer_feedback(employee_id: int, start: dt.date, end: dt.date) -> OfficerFeedback:
    """Citizens' feedback on one officer from ``start`` to ``end`` (inclusive, by local submission date).

    Evidence for the evaluation (BerAKHLAK "Berorientasi Pelayanan"). The caller has fetched the
    employee through the user's scope; excluded responses are left out.
    """
    start_at, end_before = utc_at_local_midnight(start), utc_at_local_midnight(end + dt.timedelta(days=1))
    rows = _officer_rows(SurveyResponse.officer_id == employee_id, SurveyResponse.submitted_at >= start_at,
                         SurveyResponse.submitted_at < end_before)
    if rows:
        return rows[0]
    name = db.session.execute(select(Employee.name).where(Employee.id == employee_id)).scalar_one_or_none()
    return OfficerFeedback(employee_id, name or "", 0, (0, 0), (0, 0))


@dataclass(frozen=True)
class UnitIkmReport:
    """The IKM report of a unit for a period: the figures the page, the Excel file and the API show."""

    unit: Unit
    period: SurveyPeriod
    figures: IkmFigures
    ikm_weight: str  # the IKM weight policy in force on the period's first day (app.domain.policy)
    excluded: int
    minimum_sample: int
    trend: list[TrendPoint]
    suggestions: list[tuple[dt.datetime, str]]
    officers: list[OfficerFeedback]
    plans: list[ImprovementPlan] = field(default_factory=list)
    # Included responses per channel (web, kiosk, paper): how the answers came in.
    channels: dict[str, int] = field(default_factory=dict)

    @property
    def sample_sufficient(self) -> bool:
        return is_sample_sufficient(self.figures.respondents, self.period.population)

    @property
    def ikm_weight_label(self) -> str:
        """The policy the figures use, named in the user's language."""
        return policy_value_label(IKM_WEIGHT.key, self.ikm_weight)

    def as_dict(self) -> dict:
        return {
            "unit": {"id": self.unit.id, "code": self.unit.code, "name": self.unit.name,
                     "agency": self.unit.agency.name},
            "period": _period_dict(self.period),
            **self.figures.as_dict(),
            "excluded": self.excluded,
            "minimum_sample": self.minimum_sample,
            "sample_sufficient": self.sample_sufficient,
            "lowest_elements": [score.element.code for score in self.figures.lowest_elements()],
            "trend": [{"period": _period_dict(point.period), "respondents": point.figures.respondents,
                       "value": _number(point.figures.value),
                       "grade": point.figures.grade.letter if point.figures.grade else None}
                      for point in self.trend],
            "suggestions": [{"submitted_at": at.isoformat(), "text": text} for at, text in self.suggestions],
            "officers": [officer.as_dict() for officer in self.officers],
            "improvement_plans": [_plan_dict(plan) for plan in self.plans],
            "channels": self.channels,
            "policy": {"ikm_weight": self.ikm_weight},
        }


def _period_dict(period: SurveyPeriod) -> dict:
    return {"id": period.id, "name": period.name, "kind": period.kind, "start": period.start_date.isoformat(),
            "end": period.end_date.isoformat(), "population": period.population, "open": period.is_open}


def _plan_dict(plan: ImprovementPlan) -> dict:
    return {"element": plan.element.code, "action": plan.action, "status": plan.status,
            "target_date": plan.target_date.isoformat() if plan.target_date else None}


def _report(unit: Unit, period: SurveyPeriod) -> UnitIkmReport:
    previous = list(db.session.scalars(
        select(SurveyPeriod).where(SurveyPeriod.unit_id == unit.id, SurveyPeriod.start_date <= period.start_date)
        .order_by(SurveyPeriod.start_date.desc()).limit(TREND_PERIODS + 1)))[::-1]
    counted = tallies(SurveyResponse.period_id, SurveyResponse.period_id.in_([p.id for p in previous]))
    empty = Tally(0, {})
    in_period = SurveyResponse.period_id == period.id
    excluded = db.session.execute(
        select(func.count(SurveyResponse.id)).where(in_period, SurveyResponse.excluded.is_(True))).scalar_one()
    suggestions = list(db.session.execute(
        select(SurveyResponse.submitted_at, SurveyResponse.suggestion)
        .where(in_period, SurveyResponse.excluded.is_(False), SurveyResponse.suggestion.is_not(None))
        .order_by(SurveyResponse.submitted_at.desc()).limit(SUGGESTIONS_SHOWN)))
    plans = list(db.session.scalars(
        select(ImprovementPlan).where(ImprovementPlan.unit_id == unit.id)
        .order_by(ImprovementPlan.target_date.desc(), ImprovementPlan.id.desc())))
    by_channel = dict(db.session.execute(
        select(SurveyResponse.channel, func.count(SurveyResponse.id))
        .where(in_period, SurveyResponse.excluded.is_(False)).group_by(SurveyResponse.channel)).all())
    return UnitIkmReport(
        unit=unit, period=period, figures=IkmFigures.of(counted.get(period.id, empty), period.start_date),
        ikm_weight=in_force(IKM_WEIGHT.key, period.start_date), excluded=excluded,
        minimum_sample=minimum_sample(period.population),
        trend=[TrendPoint(p, IkmFigures.of(counted.get(p.id, empty), p.start_date)) for p in previous],
        suggestions=suggestions, officers=_officer_rows(in_period), plans=plans,
        channels={channel: by_channel.get(channel, 0) for channel, _label in CHANNELS},
    )


def unit_ikm_report(unit_id: int, period_id: int) -> UnitIkmReport | None:
    """The IKM report of a unit and period in the user's scope; None when either is out of scope."""
    period = db.session.execute(
        scoped_select(SurveyPeriod).where(SurveyPeriod.id == period_id, SurveyPeriod.unit_id == unit_id)
    ).scalar_one_or_none()
    return _report(period.unit, period) if period is not None else None


@dataclass(frozen=True)
class AgencyUnitRow:
    unit: Unit
    period: SurveyPeriod
    figures: IkmFigures

    @property
    def sample_sufficient(self) -> bool:
        return is_sample_sufficient(self.figures.respondents, self.period.population)


@dataclass(frozen=True)
class AgencyIkmReport:
    """The IKM of an agency's service units over the periods from ``start`` to ``end``.

    (policy) The agency's own IKM pools every included response of its units, so each
    respondent weighs the same, as in a survey run by the agency as a whole.
    """

    agency: Agency
    start: dt.date
    end: dt.date
    figures: IkmFigures
    units: list[AgencyUnitRow]
    ikm_weight: str  # the IKM weight policy of the pooled figures: the one in force on ``start``

    @property
    def ikm_weight_label(self) -> str:
        return policy_value_label(IKM_WEIGHT.key, self.ikm_weight)

    def as_dict(self) -> dict:
        return {"agency": {"id": self.agency.id, "code": self.agency.code, "name": self.agency.name},
                "start": self.start.isoformat(), "end": self.end.isoformat(), **self.figures.as_dict(),
                "policy": {"ikm_weight": self.ikm_weight},
                "units": [{"unit": row.unit.name, "period": _period_dict(row.period),
                           "sample_sufficient": row.sample_sufficient, **row.figures.as_dict()}
                          for row in self.units]}


def agency_periods(agency_id: int) -> list[tuple[dt.date, dt.date]]:
    """The distinct (start, end) of the survey periods of an agency in scope, latest first."""
    return list(db.session.execute(
        scoped_select(SurveyPeriod, SurveyPeriod.start_date, SurveyPeriod.end_date)
        .where(SurveyPeriod.agency_id == agency_id).distinct()
        .order_by(SurveyPeriod.start_date.desc(), SurveyPeriod.end_date)))


def agency_ikm_report(agency_id: int, start: dt.date, end: dt.date) -> AgencyIkmReport | None:
    """The agency's IKM over its units' periods lying within ``start``–``end``; None when out of scope."""
    agency = db.session.execute(scoped_select(Agency).where(Agency.id == agency_id)).scalar_one_or_none()
    if agency is None:
        return None
    periods = list(db.session.scalars(
        scoped_select(SurveyPeriod).where(SurveyPeriod.agency_id == agency.id, SurveyPeriod.start_date >= start,
                                          SurveyPeriod.end_date <= end)))
    in_periods = SurveyResponse.period_id.in_([period.id for period in periods])
    per_period = tallies(SurveyResponse.period_id, in_periods)
    rows = [AgencyUnitRow(period.unit, period, IkmFigures.of(per_period.get(period.id, Tally(0, {})),
                                                             period.start_date))
            for period in sorted(periods, key=lambda p: (p.unit.name, p.start_date))]
    return AgencyIkmReport(agency, start, end, IkmFigures.of(tally(in_periods), start), rows,
                           in_force(IKM_WEIGHT.key, start))


@dataclass(frozen=True)
class PublicSummary:
    unit: Unit
    latest: TrendPoint | None
    trend: list[TrendPoint]
    plans: list[ImprovementPlan]


def public_summary(unit_code: str) -> PublicSummary:
    """What a unit publishes (transparency): its latest IKM with grade, the trend, its follow-up plans.

    Public by design, so read without a user scope; only aggregate figures leave the database.
    """
    unit = service_unit(unit_code)
    latest_period = db.session.execute(
        select(SurveyPeriod).join(SurveyResponse, SurveyResponse.period_id == SurveyPeriod.id)
        .where(SurveyPeriod.unit_id == unit.id, SurveyPeriod.start_date <= today())
        .order_by(SurveyPeriod.start_date.desc()).limit(1)).scalar_one_or_none()
    if latest_period is None:
        plans = list(db.session.scalars(select(ImprovementPlan).where(ImprovementPlan.unit_id == unit.id)))
        return PublicSummary(unit, None, [], plans)
    report = _report(unit, latest_period)
    return PublicSummary(unit, report.trend[-1], report.trend, report.plans)


# ---------------------------------------------------------------------------------------------
# Exclusion of suspicious responses (HR Admin, audited by the session's audit listener)
# ---------------------------------------------------------------------------------------------

def set_responses_excluded(response_ids: Iterable[int], excluded: bool, reason: str | None,
                           username: str | None) -> int:
    """Exclude responses from (or include them back into) the IKM; they are never deleted.

    Only Admin and HR Admin may; excluding needs a reason. One transaction; returns the
    number of responses changed.
    """
    if not current_scope().global_access:
        raise DomainError(N_("Only HR administrators may exclude or include survey responses."),
                          field="excluded")
    reason = (reason or "").strip()
    if excluded and not reason:
        raise DomainError(N_("Say why these responses are excluded."), field="reason")
    if len(reason) > EXCLUSION_REASON_MAX_LENGTH:
        raise DomainError(N_("The reason may be at most %(maximum)s characters long."), field="reason",
                          maximum=EXCLUSION_REASON_MAX_LENGTH)
    ids = [int(value) for value in response_ids]
    try:
        responses = list(db.session.scalars(scoped_select(SurveyResponse).where(SurveyResponse.id.in_(ids))))
        changed = 0
        for response in responses:
            if response.excluded == excluded:
                continue
            response.excluded = excluded
            response.excluded_reason = reason if excluded else None
            response.excluded_by = username if excluded else None
            response.excluded_at = utcnow() if excluded else None
            changed += 1
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return changed


# ---------------------------------------------------------------------------------------------
# Period rules (staff forms and API)
# ---------------------------------------------------------------------------------------------

def check_period(period: SurveyPeriod) -> None:
    """A survey period belongs to a public-facing unit, has ordered dates and overlaps no other."""
    if period.unit is None:
        raise DomainError(N_("Choose the service unit."), field="unit")
    if not period.unit.serves_public:
        raise DomainError(N_("%(unit)s does not serve the public; mark it as a service unit first."),
                          field="unit", unit=period.unit.name)
    if period.start_date is None or period.end_date is None or period.end_date < period.start_date:
        raise DomainError(N_("The period must end on or after its start."), field="end_date")
    if period.population is None or period.population < 0:
        raise DomainError(N_("The population must be zero or more."), field="population")
    overlapping = db.session.execute(
        select(SurveyPeriod.id).where(
            SurveyPeriod.unit_id == period.unit.id, SurveyPeriod.id != (period.id or 0),
            SurveyPeriod.start_date <= period.end_date, SurveyPeriod.end_date >= period.start_date).limit(1)
    ).first()
    if overlapping:
        raise DomainError(N_("This unit already has a survey period overlapping these dates."),
                          field="start_date")


def check_period_deletable(period: SurveyPeriod) -> None:
    has_responses = db.session.execute(
        select(SurveyResponse.id).where(SurveyResponse.period_id == period.id).limit(1)).first()
    if has_responses:
        raise DomainError(N_("This period has responses; close it instead of deleting it."))


def check_plan(plan: ImprovementPlan) -> None:
    if plan.unit is None or not plan.unit.serves_public:
        raise DomainError(N_("Choose a unit that serves the public."), field="unit")
    if plan.period is not None and plan.period.unit is not plan.unit:
        raise DomainError(N_("The period must be a survey period of the same unit."), field="period")
    if not (plan.action or "").strip():
        raise DomainError(N_("Describe the action."), field="action")
