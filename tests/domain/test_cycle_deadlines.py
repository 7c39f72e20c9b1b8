from dataclasses import replace
from datetime import date, timedelta

import pytest

from app.domain.cycle_deadlines import (
    CycleDeadlines, DeadlineState, add_working_days, check_deadlines, deadline_state, default_deadlines,
    default_skp_due, evaluation_due, evaluation_windows, objection_decision_due, objection_due, reminder_day,
    report_due, return_due, subtract_working_days,
)
from app.domain.messages import DomainError

# 2026: 1 Jan (Thursday) and 16 Jan (Friday) as holidays.
HOLIDAYS = frozenset({date(2026, 1, 1), date(2026, 1, 16)})
RULES = default_deadlines(2026)


def test_the_defaults_are_the_regulations():
    assert RULES == CycleDeadlines(skp_due=date(2026, 1, 31), evaluation_days=14, return_days=14,
                                   report_days=30, objection_days=14, objection_decision_days=7, reminder_days=3)
    assert default_skp_due(2027) == date(2027, 1, 31)


@pytest.mark.parametrize("start,count,expected", [
    (date(2026, 1, 5), 0, date(2026, 1, 5)),     # zero days: the day itself
    (date(2026, 1, 5), 1, date(2026, 1, 6)),     # Monday + 1 → Tuesday
    (date(2026, 1, 9), 1, date(2026, 1, 12)),    # Friday + 1 → Monday (weekend skipped)
    (date(2026, 1, 10), 1, date(2026, 1, 12)),   # from a Saturday: Monday is the first working day
    (date(2026, 1, 15), 1, date(2026, 1, 19)),   # Thursday + 1 skips the Friday holiday and the weekend
    (date(2025, 12, 31), 1, date(2026, 1, 2)),   # over New Year's Day
    (date(2025, 12, 31), 14, date(2026, 1, 22)),  # the annual evaluation's 14 days, two holidays inside
])
def test_add_working_days_skips_weekends_and_holidays(start, count, expected):
    assert add_working_days(start, count, HOLIDAYS) == expected


def test_subtract_working_days_is_the_inverse_on_working_days():
    assert subtract_working_days(date(2026, 1, 19), 1, HOLIDAYS) == date(2026, 1, 15)
    assert subtract_working_days(date(2026, 1, 21), 3, HOLIDAYS) == date(2026, 1, 15)
    assert subtract_working_days(date(2026, 1, 21), 0, HOLIDAYS) == date(2026, 1, 21)
    for count in (1, 5, 14, 30):
        assert subtract_working_days(add_working_days(date(2026, 3, 2), count, HOLIDAYS), count,
                                     HOLIDAYS) == date(2026, 3, 2)


def test_a_negative_count_is_refused():
    with pytest.raises(DomainError):
        add_working_days(date(2026, 1, 5), -1, HOLIDAYS)


def test_a_calendar_without_working_days_is_refused_not_looped_on():
    every_day = {date(2026, 1, 1) + timedelta(days=n) for n in range(500)}
    with pytest.raises(DomainError):
        add_working_days(date(2025, 12, 31), 1, every_day)


def test_each_deadline_counts_its_own_working_days():
    # Q1 ends Tuesday 31 March 2026; no holidays in April in this calendar.
    assert evaluation_due(date(2026, 3, 31), RULES, HOLIDAYS) == date(2026, 4, 20)
    assert report_due(date(2026, 3, 31), RULES, HOLIDAYS) == date(2026, 5, 12)
    assert return_due(date(2026, 4, 10), RULES, HOLIDAYS) == date(2026, 4, 30)
    assert objection_due(date(2026, 4, 10), RULES, HOLIDAYS) == date(2026, 4, 30)
    assert objection_decision_due(date(2026, 4, 30), RULES, HOLIDAYS) == date(2026, 5, 11)


