"""Who may act on a row: the one home of "may this user do this to this row", one named predicate per rule.

Reading is decided by ``app.security.scope`` (``read_filter``, ``scoped_select``, ``ScopedInterface``); acting
is decided here. Every predicate answers for a ``UserScope`` handed to it explicitly, by default the scope of
this request (``current_scope()``): a background job passes the scope of the user it works for and runs the
same rule as the page. A use-case refuses with its own message when a predicate says no; a page asks the same
predicate before it offers the button, so it offers exactly what the use-case accepts.

The guards shared by every use-case are in app.security.guards, which the rules here are built on:
``ensure_writable`` (agency data), ``ensure_not_self`` / ``ensure_not_own_unit`` (no decision about oneself),
``ensure_other_account`` (four eyes), ``ensure_acting_as`` (an act that belongs to one person) and ``permits``
(the page's yes/no of a guard).

Adding a rule: one function in the section of its area, named after the act (``may_<act>``), the row first and
``scope=None`` last, its docstring citing the rule; a rule with several refusals, each with its own message, is
an ``ensure_may_<act>`` guard here plus a ``may_<act>`` built with ``permits``.
"""
from __future__ import annotations

from sqlalchemy import or_, select

from app.domain.messages import N_, DomainError
from app.security.guards import ensure_not_self, ensure_other_account, permits
from app.security.scope import ADMIN, AGENCY_ADMIN, GLOBAL_ROLES, LEADER, UserScope, current_scope, read_filter

OVERVIEW_ROLES = GLOBAL_ROLES | {LEADER, AGENCY_ADMIN}


def _scope(scope: UserScope | None) -> UserScope:
    return current_scope() if scope is None else scope


# --- roles ------------------------------------------------------------------------------------------

def is_hr_administrator(scope: UserScope | None = None) -> bool:
    """Admin or HR Admin (BKPSDM) acting as a person. A command-line tool acting for the system as a whole
    reads everything but is nobody: it takes no decision reserved to HR."""
    return bool(_scope(scope).roles & GLOBAL_ROLES)


def oversees_agencies(scope: UserScope | None = None) -> bool:
    """HR, Agency Admins and Leaders: the people whom the state of whole agencies is shown to (home page)."""
    return bool(_scope(scope).roles & OVERVIEW_ROLES)


def supervises(scope: UserScope | None = None) -> bool:
    """An Evaluator who holds a position others report to: the one whose team's work waits for them (the
    scope names the supervised position only for such an account)."""
    return _scope(scope).supervised_position_id is not None


# --- the people a row names -------------------------------------------------------------------------

def is_own(employee_id: int | None, scope: UserScope | None = None) -> bool:
    """Whether the acting user is the employee ``employee_id`` (their SKP, activity, evaluation, document)."""
    me = _scope(scope).employee_id
    return me is not None and me == employee_id


def evaluates(row, scope: UserScope | None = None) -> bool:
    """Whether the acting user is the evaluator a plan or an evaluation names (``evaluator_id``: the superior
    on the reporting line, or the acting evaluator HR named), PermenPANRB 6/2022 Pasal 8."""
    return is_own(row.evaluator_id, scope)


# --- performance plans (SKP) ------------------------------------------------------------------------

def may_plan_for(employee, scope: UserScope | None = None) -> bool:
    """An employee drafts their own SKP; an administrator of their agency (or HR) may draft it for them."""
    scope = _scope(scope)
    return is_own(employee.id, scope) or scope.can_write_agency(employee.agency_id)


def may_edit_plan(plan, scope: UserScope | None = None) -> bool:
    """The owner of an SKP or an administrator of its agency changes it and starts its revision (whether
    its status still allows a change is the workflow's question)."""
    scope = _scope(scope)
    return is_own(plan.employee_id, scope) or scope.can_write_agency(plan.agency_id)


def may_submit_plan(plan, scope: UserScope | None = None) -> bool:
    """Only the owner submits their SKP to the evaluator."""
    return is_own(plan.employee_id, scope)


