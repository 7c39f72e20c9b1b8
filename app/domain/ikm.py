"""The public satisfaction index (IKM) of a service unit (PermenPANRB 14/2017; RULES §8).

Averages are kept as exact fractions until they are shown, so a value that
lies exactly on a grade's rounding boundary gets the grade the regulation
gives it, whatever the number of respondents.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType

from app.domain.enums import LabelledStrEnum
from app.domain.messages import DomainError, N_
from app.domain.numbers import Number, to_decimal, whole_number


@dataclass(frozen=True)
class SurveyElement:
    """An SKM element (unsur); stored by code and name, never by position."""

    code: str
    name: str


U1 = SurveyElement("U1", "Persyaratan")
U2 = SurveyElement("U2", "Sistem, Mekanisme, dan Prosedur")
U3 = SurveyElement("U3", "Waktu Penyelesaian")
U4 = SurveyElement("U4", "Biaya/Tarif")
U5 = SurveyElement("U5", "Produk Spesifikasi Jenis Pelayanan")
U6 = SurveyElement("U6", "Kompetensi Pelaksana")
U7 = SurveyElement("U7", "Perilaku Pelaksana")
U8 = SurveyElement("U8", "Penanganan Pengaduan, Saran dan Masukan")
U9 = SurveyElement("U9", "Sarana dan Prasarana")

SURVEY_ELEMENTS: tuple[SurveyElement, ...] = (U1, U2, U3, U4, U5, U6, U7, U8, U9)
ELEMENT_BY_CODE: Mapping[str, SurveyElement] = MappingProxyType(
    {element.code: element for element in SURVEY_ELEMENTS})

LOWEST_ANSWER, HIGHEST_ANSWER = 1, 4
CONVERSION_FACTOR = 25
EXACT_WEIGHT = Fraction(1, len(SURVEY_ELEMENTS))


class Grade(LabelledStrEnum):
    """Mutu pelayanan (letter) with the kinerja unit pelayanan label."""

    A = "A", "Sangat Baik"
    B = "B", "Baik"
    C = "C", "Kurang Baik"
    D = "D", "Tidak Baik"

    @property
    def letter(self) -> str:
        return self.value


# Lowest converted value (rounded to 2 decimals) of each grade, best first.
GRADE_THRESHOLDS: tuple[tuple[Decimal, Grade], ...] = (
    (Decimal("88.31"), Grade.A),
    (Decimal("76.61"), Grade.B),
    (Decimal("65.00"), Grade.C),
)


def validate_answer(answer: int) -> int:
    """An SKM answer: 1 (worst) to 4 (best) on every element (PermenPANRB 14/2017)."""
    return whole_number(answer, field="answer", minimum=LOWEST_ANSWER, maximum=HIGHEST_ANSWER,
                        message=N_("An answer must be 1, 2, 3 or 4"))


def require_an_answer(answers: Mapping[str, int | None]) -> Mapping[str, int | None]:
    """A respondent may leave any element unanswered, but not all nine (PermenPANRB 14/2017).

    ``answers`` maps every element code to 1–4 or None (not answered). An unanswered element is
    left out of that element's NRR (see ``element_nrr``); a form without a single answer says
    nothing about the service and is refused.
    """
    if all(answers.get(element.code) is None for element in SURVEY_ELEMENTS):
        raise DomainError(N_("Answer at least one of the nine questions."), field="u1")
    return answers


def survey_element(code: str) -> SurveyElement:
    """The element with this code (U1–U9)."""
    try:
        return ELEMENT_BY_CODE[code]
    except (KeyError, TypeError):
        raise DomainError(N_("%(value)s is not an SKM element"), field="element",
                          value=code) from None


def _exact_nrr(sum_answers: int, respondents: int) -> Fraction:
    respondents = whole_number(respondents, field="respondents", minimum=1,
                               message=N_("Nobody answered this element"))
    sum_answers = whole_number(
        sum_answers, field="sum_answers", minimum=LOWEST_ANSWER * respondents,
        maximum=HIGHEST_ANSWER * respondents,
        message=N_("The sum of the answers must be between %(minimum)s and %(maximum)s"))
    return Fraction(sum_answers, respondents)


def element_nrr(sum_answers: int, respondents: int) -> Decimal:
    """NRR of an element: ``Σ answers / respondents who answered it`` (PermenPANRB 14/2017).

    Respondents who skipped the element are not counted, so an element can
    have fewer answers than the survey has respondents.
    """
    return _as_decimal(_exact_nrr(sum_answers, respondents))


def _as_decimal(value: Fraction) -> Decimal:
    return Decimal(value.numerator) / Decimal(value.denominator)


def _rounded_hundredths(value: Fraction) -> Decimal:
    # Half up, on the exact value (all values here are positive).
    return Decimal(math.floor(value * 100 + Fraction(1, 2))).scaleb(-2)


def _grade(value: Fraction) -> Grade:
    rounded = _rounded_hundredths(value)
    if not 0 <= rounded <= 100:
        raise DomainError(N_("A service value lies between 25 and 100"), field="value",
                          value=rounded)
    return next((grade for threshold, grade in GRADE_THRESHOLDS if rounded >= threshold),
                Grade.D)


def service_grade(value_25_100: Number) -> Grade:
    """Mutu pelayanan of an IKM value on the 25–100 scale (PermenPANRB 14/2017).

    The value rounded to 2 decimals (halves up): ≥ 88.31 A Sangat Baik;
    ≥ 76.61 B Baik; ≥ 65.00 C Kurang Baik; else D Tidak Baik. The same table
    grades an element on ``NRR × 25``. Values from 0 are accepted, as the
    printed weight 0.11 can give 24.75.
    """
    return _grade(Fraction(to_decimal(value_25_100, field="value")))


class _FourPointScore:
    """A score on the 1–4 scale (an element's NRR, or the IKM), shown ×25 and graded."""

    @property
    def _exact_score(self) -> Fraction:
        raise NotImplementedError

    @property
    def value(self) -> Decimal:
        """The score × 25, on the 25–100 scale."""
        return _as_decimal(self._exact_score * CONVERSION_FACTOR)

    @property
    def grade(self) -> Grade:
        return _grade(self._exact_score * CONVERSION_FACTOR)


@dataclass(frozen=True)
class ElementScore(_FourPointScore):
    """One element: sum of answers and respondents who answered it; ``value`` is NRR × 25."""

    element: SurveyElement
    answers_sum: int
    respondents: int

    def __post_init__(self) -> None:
        _exact_nrr(self.answers_sum, self.respondents)

    @property
    def _exact_score(self) -> Fraction:
        return _exact_nrr(self.answers_sum, self.respondents)

    @property
    def nrr(self) -> Decimal:
        return _as_decimal(self._exact_score)


@dataclass(frozen=True)
class IkmResult(_FourPointScore):
    """The IKM of a unit: element scores, the index (1–4); ``value`` is IKM unit pelayanan (×25)."""

    elements: tuple[ElementScore, ...]
    weight: Fraction

    @property
    def _exact_score(self) -> Fraction:
        return sum((score._exact_score for score in self.elements), Fraction(0)) * self.weight

    @property
    def ikm(self) -> Decimal:
        return _as_decimal(self._exact_score)


def ikm_from_element_totals(totals: Mapping[str, tuple[int, int]], *,
                            weight: Number | None = None) -> IkmResult:
    """IKM from each element's (sum of answers, respondents who answered) (PermenPANRB 14/2017).

    ``IKM = Σ NRR_u × weight`` on the 1–4 scale; the unit's value is
    ``IKM × 25``. (policy) ``weight=None`` uses exactly 1/9; pass
    ``Decimal("0.11")`` for the weight the regulation prints.

    All nine elements are needed: an element nobody answered (missing, or
    answered by 0 respondents) raises a DomainError naming it (``field`` is
    its code, ``params["elements"]`` lists all such codes), because leaving it
    out would lower the index by a ninth rather than ignore it.
    """
    for code in totals:
        survey_element(code)
    unanswered = [element.code for element in SURVEY_ELEMENTS
                  if totals.get(element.code, (0, 0))[1] == 0]
    if unanswered:
        raise DomainError(N_("Nobody answered %(elements)s; the IKM needs all nine elements"),
                          field=unanswered[0], elements=", ".join(unanswered))
    scores = tuple(ElementScore(element, *totals[element.code]) for element in SURVEY_ELEMENTS)
    return IkmResult(scores, EXACT_WEIGHT if weight is None else _weight(weight))


def _weight(weight: Number) -> Fraction:
    exact = Fraction(to_decimal(weight, field="weight"))
    if exact <= 0:
        raise DomainError(N_("The weight must be greater than zero"), field="weight")
    return exact


def tally_answers(responses: Iterable[Mapping[str, int | None]]) -> dict[str, tuple[int, int]]:
    """Per element code, (sum of answers, respondents who answered), over survey responses.

    A response maps element codes to answers 1–4; a missing code or None is a
    skipped element. Every element appears in the result, (0, 0) if nobody
    answered it.
    """
    sums = dict.fromkeys(ELEMENT_BY_CODE, 0)
    counts = dict.fromkeys(ELEMENT_BY_CODE, 0)
    for response in responses:
        for code, answer in response.items():
            if answer is None:
                continue
            sums[survey_element(code).code] += validate_answer(answer)
            counts[code] += 1
    return {code: (sums[code], counts[code]) for code in ELEMENT_BY_CODE}


def minimum_sample(population: int) -> int:
    """Minimum number of respondents for a population, Krejcie–Morgan (PermenPANRB 14/2017).

    ``S = X²·N·P(1−P) / (d²·(N−1) + X²·P(1−P))`` with X² = 3.841, P = 0.5,
    d = 0.05, rounded up; computed exactly (N=100 → 80, N=1000 → 278,
    N=10000 → 370). A population of 0 needs no respondents.
    """
    population = whole_number(population, field="population",
                              message=N_("The population must be a whole number of zero or more"))
    chi_square_pq = Fraction("3.841") * Fraction(1, 4)
    margin_squared = Fraction(1, 400)
    return math.ceil(chi_square_pq * population
                     / (margin_squared * (population - 1) + chi_square_pq))


def is_sample_sufficient(respondents: int, population: int) -> bool:
    """Whether a survey had at least the Krejcie–Morgan minimum of respondents (RULES §8)."""
    respondents = whole_number(respondents, field="respondents",
                               message=N_("The number of respondents must be a whole number "
                                          "of zero or more"))
    return respondents >= minimum_sample(population)
