"""The performance allowance (TPP): the year's rule sets, the monthly calculations, the objections
(sanggahan) against them (issue 23; the rules in app.domain.tpp).

A rule set is never edited: HR Admin's change is the next version of the year, and a calculation names the
version it used. A calculation is never edited or deleted by a user (mapper guards below): a correction is
the next version for the same employee and month, so what finance was told stays on record.
"""
import json

from flask import has_request_context
from flask_appbuilder.models.sqla import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import (Boolean, Column, DateTime, ForeignKey, Index, Integer, Numeric, String, Text,
                        UniqueConstraint, event)
from sqlalchemy.orm import relationship

from app.domain.messages import N_, DomainError
from app.models.attendance import Decision
from app.models.audit import utcnow
from app.models.employee import Employee
from app.models.organization import Agency, choice_label
from app.models.planning import PlanScope

OBJECTION_STATUSES = (
    ("filed", _l("Awaiting a decision")),
    ("accepted", _l("Accepted")),
    ("rejected", _l("Rejected")),
)
RUPIAH = Numeric(14, 0)
PERCENT = Numeric(7, 3)


class TppRuleSet(Model):
    """One version of a year's TPP rules (the regent's regulation), as JSON that app.domain.tpp.parse_rules
    reads. Reference data: every signed-in user may read the rules their allowance follows."""

    __tablename__ = "tpp_rule_set"
    __scope_reference__ = True
    __table_args__ = (UniqueConstraint("year", "version", name="uq_tpp_rule_set_year_version"),)

    id = Column(Integer, primary_key=True)
    year = Column(Integer, nullable=False)
    version = Column(Integer, nullable=False)
    rules = Column(Text, nullable=False)
    reason = Column(String(255), nullable=False)
    created_by_id = Column(Integer, ForeignKey("ab_user.id"))
    created_at = Column(DateTime, nullable=False, default=utcnow)

    def __str__(self):
        return f"{self.year} v{self.version}"

    @property
    def data(self) -> dict:
        return json.loads(self.rules)


class TppCalculation(PlanScope, Model):
    """The TPP of one employee for one month under one rule-set version, with the explanation (JSON: every
    deduction with its rule and data, the days by status) the employee reads as "why was I cut"."""

    __tablename__ = "tpp_calculation"
    __table_args__ = (
        UniqueConstraint("employee_id", "year", "month", "version", name="uq_tpp_calculation_employee_month"),
        # The recap of an agency and month.
        Index("ix_tpp_calculation_agency_month", "agency_id", "year", "month"),
    )

    id = Column(Integer, primary_key=True)
    year = Column(Integer, nullable=False)
    month = Column(Integer, nullable=False)
    version = Column(Integer, nullable=False, default=1)
    rule_set_id = Column(Integer, ForeignKey("tpp_rule_set.id"), nullable=False)
    base_amount = Column(RUPIAH, nullable=False)
    achievement_percent = Column(PERCENT, nullable=False)
    performance_paid = Column(RUPIAH, nullable=False)
    deduction_percent = Column(PERCENT, nullable=False)
    deduction_percent_applied = Column(PERCENT, nullable=False)
    discipline_paid = Column(RUPIAH, nullable=False)
    amount = Column(RUPIAH, nullable=False)
    held = Column(Boolean, nullable=False, default=False)
    payable = Column(RUPIAH, nullable=False)
    explanation = Column(Text, nullable=False)
    correction_reason = Column(Text)
    created_by_id = Column(Integer, ForeignKey("ab_user.id"))
    created_at = Column(DateTime, nullable=False, default=utcnow)

    employee = relationship(Employee, foreign_keys="TppCalculation.employee_id", lazy="selectin")
    agency = relationship(Agency, lazy="selectin")
    rule_set = relationship(TppRuleSet, lazy="selectin")

    def __str__(self):
        return f"{self.month:02d}-{self.year} v{self.version} {self.employee.name if self.employee else ''}"

    @property
    def details(self) -> dict:
        return json.loads(self.explanation)


class TppObjection(Decision, PlanScope, Model):
    """The employee's objection (sanggahan) to a month's calculation; the evaluator or HR decides it. An
    accepted objection names the days it excuses, and the month is recalculated as a new version."""

    __tablename__ = "tpp_objection"
    __table_args__ = (Index("ix_tpp_objection_evaluator_status", "evaluator_id", "status"),)

    id = Column(Integer, primary_key=True)
    calculation_id = Column(Integer, ForeignKey("tpp_calculation.id"), nullable=False, index=True)
    # The new version an accepted objection produced.
    correction_id = Column(Integer, ForeignKey("tpp_calculation.id"))
    text = Column(Text, nullable=False)
    status = Column(String(10), nullable=False, default="filed")
    excused_days = Column(Text)          # ISO dates, comma-separated, set when accepted

    employee = relationship(Employee, foreign_keys="TppObjection.employee_id", lazy="selectin")
    calculation = relationship(TppCalculation, foreign_keys=[calculation_id], lazy="selectin")
    correction = relationship(TppCalculation, foreign_keys=[correction_id], lazy="selectin")

    def __str__(self):
        return self.text

    @property
    def status_label(self):
        return choice_label(OBJECTION_STATUSES, self.status)


CALCULATION_NEVER_CHANGES = N_("A calculated month never changes; a correction is a new version.")
RULE_SET_NEVER_CHANGES = N_("A rule set never changes once saved; save the next version instead.")


class RecordNeverChanges(DomainError):
    """A write that would change a stored TPP calculation or rule set."""


@event.listens_for(TppCalculation, "before_update")
def _calculation_never_changes(_mapper, _connection, _calculation):
    raise RecordNeverChanges(CALCULATION_NEVER_CHANGES)


@event.listens_for(TppRuleSet, "before_update")
def _rule_set_never_changes(_mapper, _connection, _rule_set):
    raise RecordNeverChanges(RULE_SET_NEVER_CHANGES)


@event.listens_for(TppCalculation, "before_delete")
@event.listens_for(TppRuleSet, "before_delete")
def _not_deleted_by_users(_mapper, _connection, _row):
    # Outside a request (maintenance, test clean-up) rows may still be removed.
    if has_request_context():
        raise RecordNeverChanges(CALCULATION_NEVER_CHANGES)
