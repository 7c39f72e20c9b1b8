"""Performance evaluation use-cases (PermenPANRB 6/2022; RULES §4–§7; issue 5).

Each public function is one transaction (DomainError with an English N_ message on refusal, nothing
written). Rows passed in were fetched through the user's scope by the caller.

Who may do what:
* only the plan's evaluator creates, fills in (realisation, feedback, ratings) and submits an evaluation;
* only the evaluated employee acknowledges it, optionally with a written objection;
* an objection names who decides it: the evaluator's superior (atasan pejabat penilai), who confirms or
  changes the result with a written reason (``decide_objection``; Format D.1.3), after which the result is
  final: no second objection, no correction of it;
* the evaluator finalises an acknowledged evaluation (once its objection is decided); a final evaluation
  never changes, a correction is a new version (previous_id) — the old one stays final;
* the predikat is always ``employee_predikat`` of the two ratings, never typed;
* an agency's annual period is finalised (``finalise_agency_period``) only while its curve holds, unless
  HR Admin recorded a ``CurveOverride`` with a reason.

(policy) The head of a unit — an employee whose position has subordinate positions — gets the unit's
achievement as the suggested work-result rating: for the head of an agency the mean yearly achievement of
the agency's indicators (IKU) for the period; for other heads the mean achievement of the same window's
evaluations of their direct subordinates; their own indicators' mean when neither exists yet.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import exists, func, select
from sqlalchemy.orm import aliased

from app.domain.achievement import Direction, achievement, numeric_score
from app.domain.credit import YEARLY_COEFFICIENT, angka_kredit
from app.domain.distribution import (BoundKind, DistributionVerdict, OrganizationPredikat, check_distribution,
                                     predikat_shares, would_break)
from app.domain.evaluation_windows import check_window
from app.domain.messages import N_, DomainError
from app.domain.policy import CURVE_ROUNDING, RATING_ABOVE_FROM, RATING_MEETS_FROM, curve_rounding
from app.domain.predikat import Predikat, Rating, employee_predikat, suggest_work_result_rating
from app.extensions import db
from app.models import Agency, CoreValue, Employee, Position
from app.models.audit import utcnow
from app.models.evaluation import (EVALUATION_KINDS, OBJECTION_OUTCOMES, CurveOverride, Evaluation,
                                   EvaluationRealisation, Feedback)
from app.models.planning import OrganizationIndicator, OrganizationRating, Period, WorkPlan, WorkResult
from app.models.policy import policy_value_label
from app.parsing import parse_decimal, parse_iso_date, parse_whole_number
from app.security import acts
from app.security.guards import ensure_not_self
from app.security.scope import scoped_select
from app.services.activity import approved_volume, today
from app.services.cycle_calendar import ensure_objection_allowed
from app.services.dialogue import notify_employee
from app.services.planning import is_head_of_agency, superior_of
from app.services.policy import in_force
from app.services.transaction import ConcurrentChange, acting_user, run_in_transaction
from app.services.versioning import ensure_opened_version, opened_version

KINDS = tuple(code for code, _label in EVALUATION_KINDS)
OUTCOMES = tuple(code for code, _label in OBJECTION_OUTCOMES)
QUANTITY_ASPECT = "KUANTITAS"
# Notification kinds (app.notifications puts them into words); the subject is the evaluation.
OBJECTION_FILED = "objection_filed"        # to the superior who decides it
OBJECTION_DECIDED = "objection_decided"    # to the employee and the evaluator


def _commit(work):
    return run_in_transaction(work, ConcurrentChange(N_(
        "Someone else changed this evaluation at the same time; reload it and check its status.")))


def _ensure_evaluator(evaluation_or_plan) -> None:
    ensure_not_self(evaluation_or_plan.employee_id, N_("You cannot evaluate yourself."))
    if not acts.evaluates_now(evaluation_or_plan):
        raise DomainError(N_("Only the evaluator of this SKP may evaluate it."))


def _ensure_changeable(evaluation: Evaluation) -> None:
    _ensure_evaluator(evaluation)
    if evaluation.status == "final":
        raise DomainError(N_("This evaluation is final and never changes; create a correction instead."))
    if evaluation.status != "draft":
        raise DomainError(N_("This evaluation has been submitted; it can no longer be changed."))


def parse_rating(value, field: str) -> int | None:
    """A rating code 1–3 (Di Atas, Sesuai, Di Bawah Ekspektasi); anything else is refused."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)) or str(value).strip() not in ("1", "2", "3"):
        raise DomainError(N_("A rating must be 1 (Di Atas), 2 (Sesuai) or 3 (Di Bawah Ekspektasi)."), field=field)
    return int(value)


