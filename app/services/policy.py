"""Policy settings (RULES.md "(policy)"): the one place the app reads a policy from, and the checks HR
Admin's settings pass. A setting applies to the periods that start on or after its date; one that would
reach a closed period is refused, so a closed period's figures never change (app.domain.policy).

Every reader asks ``in_force(key, day)`` with the first day of the period whose figures it computes (or
today, for a policy that decides no period's figures); the settings are read once per request.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from flask import g, has_request_context
from flask_babel import gettext
from sqlalchemy import select

from app.domain.messages import N_, DomainError
from app.domain.policy import (MINUTES_PER_JP, PERFORMANCE_PERIODS, POLICIES, RATING_ABOVE_FROM, RATING_MEETS_FROM,
                               SURVEY_PERIODS, Policy, changes_a_closed_period, check_rating_thresholds, policy,
                               setting_in_force)
from app.domain.policy import in_force as in_force_of
from app.extensions import db
from app.models.planning import Period
from app.models.policy import PolicySetting, policy_value_label
from app.models.survey import SurveyPeriod

REASON_MAX_LENGTH = 255
# The first days of the closed periods whose figures a policy decides.
_CLOSED_PERIOD_STARTS = {
    SURVEY_PERIODS: select(SurveyPeriod.start_date).where(SurveyPeriod.is_open.is_(False)),
    PERFORMANCE_PERIODS: select(Period.start_date).where(Period.status == "closed"),
}


class PolicyBook:
    """Every policy setting, read in one query: the value of each policy in force on a day."""

    def __init__(self):
        self.settings: dict[str, list[tuple[dt.date, str]]] = defaultdict(list)
        for key, since, value in db.session.execute(
                select(PolicySetting.key, PolicySetting.effective_from, PolicySetting.value)):
            self.settings[key].append((since, value))

    def stored(self, key: str, day: dt.date) -> str:
        return in_force_of(key, self.settings[key], day)

    def value(self, key: str, day: dt.date):
        return policy(key).value(self.stored(key, day))

    def with_setting(self, setting: PolicySetting) -> "PolicyBook":
        """The book once ``setting`` is saved (it replaces a setting of the same policy and date)."""
        self.settings[setting.key] = [(since, value) for since, value in self.settings[setting.key]
                                      if since != setting.effective_from] + [(setting.effective_from, setting.value)]
        return self

    def without_setting(self, setting: PolicySetting) -> "PolicyBook":
        """The book once ``setting`` is deleted."""
        self.settings[setting.key] = [(since, value) for since, value in self.settings[setting.key]
                                      if since != setting.effective_from]
        return self


def policy_book() -> PolicyBook:
    """The settings, read once per request (a report weighs several periods)."""
    if not has_request_context():
        return PolicyBook()
    if "policy_book" not in g:
        g.policy_book = PolicyBook()
    return g.policy_book


def in_force(key: str, day: dt.date):
    """The value of policy ``key`` for the figures of a period that starts on ``day``."""
    return policy_book().value(key, day)


def _refuse_if_closed_period_changes(key: str, effective_from: dt.date) -> None:
    decides = policy(key).decides
    if decides is None:
        return
    closed = changes_a_closed_period(effective_from, db.session.scalars(_CLOSED_PERIOD_STARTS[decides]))
    if closed is not None:
        raise DomainError(N_("A closed period that started on %(date)s would change; a setting may only "
                             "take effect after the start of the last closed period."), field="effective_from",
                          date=closed.strftime("%d-%m-%Y"))


def _check_thresholds_with(setting: PolicySetting) -> None:
    """The two rating thresholds in force from the setting's date on, with the setting, stay ordered."""
    if setting.key not in (RATING_ABOVE_FROM.key, RATING_MEETS_FROM.key):
        return
    book = PolicyBook().with_setting(setting)
    dates = {setting.effective_from} | {since for key in (RATING_ABOVE_FROM.key, RATING_MEETS_FROM.key)
                                        for since, _value in book.settings[key] if since > setting.effective_from}
    for day in dates:
        check_rating_thresholds(book.value(RATING_MEETS_FROM.key, day), book.value(RATING_ABOVE_FROM.key, day))


def _choice_typed_as_label(known: Policy, raw) -> str:
    """A choice may be typed as its label, in the user's language or in English (the form without script)."""
    text = str(raw if raw is not None else "").strip().casefold()
    return next((choice.code for choice in known.choices
                 if text in (gettext(choice.label).casefold(), choice.label.casefold())), raw)


def check_policy_setting(setting: PolicySetting) -> None:
    """A known policy and value, a date, a reason; never reaching a closed period; one per policy and date."""
    known = policy(setting.key)
    setting.value = known.stored(_choice_typed_as_label(known, setting.value))
    if setting.effective_from is None:
        raise DomainError(N_("Give the date the setting takes effect."), field="effective_from")
    reason = (setting.reason or "").strip()
    if not reason:
        raise DomainError(N_("Say why the policy changes (e.g. the regent's regulation)."), field="reason")
    if len(reason) > REASON_MAX_LENGTH:
        raise DomainError(N_("At most %(maximum)s characters."), field="reason", maximum=REASON_MAX_LENGTH)
    _refuse_if_closed_period_changes(setting.key, setting.effective_from)
    same_day = db.session.execute(select(PolicySetting.id).where(
        PolicySetting.key == setting.key, PolicySetting.effective_from == setting.effective_from,
        PolicySetting.id != (setting.id or 0)).limit(1)).first()
    if same_day:
        raise DomainError(N_("This policy already has a setting from that date."), field="effective_from")
    _check_thresholds_with(setting)


def check_policy_setting_deletable(setting: PolicySetting) -> None:
    _refuse_if_closed_period_changes(setting.key, setting.effective_from)


def follow_saved_setting(setting: PolicySetting) -> None:
    """After the checks, in the transaction that saves ``setting``: the stored figures that follow the policy
    take its new value (the JP of trainings entered in minutes, in the open years)."""
    _follow(setting.key, PolicyBook().with_setting(setting))


def follow_deleted_setting(setting: PolicySetting) -> None:
    _follow(setting.key, PolicyBook().without_setting(setting))


def _follow(key: str, book: PolicyBook) -> None:
    if has_request_context():
        g.pop("policy_book", None)  # the rest of the request reads the settings as they are now
    if key == MINUTES_PER_JP.key:
        from app.services.training import follow_minutes_per_jp  # training reads its policy from this module

        follow_minutes_per_jp(book)


@dataclass(frozen=True)
class PolicyInForce:
    policy: Policy
    stored: str
    since: dt.date | None  # the setting's date, None for the regulation's default

    @property
    def value_label(self) -> str:
        return policy_value_label(self.policy.key, self.stored)

    @property
    def default_label(self) -> str:
        return policy_value_label(self.policy.key, self.policy.default)

    def as_dict(self) -> dict:
        return {"key": self.policy.key, "value": self.stored, "since": self.since.isoformat() if self.since else None,
                "default": self.policy.default, "rule": self.policy.rule}


def policies_in_force(day: dt.date) -> list[PolicyInForce]:
    """Every policy with its value on ``day`` and since when, in the order of app.domain.policy.POLICIES."""
    book = policy_book()
    rows = []
    for key, known in POLICIES.items():
        since, stored = setting_in_force(book.settings[key], day) or (None, known.default)
        rows.append(PolicyInForce(known, stored, since))
    return rows
