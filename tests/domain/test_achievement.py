from decimal import Decimal

import pytest

from app.domain.achievement import Direction, achievement, numeric_score, plan_progress
from app.domain.messages import DomainError

HIGHER, LOWER = Direction.HIGHER_IS_BETTER, Direction.LOWER_IS_BETTER


@pytest.mark.parametrize("realisation,target,direction,expected", [
    (80, 100, HIGHER, "80"),
    (120, 100, HIGHER, "120"),
    (0, 10, HIGHER, "0"),
    (45, 50, HIGHER, "90"),
    (80, 100, LOWER, "120"),     # (2 − 0.8) × 100
    (120, 100, LOWER, "80"),     # (2 − 1.2) × 100
    (0, 100, LOWER, "200"),
    (250, 100, LOWER, "-50"),    # (2 − 2.5) × 100: not floored
    (10, 8, LOWER, "75"),        # 10 days for a target of 8: (2 − 1.25) × 100
    (-2, 4, HIGHER, "-50"),      # a realisation may be negative (e.g. a growth rate)
])
def test_achievement(realisation, target, direction, expected):
    assert achievement(realisation, target, direction) == Decimal(expected)


def test_achievement_is_not_rounded():
    # 1/3 × 100 = 33.333…, 28 significant digits
    assert achievement(1, 3, HIGHER) == Decimal("33.33333333333333333333333333")


@pytest.mark.parametrize("realisation,target", [
    ("0.3", "0.1"), (0.3, 0.1), (Decimal("0.3"), Decimal("0.1")), (" 0.3 ", 0.1), ("3E-1", "1E-1"),
])
def test_inputs_are_taken_as_exact_decimals(realisation, target):
    # a binary float 0.3/0.1 would give 299.99999999999997
    assert achievement(realisation, target, HIGHER) == Decimal(300)


@pytest.mark.parametrize("target", [0, "0", -5, Decimal("-0.01")])
def test_target_must_be_greater_than_zero(target):
    with pytest.raises(DomainError) as caught:
        achievement(10, target, HIGHER)
    assert (caught.value.field, str(caught.value)) == (
        "target", "The target must be greater than zero")


def test_target_is_required_without_a_range():
    with pytest.raises(DomainError) as caught:
        achievement(10, None, HIGHER)
    assert caught.value.field == "target"


@pytest.mark.parametrize("bad", [
    "abc", "", "NaN", "Infinity", float("nan"), float("inf"), True, None, [1]])
def test_realisation_must_be_a_finite_number(bad):
    with pytest.raises(DomainError) as caught:
        achievement(bad, 100, HIGHER)
    assert caught.value.field == "realisation"
    assert str(caught.value) == f"{bad} is not a number"


def test_direction_may_be_given_by_value_and_must_exist():
    assert achievement(80, 100, "lower_is_better") == 120
    with pytest.raises(DomainError) as caught:
        achievement(80, 100, "sideways")
    assert caught.value.field == "direction"


# --- range targets: inside 100, above → hi, below → lo, direction applies -------------------

@pytest.mark.parametrize("realisation,direction,expected", [
    (5, HIGHER, "100"), (7, HIGHER, "100"), (10, HIGHER, "100"),
    (5, LOWER, "100"), (10, LOWER, "100"),
    (12, HIGHER, "120"),   # 12 / 10
    (12, LOWER, "80"),     # 2 − 12 / 10
    (4, HIGHER, "80"),     # 4 / 5
    (4, LOWER, "120"),     # 2 − 4 / 5
    (20, HIGHER, "200"),
    (20, LOWER, "0"),
])
def test_range_target(realisation, direction, expected):
    assert achievement(realisation, None, direction, target_range=(5, 10)) == Decimal(expected)


def test_range_replaces_the_single_target():
    assert achievement(12, 1, HIGHER, target_range=("5", "10")) == 120


def test_point_range():
    assert achievement(8, None, HIGHER, target_range=(8, 8)) == 100
    assert achievement(6, None, HIGHER, target_range=(8, 8)) == 75