# --- creating ---------------------------------------------------------------------------------

def create_evaluation(plan: WorkPlan, kind: str, window_start: dt.date, window_end: dt.date) -> Evaluation:
    """A draft evaluation of an approved SKP, with each indicator's realisation prefilled (quantity
    indicators from approved daily activities in the window)."""
    def work():
        _ensure_evaluator(plan)
        if plan.status != "approved":
            raise DomainError(N_("Only an approved SKP is evaluated."))
        if kind not in KINDS:
            raise DomainError(N_("The kind of evaluation must be monthly, quarterly or annual."), field="kind")
        check_window(kind, window_start, window_end)
        if window_start < plan.period.start_date or window_end > plan.period.end_date:
            raise DomainError(N_("The window must lie inside the period of the SKP."), field="window_start")
        if db.session.scalar(select(Evaluation.id).where(
                Evaluation.work_plan_id == plan.id, Evaluation.kind == kind,
                Evaluation.window_start == window_start)) is not None:
            raise DomainError(N_("This SKP already has an evaluation for this window."), field="window_start")
        return new_draft(plan, kind, window_start, window_end)
    return _commit(work)


def new_draft(plan: WorkPlan, kind: str, window_start: dt.date, window_end: dt.date,
              volumes: dict | None = None) -> Evaluation:
    """The draft of a checked window with its realisations prefilled, in the caller's transaction (written at
    its next flush). Besides ``create_evaluation``, the hand-off of an overdue window (app.services.cycle)
    opens one for the system, many in one flush; it passes ``volumes`` (``approved_volume`` of the window for
    the quantity indicators of many SKPs, read once for all of them), read here otherwise."""
    evaluation = Evaluation(work_plan=plan, period_id=plan.period_id, kind=kind, window_start=window_start,
                            window_end=window_end, status="draft", version=1)
    _copy_scope(evaluation, plan)
    db.session.add(evaluation)
    _prefill(evaluation, plan, volumes)
    return evaluation


def _copy_scope(row, source) -> None:
    row.agency_id, row.employee_id, row.evaluator_id = source.agency_id, source.employee_id, source.evaluator_id


def quantity_indicator_ids(plan: WorkPlan) -> list[int]:
    """The plan's indicators whose realisation is prefilled from the approved activities' volume."""
    return [indicator.id for result in plan.results for indicator in result.indicators
            if indicator.aspect == QUANTITY_ASPECT]


def _prefill(evaluation: Evaluation, plan: WorkPlan, volumes: dict | None = None) -> None:
    indicators = [indicator for result in plan.results for indicator in result.indicators]
    if volumes is None:
        volumes = approved_volume(quantity_indicator_ids(plan), evaluation.window_start, evaluation.window_end)
    for indicator in indicators:
        prefilled = volumes.get(indicator.id)
        realisation = EvaluationRealisation(evaluation=evaluation, result_indicator=indicator,
                                            prefilled_value=prefilled, value=prefilled)
        _copy_scope(realisation, evaluation)
        db.session.add(realisation)


# --- filling in -------------------------------------------------------------------------------

def realisation_achievement(realisation: EvaluationRealisation) -> Decimal | None:
    """Capaian of one realisation against its IKI target (RULES §4); None without a numeric target."""
    indicator = realisation.result_indicator
    if realisation.value is None or indicator is None or indicator.target_value is None:
        return None
    target_range = (indicator.target_value, indicator.target_high) if indicator.target_high is not None else None
    try:
        return achievement(realisation.value, indicator.target_value, Direction[indicator.direction],
                           target_range=target_range)
    except DomainError:
        return None


def realisation_numeric_score(realisation: EvaluationRealisation) -> Decimal | None:
    """Nilai capaian of the older scheme (PermenPANRB 8/2021), for agencies that still report it."""
    value = realisation_achievement(realisation)
    return None if value is None else numeric_score(value)


