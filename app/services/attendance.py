"""Attendance use-cases (issue 23): importing machine exports, leave and duty requested and approved, outages
declared by HR, and the days of a month as the TPP calculation and the employee read them.

An import is planned first (``plan_marks``: per row new / already stored / rejected and why, nothing
written) and then written in ONE transaction (``import_marks`` plans the same file again against the
database as it is then). A mark is unique per employee and moment, so importing an export again, or an
export that overlaps the last one, adds only what is new. Marks are written as one multi-row INSERT with one
audit entry for the import (who, which file, how many): a month of a province is nearly a million marks.
"""
from __future__ import annotations

import datetime as dt
import os
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask import has_request_context, request
from sqlalchemy import insert, or_, select
from sqlalchemy.exc import IntegrityError

from app.domain.attendance import (ATTENDANCE_COLUMNS, DayAttendance, Direction, LeaveKind, Mark, WorkSchedule,
                                   assess_day, cell_direction, cell_moment, check_leave_dates, month_bounds,
                                   working_days_of_month)
from app.domain.enums import coerce_member
from app.domain.imports import cell_text, map_columns
from app.domain.messages import N_, DomainError
from app.extensions import db
from app.formatting import decimal
from app.models import Agency, Employee
from app.models.attendance import AttendanceMark, AttendanceOutage, AttendancePin, LeaveRecord
from app.models.audit import utcnow
from app.security.acts import may_decide_leave
from app.security.guards import ensure_writable
from app.security.scope import current_scope, scoped_select
from app.services.activity import holidays_between
from app.services.audit import append_entries
from app.services.dialogue import evaluator_of
from app.services.import_files import read_table
from app.services.transaction import ConcurrentChange, acting_user, run_in_transaction

NEW, ALREADY_STORED, REJECTED = "new", "stored", "rejected"
MAX_MARK_ROWS = 200_000
INSERT_CHUNK = 5_000
REASON_MAX_LENGTH = 255


def in_one_transaction(work, conflict: ConcurrentChange):
    """``run_in_transaction``, and a unique key that someone else's transaction took first (the same marks
    imported, the same month calculated or corrected at the same moment) is that conflict too (409), never a
    database error."""
    try:
        return run_in_transaction(work, conflict)
    except IntegrityError:
        raise conflict from None


@dataclass
class MarkRow:
    line: int
    status: str
    employee: str = ""
    at: dt.datetime | None = None
    error: DomainError | None = None


@dataclass
class MarkPlan:
    agency_id: int
    filename: str
    rows: list[MarkRow]
    new_marks: list[dict] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(row.status for row in self.rows)
        return {status: counted.get(status, 0) for status in (NEW, ALREADY_STORED, REJECTED)}


def _writable_agency(agency_id) -> Agency:
    agency = db.session.get(Agency, agency_id) if isinstance(agency_id, int) else None
    if agency is None:
        raise DomainError(N_("Choose the agency whose machines the file comes from."), field="agency")
    if not current_scope().can_write_agency(agency.id):
        raise DomainError(N_("You may only import data of the agencies you manage."), field="agency")
    return agency


def _cells(table) -> Iterable[tuple[int, dict]]:
    """(line, field → raw cell) for the rows under the header (the first non-empty row)."""
    columns = None
    for line, row in table:
        if columns is None:
            if any(cell_text(value) for value in row.values()):
                columns = map_columns([row.get(index) for index in range(max(row) + 1)], ATTENDANCE_COLUMNS)
                if "nip" not in columns and "pin" not in columns:
                    raise DomainError(N_("The file has no column \"%(header)s\"."), field="file", header="NIP / PIN")
                if "moment" not in columns and not {"date", "time"} <= set(columns):
                    raise DomainError(N_("The file has no column \"%(header)s\"."), field="file", header="Waktu")
            continue
        cells = {name: row.get(index) for name, index in columns.items()}
        if any(cell_text(value) for value in cells.values()):
            yield line, cells
    if columns is None:
        raise DomainError(N_("The file is empty."), field="file")


