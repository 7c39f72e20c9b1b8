from datetime import date, time

import pytest

from app.domain.messages import DomainError
from app.domain.workdays import (
    is_working_day, month_start, validate_activity_date, validate_activity_times, week_start, working_days_between,
)

MONDAY = date(2025, 1, 6)
HOLIDAYS = frozenset({date(2025, 1, 27), date(2025, 1, 29)})  # a Monday and a Wednesday


@pytest.mark.parametrize("day,working", [
    (date(2025, 1, 6), True),    # Monday
    (date(2025, 1, 10), True),   # Friday
    (date(2025, 1, 11), False),  # Saturday
    (date(2025, 1, 12), False),  # Sunday
    (date(2025, 1, 27), False),  # holiday on a Monday
    (date(2025, 1, 28), True),
])
def test_is_working_day(day, working):
    assert is_working_day(day, HOLIDAYS) is working


def test_holidays_may_be_any_container():
    assert not is_working_day(date(2025, 1, 29), [date(2025, 1, 29)])
    assert is_working_day(date(2025, 1, 29), ())


@pytest.mark.parametrize("start,end,count", [
    (MONDAY, date(2025, 1, 12), 5),                  # Monday to Sunday
    (MONDAY, MONDAY, 1),
    (date(2025, 1, 11), date(2025, 1, 12), 0),       # a weekend
    (date(2025, 1, 1), date(2025, 1, 31), 21),       # 23 weekdays in January 2025, 2 holidays
    (date(2025, 1, 27), date(2025, 1, 31), 3),
])
def test_working_days_between_both_ends_included(start, end, count):
    assert working_days_between(start, end, HOLIDAYS) == count


def test_working_days_between_refuses_a_reversed_range():
    with pytest.raises(DomainError) as caught:
        working_days_between(date(2025, 1, 7), MONDAY, HOLIDAYS)
    assert caught.value.field == "end"


def test_activity_times():
    assert validate_activity_times(time(8, 0), time(8, 1)) is None
    for start, end in [(time(8, 0), time(8, 0)), (time(9, 0), time(8, 0))]:
        with pytest.raises(DomainError) as caught:
            validate_activity_times(start, end)
        assert (caught.value.field, str(caught.value)) == (
            "end_time", "The end time must be after the start time")


@pytest.mark.parametrize("day", [date(2025, 1, 10), date(2025, 1, 6)])
def test_activity_on_a_past_or_current_working_day(day):
    assert validate_activity_date(day, date(2025, 1, 10), HOLIDAYS) is None


@pytest.mark.parametrize("day,today,message", [
    (date(2025, 1, 13), date(2025, 1, 10), "The activity date cannot be in the future"),
    (date(2025, 1, 11), date(2025, 1, 13), "The activity date must be a working day"),
    (date(2025, 1, 27), date(2025, 1, 28), "The activity date must be a working day"),
])
def test_activity_date_refused(day, today, message):
    with pytest.raises(DomainError) as caught:
        validate_activity_date(day, today, HOLIDAYS)
    assert (caught.value.field, str(caught.value)) == ("date", message)


def test_a_week_runs_from_monday_and_may_begin_in_the_previous_month():
    assert week_start(date(2026, 12, 3)) == date(2026, 11, 30) and week_start(MONDAY) == MONDAY
    assert month_start(date(2026, 12, 3)) == date(2026, 12, 1)
