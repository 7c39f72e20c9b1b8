"""Awards: Satyalancana Karya Satya eligibility and SIASN award codes (RULES §10)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import IntEnum, StrEnum

from app.domain.dates import completed_years
from app.domain.enums import LabelledIntEnum, coerce_member
from app.domain.messages import DomainError, N_


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


def heaviest_sanction(levels) -> SanctionLevel | None:
    """The heaviest of a set of disciplinary sanction levels (PP 94/2021: ringan < sedang < berat)."""
    order = list(SanctionLevel)
    members = [coerce_member(SanctionLevel, str(level).strip().lower(), field="sanction") for level in levels]
    return max(members, key=order.index) if members else None


def next_karya_satya_class(tmt_cpns: date | None, on: date, heaviest: str | None,
                           held: set[KaryaSatyaClass] | frozenset = frozenset()) -> KaryaSatyaClass | None:
    """The Karya Satya class to propose on a date: the highest reached and not yet held (UU 20/2009).

    Only a PNS has a TMT CPNS; without it nobody is eligible. Classes already held are never awarded
    again; a lower class not held yet is not proposed once a higher one is reached, because the
    medal of the longest service is the one due.
    """
    if tmt_cpns is None:
        return None
    reached = karya_satya_eligibility(tmt_cpns, on, heaviest)
    return reached if reached is not None and reached not in held else None


class AwardCategory(StrEnum):
    """What an award type recognises; decides where its candidates come from (issue 8)."""

    KARYA_SATYA = "KARYA_SATYA"
    PERFORMER_MONTH = "PERFORMER_MONTH"
    PERFORMER_YEAR = "PERFORMER_YEAR"
    BEST_UNIT = "BEST_UNIT"
    CUSTOM = "CUSTOM"


NOMINATION_TRANSITIONS = {
    "nominated": ("approved", "rejected"),
    "approved": ("awarded", "rejected"),
    "awarded": (),
    "rejected": (),
}


def ensure_transition(status: str, target: str) -> None:
    """(policy, issue 8) nominated → approved by HR Admin → awarded with a decree; rejection before award."""
    if target not in NOMINATION_TRANSITIONS.get(status, ()):
        raise DomainError(N_("A %(status)s nomination cannot become %(target)s"), field="status",
                          status=status, target=target)


def ensure_eligible_or_excepted(eligible: bool, exception_reason: str | None) -> None:
    """An award to an ineligible employee needs a recorded exception (its reason); UU 20/2009 for Karya Satya."""
    if not eligible and not (exception_reason or "").strip():
        raise DomainError(N_("This employee is not eligible for this award; record the exception and its reason "
                             "to nominate anyway"), field="exception_reason")


def performer_score(predikat_code: int | None, approved_activities: int,
                    feedback_average: Decimal | None) -> Decimal:
    """(policy) Ranking of ASN Berprestasi candidates: predikat first, then approved work, then citizens.

    Sangat Baik weighs 100, Baik 75 (lower predikat are no candidates); each approved daily activity adds
    0.1 up to 10; the officer's citizen-rating average (1–4 on SKM U6/U7) adds up to 10 (2.5 per point).
    """
    base = {1: Decimal(100), 2: Decimal(75)}.get(predikat_code or 0, Decimal(0))
    activity = min(Decimal(approved_activities) / 10, Decimal(10))
    feedback = (Decimal(feedback_average) * Decimal("2.5")) if feedback_average is not None else Decimal(0)
    return (base + activity + feedback).quantize(Decimal("0.01"))


def award_period(text: str | None, *, monthly: bool = False) -> tuple[str, date, date]:
    """(policy) The period an award is for: a year "2026", or a month "2026-11" for monthly awards.

    Returns the normalised text with its first and last day; anything else is refused.
    """
    value = (text or "").strip()
    try:
        if monthly:
            year, month = (int(part) for part in value.split("-"))
            start = date(year, month, 1)
            end = date(year + month // 12, month % 12 + 1, 1)
            return f"{year:04d}-{month:02d}", start, date.fromordinal(end.toordinal() - 1)
        year = int(value)
        return f"{year:04d}", date(year, 1, 1), date(year, 12, 31)
    except (ValueError, TypeError, OverflowError):  # OverflowError: a year beyond what a date holds
        raise DomainError(N_("The period must be a year such as 2026, or a month such as 2026-11 for a monthly "
                             "award"), field="period") from None
