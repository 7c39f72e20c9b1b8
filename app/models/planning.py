"""Performance planning: periods, agency indicators (IKU) and ratings, employee work plans (SKP)
with their results (RHK), indicators (IKI) and behaviour expectations; and the reference data of the
work plan: the BerAKHLAK core values and their behaviour guides."""
from decimal import Decimal

from flask_appbuilder.models.sqla import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import (Column, Date, DateTime, ForeignKey, Index, Integer, Numeric, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import declared_attr, relationship

from app.domain.achievement import Direction, achievement
from app.domain.distribution import OrganizationPredikat
from app.models.employee import Employee
from app.models.organization import Agency, Position, choice_label
from app.models.versioning import Versioned


class CoreValue(Model):
    """One of the seven BerAKHLAK core values (SE MenPANRB 20/2021)."""

    __tablename__ = "core_value"
    __scope_reference__ = True

    id = Column(Integer, primary_key=True)
    code = Column(String(40), unique=True, nullable=False)
    name = Column(String(60), nullable=False)
    order = Column(Integer, nullable=False)

    guides = relationship("BehaviourGuide", order_by="BehaviourGuide.order", lazy="selectin",
                          back_populates="core_value")

    def __str__(self):
        return self.name


class BehaviourGuide(Model):
    """A behaviour guide (panduan perilaku) of a core value, seeded verbatim."""

    __tablename__ = "behaviour_guide"
    __scope_reference__ = True

    id = Column(Integer, primary_key=True)
    core_value_id = Column(Integer, ForeignKey("core_value.id"), nullable=False)
    order = Column(Integer, nullable=False)
    text = Column(Text, nullable=False)

    core_value = relationship(CoreValue, back_populates="guides")

    def __str__(self):
        return self.text


# --- Periods and agency indicators ------------------------------------------------------------

PERIOD_STATUSES = (
    ("planning", _l("Planning")),
    ("running", _l("Running")),
    ("evaluation", _l("Evaluation")),
    ("closed", _l("Closed")),
)
EVALUATION_WINDOWS = (("monthly", _l("Monthly")), ("quarterly", _l("Quarterly")))
DIRECTIONS = (("HIGHER_IS_BETTER", _l("Higher is better")), ("LOWER_IS_BETTER", _l("Lower is better")))
QUARTERS = ((1, _l("Quarter I")), (2, _l("Quarter II")), (3, _l("Quarter III")), (4, _l("Quarter IV")))


class Period(Model):
    """A performance year (periode penilaian); HR Admin opens and closes it."""

    __tablename__ = "period"
    __scope_reference__ = True

    id = Column(Integer, primary_key=True)
    year = Column(Integer, unique=True, nullable=False)
    name = Column(String(60), nullable=False)
    start_date = Column(Date, nullable=False)
    end_date = Column(Date, nullable=False)
    status = Column(String(12), nullable=False, default="planning")

    def __str__(self):
        return self.name

    @property
    def status_label(self):
        return choice_label(PERIOD_STATUSES, self.status)


class AgencyPeriodSetting(Model):
    """How often an agency evaluates its employees in a period (monthly or quarterly windows)."""

    __tablename__ = "agency_period_setting"
    __scope_agency__ = "agency_id"
    __table_args__ = (UniqueConstraint("agency_id", "period_id", name="uq_agency_period_setting"),)

    id = Column(Integer, primary_key=True)
    agency_id = Column(Integer, ForeignKey("agency.id"), nullable=False, index=True)
    period_id = Column(Integer, ForeignKey("period.id"), nullable=False, index=True)
    evaluation_window = Column(String(10), nullable=False, default="quarterly")

    agency = relationship(Agency, lazy="joined", innerjoin=True)
    period = relationship(Period, lazy="selectin")

    def __str__(self):
        return f"{self.agency} {self.period}"

    @property
    def evaluation_window_label(self):
        return choice_label(EVALUATION_WINDOWS, self.evaluation_window)


class OrganizationIndicator(Versioned, Model):
    """An agency's performance indicator (IKU) for a year, with its yearly target.

    Achievement (RULES §4) per quarter is the quarter's realisation against the
    yearly target. (policy) The yearly achievement is that of the latest
    reported quarter: indicators are cumulative or point-in-time rates
    (participation, coverage, prevalence), so the latest value is the year's
    value so far; summing quarters would be wrong for rates.
    """

    __tablename__ = "organization_indicator"
    __scope_agency__ = "agency_id"
    __table_args__ = (Index("ix_organization_indicator_agency_period", "agency_id", "period_id"),)

    id = Column(Integer, primary_key=True)
    agency_id = Column(Integer, ForeignKey("agency.id"), nullable=False, index=True)
    period_id = Column(Integer, ForeignKey("period.id"), nullable=False, index=True)
    name = Column(String(300), nullable=False)
    unit_of_measure = Column(String(40), nullable=False)
    direction = Column(String(20), nullable=False, default="HIGHER_IS_BETTER")
    baseline = Column(Numeric(18, 4))
    target = Column(Numeric(18, 4))
    range_low = Column(Numeric(18, 4))
    range_high = Column(Numeric(18, 4))

    agency = relationship(Agency, lazy="joined", innerjoin=True)
    period = relationship(Period, lazy="selectin")
    realisations = relationship("IndicatorRealisation", order_by="IndicatorRealisation.quarter",
                                lazy="selectin", back_populates="indicator", cascade="all, delete-orphan")

    def __str__(self):
        return self.name

    @property
    def direction_label(self):
        return choice_label(DIRECTIONS, self.direction)

    @property
    def has_target(self) -> bool:
        return self.target is not None or (self.range_low is not None and self.range_high is not None)

    def achievement_of(self, value) -> Decimal | None:
        """Capaian in percent of a realisation value, or None while there is nothing to compare."""
        if value is None or not self.has_target:
            return None
        target_range = None
        if self.range_low is not None and self.range_high is not None:
            target_range = (self.range_low, self.range_high)
        return achievement(value, self.target, Direction[self.direction], target_range=target_range)

    def quarter_achievement(self, quarter: int) -> Decimal | None:
        realisation = next((r for r in self.realisations if r.quarter == quarter), None)
        return self.achievement_of(realisation.value if realisation else None)

    @property
    def year_achievement(self) -> Decimal | None:
        """(policy) The latest reported quarter's achievement; see the class docstring."""
        return self.achievement_of(self.realisations[-1].value) if self.realisations else None


for _quarter in (1, 2, 3, 4):  # list columns of the achievement per quarter
    setattr(OrganizationIndicator, f"achievement_q{_quarter}",
            property(lambda self, quarter=_quarter: self.quarter_achievement(quarter)))


class IndicatorRealisation(Model):
    """The realisation of an agency indicator in one quarter, with its evidence."""

    __tablename__ = "indicator_realisation"
    __scope_agency__ = "agency_id"
    __table_args__ = (UniqueConstraint("indicator_id", "quarter", name="uq_indicator_realisation_quarter"),)

    id = Column(Integer, primary_key=True)
    indicator_id = Column(Integer, ForeignKey("organization_indicator.id"), nullable=False, index=True)
    # Copied from the indicator so the scope filter needs no join.
    agency_id = Column(Integer, ForeignKey("agency.id"), nullable=False, index=True)
    quarter = Column(Integer, nullable=False)
    value = Column(Numeric(18, 4), nullable=False)
    evidence_link = Column(String(500))
    note = Column(Text)

    indicator = relationship(OrganizationIndicator, back_populates="realisations", lazy="selectin")
    agency = relationship(Agency, lazy="selectin")

    def __str__(self):
        return f"{self.indicator} Q{self.quarter}"

    @property
    def achievement(self) -> Decimal | None:
        return self.indicator.achievement_of(self.value) if self.indicator else None


class OrganizationRating(Model):
    """The organisation predikat of an agency for a year, set by the leader one level up (RULES §6)."""

    __tablename__ = "organization_rating"
    __scope_agency__ = "agency_id"
    __table_args__ = (UniqueConstraint("agency_id", "period_id", name="uq_organization_rating_agency_period"),)

    id = Column(Integer, primary_key=True)
    agency_id = Column(Integer, ForeignKey("agency.id"), nullable=False, index=True)
    period_id = Column(Integer, ForeignKey("period.id"), nullable=False, index=True)
    predikat = Column(Integer, nullable=False)
    note = Column(Text)
    recorded_by_id = Column(Integer, ForeignKey("ab_user.id"))

    agency = relationship(Agency, lazy="joined", innerjoin=True)
    period = relationship(Period, lazy="selectin")
    recorded_by = relationship("UserAccount", lazy="selectin")

    def __str__(self):
        return f"{self.agency} {self.period}: {self.predikat_label}"

    @property
    def predikat_label(self):
        try:
            return OrganizationPredikat(self.predikat).label
        except ValueError:
            return str(self.predikat or "")


# --- Work plans (SKP) -------------------------------------------------------------------------

PLAN_STATUSES = (
    ("draft", _l("Draft")),
    ("submitted", _l("Submitted")),
    ("approved", _l("Approved")),
    ("returned", _l("Returned")),
)
APPROACHES = (("kuantitatif", _l("Quantitative")), ("kualitatif", _l("Qualitative")))
RESULT_GROUPS = (("UTAMA", _l("Main (Utama)")), ("TAMBAHAN", _l("Additional (Tambahan)")))
ASPECTS = (("KUANTITAS", _l("Quantity")), ("KUALITAS", _l("Quality")), ("WAKTU", _l("Time")),
           ("BIAYA", _l("Cost")))
PERSPECTIVES = (("PENERIMA_LAYANAN", _l("Service recipients")), ("PROSES_BISNIS", _l("Business process")),
                ("PENGUATAN_INTERNAL", _l("Internal strengthening")), ("ANGGARAN", _l("Budget")))


class PlanScope:
    """Owner, agency and evaluator of a plan, repeated on each of its rows so every list is scoped
    without joins: the employee sees their own, the evaluator the plans they evaluate."""

    __scope_agency__ = "agency_id"
    __scope_owner__ = "employee_id"
    __scope_evaluator__ = "evaluator_id"

    @declared_attr
    def agency_id(cls):
        return Column(Integer, ForeignKey("agency.id"), nullable=False, index=True)

    @declared_attr
    def employee_id(cls):
        return Column(Integer, ForeignKey("employee.id"), nullable=False, index=True)

    @declared_attr
    def evaluator_id(cls):
        return Column(Integer, ForeignKey("employee.id"), index=True)


class WorkPlan(PlanScope, Model):
    """An employee's SKP for a period; an approved version is locked, a revision is a new version."""

    __tablename__ = "work_plan"
    __table_args__ = (
        UniqueConstraint("employee_id", "period_id", "version", name="uq_work_plan_employee_period_version"),
        Index("ix_work_plan_agency_period", "agency_id", "period_id"),
    )

    id = Column(Integer, primary_key=True)
    period_id = Column(Integer, ForeignKey("period.id"), nullable=False, index=True)
    position_id = Column(Integer, ForeignKey("position.id"))
    evaluator_change_reason = Column(Text)
    approach = Column(String(12), nullable=False)
    status = Column(String(10), nullable=False, default="draft", index=True)
    return_note = Column(Text)
    version = Column(Integer, nullable=False, default=1)
    previous_version_id = Column(Integer, ForeignKey("work_plan.id"))
    submitted_at = Column(DateTime)
    approved_at = Column(DateTime)
    approved_by_user_id = Column(Integer, ForeignKey("ab_user.id"))
    resource_support = Column(Text)
    accountability_scheme = Column(Text)
    consequences = Column(Text)
    # Optimistic lock: an UPDATE carries "WHERE row_version = <as read>", so of two evaluators
    # approving at once only the first succeeds (the other's UPDATE matches no row).
    row_version = Column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": row_version}

    employee = relationship(Employee, foreign_keys="WorkPlan.employee_id", lazy="selectin")
    evaluator = relationship(Employee, foreign_keys="WorkPlan.evaluator_id", lazy="selectin")
    agency = relationship(Agency, lazy="joined", innerjoin=True)
    period = relationship(Period, lazy="selectin")
    position = relationship(Position, lazy="selectin")
    previous_version = relationship("WorkPlan", remote_side=[id])
    approved_by = relationship("UserAccount", lazy="selectin")
    results = relationship("WorkResult", back_populates="work_plan", order_by=lambda: (WorkResult.group.desc(), WorkResult.order), cascade="all, delete-orphan")
    expectations = relationship("BehaviourExpectation", back_populates="work_plan",
                                cascade="all, delete-orphan")

    def __str__(self):
        return f"SKP {self.period} — {self.employee.name if self.employee else ''} (v{self.version})"

    @property
    def status_label(self):
        return choice_label(PLAN_STATUSES, self.status)

    @property
    def approach_label(self):
        return choice_label(APPROACHES, self.approach)


class WorkResult(PlanScope, Model):
    """A planned result (RHK) of a work plan, linked to the superior's RHK it supports."""

    __tablename__ = "work_result"
    __table_args__ = (Index("ix_work_result_agency_plan", "agency_id", "work_plan_id"),)

    id = Column(Integer, primary_key=True)
    work_plan_id = Column(Integer, ForeignKey("work_plan.id"), nullable=False, index=True)
    group = Column(String(10), nullable=False, default="UTAMA")
    order = Column(Integer, nullable=False, default=1)
    description = Column(Text, nullable=False)
    supported_result_id = Column(Integer, ForeignKey("work_result.id"), index=True)
    organization_indicator_id = Column(Integer, ForeignKey("organization_indicator.id"), index=True)

    work_plan = relationship(WorkPlan, back_populates="results", lazy="selectin")
    # Loaded on access: eager loading would climb the cascade to the head of agency's plan.
    supported_result = relationship("WorkResult", remote_side=[id], lazy="select")
    organization_indicator = relationship(OrganizationIndicator, lazy="selectin")
    indicators = relationship("ResultIndicator", back_populates="work_result", lazy="selectin",
                              order_by="ResultIndicator.id", cascade="all, delete-orphan")

    def __str__(self):
        return self.description if len(self.description or "") <= 120 else self.description[:117] + "..."

    @property
    def group_label(self):
        return choice_label(RESULT_GROUPS, self.group)


class ResultIndicator(PlanScope, Model):
    """A measurable indicator (IKI) of an RHK with its target: a value (or range) or a text."""

    __tablename__ = "result_indicator"

    id = Column(Integer, primary_key=True)
    work_result_id = Column(Integer, ForeignKey("work_result.id"), nullable=False, index=True)
    aspect = Column(String(20), nullable=False)
    description = Column(Text, nullable=False)
    target_value = Column(Numeric(18, 4))
    target_high = Column(Numeric(18, 4))
    target_unit = Column(String(40))
    target_text = Column(Text)
    direction = Column(String(20), nullable=False, default="HIGHER_IS_BETTER")

    work_result = relationship(WorkResult, back_populates="indicators", lazy="selectin")

    def __str__(self):
        return self.description

    @property
    def aspect_label(self):
        return choice_label(ASPECTS + PERSPECTIVES, self.aspect)

    @property
    def target_display(self) -> str:
        if self.target_text and self.target_value is None:
            return self.target_text
        value = _plain_number(self.target_value)
        if self.target_high is not None:
            value = f"{value}–{_plain_number(self.target_high)}"
        return " ".join(part for part in (value, self.target_unit or "") if part)


class BehaviourExpectation(PlanScope, Model):
    """The evaluator's special expectation (Ekspektasi Khusus Pimpinan) on one BerAKHLAK core value."""

    __tablename__ = "behaviour_expectation"
    __table_args__ = (UniqueConstraint("work_plan_id", "core_value_id", name="uq_behaviour_expectation_value"),)

    id = Column(Integer, primary_key=True)
    work_plan_id = Column(Integer, ForeignKey("work_plan.id"), nullable=False, index=True)
    core_value_id = Column(Integer, ForeignKey("core_value.id"), nullable=False)
    leader_expectation = Column(Text)

    work_plan = relationship(WorkPlan, back_populates="expectations", lazy="selectin")
    core_value = relationship(CoreValue, lazy="selectin")

    def __str__(self):
        return str(self.core_value)


def _plain_number(value) -> str:
    """A Numeric without trailing zeros: 99.5000 → 99.5, 85.0000 → 85."""
    if value is None:
        return ""
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
