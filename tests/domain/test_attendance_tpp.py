"""Attendance days and the TPP calculation, recomputed by hand from the rule set (issue 23, RULES §14)."""
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest

from app.domain.attendance import (DayAttendance, DayStatus, Direction, LeaveKind, Mark, WorkSchedule,
                                   arrival_and_departure, assess_day, check_leave_dates, days_over, days_shown_on,
                                   working_days_of_month)
from app.domain.messages import DomainError
from app.domain.predikat import Predikat
from app.domain.tpp import (PerformanceInput, Tier, base_amount_for, calculate_tpp, check_calculable,
                            first_calculation_day, parse_rules)

MONDAY = date(2026, 3, 2)
FRIDAY = date(2026, 3, 6)
SCHEDULE = WorkSchedule()
RULES = parse_rules({"base_amounts": [{"position_kind": "PELAKSANA", "amount": 2_500_000},
                                      {"position_kind": "PELAKSANA", "rank": "III/a", "amount": "3000000"}]})


def at(day, hh, mm, ss=0):
    return datetime.combine(day, time(hh, mm, ss))


def present(day=MONDAY, **fields):
    return DayAttendance(day, DayStatus.PRESENT, **fields)


# --- attendance ------------------------------------------------------------------------------------------

def test_a_scan_without_direction_counts_as_arrival_before_midday_and_departure_from_it():
    marks = [Mark(at(MONDAY, 7, 20)), Mark(at(MONDAY, 7, 25)), Mark(at(MONDAY, 16, 5)), Mark(at(MONDAY, 12, 0))]
    assert arrival_and_departure(MONDAY, marks, SCHEDULE) == (time(7, 20), time(16, 5))


def test_the_machine_direction_wins_over_the_clock_and_other_days_are_ignored():
    marks = [Mark(at(MONDAY, 13, 0), Direction.IN), Mark(at(MONDAY, 9, 0), Direction.OUT),
             Mark(at(FRIDAY, 7, 0))]
    assert arrival_and_departure(MONDAY, marks, SCHEDULE) == (time(13, 0), time(9, 0))


def test_late_and_early_are_counted_in_whole_minutes_with_friday_ending_later():
    day = assess_day(FRIDAY, [Mark(at(FRIDAY, 7, 30, 59)), Mark(at(FRIDAY, 16, 0))], SCHEDULE)
    assert (day.status, day.late_minutes, day.early_minutes) == (DayStatus.PRESENT, 0, 30)
    day = assess_day(MONDAY, [Mark(at(MONDAY, 7, 31)), Mark(at(MONDAY, 16, 0))], SCHEDULE)
    assert (day.late_minutes, day.early_minutes, day.missing_in, day.missing_out) == (1, 0, False, False)


def test_one_mark_leaves_the_other_roll_call_missing_and_no_mark_is_absence():
    morning_only = assess_day(MONDAY, [Mark(at(MONDAY, 7, 0))], SCHEDULE)
    assert morning_only.missing_out and not morning_only.missing_in and morning_only.early_minutes == 0
    evening_only = assess_day(MONDAY, [Mark(at(MONDAY, 16, 30))], SCHEDULE)
    assert evening_only.missing_in and evening_only.late_minutes == 0
    assert assess_day(MONDAY, [], SCHEDULE).status == DayStatus.ABSENT


def test_today_is_no_absence_and_no_missing_roll_call_before_it_is_over():
    tuesday, wednesday = MONDAY + timedelta(days=1), MONDAY + timedelta(days=2)
    absent_monday = assess_day(MONDAY, [], SCHEDULE)
    arrived_tuesday = assess_day(tuesday, [Mark(at(tuesday, 7, 10))], SCHEDULE)
    nothing_yet_wednesday = assess_day(wednesday, [], SCHEDULE)
    week = [absent_monday, arrived_tuesday, nothing_yet_wednesday]
    # On Tuesday the allowance counts Monday only; the list shows Tuesday's arrival, not a missing departure cut.
    assert days_over(week, tuesday) == [absent_monday]
    assert days_shown_on(week, tuesday) == [absent_monday, arrived_tuesday]
    # At 06.00 on Wednesday nothing is recorded yet: Wednesday is neither counted nor listed as absent.
    assert days_over(week, wednesday) == [absent_monday, arrived_tuesday]
    assert days_shown_on(week, wednesday) == [absent_monday, arrived_tuesday]
    # The day after, it is over and counts as what it was.
    assert days_over(week, wednesday + timedelta(days=1)) == week
    assert days_shown_on(week, wednesday + timedelta(days=1)) == week


