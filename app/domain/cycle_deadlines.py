"""The calendar of the performance cycle: its deadlines, counted in working days (RULES §12–§13).

Sources:
* PermenPANRB 6/2022 (RULES §12): the SKP is set by the end of January of its year.
* PermenPANRB 6/2022, annex Bab IV–V (RULES §13): periodic evaluation monthly or quarterly, annual at the
  end of December, at the latest the end of January; the evaluation document delivered to the employee within
  14 working days, returned signed by the employee within 14, reported within 30 after the period; when the
  evaluator is late the evaluator's superior (atasan pejabat penilai) evaluates and that result is final
  (A.11); an objection (keberatan) within 14 working days after receipt, decided by the superior within 7
  (Format D.1.3).
* Issue 23 (local policy where the annex leaves the count's starting day open): the evaluation is delivered
  within 14 working days after the window it covers ends, and "reported" means the evaluation became final.
  (policy) A reminder goes out 3 working days before each deadline.

Working days are Monday to Friday without the holidays HR keeps (``app.domain.workdays``); the holidays are
data the caller passes in. A deadline counted as "N working days after day D" is the N-th working day after
D (D itself does not count); the act is late from the next day on.
"""
from __future__ import annotations

import enum
from collections.abc import Container
from dataclasses import dataclass
from datetime import date, timedelta

from app.domain.messages import N_, DomainError
from app.domain.workdays import is_working_day

DEFAULT_EVALUATION_DAYS = 14      # annex Bab IV–V: evaluation document delivered
DEFAULT_RETURN_DAYS = 14          # returned signed by the employee
DEFAULT_REPORT_DAYS = 30          # reported after the period
DEFAULT_OBJECTION_DAYS = 14       # Format D.1.3: objection after receipt
DEFAULT_OBJECTION_DECISION_DAYS = 7   # decided by the superior
DEFAULT_REMINDER_DAYS = 3         # (policy) reminder ahead of each deadline
MAX_DEADLINE_DAYS = 60            # (policy) a longer count is a typing error, not a deadline
MAX_REMINDER_DAYS = 10
# The annex counts at most a few dozen working days; a quarter of weekdays without one working day means
# the holiday calendar is broken, not that the deadline lies further away.
_SEARCH_LIMIT_DAYS = 400


class DeadlineKind(enum.Enum):
    """The acts of the cycle that have a deadline, and who must act (RULES §12–§13)."""

    SKP = "skp"                         # the employee sets the SKP (the evaluator approves it)
    EVALUATION = "evaluation"           # the evaluator delivers the evaluation (submits it)
    RETURN = "return"                   # the employee returns it signed (acknowledges it)
    REPORT = "report"                   # the evaluator reports it (finalises it)
    OBJECTION = "objection"             # the evaluator's superior decides the employee's objection


class DeadlineState(enum.Enum):
    PENDING = "pending"       # before the reminder day
    DUE_SOON = "due_soon"     # from the reminder day to the deadline, both included
    OVERDUE = "overdue"       # after the deadline


@dataclass(frozen=True)
class CycleDeadlines:
    """A period's deadlines: the SKP date and the working-day counts of RULES §13 (each adjustable by HR)."""

    skp_due: date
    evaluation_days: int = DEFAULT_EVALUATION_DAYS
    return_days: int = DEFAULT_RETURN_DAYS
    report_days: int = DEFAULT_REPORT_DAYS
    objection_days: int = DEFAULT_OBJECTION_DAYS
    objection_decision_days: int = DEFAULT_OBJECTION_DECISION_DAYS
    reminder_days: int = DEFAULT_REMINDER_DAYS


def default_skp_due(year: int) -> date:
    """The SKP is set by the end of January of its year (PermenPANRB 6/2022; RULES §12)."""
    return date(year, 1, 31)


def default_deadlines(year: int) -> CycleDeadlines:
    """The regulation's defaults for the period of ``year`` (module docstring)."""
    return CycleDeadlines(skp_due=default_skp_due(year))


