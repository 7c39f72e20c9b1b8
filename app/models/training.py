"""Competency development (RULES §9): the SIASN training kinds, programmes, participation and employees'
requests to join a programme."""
from flask_appbuilder.models.sqla import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import (Boolean, Column, Date, DateTime, ForeignKey, Integer, Numeric, String, Table, Text,
                        UniqueConstraint)
from sqlalchemy.orm import relationship

from app.models.audit import utcnow
from app.models.employee import Employee
from app.models.organization import Agency, choice_label
from app.models.versioning import Versioned

PARTICIPATION_STATUSES = (("registered", _l("Registered")), ("attended", _l("Attended")),
                          ("completed", _l("Completed")))
REQUEST_STATUSES = (("pending", _l("Waiting for the evaluator")), ("approved", _l("Approved")),
                    ("rejected", _l("Rejected")))


class TrainingKind(Model):
    __tablename__ = "training_kind"
    __scope_reference__ = True

    id = Column(Integer, primary_key=True)
    code = Column(String(40), unique=True, nullable=False)
    name = Column(String(100), nullable=False)
    classical = Column(Boolean, nullable=False)

    def __str__(self):
        return self.name


training_programme_agency = Table(
    "training_programme_agency", Model.metadata,
    Column("programme_id", Integer, ForeignKey("training_programme.id", ondelete="CASCADE"), primary_key=True),
    Column("agency_id", Integer, ForeignKey("agency.id", ondelete="CASCADE"), primary_key=True),
)


class TrainingProgramme(Versioned, Model):
    """A programme HR Admin (BKPSDM) runs or records; every signed-in user may read it to request a place.

    ``competency_area`` names what it develops; the needs page matches it to weak SKM elements
    (e.g. "Perilaku Pelaksana") and the effect page compares participants before and after.
    """

    __tablename__ = "training_programme"
    __scope_reference__ = True

    id = Column(Integer, primary_key=True)
    code = Column(String(40), unique=True, nullable=False)
    name = Column(String(200), nullable=False)
    kind_id = Column(Integer, ForeignKey("training_kind.id"), nullable=False)
    organiser = Column(String(200), nullable=False)
    start_date = Column(Date, nullable=False)
    end_date = Column(Date, nullable=False)
    jp = Column(Numeric(6, 2), nullable=False)
    competency_area = Column(String(120))
    # An SKM element code (U1–U9) the programme is meant to improve at service counters, if any.
    survey_element_code = Column(String(4))
    quota = Column(Integer)

    kind = relationship(TrainingKind, lazy="selectin")
    target_agencies = relationship(Agency, secondary=training_programme_agency, lazy="selectin")

    def __str__(self):
        return f"{self.name} ({self.start_date:%d-%m-%Y})"

    @property
    def classical_label(self):
        return _l("Classical") if self.kind and self.kind.classical else _l("Non-classical")


class TrainingParticipation(Model):
    """One employee in one programme: registered, attended, completed with certificate and JP earned."""

    __tablename__ = "training_participation"
    __scope_agency__ = "agency_id"
    __scope_owner__ = "employee_id"
    __table_args__ = (UniqueConstraint("programme_id", "employee_id", name="uq_training_participation"),)

    id = Column(Integer, primary_key=True)
    programme_id = Column(Integer, ForeignKey("training_programme.id"), nullable=False, index=True)
    employee_id = Column(Integer, ForeignKey("employee.id"), nullable=False, index=True)
    agency_id = Column(Integer, ForeignKey("agency.id"), nullable=False, index=True)
    status = Column(String(12), nullable=False, default="registered")
    completed_on = Column(Date, index=True)
    jp_earned = Column(Numeric(6, 2))
    # The duration when the JP were given as one ("270 menit"): the JP are computed from it with the
    # minutes-per-JP policy of the completion's year, and follow that policy while the year is open.
    minutes = Column(Integer)
    certificate_number = Column(String(100))
    certificate_file = Column(String(255))
    pre_score = Column(Numeric(5, 2))
    post_score = Column(Numeric(5, 2))

    programme = relationship(TrainingProgramme, lazy="selectin")
    employee = relationship(Employee, lazy="selectin")
    agency = relationship(Agency, lazy="joined", innerjoin=True)

    def __str__(self):
        return f"{self.programme.name if self.programme else ''} — {self.employee.name if self.employee else ''}"

    @property
    def status_label(self):
        return choice_label(PARTICIPATION_STATUSES, self.status)


class EmployeeJpYear(Model):
    """The JP one employee earned by completed trainings in one year (by completion date). Kept by
    ``app.services.training_totals`` in the transaction that writes a participation (issue 21), so that the
    20-JP compliance of a whole government reads one row per employee instead of summing every completion on
    each page."""

    __tablename__ = "employee_jp_year"

    employee_id = Column(Integer, ForeignKey("employee.id", ondelete="CASCADE"), primary_key=True)
    year = Column(Integer, primary_key=True)
    jp = Column(Numeric(8, 2), nullable=False, default=0)


class TrainingRequest(Model):
    """An employee's request to join a programme; the evaluator (direct superior) decides."""

    __tablename__ = "training_request"
    __scope_agency__ = "agency_id"
    __scope_owner__ = "employee_id"
    __scope_evaluator__ = "evaluator_id"

    id = Column(Integer, primary_key=True)
    programme_id = Column(Integer, ForeignKey("training_programme.id"), nullable=False, index=True)
    employee_id = Column(Integer, ForeignKey("employee.id"), nullable=False, index=True)
    evaluator_id = Column(Integer, ForeignKey("employee.id"), index=True)
    agency_id = Column(Integer, ForeignKey("agency.id"), nullable=False, index=True)
    reason = Column(Text)
    status = Column(String(10), nullable=False, default="pending", index=True)
    note = Column(Text)
    requested_at = Column(DateTime, nullable=False, default=utcnow)
    decided_at = Column(DateTime)

    programme = relationship(TrainingProgramme, lazy="selectin")
    employee = relationship(Employee, foreign_keys=[employee_id], lazy="selectin")
    evaluator = relationship(Employee, foreign_keys=[evaluator_id], lazy="selectin")
    agency = relationship(Agency, lazy="joined", innerjoin=True)

    def __str__(self):
        return str(self.programme or "")

    @property
    def status_label(self):
        return choice_label(REQUEST_STATUSES, self.status)
