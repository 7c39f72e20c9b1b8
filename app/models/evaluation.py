"""Performance evaluation (evaluasi kinerja, PermenPANRB 6/2022): an evaluation of an approved SKP for a
window, its realisation per indicator (IKI), feedback per RHK and per BerAKHLAK value, and the HR Admin's
override of a broken distribution curve (SE MenPANRB 03/2023)."""
from flask_appbuilder.models.sqla import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import (Column, Date, DateTime, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint,
                        text)
from sqlalchemy.orm import relationship

from app.domain.predikat import Predikat, Rating, employee_predikat
from app.models.audit import utcnow
from app.models.employee import Employee
from app.models.organization import Agency, choice_label
from app.models.planning import CoreValue, Period, PlanScope, ResultIndicator, WorkPlan, WorkResult

EVALUATION_KINDS = (("MONTHLY", _l("Monthly")), ("QUARTERLY", _l("Quarterly")), ("ANNUAL", _l("Annual")))
EVALUATION_STATUSES = (
    ("draft", _l("Draft")),
    ("submitted", _l("Submitted")),
    ("acknowledged", _l("Acknowledged")),
    ("final", _l("Final")),
)
FEEDBACK_TARGETS = (("RESULT", _l("Result (RHK)")), ("CORE_VALUE", _l("Core value")))
# The superior's decision on an objection (Format D.1.3): the result stands, or it is changed.
OBJECTION_OUTCOMES = (("confirmed", _l("Result confirmed")), ("changed", _l("Result changed")))


def _member_label(enum, code) -> str:
    try:
        return enum(code).label
    except ValueError:
        return ""


class Evaluation(PlanScope, Model):
    """The evaluation of one approved SKP for one window; final is locked, a correction is a new version.

    The predikat is stored only as the matrix's answer to the two ratings (the service sets it), so lists
    and the distribution curve count it without recomputing.
    """

    __tablename__ = "evaluation"
    __table_args__ = (
        UniqueConstraint("work_plan_id", "kind", "window_start", "version", name="uq_evaluation_window_version"),
        Index("ix_evaluation_agency_period_kind", "agency_id", "period_id", "kind"),
        # "The latest version" is NOT EXISTS (a row whose previous_id is this one), which SQLite would otherwise
        # answer by scanning every evaluation for every evaluation; only corrections have one, so the index
        # holds only them (a whole government's distribution probes a handful of rows, not 80,000).
        Index("ix_evaluation_previous_id", "previous_id", postgresql_where=text("previous_id IS NOT NULL"),
              sqlite_where=text("previous_id IS NOT NULL")),
        # The leaders' home counts the annual predikat per agency and year from the index alone (issue 21).
        Index("ix_evaluation_annual_predikat", "agency_id", postgresql_include=["predikat", "period_id", "id"],
              postgresql_where=text("kind = 'ANNUAL' AND predikat IS NOT NULL"),
              sqlite_where=text("kind = 'ANNUAL' AND predikat IS NOT NULL")),
    )

    id = Column(Integer, primary_key=True)
    work_plan_id = Column(Integer, ForeignKey("work_plan.id"), nullable=False, index=True)
    period_id = Column(Integer, ForeignKey("period.id"), nullable=False, index=True)
    kind = Column(String(10), nullable=False)
    window_start = Column(Date, nullable=False)
    window_end = Column(Date, nullable=False)
    status = Column(String(12), nullable=False, default="draft", index=True)
    work_result_rating = Column(Integer)
    behaviour_rating = Column(Integer)
    predikat = Column(Integer)
    objection = Column(Text)
    version = Column(Integer, nullable=False, default=1)
    previous_id = Column(Integer, ForeignKey("evaluation.id"))  # indexed above
    correction_reason = Column(Text)
    submitted_at = Column(DateTime)
    acknowledged_at = Column(DateTime)
    finalised_at = Column(DateTime)
    # The objection (keberatan, Format D.1.3): who decides it — the evaluator's superior (atasan pejabat
    # penilai), named when the employee files it, None when the evaluator has no superior in the system (HR
    # records the decision then; app.security.acts.may_decide_objection) — and the decision, after which the
    # result is final. A change keeps the ratings the evaluation had before it.
    objection_decider_id = Column(Integer, ForeignKey("employee.id"), index=True)
    objection_outcome = Column(String(10))
    objection_decision = Column(Text)
    objection_decided_at = Column(DateTime)
    objection_decided_by_id = Column(Integer, ForeignKey("ab_user.id"))
    objection_prior_work_result_rating = Column(Integer)
    objection_prior_behaviour_rating = Column(Integer)
    # Optimistic lock: of two people changing one evaluation at once, the second write fails (409).
    row_version = Column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": row_version}
    # The superior who decides its objection reads it too (app.security.scope.read_filter).
    __scope_deciders__ = ("objection_decider_id",)

    work_plan = relationship(WorkPlan, lazy="selectin")
    period = relationship(Period, lazy="selectin")
    employee = relationship(Employee, foreign_keys="Evaluation.employee_id", lazy="selectin")
    evaluator = relationship(Employee, foreign_keys="Evaluation.evaluator_id", lazy="selectin")
    agency = relationship(Agency, lazy="joined", innerjoin=True)
    previous = relationship("Evaluation", remote_side=[id])
    objection_decider = relationship(Employee, foreign_keys="Evaluation.objection_decider_id", lazy="select")
    realisations = relationship("EvaluationRealisation", back_populates="evaluation", lazy="selectin",
                                order_by="EvaluationRealisation.id", cascade="all, delete-orphan")
    feedback = relationship("Feedback", back_populates="evaluation", lazy="selectin",
                            order_by="Feedback.created_at", cascade="all, delete-orphan")

    def __str__(self):
        name = self.employee.name if self.employee else ""
        return f"{self.kind_label} {self.window_start:%d-%m-%Y}–{self.window_end:%d-%m-%Y} — {name} (v{self.version})"

    @property
    def kind_label(self):
        return choice_label(EVALUATION_KINDS, self.kind)

    @property
    def status_label(self):
        return choice_label(EVALUATION_STATUSES, self.status)

    @property
    def work_result_rating_label(self):
        return _member_label(Rating, self.work_result_rating)

    @property
    def behaviour_rating_label(self):
        return _member_label(Rating, self.behaviour_rating)

    @property
    def predikat_label(self):
        return _member_label(Predikat, self.predikat)

    @property
    def objection_pending(self) -> bool:
        """An objection was filed and its decision is still to come."""
        return bool(self.objection) and self.objection_outcome is None

    @property
    def objection_outcome_label(self):
        return choice_label(OBJECTION_OUTCOMES, self.objection_outcome)

    @property
    def objection_prior_predikat_label(self) -> str:
        """The predikat the evaluation had before the superior changed it ("" when unchanged)."""
        if None in (self.objection_prior_work_result_rating, self.objection_prior_behaviour_rating):
            return ""
        return employee_predikat(self.objection_prior_work_result_rating,
                                 self.objection_prior_behaviour_rating).label


