from decimal import Decimal

import pytest

from app.domain.credit import PREDIKAT_MULTIPLIER, YEARLY_COEFFICIENT, angka_kredit
from app.domain.messages import DomainError
from app.domain.predikat import Predikat
from app.domain.ranks import POSITION_KINDS, PositionCategory

SB, B, BP, K, SK = (Predikat.VERY_GOOD, Predikat.GOOD, Predikat.NEEDS_IMPROVEMENT,
                    Predikat.POOR, Predikat.VERY_POOR)


def test_yearly_coefficients():
    assert dict(YEARLY_COEFFICIENT) == {
        "AHLI_PERTAMA": Decimal("12.5"), "AHLI_MUDA": Decimal("25"),
        "AHLI_MADYA": Decimal("37.5"), "AHLI_UTAMA": Decimal("50"),
        "PEMULA": Decimal("3.75"), "TERAMPIL": Decimal("5"),
        "MAHIR": Decimal("12.5"), "PENYELIA": Decimal("25"),
    }


def test_every_functional_level_has_a_coefficient_and_nothing_else():
    functional = {kind.code for kind in POSITION_KINDS if kind.category in (
        PositionCategory.FUNCTIONAL_EXPERTISE, PositionCategory.FUNCTIONAL_SKILL)}
    assert set(YEARLY_COEFFICIENT) == functional


def test_multiplier_by_predikat():
    assert [PREDIKAT_MULTIPLIER[p] * 100 for p in Predikat] == [150, 100, 75, 50, 25]


@pytest.mark.parametrize("level,predikat,months,expected", [
    ("AHLI_PERTAMA", B, 12, "12.500"),
    ("AHLI_PERTAMA", SB, 12, "18.750"),      # 12.5 × 1.5
    ("AHLI_MUDA", BP, 12, "18.750"),         # 25 × 0.75
    ("AHLI_MADYA", K, 12, "18.750"),         # 37.5 × 0.5
    ("AHLI_UTAMA", SK, 12, "12.500"),        # 50 × 0.25
    ("PENYELIA", SB, 3, "9.375"),            # 25 × 1.5 × 3/12
    ("MAHIR", K, 6, "3.125"),                # 12.5 × 0.5 × 6/12
    ("AHLI_MUDA", B, 1, "2.083"),            # 25/12 = 2.08333…
    ("PEMULA", SK, 1, "0.078"),              # 3.75 × 0.25 / 12 = 0.078125
    ("TERAMPIL", BP, 7, "2.188"),            # 5 × 0.75 × 7/12 = 2.1875
    ("AHLI_PERTAMA", SB, 1, "1.563"),        # 18.75/12 = 1.5625: half up (half-even → 1.562)
    ("AHLI_MADYA", BP, 5, "11.719"),         # 37.5 × 0.75 × 5/12 = 11.71875
    ("PEMULA", B, 12, "3.750"),
])
def test_angka_kredit(level, predikat, months, expected):
    result = angka_kredit(level, predikat, months)
    assert result == Decimal(expected)
    assert str(result) == expected          # always three decimals


def test_predikat_by_siasn_code():
    assert angka_kredit("AHLI_PERTAMA", 1, 12) == Decimal("18.750")


@pytest.mark.parametrize("months", [0, 13, -1, 1.5, "3", True, None])
def test_months_1_to_12(months):
    with pytest.raises(DomainError) as caught:
        angka_kredit("AHLI_MUDA", B, months)
    assert (caught.value.field, str(caught.value)) == (
        "months", "The number of months must be between 1 and 12")


@pytest.mark.parametrize("level", ["PELAKSANA", "JPT_UTAMA", "ahli_pertama", "", None, 1])
def test_only_functional_levels_earn_credit(level):
    with pytest.raises(DomainError) as caught:
        angka_kredit(level, B, 12)
    assert caught.value.field == "level"


def test_unknown_predikat():
    with pytest.raises(DomainError) as caught:
        angka_kredit("AHLI_MUDA", 0, 12)
    assert caught.value.field == "predikat"