def months_in_window(evaluation: Evaluation) -> int:
    start, end = evaluation.window_start, evaluation.window_end
    return max(1, min(12, (end.year - start.year) * 12 + end.month - start.month + 1))


def credit_points(evaluation: Evaluation) -> Decimal | None:
    """Angka kredit (RULES §7) of an annual evaluation of functional staff, pro-rated by the window's months;
    None for other positions, other kinds or while there is no predikat. The level is the SKP's position."""
    position = evaluation.work_plan.position if evaluation.work_plan else None
    level = position.kind.code if position is not None and position.kind is not None else None
    if evaluation.kind != "ANNUAL" or evaluation.predikat is None or level not in YEARLY_COEFFICIENT:
        return None
    return angka_kredit(level, Predikat(evaluation.predikat), months_in_window(evaluation))


def history(employee_id: int) -> list[Evaluation]:
    """The employee's evaluations across periods (newest version of each window), oldest first, as the user
    may see them: the predikat trend."""
    newer = aliased(Evaluation)
    return list(db.session.scalars(
        scoped_select(Evaluation).where(Evaluation.employee_id == employee_id,
                                        ~exists().where(newer.previous_id == Evaluation.id))
        .order_by(Evaluation.window_start, Evaluation.kind)))


def average_achievement(evaluation: Evaluation) -> Decimal | None:
    values = [a for a in map(realisation_achievement, evaluation.realisations) if a is not None]
    return sum(values) / len(values) if values else None


def heads_unit(position_id: int | None) -> bool:
    return position_id is not None and db.session.scalar(
        select(exists().where(Position.parent_id == position_id))) is True


def unit_achievement(evaluation: Evaluation) -> Decimal | None:
    """The unit's achievement for a unit head (see the module docstring for the policy)."""
    position = evaluation.employee.position if evaluation.employee else None
    if position is None:
        return None
    if is_head_of_agency(position):
        indicators = db.session.scalars(select(OrganizationIndicator).where(
            OrganizationIndicator.agency_id == evaluation.agency_id,
            OrganizationIndicator.period_id == evaluation.period_id))
        values = [v for v in (i.year_achievement for i in indicators) if v is not None]
        if values:
            return sum(values) / len(values)
    subordinate = aliased(Employee)
    peers = db.session.scalars(
        select(Evaluation).join(subordinate, Evaluation.employee_id == subordinate.id)
        .join(Position, subordinate.position_id == Position.id)
        .where(Position.parent_id == position.id, Evaluation.period_id == evaluation.period_id,
               Evaluation.kind == evaluation.kind, Evaluation.window_start == evaluation.window_start))
    values = [v for v in map(average_achievement, peers) if v is not None]
    return sum(values) / len(values) if values else None


@dataclass(frozen=True)
class Suggestion:
    rating: Rating | None
    achievement: Decimal | None
    from_unit: bool


def suggested_rating(evaluation: Evaluation) -> Suggestion:
    """The proposed work-result rating — a suggestion only; the evaluator decides."""
    from_unit = heads_unit(evaluation.employee.position_id if evaluation.employee else None)
    value = (unit_achievement(evaluation) if from_unit else None)
    if value is None:
        from_unit, value = False, average_achievement(evaluation)
    if value is None:
        return Suggestion(None, None, from_unit)
    # (policy) RULES §5 leaves the thresholds to the organisation: those in force for the period.
    start = evaluation.period.start_date
    rating = suggest_work_result_rating(value, above_from=in_force(RATING_ABOVE_FROM.key, start),
                                        meets_from=in_force(RATING_MEETS_FROM.key, start))
    return Suggestion(rating, value, from_unit)


def set_realisation(evaluation: Evaluation, realisation: EvaluationRealisation, value, reason: str | None,
                    evidence_link: str | None) -> EvaluationRealisation:
    """Change a realisation; a value that differs from the prefilled one needs a reason, which is kept."""
    def work():
        _ensure_changeable(evaluation)
        if realisation.evaluation_id != evaluation.id:
            raise DomainError(N_("This realisation belongs to another evaluation."))
        new_value = _number(value)
        if (realisation.prefilled_value is not None and new_value != realisation.prefilled_value
                and not (reason or "").strip()):
            raise DomainError(N_("Say why the realisation differs from the approved activities."), field="reason")
        realisation.value = new_value
        if (reason or "").strip():
            realisation.change_reason = reason.strip()
        if evidence_link is not None:
            realisation.evidence_link = evidence_link.strip() or None
        return realisation
    return _commit(work)


