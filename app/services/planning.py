"""Performance planning use-cases: agency indicators, the SKP workflow and the cascade of results.

Each public function is one transaction: it commits on success and rolls back
on refusal (DomainError with an English N_ message the UI translates). Rows
passed in were fetched through the user's scope by the caller; whatever they
point to (a superior's RHK, an agency indicator) is checked here explicitly.

Who may do what (PermenPANRB 6/2022; issue 3; each rule a predicate of ``app.security.acts``):
* the owner (or an Agency Admin of the plan's agency, or HR Admin) drafts and edits a plan
  while it is a draft or returned; only the owner submits;
* only the plan's evaluator approves, returns and writes the leader's expectations;
* only HR Admin names another evaluator, with a reason (audited with the change), never for their own SKP;
* an approved plan is locked; a revision is a new version, the old one stays;
* an RHK stays in the SKP it was added to and an IKI with its RHK (the REST API cannot move them either).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select

from app.domain.achievement import Direction
from app.domain.distribution import OrganizationPredikat
from app.domain.messages import N_, DomainError
from app.domain.ranks import SkpApproach, skp_approach
from app.extensions import db
from app.services.transaction import ConcurrentChange, acting_user, run_in_transaction
from app.models import Agency, CoreValue, Employee, Position
from app.models.audit import utcnow
from app.models.planning import (
    ASPECTS,
    PERSPECTIVES,
    RESULT_GROUPS,
    BehaviourExpectation,
    IndicatorRealisation,
    OrganizationIndicator,
    OrganizationRating,
    Period,
    ResultIndicator,
    WorkPlan,
    WorkResult,
)
from app.security import acts
from app.security.guards import ensure_not_self, ensure_writable

EDITABLE_STATUSES = ("draft", "returned")
OPEN_PERIOD_STATUSES = ("planning", "running")


def _commit(work):
    return run_in_transaction(work, ConcurrentChange(N_(
        "Someone else changed this SKP at the same time; reload it and check its status.")))


# --- periods and agency indicators -----------------------------------------------------------

def check_period(period: Period) -> None:
    ensure_writable(period)
    if period.start_date and period.end_date and period.end_date < period.start_date:
        raise DomainError(N_("The period cannot end before it starts."), field="end_date")
    with db.session.no_autoflush:
        duplicate = db.session.execute(
            select(Period.id).where(Period.year == period.year, Period.id != (period.id or 0))).first()
    if duplicate:
        raise DomainError(N_("A period for %(year)s already exists."), field="year", year=period.year)


def check_organization_indicator(indicator: OrganizationIndicator) -> None:
    ensure_writable(indicator)
    if indicator.direction not in Direction.__members__:
        raise DomainError(N_("%(value)s is not a valid choice"), field="direction", value=indicator.direction)
    if indicator.target is not None and indicator.target <= 0:
        raise DomainError(N_("Target ≤ 0: the target must be greater than zero."), field="target")
    _check_range(indicator.range_low, indicator.range_high, "range_high")


def _check_range(low, high, field_name):
    if (low is None) != (high is None):
        raise DomainError(N_("Give both ends of the target range, or neither."), field=field_name)
    if low is not None and low <= 0:
        raise DomainError(N_("Target ≤ 0: the target must be greater than zero."), field=field_name)
    if low is not None and low >= high:
        raise DomainError(N_("The lower end of the target range must be below the upper end."),
                          field=field_name)


def check_realisation(realisation: IndicatorRealisation) -> None:
    """A realisation belongs to its indicator's agency and needs a target to be measured against."""
    indicator = realisation.indicator
    if indicator is None:
        raise DomainError(N_("Choose the indicator."), field="indicator")
    realisation.agency = indicator.agency
    ensure_writable(realisation)
    if not indicator.has_target:
        raise DomainError(N_("This indicator has no target yet: set the target before recording a "
                             "realisation."), field="value")
    if realisation.quarter not in (1, 2, 3, 4):
        raise DomainError(N_("The quarter must be 1 to 4."), field="quarter")
    with db.session.no_autoflush:
        duplicate = db.session.execute(select(IndicatorRealisation.id).where(
            IndicatorRealisation.indicator_id == indicator.id, IndicatorRealisation.quarter == realisation.quarter,
            IndicatorRealisation.id != (realisation.id or 0))).first()
    if duplicate:
        raise DomainError(N_("This quarter already has a realisation; edit it instead."), field="quarter")


