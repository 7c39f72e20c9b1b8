"""The calendar of the performance cycle (issue 23; rules in app.domain.cycle_deadlines): each period's
deadlines, the reminders sent before them, and the hand-off of an overdue evaluation to the evaluator's own
superior (atasan pejabat penilai)."""
from flask_appbuilder.models.sqla import Model
from sqlalchemy import Column, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import backref, relationship

from app.domain import cycle_deadlines as rules
from app.models.audit import utcnow
from app.models.employee import Employee
from app.models.evaluation import Evaluation
from app.models.organization import Agency
from app.models.planning import Period


class CycleDeadline(Model):
    """A period's deadlines: the SKP date and the working-day counts, filled from the regulation's defaults
    and adjusted by HR Admin (reference data: every signed-in user reads them, only HR changes them)."""

    __tablename__ = "cycle_deadline"
    __scope_reference__ = True
    __table_args__ = (UniqueConstraint("period_id", name="uq_cycle_deadline_period_id"),)

    id = Column(Integer, primary_key=True)
    period_id = Column(Integer, ForeignKey("period.id", ondelete="CASCADE"), nullable=False)
    skp_due = Column(Date, nullable=False)
    evaluation_days = Column(Integer, nullable=False, default=rules.DEFAULT_EVALUATION_DAYS)
    return_days = Column(Integer, nullable=False, default=rules.DEFAULT_RETURN_DAYS)
    report_days = Column(Integer, nullable=False, default=rules.DEFAULT_REPORT_DAYS)
    objection_days = Column(Integer, nullable=False, default=rules.DEFAULT_OBJECTION_DAYS)
    objection_decision_days = Column(Integer, nullable=False, default=rules.DEFAULT_OBJECTION_DECISION_DAYS)
    reminder_days = Column(Integer, nullable=False, default=rules.DEFAULT_REMINDER_DAYS)

    period = relationship(Period, lazy="joined", innerjoin=True)

    def __str__(self):
        return str(self.period) if self.period else ""

    def as_rule(self) -> rules.CycleDeadlines:
        return rules.CycleDeadlines(
            skp_due=self.skp_due, evaluation_days=self.evaluation_days, return_days=self.return_days,
            report_days=self.report_days, objection_days=self.objection_days,
            objection_decision_days=self.objection_decision_days, reminder_days=self.reminder_days)


class DeadlineReminder(Model):
    """A reminder sent to one employee about one deadline of one row: the unique key makes the reminder
    once per deadline however often the clock ticks. Bookkeeping of the tick, never listed to users."""

    __tablename__ = "deadline_reminder"
    __table_args__ = (UniqueConstraint("kind", "subject_id", "due_on", "recipient_id",
                                       name="uq_deadline_reminder_once"),)

    id = Column(Integer, primary_key=True)
    kind = Column(String(20), nullable=False)
    subject_id = Column(Integer, nullable=False)
    due_on = Column(Date, nullable=False)
    recipient_id = Column(Integer, ForeignKey("employee.id", ondelete="CASCADE"), nullable=False, index=True)
    sent_at = Column(DateTime, nullable=False, default=utcnow)
    emailed_at = Column(DateTime)


class EvaluationHandOff(Model):
    """An evaluation the evaluator did not deliver by its deadline, passed to the evaluator's own superior,
    whose decision is final (PermenPANRB 6/2022 annex, A.11): who had it, who has it, why and when."""

    __tablename__ = "evaluation_hand_off"
    __scope_agency__ = "agency_id"
    __table_args__ = (UniqueConstraint("evaluation_id", name="uq_evaluation_hand_off_evaluation_id"),)

    id = Column(Integer, primary_key=True)
    evaluation_id = Column(Integer, ForeignKey("evaluation.id", ondelete="CASCADE"), nullable=False)
    agency_id = Column(Integer, ForeignKey("agency.id"), nullable=False, index=True)
    from_evaluator_id = Column(Integer, ForeignKey("employee.id"), nullable=False)
    to_evaluator_id = Column(Integer, ForeignKey("employee.id"), nullable=False, index=True)
    due_on = Column(Date, nullable=False)
    handed_on = Column(Date, nullable=False)
    reason = Column(Text, nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)

    evaluation = relationship(Evaluation, backref=backref("hand_off", uselist=False, lazy="select"))
    agency = relationship(Agency, lazy="joined", innerjoin=True)
    from_evaluator = relationship(Employee, foreign_keys=[from_evaluator_id], lazy="selectin")
    to_evaluator = relationship(Employee, foreign_keys=[to_evaluator_id], lazy="selectin")

    def __str__(self):
        return f"{self.evaluation}: {self.from_evaluator} → {self.to_evaluator}"
