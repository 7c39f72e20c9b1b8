"""Consistency of master data: a row and the rows it points to belong to one agency.

Each check raises DomainError with a message for the user; views and APIs run
them before a write (app.security.writes.GuardedWrites), import runs them per row.
"""
from sqlalchemy import func, select

from app.domain.messages import N_, DomainError
from app.domain.nip import appointment_date, parse_nip
from app.extensions import db
from app.models import Employee, Position, Unit, UserAccount


def _same_agency(item, related, field, message):
    if item.agency is None:
        raise DomainError(N_("Choose the agency."), field="agency")
    if related is not None and related.agency is not item.agency:
        raise DomainError(message, field=field)


def _no_cycle(item, field, message):
    seen, parent = set(), item.parent
    while parent is not None:
        if parent is item or parent.id in seen:
            raise DomainError(message, field=field)
        seen.add(parent.id)
        parent = parent.parent


def check_unit(unit: Unit) -> None:
    _same_agency(unit, unit.parent, "parent", N_("The parent unit must belong to the same agency."))
    _no_cycle(unit, "parent", N_("A unit cannot be placed under itself."))


def check_position(position: Position) -> None:
    _same_agency(position, position.unit, "unit", N_("The unit must belong to the position's agency."))
    _same_agency(position, position.parent, "parent",
                 N_("The superior position must belong to the same agency."))
    _no_cycle(position, "parent", N_("A position cannot report to itself."))


def check_employee(employee: Employee) -> None:
    """Validate the NIP (RULES §1) and derive birth date, sex and TMT CPNS from it."""
    number = parse_nip(employee.nip or "", employee.employment_type)
    employee.nip = number.number
    employee.employment_type = number.employment_type
    employee.birth_date = number.birth_date
    employee.sex = number.sex
    employee.appointment_year = number.appointment_year
    employee.tmt_cpns = appointment_date(number) if number.appointment_month else None
    _same_agency(employee, employee.unit, "unit", N_("The unit must belong to the employee's agency."))
    _same_agency(employee, employee.position, "position",
                 N_("The position must belong to the employee's agency."))
    if employee.rank is not None and employee.rank.employment_type != employee.employment_type:
        raise DomainError(N_("This rank is not a rank of a %(kind)s."), field="rank",
                          kind=employee.employment_type)
    with db.session.no_autoflush:  # a flush here would find the new row itself
        duplicate = db.session.execute(
            select(Employee.id).where(Employee.nip == employee.nip, Employee.id != (employee.id or 0))
        ).first()
    if duplicate:
        raise DomainError(N_("Another employee already has NIP %(nip)s."), field="nip",
                          nip=employee.nip)


def _refuse_if_referenced(count_query, message):
    if db.session.execute(count_query).scalar():
        raise DomainError(message)


def _refuse_if_history_refers_to(item, message) -> None:
    """Soft delete: a row that any other table points at (plans, activities, evaluations, documents, trainings
    — including tables added later) is part of history; it is deactivated, never deleted."""
    table = type(item).__table__
    for other in db.metadata.sorted_tables:
        for key in other.foreign_keys:
            if other is not table and key.column.table is table and db.session.execute(
                    select(key.parent).where(key.parent == item.id).limit(1)).first():
                raise DomainError(message)


def check_agency_deletable(agency) -> None:
    _refuse_if_referenced(select(func.count()).select_from(Unit).where(Unit.agency_id == agency.id),
                          N_("This agency still has units; deactivate it instead of deleting it."))
    _refuse_if_history_refers_to(agency, N_("Other records refer to this agency; deactivate it instead of "
                                            "deleting it."))


def check_unit_deletable(unit) -> None:
    _refuse_if_referenced(
        select(func.count()).select_from(Position).where(Position.unit_id == unit.id),
        N_("This unit still has positions; deactivate it instead of deleting it."))
    _refuse_if_referenced(select(func.count()).select_from(Unit).where(Unit.parent_id == unit.id),
                          N_("This unit still has sub-units; deactivate it instead of deleting it."))
    _refuse_if_history_refers_to(unit, N_("Other records refer to this unit; deactivate it instead of deleting it."))


def check_position_deletable(position) -> None:
    _refuse_if_referenced(
        select(func.count()).select_from(Employee).where(Employee.position_id == position.id),
        N_("Employees still hold this position; deactivate it instead of deleting it."))
    _refuse_if_referenced(
        select(func.count()).select_from(Position).where(Position.parent_id == position.id),
        N_("Other positions report to this position; deactivate it instead of deleting it."))
    _refuse_if_history_refers_to(position, N_("Plans, evaluations or other records refer to this position; "
                                              "deactivate it instead of deleting it."))


def check_employee_deletable(employee) -> None:
    _refuse_if_referenced(
        select(func.count()).select_from(UserAccount).where(UserAccount.employee_id == employee.id),
        N_("A user account belongs to this employee; deactivate the employee instead of deleting."))
    _refuse_if_history_refers_to(employee, N_("This employee has a history (SKP, activities, evaluations or "
                                              "documents); deactivate the employee instead of deleting: the "
                                              "history stays."))
