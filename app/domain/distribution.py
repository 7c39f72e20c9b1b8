"""The distribution curve of employee predikat in an organisation (SE MenPANRB 03/2023; RULES §6).

The organisation's own predikat, set by the leader one level up, bounds how
many of its employees may (maximum) or must (minimum) hold given predikat.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from enum import StrEnum
from types import MappingProxyType

from app.domain.enums import LabelledIntEnum, coerce_member
from app.domain.messages import DomainError, N_
from app.domain.numbers import whole_number
from app.domain.predikat import Predikat


class OrganizationPredikat(LabelledIntEnum):
    """Predikat kinerja organisasi."""

    ISTIMEWA = 1, "Istimewa"
    BAIK = 2, "Baik"
    BUTUH_PERBAIKAN = 3, "Butuh Perbaikan"
    KURANG = 4, "Kurang"
    SANGAT_KURANG = 5, "Sangat Kurang"


class BoundKind(StrEnum):
    """A maximum ("at most") or a minimum ("at least")."""

    MAX = "max"
    MIN = "min"


@dataclass(frozen=True)
class RoundingPolicy:
    """(policy) How a percentage bound becomes a number of people in a small team.

    Decimal rounding modes. Default (RULES §6): the allowed number of people
    is rounded up for maxima and the required number down for minima, so a
    small team is never held to more than the percentage says.
    """

    maximum: str = ROUND_CEILING
    minimum: str = ROUND_FLOOR


DEFAULT_ROUNDING = RoundingPolicy()


@dataclass(frozen=True)
class Bound:
    """One rule of the curve on the employees holding any of ``predikats``.

    Either ``share`` (a fraction of the team, 0.70 for 70 %) or ``people``
    (a fixed number: "at least one" is a minimum of 1 person, "no Sangat
    Baik" a maximum of 0) is set. ``description`` is an English sentence
    marked for translation.
    """

    kind: BoundKind
    predikats: frozenset[Predikat]
    share: Decimal | None
    description: str
    people: int | None = None

    def limit(self, team_size: int, rounding: RoundingPolicy = DEFAULT_ROUNDING) -> int:
        """The most people allowed (maximum) or the fewest required (minimum) in a team."""
        if self.people is not None:
            return self.people
        mode = rounding.maximum if self.kind is BoundKind.MAX else rounding.minimum
        return int((self.share * team_size).to_integral_value(rounding=mode))


def _at_most(share: str, *predikats: Predikat, description: str) -> Bound:
    return Bound(BoundKind.MAX, frozenset(predikats), Decimal(share), description)


def _at_least(share: str, *predikats: Predikat, description: str) -> Bound:
    return Bound(BoundKind.MIN, frozenset(predikats), Decimal(share), description)


_AT_MOST_10_PERCENT_VERY_GOOD = _at_most(
    "0.10", Predikat.VERY_GOOD,
    description=N_("At most 10 percent of the employees may be Sangat Baik"))

CURVE: Mapping[OrganizationPredikat, tuple[Bound, ...]] = MappingProxyType({
    OrganizationPredikat.ISTIMEWA: (
        _at_most("0.70", Predikat.VERY_GOOD,
                 description=N_("At most 70 percent of the employees may be Sangat Baik")),
    ),
    OrganizationPredikat.BAIK: (
        _at_most("0.70", Predikat.GOOD,
                 description=N_("At most 70 percent of the employees may be Baik")),
        Bound(BoundKind.MIN, frozenset({Predikat.NEEDS_IMPROVEMENT, Predikat.POOR}), None,
              N_("At least one employee must be Butuh Perbaikan or Kurang/Misconduct"),
              people=1),
    ),
    OrganizationPredikat.BUTUH_PERBAIKAN: (
        _at_least("0.60", Predikat.NEEDS_IMPROVEMENT,
                  description=N_("At least 60 percent of the employees must be Butuh Perbaikan")),
        _AT_MOST_10_PERCENT_VERY_GOOD,
    ),
    OrganizationPredikat.KURANG: (
        _at_least("0.60", Predikat.POOR,
                  description=N_("At least 60 percent of the employees must be Kurang/Misconduct")),
        _at_least("0.10", Predikat.NEEDS_IMPROVEMENT,
                  description=N_("At least 10 percent of the employees must be Butuh Perbaikan")),
        _AT_MOST_10_PERCENT_VERY_GOOD,
    ),
    OrganizationPredikat.SANGAT_KURANG: (
        _at_least("0.60", Predikat.VERY_POOR,
                  description=N_("At least 60 percent of the employees must be Sangat Kurang")),
        _at_least("0.10", Predikat.POOR, Predikat.NEEDS_IMPROVEMENT,
                  description=N_("At least 10 percent of the employees must be "
                                 "Kurang/Misconduct or Butuh Perbaikan")),
        Bound(BoundKind.MAX, frozenset({Predikat.VERY_GOOD}), None,
              N_("No employee may be Sangat Baik"), people=0),
    ),
})


@dataclass(frozen=True)
class BoundResult:
    """A bound checked against a team: ``limit`` people allowed/required, ``actual`` holding."""

    bound: Bound
    team_size: int
    limit: int
    actual: int

    @property
    def over(self) -> int:
        """People above a maximum (0 for a minimum)."""
        return max(self.actual - self.limit, 0) if self.bound.kind is BoundKind.MAX else 0

    @property
    def short(self) -> int:
        """People missing to reach a minimum (0 for a maximum)."""
        return max(self.limit - self.actual, 0) if self.bound.kind is BoundKind.MIN else 0

    @property
    def gap(self) -> int:
        """How far the bound is broken, in people (0 when it holds)."""
        return self.over + self.short

    @property
    def ok(self) -> bool:
        return self.gap == 0


@dataclass(frozen=True)
class DistributionVerdict:
    """Every bound of an organisation's curve checked against its team."""

    organization_predikat: OrganizationPredikat
    team_size: int
    results: tuple[BoundResult, ...]

    @property
    def ok(self) -> bool:
        return all(result.ok for result in self.results)

    @property
    def broken_bounds(self) -> tuple[BoundResult, ...]:
        return tuple(result for result in self.results if not result.ok)


def curve_bounds(org_predikat: OrganizationPredikat) -> tuple[Bound, ...]:
    """The bounds on employee predikat for an organisation predikat (SE MenPANRB 03/2023).

    ===============  =====================================================
    Istimewa         Sangat Baik ≤ 70 %
    Baik             Baik ≤ 70 %; at least one Butuh Perbaikan or
                     Kurang/Misconduct
    Butuh Perbaikan  Butuh Perbaikan ≥ 60 %; Sangat Baik ≤ 10 %
    Kurang           Kurang/Misconduct ≥ 60 %; Butuh Perbaikan ≥ 10 %;
                     Sangat Baik ≤ 10 %
    Sangat Kurang    Sangat Kurang ≥ 60 %; Kurang/Misconduct + Butuh
                     Perbaikan ≥ 10 %; no Sangat Baik
    ===============  =====================================================
    """
    return CURVE[coerce_member(OrganizationPredikat, org_predikat, field="organization_predikat")]


def _tally(counts: Mapping[Predikat, int]) -> Counter[Predikat]:
    tally: Counter[Predikat] = Counter()
    for predikat, count in counts.items():
        tally[coerce_member(Predikat, predikat, field="counts")] += whole_number(
            count, field="counts",
            message=N_("The number of employees with a predikat must be a whole number "
                       "of zero or more"))
    return tally


def check_distribution(org_predikat: OrganizationPredikat, counts: Mapping[Predikat, int], *,
                       rounding: RoundingPolicy = DEFAULT_ROUNDING) -> DistributionVerdict:
    """Check the employees' predikat counts against the curve (SE MenPANRB 03/2023).

    ``counts`` maps predikat (members or SIASN codes) to numbers of
    employees; a missing predikat counts 0. (policy) ``rounding``: see
    ``RoundingPolicy``. Percentages of an empty team are 0 people, so an
    empty team breaks no bound except the fixed "at least one" of an
    organisation rated Baik: it holds nobody, and the rule asks for somebody.
    """
    organization = coerce_member(OrganizationPredikat, org_predikat,
                                 field="organization_predikat")
    tally = _tally(counts)
    team_size = sum(tally.values())
    return DistributionVerdict(
        organization_predikat=organization,
        team_size=team_size,
        results=tuple(
            BoundResult(bound, team_size, bound.limit(team_size, rounding),
                        sum(tally[predikat] for predikat in bound.predikats))
            for bound in CURVE[organization]),
    )


def would_break(org_predikat: OrganizationPredikat, counts: Mapping[Predikat, int],
                change_from: Predikat | None, change_to: Predikat, *,
                rounding: RoundingPolicy = DEFAULT_ROUNDING) -> list[BoundResult]:
    """The bounds one evaluation would break, to warn before it is saved (SE MenPANRB 03/2023).

    ``change_from`` is the employee's current predikat, or None for an
    employee not yet counted (the team then grows by one); ``change_to`` the
    predikat about to be saved. Returned (as checked after the change): every
    bound the change breaks, and every already broken bound it breaks
    further — both deserve a warning; a change that leaves a broken bound as
    it was does not.
    """
    tally = _tally(counts)
    if change_from is not None:
        change_from = coerce_member(Predikat, change_from, field="change_from")
        if tally[change_from] == 0:
            raise DomainError(N_("Nobody holds the predikat %(predikat)s to change it from"),
                              field="change_from", predikat=change_from.label)
        tally[change_from] -= 1
    tally[coerce_member(Predikat, change_to, field="change_to")] += 1
    before = check_distribution(org_predikat, counts, rounding=rounding)
    after = check_distribution(org_predikat, tally, rounding=rounding)
    return [now for was, now in zip(before.results, after.results) if now.gap > was.gap]


def predikat_shares(counts: Mapping[Predikat, int]) -> dict[Predikat, Decimal]:
    """Each predikat's fraction of the team, for the live distribution (all 0 when empty)."""
    tally = _tally(counts)
    team_size = sum(tally.values())
    return {predikat: Decimal(tally[predikat]) / team_size if team_size else Decimal(0)
            for predikat in Predikat}
