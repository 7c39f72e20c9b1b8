"""Attendance (presensi): machine PINs, the marks imported from machines, leave and duty records, machine
outages (issue 23; the rules in app.domain.attendance).

A mark is stored once per employee and moment (``uq_attendance_mark_employee_at``), so importing the same
export twice changes nothing. Times are the machine's local wall-clock time (WITA), as exported.
"""
from flask_appbuilder.models.sqla import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import declared_attr, relationship

from app.domain.attendance import Direction, LeaveKind
from app.models.audit import utcnow
from app.models.employee import Employee
from app.models.organization import Agency, choice_label
from app.models.planning import PlanScope

LEAVE_KINDS = tuple((kind.value, kind.label) for kind in LeaveKind)
DIRECTIONS = tuple((direction.value, direction.label) for direction in Direction)
LEAVE_STATUSES = (
    ("requested", _l("Awaiting the evaluator")),
    ("approved", _l("Approved")),
    ("rejected", _l("Rejected")),
)


class Decision:
    """A request decided once (leave, an objection): the note, who decided and when, and an optimistic lock so
    that of two decisions taken at once only the first wins."""

    decision_note = Column(Text)
    decided_at = Column(DateTime)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    version = Column(Integer, nullable=False, default=1, server_default="1")

    @declared_attr
    def decided_by_id(cls):
        return Column(Integer, ForeignKey("ab_user.id"))

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.version}


class AttendancePin(Model):
    """The number an attendance machine of an agency knows an employee by (when it does not use the NIP)."""

    __tablename__ = "attendance_pin"
    __scope_agency__ = "agency_id"
    __scope_owner__ = "employee_id"
    __table_args__ = (UniqueConstraint("agency_id", "pin", name="uq_attendance_pin_agency_pin"),)

    id = Column(Integer, primary_key=True)
    agency_id = Column(Integer, ForeignKey("agency.id"), nullable=False, index=True)
    employee_id = Column(Integer, ForeignKey("employee.id"), nullable=False, index=True)
    pin = Column(String(20), nullable=False)

    agency = relationship(Agency, lazy="selectin")
    employee = relationship(Employee, lazy="selectin")

    def __str__(self):
        return f"{self.pin} → {self.employee.name if self.employee else ''}"


class AttendanceMark(Model):
    """One arrival or departure scan as the machine exported it."""

    __tablename__ = "attendance_mark"
    __scope_agency__ = "agency_id"
    __scope_owner__ = "employee_id"
    __table_args__ = (
        UniqueConstraint("employee_id", "marked_at", name="uq_attendance_mark_employee_at"),
        # The monthly calculation of an agency reads its marks of one month.
        Index("ix_attendance_mark_agency_at", "agency_id", "marked_at"),
    )

    id = Column(Integer, primary_key=True)
    agency_id = Column(Integer, ForeignKey("agency.id"), nullable=False)
    employee_id = Column(Integer, ForeignKey("employee.id"), nullable=False)
    marked_at = Column(DateTime, nullable=False)
    direction = Column(String(3))
    source = Column(String(120))
    imported_at = Column(DateTime, nullable=False, default=utcnow)

    employee = relationship(Employee, lazy="selectin")

    def __str__(self):
        return f"{self.marked_at:%d-%m-%Y %H:%M}"

    @property
    def direction_label(self):
        return choice_label(DIRECTIONS, self.direction)


class LeaveRecord(Decision, PlanScope, Model):
    """Leave or duty (cuti, izin, sakit, dinas luar, tugas belajar) the employee requests and the evaluator
    approves: an approved day is not a day absent."""

    __tablename__ = "leave_record"
    __table_args__ = (Index("ix_leave_record_employee_dates", "employee_id", "starts_on", "ends_on"),)

    id = Column(Integer, primary_key=True)
    kind = Column(String(14), nullable=False)
    starts_on = Column(Date, nullable=False)
    ends_on = Column(Date, nullable=False)
    reason = Column(Text, nullable=False)
    status = Column(String(10), nullable=False, default="requested")

    employee = relationship(Employee, foreign_keys="LeaveRecord.employee_id", lazy="selectin")

    def __str__(self):
        return f"{self.kind_label} {self.starts_on:%d-%m-%Y}–{self.ends_on:%d-%m-%Y}"

    @property
    def kind_label(self):
        return choice_label(LEAVE_KINDS, self.kind)

    @property
    def status_label(self):
        return choice_label(LEAVE_STATUSES, self.status)


class AttendanceOutage(Model):
    """Days HR declared the attendance machines out of order, for one agency or (no agency) for all: those
    days cost nobody anything. Read by every signed-in user (an employee sees why a day is excused);
    written by HR administrators only."""

    __tablename__ = "attendance_outage"
    __scope_reference__ = True

    id = Column(Integer, primary_key=True)
    agency_id = Column(Integer, ForeignKey("agency.id"), index=True)
    starts_on = Column(Date, nullable=False)
    ends_on = Column(Date, nullable=False)
    reason = Column(String(255), nullable=False)
    declared_by_id = Column(Integer, ForeignKey("ab_user.id"))
    created_at = Column(DateTime, nullable=False, default=utcnow)

    agency = relationship(Agency, lazy="selectin")

    def __str__(self):
        return f"{self.starts_on:%d-%m-%Y}–{self.ends_on:%d-%m-%Y} {self.reason}"
