"""Credit points (angka kredit) of functional positions (PermenPANRB 1/2023; RULES §7)."""
from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType

from app.domain.enums import coerce_member
from app.domain.messages import DomainError, N_
from app.domain.numbers import round_half_up, whole_number
from app.domain.predikat import Predikat

# Keyed by the functional position-kind codes of app.domain.ranks.
YEARLY_COEFFICIENT: Mapping[str, Decimal] = MappingProxyType({
    "AHLI_PERTAMA": Decimal("12.5"),
    "AHLI_MUDA": Decimal("25"),
    "AHLI_MADYA": Decimal("37.5"),
    "AHLI_UTAMA": Decimal("50"),
    "PEMULA": Decimal("3.75"),
    "TERAMPIL": Decimal("5"),
    "MAHIR": Decimal("12.5"),
    "PENYELIA": Decimal("25"),
})

PREDIKAT_MULTIPLIER: Mapping[Predikat, Decimal] = MappingProxyType({
    Predikat.VERY_GOOD: Decimal("1.50"),
    Predikat.GOOD: Decimal("1.00"),
    Predikat.NEEDS_IMPROVEMENT: Decimal("0.75"),
    Predikat.POOR: Decimal("0.50"),
    Predikat.VERY_POOR: Decimal("0.25"),
})

CREDIT_DECIMAL_PLACES = 3


def angka_kredit(level: str, predikat: Predikat, months: int) -> Decimal:
    """Credit earned in a functional position: ``koefisien × % × months / 12`` (PermenPANRB 1/2023).

    Yearly coefficients: Ahli Pertama 12.5, Ahli Muda 25, Ahli Madya 37.5,
    Ahli Utama 50, Pemula 3.75, Terampil 5, Mahir 12.5, Penyelia 25.
    Percentage by predikat: Sangat Baik 150, Baik 100, Butuh Perbaikan 75,
    Kurang/Misconduct 50, Sangat Kurang 25. ``months`` (1–12) pro-rates a
    partial year.

    (policy) Rounded to 3 decimals, halves up, once at the end (no rounding
    of the coefficient or the pro-rated share on the way).
    """
    coefficient = YEARLY_COEFFICIENT.get(level) if isinstance(level, str) else None
    if coefficient is None:
        raise DomainError(N_("Only functional positions earn credit points"), field="level",
                          value=level)
    multiplier = PREDIKAT_MULTIPLIER[coerce_member(Predikat, predikat, field="predikat")]
    months = whole_number(months, field="months", minimum=1, maximum=12,
                          message=N_("The number of months must be between 1 and 12"))
    return round_half_up(coefficient * multiplier * months / 12, CREDIT_DECIMAL_PLACES)
