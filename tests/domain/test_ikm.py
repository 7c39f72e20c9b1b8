from decimal import Decimal

import pytest

from app.domain.ikm import (
    ELEMENT_BY_CODE, SURVEY_ELEMENTS, Grade, element_nrr, ikm_from_element_totals,
    is_sample_sufficient, minimum_sample, service_grade, tally_answers, validate_answer,
)
from app.domain.messages import DomainError


def test_the_nine_elements_by_code_and_name():
    assert [(e.code, e.name) for e in SURVEY_ELEMENTS] == [
        ("U1", "Persyaratan"),
        ("U2", "Sistem, Mekanisme, dan Prosedur"),
        ("U3", "Waktu Penyelesaian"),
        ("U4", "Biaya/Tarif"),
        ("U5", "Produk Spesifikasi Jenis Pelayanan"),
        ("U6", "Kompetensi Pelaksana"),
        ("U7", "Perilaku Pelaksana"),
        ("U8", "Penanganan Pengaduan, Saran dan Masukan"),
        ("U9", "Sarana dan Prasarana"),
    ]
    assert ELEMENT_BY_CODE["U8"].name == "Penanganan Pengaduan, Saran dan Masukan"


@pytest.mark.parametrize("answer", [1, 2, 3, 4])
def test_answers_1_to_4(answer):
    assert validate_answer(answer) == answer


@pytest.mark.parametrize("answer", [0, 5, -1, 2.0, "3", True, None])
def test_other_answers_are_refused(answer):
    with pytest.raises(DomainError) as caught:
        validate_answer(answer)
    assert (caught.value.field, str(caught.value)) == ("answer", "An answer must be 1, 2, 3 or 4")


@pytest.mark.parametrize("total,respondents,expected", [
    (300, 100, "3"), (7, 2, "3.5"), (4, 1, "4"), (5, 5, "1"),
    (10, 3, "3.333333333333333333333333333"),
])
def test_element_nrr(total, respondents, expected):
    assert element_nrr(total, respondents) == Decimal(expected)


@pytest.mark.parametrize("total,respondents,field", [
    (0, 0, "respondents"), (3, -1, "respondents"),
    (4, 5, "sum_answers"),    # five answers add up to at least 5
    (21, 5, "sum_answers"),   # and to at most 20
])
def test_element_nrr_needs_possible_totals(total, respondents, field):
    with pytest.raises(DomainError) as caught:
        element_nrr(total, respondents)
    assert caught.value.field == field


def test_grade_letters_and_labels():
    assert [(g.letter, g.label) for g in Grade] == [
        ("A", "Sangat Baik"), ("B", "Baik"), ("C", "Kurang Baik"), ("D", "Tidak Baik")]


@pytest.mark.parametrize("value,letter", [
    ("25", "D"), ("64.99", "D"), ("65.00", "C"), ("65", "C"),
    ("76.60", "C"), ("76.61", "B"), ("88.30", "B"), ("88.31", "A"), ("100", "A"),
    # rounded to 2 decimals, halves up, before the table
    ("64.994", "D"), ("64.995", "C"), ("76.604", "C"), ("76.605", "B"),
    ("88.3049", "B"), ("88.305", "A"),
    (88.31, "A"), (76.605, "B"), (Decimal("88.304999"), "B"),
    ("24.75", "D"),          # the printed weight 0.11 can go below 25
])
def test_service_grade_boundaries(value, letter):
    assert service_grade(value).letter == letter


@pytest.mark.parametrize("value", ["100.01", "-1", "abc"])
def test_service_grade_refuses_values_off_the_scale(value):
    with pytest.raises(DomainError):
        service_grade(value)


def totals_with(sums, respondents=100):
    assert len(sums) == 9
    return {e.code: (total, respondents) for e, total in zip(SURVEY_ELEMENTS, sums)}


def test_ikm_of_a_unit():
    # NRR: 3.2 3.1 2.9 3.8 3.0 3.3 3.5 2.7 3.1 → Σ 28.6
    result = ikm_from_element_totals(totals_with([320, 310, 290, 380, 300, 330, 350, 270, 310]))
    assert result.ikm.quantize(Decimal("0.0001")) == Decimal("3.1778")     # 28.6 / 9
    assert result.value.quantize(Decimal("0.0001")) == Decimal("79.4444")  # 715 / 9
    assert result.grade is Grade.B
    by_code = {score.element.code: score for score in result.elements}
    assert by_code["U4"].nrr == Decimal("3.8")
    assert (by_code["U4"].value, by_code["U4"].grade) == (Decimal("95"), Grade.A)
    assert (by_code["U8"].value, by_code["U8"].grade) == (Decimal("67.5"), Grade.C)
    assert (by_code["U3"].value, by_code["U3"].grade) == (Decimal("72.5"), Grade.C)


