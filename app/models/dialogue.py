"""Performance dialogue and continuous feedback (dialog kinerja, umpan balik berkelanjutan;
PermenPANRB 6/2022 Pasal 17–19, RULES §12).

Every row carries the employee it is about, their agency and their evaluator (``PlanScope``), so that the one
scope rule reads them without joins: the employee sees their own, the evaluator their team's, Leader, Agency
Admin and HR Admin those of their agencies. ``DialogueSchedule`` keeps one row per employee with the agreed
cadence and the dates of the last and the next dialogue, written in the transaction that records a dialogue,
so that a leaders' table or an agency count of overdue dialogues reads one row per employee.
"""
from flask_appbuilder.models.sqla import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import relationship

from app.domain.dialogue import DEFAULT_CADENCE_MONTHS
from app.models.activity import DailyActivity
from app.models.audit import utcnow
from app.models.employee import Employee
from app.models.organization import Agency, choice_label
from app.models.planning import PlanScope, WorkResult
from app.models.versioning import Versioned

DIALOGUE_STATUSES = (
    ("recorded", _l("Awaiting the employee's response")),
    ("acknowledged", _l("Acknowledged")),
    ("disagreed", _l("Acknowledged with disagreement")),
)
FEEDBACK_TARGETS = (("RESULT", _l("Result (RHK)")), ("ACTIVITY", _l("Daily activity")))
FEEDBACK_SOURCES = (("EVALUATOR", _l("Evaluator")), ("PEER", _l("Peer")))


