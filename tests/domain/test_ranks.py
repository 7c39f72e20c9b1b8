import pytest

from app.domain.messages import DomainError
from app.domain.ranks import (
    PNS_RANKS, POSITION_KINDS, PPPK_GRADES, PositionCategory, SkpApproach, get_position_kind,
    skp_approach,
)


def test_pns_ranks_exactly():
    assert [(r.code, r.golongan, r.pangkat) for r in PNS_RANKS] == [
        (11, "I/a", "Juru Muda"),
        (12, "I/b", "Juru Muda Tingkat I"),
        (13, "I/c", "Juru"),
        (14, "I/d", "Juru Tingkat I"),
        (21, "II/a", "Pengatur Muda"),
        (22, "II/b", "Pengatur Muda Tingkat I"),
        (23, "II/c", "Pengatur"),
        (24, "II/d", "Pengatur Tingkat I"),
        (31, "III/a", "Penata Muda"),
        (32, "III/b", "Penata Muda Tingkat I"),
        (33, "III/c", "Penata"),
        (34, "III/d", "Penata Tingkat I"),
        (41, "IV/a", "Pembina"),
        (42, "IV/b", "Pembina Tingkat I"),
        (43, "IV/c", "Pembina Utama Muda"),
        (44, "IV/d", "Pembina Utama Madya"),
        (45, "IV/e", "Pembina Utama"),
    ]


def test_pppk_grades_i_to_xvii():
    assert [g.golongan for g in PPPK_GRADES] == [
        "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X",
        "XI", "XII", "XIII", "XIV", "XV", "XVI", "XVII"]
    assert [g.number for g in PPPK_GRADES] == list(range(1, 18))


def test_position_kinds():
    assert [(k.code, k.name, k.category.value) for k in POSITION_KINDS] == [
        ("JPT_UTAMA", "JPT Utama", "JPT"),
        ("JPT_MADYA", "JPT Madya", "JPT"),
        ("JPT_PRATAMA", "JPT Pratama", "JPT"),
        ("ADMINISTRATOR", "Administrator", "ADMINISTRASI"),
        ("PENGAWAS", "Pengawas", "ADMINISTRASI"),
        ("PELAKSANA", "Pelaksana", "ADMINISTRASI"),
        ("AHLI_PERTAMA", "Ahli Pertama", "FUNGSIONAL_KEAHLIAN"),
        ("AHLI_MUDA", "Ahli Muda", "FUNGSIONAL_KEAHLIAN"),
        ("AHLI_MADYA", "Ahli Madya", "FUNGSIONAL_KEAHLIAN"),
        ("AHLI_UTAMA", "Ahli Utama", "FUNGSIONAL_KEAHLIAN"),
        ("PEMULA", "Pemula", "FUNGSIONAL_KETERAMPILAN"),
        ("TERAMPIL", "Terampil", "FUNGSIONAL_KETERAMPILAN"),
        ("MAHIR", "Mahir", "FUNGSIONAL_KETERAMPILAN"),
        ("PENYELIA", "Penyelia", "FUNGSIONAL_KETERAMPILAN"),
    ]
    assert PositionCategory.FUNCTIONAL_SKILL.label == "Jabatan Fungsional Keterampilan"


@pytest.mark.parametrize("code,approach", [
    ("JPT_UTAMA", "kualitatif"), ("JPT_MADYA", "kualitatif"), ("JPT_PRATAMA", "kualitatif"),
    ("ADMINISTRATOR", "kuantitatif"), ("PENGAWAS", "kuantitatif"), ("PELAKSANA", "kuantitatif"),
    ("AHLI_PERTAMA", "kuantitatif"), ("AHLI_UTAMA", "kuantitatif"), ("PEMULA", "kuantitatif"),
    ("PENYELIA", "kuantitatif"),
])
def test_skp_approach(code, approach):
    assert skp_approach(code) == approach
    assert skp_approach(get_position_kind(code)) == approach


@pytest.mark.parametrize("code", ["ADMINISTRATOR", "PENGAWAS", "JPT_PRATAMA"])
def test_heads_of_independent_units_plan_qualitatively(code):
    assert skp_approach(code, heads_independent_unit=True) is SkpApproach.QUALITATIVE


@pytest.mark.parametrize("code", ["KEPALA", "", None, "jpt_utama"])
def test_unknown_position_kind(code):
    with pytest.raises(DomainError) as caught:
        skp_approach(code, heads_independent_unit=True)
    assert caught.value.field == "position_kind"