def check_organization_rating(rating: OrganizationRating) -> None:
    """The organisation predikat is set by the leader one level up (SE MenPANRB 03/2023; RULES §6):
    HR Admin, or a Leader who oversees the agency without belonging to it (never its own head)."""
    agency = rating.agency
    if agency is None:
        raise DomainError(N_("Choose the agency."), field="agency")
    if not acts.may_rate_organization(agency):
        if acts.leads(agency):
            raise DomainError(N_("The agency's own leaders cannot rate their agency; the leader one level "
                                 "up does."), field="agency")
        raise DomainError(N_("Only the leader one level above the agency records its predikat."), field="agency")
    try:
        OrganizationPredikat(rating.predikat)
    except ValueError:
        raise DomainError(N_("%(value)s is not a valid choice"), field="predikat", value=rating.predikat) from None
    with db.session.no_autoflush:
        duplicate = db.session.execute(select(OrganizationRating.id).where(
            OrganizationRating.agency_id == agency.id, OrganizationRating.period_id == rating.period.id,
            OrganizationRating.id != (rating.id or 0))).first()
    if duplicate:
        raise DomainError(N_("This agency already has a predikat for this period; edit it instead."),
                          field="period")
    user = acting_user()
    if user is not None and user.is_authenticated:
        rating.recorded_by = user


# --- reporting line ----------------------------------------------------------------------------

def is_head_of_agency(position: Position | None) -> bool:
    """The head of an agency has no superior position inside the agency (the regent or sekda above)."""
    return position is not None and (position.parent is None or position.parent.agency_id != position.agency_id)


def holder_of(position: Position | None) -> Employee | None:
    if position is None:
        return None
    return db.session.scalars(select(Employee).where(Employee.position_id == position.id,
                                                     Employee.active.is_(True)).order_by(Employee.id)).first()


def superior_of(employee: Employee | None) -> Employee | None:
    """The holder of the position above the employee's: for an evaluator, the atasan pejabat penilai."""
    position = employee.position if employee is not None else None
    return holder_of(position.parent) if position is not None and position.parent is not None else None


def approach_for(position: Position | None) -> SkpApproach:
    """(policy) Heads of a UPTD (technical unit) head an independent unit and plan qualitatively."""
    if position is None:
        return SkpApproach.QUANTITATIVE
    heads_unit = position.unit is not None and position.unit.kind == "UPTD" and (
        position.parent is None or position.parent.unit_id != position.unit_id)
    return skp_approach(position.kind.code, heads_independent_unit=heads_unit)


# --- permissions on a plan ---------------------------------------------------------------------

def ensure_may_edit(plan: WorkPlan) -> None:
    if not acts.may_edit_plan(plan):
        raise DomainError(N_("Only the owner of this SKP or an administrator of the agency may change it."))
    if plan.status == "approved":
        raise DomainError(N_("This SKP is approved and locked; create a revision to change it."))
    if plan.status not in EDITABLE_STATUSES:
        raise DomainError(N_("This SKP has been submitted; it can be changed after the evaluator "
                             "returns it."))


def available_transitions(plan: WorkPlan) -> list[str]:
    """The workflow steps the current user may take on this plan now (the services check again)."""
    steps = []
    if acts.may_submit_plan(plan) and plan.status in EDITABLE_STATUSES:
        steps.append("submit")
    if acts.may_approve_plan(plan) and plan.status == "submitted":
        steps += ["approve", "return"]
    if plan.status == "approved" and acts.may_edit_plan(plan):
        steps.append("revise")
    if acts.may_change_evaluator(plan):
        steps.append("change_evaluator")
    return steps


def _ensure_evaluator(plan: WorkPlan, action_message: str) -> None:
    ensure_not_self(plan.employee_id, N_("You cannot approve or return your own SKP."))
    if not acts.evaluates(plan):
        raise DomainError(action_message)