def _number(value) -> Decimal | None:
    """A realisation as typed on the page (12,5 or 12.5) or sent as a JSON number."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        number = parse_decimal(value)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        number = Decimal(str(value))
    else:
        number = None
    if number is None:
        raise DomainError(N_("The realisation must be a number."), field="value")
    if not number.is_finite() or number < 0:
        raise DomainError(N_("The realisation must be a number of zero or more."), field="value")
    return number


def add_feedback(evaluation: Evaluation, target_kind: str, target_id: int, text: str) -> Feedback:
    """Feedback on one RHK of the plan or one BerAKHLAK value; the employee sees it as written."""
    def work():
        _ensure_evaluator(evaluation)
        if evaluation.status == "final":
            raise DomainError(N_("This evaluation is final and never changes; create a correction instead."))
        if not (text or "").strip():
            raise DomainError(N_("Write the feedback."), field="text")
        # Attached to the evaluation only once valid: a refused feedback must not linger in its collection.
        feedback = Feedback(target_kind=target_kind, text=text.strip(), author=acting_user())
        if target_kind == "RESULT":
            result = db.session.get(WorkResult, target_id)
            if result is None or result.work_plan_id != evaluation.work_plan_id:
                raise DomainError(N_("Choose a result (RHK) of this SKP."), field="target_id")
            feedback.work_result = result
        elif target_kind == "CORE_VALUE":
            value = db.session.get(CoreValue, target_id)
            if value is None:
                raise DomainError(N_("Choose a BerAKHLAK core value."), field="target_id")
            feedback.core_value = value
        else:
            raise DomainError(N_("Feedback is given on a result (RHK) or a core value."), field="target_kind")
        feedback.evaluation = evaluation
        _copy_scope(feedback, evaluation)
        db.session.add(feedback)
        return feedback
    return _commit(work)


def rate(evaluation: Evaluation, work_result_rating, behaviour_rating, sent_predikat=None) -> list[str]:
    """Set the two ratings; the predikat follows the matrix. Returns warnings (English N_ texts with
    parameters, as DomainError) for bounds of the curve this predikat would break — the save still happens."""
    work_code = parse_rating(work_result_rating, "work_result_rating")
    behaviour_code = parse_rating(behaviour_rating, "behaviour_rating")
    predikat = employee_predikat(work_code, behaviour_code) if work_code and behaviour_code else None
    if sent_predikat is not None and (predikat is None or str(sent_predikat) != str(int(predikat))):
        raise DomainError(N_("The predikat follows from the two ratings (the matrix); it is never typed."),
                          field="predikat")

    def work():
        _ensure_changeable(evaluation)
        warnings = curve_warnings(evaluation, predikat) if predikat is not None else []
        evaluation.work_result_rating, evaluation.behaviour_rating = work_code, behaviour_code
        evaluation.predikat = int(predikat) if predikat is not None else None
        return warnings
    return _commit(work)


# --- the distribution curve -------------------------------------------------------------------

def current_annual(agency_id: int, period_id: int):
    """The annual evaluations that count: the newest version of each (corrections replace what they correct)."""
    newer = aliased(Evaluation)
    return (select(Evaluation).where(
        Evaluation.agency_id == agency_id, Evaluation.period_id == period_id, Evaluation.kind == "ANNUAL",
        ~exists().where(newer.previous_id == Evaluation.id)))


def predikat_counts(agency_id: int, period_id: int, leave_out: int | None = None) -> Counter:
    """How many current annual evaluations hold each predikat, counted by the database (an agency has
    thousands: loading them as objects cost seconds and hundreds of MB per worker)."""
    counted = (current_annual(agency_id, period_id).with_only_columns(Evaluation.predikat, func.count())
               .where(Evaluation.predikat.is_not(None)).group_by(Evaluation.predikat))
    if leave_out is not None:
        counted = counted.where(Evaluation.id != leave_out)
    counts: Counter = Counter({predikat: 0 for predikat in Predikat})
    for code, number in db.session.execute(counted):
        counts[Predikat(code)] += number
    return counts


def organization_predikat(agency_id: int, period_id: int) -> OrganizationPredikat | None:
    code = db.session.scalar(select(OrganizationRating.predikat).where(
        OrganizationRating.agency_id == agency_id, OrganizationRating.period_id == period_id))
    return OrganizationPredikat(code) if code else None


def describe_break(result) -> DomainError:
    """The warning for one broken bound: its rule and by how many people."""
    if result.bound.kind is BoundKind.MAX:
        return DomainError(N_("%(bound)s: %(people)d employee(s) too many."), bound=result.bound.description,
                           people=result.gap)
    return DomainError(N_("%(bound)s: %(people)d employee(s) missing."), bound=result.bound.description,
                       people=result.gap)


def curve_warnings(evaluation: Evaluation, predikat: Predikat) -> list[DomainError]:
    if evaluation.kind != "ANNUAL":
        return []
    organization = organization_predikat(evaluation.agency_id, evaluation.period_id)
    if organization is None:
        return []
    counts = predikat_counts(evaluation.agency_id, evaluation.period_id)
    change_from = Predikat(evaluation.predikat) if evaluation.predikat is not None else None
    return [describe_break(result) for result in would_break(organization, counts, change_from, predikat,
                                                             rounding=_curve_rounding(evaluation.period))]


@dataclass(frozen=True)
class Distribution:
    agency: Agency
    period: Period
    organization_predikat: OrganizationPredikat | None
    counts: dict
    shares: dict
    verdict: DistributionVerdict | None
    override: CurveOverride | None
    rounding: str  # the curve rounding policy in force for the period (app.domain.policy)

    @property
    def broken(self) -> bool:
        return self.verdict is not None and not self.verdict.ok

    @property
    def rounding_label(self) -> str:
        return policy_value_label(CURVE_ROUNDING.key, self.rounding)


def _curve_rounding(period: Period):
    """(policy) How the curve's shares become numbers of people in the period (app.services.policy)."""
    return curve_rounding(in_force(CURVE_ROUNDING.key, period.start_date))


