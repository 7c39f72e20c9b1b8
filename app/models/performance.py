"""Running totals per employee for the leaders' performance table (issue 19).

One row per employee, kept by ``app.services.performance_totals`` in the transaction that writes the
activities or the SKP they come from, so that the table filters and sorts 20,000 employees by indexed
columns instead of counting ten million activities on each request.

The week and month counts are those of the week and the month of the employee's last report: activities
are never dated in the future (RULES §11), so a count whose week or month is not the current one means
"none yet this week/month". The achievement is that of the newest approved SKP of the newest period that
has one; the table shows it only while that period is the running one.
"""
from flask_appbuilder.models.sqla import Model
from sqlalchemy import Column, Date, ForeignKey, Index, Integer, Numeric


class EmployeePerformanceTotal(Model):
    __tablename__ = "employee_performance_total"
    __table_args__ = (
        Index("ix_employee_performance_total_achievement", "achievement_period_id", "achievement"),
        Index("ix_employee_performance_total_last_report", "last_reported_on"),
        Index("ix_employee_performance_total_week", "week_of", "week_count"),
        Index("ix_employee_performance_total_month", "month_of", "month_count"),
    )

    employee_id = Column(Integer, ForeignKey("employee.id", ondelete="CASCADE"), primary_key=True)
    # Non-draft activities (sent to the evaluator): the newest date, and the counts of its week and month.
    last_reported_on = Column(Date)
    week_of = Column(Date)
    week_count = Column(Integer, nullable=False, default=0)
    month_of = Column(Date)
    month_count = Column(Integer, nullable=False, default=0)
    waiting = Column(Integer, nullable=False, default=0)  # submitted, not yet approved or returned
    achievement_period_id = Column(Integer, ForeignKey("period.id", ondelete="SET NULL"))
    achievement = Column(Numeric(7, 2))  # percent, app.domain.achievement.plan_progress


class ActivityDayTotal(Model):
    """The activities of one agency on one day, for the leaders' monitoring dashboard (issue 21): how many were
    sent (not a draft) and how many wait for approval. Kept by ``app.services.performance_totals`` in the
    flush that writes the activities (a change of status, date or agency moves one count), so that the
    dashboard sums a few hundred rows instead of counting ten million activities on every poll. Keyed by
    the activity's own agency, the column the scope reads (an employee who moves keeps their history)."""

    __tablename__ = "activity_day_total"
    __scope_agency__ = "agency_id"

    agency_id = Column(Integer, ForeignKey("agency.id", ondelete="CASCADE"), primary_key=True)
    activity_date = Column(Date, primary_key=True)
    sent = Column(Integer, nullable=False, default=0)
    submitted = Column(Integer, nullable=False, default=0)


class WorkPlanAchievementTotal(Model):
    """Per approved SKP, its quantity IKIs with a target and the sum of their achievement shares (approved
    volume ÷ target, each capped at 1), with the SKP's scope columns and the employee's agency and unit of
    today: the dashboard's realisation per unit adds up one narrow row per SKP instead of joining every IKI
    of the period. Recomputed with the employee's running totals (also when the employee changes unit)."""

    __tablename__ = "work_plan_achievement_total"
    # The SKP's own scope columns: read_filter reads these rows as it reads the SKPs.
    __scope_agency__ = "agency_id"
    __scope_owner__ = "employee_id"
    __scope_evaluator__ = "evaluator_id"
    __table_args__ = (Index("ix_work_plan_achievement_total_period", "period_id"),)

    work_plan_id = Column(Integer, ForeignKey("work_plan.id", ondelete="CASCADE"), primary_key=True)
    period_id = Column(Integer, ForeignKey("period.id", ondelete="CASCADE"), nullable=False)
    agency_id = Column(Integer, ForeignKey("agency.id"), nullable=False)
    employee_id = Column(Integer, ForeignKey("employee.id", ondelete="CASCADE"), nullable=False)
    evaluator_id = Column(Integer, ForeignKey("employee.id"))
    employee_agency_id = Column(Integer, ForeignKey("agency.id"), nullable=False)
    employee_unit_id = Column(Integer, ForeignKey("unit.id"))
    indicators = Column(Integer, nullable=False, default=0)
    shares = Column(Numeric(20, 12), nullable=False, default=0)
