"""Policy settings (RULES.md "(policy)"): which choice is in force for a period, and the checks HR Admin's
settings pass. A setting applies to the periods that start on or after its date; one that would reach a
closed period is refused, so a closed period's figures never change (app.domain.policy)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app.domain.messages import N_, DomainError
from app.domain.policy import changes_a_closed_period, ikm_weight, in_force, policy
from app.extensions import db
from app.models.policy import PolicySetting
from app.models.survey import SurveyPeriod

REASON_MAX_LENGTH = 255


def _closed_period_starts(key: str) -> list[dt.date]:
    """The first days of the closed periods whose figures policy ``key`` decides."""
    if key == "ikm_weight":
        return list(db.session.scalars(select(SurveyPeriod.start_date).where(SurveyPeriod.is_open.is_(False))))
    return []


def settings_of(key: str) -> list[tuple[dt.date, str]]:
    """(effective from, choice) of every setting of ``key``."""
    return [tuple(row) for row in db.session.execute(
        select(PolicySetting.effective_from, PolicySetting.value).where(PolicySetting.key == key))]


class IkmWeights:
    """The IKM weight policy of periods, read once: the choice in force on each period's first day."""

    def __init__(self):
        self.settings = settings_of("ikm_weight")

    def choice(self, day: dt.date) -> str:
        return in_force("ikm_weight", self.settings, day)

    def weight(self, day: dt.date):
        return ikm_weight(self.choice(day))


def _refuse_if_closed_period_changes(key: str, effective_from: dt.date) -> None:
    closed = changes_a_closed_period(effective_from, _closed_period_starts(key))
    if closed is not None:
        raise DomainError(N_("A closed period that started on %(date)s would change; a setting may only "
                             "take effect after the start of the last closed period."), field="effective_from",
                          date=closed.strftime("%d-%m-%Y"))


def check_policy_setting(setting: PolicySetting) -> None:
    """A known policy and choice, a date, a reason; never reaching a closed period; one per policy and date."""
    known = policy(setting.key)
    known.choice(setting.value)
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


def check_policy_setting_deletable(setting: PolicySetting) -> None:
    _refuse_if_closed_period_changes(setting.key, setting.effective_from)
