"""Achievement (capaian) of an indicator against its target, and the older numeric score (§4)."""
from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from enum import Enum

from app.domain.enums import coerce_member
from app.domain.messages import DomainError, N_
from app.domain.numbers import Number, round_half_up, to_decimal

HUNDRED = Decimal(100)


class Direction(Enum):
    """Whether a larger realisation is better (output, coverage) or worse (time, cost)."""

    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"


def achievement(realisation: Number, target: Number | None, direction: Direction, *,
                target_range: tuple[Number, Number] | None = None) -> Decimal:
    """Capaian in percent (PermenPANRB 6/2022; RULES §4).

    - Higher is better: ``realisasi / target × 100``.
    - Lower is better: ``(2 − realisasi / target) × 100``.
    - Range target ``(lo, hi)`` (``target`` is then ignored): 100 inside the
      range (ends included); above it the formula compares with ``hi``,
      below it with ``lo``, in the indicator's direction.

    The target compared with must be greater than zero. The result is not
    rounded (Decimal, 28 significant digits) and not floored: a lower-is-better
    realisation above twice the target gives a negative capaian, as the
    formula says. Rounding is for display or for ``numeric_score``.
    """
    direction = coerce_member(Direction, direction, field="direction")
    actual = to_decimal(realisation, field="realisation")
    if target_range is not None:
        low, high = _range(target_range)
        if low <= actual <= high:
            return HUNDRED
        compared_with, field = (high if actual > high else low), "target_range"
    elif target is None:
        raise DomainError(N_("The target is required"), field="target")
    else:
        compared_with, field = to_decimal(target, field="target"), "target"
    if compared_with <= 0:
        raise DomainError(N_("The target must be greater than zero"), field=field)
    ratio = actual / compared_with
    if direction is Direction.LOWER_IS_BETTER:
        ratio = 2 - ratio
    return ratio * HUNDRED


def _range(target_range: tuple[Number, Number]) -> tuple[Decimal, Decimal]:
    low, high = (to_decimal(end, field="target_range") for end in target_range)
    if low > high:
        raise DomainError(N_("The lower end of the target range cannot exceed the upper end"),
                          field="target_range")
    return low, high


def numeric_score(capaian_percent: Number, *, round_first: bool = True) -> Decimal:
    """Nilai capaian of the older numeric scheme (PermenPANRB 8/2021; RULES §4).

    With ``c`` the capaian in percent:

    ====================  ===========================
    c > 110               120
    101 ≤ c ≤ 110         110 + 10 × (c − 101) / 9
    c = 100               109
    80 ≤ c ≤ 99           70 + 19 × (c − 80) / 19
    60 ≤ c ≤ 79           50 + 19 × (c − 60) / 19
    0 ≤ c ≤ 59            49 × c / 59
    ====================  ===========================

    (policy) ``round_first``: c is rounded to a whole percent first, halves
    up, as the regulation's bands are whole percents. Without rounding, each
    band reaches up to the start of the next (99.5 → 89.5; 100.5 → 109).
    A negative capaian scores 0: the lowest band starts at 0 %.
    The score is not rounded (Decimal, 28 significant digits); round it for
    display.
    """
    c = to_decimal(capaian_percent, field="capaian")
    if round_first:
        c = round_half_up(c)
    if c > 110:
        return Decimal(120)
    if c >= 101:
        return 110 + 10 * (c - 101) / 9
    if c >= 100:
        return Decimal(109)
    if c >= 80:
        return 70 + 19 * (c - 80) / 19
    if c >= 60:
        return 50 + 19 * (c - 60) / 19
    if c >= 0:
        return 49 * c / 59
    return Decimal(0)


def plan_progress(volumes_and_targets: Iterable[tuple[Number, Number]]) -> Decimal | None:
    """How far an SKP has come, in percent, as the leaders' table ranks employees (issue 19).

    The mean, over the plan's quantity (kuantitas) indicators with a target above zero, of approved
    volume ÷ target, each share capped at 100 % (policy: as the dashboard's unit achievement, so that one
    over-achieved RHK cannot hide a lagging one), rounded half up to 2 decimals (policy: the precision the
    table shows and sorts by). None when the plan has no such indicator. This is progress toward the
    targets during the year, not the capaian of an evaluation (``achievement``, RULES §4).
    """
    pairs = [(to_decimal(volume, field="realisation"), to_decimal(target, field="target"))
             for volume, target in volumes_and_targets]
    shares = [min(volume / target, Decimal(1)) for volume, target in pairs if target > 0]
    if not shares:
        return None
    return round_half_up(sum(shares) * HUNDRED / len(shares), 2)
