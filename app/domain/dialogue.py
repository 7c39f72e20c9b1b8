"""Performance dialogue and continuous feedback (dialog kinerja, umpan balik berkelanjutan).

PermenPANRB 6/2022 Pasal 19: the leader gives periodic feedback (umpan balik berkala) on a schedule agreed
with the employee; Pasal 17: all feedback is recorded; Pasal 18(2): feedback also comes from peers at the
same level, subordinates and other parties. The regulation leaves the cadence to the two people: (policy)
it is stored per employee in whole months, monthly by default, at most once a year (RULES §12).
"""
from __future__ import annotations

import calendar
from datetime import date

from app.domain.messages import N_, DomainError

DEFAULT_CADENCE_MONTHS = 1
MAX_CADENCE_MONTHS = 12
# (policy) Agreed actions and the next date lie within a year of the dialogue: a later date is a typing
# error, not an agreement (the SKP itself is a yearly plan).
MAX_DAYS_AHEAD = 366


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, on the month's last day when it has fewer days (31 Jan + 1 → 28 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def check_cadence(months) -> int:
    """A cadence of 1–12 whole months (Pasal 19: agreed between leader and employee; (policy) bounds)."""
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= MAX_CADENCE_MONTHS:
        raise DomainError(N_("The dialogue cadence must be a whole number of months from 1 to %(max)d."),
                          field="cadence_months", max=MAX_CADENCE_MONTHS)
    return months


def next_due_date(held_on: date, cadence_months: int = DEFAULT_CADENCE_MONTHS) -> date:
    """The default agreed date of the next dialogue: one cadence after this one (Pasal 19)."""
    return add_months(held_on, check_cadence(cadence_months))


def first_due_date(period_start: date, cadence_months: int = DEFAULT_CADENCE_MONTHS) -> date:
    """(policy) Without any dialogue yet, the first periodic feedback is due one cadence after the period
    starts (the SKP is set by the end of January, Pasal 14; the first feedback follows it)."""
    return add_months(period_start, check_cadence(cadence_months))


def check_dialogue_dates(held_on: date, next_due_on: date, today: date) -> None:
    """A dialogue happened (not in the future) and its agreed next date comes after it, within a year."""
    if held_on > today:
        raise DomainError(N_("A dialogue is recorded once it has taken place; its date cannot be in the future."),
                          field="held_on")
    if next_due_on <= held_on:
        raise DomainError(N_("The agreed date of the next dialogue must come after the date of this one."),
                          field="next_due_on")
    if (next_due_on - held_on).days > MAX_DAYS_AHEAD:
        raise DomainError(N_("The agreed date of the next dialogue must lie within a year."), field="next_due_on")


def check_action_due(held_on: date, due_on: date) -> None:
    """An agreed action is due on or after the dialogue that agreed it, within a year."""
    if due_on < held_on or (due_on - held_on).days > MAX_DAYS_AHEAD:
        raise DomainError(N_("An agreed action is due on or after the dialogue, within a year."),
                          field="actions")


def is_overdue(next_due_on: date | None, today: date) -> bool:
    """The agreed next dialogue has not taken place by the end of its day (Pasal 19's schedule is missed)."""
    return next_due_on is not None and today > next_due_on
