"""Policy settings (RULES.md "(policy)"): HR Admin's choice for a policy from a date on (app.domain.policy).

Reference data written only by HR administrators; every change is in the audit log. A setting is never
edited: a new choice is a new setting with its own date.
"""
from flask_appbuilder.models.sqla import Model
from flask_babel import get_translations, gettext
from sqlalchemy import Column, Date, Integer, String, UniqueConstraint

from app.domain.policy import POLICIES
from app.formatting import quantity


def policy_value_label(key: str, stored: str) -> str:
    """A policy's value as a person reads it: the choice's label, or the number with its unit (45 menit)."""
    known = POLICIES.get(key)
    if known is None:
        return stored
    if known.choices:
        choice = next((c for c in known.choices if c.code == stored), None)
        return gettext(choice.label) if choice else stored
    number = known.value(stored)
    # The catalogue's plural form without %-formatting: a unit is a plain word or "%".
    unit = get_translations().ngettext(*known.unit, int(number)) if known.unit else ""
    return f"{quantity(number)} {unit}".strip()


class PolicySetting(Model):
    __tablename__ = "policy_setting"
    __scope_reference__ = True
    __table_args__ = (UniqueConstraint("key", "effective_from", name="uq_policy_setting_key_date"),)

    id = Column(Integer, primary_key=True)
    key = Column(String(40), nullable=False)
    value = Column(String(40), nullable=False)
    effective_from = Column(Date, nullable=False)
    reason = Column(String(255), nullable=False)

    def __str__(self):
        return f"{self.key} = {self.value} ({self.effective_from:%d-%m-%Y})" if self.effective_from else self.key

    @property
    def key_label(self) -> str:
        known = POLICIES.get(self.key)
        return gettext(known.label) if known else self.key

    @property
    def value_label(self) -> str:
        return policy_value_label(self.key, self.value)
