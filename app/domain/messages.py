"""Errors for bad input, with messages the UI layer translates.

The domain stays free of Flask, so it cannot call gettext itself. Messages are
English source strings marked with ``N_`` (an extraction keyword) and carry
their values separately; the UI shows ``gettext(err.message) % err.params``.
"""
from __future__ import annotations

from typing import Any


def N_(message: str) -> str:
    """Mark a message for extraction; the UI layer translates it when shown."""
    return message


class DomainError(ValueError):
    """Input that breaks a rule: ``field`` names the wrong part, ``message`` says why.

    ``message`` is the untranslated template (``%(name)s`` placeholders,
    ``%%`` for a percent sign); ``params`` fills it; ``str(err)`` is the
    English text with the values substituted.
    """

    def __init__(self, message: str, *, field: str | None = None, **params: Any) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.params = params

    def __str__(self) -> str:
        return self.message % self.params