def may_approve_plan(plan, scope: UserScope | None = None) -> bool:
    """Only the plan's evaluator approves or returns it, never for their own SKP."""
    return evaluates(plan, scope) and not is_own(plan.employee_id, scope)


def may_change_evaluator(plan, scope: UserScope | None = None) -> bool:
    """Only HR names another evaluator (an acting official), never for their own SKP."""
    scope = _scope(scope)
    return is_hr_administrator(scope) and scope.employee_id != plan.employee_id


def leads(agency, scope: UserScope | None = None) -> bool:
    """A Leader whose account oversees ``agency``."""
    scope = _scope(scope)
    return LEADER in scope.roles and agency.id in scope.agency_ids


def may_rate_organization(agency, scope: UserScope | None = None) -> bool:
    """The organisation predikat is set by the leader one level up (SE MenPANRB 03/2023; RULES §6): HR, or a
    Leader who oversees the agency without belonging to it (never its own head)."""
    scope = _scope(scope)
    return scope.global_access or (leads(agency, scope) and scope.own_agency_id != agency.id)


def cascade_agencies(scope: UserScope | None = None):
    """The agencies whose cascade of results the user may open: those in scope and their own (everyone may
    see how their agency's results cascade). A SELECT of Agency."""
    from app.models import Agency

    scope = _scope(scope)
    condition = read_filter(Agency, scope)
    if condition is None:
        return select(Agency)
    own = scope.own_agency_id
    return select(Agency).where(or_(condition, Agency.id == own) if own is not None else condition)


# --- evaluations ------------------------------------------------------------------------------------

def evaluator_now(row) -> int | None:
    """Who evaluates this employee now: the evaluator a plan or an evaluation names, except that once the
    evaluator missed the deadline and the evaluation passed to their own superior (atasan pejabat penilai,
    PermenPANRB 6/2022 annex A.11) it is that superior, whose decision is final — the original evaluator no
    longer acts on it (``app.services.cycle.hand_off_overdue``)."""
    hand_off = getattr(row, "hand_off", None)
    return hand_off.to_evaluator_id if hand_off is not None else row.evaluator_id


def evaluates_now(row, scope: UserScope | None = None) -> bool:
    """Whether the acting user is the one who evaluates the plan or evaluation now (``evaluator_now``)."""
    return is_own(evaluator_now(row), scope)


def may_decide_objection(evaluation, scope: UserScope | None = None) -> bool:
    """The evaluator's superior (atasan pejabat penilai) decides an objection to an evaluation (PermenPANRB
    6/2022 Format D.1.3; RULES §13): the one named when it was filed (``objection_decider_id``); when the
    evaluator has no superior in the system (the regent above a head of agency), HR records the decision taken
    outside it. Never the employee nor the evaluator themselves. Whether an objection waits for a decision is
    the workflow's question."""
    scope = _scope(scope)
    if is_own(evaluation.employee_id, scope) or is_own(evaluation.evaluator_id, scope):
        return False
    if evaluation.objection_decider_id is None:
        return is_hr_administrator(scope)
    return is_own(evaluation.objection_decider_id, scope)


def may_see_distribution(agency, scope: UserScope | None = None) -> bool:
    """The distribution curve of an agency: HR, the agency's administrators and leaders, and the evaluators
    working in the agency (SE MenPANRB 03/2023: they rate against it)."""
    scope = _scope(scope)
    if scope.global_access or agency.id in scope.agency_ids:
        return True
    return bool(scope.supervised_position_id and scope.employee_id) and scope.own_agency_id == agency.id


# --- signed documents -------------------------------------------------------------------------------

def may_use_institution_credential(scope: UserScope | None = None) -> bool:
    """Admin and HR Admin sign on behalf of the institution, with its certificate."""
    return is_hr_administrator(scope)


