"""The regional performance allowance (TPP, tambahan penghasilan pegawai) of one employee for one month.

What the regulations say, and nothing more:

* PP 12/2019 Pasal 58: a region may give its employees an additional income, considering workload, place
  of duty, working conditions, scarcity of the profession, work performance (prestasi kerja) and other
  objective considerations, set by the regional head's regulation;
* Kepmendagri 900-4700/2020: the regional head sets it with the Home Affairs Minister's approval (each
  year, within the budget);
* PermenPANRB 6/2022 Pasal 32: the performance evaluation document is the basis of the payment of the
  performance allowance.

No national figure exists for the split, the tiers, the deductions or the holds (RULES §14): every number
here is the regent's regulation, held as a rule set per year and version (``TppRules``, parsed from the
data HR Admin edits), never in code. The defaults below are the common regional ones the issue names.

Rounding (stated once): percentages are exact; an activity achievement is rounded half up to two decimals;
each part paid (performance, discipline) is rounded half up to whole rupiah, and the amount is their sum —
so a recap of amounts reconciles to the rupiah. A deduction's rupiah figure is shown for the explanation
(its percentage of the discipline part, rounded the same way); what is paid follows from the capped total
percentage.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal
from typing import Any

from app.domain.attendance import DayAttendance, DayStatus, LeaveKind, WorkSchedule
from app.domain.messages import N_, DomainError
from app.domain.numbers import round_half_up, to_decimal
from app.domain.predikat import Predikat

HUNDRED = Decimal(100)
MEASURE_ACTIVITY = "activity"
MEASURE_PREDIKAT = "predikat"
MEASURES = (MEASURE_ACTIVITY, MEASURE_PREDIKAT)


@dataclass(frozen=True)
class Tier:
    """Minutes ``first``–``last`` (``last`` None: and more) of late arrival or early leave cost ``percent``."""

    first: int
    last: int | None
    percent: Decimal

    def covers(self, minutes: int) -> bool:
        return minutes >= self.first and (self.last is None or minutes <= self.last)


@dataclass(frozen=True)
class BaseAmount:
    """The monthly base amount of a position kind (optionally only for one rank, e.g. "III/a")."""

    position_kind: str
    rank: str | None
    amount: Decimal


@dataclass(frozen=True)
class TppRules:
    """One version of a year's rule set (the regent's regulation), as HR Admin entered it."""

    base_amounts: tuple[BaseAmount, ...]
    performance_percent: Decimal = Decimal(60)
    discipline_percent: Decimal = Decimal(40)
    measure: str = MEASURE_ACTIVITY
    activity_minutes_per_day: int = 300
    predikat_percent: Mapping[int, Decimal] = field(default_factory=lambda: {
        Predikat.VERY_GOOD: Decimal(100), Predikat.GOOD: Decimal(100), Predikat.NEEDS_IMPROVEMENT: Decimal(80),
        Predikat.POOR: Decimal(60), Predikat.VERY_POOR: Decimal(40)})
    schedule: WorkSchedule = WorkSchedule()
    late_tiers: tuple[Tier, ...] = (Tier(1, 30, Decimal("0.5")), Tier(31, 60, Decimal(1)),
                                    Tier(61, 90, Decimal("1.25")), Tier(91, None, Decimal("1.5")))
    early_tiers: tuple[Tier, ...] = (Tier(1, 30, Decimal("0.5")), Tier(31, 60, Decimal(1)),
                                     Tier(61, 90, Decimal("1.25")), Tier(91, None, Decimal("1.5")))
    missing_in_percent: Decimal = Decimal("1.5")
    missing_out_percent: Decimal = Decimal("1.5")
    absent_percent: Decimal = Decimal(3)
    leave_percent: Mapping[str, Decimal] = field(default_factory=dict)
    discipline_cap_percent: Decimal = Decimal(100)
    hold_without_approved_skp: bool = False
    cutoff_day: int = 5


# ---------------------------------------------------------------------------------------------------------
# The rule set as data: HR Admin's JSON, checked field by field.

def _percent(value: Any, field_name: str) -> Decimal:
    number = to_decimal(value, field=field_name)
    if not 0 <= number <= HUNDRED:
        raise DomainError(N_("%(value)s is not a percentage from 0 to 100."), field=field_name, value=value)
    return number


def _whole(value: Any, field_name: str, minimum: int, maximum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        raise DomainError(N_("%(value)s is not a whole number from %(minimum)s to %(maximum)s."),
                          field=field_name, value=value, minimum=minimum, maximum=maximum)
    return value


def _clock(value: Any, field_name: str) -> time:
    try:
        hours, minutes = str(value).split(":")
        return time(int(hours), int(minutes))
    except (ValueError, TypeError):
        raise DomainError(N_("%(value)s is not a time of day (HH:MM)."), field=field_name, value=value) from None


def _tiers(rows: Any, field_name: str) -> tuple[Tier, ...]:
    """Tiers that start at minute 1, follow each other without gap or overlap and end open (every late
    minute falls in exactly one tier)."""
    if not isinstance(rows, list) or not rows:
        raise DomainError(N_("Give at least one tier."), field=field_name)
    tiers, expected_first = [], 1
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, (list, tuple)) or len(row) != 3:
            raise DomainError(N_("Tier %(number)s: give the first minute, the last minute (empty for \"and "
                                 "more\") and the percentage."), field=field_name, number=number)
        first, last, percent = row
        if first != expected_first:
            raise DomainError(N_("Tier %(number)s must start at minute %(minute)s."), field=field_name,
                              number=number, minute=expected_first)
        last_row = number == len(rows)
        if last_row != (last is None):
            raise DomainError(N_("Only the last tier is open-ended (\"and more\")."), field=field_name)
        if last is not None:
            _whole(last, field_name, first, 24 * 60)
            expected_first = last + 1
        tiers.append(Tier(first, last, _percent(percent, field_name)))
    return tuple(tiers)


def parse_rules(data: Mapping[str, Any]) -> TppRules:
    """The rule set HR Admin entered, checked: percentages 0–100 whose split adds up to 100, tiers without
    gaps, a known measure, a cut-off day of the next month, base amounts in whole rupiah. DomainError names
    the field that is wrong."""
    if not isinstance(data, Mapping):
        raise DomainError(N_("The rule set is not a set of named values."), field="rules")
    defaults = TppRules(base_amounts=())
    performance = _percent(data.get("performance_percent", defaults.performance_percent), "performance_percent")
    discipline = _percent(data.get("discipline_percent", defaults.discipline_percent), "discipline_percent")
    if performance + discipline != HUNDRED:
        raise DomainError(N_("The performance and discipline parts must add up to 100%%."),
                          field="discipline_percent")
    measure = data.get("measure", defaults.measure)
    if measure not in MEASURES:
        raise DomainError(N_("\"%(value)s\" is not one of the choices."), field="measure", value=measure)
    schedule_data = data.get("schedule") or {}
    schedule = WorkSchedule(
        starts=_clock(schedule_data.get("starts", "07:30"), "schedule"),
        ends=_clock(schedule_data.get("ends", "16:00"), "schedule"),
        friday_ends=_clock(schedule_data.get("friday_ends", "16:30"), "schedule"))
    predikat_data = data.get("predikat_percent")
    predikat_percent = dict(defaults.predikat_percent)
    if predikat_data is not None:
        if not isinstance(predikat_data, Mapping) or {int(code) for code in predikat_data} != {
                int(member) for member in Predikat}:
            raise DomainError(N_("Give a percentage for each of the five predikat."), field="predikat_percent")
        predikat_percent = {Predikat(int(code)): _percent(value, "predikat_percent")
                            for code, value in predikat_data.items()}
    leave_data = data.get("leave_percent") or {}
    unknown_kinds = set(leave_data) - {kind.value for kind in LeaveKind}
    if unknown_kinds:
        raise DomainError(N_("\"%(value)s\" is not one of the choices."), field="leave_percent",
                          value=sorted(unknown_kinds)[0])
    return TppRules(
        base_amounts=_base_amounts(data.get("base_amounts")),
        performance_percent=performance, discipline_percent=discipline, measure=measure,
        activity_minutes_per_day=_whole(data.get("activity_minutes_per_day", defaults.activity_minutes_per_day),
                                        "activity_minutes_per_day", 1, 24 * 60),
        predikat_percent=predikat_percent, schedule=schedule,
        late_tiers=_tiers(data["late_tiers"], "late_tiers") if "late_tiers" in data else defaults.late_tiers,
        early_tiers=_tiers(data["early_tiers"], "early_tiers") if "early_tiers" in data else defaults.early_tiers,
        missing_in_percent=_percent(data.get("missing_in_percent", defaults.missing_in_percent),
                                    "missing_in_percent"),
        missing_out_percent=_percent(data.get("missing_out_percent", defaults.missing_out_percent),
                                     "missing_out_percent"),
        absent_percent=_percent(data.get("absent_percent", defaults.absent_percent), "absent_percent"),
        leave_percent={kind: _percent(value, "leave_percent") for kind, value in leave_data.items()},
        discipline_cap_percent=_percent(data.get("discipline_cap_percent", defaults.discipline_cap_percent),
                                        "discipline_cap_percent"),
        hold_without_approved_skp=data.get("hold_without_approved_skp", False) is True,
        cutoff_day=_whole(data.get("cutoff_day", defaults.cutoff_day), "cutoff_day", 1, 28))


def _base_amounts(rows: Any) -> tuple[BaseAmount, ...]:
    if not isinstance(rows, list) or not rows:
        raise DomainError(N_("Give the base amount of at least one position kind."), field="base_amounts")
    amounts, seen = [], set()
    for row in rows:
        if not isinstance(row, Mapping) or not row.get("position_kind"):
            raise DomainError(N_("Each base amount names its position kind."), field="base_amounts")
        amount = to_decimal(row.get("amount"), field="base_amounts")
        if amount < 0 or amount != amount.to_integral_value():
            raise DomainError(N_("A base amount is a whole number of rupiah, not negative."),
                              field="base_amounts")
        key = (str(row["position_kind"]), row.get("rank") or None)
        if key in seen:
            raise DomainError(N_("The base amount of %(kind)s is given twice."), field="base_amounts",
                              kind=" ".join(part for part in key if part))
        seen.add(key)
        amounts.append(BaseAmount(key[0], key[1], amount))
    return tuple(amounts)


def base_amount_for(rules: TppRules, position_kind: str | None, rank: str | None) -> Decimal:
    """The base amount of a position kind, the rank-specific row first. DomainError when the rule set has
    none (the employee is listed as not computed, never paid a guessed amount)."""
    candidates = [row for row in rules.base_amounts if row.position_kind == position_kind]
    for row in sorted(candidates, key=lambda row: row.rank is None):
        if row.rank is None or row.rank == rank:
            return row.amount
    raise DomainError(N_("The rule set gives no base amount for the position kind %(kind)s."),
                      field="base_amounts", kind=position_kind or "-")


# ---------------------------------------------------------------------------------------------------------
# The calculation and its explanation.

@dataclass(frozen=True)
class Deduction:
    """One cut, with the rule it follows and the data behind it ("why was I cut")."""

    rule: str                # LATE, EARLY, MISSING_IN, MISSING_OUT, ABSENT, LEAVE
    day: date
    percent: Decimal
    amount: Decimal          # its share of the discipline part, whole rupiah (explanation only)
    minutes: int = 0
    tier: Tier | None = None
    leave_kind: LeaveKind | None = None


@dataclass(frozen=True)
class PerformanceInput:
    """What the month's performance part is measured on: approved activity minutes, or the predikat of the
    evaluation covering the month (None: no evaluation)."""

    approved_minutes: int = 0
    predikat: Predikat | None = None


@dataclass(frozen=True)
class TppCalculation:
    base_amount: Decimal
    performance_share: Decimal          # base × performance %, before achievement
    discipline_share: Decimal           # base × discipline %, before deductions
    measure: str
    target_minutes: int
    approved_minutes: int
    predikat: Predikat | None
    achievement_percent: Decimal        # the share of the performance part earned
    performance_paid: Decimal
    deductions: tuple[Deduction, ...]
    deduction_percent: Decimal          # the sum of the deductions' percentages
    deduction_percent_applied: Decimal  # after the cap
    discipline_paid: Decimal
    amount: Decimal                     # performance_paid + discipline_paid
    held: bool                          # a hold applies: nothing is paid until it is lifted
    payable: Decimal                    # amount, or 0 while held
    working_days: int
    days_by_status: Mapping[str, int]


def _tier_for(tiers: Sequence[Tier], minutes: int) -> Tier:
    return next(tier for tier in tiers if tier.covers(minutes))


def day_deductions(rules: TppRules, day: DayAttendance, discipline_share: Decimal) -> list[Deduction]:
    """The cuts one working day brings under the rule set: absence without reason; a missing arrival or
    departure mark (roll-call); late arrival and early leave by tier; leave of a kind the rule set cuts."""
    def cut(rule, percent, **data):
        return Deduction(rule, day.day, percent, round_half_up(discipline_share * percent / HUNDRED), **data)

    found = []
    if day.status == DayStatus.ABSENT:
        found.append(cut("ABSENT", rules.absent_percent))
    elif day.status == DayStatus.ON_LEAVE:
        percent = rules.leave_percent.get(day.leave_kind.value if day.leave_kind else "", Decimal(0))
        if percent:
            found.append(cut("LEAVE", percent, leave_kind=day.leave_kind))
    elif day.status == DayStatus.PRESENT:
        if day.missing_in:
            found.append(cut("MISSING_IN", rules.missing_in_percent))
        elif day.late_minutes:
            tier = _tier_for(rules.late_tiers, day.late_minutes)
            found.append(cut("LATE", tier.percent, minutes=day.late_minutes, tier=tier))
        if day.missing_out:
            found.append(cut("MISSING_OUT", rules.missing_out_percent))
        elif day.early_minutes:
            tier = _tier_for(rules.early_tiers, day.early_minutes)
            found.append(cut("EARLY", tier.percent, minutes=day.early_minutes, tier=tier))
    return [deduction for deduction in found if deduction.percent]


def achievement(rules: TppRules, performance: PerformanceInput, target_minutes: int) -> Decimal:
    """The share (0–100 %) of the performance part earned. Activity: approved minutes against the month's
    target, at most 100 %, two decimals (nothing expected — a month on leave — is 100 %). Predikat: the
    rule set's percentage for the predikat of the evaluation covering the month; no evaluation, 0 %."""
    if rules.measure == MEASURE_PREDIKAT:
        return rules.predikat_percent[performance.predikat] if performance.predikat else Decimal(0)
    if target_minutes <= 0:
        return HUNDRED
    return min(round_half_up(Decimal(performance.approved_minutes) * HUNDRED / target_minutes, 2), HUNDRED)