def test_range_from_zero_only_needs_a_positive_end_when_compared_with():
    # complaints: 0 to 5 is on target; 7 is compared with 5: (2 − 1.4) × 100
    assert achievement(0, None, LOWER, target_range=(0, 5)) == 100
    assert achievement(7, None, LOWER, target_range=(0, 5)) == 60
    with pytest.raises(DomainError) as caught:
        achievement(-1, None, LOWER, target_range=(0, 5))
    assert (caught.value.field, str(caught.value)) == (
        "target_range", "The target must be greater than zero")


def test_range_ends_in_order():
    with pytest.raises(DomainError) as caught:
        achievement(7, None, HIGHER, target_range=(10, 5))
    assert caught.value.field == "target_range"


# --- the older numeric scheme (PermenPANRB 8/2021) ------------------------------------------

@pytest.mark.parametrize("capaian,expected", [
    (0, "0"),
    (59, "49"),       # 49 × 59 / 59
    (60, "50"),       # 50 + 19 × 0 / 19
    (79, "69"),       # 50 + 19 × 19 / 19
    (80, "70"),
    (99, "89"),       # 70 + 19 × 19 / 19
    (100, "109"),
    (101, "110"),     # 110 + 10 × 0 / 9
    (110, "120"),     # 110 + 10 × 9 / 9
    (111, "120"),
    (250, "120"),
    (90, "80"),
    (70, "60"),
    (-1, "0"),        # below the lowest band
    (-30, "0"),
])
def test_numeric_score_bands(capaian, expected):
    assert numeric_score(capaian) == Decimal(expected)


@pytest.mark.parametrize("capaian,expected", [
    (30, "24.915254"),    # 49 × 30 / 59 = 1470/59
    (1, "0.830508"),      # 49/59
    (105, "114.444444"),  # 110 + 10 × 4 / 9
    (102, "111.111111"),
])
def test_numeric_score_fractional_results(capaian, expected):
    assert numeric_score(capaian).quantize(Decimal("0.000001")) == Decimal(expected)


@pytest.mark.parametrize("capaian,expected", [
    ("99.5", "109"),    # → 100
    ("99.49", "89"),    # → 99
    ("100.5", "110"),   # → 101 (half up; half-even would give 100 → 109)
    ("80.5", "71"),     # → 81 (half-even would give 80 → 70)
    ("59.5", "50"),     # → 60
    ("79.5", "70"),     # → 80
    ("110.4", "120"),   # → 110
    ("-0.4", "0"),
    ("-0.5", "0"),
    (99.5, "109"),
])
def test_numeric_score_rounds_capaian_to_a_whole_percent_first(capaian, expected):
    assert numeric_score(capaian) == Decimal(expected)


@pytest.mark.parametrize("capaian,expected", [
    ("99.5", "89.5"),       # 80–99 formula reaches up to 100
    ("100.5", "109"),       # 100 until 101
    ("79.5", "69.5"),
    ("110.5", "120"),
    ("59.5", "49.415254"),  # 49 × 59.5 / 59
])
def test_numeric_score_without_rounding(capaian, expected):
    score = numeric_score(capaian, round_first=False)
    assert score.quantize(Decimal("0.000001")) == Decimal(expected)


def test_numeric_score_never_decreases_as_capaian_grows():
    scores = [numeric_score(Decimal(c) / 10, round_first=False) for c in range(-10, 1300)]
    assert scores == sorted(scores)


def test_plan_progress_is_the_mean_of_capped_shares_rounded_half_up():
    # 12/24 = 50 %, 30/20 capped at 100 %, 1/32 = 3.125 %: (50 + 100 + 3.125) / 3 = 51.041666… → 51.04
    assert plan_progress([(12, 24), (30, 20), (1, 32)]) == Decimal("51.04")
    assert plan_progress([(1, 32)]) == Decimal("3.13")  # a half rounds up, not to even
    assert plan_progress([(0, 5), (5, 0)]) == Decimal("0.00")  # a target of 0 is no indicator to count
    assert plan_progress([]) is None and plan_progress([(3, 0)]) is None