def distribution(agency: Agency, period: Period) -> Distribution:
    counts = predikat_counts(agency.id, period.id)
    organization = organization_predikat(agency.id, period.id)
    rounding = in_force(CURVE_ROUNDING.key, period.start_date)
    return Distribution(agency, period, organization, dict(counts), predikat_shares(counts),
                        check_distribution(organization, counts, rounding=curve_rounding(rounding))
                        if organization else None,
                        _override(agency.id, period.id), rounding)


def _override(agency_id: int, period_id: int) -> CurveOverride | None:
    return db.session.scalar(select(CurveOverride).where(CurveOverride.agency_id == agency_id,
                                                         CurveOverride.period_id == period_id))


def _ensure_curve_allows_final(agency_id: int, period_id: int) -> None:
    organization = organization_predikat(agency_id, period_id)
    if organization is None or _override(agency_id, period_id) is not None:
        return
    verdict = check_distribution(organization, predikat_counts(agency_id, period_id),
                                 rounding=_curve_rounding(db.session.get(Period, period_id)))
    if not verdict.ok:
        broken = verdict.broken_bounds[0]
        raise DomainError(N_("The distribution curve is broken (%(bound)s: %(people)d employee(s) off); HR Admin "
                             "must record an override with a reason before the period is finalised."),
                          bound=broken.bound.description, people=broken.gap)


def record_override(agency: Agency, period: Period, reason: str) -> CurveOverride:
    """HR Admin allows finalising a broken curve; the reason is kept and audited."""
    def work():
        if not acts.is_hr_administrator():
            raise DomainError(N_("Only HR Admin may override the distribution curve."))
        if not (reason or "").strip():
            raise DomainError(N_("Give the reason for the override."), field="reason")
        if _override(agency.id, period.id) is not None:
            raise DomainError(N_("An override is already recorded for this agency and period."))
        override = CurveOverride(agency=agency, period=period, reason=reason.strip(), recorded_by=acting_user())
        db.session.add(override)
        return override
    return _commit(work)