def calculate_tpp(rules: TppRules, base_amount: Decimal, days: Iterable[DayAttendance],
                  performance: PerformanceInput, *, has_approved_skp: bool = True) -> TppCalculation:
    """The month's TPP of one employee: the performance part times its achievement, the discipline part less
    its deductions (capped), each part rounded to whole rupiah; withheld (payable 0) when the rule set holds
    TPP while the annual SKP is not approved."""
    days = list(days)
    performance_share = base_amount * rules.performance_percent / HUNDRED
    discipline_share = base_amount * rules.discipline_percent / HUNDRED
    expected_days = sum(day.status != DayStatus.ON_LEAVE for day in days)
    target_minutes = expected_days * rules.activity_minutes_per_day
    earned = achievement(rules, performance, target_minutes)
    deductions = tuple(cut for day in days for cut in day_deductions(rules, day, discipline_share))
    deduction_percent = sum((cut.percent for cut in deductions), Decimal(0))
    applied = min(deduction_percent, rules.discipline_cap_percent)
    performance_paid = round_half_up(performance_share * earned / HUNDRED)
    discipline_paid = round_half_up(discipline_share * (HUNDRED - applied) / HUNDRED)
    amount = performance_paid + discipline_paid
    held = rules.hold_without_approved_skp and not has_approved_skp
    counts: dict[str, int] = {}
    for day in days:
        counts[day.status.value] = counts.get(day.status.value, 0) + 1
    return TppCalculation(
        base_amount=base_amount, performance_share=performance_share, discipline_share=discipline_share,
        measure=rules.measure, target_minutes=target_minutes, approved_minutes=performance.approved_minutes,
        predikat=performance.predikat, achievement_percent=earned, performance_paid=performance_paid,
        deductions=deductions, deduction_percent=deduction_percent, deduction_percent_applied=applied,
        discipline_paid=discipline_paid, amount=amount, held=held, payable=Decimal(0) if held else amount,
        working_days=len(days), days_by_status=counts)


def first_calculation_day(year: int, month: int, cutoff_day: int) -> date:
    """A month is calculated from the cut-off day of the next month on (the days until then are for
    late marks, leave approvals and activity decisions to arrive); before it, only a what-if."""
    return date(year + month // 12, month % 12 + 1, cutoff_day)


def check_calculable(year: int, month: int, cutoff_day: int, today: date) -> None:
    opens = first_calculation_day(year, month, cutoff_day)
    if today < opens:
        raise DomainError(N_("This month can be calculated from %(date)s (the cut-off day); until then only a "
                             "what-if is shown."), field="month", date=opens.strftime("%d-%m-%Y"))
