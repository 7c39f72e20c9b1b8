"""Row-level read scope: the one place that decides "may this user see this row" (acting on a row is decided
by app.security.acts and the guards it shares, app.security.guards).

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

A user holding several roles sees the union. Writes are narrower (app.security.guards): only Admin,
HR Admin and, within their agencies, Agency Admin change agency data (``ensure_writable``),
and nobody decides about themselves (``ensure_not_self``), whatever their roles.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import g, has_request_context
from flask_appbuilder.exceptions import DatabaseException
from flask_appbuilder.models.sqla.filters import SQLAFilterConverter
from flask_appbuilder.models.sqla.interface import SQLAInterface
from sqlalchemy import Time, and_, false, or_, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

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
    conditions += _personal_conditions(model, scope, subordinates_listed=False)
    return or_(*conditions) if conditions else false()


@dataclass(frozen=True)
class AgencyReach:
    """``read_filter`` of an agency-scoped model split in two, for figures kept per agency: the agencies read
    whole (None: every agency) and the condition of the rows read beyond them (own, subordinates', evaluated
    rows in other agencies; None: nothing). Both together read exactly what ``read_filter`` reads."""
    agencies: frozenset[int] | None
    beyond: object | None


def agency_reach(model, scope: UserScope, agency_id: int | None = None) -> AgencyReach:
    agency = getattr(model, model.__scope_agency__)
    if agency_id is not None:
        if scope.global_access or agency_id in scope.agency_ids:
            return AgencyReach(frozenset({agency_id}), None)
        personal = _personal_conditions(model, scope)
        return AgencyReach(frozenset(), and_(or_(*personal), agency == agency_id) if personal else None)
    if scope.global_access:
        return AgencyReach(None, None)
    personal = _personal_conditions(model, scope)
    beyond = None
    if personal:
        beyond = or_(*personal)
        if scope.agency_ids:
            beyond = and_(beyond, agency.not_in(scope.agency_ids))
    return AgencyReach(scope.agency_ids, beyond)


def _personal_conditions(model, scope: UserScope, subordinates_listed: bool = True) -> list:
    """The rows a person reads beyond their agencies: their own and their subordinates' (owner column), those
    they evaluate (evaluator column, for a superior), and those naming them as the one who decides (the
    superior deciding an objection). With ``subordinates_listed`` the subordinates are a list of ids (the
    per-agency figures: an IN (subquery) OR-ed with the others makes PostgreSQL read a large table whole
    instead of its indexes), else a subquery inside the statement (``read_filter``)."""
    from app.extensions import db

    if not scope.employee_id:
        return []
    conditions = []
    owner_column = getattr(model, "__scope_owner__", None)
    if owner_column:
        owner = getattr(model, owner_column)
        if not scope.supervised_position_id:
            conditions.append(owner == scope.employee_id)
        elif subordinates_listed:
            conditions.append(owner.in_([scope.employee_id,
                                         *db.session.scalars(_subordinate_ids(scope.supervised_position_id))]))
        else:
            conditions += [owner == scope.employee_id, owner.in_(_subordinate_ids(scope.supervised_position_id))]
    evaluator_column = getattr(model, "__scope_evaluator__", None)
    if evaluator_column and scope.supervised_position_id:
        conditions.append(getattr(model, evaluator_column) == scope.employee_id)
    conditions += [getattr(model, column) == scope.employee_id for column in getattr(model, "__scope_deciders__", ())]
    return conditions


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


class _TimeColumnsUnfiltered(SQLAFilterConverter):
    """FAB builds a filter for every column and logs "Filter type not supported" for each time-of-day column
    (an activity's start and end) on every start-up, the CLI's included. They stay unfiltered, quietly."""

    conversion_table = (("is_time", []), *SQLAFilterConverter.conversion_table)


class ScopedInterface(SQLAInterface):
    """The data interface of every view, API and export: each read goes through the user's scope.

    List, show, edit, delete, bulk actions, form choices, search-form choices and
    the REST ``_info`` related values all fetch through ``_apply_inner_all`` or a
    related interface of this same class, so none of them can reach a foreign row.
    """

    filter_converter_class = _TimeColumnsUnfiltered

    def is_time(self, col_name: str) -> bool:
        column = self.list_columns.get(col_name)
        return column is not None and isinstance(getattr(column, "type", None), Time)

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
