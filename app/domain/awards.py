"""Awards: Satyalancana Karya Satya eligibility and SIASN award codes (RULES §10)."""
from __future__ import annotations

from datetime import date
from enum import IntEnum, StrEnum

from app.domain.dates import completed_years
from app.domain.enums import LabelledIntEnum, coerce_member


class AwardCode(LabelledIntEnum):
    """SIASN codes of awards (jenis penghargaan)."""

    KARYA_SATYA_X = 201, "Satyalancana Karya Satya X Tahun"
    KARYA_SATYA_XX = 202, "Satyalancana Karya Satya XX Tahun"
    KARYA_SATYA_XXX = 203, "Satyalancana Karya Satya XXX Tahun"
    TELADAN_NATIONAL = 304, "Teladan Tingkat Nasional"
    TELADAN_PROVINCE = 305, "Teladan Tingkat Provinsi"
    TELADAN_REGENCY = 306, "Teladan Tingkat Kabupaten/Kota"
    OTHER = 400, "Lainnya"


class KaryaSatyaClass(IntEnum):
    """A class of the Satyalancana Karya Satya; the value is the years of service it needs."""

    X = 10
    XX = 20
    XXX = 30

    @property
    def award_code(self) -> AwardCode:
        return _KARYA_SATYA_AWARD[self]


_KARYA_SATYA_AWARD = {
    KaryaSatyaClass.X: AwardCode.KARYA_SATYA_X,
    KaryaSatyaClass.XX: AwardCode.KARYA_SATYA_XX,
    KaryaSatyaClass.XXX: AwardCode.KARYA_SATYA_XXX,
}


class SanctionLevel(StrEnum):
    """Level of a disciplinary sanction (hukuman disiplin, PP 94/2021)."""

    LIGHT = "ringan"
    MEDIUM = "sedang"
    HEAVY = "berat"


DISQUALIFYING_SANCTIONS = frozenset({SanctionLevel.MEDIUM, SanctionLevel.HEAVY})


def karya_satya_eligibility(tmt_cpns: date, on: date,
                            heaviest_sanction: str | None) -> KaryaSatyaClass | None:
    """The highest Satyalancana Karya Satya class reached on a date, or None (UU 20/2009).

    X, XX, XXX need at least 10, 20, 30 full years of service counted from
    TMT CPNS (``nip.appointment_date`` reads it from the NIP); a service
    anniversary completes the year on that very day. A medium ("sedang") or
    heavy ("berat") disciplinary sanction disqualifies; a light ("ringan")
    one does not. Each class is awarded once: the caller leaves out classes
    the employee already holds.
    """
    if heaviest_sanction is not None and coerce_member(
            SanctionLevel, str(heaviest_sanction).strip().lower(),
            field="heaviest_sanction") in DISQUALIFYING_SANCTIONS:
        return None
    years = completed_years(tmt_cpns, on)
    return next((award for award in reversed(KaryaSatyaClass) if years >= award), None)
