"""Policy choices the regulations leave open (RULES.md "(policy)"), each with the regulation's default.

A policy is set by HR Admin with the date it takes effect; the figures of a period use the setting in
force on the period's first day, so a period computed under one policy keeps it. A setting is stored as
text (a choice's code or a number) and read here into the value the rules take.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, InvalidOperation
from typing import NamedTuple

from app.domain.dialogue import DEFAULT_CADENCE_MONTHS, MAX_CADENCE_MONTHS
from app.domain.distribution import RoundingPolicy
from app.domain.messages import DomainError, N_
from app.domain.predikat import DEFAULT_ABOVE_FROM_PERCENT, DEFAULT_MEETS_FROM_PERCENT
from app.domain.training import MINUTES_PER_JP as REGULATION_MINUTES_PER_JP

# Whose figures a policy decides, so that a setting reaching a closed one is refused.
SURVEY_PERIODS = "survey"  # the SKM periods of the service units
PERFORMANCE_PERIODS = "performance"  # the performance years (evaluations, curve, JP, dialogue)


class PolicyChoice(NamedTuple):
    """One of a policy's choices: its stored code and its English label, marked for translation."""

    code: str
    label: str


@dataclass(frozen=True)
class Policy:
    """One policy: a choice among ``choices``, or a number from ``minimum`` to ``maximum`` (in ``unit``)."""

    key: str
    label: str
    rule: str  # the regulation and RULES.md section that leave the choice open
    default: str
    decides: str | None  # SURVEY_PERIODS, PERFORMANCE_PERIODS, or None (no period's figures)
    choices: tuple[PolicyChoice, ...] = ()
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    unit: tuple[str, str] = ()  # of a number: its unit, singular and plural, marked for translation
    whole: bool = False  # a whole number

    def choice(self, code: str) -> PolicyChoice:
        try:
            return next(choice for choice in self.choices if choice.code == code)
        except StopIteration:
            raise DomainError(N_("\"%(value)s\" is not one of the choices."), field="value", value=code) from None

    def stored(self, raw) -> str:
        """The text a setting stores for ``raw`` (a choice's code, or a number within the bounds; a decimal
        comma is accepted), or a DomainError saying what is allowed."""
        text = str(raw if raw is not None else "").strip()
        if self.choices:
            return self.choice(text).code
        try:
            number = Decimal(text.replace(",", "."))
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite() or (self.whole and number != number.to_integral_value()) \
                or not self.minimum <= number <= self.maximum:
            message = (N_("Give a whole number from %(minimum)s to %(maximum)s.") if self.whole
                       else N_("Give a number from %(minimum)s to %(maximum)s."))
            raise DomainError(message, field="value", minimum=self.minimum, maximum=self.maximum)
        return str(int(number)) if self.whole else format(number.normalize(), "f")

    def value(self, stored: str):
        """The value the rules take: the choice's code, an int or a Decimal."""
        if self.choices:
            return stored
        return int(stored) if self.whole else Decimal(stored)


IKM_WEIGHT = Policy(
    key="ikm_weight", label=N_("Weight of each SKM element in the IKM"),
    rule="PermenPANRB 14/2017 (RULES §8): IKM = Σ NRR × weight; the regulation prints 0.11 for 1/9",
    choices=(PolicyChoice("exact", N_("Exactly 1/9")), PolicyChoice("printed", N_("0.11, as printed"))),
    default="exact", decides=SURVEY_PERIODS)
CURVE_ROUNDING = Policy(
    key="curve_rounding", label=N_("Rounding of the distribution curve in small teams"),
    rule="SE MenPANRB 03/2023 (RULES §6): a share of a team becomes a number of people",
    choices=(PolicyChoice("in_favour", N_("In the team's favour: maxima rounded up, minima down")),
             PolicyChoice("strict", N_("Strict: maxima rounded down, minima up"))),
    default="in_favour", decides=PERFORMANCE_PERIODS)
MINUTES_PER_JP = Policy(
    key="minutes_per_jp", label=N_("Minutes in one JP (lesson hour)"),
    rule="PP 11/2017 art. 203(4) (RULES §9): 20 JP a year; the length of a JP is not set there",
    default=str(REGULATION_MINUTES_PER_JP), minimum=Decimal(30), maximum=Decimal(60),
    unit=(N_("minute"), N_("minutes")), whole=True, decides=PERFORMANCE_PERIODS)
RATING_ABOVE_FROM = Policy(
    key="rating_above_from", label=N_("Achievement from which \"Above expectation\" is suggested"),
    rule="PermenPANRB 6/2022 (RULES §5): the work-result rating is the evaluator's; the thresholds of the "
         "suggestion are the organisation's",
    default=str(DEFAULT_ABOVE_FROM_PERCENT), minimum=Decimal(100), maximum=Decimal(200), unit=("%", "%"),
    decides=PERFORMANCE_PERIODS)