class DialogueSchedule(PlanScope, Model):
    """The cadence agreed with one employee (Pasal 19; (policy) monthly by default) and, kept up to date by
    each recorded dialogue, the date of the last one and the agreed date of the next."""

    __tablename__ = "dialogue_schedule"
    __table_args__ = (
        UniqueConstraint("employee_id", name="uq_dialogue_schedule_employee"),
        # Overdue dialogues per agency: the rows of an agency whose next date has passed.
        Index("ix_dialogue_schedule_agency_next", "agency_id", "next_due_on"),
    )

    id = Column(Integer, primary_key=True)
    cadence_months = Column(Integer, nullable=False, default=DEFAULT_CADENCE_MONTHS)
    last_held_on = Column(Date)
    next_due_on = Column(Date)
    version = Column(Integer, nullable=False, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    employee = relationship(Employee, foreign_keys="DialogueSchedule.employee_id", lazy="selectin")

    def __str__(self):
        return str(self.employee or "")


class PerformanceDialogue(Versioned, PlanScope, Model):
    """One dialogue the evaluator held with the employee: what goes well, what to improve, topics per RHK,
    agreed actions and the agreed next date; the employee acknowledges it, or disagrees with a note."""

    __tablename__ = "performance_dialogue"
    __table_args__ = (Index("ix_performance_dialogue_employee_held", "employee_id", "held_on"),)

    id = Column(Integer, primary_key=True)
    held_on = Column(Date, nullable=False)
    next_due_on = Column(Date, nullable=False)
    went_well = Column(Text)
    to_improve = Column(Text)
    status = Column(String(12), nullable=False, default="recorded")
    employee_note = Column(Text)
    responded_at = Column(DateTime)
    recorded_by_id = Column(Integer, ForeignKey("ab_user.id"))
    created_at = Column(DateTime, nullable=False, default=utcnow)
    # row_version (Versioned): the evaluator's correction and the employee's acknowledgement are each made
    # on the version the person read, so neither silently undoes the other.

    employee = relationship(Employee, foreign_keys="PerformanceDialogue.employee_id", lazy="selectin")
    evaluator = relationship(Employee, foreign_keys="PerformanceDialogue.evaluator_id", lazy="selectin")
    agency = relationship(Agency, lazy="selectin")
    topics = relationship("DialogueTopic", back_populates="dialogue", lazy="selectin",
                          order_by="DialogueTopic.id", cascade="all, delete-orphan")
    actions = relationship("DialogueAction", back_populates="dialogue", lazy="selectin",
                           order_by="DialogueAction.id", cascade="all, delete-orphan")

    def __str__(self):
        return f"{self.held_on:%d-%m-%Y} — {self.employee.name if self.employee else ''}"

    @property
    def status_label(self):
        return choice_label(DIALOGUE_STATUSES, self.status)

    @property
    def responded(self) -> bool:
        return self.status != "recorded"


class DialogueTopic(PlanScope, Model):
    """What was discussed about one RHK of the employee's SKP (or, without one, about their work in general).
    The dialogue's scope is repeated on it, so it is read (and audited) like the dialogue."""

    __tablename__ = "dialogue_topic"

    id = Column(Integer, primary_key=True)
    dialogue_id = Column(Integer, ForeignKey("performance_dialogue.id", ondelete="CASCADE"), nullable=False,
                         index=True)
    work_result_id = Column(Integer, ForeignKey("work_result.id"), index=True)
    text = Column(Text, nullable=False)

    dialogue = relationship(PerformanceDialogue, back_populates="topics")
    work_result = relationship(WorkResult, lazy="selectin")

    def __str__(self):
        return self.text


class DialogueAction(PlanScope, Model):
    """An action agreed in a dialogue, with its due date (the dialogue's scope repeated, as on the topics)."""

    __tablename__ = "dialogue_action"

    id = Column(Integer, primary_key=True)
    dialogue_id = Column(Integer, ForeignKey("performance_dialogue.id", ondelete="CASCADE"), nullable=False,
                         index=True)
    text = Column(Text, nullable=False)
    due_on = Column(Date, nullable=False)

    dialogue = relationship(PerformanceDialogue, back_populates="actions")

    def __str__(self):
        return self.text


class DialogueRequest(PlanScope, Model):
    """Either side asks for a dialogue (Pasal 17: either may initiate); the next recorded dialogue with the
    employee answers every open request."""

    __tablename__ = "dialogue_request"
    __table_args__ = (Index("ix_dialogue_request_employee_status", "employee_id", "status"),)

    id = Column(Integer, primary_key=True)
    requested_by_id = Column(Integer, ForeignKey("employee.id"), nullable=False)
    note = Column(Text)
    status = Column(String(8), nullable=False, default="open")
    requested_at = Column(DateTime, nullable=False, default=utcnow)
    dialogue_id = Column(Integer, ForeignKey("performance_dialogue.id", ondelete="SET NULL"))

    employee = relationship(Employee, foreign_keys="DialogueRequest.employee_id", lazy="selectin")
    requested_by = relationship(Employee, foreign_keys=[requested_by_id], lazy="selectin")

    def __str__(self):
        return f"{self.requested_by.name if self.requested_by else ''}: {self.note or ''}"


class PerformanceFeedback(PlanScope, Model):
    """Feedback on one RHK or one daily activity of the employee, at any time, from the evaluator or (where
    HR enables it) a peer at the same level (Pasal 18(2)); the employee sees it as written."""

    __tablename__ = "performance_feedback"
    __table_args__ = (Index("ix_performance_feedback_employee_created", "employee_id", "created_at"),)

    id = Column(Integer, primary_key=True)
    target_kind = Column(String(10), nullable=False)
    work_result_id = Column(Integer, ForeignKey("work_result.id"), index=True)
    daily_activity_id = Column(Integer, ForeignKey("daily_activity.id", ondelete="CASCADE"), index=True)
    source = Column(String(10), nullable=False, default="EVALUATOR")
    author_id = Column(Integer, ForeignKey("employee.id"), nullable=False, index=True)
    text = Column(Text, nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)

    employee = relationship(Employee, foreign_keys="PerformanceFeedback.employee_id", lazy="selectin")
    author = relationship(Employee, foreign_keys=[author_id], lazy="selectin")
    work_result = relationship(WorkResult, lazy="selectin")
    daily_activity = relationship(DailyActivity, lazy="selectin")

    def __str__(self):
        return self.text

    @property
    def source_label(self):
        return choice_label(FEEDBACK_SOURCES, self.source)

    @property
    def target_label(self):
        return str(self.work_result or self.daily_activity or "")

    @property
    def result_id(self) -> int | None:
        """The RHK the feedback concerns, directly or through the activity reported on it."""
        if self.work_result_id:
            return self.work_result_id
        return self.daily_activity.work_result_id if self.daily_activity else None