def check_deadlines(deadlines: CycleDeadlines, period_start: date, period_end: date) -> CycleDeadlines:
    """Refuse (DomainError naming the field) an SKP date outside the period, a working-day count outside
    1–60, or a reminder lead outside 0–10 working days."""
    if not period_start <= deadlines.skp_due <= period_end:
        raise DomainError(N_("The SKP deadline must lie inside the period."), field="skp_due")
    for field in ("evaluation_days", "return_days", "report_days", "objection_days", "objection_decision_days"):
        value = getattr(deadlines, field)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_DEADLINE_DAYS:
            raise DomainError(N_("A deadline must be a whole number of working days from 1 to %(max)d."),
                              field=field, max=MAX_DEADLINE_DAYS)
    lead = deadlines.reminder_days
    if isinstance(lead, bool) or not isinstance(lead, int) or not 0 <= lead <= MAX_REMINDER_DAYS:
        raise DomainError(N_("The reminder must come 0 to %(max)d working days before the deadline."),
                          field="reminder_days", max=MAX_REMINDER_DAYS)
    return deadlines


def _step(day: date, count: int, direction: int, holidays: Container[date]) -> date:
    if count < 0:
        raise DomainError(N_("A number of working days cannot be negative."), field="days")
    remaining, searched = count, 0
    while remaining:
        day += timedelta(days=direction)
        searched += 1
        if searched > _SEARCH_LIMIT_DAYS:
            raise DomainError(N_("The holiday calendar leaves no working day to count the deadline on."))
        remaining -= is_working_day(day, holidays)
    return day


def add_working_days(day: date, count: int, holidays: Container[date]) -> date:
    """The ``count``-th working day after ``day`` (``day`` itself does not count; 0 gives ``day``)."""
    return _step(day, count, 1, holidays)


def subtract_working_days(day: date, count: int, holidays: Container[date]) -> date:
    """The ``count``-th working day before ``day`` (0 gives ``day``)."""
    return _step(day, count, -1, holidays)


def evaluation_due(window_end: date, deadlines: CycleDeadlines, holidays: Container[date]) -> date:
    """The evaluator delivers the evaluation of a window by this day (annex Bab IV–V; issue 23)."""
    return add_working_days(window_end, deadlines.evaluation_days, holidays)


def return_due(delivered_on: date, deadlines: CycleDeadlines, holidays: Container[date]) -> date:
    """The employee returns the delivered evaluation signed by this day (annex Bab IV–V)."""
    return add_working_days(delivered_on, deadlines.return_days, holidays)


def report_due(window_end: date, deadlines: CycleDeadlines, holidays: Container[date]) -> date:
    """The evaluation of a window is reported (final) by this day (annex Bab IV–V)."""
    return add_working_days(window_end, deadlines.report_days, holidays)


def objection_due(received_on: date, deadlines: CycleDeadlines, holidays: Container[date]) -> date:
    """The employee may object to an evaluation received on ``received_on`` until this day (Format D.1.3)."""
    return add_working_days(received_on, deadlines.objection_days, holidays)


def objection_decision_due(objected_on: date, deadlines: CycleDeadlines, holidays: Container[date]) -> date:
    """The superior decides an objection filed on ``objected_on`` by this day (Format D.1.3)."""
    return add_working_days(objected_on, deadlines.objection_decision_days, holidays)


def reminder_day(deadline: date, deadlines: CycleDeadlines, holidays: Container[date]) -> date:
    """The day the person who must act is reminded: ``reminder_days`` working days before the deadline."""
    return subtract_working_days(deadline, deadlines.reminder_days, holidays)


def deadline_state(deadline: date, today: date, deadlines: CycleDeadlines,
                   holidays: Container[date]) -> DeadlineState:
    """Where ``today`` stands against ``deadline``: before its reminder, due soon, or overdue."""
    if today > deadline:
        return DeadlineState.OVERDUE
    if today >= reminder_day(deadline, deadlines, holidays):
        return DeadlineState.DUE_SOON
    return DeadlineState.PENDING


def evaluation_windows(kind: str, period_start: date, period_end: date) -> list[tuple[date, date]]:
    """The windows a period is evaluated in: its calendar months (``MONTHLY``), quarters (``QUARTERLY``) or
    the whole period (``ANNUAL``), each cut to the period (annex Bab IV; ``app.domain.evaluation_windows``)."""
    if kind == "ANNUAL":
        return [(period_start, period_end)]
    months = {"MONTHLY": 1, "QUARTERLY": 3}.get(kind)
    if months is None:
        raise DomainError(N_("The kind of evaluation must be monthly, quarterly or annual."), field="kind")
    windows, start = [], period_start
    while start <= period_end:
        first_month = (start.month - 1) // months * months + 1
        following = date(start.year + (first_month + months - 1) // 12, (first_month + months - 1) % 12 + 1, 1)
        end = min(following - timedelta(days=1), period_end)
        windows.append((start, end))
        start = following
    return windows
