from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

import pytest

from app.domain.distribution import (
    Bound, BoundKind, OrganizationPredikat, RoundingPolicy, check_distribution, curve_bounds,
    predikat_shares, would_break,
)
from app.domain.messages import DomainError
from app.domain.predikat import Predikat

SB, B, BP, K, SK = (Predikat.VERY_GOOD, Predikat.GOOD, Predikat.NEEDS_IMPROVEMENT,
                    Predikat.POOR, Predikat.VERY_POOR)
ORG = OrganizationPredikat


def test_organization_predikat_codes_and_labels():
    assert [(int(o), o.label) for o in ORG] == [
        (1, "Istimewa"), (2, "Baik"), (3, "Butuh Perbaikan"), (4, "Kurang"), (5, "Sangat Kurang")]


def rule(bound: Bound):
    amount = bound.share if bound.people is None else f"{bound.people} people"
    return (bound.kind.value, {p.label for p in bound.predikats}, amount)


# The table of SE MenPANRB 03/2023, as RULES §6 prints it.
@pytest.mark.parametrize("org,rules", [
    (ORG.ISTIMEWA, [("max", {"Sangat Baik"}, Decimal("0.70"))]),
    (ORG.BAIK, [("max", {"Baik"}, Decimal("0.70")),
                ("min", {"Butuh Perbaikan", "Kurang/Misconduct"}, "1 people")]),
    (ORG.BUTUH_PERBAIKAN, [("min", {"Butuh Perbaikan"}, Decimal("0.60")),
                           ("max", {"Sangat Baik"}, Decimal("0.10"))]),
    (ORG.KURANG, [("min", {"Kurang/Misconduct"}, Decimal("0.60")),
                  ("min", {"Butuh Perbaikan"}, Decimal("0.10")),
                  ("max", {"Sangat Baik"}, Decimal("0.10"))]),
    (ORG.SANGAT_KURANG, [("min", {"Sangat Kurang"}, Decimal("0.60")),
                         ("min", {"Kurang/Misconduct", "Butuh Perbaikan"}, Decimal("0.10")),
                         ("max", {"Sangat Baik"}, "0 people")]),
])
def test_curve_bounds_encode_the_table(org, rules):
    assert [rule(bound) for bound in curve_bounds(org)] == rules
    assert curve_bounds(int(org)) == curve_bounds(org)


def test_bound_descriptions_are_plain_sentences():
    for org in ORG:
        for bound in curve_bounds(org):
            assert bound.description % {} == bound.description  # no stray % for gettext
            assert bound.description.startswith(("At most", "At least", "No employee"))


def test_unknown_organization_predikat():
    with pytest.raises(DomainError) as caught:
        curve_bounds(6)
    assert caught.value.field == "organization_predikat"