def test_an_outage_excuses_the_day_whatever_the_marks_and_leave_excuses_it():
    assert assess_day(MONDAY, [Mark(at(MONDAY, 10, 0))], SCHEDULE, outage=True).status == DayStatus.OUTAGE
    day = assess_day(MONDAY, [], SCHEDULE, leave=LeaveKind.OFFICIAL_DUTY)
    assert (day.status, day.leave_kind) == (DayStatus.ON_LEAVE, LeaveKind.OFFICIAL_DUTY)


def test_working_days_of_a_month_skip_weekends_and_holidays():
    days = working_days_of_month(2026, 3, {date(2026, 3, 19), date(2026, 3, 20)})
    assert len(days) == 20 and date(2026, 3, 19) not in days and date(2026, 3, 7) not in days
    with pytest.raises(DomainError):
        working_days_of_month(2026, 13, set())


def test_office_hours_must_end_after_they_start():
    with pytest.raises(DomainError):
        WorkSchedule(starts=time(16, 0), ends=time(8, 0))


def test_leave_dates_run_forward_within_a_year():
    check_leave_dates(MONDAY, MONDAY)
    with pytest.raises(DomainError) as refused:
        check_leave_dates(FRIDAY, MONDAY)
    assert refused.value.field == "ends_on"
    with pytest.raises(DomainError):
        check_leave_dates(date(2026, 1, 1), date(2027, 1, 3))


# --- the rule set as data ------------------------------------------------------------------------------

def test_the_defaults_are_sixty_forty_with_four_tiers():
    assert (RULES.performance_percent, RULES.discipline_percent) == (60, 40)
    assert [tier.percent for tier in RULES.late_tiers] == [Decimal("0.5"), 1, Decimal("1.25"), Decimal("1.5")]


@pytest.mark.parametrize("change, wrong_field", [
    ({"performance_percent": 70}, "discipline_percent"),             # 70 + 40 is not 100
    ({"absent_percent": 101}, "absent_percent"),
    ({"absent_percent": "tiga"}, "absent_percent"),
    ({"measure": "mood"}, "measure"),
    ({"cutoff_day": 31}, "cutoff_day"),
    ({"cutoff_day": True}, "cutoff_day"),
    ({"late_tiers": [[1, 30, 1], [32, None, 2]]}, "late_tiers"),     # a gap at minute 31
    ({"late_tiers": [[1, 30, 1]]}, "late_tiers"),                    # the last tier must be open
    ({"late_tiers": [[1, None, 1], [2, None, 1]]}, "late_tiers"),
    ({"late_tiers": []}, "late_tiers"),
    ({"schedule": {"starts": "8 pagi"}}, "schedule"),
    ({"schedule": {"starts": "17:00"}}, "schedule"),
    ({"predikat_percent": {"1": 100}}, "predikat_percent"),
    ({"leave_percent": {"LIBUR": 1}}, "leave_percent"),
    ({"base_amounts": []}, "base_amounts"),
    ({"base_amounts": [{"position_kind": "PELAKSANA", "amount": "12.5"}]}, "base_amounts"),
    ({"base_amounts": [{"position_kind": "PELAKSANA", "amount": -1}]}, "base_amounts"),
    ({"base_amounts": [{"amount": 1}]}, "base_amounts"),
    ({"base_amounts": [{"position_kind": "X", "amount": 1}, {"position_kind": "X", "amount": 2}]}, "base_amounts"),
])
def test_a_wrong_rule_set_names_the_field(change, wrong_field):
    data = {"base_amounts": [{"position_kind": "PELAKSANA", "amount": 1}], **change}
    with pytest.raises(DomainError) as refused:
        parse_rules(data)
    assert refused.value.field == wrong_field