def _copy_scope(row, plan: WorkPlan) -> None:
    row.agency_id, row.employee_id, row.evaluator_id = plan.agency_id, plan.employee_id, plan.evaluator_id


# --- links between plans -----------------------------------------------------------------------

def supportable_results(plan: WorkPlan) -> list[WorkResult]:
    """The RHKs an Utama RHK of ``plan`` may support: those of the evaluator's approved plan of the
    same period. Read deliberately outside the user's scope: an employee must see what the
    superior's approved plan offers, and nothing else of it."""
    if plan is None or plan.evaluator_id is None:
        return []
    return list(db.session.scalars(
        select(WorkResult).join(WorkPlan, WorkResult.work_plan_id == WorkPlan.id)
        .where(WorkPlan.employee_id == plan.evaluator_id, WorkPlan.period_id == plan.period_id,
               WorkPlan.status == "approved")
        .order_by(WorkPlan.version.desc(), WorkResult.order)))


def linkable_indicators(plan: WorkPlan) -> list[OrganizationIndicator]:
    """The agency indicators the head of the plan's agency may link an Utama RHK to."""
    if plan is None or not is_head_of_agency(plan.position):
        return []
    return list(db.session.scalars(select(OrganizationIndicator).where(
        OrganizationIndicator.agency_id == plan.agency_id, OrganizationIndicator.period_id == plan.period_id)
        .order_by(OrganizationIndicator.id)))


def check_result(result: WorkResult) -> None:
    """Validate an RHK before it is written (add, edit, API) and copy its plan's scope columns."""
    with db.session.no_autoflush:  # the new row is not in the session yet; a flush would warn
        _check_result(result)


def _ensure_not_moved(row, parent, stored_parent_id: int | None, message: str, field: str) -> None:
    """A stored row keeps its parent: moving it would change a plan the user may not edit (a locked one) and
    leave its children with the old plan's scope columns. The foreign key still holds the stored parent
    (it follows the relationship only at the flush)."""
    if row.id is not None and stored_parent_id is not None and parent.id != stored_parent_id:
        raise DomainError(message, field=field)


def _check_result(result: WorkResult) -> None:
    plan = result.work_plan
    if plan is None:
        raise DomainError(N_("Choose the SKP."), field="work_plan")
    _ensure_not_moved(result, plan, result.work_plan_id, N_("An RHK stays in the SKP it was added to; add it "
                                                            "to the other SKP instead."), "work_plan")
    ensure_may_edit(plan)
    _copy_scope(result, plan)
    if result.group not in dict(RESULT_GROUPS):
        raise DomainError(N_("%(value)s is not a valid choice"), field="group", value=result.group)
    if not (result.description or "").strip():
        raise DomainError(N_("Describe the result."), field="description")
    if result.group != "UTAMA" and (result.supported_result or result.organization_indicator):
        raise DomainError(N_("Only main (Utama) results are linked to a superior's result."),
                          field="supported_result")
    if result.supported_result is not None:
        if is_head_of_agency(plan.position):
            raise DomainError(N_("The head of an agency links results to agency indicators."),
                              field="supported_result")
        if result.supported_result.id not in {r.id for r in supportable_results(plan)}:
            raise DomainError(N_("You can only link to an approved RHK of your evaluator for the same "
                                 "period, not to an RHK of someone who is not your superior."),
                              field="supported_result")
    if result.organization_indicator is not None and result.organization_indicator.id not in {
            i.id for i in linkable_indicators(plan)}:
        raise DomainError(N_("Only the head of the agency links to an indicator of the agency, of the same "
                             "period."), field="organization_indicator")
    if result.order is None:
        result.order = 1 + max((r.order for r in plan.results if r is not result), default=0)


def check_result_deletable(result: WorkResult) -> None:
    ensure_may_edit(result.work_plan)


