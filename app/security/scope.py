"""Row-level scope: the one place that decides "may this user see or change this row".

Models declare how they are scoped (checked when a data interface is built,
so a model cannot be exposed by accident):

* ``__scope_agency__`` — the column that ties a row to an agency;
* ``__scope_owner__`` — the column that holds the employee the row belongs to;
* ``__scope_evaluator__`` — the column that holds the employee who evaluates the row
  (set when HR Admin names an acting evaluator instead of the reporting line);
* ``__scope_reference__ = True`` — reference data every signed-in user may read.

Who sees what (DESIGN.md, "Who uses it"):

* Admin and HR Admin: every agency.
* Agency Admin and Leader: the agencies assigned to their account.
* Evaluator: their own rows and those of their direct subordinates (the
  employees whose position reports to the evaluator's position).
* Employee: their own rows.

A user holding several roles sees the union. Writes are narrower: only Admin,
HR Admin and, within their agencies, Agency Admin change agency data (``ensure_writable``),
and nobody decides about themselves (``ensure_not_self``), whatever their roles.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import g, has_request_context
from flask_appbuilder.exceptions import DatabaseException
from flask_appbuilder.models.sqla.interface import SQLAInterface
from sqlalchemy import and_, false, or_, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from app.domain.messages import N_, DomainError
from app.services.transaction import SAVED_AT_THE_SAME_MOMENT, ConcurrentChange

ADMIN = "Admin"
HR_ADMIN = "HR Admin"
AGENCY_ADMIN = "Agency Admin"
LEADER = "Leader"
EVALUATOR = "Evaluator"
EMPLOYEE = "Employee"

GLOBAL_ROLES = frozenset({ADMIN, HR_ADMIN})
AGENCY_READ_ROLES = frozenset({AGENCY_ADMIN, LEADER})
AGENCY_WRITE_ROLES = frozenset({AGENCY_ADMIN})
SCOPE_DECLARATIONS = ("__scope_agency__", "__scope_owner__", "__scope_evaluator__", "__scope_reference__")


class OutOfScope(DomainError):
    """A write that would put a row into (or take it out of) an agency the user does not manage."""


@dataclass(frozen=True)
class UserScope:
    global_access: bool = False
    agency_ids: frozenset[int] = frozenset()
    writable_agency_ids: frozenset[int] = frozenset()
    employee_id: int | None = None
    supervised_position_id: int | None = None
    account_id: int | None = None       # the user account acting (four eyes: ensure_other_account)
    unit_id: int | None = None          # the acting employee's own unit (ensure_not_own_unit)
    own_agency_id: int | None = None    # the acting employee's own agency (app.security.acts)
    roles: frozenset[str] = frozenset()  # the account's role names, read once (app.security.acts)

    @classmethod
    def system(cls) -> "UserScope":
        """Command-line tools and background jobs act for the system as a whole."""
        return cls(global_access=True)

    @classmethod
    def for_user(cls, user) -> "UserScope":
        if user is None or not getattr(user, "is_authenticated", False):
            return cls()
        roles = frozenset(role.name for role in user.roles)
        agency_ids = frozenset(agency.id for agency in user.agencies)
        employee = user.employee
        return cls(
            global_access=bool(roles & GLOBAL_ROLES),
            agency_ids=agency_ids if roles & AGENCY_READ_ROLES else frozenset(),
            writable_agency_ids=agency_ids if roles & AGENCY_WRITE_ROLES else frozenset(),
            employee_id=employee.id if employee else None,
            supervised_position_id=(
                employee.position_id if employee and EVALUATOR in roles else None
            ),
            account_id=user.id,
            unit_id=employee.unit_id if employee else None,
            own_agency_id=employee.agency_id if employee else None,
            roles=roles,
        )

    def can_write_agency(self, agency_id: int | None) -> bool:
        return self.global_access or (agency_id is not None and agency_id in self.writable_agency_ids)


def current_scope() -> UserScope:
    """The scope of the user of this request (cached per request), or the system outside requests."""
    if not has_request_context():
        return UserScope.system()
    user = g.get("user")
    cache = g.get("_scope_cache")
    key = getattr(user, "id", None)
    if cache is None or cache[0] != key:
        cache = (key, UserScope.for_user(user))
        g._scope_cache = cache
    return cache[1]


def is_scoped(model) -> bool:
    return any(hasattr(model, name) for name in SCOPE_DECLARATIONS)


def read_filter(model, scope: UserScope, agency_id: int | None = None):
    """The SQL condition that keeps only the rows of ``model`` the scope may read (None: all), and with
    ``agency_id`` only those of that agency."""
    if agency_id is not None:
        in_agency = getattr(model, model.__scope_agency__) == agency_id
        if scope.global_access or agency_id in scope.agency_ids:
            # The whole agency is readable: the personal conditions (own rows, subordinates' rows) add
            # nothing, and OR-ed in they keep the database from using the agency's indexes.
            return in_agency
        condition = read_filter(model, scope)
        return in_agency if condition is None else and_(condition, in_agency)
    if scope.global_access or getattr(model, "__scope_reference__", False):
        return None
    conditions = []
    agency_column = getattr(model, "__scope_agency__", None)
    if agency_column and scope.agency_ids:
        conditions.append(getattr(model, agency_column).in_(scope.agency_ids))
    owner_column = getattr(model, "__scope_owner__", None)
    if owner_column and scope.employee_id:
        owner = getattr(model, owner_column)
        conditions.append(owner == scope.employee_id)
        if scope.supervised_position_id:
            conditions.append(owner.in_(_subordinate_ids(scope.supervised_position_id)))
    evaluator_column = getattr(model, "__scope_evaluator__", None)
    if evaluator_column and scope.employee_id and scope.supervised_position_id:
        conditions.append(getattr(model, evaluator_column) == scope.employee_id)
    return or_(*conditions) if conditions else false()


def _subordinate_ids(position_id: int):
    from app.models import Employee, Position

    return (
        select(Employee.id)
        .join(Position, Employee.position_id == Position.id)
        .where(Position.parent_id == position_id)
    )


def agency_of(item):
    """The agency id a row belongs to, read from the relationship (the FK is stale before flush)."""
    column = getattr(type(item), "__scope_agency__", None)
    if column == "id":
        return item.id
    agency = getattr(item, "agency", None)
    return agency.id if agency is not None else getattr(item, column, None)


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


class ScopedInterface(SQLAInterface):
    """The data interface of every view, API and export: each read goes through the user's scope.

    List, show, edit, delete, bulk actions, form choices, search-form choices and
    the REST ``_info`` related values all fetch through ``_apply_inner_all`` or a
    related interface of this same class, so none of them can reach a foreign row.
    """

    def __init__(self, obj, session=None):
        if not is_scoped(obj):
            raise TypeError(f"{obj.__name__} declares no scope ({', '.join(SCOPE_DECLARATIONS)})")
        super().__init__(obj, session)

    def _apply_inner_all(self, query, *args, **kwargs):
        condition = read_filter(self.obj, current_scope())
        if condition is not None:
            query = query.filter(condition)
        return super()._apply_inner_all(query, *args, **kwargs)

    def get_related_obj(self, col_name, value):
        return self.get_related_interface(col_name).get(value)

    # The columns the model view's list shows (ScopedModelView sets them): its page loads exactly those relations.
    listed_columns: tuple[str, ...] = ()

    def listed_relation_loads(self):
        """Loader options for a list page: every relation a listed column names (``unit``, ``unit.name``) read
        for all the page's rows in one statement each, unless the model already joins it into the list's own.
        Not joined here: a joined relation brings its own joined ones along (a position's agency), which
        SQLite answers by materialising every position before the LIMIT."""
        loads = {}
        for column in self.listed_columns:
            name = column.split(".", 1)[0]
            relation = self.obj.__mapper__.relationships.get(name)
            if relation is not None and relation.lazy != "joined" and name not in loads:
                loads[name] = selectinload(getattr(self.obj, name))
        return list(loads.values())

    def query_count(self, query, filters=None, select_columns=None):
        # FAB builds the REST list's column loads and joins into its count query too (a third of the list's
        # CPU), where they change nothing: the scope and the filters are what the count is of.
        return super().query_count(query, filters)

    def apply_all(self, query, filters=None, order_column="", order_direction="", page=None, page_size=None,
                  select_columns=None, outer_default_load=False):
        # A REST list names its columns and FAB joins the dotted ones itself; a model view's list has its own.
        if not select_columns:
            query = query.options(*self.listed_relation_loads())
        return super().apply_all(query, filters, order_column, order_direction, page, page_size, select_columns,
                                 outer_default_load)

    def edit(self, item, commit=True):
        """FAB's edit, except that a save which lost the race on the row's version (StaleDataError: someone
        else's UPDATE came first) is raised as such, not as FAB's "database error" (REST: 422 with the SQL)."""
        try:
            super().edit(item, commit)
        except DatabaseException as error:
            if isinstance(error.__cause__, StaleDataError):
                raise ConcurrentChange(SAVED_AT_THE_SAME_MOMENT) from None
            raise


def scoped_select(model, *columns, agency_id: int | None = None):
    """A SELECT of ``model`` (or of ``columns``) limited to the current user's scope (and to one agency).

    Custom endpoints, exports and documents build their queries from this, so
    they share the data interface's rule.
    """
    statement = select(*columns) if columns else select(model)
    condition = read_filter(model, current_scope(), agency_id)
    return statement if condition is None else statement.where(condition)