def test_the_rank_specific_base_amount_comes_first_and_a_missing_kind_is_refused():
    assert base_amount_for(RULES, "PELAKSANA", "III/a") == 3_000_000
    assert base_amount_for(RULES, "PELAKSANA", "II/c") == 2_500_000
    with pytest.raises(DomainError) as refused:
        base_amount_for(RULES, "AHLI_MUDA", None)
    assert refused.value.params["kind"] == "AHLI_MUDA"


# --- the calculation, by hand --------------------------------------------------------------------------

def test_a_month_by_hand_activity_measure():
    """Base 2,500,000: performance part 1,500,000, discipline part 1,000,000. Four working days expected
    (one day on official duty): target 4 × 300 = 1,200 minutes; 1,000 approved → 83.33 %.
    Performance paid 1,500,000 × 83.33 % = 1,249,950. Deductions: 45 minutes late → tier 31–60, 1 %;
    no departure mark 1.5 %; a day without reason 3 %; 5.5 % of 1,000,000 = 55,000 → 945,000 paid."""
    days = [present(MONDAY, late_minutes=45), present(date(2026, 3, 3), missing_out=True),
            DayAttendance(date(2026, 3, 4), DayStatus.ABSENT),
            DayAttendance(date(2026, 3, 5), DayStatus.ON_LEAVE, leave_kind=LeaveKind.OFFICIAL_DUTY),
            DayAttendance(FRIDAY, DayStatus.OUTAGE)]
    result = calculate_tpp(RULES, Decimal(2_500_000), days, PerformanceInput(approved_minutes=1000))
    assert (result.target_minutes, result.achievement_percent) == (1200, Decimal("83.33"))
    assert result.performance_paid == 1_249_950
    assert [(cut.rule, cut.percent, cut.amount) for cut in result.deductions] == [
        ("LATE", 1, 10_000), ("MISSING_OUT", Decimal("1.5"), 15_000), ("ABSENT", 3, 30_000)]
    assert result.deductions[0].minutes == 45 and result.deductions[0].tier == Tier(31, 60, Decimal(1))
    assert result.discipline_paid == 945_000
    assert result.amount == result.payable == 2_194_950
    assert result.days_by_status == {"PRESENT": 2, "ABSENT": 1, "LEAVE": 1, "OUTAGE": 1}


@pytest.mark.parametrize("minutes, percent", [(1, "0.5"), (30, "0.5"), (31, "1"), (60, "1"), (61, "1.25"),
                                              (90, "1.25"), (91, "1.5"), (400, "1.5")])
def test_each_tier_boundary(minutes, percent):
    result = calculate_tpp(RULES, Decimal(1_000_000), [present(early_minutes=minutes)], PerformanceInput(300))
    assert [(cut.rule, cut.percent) for cut in result.deductions] == [("EARLY", Decimal(percent))]


def test_a_missing_arrival_mark_costs_its_own_rate_not_a_lateness_tier():
    result = calculate_tpp(RULES, Decimal(1_000_000), [present(missing_in=True, late_minutes=0)],
                           PerformanceInput(300))
    assert [cut.rule for cut in result.deductions] == ["MISSING_IN"]


def test_deductions_are_capped_and_the_discipline_part_never_goes_below_zero():
    rules = parse_rules({"base_amounts": [{"position_kind": "P", "amount": 1_000_000}],
                         "discipline_cap_percent": 50})
    absent_month = [DayAttendance(date(2026, 3, day), DayStatus.ABSENT) for day in (2, 3, 4, 5, 6, 9, 10, 11,
                                                                                     12, 13, 16, 17, 18, 19, 20,
                                                                                     23, 24, 25, 26, 27)]
    result = calculate_tpp(rules, Decimal(1_000_000), absent_month, PerformanceInput(0))
    assert (result.deduction_percent, result.deduction_percent_applied) == (60, 50)
    assert (result.performance_paid, result.discipline_paid, result.amount) == (0, 200_000, 200_000)
    uncapped = calculate_tpp(RULES, Decimal(1_000_000), absent_month * 2, PerformanceInput(0))
    assert uncapped.deduction_percent_applied == 100 and uncapped.discipline_paid == 0