# Hand tables for teams of 1..10 (index 0 = one person).
# max 70 %, rounded up:   0.7 1.4 2.1 2.8 3.5 4.2 4.9 5.6 6.3 7.0
# min 60 %, rounded down: 0.6 1.2 1.8 2.4 3.0 3.6 4.2 4.8 5.4 6.0
# max 10 %, rounded up:   0.1 … 1.0 → always 1
# min 10 %, rounded down: 0.1 … 0.9 → 0, 1.0 → 1
LIMITS = {
    ("max", Decimal("0.70")): [1, 2, 3, 3, 4, 5, 5, 6, 7, 7],
    ("min", Decimal("0.60")): [0, 1, 1, 2, 3, 3, 4, 4, 5, 6],
    ("max", Decimal("0.10")): [1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
    ("min", Decimal("0.10")): [0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
    ("min", None): [1] * 10,     # at least one
    ("max", None): [0] * 10,     # no Sangat Baik
}

CASES = [(org, index, size) for org in ORG for index in range(len(curve_bounds(org)))
         for size in range(1, 11)]


def team(bound: Bound, size: int, holding: int):
    """A team of ``size``: ``holding`` people hold the bound's predikat, the rest another."""
    inside = min(bound.predikats)
    outside = next(p for p in Predikat if p not in bound.predikats)
    return {inside: holding, outside: size - holding}


@pytest.mark.parametrize("org,index,size", CASES)
def test_every_bound_at_and_around_its_limit(org, index, size):
    bound = curve_bounds(org)[index]
    limit = LIMITS[(bound.kind.value, bound.share)][size - 1]

    at_limit = check_distribution(org, team(bound, size, limit)).results[index]
    assert at_limit.limit == limit
    assert at_limit.team_size == size
    assert (at_limit.ok, at_limit.actual, at_limit.gap) == (True, limit, 0)

    if bound.kind is BoundKind.MAX and limit < size:
        over = check_distribution(org, team(bound, size, limit + 1)).results[index]
        assert (over.ok, over.over, over.short, over.actual) == (False, 1, 0, limit + 1)
    if bound.kind is BoundKind.MIN and 0 < limit <= size:
        short = check_distribution(org, team(bound, size, limit - 1)).results[index]
        assert (short.ok, short.over, short.short, short.actual) == (False, 0, 1, limit - 1)
    if bound.kind is BoundKind.MIN:
        everyone = check_distribution(org, team(bound, size, size)).results[index]
        assert everyone.ok


@pytest.mark.parametrize("counts,ok,broken", [
    ({SB: 7, B: 3}, True, []),
    ({SB: 8, B: 2}, False, [(1, 0)]),
    ({SB: 10}, False, [(3, 0)]),
])
def test_istimewa_team_of_ten(counts, ok, broken):
    verdict = check_distribution(ORG.ISTIMEWA, counts)
    assert verdict.ok is ok
    assert [(r.over, r.short) for r in verdict.broken_bounds] == broken


@pytest.mark.parametrize("counts,broken", [
    ({B: 7, SB: 2, BP: 1}, []),
    ({B: 7, SB: 2, K: 1}, []),                  # Kurang/Misconduct also counts
    ({B: 8, SB: 1, BP: 1}, ["max"]),
    ({B: 7, SB: 3}, ["min"]),
    ({B: 7, SB: 2, SK: 1}, ["min"]),            # Sangat Kurang does not count
    ({B: 9, SB: 1}, ["max", "min"]),
])
def test_baik_team_of_ten(counts, broken):
    verdict = check_distribution(ORG.BAIK, counts)
    assert [r.bound.kind.value for r in verdict.broken_bounds] == broken
    assert verdict.team_size == 10


def test_butuh_perbaikan_team_of_five():
    # min BP floor(3.0) = 3, max SB ceil(0.5) = 1
    assert check_distribution(ORG.BUTUH_PERBAIKAN, {BP: 3, SB: 1, B: 1}).ok
    short = check_distribution(ORG.BUTUH_PERBAIKAN, {BP: 2, SB: 1, B: 2})
    assert [(r.limit, r.actual, r.short) for r in short.broken_bounds] == [(3, 2, 1)]
    over = check_distribution(ORG.BUTUH_PERBAIKAN, {BP: 3, SB: 2})
    assert [(r.limit, r.actual, r.over) for r in over.broken_bounds] == [(1, 2, 1)]


def test_kurang_team_of_ten():
    assert check_distribution(ORG.KURANG, {K: 6, BP: 1, SB: 1, B: 2}).ok
    verdict = check_distribution(ORG.KURANG, {K: 5, SB: 2, B: 3})
    assert [(r.bound.kind.value, r.gap) for r in verdict.broken_bounds] == [
        ("min", 1), ("min", 1), ("max", 1)]


def test_sangat_kurang_team_of_ten():
    assert check_distribution(ORG.SANGAT_KURANG, {SK: 6, K: 1, B: 3}).ok
    assert check_distribution(ORG.SANGAT_KURANG, {SK: 6, BP: 1, B: 3}).ok
    verdict = check_distribution(ORG.SANGAT_KURANG, {SK: 6, SB: 1, B: 3})
    assert [(r.bound.kind.value, r.limit, r.actual) for r in verdict.broken_bounds] == [
        ("min", 1, 0), ("max", 0, 1)]


@pytest.mark.parametrize("org,broken", [
    (ORG.ISTIMEWA, []), (ORG.BAIK, [1]), (ORG.BUTUH_PERBAIKAN, []), (ORG.KURANG, []),
    (ORG.SANGAT_KURANG, []),
])
def test_an_empty_team_breaks_only_at_least_one(org, broken):
    verdict = check_distribution(org, {})
    assert verdict.team_size == 0
    assert [r.short for r in verdict.broken_bounds] == broken


def test_organization_and_counts_may_use_siasn_codes():
    assert check_distribution(1, {1: 7, 2: 3}) == check_distribution(ORG.ISTIMEWA, {SB: 7, B: 3})


@pytest.mark.parametrize("counts", [{SB: -1}, {SB: True}, {SB: 1.0}, {6: 1}, {"Baik": 1}])
def test_bad_counts_are_refused(counts):
    with pytest.raises(DomainError) as caught:
        check_distribution(ORG.ISTIMEWA, counts)
    assert caught.value.field == "counts"


def test_rounding_policy_is_configurable():
    strict = RoundingPolicy(maximum=ROUND_FLOOR, minimum=ROUND_CEILING)
    # 3 people: 70 % of 3 = 2.1 → 2 allowed when rounding down
    assert check_distribution(ORG.ISTIMEWA, {SB: 3}).ok
    assert not check_distribution(ORG.ISTIMEWA, {SB: 3}, rounding=strict).ok
    # 3 people: 60 % of 3 = 1.8 → 2 required when rounding up
    assert check_distribution(ORG.BUTUH_PERBAIKAN, {BP: 1, B: 2}).ok
    assert not check_distribution(ORG.BUTUH_PERBAIKAN, {BP: 1, B: 2}, rounding=strict).ok
    assert RoundingPolicy() == RoundingPolicy(maximum=ROUND_CEILING, minimum=ROUND_FLOOR)


# --- warn before saving ----------------------------------------------------------------------

def test_a_change_that_breaks_a_bound_is_reported():
    broken = would_break(ORG.ISTIMEWA, {SB: 7, B: 3}, B, SB)
    assert [(r.limit, r.actual, r.over) for r in broken] == [(7, 8, 1)]


def test_a_change_that_keeps_or_mends_the_curve_is_not_reported():
    assert would_break(ORG.ISTIMEWA, {SB: 7, B: 3}, SB, B) == []
    assert would_break(ORG.ISTIMEWA, {SB: 6, B: 4}, B, SB) == []
    assert would_break(ORG.ISTIMEWA, {SB: 8, B: 2}, B, B) == []


def test_making_a_broken_bound_worse_is_reported():
    broken = would_break(ORG.ISTIMEWA, {SB: 8, B: 2}, B, SB)
    assert [r.over for r in broken] == [2]


def test_a_new_employee_grows_the_team():
    # 11 people: 70 % → 7.7 → 8 Sangat Baik allowed, so the 8th is fine now
    assert would_break(ORG.ISTIMEWA, {SB: 8, B: 2}, None, B) == []
    # Butuh Perbaikan org, 1 → 2 people: 60 % → 1.2 → 1 Butuh Perbaikan required
    broken = would_break(ORG.BUTUH_PERBAIKAN, {B: 1}, None, B)
    assert [(r.limit, r.short) for r in broken] == [(1, 1)]


def test_one_change_can_break_several_bounds():
    broken = would_break(ORG.BAIK, {B: 3, BP: 1}, BP, B)
    assert [(r.bound.kind.value, r.gap) for r in broken] == [("max", 1), ("min", 1)]


def test_change_from_a_predikat_nobody_holds():
    with pytest.raises(DomainError) as caught:
        would_break(ORG.ISTIMEWA, {B: 3}, SB, B)
    assert caught.value.field == "change_from"
    assert str(caught.value) == "Nobody holds the predikat Sangat Baik to change it from"


def test_change_with_codes_and_unknown_target():
    assert [r.over for r in would_break(1, {1: 7, 2: 3}, 2, 1)] == [1]
    with pytest.raises(DomainError) as caught:
        would_break(ORG.ISTIMEWA, {B: 3}, B, 9)
    assert caught.value.field == "change_to"


def test_predikat_shares():
    assert predikat_shares({SB: 1, B: 3}) == {
        SB: Decimal("0.25"), B: Decimal("0.75"), BP: 0, K: 0, SK: 0}
    assert predikat_shares({}) == dict.fromkeys(Predikat, Decimal(0))
