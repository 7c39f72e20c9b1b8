"""Turning user input into exact decimals, and the one rounding rule regulations use."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Union

from app.domain.messages import DomainError, N_

Number = Union[int, float, Decimal, str]


def to_decimal(value: Number, *, field: str) -> Decimal:
    """``value`` as a finite Decimal; a float goes through its shortest repr so 0.1 stays 0.1."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, str)):
        raise DomainError(N_("%(value)s is not a number"), field=field, value=value)
    if isinstance(value, float):
        value = repr(value)
    try:
        number = Decimal(value.strip() if isinstance(value, str) else value)
    except InvalidOperation:
        raise DomainError(N_("%(value)s is not a number"), field=field, value=value) from None
    if not number.is_finite():
        raise DomainError(N_("%(value)s is not a number"), field=field, value=value)
    return number


def round_half_up(value: Decimal, places: int = 0) -> Decimal:
    """Round to ``places`` decimals, halves away from zero (the "rounded" of RULES.md)."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def whole_number(value: object, *, field: str, message: str,
                 minimum: int = 0, maximum: int | None = None) -> int:
    """``value`` if it is an int from ``minimum`` to ``maximum``, else DomainError(``message``).

    ``message`` may use ``%(value)s``, ``%(minimum)s`` and ``%(maximum)s``.
    """
    if (isinstance(value, bool) or not isinstance(value, int) or value < minimum
            or (maximum is not None and value > maximum)):
        raise DomainError(message, field=field, value=value, minimum=minimum, maximum=maximum)
    return value