class EvaluationRealisation(PlanScope, Model):
    """The realisation of one IKI in the window: prefilled from approved activities; a changed value
    keeps the prefilled one and the reason, so the evaluator's correction stays visible."""

    __tablename__ = "evaluation_realisation"
    __table_args__ = (UniqueConstraint("evaluation_id", "result_indicator_id", name="uq_evaluation_realisation"),)

    id = Column(Integer, primary_key=True)
    evaluation_id = Column(Integer, ForeignKey("evaluation.id"), nullable=False, index=True)
    result_indicator_id = Column(Integer, ForeignKey("result_indicator.id"), nullable=False)
    prefilled_value = Column(Numeric(18, 4))
    value = Column(Numeric(18, 4))
    change_reason = Column(Text)
    evidence_link = Column(String(500))

    evaluation = relationship(Evaluation, back_populates="realisations")
    result_indicator = relationship(ResultIndicator, lazy="selectin")

    def __str__(self):
        return str(self.result_indicator)


class Feedback(PlanScope, Model):
    """Continuous feedback of the evaluator on one RHK or one BerAKHLAK value, shown to the employee as written."""

    __tablename__ = "evaluation_feedback"

    id = Column(Integer, primary_key=True)
    evaluation_id = Column(Integer, ForeignKey("evaluation.id"), nullable=False, index=True)
    target_kind = Column(String(12), nullable=False)
    work_result_id = Column(Integer, ForeignKey("work_result.id"))
    core_value_id = Column(Integer, ForeignKey("core_value.id"))
    text = Column(Text, nullable=False)
    author_id = Column(Integer, ForeignKey("ab_user.id"))
    created_at = Column(DateTime, nullable=False, default=utcnow)

    evaluation = relationship(Evaluation, back_populates="feedback")
    work_result = relationship(WorkResult, lazy="selectin")
    core_value = relationship(CoreValue, lazy="selectin")
    author = relationship("UserAccount", lazy="selectin")

    def __str__(self):
        return self.text


class CurveOverride(Model):
    """HR Admin's decision to finalise an agency's annual period although its curve is broken, with the reason."""

    __tablename__ = "curve_override"
    __scope_agency__ = "agency_id"
    __table_args__ = (UniqueConstraint("agency_id", "period_id", name="uq_curve_override_agency_period"),)

    id = Column(Integer, primary_key=True)
    agency_id = Column(Integer, ForeignKey("agency.id"), nullable=False, index=True)
    period_id = Column(Integer, ForeignKey("period.id"), nullable=False, index=True)
    reason = Column(Text, nullable=False)
    recorded_by_id = Column(Integer, ForeignKey("ab_user.id"))
    recorded_at = Column(DateTime, nullable=False, default=utcnow)

    agency = relationship(Agency, lazy="joined", innerjoin=True)
    period = relationship(Period, lazy="selectin")
    recorded_by = relationship("UserAccount", lazy="selectin")

    def __str__(self):
        return f"{self.agency} {self.period}"
