"""The guards every use-case shares before it acts on a row: agency data only within the agencies one manages
(``ensure_writable``), no decision about oneself or one's own unit (``ensure_not_self``, ``ensure_not_own_unit``),
four eyes (``ensure_other_account``), an act that belongs to one person (``ensure_acting_as``), and a page's
yes/no or reason of any of them (``permits``, ``refusal_of``). Each answers for a ``UserScope`` handed to it, by
default this request's; the named "who may act" rules of each area (app.security.acts) are built on them, and
reading is decided by app.security.scope."""
from __future__ import annotations

from app.domain.messages import N_, DomainError
from app.security.scope import UserScope, agency_of, current_scope


class OutOfScope(DomainError):
    """A write that would put a row into (or take it out of) an agency the user does not manage."""


def ensure_writable(item, scope: UserScope | None = None) -> None:
    """Refuse to write a row outside the user's agencies. Raises OutOfScope."""
    scope = scope or current_scope()
    if scope.global_access:
        return
    if getattr(type(item), "__scope_reference__", False) or not hasattr(type(item), "__scope_agency__"):
        raise OutOfScope(N_("Only HR administrators may change this data."), field="agency")
    if not scope.can_write_agency(agency_of(item)):
        raise OutOfScope(N_("You may only add or change data of the agencies you manage."), field="agency")


class SelfDealing(DomainError):
    """A decision about one's own record: approving one's own activity, nominating oneself."""


def ensure_not_self(employee_id: int | None, message: str, scope: UserScope | None = None) -> None:
    """Refuse a decision the acting user would take about themselves (``employee_id`` is the employee the
    row is about): an approval, a nomination or a record that counts for the person who decides is
    worthless as evidence, and roles never lift that. Raises SelfDealing with ``message``."""
    scope = scope or current_scope()
    if scope.employee_id is not None and scope.employee_id == employee_id:
        raise SelfDealing(message)


def ensure_not_own_unit(unit_id: int | None, message: str, scope: UserScope | None = None) -> None:
    """Refuse a decision for the unit the acting employee works in (nominating one's own unit for an award):
    its members share in what the unit receives, so it is a decision about themselves too. Raises
    SelfDealing with ``message``."""
    scope = scope or current_scope()
    if scope.unit_id is not None and scope.unit_id == unit_id:
        raise SelfDealing(message)


def ensure_other_account(account_id: int | None, message: str, scope: UserScope | None = None) -> None:
    """Four eyes: refuse a step of a workflow to the account that took an earlier step of the same row (the
    one who nominated does not approve or award that nomination), so that every grant is seen by two people.
    ``account_id`` is the user account recorded for the earlier step. Raises SelfDealing with ``message``."""
    scope = scope or current_scope()
    if scope.account_id is not None and scope.account_id == account_id:
        raise SelfDealing(message)


def refusal_of(check, *args, **kwargs) -> DomainError | None:
    """The refusal a "who may act" check (one of the ``ensure_*`` rules) gives the acting user, None when it
    lets them through: a page that offers no button says why."""
    try:
        check(*args, **kwargs)
    except DomainError as refusal:
        return refusal
    return None


def permits(check, *args, **kwargs) -> bool:
    """Whether a "who may act" check lets the acting user through: what a page asks before offering a button,
    so that it offers exactly what the use-case will accept."""
    return refusal_of(check, *args, **kwargs) is None


class NotTheirs(DomainError):
    """An act reserved to one named person: acknowledging one's own dialogue, the evaluator's own record."""


def ensure_acting_as(employee_id: int | None, message: str, scope: UserScope | None = None) -> None:
    """Refuse unless the acting user is the employee ``employee_id`` (the one person the act belongs to:
    reading a row is not acting on it, and roles never lift that). Raises NotTheirs with ``message``."""
    scope = scope or current_scope()
    if scope.employee_id is None or scope.employee_id != employee_id:
        raise NotTheirs(message)