def check_indicator(indicator: ResultIndicator) -> None:
    """Validate an IKI: aspect or perspective by the plan's approach; ratio targets above zero."""
    result = indicator.work_result
    if result is None:
        raise DomainError(N_("Choose the result (RHK)."), field="work_result")
    _ensure_not_moved(indicator, result, indicator.work_result_id, N_(
        "An indicator stays with the RHK it was added to; add it to the other RHK instead."), "work_result")
    plan = result.work_plan
    ensure_may_edit(plan)
    _copy_scope(indicator, plan)
    allowed = PERSPECTIVES if plan.approach == SkpApproach.QUALITATIVE else ASPECTS
    if indicator.aspect not in dict(allowed):
        raise DomainError(N_("Choose one of: %(choices)s."), field="aspect",
                          choices=", ".join(code for code, _label in allowed))
    if not (indicator.description or "").strip():
        raise DomainError(N_("Describe the indicator."), field="description")
    if indicator.direction not in Direction.__members__:
        raise DomainError(N_("%(value)s is not a valid choice"), field="direction", value=indicator.direction)
    if plan.approach == SkpApproach.QUALITATIVE and indicator.target_value is None:
        if not (indicator.target_text or "").strip():
            raise DomainError(N_("Give the target as a value or, for a qualitative SKP, as a text."),
                              field="target_text")
        return
    if indicator.target_value is None:
        raise DomainError(N_("Give the target value."), field="target_value")
    if indicator.target_value <= 0:
        raise DomainError(N_("Target ≤ 0: achievement is a ratio to the target, which must be greater than "
                             "zero."), field="target_value")
    if indicator.target_high is not None and indicator.target_value >= indicator.target_high:
        raise DomainError(N_("The lower end of the target range must be below the upper end."),
                          field="target_high")


def check_indicator_deletable(indicator: ResultIndicator) -> None:
    ensure_may_edit(indicator.work_result.work_plan)


# --- the SKP workflow --------------------------------------------------------------------------

def _new_draft(employee: Employee, period: Period, version: int = 1, previous: WorkPlan | None = None):
    evaluator = holder_of(employee.position.parent if employee.position else None)
    plan = WorkPlan(employee=employee, agency=employee.agency, period=period, position=employee.position,
                    evaluator=evaluator, approach=str(approach_for(employee.position)), status="draft",
                    version=version, previous_version=previous)
    plan.employee_id, plan.evaluator_id = employee.id, evaluator.id if evaluator else None
    plan.agency_id = employee.agency_id
    db.session.add(plan)
    for core_value in db.session.scalars(select(CoreValue).order_by(CoreValue.order)):
        expectation = BehaviourExpectation(work_plan=plan, core_value=core_value)
        _copy_scope(expectation, plan)
        db.session.add(expectation)
    return plan


def _ensure_may_plan_for(employee: Employee, period: Period) -> None:
    if not acts.may_plan_for(employee):
        raise DomainError(N_("You may only create an SKP for yourself or for employees of the agencies you "
                             "manage."))
    if period.status not in OPEN_PERIOD_STATUSES:
        raise DomainError(N_("The period %(period)s is not open for planning."), period=period.name)
    if employee.position is None:
        raise DomainError(N_("The employee holds no position; a position is needed for an SKP."))
    existing = db.session.scalar(select(func.count()).select_from(WorkPlan).where(
        WorkPlan.employee_id == employee.id, WorkPlan.period_id == period.id))
    if existing:
        raise DomainError(N_("%(employee)s already has an SKP for %(period)s; open it (or revise the approved "
                             "one) instead of starting another."), employee=employee.name, period=period.name)


def create_draft(employee: Employee, period: Period) -> WorkPlan:
    """Start an SKP: evaluator from the reporting line, approach from the position, seven expectations."""
    def work():
        _ensure_may_plan_for(employee, period)
        return _new_draft(employee, period)
    return _commit(work)


def _copy_content(source: WorkPlan, target: WorkPlan, keep_links: bool) -> None:
    for name in ("resource_support", "accountability_scheme", "consequences"):
        setattr(target, name, getattr(source, name))
    for old in source.results:
        new = WorkResult(work_plan=target, group=old.group, order=old.order, description=old.description,
                         supported_result=old.supported_result if keep_links else None,
                         organization_indicator=old.organization_indicator if keep_links else None)
        _copy_scope(new, target)
        db.session.add(new)  # SQLAlchemy 2 does not cascade along the backref (work_plan=...)
        for old_indicator in old.indicators:
            copy = ResultIndicator(work_result=new, **{name: getattr(old_indicator, name) for name in (
                "aspect", "description", "target_value", "target_high", "target_unit", "target_text",
                "direction")})
            _copy_scope(copy, target)
            db.session.add(copy)
    texts = {e.core_value_id: e.leader_expectation for e in source.expectations}
    for expectation in target.expectations:
        expectation.leader_expectation = texts.get(expectation.core_value.id)