def finalise_agency_period(agency: Agency, period: Period) -> int:
    """Set every current annual evaluation of the agency and period final; refused while the curve is
    broken without an override, or while an evaluation has no predikat. Returns how many became final."""
    def work():
        if not acts.is_hr_administrator():
            raise DomainError(N_("Only HR Admin finalises an agency's annual period."))
        evaluations = list(db.session.scalars(current_annual(agency.id, period.id)))
        unrated = [e for e in evaluations if e.predikat is None]
        if unrated:
            raise DomainError(N_("%(employee)s has no predikat yet."), employee=unrated[0].employee.name)
        objected = [e for e in evaluations if e.objection_pending]
        if objected:
            raise DomainError(N_("The objection of %(employee)s waits for the decision of the evaluator's superior."),
                              employee=objected[0].employee.name)
        _ensure_curve_allows_final(agency.id, period.id)
        changed = 0
        for evaluation in evaluations:
            if evaluation.status != "final":
                evaluation.status, evaluation.finalised_at = "final", utcnow()
                changed += 1
        return changed
    return _commit(work)


# (policy) HR Admin's follow-up lists: Sangat Baik are award candidates; Butuh Perbaikan and below need a
# development or coaching plan.
FOLLOW_UP_GROUPS = {
    "award_candidates": (Predikat.VERY_GOOD,),
    "needs_development": (Predikat.NEEDS_IMPROVEMENT, Predikat.POOR, Predikat.VERY_POOR),
}


def follow_up_list(agency_id: int, period_id: int, group: str) -> list[Evaluation]:
    """The current annual evaluations of an agency and period whose predikat is in ``group``, as the user
    may see them (HR Admin: all), by predikat then name."""
    codes = [int(predikat) for predikat in FOLLOW_UP_GROUPS[group]]
    visible = scoped_select(Evaluation).where(Evaluation.id.in_(
        current_annual(agency_id, period_id).with_only_columns(Evaluation.id)))
    rows = db.session.scalars(visible.where(Evaluation.predikat.in_(codes)))
    return sorted(rows, key=lambda e: (e.predikat, e.employee.name))


# --- the workflow -----------------------------------------------------------------------------

def available_transitions(evaluation: Evaluation) -> list[str]:
    steps = []
    evaluator = acts.evaluates_now(evaluation) and not acts.is_own(evaluation.employee_id)
    if evaluator and evaluation.status == "draft":
        steps.append("submit")
    if acts.is_own(evaluation.employee_id) and evaluation.status == "submitted":
        steps.append("acknowledge")
    if evaluator and evaluation.status == "acknowledged" and not evaluation.objection_pending:
        steps.append("finalise")
    if evaluation.objection_pending and acts.may_decide_objection(evaluation):
        steps.append("decide_objection")
    if evaluator and evaluation.status == "final" and _newest(evaluation):
        steps.append("correct")
    return steps


def _newest(evaluation: Evaluation) -> bool:
    return db.session.scalar(select(Evaluation.id).where(Evaluation.previous_id == evaluation.id)) is None


def submit(evaluation: Evaluation) -> Evaluation:
    def work():
        _ensure_changeable(evaluation)
        if evaluation.predikat is None:
            raise DomainError(N_("Give the work-result rating and the behaviour rating before submitting."))
        evaluation.status, evaluation.submitted_at = "submitted", utcnow()
        return evaluation
    return _commit(work)


def acknowledge(evaluation: Evaluation, objection: str | None = None) -> Evaluation:
    def work():
        if not acts.is_own(evaluation.employee_id):
            raise DomainError(N_("Only the evaluated employee acknowledges the evaluation."))
        if evaluation.status != "submitted":
            raise DomainError(N_("This evaluation is %(status)s, not submitted."), status=evaluation.status)
        written = (objection or "").strip()
        if written:
            ensure_objection_allowed(evaluation, today())
            evaluation.objection_decider_id = _objection_decider_id(evaluation)
        evaluation.status, evaluation.acknowledged_at = "acknowledged", utcnow()
        evaluation.objection = written or None
        if written and evaluation.objection_decider_id is not None:
            notify_employee(evaluation.objection_decider_id, OBJECTION_FILED, evaluation.id)
        return evaluation
    return _commit(work)


def _objection_decider_id(evaluation: Evaluation) -> int | None:
    """The evaluator's superior, who decides the objection (Format D.1.3); None when the evaluator has none in
    the system (or it would be the employee), HR then records the decision (app.security.acts)."""
    superior = superior_of(evaluation.evaluator)
    if superior is None or superior.id in (evaluation.employee_id, evaluation.evaluator_id):
        return None
    return superior.id


