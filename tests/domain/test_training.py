from datetime import date
from decimal import Decimal

import pytest

from app.domain.messages import DomainError
from app.domain.training import (
    MINUTES_PER_JP, REQUIRED_JP_PER_YEAR, TRAINING_KIND_BY_CODE, TRAINING_KINDS, is_jp_compliant,
    jp_from_minutes, jp_shortfall, validate_training,
)


def test_constants():
    assert (REQUIRED_JP_PER_YEAR, MINUTES_PER_JP) == (20, 45)


@pytest.mark.parametrize("minutes,jp", [
    (45, "1"), (90, "2"), (900, "20"), (0, "0"),
    (60, "1.33"),      # 1.333… cut, not rounded
    (44, "0.97"),      # 0.9777…
    (89, "1.97"),      # 1.9777…
    ("67.5", "1.5"),
    (30.0, "0.66"),
])
def test_jp_from_minutes(minutes, jp):
    assert jp_from_minutes(minutes) == Decimal(jp)


def test_jp_length_is_configurable():
    assert jp_from_minutes(60, minutes_per_jp=60) == 1
    assert jp_from_minutes(90, minutes_per_jp=60) == Decimal("1.5")


@pytest.mark.parametrize("minutes,minutes_per_jp,field", [
    (-1, 45, "minutes"), ("x", 45, "minutes"), (45, 0, "minutes_per_jp"),
    (45, -45, "minutes_per_jp"),
])
def test_jp_from_minutes_refuses(minutes, minutes_per_jp, field):
    with pytest.raises(DomainError) as caught:
        jp_from_minutes(minutes, minutes_per_jp=minutes_per_jp)
    assert caught.value.field == field


@pytest.mark.parametrize("total,compliant,missing", [
    (20, True, "0"), (25, True, "0"), ("19.99", False, "0.01"), (0, False, "20"),
    (Decimal("12.5"), False, "7.5"),
])
def test_twenty_jp_a_year(total, compliant, missing):
    assert is_jp_compliant(total) is compliant
    assert jp_shortfall(total) == Decimal(missing)


def test_required_jp_is_configurable():
    assert not is_jp_compliant(20, required=24)
    assert is_jp_compliant(24, required=24)
    assert jp_shortfall(20, required=24) == 4


CLASSICAL = ["Diklat Struktural", "Diklat Fungsional", "Diklat Teknis", "Workshop",
             "Pelatihan Manajerial", "Sosial Kultural", "Sosialisasi", "Bimbingan Teknis",
             "Seminar", "Magang", "Kursus", "Penataran"]
NON_CLASSICAL = ["Coaching", "Mentoring", "E-Learning", "Pelatihan Jarak Jauh", "Detasering",
                 "Outbound", "Benchmarking", "Pertukaran Pegawai", "Belajar Mandiri",
                 "Komunitas Belajar", "Bimbingan di Tempat Kerja"]


def test_training_kinds_exactly_as_listed():
    assert [k.name for k in TRAINING_KINDS if k.classical] == CLASSICAL
    assert [k.name for k in TRAINING_KINDS if not k.classical] == NON_CLASSICAL
    assert len(TRAINING_KIND_BY_CODE) == len(TRAINING_KINDS) == 23
    assert TRAINING_KIND_BY_CODE["E_LEARNING"].classical is False
    assert TRAINING_KIND_BY_CODE["BIMBINGAN_TEKNIS"].classical is True


def test_a_valid_training():
    assert validate_training(Decimal("2.5"), date(2025, 3, 1), date(2025, 3, 1)) is None
    assert validate_training(20, date(2025, 3, 1), date(2025, 3, 5)) is None


@pytest.mark.parametrize("jp,start,end,field", [
    (0, date(2025, 3, 1), date(2025, 3, 2), "jp"),
    (-1, date(2025, 3, 1), date(2025, 3, 2), "jp"),
    ("abc", date(2025, 3, 1), date(2025, 3, 2), "jp"),
    (4, date(2025, 3, 2), date(2025, 3, 1), "end"),
])
def test_an_invalid_training(jp, start, end, field):
    with pytest.raises(DomainError) as caught:
        validate_training(jp, start, end)
    assert caught.value.field == field
