"""Policy choices the regulations leave open (RULES.md "(policy)"), with the regulation's default.

A policy is set by HR Admin with the date it takes effect; the figures of a period use the setting in
force on the period's first day, so a period computed under one policy keeps it. Only the choices the
application already computes from a setting are listed here.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from app.domain.messages import DomainError, N_


@dataclass(frozen=True)
class PolicyChoice:
    code: str
    label: str


@dataclass(frozen=True)
class Policy:
    key: str
    label: str
    rule: str
    choices: tuple[PolicyChoice, ...]
    default: str

    def choice(self, code: str) -> PolicyChoice:
        try:
            return next(choice for choice in self.choices if choice.code == code)
        except StopIteration:
            raise DomainError(N_("\"%(value)s\" is not one of the choices."), field="value", value=code) from None


IKM_WEIGHT = Policy(
    key="ikm_weight", label=N_("Weight of each SKM element in the IKM"),
    rule="PermenPANRB 14/2017 (RULES §8): IKM = Σ NRR × weight; the regulation prints 0.11 for 1/9",
    choices=(PolicyChoice("exact", N_("Exactly 1/9")), PolicyChoice("printed", N_("0.11, as printed"))),
    default="exact")
POLICIES = {policy.key: policy for policy in (IKM_WEIGHT,)}
# The ``weight`` argument of app.domain.ikm.ikm_from_element_totals: None is exactly 1/9.
_WEIGHTS = {"exact": None, "printed": Decimal("0.11")}


def policy(key: str) -> Policy:
    try:
        return POLICIES[key]
    except KeyError:
        raise DomainError(N_("\"%(value)s\" is not one of the choices."), field="key", value=key) from None


def in_force(key: str, settings: Iterable[tuple[dt.date, str]], day: dt.date) -> str:
    """The choice of policy ``key`` in force on ``day``: the setting with the latest date on or before it
    (``settings`` are (effective from, choice) pairs), else the regulation's default."""
    current = [(since, value) for since, value in settings if since <= day]
    return max(current)[1] if current else policy(key).default


def ikm_weight(choice: str) -> Decimal | None:
    """The weight of each element (PermenPANRB 14/2017): exactly 1/9 (None, ikm_from_element_totals's
    default), or 0.11 as the regulation prints it."""
    IKM_WEIGHT.choice(choice)
    return _WEIGHTS[choice]


def changes_a_closed_period(effective_from: dt.date, closed_period_starts: Iterable[dt.date]) -> dt.date | None:
    """A setting dated ``effective_from`` would apply to every period starting on or after that date; the
    first closed one among them (its start), or None. A closed period's figures never change."""
    affected = sorted(start for start in closed_period_starts if start >= effective_from)
    return affected[0] if affected else None