def decide_objection(evaluation: Evaluation, outcome: str, reason: str, work_result_rating=None,
                     behaviour_rating=None, *, opened_version: int | None) -> tuple[Evaluation, list]:
    """The superior decides the employee's objection (PermenPANRB 6/2022 Format D.1.3; RULES §13): ``confirmed``
    (the result stands) or ``changed`` to the two ratings given (the predikat follows the matrix, the ratings
    before are kept), with the written reason. The result is then final. Notifies the employee and the
    evaluator; returns the evaluation and the curve warnings a changed predikat raises (as ``rate``)."""
    def work():
        if not acts.may_decide_objection(evaluation):
            raise DomainError(N_("Only the evaluator's superior decides the objection to this evaluation."))
        ensure_opened_version(evaluation, opened_version)
        if not evaluation.objection:
            raise DomainError(N_("The employee filed no objection to this evaluation."))
        if evaluation.objection_outcome is not None:
            raise DomainError(N_("The objection has been decided already; that decision is final."))
        if outcome not in OUTCOMES:
            raise DomainError(N_("Confirm the result or change it."), field="outcome")
        if not (reason or "").strip():
            raise DomainError(N_("Write the reason for the decision."), field="reason")
        warnings = []
        if outcome == "changed":
            work_code = parse_rating(work_result_rating, "work_result_rating")
            behaviour_code = parse_rating(behaviour_rating, "behaviour_rating")
            if work_code is None or behaviour_code is None:
                raise DomainError(N_("Give both ratings of the changed result."), field="work_result_rating")
            if (work_code, behaviour_code) == (evaluation.work_result_rating, evaluation.behaviour_rating):
                raise DomainError(N_("These are the ratings the evaluation has already; confirm the result "
                                     "instead."), field="work_result_rating")
            predikat = employee_predikat(work_code, behaviour_code)
            warnings = curve_warnings(evaluation, predikat)
            evaluation.objection_prior_work_result_rating = evaluation.work_result_rating
            evaluation.objection_prior_behaviour_rating = evaluation.behaviour_rating
            evaluation.work_result_rating, evaluation.behaviour_rating = work_code, behaviour_code
            evaluation.predikat = int(predikat)
        evaluation.objection_outcome, evaluation.objection_decision = outcome, reason.strip()
        evaluation.objection_decided_at = utcnow()
        evaluation.objection_decided_by_id = getattr(acting_user(), "id", None)
        for employee_id in (evaluation.employee_id, evaluation.evaluator_id):
            notify_employee(employee_id, OBJECTION_DECIDED, evaluation.id)
        return evaluation, warnings
    return _commit(work)


def finalise(evaluation: Evaluation) -> Evaluation:
    def work():
        _ensure_evaluator(evaluation)
        if evaluation.status != "acknowledged":
            raise DomainError(N_("Only an acknowledged evaluation is finalised."))
        if evaluation.objection_pending:
            raise DomainError(N_("The employee's objection waits for the decision of the evaluator's superior; "
                                 "the evaluation is finalised after it."))
        if evaluation.kind == "ANNUAL":
            _ensure_curve_allows_final(evaluation.agency_id, evaluation.period_id)
        evaluation.status, evaluation.finalised_at = "final", utcnow()
        return evaluation
    return _commit(work)


def correct(evaluation: Evaluation, reason: str) -> Evaluation:
    """Version n+1 as a draft with the same content; version n stays final and unchanged."""
    def work():
        _ensure_evaluator(evaluation)
        if evaluation.status != "final":
            raise DomainError(N_("Only a final evaluation is corrected; this one can still be changed."))
        if not (reason or "").strip():
            raise DomainError(N_("Say what the correction is for."), field="reason")
        if not _newest(evaluation):
            raise DomainError(N_("A newer version of this evaluation exists already."))
        if evaluation.objection_outcome is not None:
            raise DomainError(N_("The evaluator's superior decided the objection to this evaluation; that result "
                                 "is final."))
        copy = Evaluation(work_plan_id=evaluation.work_plan_id, period_id=evaluation.period_id,
                          kind=evaluation.kind, window_start=evaluation.window_start,
                          window_end=evaluation.window_end, status="draft", version=evaluation.version + 1,
                          previous=evaluation, correction_reason=reason.strip(),
                          work_result_rating=evaluation.work_result_rating,
                          behaviour_rating=evaluation.behaviour_rating, predikat=evaluation.predikat)
        _copy_scope(copy, evaluation)
        db.session.add(copy)
        for old in evaluation.realisations:
            row = EvaluationRealisation(evaluation=copy, result_indicator_id=old.result_indicator_id,
                                        prefilled_value=old.prefilled_value, value=old.value,
                                        change_reason=old.change_reason, evidence_link=old.evidence_link)
            _copy_scope(row, copy)
            db.session.add(row)
        db.session.flush()
        return copy
    return _commit(work)