RATING_MEETS_FROM = Policy(
    key="rating_meets_from", label=N_("Achievement from which \"Meets expectation\" is suggested"),
    rule=RATING_ABOVE_FROM.rule,
    default=str(DEFAULT_MEETS_FROM_PERCENT), minimum=Decimal(50), maximum=Decimal(100), unit=("%", "%"),
    decides=PERFORMANCE_PERIODS)
SURVEY_FORM_HOURS = Policy(
    key="survey_form_hours", label=N_("Hours a survey form stays valid (replay protection)"),
    rule="PermenPANRB 14/2017 (RULES §8): one response per citizen and visit; each form is accepted once "
         "within this time",
    default="12", minimum=Decimal(1), maximum=Decimal(72), unit=(N_("hour"), N_("hours")), whole=True,
    decides=None)
DIALOGUE_CADENCE = Policy(
    key="dialogue_cadence_months", label=N_("Dialogue cadence until one is agreed with the employee"),
    rule="PermenPANRB 6/2022 Pasal 19 (RULES §12): periodic feedback on a schedule agreed with the employee",
    default=str(DEFAULT_CADENCE_MONTHS), minimum=Decimal(1), maximum=Decimal(MAX_CADENCE_MONTHS),
    unit=(N_("month"), N_("months")), whole=True, decides=PERFORMANCE_PERIODS)

DIALOGUE_PEER_FEEDBACK = Policy(
    key="dialogue_peer_feedback", label=N_("Feedback from peers"),
    rule="PermenPANRB 6/2022 Pasal 18(2)c (RULES §12): feedback may also come from peers at the same level",
    choices=(PolicyChoice("off", N_("Off: feedback from the evaluator only")),
             PolicyChoice("on", N_("On: peers under the same superior give feedback on each other's results and "
                                   "activities"))),
    default="off", decides=None)

POLICIES = {policy.key: policy for policy in (IKM_WEIGHT, CURVE_ROUNDING, MINUTES_PER_JP, RATING_ABOVE_FROM,
                                               RATING_MEETS_FROM, SURVEY_FORM_HOURS, DIALOGUE_CADENCE,
                                               DIALOGUE_PEER_FEEDBACK)}
# The ``weight`` argument of app.domain.ikm.ikm_from_element_totals: None is exactly 1/9.
_WEIGHTS = {"exact": None, "printed": Decimal("0.11")}
_ROUNDINGS = {"in_favour": RoundingPolicy(), "strict": RoundingPolicy(maximum=ROUND_FLOOR, minimum=ROUND_CEILING)}


def policy(key: str) -> Policy:
    try:
        return POLICIES[key]
    except KeyError:
        raise DomainError(N_("\"%(value)s\" is not one of the choices."), field="key", value=key) from None


def setting_in_force(settings: Iterable[tuple[dt.date, str]], day: dt.date) -> tuple[dt.date, str] | None:
    """Of (effective from, stored value) pairs, the one in force on ``day``: the latest dated on or before it."""
    return max(((since, value) for since, value in settings if since <= day), default=None)


def in_force(key: str, settings: Iterable[tuple[dt.date, str]], day: dt.date) -> str:
    """The stored value of policy ``key`` in force on ``day``: its setting in force, else the regulation's
    default."""
    current = setting_in_force(settings, day)
    return current[1] if current else policy(key).default


def ikm_weight(choice: str) -> Decimal | None:
    """The weight of each element (PermenPANRB 14/2017): exactly 1/9 (None, ikm_from_element_totals's
    default), or 0.11 as the regulation prints it."""
    IKM_WEIGHT.choice(choice)
    return _WEIGHTS[choice]


def curve_rounding(choice: str) -> RoundingPolicy:
    """How a percentage bound of the curve becomes a number of people (SE MenPANRB 03/2023, RULES §6)."""
    CURVE_ROUNDING.choice(choice)
    return _ROUNDINGS[choice]


def check_rating_thresholds(meets_from: Decimal, above_from: Decimal) -> None:
    """"Meets expectation" must start below "Above expectation" (RULES §5), in the settings of one day."""
    if meets_from >= above_from:
        raise DomainError(N_("\"Meets expectation\" (%(meets)s %%) must start below \"Above expectation\" "
                             "(%(above)s %%)."), field="value", meets=meets_from, above=above_from)


def changes_a_closed_period(effective_from: dt.date, closed_period_starts: Iterable[dt.date]) -> dt.date | None:
    """A setting dated ``effective_from`` would apply to every period starting on or after that date; the
    first closed one among them (its start), or None. A closed period's figures never change."""
    affected = sorted(start for start in closed_period_starts if start >= effective_from)
    return affected[0] if affected else None