def test_an_adjusted_count_moves_the_deadline():
    longer = replace(RULES, evaluation_days=20)
    assert evaluation_due(date(2026, 3, 31), longer, HOLIDAYS) == date(2026, 4, 28)


def test_the_annual_evaluation_deadline_falls_before_the_end_of_january():
    """Annex Bab IV: annual evaluation at the latest at the end of January; 14 working days always fit."""
    for year in range(2026, 2036):
        assert evaluation_due(date(year, 12, 31), default_deadlines(year + 1), frozenset()) < date(year + 1, 1, 31)


def test_reminder_day_and_state():
    deadline = date(2026, 4, 20)   # Monday
    assert reminder_day(deadline, RULES, HOLIDAYS) == date(2026, 4, 15)
    assert deadline_state(deadline, date(2026, 4, 14), RULES, HOLIDAYS) is DeadlineState.PENDING
    assert deadline_state(deadline, date(2026, 4, 15), RULES, HOLIDAYS) is DeadlineState.DUE_SOON
    assert deadline_state(deadline, date(2026, 4, 20), RULES, HOLIDAYS) is DeadlineState.DUE_SOON
    assert deadline_state(deadline, date(2026, 4, 21), RULES, HOLIDAYS) is DeadlineState.OVERDUE
    no_lead = replace(RULES, reminder_days=0)
    assert deadline_state(deadline, date(2026, 4, 17), no_lead, HOLIDAYS) is DeadlineState.PENDING
    assert deadline_state(deadline, deadline, no_lead, HOLIDAYS) is DeadlineState.DUE_SOON


def test_check_deadlines_accepts_the_defaults():
    assert check_deadlines(RULES, date(2026, 1, 1), date(2026, 12, 31)) is RULES


@pytest.mark.parametrize("change,field", [
    ({"skp_due": date(2025, 12, 31)}, "skp_due"),
    ({"skp_due": date(2027, 1, 1)}, "skp_due"),
    ({"evaluation_days": 0}, "evaluation_days"),
    ({"return_days": 61}, "return_days"),
    ({"report_days": True}, "report_days"),
    ({"objection_days": "14"}, "objection_days"),
    ({"objection_decision_days": -1}, "objection_decision_days"),
    ({"reminder_days": 11}, "reminder_days"),
    ({"reminder_days": -1}, "reminder_days"),
])
def test_check_deadlines_refuses_nonsense_naming_the_field(change, field):
    with pytest.raises(DomainError) as refused:
        check_deadlines(replace(RULES, **change), date(2026, 1, 1), date(2026, 12, 31))
    assert refused.value.field == field


def test_windows_of_a_year():
    quarters = evaluation_windows("QUARTERLY", date(2026, 1, 1), date(2026, 12, 31))
    assert quarters == [(date(2026, 1, 1), date(2026, 3, 31)), (date(2026, 4, 1), date(2026, 6, 30)),
                        (date(2026, 7, 1), date(2026, 9, 30)), (date(2026, 10, 1), date(2026, 12, 31))]
    months = evaluation_windows("MONTHLY", date(2026, 1, 1), date(2026, 12, 31))
    assert len(months) == 12 and months[1] == (date(2026, 2, 1), date(2026, 2, 28))
    assert months[-1] == (date(2026, 12, 1), date(2026, 12, 31))
    assert evaluation_windows("ANNUAL", date(2026, 1, 1), date(2026, 12, 31)) == [
        (date(2026, 1, 1), date(2026, 12, 31))]


def test_windows_are_cut_to_a_short_period():
    assert evaluation_windows("QUARTERLY", date(2026, 2, 15), date(2026, 5, 10)) == [
        (date(2026, 2, 15), date(2026, 3, 31)), (date(2026, 4, 1), date(2026, 5, 10))]


def test_an_unknown_window_kind_is_refused():
    with pytest.raises(DomainError):
        evaluation_windows("WEEKLY", date(2026, 1, 1), date(2026, 12, 31))