# --- as the page and the REST API ask -----------------------------------------------------------
# One reading of what a person sends, the same keys from the page's form and a REST body (issue 22): the same
# bad input gets the same message on both.

def _text(value) -> str:
    return value if isinstance(value, str) else ""


def _given(value):
    """A field left empty (an empty choice of the page) is no value."""
    return None if value == "" else value


def create_as_asked(values) -> Evaluation:
    """A draft from ``work_plan_id`` (an SKP the user may see), ``kind``, ``window_start`` and ``window_end``
    (YYYY-MM-DD); DomainError for a plan out of reach, a window that is not two dates and every refusal of
    ``create_evaluation``."""
    plan_id = parse_whole_number(values.get("work_plan_id"))
    plan = db.session.scalar(scoped_select(WorkPlan).where(WorkPlan.id == plan_id)) if plan_id is not None else None
    if plan is None:
        raise DomainError(N_("Choose an approved SKP you evaluate."), field="work_plan_id")
    start, end = parse_iso_date(values.get("window_start")), parse_iso_date(values.get("window_end"))
    if start is None or end is None:
        raise DomainError(N_("Give the window as two dates."), field="window_start")
    return create_evaluation(plan, values.get("kind"), start, end)


def _realisation_as_asked(evaluation: Evaluation, values) -> tuple[Evaluation, list]:
    wanted = parse_whole_number(values.get("realisation_id"))
    row = next((r for r in evaluation.realisations if r.id == wanted), None)
    if row is None:
        raise DomainError(N_("This realisation belongs to another evaluation."), field="realisation_id")
    evidence = values.get("evidence_link")
    set_realisation(evaluation, row, values.get("value"), _text(values.get("reason")),
                    evidence if isinstance(evidence, str) else None)
    return evaluation, []


def _feedback_as_asked(evaluation: Evaluation, values) -> tuple[Evaluation, list]:
    """The target as ``target_kind`` and ``target_id``, or as the page's one choice ``target`` ("RESULT:12")."""
    kind, target_id = values.get("target_kind"), values.get("target_id")
    if "target" in values:
        kind, _sep, target_id = _text(values.get("target")).partition(":")
    add_feedback(evaluation, _text(kind), parse_whole_number(target_id), _text(values.get("text")))
    return evaluation, []


STEPS = {
    "rate": lambda evaluation, values: (evaluation, rate(
        evaluation, _given(values.get("work_result_rating")), _given(values.get("behaviour_rating")),
        values.get("predikat"))),
    "realisation": _realisation_as_asked,
    "feedback": _feedback_as_asked,
    "submit": lambda evaluation, values: (submit(evaluation), []),
    "acknowledge": lambda evaluation, values: (acknowledge(evaluation, _text(values.get("objection"))), []),
    "finalise": lambda evaluation, values: (finalise(evaluation), []),
    "correct": lambda evaluation, values: (correct(evaluation, _text(values.get("reason"))), []),
    "decide_objection": lambda evaluation, values: decide_objection(
        evaluation, values.get("outcome"), _text(values.get("reason")), _given(values.get("work_result_rating")),
        _given(values.get("behaviour_rating")), opened_version=opened_version(evaluation, values)),
}


def act_as_asked(evaluation: Evaluation, step: str, values) -> tuple[Evaluation, list]:
    """Run one step of the evaluation's page or REST resource with what was sent (a form or a JSON object):
    the evaluation to show next (a correction is a new one) and the curve warnings of a new predikat."""
    if step not in STEPS:
        raise DomainError(N_("Unknown action."))
    return STEPS[step](evaluation, values if hasattr(values, "get") else {})