def test_printed_weight_0_11_is_available():
    result = ikm_from_element_totals(
        totals_with([320, 310, 290, 380, 300, 330, 350, 270, 310]), weight=Decimal("0.11"))
    assert (result.ikm, result.value, result.grade) == (Decimal("3.146"), Decimal("78.65"), Grade.B)


def test_exact_ninth_and_printed_weight_can_differ_in_grade():
    # Σ NRR = 31.8: 31.8 × 25 / 9 = 88.33 (A); 31.8 × 0.11 × 25 = 87.45 (B)
    sums = [353] * 8 + [356]
    assert ikm_from_element_totals(totals_with(sums)).grade is Grade.A
    assert ikm_from_element_totals(totals_with(sums), weight="0.11").grade is Grade.B


def test_an_ikm_exactly_on_a_rounding_boundary_is_graded_exactly():
    # Σ NRR = 3 × 10/3 + 217898/10000 = 31.7898; × 25 / 9 = 88.305 → 88.31 → A
    # (repeating thirds on the way; 88.30 would be B)
    totals = {"U1": (10, 3), "U2": (10, 3), "U3": (10, 3)}
    totals.update((e.code, (total, 10000))
                  for e, total in zip(SURVEY_ELEMENTS[3:], [36316] * 5 + [36318]))
    result = ikm_from_element_totals(totals)
    assert result.value == Decimal("88.305")
    assert result.grade is Grade.A


def test_elements_may_have_fewer_respondents_than_the_survey():
    totals = totals_with([300] * 9)
    totals["U4"] = (300, 80)                  # 20 respondents skipped U4: NRR 3.75
    result = ikm_from_element_totals(totals)
    # Σ NRR = 8 × 3 + 3.75 = 27.75; × 25 / 9 = 77.083… → B
    assert result.elements[3].nrr == Decimal("3.75")
    assert result.value.quantize(Decimal("0.001")) == Decimal("77.083")
    assert result.grade is Grade.B


def test_an_element_nobody_answered_is_reported():
    totals = totals_with([300] * 9)
    del totals["U4"]
    totals["U8"] = (0, 0)
    with pytest.raises(DomainError) as caught:
        ikm_from_element_totals(totals)
    assert caught.value.field == "U4"
    assert caught.value.params == {"elements": "U4, U8"}
    assert str(caught.value) == "Nobody answered U4, U8; the IKM needs all nine elements"


def test_unknown_element_and_impossible_totals():
    totals = totals_with([300] * 9)
    with pytest.raises(DomainError) as caught:
        ikm_from_element_totals({**totals, "U10": (3, 1)})
    assert caught.value.field == "element"
    with pytest.raises(DomainError) as caught:
        ikm_from_element_totals({**totals, "U5": (401, 100)})
    assert caught.value.field == "sum_answers"


@pytest.mark.parametrize("weight", [0, "-0.11", "x"])
def test_weight_must_be_positive(weight):
    with pytest.raises(DomainError) as caught:
        ikm_from_element_totals(totals_with([300] * 9), weight=weight)
    assert caught.value.field == "weight"


def test_tally_answers():
    responses = [
        {"U1": 4, "U2": 3, "U4": None},
        {"U1": 2, "U4": 1, "U9": 4},
        {},
    ]
    totals = tally_answers(responses)
    assert totals["U1"] == (6, 2)
    assert totals["U2"] == (3, 1)
    assert totals["U4"] == (1, 1)
    assert totals["U9"] == (4, 1)
    assert totals["U3"] == (0, 0)
    assert list(totals) == [e.code for e in SURVEY_ELEMENTS]


@pytest.mark.parametrize("response,field", [({"U1": 5}, "answer"), ({"U0": 3}, "element")])
def test_tally_refuses_bad_answers(response, field):
    with pytest.raises(DomainError) as caught:
        tally_answers([response])
    assert caught.value.field == field


@pytest.mark.parametrize("population,sample", [
    (100, 80),       # 96.025 / 1.20775 = 79.51
    (1000, 278),     # 960.25 / 3.45775 = 277.71
    (10000, 370),    # 9602.5 / 25.95775 = 369.93
    (50, 45),        # 48.0125 / 1.08275 = 44.34
    (196, 131),      # 188.209 / 1.44775 = 130.0011 (with X² = 3.84 it would be 129.99 → 130)
    (10, 10),        # 9.6025 / 0.98275 = 9.77
    (1, 1),
    (0, 0),
    (1_000_000, 384),  # 960250 / 2500.95775 = 383.95
])
def test_minimum_sample_krejcie_morgan(population, sample):
    assert minimum_sample(population) == sample


@pytest.mark.parametrize("population", [-1, 1.5, "100", True])
def test_minimum_sample_needs_a_population(population):
    with pytest.raises(DomainError) as caught:
        minimum_sample(population)
    assert caught.value.field == "population"


def test_sample_sufficiency():
    assert is_sample_sufficient(80, 100)
    assert not is_sample_sufficient(79, 100)
    assert is_sample_sufficient(400, 10000)
    with pytest.raises(DomainError):
        is_sample_sufficient(-1, 100)
