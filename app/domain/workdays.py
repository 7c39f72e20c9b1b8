"""Working days and the date and time rules of daily activities (RULES §11)."""
from __future__ import annotations

from collections.abc import Container
from datetime import date, time, timedelta

from app.domain.messages import DomainError, N_

_FRIDAY = 4


def is_working_day(day: date, holidays: Container[date]) -> bool:
    """Monday to Friday and not in ``holidays`` (RULES §11).

    ``holidays`` holds national holidays, cuti bersama and local days off:
    they change every year, so they are data the caller passes in.
    """
    return day.weekday() <= _FRIDAY and day not in holidays


def working_days_between(start: date, end: date, holidays: Container[date]) -> int:
    """Working days from ``start`` to ``end``, both included."""
    if end < start:
        raise DomainError(N_("The end date cannot be before the start date"), field="end")
    return sum(is_working_day(start + timedelta(days=offset), holidays)
               for offset in range((end - start).days + 1))


def validate_activity_times(start_time: time, end_time: time) -> None:
    """A daily activity ends after it starts, on the same day (RULES §11)."""
    if end_time <= start_time:
        raise DomainError(N_("The end time must be after the start time"), field="end_time")


def validate_activity_date(day: date, today: date, holidays: Container[date]) -> None:
    """A daily activity is reported for a working day that has come (RULES §11).

    Reports are made in real time, so a future date is refused; so is a
    weekend or holiday.
    """
    if day > today:
        raise DomainError(N_("The activity date cannot be in the future"), field="date")
    if not is_working_day(day, holidays):
        raise DomainError(N_("The activity date must be a working day"), field="date")


def week_start(day: date) -> date:
    """The Monday of ``day``'s week: "this week" of the reports runs Monday to today."""
    return day - timedelta(days=day.weekday())


def month_start(day: date) -> date:
    return day.replace(day=1)