def test_leave_is_free_unless_the_rule_set_cuts_that_kind():
    rules = parse_rules({"base_amounts": [{"position_kind": "P", "amount": 1_000_000}],
                         "leave_percent": {"TUGAS_BELAJAR": "2.5"}})
    study = DayAttendance(MONDAY, DayStatus.ON_LEAVE, leave_kind=LeaveKind.STUDY)
    sick = DayAttendance(MONDAY, DayStatus.ON_LEAVE, leave_kind=LeaveKind.SICK)
    assert [cut.percent for cut in calculate_tpp(rules, Decimal(1_000_000), [study], PerformanceInput()).deductions] \
        == [Decimal("2.5")]
    assert calculate_tpp(rules, Decimal(1_000_000), [sick], PerformanceInput()).deductions == ()


def test_a_month_with_nothing_expected_earns_the_whole_performance_part_and_more_minutes_never_exceed_it():
    leave = [DayAttendance(MONDAY, DayStatus.ON_LEAVE, leave_kind=LeaveKind.LEAVE)]
    assert calculate_tpp(RULES, Decimal(1_000_000), leave, PerformanceInput(0)).achievement_percent == 100
    assert calculate_tpp(RULES, Decimal(1_000_000), [present()], PerformanceInput(9_999)).performance_paid == 600_000


@pytest.mark.parametrize("predikat, paid", [(Predikat.VERY_GOOD, 600_000), (Predikat.NEEDS_IMPROVEMENT, 480_000),
                                            (Predikat.VERY_POOR, 240_000), (None, 0)])
def test_the_predikat_measure_pays_the_rule_sets_percentage(predikat, paid):
    rules = parse_rules({"base_amounts": [{"position_kind": "P", "amount": 1}], "measure": "predikat"})
    result = calculate_tpp(rules, Decimal(1_000_000), [present()], PerformanceInput(predikat=predikat))
    assert result.performance_paid == paid


def test_rupiah_are_rounded_half_up_once_per_part_and_the_amount_is_their_sum():
    # 1,234,567 × 60 % = 740,740.2; × 33.33 % (100 of 300 minutes) = 246,888.70866 → 246,889.
    # 1,234,567 × 40 % = 493,826.8 → 493,827 (no deduction).
    result = calculate_tpp(RULES, Decimal(1_234_567), [present()], PerformanceInput(100))
    assert (result.achievement_percent, result.performance_paid, result.discipline_paid) == (
        Decimal("33.33"), 246_889, 493_827)
    assert result.amount == 740_716


def test_the_skp_hold_withholds_the_amount_only_when_the_rule_set_says_so():
    held_rules = parse_rules({"base_amounts": [{"position_kind": "P", "amount": 1}],
                              "hold_without_approved_skp": True})
    held = calculate_tpp(held_rules, Decimal(1_000_000), [present()], PerformanceInput(300), has_approved_skp=False)
    assert held.held and held.payable == 0 and held.amount == 1_000_000
    assert calculate_tpp(held_rules, Decimal(1_000_000), [present()], PerformanceInput(300)).payable == 1_000_000
    assert not calculate_tpp(RULES, Decimal(1_000_000), [present()], PerformanceInput(300),
                             has_approved_skp=False).held


def test_a_month_is_calculated_from_the_cutoff_day_of_the_next_month():
    assert first_calculation_day(2026, 3, 5) == date(2026, 4, 5)
    assert first_calculation_day(2026, 12, 5) == date(2027, 1, 5)
    check_calculable(2026, 3, 5, date(2026, 4, 5))
    with pytest.raises(DomainError) as refused:
        check_calculable(2026, 3, 5, date(2026, 4, 4))
    assert refused.value.params["date"] == "05-04-2026"