def plan_marks(data: bytes, filename: str, agency_id) -> MarkPlan:
    """What importing the file would do, row by row; writes nothing. An employee is named by NIP (an
    employee of this agency) or by the PIN this agency's machines know them by."""
    agency = _writable_agency(agency_id)
    employees = {nip: (employee_id, name) for employee_id, nip, name in db.session.execute(
        select(Employee.id, Employee.nip, Employee.name).where(Employee.agency_id == agency.id))}
    by_id = {employee_id: (nip, name) for nip, (employee_id, name) in employees.items()}
    pins = dict(db.session.execute(select(AttendancePin.pin, AttendancePin.employee_id)
                                   .where(AttendancePin.agency_id == agency.id)).all())
    plan = MarkPlan(agency.id, os.path.basename(filename or ""), [])
    parsed = []
    for line, cells in _cells(read_table(data, filename or "")):
        if len(plan.rows) >= MAX_MARK_ROWS:
            raise DomainError(N_("A file may hold at most %(count)s rows; split it into several files."),
                              field="file", count=decimal(MAX_MARK_ROWS, 0))
        row = MarkRow(line, REJECTED)
        plan.rows.append(row)
        try:
            employee_id = _employee_of(cells, employees, pins)
            row.employee = "%s (%s)" % by_id[employee_id][::-1]
            row.at = cell_moment(cells.get("moment"), cells.get("date"), cells.get("time")).replace(microsecond=0)
            direction = cell_direction(cells.get("direction"))
        except DomainError as error:
            row.error = error
            continue
        parsed.append((row, employee_id, direction))
    stored = _stored_moments(agency.id, [item[0].at for item in parsed])
    seen = set()
    for row, employee_id, direction in parsed:
        key = (employee_id, row.at)
        if key in stored or key in seen:
            row.status = ALREADY_STORED
            continue
        seen.add(key)
        row.status = NEW
        plan.new_marks.append({"agency_id": agency.id, "employee_id": employee_id, "marked_at": row.at,
                               "direction": direction.value if direction else None,
                               "source": plan.filename[:120] or None})
    return plan


def _employee_of(cells: dict, employees: dict, pins: dict) -> int:
    nip = cell_text(cells.get("nip")).replace(" ", "")
    if nip:
        if nip not in employees:
            raise DomainError(N_("No employee with NIP %(value)s in this agency."), field="nip", value=nip)
        return employees[nip][0]
    pin = cell_text(cells.get("pin"))
    if not pin:
        raise DomainError(N_("The row names no employee (NIP or PIN)."), field="nip")
    if pin not in pins:
        raise DomainError(N_("The machine PIN %(value)s belongs to nobody in this agency: record it on the "
                             "employee first."), field="pin", value=pin)
    return pins[pin]


def _stored_moments(agency_id: int, moments: list) -> set[tuple[int, dt.datetime]]:
    if not moments:
        return set()
    rows = db.session.execute(select(AttendanceMark.employee_id, AttendanceMark.marked_at).where(
        AttendanceMark.agency_id == agency_id, AttendanceMark.marked_at.between(min(moments), max(moments))))
    return {(employee_id, marked_at) for employee_id, marked_at in rows}


def import_marks(data: bytes, filename: str, agency_id) -> dict[str, int]:
    """Plan the file against the database as it is now and write its new marks in one transaction."""
    def work():
        plan = plan_marks(data, filename, agency_id)
        for start in range(0, len(plan.new_marks), INSERT_CHUNK):
            db.session.execute(insert(AttendanceMark), [
                {**mark, "imported_at": utcnow()} for mark in plan.new_marks[start:start + INSERT_CHUNK]])
        if plan.new_marks:
            audit_bulk_write(plan.filename, "AttendanceMark",
                             {"agency_id": {"after": plan.agency_id}, "marks": {"after": len(plan.new_marks)}})
        return plan.counts
    return in_one_transaction(work, ConcurrentChange(N_("Someone imported marks meanwhile; try again.")))


def audit_bulk_write(summary: str, entity: str, changes: dict) -> None:
    """One audit entry for a bulk write (an import, a month's calculation) instead of one per row."""
    user = acting_user()
    append_entries(db.session.connection(), [{
        "created_at": utcnow(), "user_id": getattr(user, "id", None),
        "username": getattr(user, "username", None) or "system",
        "ip_address": request.remote_addr if has_request_context() else None, "action": "create",
        "entity": entity, "entity_id": None, "summary": summary[:255], "changes": changes}])


