"""The policy choices the regulations leave open (app.domain.policy): what a setting may hold, which one is in
force on a day, and what the rules take from it."""
import datetime as dt
from decimal import Decimal

import pytest

from app.domain.distribution import OrganizationPredikat, check_distribution
from app.domain.messages import DomainError
from app.domain.policy import (MINUTES_PER_JP, POLICIES, RATING_ABOVE_FROM, changes_a_closed_period,
                               check_rating_thresholds, curve_rounding, ikm_weight, in_force, policy)
from app.domain.predikat import Predikat

JAN, APR, JUL = dt.date(2026, 1, 1), dt.date(2026, 4, 1), dt.date(2026, 7, 1)


def test_every_default_is_a_value_its_policy_allows():
    for known in POLICIES.values():
        assert known.stored(known.default) == known.default, known.key


@pytest.mark.parametrize("raw, stored", [("45", "45"), (" 50 ", "50"), ("60,0", "60"), (30, "30")])
def test_a_number_is_stored_plainly(raw, stored):
    assert MINUTES_PER_JP.stored(raw) == stored
    assert MINUTES_PER_JP.value(stored) == int(stored)


@pytest.mark.parametrize("raw", ["29", "61", "45,5", "", None, "empat puluh", "NaN", "Infinity"])
def test_a_number_outside_the_policy_is_refused(raw):
    with pytest.raises(DomainError) as refused:
        MINUTES_PER_JP.stored(raw)
    assert refused.value.field == "value" and refused.value.params == {"minimum": 30, "maximum": 60}


def test_a_percentage_keeps_its_decimals_without_an_exponent():
    assert RATING_ABOVE_FROM.stored("112,50") == "112.5" and RATING_ABOVE_FROM.stored("110") == "110"
    assert RATING_ABOVE_FROM.value("112.5") == Decimal("112.5")


def test_an_unknown_policy_or_choice_is_refused():
    with pytest.raises(DomainError):
        policy("ikm_bobot")
    with pytest.raises(DomainError):
        POLICIES["ikm_weight"].stored("0.11")


def test_the_setting_in_force_is_the_latest_on_or_before_the_day():
    settings = [(APR, "printed"), (JUL, "exact")]
    assert in_force("ikm_weight", settings, JAN) == "exact"  # the regulation's default before any setting
    assert in_force("ikm_weight", settings, APR) == "printed"  # a period starting on the day takes it
    assert in_force("ikm_weight", settings, JUL - dt.timedelta(days=1)) == "printed"
    assert in_force("ikm_weight", settings, JUL) == "exact"


def test_the_ikm_weight_and_the_curve_rounding_as_the_rules_take_them():
    assert ikm_weight("exact") is None and ikm_weight("printed") == Decimal("0.11")
    # Baik ≤ 70 % of three people holding Baik: 2.1 allowed people, 3 in the team's favour, 2 when strict.
    counts = {Predikat.GOOD: 2, Predikat.NEEDS_IMPROVEMENT: 1}
    counts_all_good = {Predikat.GOOD: 3}
    lenient = check_distribution(OrganizationPredikat.BAIK, counts_all_good, rounding=curve_rounding("in_favour"))
    strict = check_distribution(OrganizationPredikat.BAIK, counts_all_good, rounding=curve_rounding("strict"))
    assert lenient.results[0].limit == 3 and strict.results[0].limit == 2
    assert check_distribution(OrganizationPredikat.BAIK, counts, rounding=curve_rounding("strict")).ok


def test_the_rating_thresholds_must_stay_in_order():
    check_rating_thresholds(Decimal(90), Decimal(110))
    with pytest.raises(DomainError):
        check_rating_thresholds(Decimal(110), Decimal(110))


def test_a_setting_may_not_reach_a_closed_period():
    closed = [JAN, APR]
    assert changes_a_closed_period(APR, closed) == APR
    assert changes_a_closed_period(JAN - dt.timedelta(days=1), closed) == JAN
    assert changes_a_closed_period(APR + dt.timedelta(days=1), closed) is None
