"""Cadence, next date and overdue of the performance dialogue (PermenPANRB 6/2022 Pasal 19; RULES §12)."""
from datetime import date

import pytest

from app.domain.dialogue import (add_months, check_action_due, check_cadence, check_dialogue_dates,
                                 first_due_date, is_overdue, next_due_date)
from app.domain.messages import DomainError


@pytest.mark.parametrize("day, months, expected", [
    (date(2026, 1, 15), 1, date(2026, 2, 15)),
    (date(2026, 1, 31), 1, date(2026, 2, 28)),   # a shorter month: its last day
    (date(2028, 1, 31), 1, date(2028, 2, 29)),   # leap year
    (date(2026, 11, 30), 3, date(2027, 2, 28)),  # across the year
    (date(2026, 12, 1), 12, date(2027, 12, 1)),
])
def test_add_months_keeps_the_day_or_takes_the_last_of_a_shorter_month(day, months, expected):
    assert add_months(day, months) == expected


def test_the_next_dialogue_defaults_to_one_cadence_later_monthly_by_default():
    assert next_due_date(date(2026, 3, 10)) == date(2026, 4, 10)
    assert next_due_date(date(2026, 3, 10), 3) == date(2026, 6, 10)


def test_without_any_dialogue_the_first_is_due_one_cadence_after_the_period_starts():
    assert first_due_date(date(2026, 1, 1)) == date(2026, 2, 1)
    assert first_due_date(date(2026, 1, 1), 2) == date(2026, 3, 1)


@pytest.mark.parametrize("months", [0, 13, -1, 1.5, "1", True, None])
def test_a_cadence_is_a_whole_number_of_months_from_1_to_12(months):
    with pytest.raises(DomainError) as refused:
        check_cadence(months)
    assert refused.value.field == "cadence_months"


def test_cadence_bounds_are_accepted():
    assert check_cadence(1) == 1 and check_cadence(12) == 12


def test_overdue_only_after_the_agreed_day_has_ended():
    assert not is_overdue(date(2026, 5, 1), date(2026, 5, 1))
    assert is_overdue(date(2026, 5, 1), date(2026, 5, 2))
    assert not is_overdue(None, date(2026, 5, 2))


@pytest.mark.parametrize("held, following, field", [
    (date(2026, 5, 10), date(2026, 5, 9), "next_due_on"),    # the next date before the date
    (date(2026, 5, 10), date(2026, 5, 10), "next_due_on"),   # ... or on it
    (date(2026, 5, 10), date(2027, 6, 1), "next_due_on"),    # more than a year ahead
    (date(2026, 5, 21), date(2026, 6, 21), "held_on"),       # a dialogue in the future
])
def test_refused_dates_name_the_wrong_field(held, following, field):
    with pytest.raises(DomainError) as refused:
        check_dialogue_dates(held, following, today=date(2026, 5, 20))
    assert refused.value.field == field


def test_a_dialogue_of_today_with_a_later_next_date_is_accepted():
    check_dialogue_dates(date(2026, 5, 20), date(2026, 6, 20), today=date(2026, 5, 20))


def test_an_agreed_action_is_due_on_or_after_the_dialogue():
    check_action_due(date(2026, 5, 20), date(2026, 5, 20))
    for due in (date(2026, 5, 19), date(2027, 6, 1)):
        with pytest.raises(DomainError):
            check_action_due(date(2026, 5, 20), due)
