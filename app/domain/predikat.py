"""Ratings and the employee's predikat (PermenPANRB 6/2022; RULES §5)."""
from __future__ import annotations

from decimal import Decimal
from types import MappingProxyType

from app.domain.enums import LabelledIntEnum, coerce_member
from app.domain.messages import DomainError, N_
from app.domain.numbers import Number, to_decimal


class Rating(LabelledIntEnum):
    """Rating of work result or of work behaviour, with its SIASN code."""

    ABOVE_EXPECTATION = 1, "Di Atas Ekspektasi"
    MEETS_EXPECTATION = 2, "Sesuai Ekspektasi"
    BELOW_EXPECTATION = 3, "Di Bawah Ekspektasi"


class Predikat(LabelledIntEnum):
    """Predikat kinerja pegawai, with its SIASN code."""

    VERY_GOOD = 1, "Sangat Baik"
    GOOD = 2, "Baik"
    NEEDS_IMPROVEMENT = 3, "Butuh Perbaikan"
    POOR = 4, "Kurang/Misconduct"
    VERY_POOR = 5, "Sangat Kurang"


_ABOVE, _MEETS, _BELOW = (Rating.ABOVE_EXPECTATION, Rating.MEETS_EXPECTATION,
                           Rating.BELOW_EXPECTATION)

# Keyed (hasil kerja, perilaku kerja), exactly the matrix of PermenPANRB 6/2022.
PREDIKAT_MATRIX: MappingProxyType[tuple[Rating, Rating], Predikat] = MappingProxyType({
    (_ABOVE, _BELOW): Predikat.POOR,
    (_ABOVE, _MEETS): Predikat.GOOD,
    (_ABOVE, _ABOVE): Predikat.VERY_GOOD,
    (_MEETS, _BELOW): Predikat.POOR,
    (_MEETS, _MEETS): Predikat.GOOD,
    (_MEETS, _ABOVE): Predikat.GOOD,
    (_BELOW, _BELOW): Predikat.VERY_POOR,
    (_BELOW, _MEETS): Predikat.NEEDS_IMPROVEMENT,
    (_BELOW, _ABOVE): Predikat.NEEDS_IMPROVEMENT,
})


def employee_predikat(work_result: Rating, behaviour: Rating) -> Predikat:
    """The predikat from the work-result rating and the behaviour rating (PermenPANRB 6/2022).

    ====================  =================  ===============  ===============
    hasil kerja ↓         perilaku Di Bawah  Sesuai           Di Atas
    ====================  =================  ===============  ===============
    Di Atas Ekspektasi    Kurang/Misconduct  Baik             Sangat Baik
    Sesuai Ekspektasi     Kurang/Misconduct  Baik             Baik
    Di Bawah Ekspektasi   Sangat Kurang      Butuh Perbaikan  Butuh Perbaikan
    ====================  =================  ===============  ===============

    Ratings may be given as members or SIASN codes 1–3. When the employee
    heads a unit, the work-result rating passed here is the unit's
    achievement (RULES §5); see ``suggest_work_result_rating``.
    """
    return PREDIKAT_MATRIX[coerce_member(Rating, work_result, field="work_result"),
                           coerce_member(Rating, behaviour, field="behaviour")]


# (policy) The thresholds of the suggestion below, unless HR Admin sets others (app.domain.policy).
DEFAULT_ABOVE_FROM_PERCENT = Decimal("110")
DEFAULT_MEETS_FROM_PERCENT = Decimal("90")


def suggest_work_result_rating(achievement_percent: Number, *,
                               above_from: Number = DEFAULT_ABOVE_FROM_PERCENT,
                               meets_from: Number = DEFAULT_MEETS_FROM_PERCENT) -> Rating:
    """A suggested work-result rating from an achievement in percent — a suggestion only.

    PermenPANRB 6/2022 leaves the work-result rating to the evaluator's
    judgement of the realised indicators; the software only proposes one.
    For the head of a unit the unit's achievement is taken as the rating
    (RULES §5), so this is the number to pass for them.

    (policy) Thresholds: at least ``above_from`` (default 110 %) suggests
    Di Atas Ekspektasi, at least ``meets_from`` (default 90 %) Sesuai
    Ekspektasi, anything lower Di Bawah Ekspektasi.
    """
    achieved = to_decimal(achievement_percent, field="achievement")
    above = to_decimal(above_from, field="above_from")
    meets = to_decimal(meets_from, field="meets_from")
    if meets > above:
        raise DomainError(
            N_("The threshold for Sesuai Ekspektasi cannot exceed the one for Di Atas Ekspektasi"),
            field="meets_from")
    if achieved >= above:
        return Rating.ABOVE_EXPECTATION
    if achieved >= meets:
        return Rating.MEETS_EXPECTATION
    return Rating.BELOW_EXPECTATION
