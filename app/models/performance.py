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