def copy_previous_year(employee: Employee, period: Period) -> WorkPlan:
    """A new draft with the results, indicators and texts of last year's approved SKP. Links to
    superiors' results and agency indicators are dropped: they point to last year's plans."""
    def work():
        _ensure_may_plan_for(employee, period)
        source = db.session.scalars(
            select(WorkPlan).join(Period, WorkPlan.period_id == Period.id)
            .where(WorkPlan.employee_id == employee.id, Period.year == period.year - 1,
                   WorkPlan.status == "approved")
            .order_by(WorkPlan.version.desc())).first()
        if source is None:
            raise DomainError(N_("There is no approved SKP of %(year)s to copy."), year=period.year - 1)
        plan = _new_draft(employee, period)
        db.session.flush()
        _copy_content(source, plan, keep_links=False)
        return plan
    return _commit(work)


def submit(plan: WorkPlan) -> WorkPlan:
    def work():
        if not acts.may_submit_plan(plan):
            raise DomainError(N_("Only the owner submits an SKP."))
        ensure_may_edit(plan)
        if plan.evaluator_id is None:
            raise DomainError(N_("This SKP has no evaluator; ask HR to name one."))
        main = [r for r in plan.results if r.group == "UTAMA"]
        if not main:
            raise DomainError(N_("Add at least one main (Utama) result before submitting."))
        unlinked = [r for r in main if r.supported_result is None and r.organization_indicator is None]
        if unlinked:
            raise DomainError(N_("Link every main result to the superior's result it supports: %(result)s"),
                              result=str(unlinked[0]))
        without_indicator = [r for r in plan.results if not r.indicators]
        if without_indicator:
            raise DomainError(N_("Every result needs at least one indicator: %(result)s"),
                              result=str(without_indicator[0]))
        plan.status, plan.submitted_at, plan.return_note = "submitted", utcnow(), None
        return plan
    return _commit(work)


def _decide(plan: WorkPlan, status: str, note: str | None) -> WorkPlan:
    """Approve or return a submitted plan. The UPDATE carries the row version read with the plan,
    so if another evaluator decided first it matches no row and ConcurrentChange is raised."""
    def work():
        _ensure_evaluator(plan, N_("Only the evaluator of this SKP may approve or return it."))
        if plan.status != "submitted":
            raise DomainError(N_("This SKP is %(status)s, not submitted; there is nothing to decide."),
                              status=plan.status)
        plan.status = status
        if status == "approved":
            plan.approved_at, plan.approved_by = utcnow(), acting_user()
        else:
            plan.return_note = note
        return plan
    return _commit(work)


def approve(plan: WorkPlan) -> WorkPlan:
    return _decide(plan, "approved", None)


def return_plan(plan: WorkPlan, note: str) -> WorkPlan:
    if not (note or "").strip():
        raise DomainError(N_("Say what the employee should change."), field="note")
    return _decide(plan, "returned", note.strip())


def revise(plan: WorkPlan) -> WorkPlan:
    """Version n+1 as a draft with the same content; version n stays approved and unchanged."""
    def work():
        if not acts.may_edit_plan(plan):
            raise DomainError(N_("Only the owner of this SKP or an administrator of the agency may change it."))
        if plan.status != "approved":
            raise DomainError(N_("Only an approved SKP is revised; this one can still be edited."))
        newest = db.session.scalar(select(func.max(WorkPlan.version)).where(
            WorkPlan.employee_id == plan.employee_id, WorkPlan.period_id == plan.period_id))
        if newest != plan.version:
            raise DomainError(N_("A newer version of this SKP exists already."))
        revision = _new_draft(plan.employee, plan.period, version=plan.version + 1, previous=plan)
        revision.evaluator, revision.evaluator_id = plan.evaluator, plan.evaluator_id
        revision.evaluator_change_reason = plan.evaluator_change_reason
        db.session.flush()
        _copy_content(plan, revision, keep_links=True)
        return revision
    return _commit(work)


