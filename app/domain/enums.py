"""Enumerations whose members carry an official Indonesian label next to their code."""
from __future__ import annotations

from enum import Enum, IntEnum, StrEnum
from typing import Any, TypeVar

from app.domain.messages import DomainError, N_

E = TypeVar("E", bound=Enum)


def _labelled_member(cls, value, label: str):
    # Enum calls this once per member with the tuple written in the class body.
    member = cls._member_type_.__new__(cls, value)
    member._value_ = value
    member._label = label
    return member


class _Labelled:
    @property
    def label(self) -> str:
        """The official Indonesian label (a regulated term, shown untranslated)."""
        return self._label


class LabelledIntEnum(_Labelled, IntEnum):
    """An IntEnum whose members are written ``NAME = code, "Label"`` (e.g. SIASN codes)."""

    __new__ = _labelled_member


class LabelledStrEnum(_Labelled, StrEnum):
    """A StrEnum whose members are written ``NAME = "code", "Label"``."""

    __new__ = _labelled_member


def coerce_member(enum_class: type[E], value: Any, *, field: str) -> E:
    """The member of ``enum_class`` for ``value`` (a member or its code), or a DomainError."""
    try:
        if not isinstance(value, bool):  # True == 1 would silently pass as a code
            return enum_class(value)
    except ValueError:
        pass
    raise DomainError(N_("%(value)s is not a valid choice"), field=field, value=value)
