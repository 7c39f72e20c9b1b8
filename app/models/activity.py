"""Daily activities (laporan kegiatan harian, RULES §11), holidays, and outreach events (sosialisasi).

Sized for 10 million activities: every list a page shows is served by one composite index —
an employee's week (employee_id, activity_date), an evaluator's queue (evaluator_id, status) and a
leader's dashboard (agency_id, activity_date). Agency, unit and evaluator are copied onto each row
so that scope filters and aggregates need no join.
"""
from flask_appbuilder.models.sqla import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import (Column, Date, DateTime, ForeignKey, Index, Integer, Numeric, String, Text, Time,
                        UniqueConstraint, text)
from sqlalchemy.orm import relationship

from app.models.employee import Employee
from app.models.organization import Agency, Unit, choice_label

ACTIVITY_STATUSES = (
    ("draft", _l("Draft")),
    ("submitted", _l("Submitted")),
    ("approved", _l("Approved")),
    ("returned", _l("Returned")),
)


class DailyActivity(Model):
    """What an employee did on a working day, linked to an RHK of their approved SKP or, without one,
    a direct assignment of the superior (Tugas Langsung Atasan)."""

    __tablename__ = "daily_activity"
    __scope_agency__ = "agency_id"
    __scope_owner__ = "employee_id"
    __scope_evaluator__ = "evaluator_id"
    __table_args__ = (
        Index("ix_daily_activity_employee_date", "employee_id", "activity_date"),
        Index("ix_daily_activity_evaluator_status", "evaluator_id", "status"),
        Index("ix_daily_activity_agency_date", "agency_id", "activity_date"),
        # Accumulation reads approved volume per indicator and date window.
        Index("ix_daily_activity_indicator_status_date", "result_indicator_id", "status", "activity_date"),
        # The dashboard's approval backlog and its age, per agency.
        Index("ix_daily_activity_status_agency_submitted", "status", "agency_id", "submitted_at"),
        # An employee's activities waiting for approval, counted in every writing transaction (the leaders'
        # table's running totals): a few entries per employee instead of their whole history.
        Index("ix_daily_activity_employee_waiting", "employee_id", postgresql_where=text("status = 'submitted'"),
              sqlite_where=text("status = 'submitted'")),
    )

    id = Column(Integer, primary_key=True)
    employee_id = Column(Integer, ForeignKey("employee.id"), nullable=False)
    agency_id = Column(Integer, ForeignKey("agency.id"), nullable=False)
    unit_id = Column(Integer, ForeignKey("unit.id"))
    evaluator_id = Column(Integer, ForeignKey("employee.id"))
    period_id = Column(Integer, ForeignKey("period.id"), nullable=False)
    work_result_id = Column(Integer, ForeignKey("work_result.id"))
    result_indicator_id = Column(Integer, ForeignKey("result_indicator.id"))
    activity_date = Column(Date, nullable=False)
    start_time = Column(Time, nullable=False)
    end_time = Column(Time, nullable=False)
    description = Column(Text, nullable=False)
    volume = Column(Numeric(12, 2), nullable=False)
    output_unit = Column(String(40), nullable=False)
    evidence_link = Column(String(500))
    evidence_stored_name = Column(String(64))
    evidence_original_name = Column(String(255))
    evidence_content_type = Column(String(40))
    evidence_size = Column(Integer)
    evidence_sha256 = Column(String(64))
    note = Column(Text)
    status = Column(String(10), nullable=False, default="draft")
    return_note = Column(Text)
    submitted_at = Column(DateTime)
    decided_by_user_id = Column(Integer, ForeignKey("ab_user.id"))
    decided_at = Column(DateTime)
    # Optimistic lock: of two evaluators deciding at once only the first UPDATE matches the version read.
    version_id = Column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version_id}

    employee = relationship(Employee, foreign_keys=[employee_id], lazy="selectin")
    evaluator = relationship(Employee, foreign_keys=[evaluator_id], lazy="selectin")
    agency = relationship(Agency, lazy="selectin")
    unit = relationship(Unit, lazy="selectin")
    period = relationship("Period", lazy="selectin")
    work_result = relationship("WorkResult", lazy="selectin")
    result_indicator = relationship("ResultIndicator", lazy="selectin")
    decided_by = relationship("UserAccount", lazy="selectin")

    def __str__(self):
        text = self.description or ""
        return f"{self.activity_date} {text if len(text) <= 60 else text[:57] + '...'}"

    @property
    def status_label(self):
        return choice_label(ACTIVITY_STATUSES, self.status)

    @property
    def result_label(self):
        return str(self.work_result) if self.work_result else str(_l("Direct assignment (Tugas Langsung Atasan)"))

    @property
    def has_evidence_file(self) -> bool:
        return bool(self.evidence_stored_name)


class IndicatorProgress(Model):
    """The approved volume of one IKI so far, added to in the transaction that approves an activity (an
    approved activity never changes again). The leader dashboard reads these ~50,000 running totals
    instead of summing millions of activities on every refresh; ``rebuild_indicator_progress`` recomputes
    them from the activities after a bulk load."""

    __tablename__ = "indicator_progress"

    result_indicator_id = Column(Integer, ForeignKey("result_indicator.id", ondelete="CASCADE"), primary_key=True)
    approved_volume = Column(Numeric(14, 2), nullable=False, default=0)
    approved_activities = Column(Integer, nullable=False, default=0)


class Holiday(Model):
    """A national holiday, cuti bersama or local day off: no activities are reported on it."""

    __tablename__ = "holiday"
    __scope_reference__ = True

    id = Column(Integer, primary_key=True)
    date = Column(Date, unique=True, nullable=False)
    name = Column(String(120), nullable=False)

    def __str__(self):
        return f"{self.date} {self.name}"


class OutreachEvent(Model):
    """A socialisation event (sosialisasi) that introduces the system to an agency's employees."""

    __tablename__ = "outreach_event"
    __scope_agency__ = "agency_id"
    __table_args__ = (Index("ix_outreach_event_agency_date", "agency_id", "date"),)

    id = Column(Integer, primary_key=True)
    agency_id = Column(Integer, ForeignKey("agency.id"), nullable=False)
    date = Column(Date, nullable=False)
    topic = Column(String(200), nullable=False)
    place = Column(String(200))

    agency = relationship(Agency, lazy="selectin")
    attendances = relationship("OutreachAttendance", back_populates="event", cascade="all, delete-orphan")

    def __str__(self):
        return f"{self.date} {self.topic}"


class OutreachAttendance(Model):
    """An employee who attended an outreach event; agency copied from the event for the scope filter."""

    __tablename__ = "outreach_attendance"
    __scope_agency__ = "agency_id"
    __table_args__ = (UniqueConstraint("event_id", "employee_id", name="uq_outreach_attendance"),)

    id = Column(Integer, primary_key=True)
    event_id = Column(Integer, ForeignKey("outreach_event.id"), nullable=False, index=True)
    agency_id = Column(Integer, ForeignKey("agency.id"), nullable=False, index=True)
    employee_id = Column(Integer, ForeignKey("employee.id"), nullable=False, index=True)

    event = relationship(OutreachEvent, back_populates="attendances")
    agency = relationship(Agency, lazy="selectin")
    employee = relationship(Employee, lazy="selectin")

    def __str__(self):
        return f"{self.event}: {self.employee}"