def check_expectation(expectation: BehaviourExpectation) -> None:
    """Who writes the leader's expectations of a plan (the edit form of an expectation)."""
    plan = expectation.work_plan
    if not acts.evaluates(plan):
        raise DomainError(N_("Only the evaluator writes the leader's expectations."))
    if plan.status == "approved":
        raise DomainError(N_("This SKP is approved and locked; create a revision to change it."))


def change_evaluator(plan: WorkPlan, new_evaluator: Employee, reason: str) -> WorkPlan:
    """Name another evaluator (an acting official); the reason is stored and audited with the change."""
    def work():
        if not acts.is_hr_administrator():
            raise DomainError(N_("Only HR administrators change the evaluator."))
        ensure_not_self(plan.employee_id, N_("You cannot change the evaluator of your own SKP; another HR "
                                             "administrator does."))
        if not (reason or "").strip():
            raise DomainError(N_("Give the reason for changing the evaluator."), field="reason")
        if new_evaluator.id == plan.employee_id:
            raise DomainError(N_("An employee cannot evaluate their own SKP."), field="evaluator")
        plan.evaluator, plan.evaluator_id = new_evaluator, new_evaluator.id
        plan.evaluator_change_reason = reason.strip()
        for row in [*plan.results, *plan.expectations, *(i for r in plan.results for i in r.indicators)]:
            row.evaluator_id = new_evaluator.id
        return plan
    return _commit(work)


# --- the cascade -------------------------------------------------------------------------------

@dataclass
class CascadeNode:
    result: WorkResult
    children: list["CascadeNode"] = field(default_factory=list)
    unsupported: bool = False


@dataclass
class CascadeTree:
    indicators: list[tuple[OrganizationIndicator, list[CascadeNode]]]
    unsupported: list[WorkResult]
    supporting_nothing: list[WorkResult]


def current_plans(agency_id: int, period_id: int):
    """The newest version of each employee's plan in an agency and period."""
    newest = (select(WorkPlan.employee_id, func.max(WorkPlan.version).label("version"))
              .where(WorkPlan.agency_id == agency_id, WorkPlan.period_id == period_id)
              .group_by(WorkPlan.employee_id).subquery())
    return select(WorkPlan.id).join(newest, (WorkPlan.employee_id == newest.c.employee_id)
                                    & (WorkPlan.version == newest.c.version))


def cascade(agency: Agency, period: Period) -> CascadeTree:
    """From each agency indicator down to staff: the RHKs linked to it, those supporting them, and so on.

    Flags results of employees with subordinates that nothing supports yet, and main results that
    support nothing (no superior's RHK, no indicator). Three queries, the tree is built in memory.
    """
    indicators = list(db.session.scalars(select(OrganizationIndicator).where(
        OrganizationIndicator.agency_id == agency.id, OrganizationIndicator.period_id == period.id)
        .order_by(OrganizationIndicator.id)))
    results = list(db.session.scalars(select(WorkResult).where(
        WorkResult.work_plan_id.in_(current_plans(agency.id, period.id))).order_by(WorkResult.id)))
    superiors = set(db.session.scalars(select(Position.parent_id).where(
        Position.agency_id == agency.id, Position.parent_id.is_not(None))))
    children = defaultdict(list)
    for result in results:
        if result.supported_result_id is not None:
            children[result.supported_result_id].append(result)

    def node(result, seen):
        below = [node(child, seen | {result.id}) for child in children[result.id] if child.id not in seen]
        has_staff = result.work_plan.position_id in superiors
        return CascadeNode(result, below, unsupported=has_staff and not below)

    tree = [(indicator, [node(r, frozenset()) for r in results if r.organization_indicator_id == indicator.id])
            for indicator in indicators]
    unsupported = [r for r in results if r.work_plan.position_id in superiors and not children[r.id]]
    supporting_nothing = [r for r in results if r.group == "UTAMA" and r.supported_result_id is None
                          and r.organization_indicator_id is None]
    return CascadeTree(tree, unsupported, supporting_nothing)