def set_pin(employee_id: int, pin: str) -> AttendancePin:
    """Record the PIN this employee's agency machines know them by (replacing an earlier one)."""
    pin = cell_text(pin)
    if not pin or len(pin) > 20:
        raise DomainError(N_("Give the machine PIN (at most 20 characters)."), field="pin")

    def work():
        employee = db.session.scalar(scoped_select(Employee).where(Employee.id == employee_id))
        if employee is None:
            raise DomainError(N_("No such employee."), field="employee")
        ensure_writable(employee)
        taken = db.session.scalar(select(AttendancePin).where(AttendancePin.agency_id == employee.agency_id,
                                                              AttendancePin.pin == pin))
        if taken is not None and taken.employee_id != employee.id:
            raise DomainError(N_("The PIN %(value)s already belongs to %(name)s."), field="pin", value=pin,
                              name=taken.employee.name)
        record = db.session.scalar(select(AttendancePin).where(AttendancePin.employee_id == employee.id,
                                                               AttendancePin.agency_id == employee.agency_id))
        if record is None:
            record = AttendancePin(agency_id=employee.agency_id, employee_id=employee.id)
            db.session.add(record)
        record.pin = pin
        return record
    return in_one_transaction(work, ConcurrentChange(N_("Someone changed this PIN meanwhile; try again.")))


# --- leave and duty -------------------------------------------------------------------------------------

class LeaveConflict(ConcurrentChange):
    """The leave record was decided by someone else first (HTTP 409)."""


def required_text(text, field_name="reason") -> str:
    text = (text or "").strip() if isinstance(text, str) else ""
    if not text:
        raise DomainError(N_("Say why."), field=field_name)
    if len(text) > 2000:
        raise DomainError(N_("At most %(maximum)s characters."), field=field_name, maximum=2000)
    return text


def request_leave(kind, starts_on: dt.date, ends_on: dt.date, reason: str) -> LeaveRecord:
    """The acting employee asks for leave or duty days; their evaluator decides. Days overlapping an
    earlier request that is not rejected are refused (one day has one reason)."""
    kind = coerce_member(LeaveKind, kind, field="kind")
    if not isinstance(starts_on, dt.date) or not isinstance(ends_on, dt.date):
        raise DomainError(N_("Give the first and the last day."), field="starts_on")
    check_leave_dates(starts_on, ends_on)
    reason = required_text(reason)
    scope = current_scope()
    if scope.employee_id is None:
        raise DomainError(N_("Only an employee asks for their own leave."), field="employee")

    def work():
        employee = db.session.get(Employee, scope.employee_id)
        overlapping = db.session.scalar(select(LeaveRecord.id).where(
            LeaveRecord.employee_id == employee.id, LeaveRecord.status != "rejected",
            LeaveRecord.starts_on <= ends_on, LeaveRecord.ends_on >= starts_on).limit(1))
        if overlapping:
            raise DomainError(N_("Some of these days are already covered by another leave or duty record."),
                              field="starts_on")
        record = LeaveRecord(agency_id=employee.agency_id, employee_id=employee.id,
                             evaluator_id=evaluator_of(employee, starts_on), kind=kind.value,
                             starts_on=starts_on, ends_on=ends_on, reason=reason, status="requested")
        db.session.add(record)
        return record
    return in_one_transaction(work, LeaveConflict(N_("Someone changed this record meanwhile; try again.")))


def decide_leave(leave_id: int, approve: bool, note: str | None = None) -> LeaveRecord:
    """The evaluator named on the request approves or rejects it (never their own); a rejection says why."""
    if not isinstance(approve, bool):
        raise DomainError(N_("Approve or reject."), field="approve")

    def work():
        record = db.session.scalar(scoped_select(LeaveRecord).where(LeaveRecord.id == leave_id))
        if record is None:
            raise DomainError(N_("No such leave or duty record."), field="leave")
        if not may_decide_leave(record):
            raise DomainError(N_("Only the employee's evaluator decides this request."), field="leave")
        if record.status != "requested":
            raise DomainError(N_("This request has already been decided."), field="leave")
        record_decision(record, approve, note, "approved")
        return record
    return in_one_transaction(work, LeaveConflict(N_("Someone else decided this request first; reload it.")))


def record_decision(row, granted: bool, note: str | None, granted_status: str) -> None:
    """Write the decision on a request (leave, an objection): its status, the note (required to refuse),
    who decided and when."""
    row.status = granted_status if granted else "rejected"
    row.decision_note = ((note or "").strip() or None) if granted else required_text(note, "note")
    row.decided_by_id = getattr(acting_user(), "id", None)
    row.decided_at = utcnow()