def may_sign(subject, scope: UserScope | None = None) -> bool:
    """Whether the user is one who signs ``subject`` (a DocumentSubject), even before uploading a certificate:
    the official the document names as signer, or HR with the institution's certificate."""
    return may_use_institution_credential(scope) or is_own(subject.signer_employee_id, scope)


def may_revoke(scope: UserScope | None = None) -> bool:
    """Admin and HR Admin revoke a signed version, with a reason."""
    return is_hr_administrator(scope)


def may_configure_institution(scope: UserScope | None = None) -> bool:
    """Only the system administrator sets the institution's certificate."""
    return ADMIN in _scope(scope).roles


# --- awards -----------------------------------------------------------------------------------------

def ensure_may_decide_nomination(nomination, scope: UserScope | None = None) -> None:
    """Who approves, awards or rejects a nomination: an HR administrator who is not its recipient."""
    scope = _scope(scope)
    if not scope.global_access:
        raise DomainError(N_("Only HR administrators may approve, award or reject nominations"))
    ensure_not_self(nomination.employee_id, N_("You cannot decide on a nomination of yourself; another HR "
                                               "administrator decides"), scope)


def ensure_may_judge_nomination(nomination, scope: UserScope | None = None) -> None:
    """Who approves or rejects a nomination: one who may decide about it and did not nominate it (four eyes:
    who proposes a candidate does not judge the proposal, neither to grant nor to withdraw it)."""
    scope = _scope(scope)
    ensure_may_decide_nomination(nomination, scope)
    ensure_other_account(nomination.nominated_by_id, N_("You nominated this candidate; another HR administrator "
                                                        "approves or rejects the nomination"), scope)


def ensure_may_award_nomination(nomination, scope: UserScope | None = None) -> None:
    """Who grants an approved award: one who may judge the nomination and did not approve it, so that the
    award rests on two decisions of two people besides the nominator's proposal."""
    scope = _scope(scope)
    ensure_may_judge_nomination(nomination, scope)
    ensure_other_account(nomination.approved_by_id, N_("You approved this nomination; another HR administrator "
                                                       "grants the award"), scope)


def may_decide_nomination(nomination, scope: UserScope | None = None) -> bool:
    """Whether the nomination's page is one of an HR administrator who may take its decisions at all."""
    return permits(ensure_may_decide_nomination, nomination, scope)


# --- attendance and the performance allowance (TPP) -------------------------------------------------

def may_decide_leave(record, scope: UserScope | None = None) -> bool:
    """The evaluator named on a leave or duty request approves or rejects it, never their own (issue 23: leave
    is "requested by the employee and approved by the evaluator")."""
    return evaluates(record, scope) and not is_own(record.employee_id, scope)


def may_compute_allowance(agency_id: int | None, scope: UserScope | None = None) -> bool:
    """HR, or an Agency Admin for their own agencies, computes a month's TPP and its recap (issue 23)."""
    return _scope(scope).can_write_agency(agency_id)


def may_object_to_allowance(calculation, scope: UserScope | None = None) -> bool:
    """Only the employee files an objection (sanggahan) to their own month's TPP."""
    return is_own(calculation.employee_id, scope)


def may_correct_allowance(calculation, scope: UserScope | None = None) -> bool:
    """Only HR (BKPSDM) corrects a closed month without an objection (attendance data found wrong, a leave
    approved late; issue 23: "a closed month never changes — corrections are a new version"), never their own
    allowance. An Agency Admin calculates their agencies' months but does not rewrite what finance was told."""
    scope = _scope(scope)
    return is_hr_administrator(scope) and not is_own(calculation.employee_id, scope)


def may_decide_allowance_objection(objection, scope: UserScope | None = None) -> bool:
    """The employee's evaluator, or HR, decides an objection (issue 23: "the evaluator/HR decides"), never
    the objector themselves."""
    scope = _scope(scope)
    return (evaluates(objection, scope) or is_hr_administrator(scope)) and not is_own(objection.employee_id, scope)