def declare_outage(agency_id: int | None, starts_on: dt.date, ends_on: dt.date, reason: str) -> AttendanceOutage:
    """HR declares the machines out of order for some days, for one agency or for all: nobody is cut for
    those days. Only HR administrators declare it (reference data)."""
    if not isinstance(starts_on, dt.date) or not isinstance(ends_on, dt.date):
        raise DomainError(N_("Give the first and the last day."), field="starts_on")
    check_leave_dates(starts_on, ends_on)
    reason = required_text(reason)[:REASON_MAX_LENGTH]

    def work():
        agency = db.session.get(Agency, agency_id) if agency_id is not None else None
        if agency_id is not None and agency is None:
            raise DomainError(N_("No such agency."), field="agency")
        outage = AttendanceOutage(agency=agency, starts_on=starts_on, ends_on=ends_on, reason=reason,
                                  declared_by_id=getattr(acting_user(), "id", None))
        ensure_writable(outage)
        db.session.add(outage)
        return outage
    return in_one_transaction(work, ConcurrentChange(N_("Someone changed this record meanwhile; try again.")))


# --- the days of a month ------------------------------------------------------------------------------

def month_attendance(employees: list, year: int, month: int, schedule: WorkSchedule,
                     excused: dict[int, set[dt.date]] | None = None) -> dict[int, list[DayAttendance]]:
    """Every working day of the month for each employee (anything with ``id`` and ``agency_id``; one query per
    kind of record for all of them):
    outages of their agency or of all, approved leave, the objections accepted for a day, the marks."""
    first, last = month_bounds(year, month)
    working_days = working_days_of_month(year, month, holidays_between(first, last))
    ids = [employee.id for employee in employees]
    agency_ids = {employee.agency_id for employee in employees}
    outage_days: dict[int | None, set[dt.date]] = defaultdict(set)
    for agency_id, starts_on, ends_on in db.session.execute(select(
            AttendanceOutage.agency_id, AttendanceOutage.starts_on, AttendanceOutage.ends_on).where(
            AttendanceOutage.starts_on <= last, AttendanceOutage.ends_on >= first,
            or_(AttendanceOutage.agency_id.is_(None), AttendanceOutage.agency_id.in_(agency_ids)))):
        outage_days[agency_id].update(day for day in working_days if starts_on <= day <= ends_on)
    leave_days: dict[int, dict[dt.date, LeaveKind]] = defaultdict(dict)
    marks: dict[int, list[Mark]] = defaultdict(list)
    for chunk in in_chunks(ids):
        for employee_id, kind, starts_on, ends_on in db.session.execute(select(
                LeaveRecord.employee_id, LeaveRecord.kind, LeaveRecord.starts_on, LeaveRecord.ends_on).where(
                LeaveRecord.employee_id.in_(chunk), LeaveRecord.status == "approved",
                LeaveRecord.starts_on <= last, LeaveRecord.ends_on >= first)):
            for day in working_days:
                if starts_on <= day <= ends_on:
                    leave_days[employee_id][day] = LeaveKind(kind)
        for employee_id, marked_at, direction in db.session.execute(select(
                AttendanceMark.employee_id, AttendanceMark.marked_at, AttendanceMark.direction).where(
                AttendanceMark.employee_id.in_(chunk),
                AttendanceMark.marked_at >= dt.datetime.combine(first, dt.time()),
                AttendanceMark.marked_at < dt.datetime.combine(last + dt.timedelta(days=1), dt.time()))):
            marks[employee_id].append(Mark(marked_at, Direction(direction) if direction else None))
    excused = excused or {}
    result = {}
    for employee in employees:
        by_day = defaultdict(list)
        for mark in marks.get(employee.id, ()):
            by_day[mark.at.date()].append(mark)
        outages = outage_days.get(None, set()) | outage_days.get(employee.agency_id, set())
        leave = leave_days.get(employee.id, {})
        result[employee.id] = [
            assess_day(day, by_day.get(day, ()), schedule, leave=leave.get(day), outage=day in outages,
                       excused=day in excused.get(employee.id, ()))
            for day in working_days]
    return result


def in_chunks(ids: list[int], size: int = 900):
    # SQLite allows at most 999 bound parameters per statement.
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def my_leave() -> list[LeaveRecord]:
    scope = current_scope()
    return list(db.session.scalars(select(LeaveRecord).where(LeaveRecord.employee_id == scope.employee_id)
                                   .order_by(LeaveRecord.starts_on.desc())))


def leave_queue() -> list[LeaveRecord]:
    """The requests waiting for the acting evaluator."""
    scope = current_scope()
    return list(db.session.scalars(select(LeaveRecord).where(
        LeaveRecord.evaluator_id == scope.employee_id, LeaveRecord.status == "requested")
        .order_by(LeaveRecord.starts_on)))
