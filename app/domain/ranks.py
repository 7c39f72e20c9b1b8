"""Ranks and position kinds of ASN (RULES §2), and the approach of their SKP (RULES §3)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from app.domain.enums import LabelledStrEnum
from app.domain.messages import DomainError, N_


@dataclass(frozen=True)
class Rank:
    """A PNS golongan/ruang with its pangkat (PP 99/2000) and SIASN code."""

    code: int
    golongan: str
    pangkat: str


PNS_RANKS: tuple[Rank, ...] = (
    Rank(11, "I/a", "Juru Muda"),
    Rank(12, "I/b", "Juru Muda Tingkat I"),
    Rank(13, "I/c", "Juru"),
    Rank(14, "I/d", "Juru Tingkat I"),
    Rank(21, "II/a", "Pengatur Muda"),
    Rank(22, "II/b", "Pengatur Muda Tingkat I"),
    Rank(23, "II/c", "Pengatur"),
    Rank(24, "II/d", "Pengatur Tingkat I"),
    Rank(31, "III/a", "Penata Muda"),
    Rank(32, "III/b", "Penata Muda Tingkat I"),
    Rank(33, "III/c", "Penata"),
    Rank(34, "III/d", "Penata Tingkat I"),
    Rank(41, "IV/a", "Pembina"),
    Rank(42, "IV/b", "Pembina Tingkat I"),
    Rank(43, "IV/c", "Pembina Utama Muda"),
    Rank(44, "IV/d", "Pembina Utama Madya"),
    Rank(45, "IV/e", "Pembina Utama"),
)


@dataclass(frozen=True)
class PppkGrade:
    """A PPPK golongan, I to XVII (Perpres 98/2020); ``number`` is its place in that order."""

    number: int
    golongan: str


PPPK_GRADES: tuple[PppkGrade, ...] = tuple(
    PppkGrade(number, golongan) for number, golongan in enumerate(
        ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X",
         "XI", "XII", "XIII", "XIV", "XV", "XVI", "XVII"), start=1))


class PositionCategory(LabelledStrEnum):
    """The family a position kind belongs to (UU 5/2014)."""

    JPT = "JPT", "Jabatan Pimpinan Tinggi"
    ADMINISTRATION = "ADMINISTRASI", "Jabatan Administrasi"
    FUNCTIONAL_EXPERTISE = "FUNGSIONAL_KEAHLIAN", "Jabatan Fungsional Keahlian"
    FUNCTIONAL_SKILL = "FUNGSIONAL_KETERAMPILAN", "Jabatan Fungsional Keterampilan"


@dataclass(frozen=True)
class PositionKind:
    """A kind of position (UU 5/2014 jenis jabatan; PP 11/2017 jenjang fungsional).

    ``code`` is how the rest of the app (and ``credit``) refers to it.
    """

    code: str
    name: str
    category: PositionCategory


POSITION_KINDS: tuple[PositionKind, ...] = (
    PositionKind("JPT_UTAMA", "JPT Utama", PositionCategory.JPT),
    PositionKind("JPT_MADYA", "JPT Madya", PositionCategory.JPT),
    PositionKind("JPT_PRATAMA", "JPT Pratama", PositionCategory.JPT),
    PositionKind("ADMINISTRATOR", "Administrator", PositionCategory.ADMINISTRATION),
    PositionKind("PENGAWAS", "Pengawas", PositionCategory.ADMINISTRATION),
    PositionKind("PELAKSANA", "Pelaksana", PositionCategory.ADMINISTRATION),
    PositionKind("AHLI_PERTAMA", "Ahli Pertama", PositionCategory.FUNCTIONAL_EXPERTISE),
    PositionKind("AHLI_MUDA", "Ahli Muda", PositionCategory.FUNCTIONAL_EXPERTISE),
    PositionKind("AHLI_MADYA", "Ahli Madya", PositionCategory.FUNCTIONAL_EXPERTISE),
    PositionKind("AHLI_UTAMA", "Ahli Utama", PositionCategory.FUNCTIONAL_EXPERTISE),
    PositionKind("PEMULA", "Pemula", PositionCategory.FUNCTIONAL_SKILL),
    PositionKind("TERAMPIL", "Terampil", PositionCategory.FUNCTIONAL_SKILL),
    PositionKind("MAHIR", "Mahir", PositionCategory.FUNCTIONAL_SKILL),
    PositionKind("PENYELIA", "Penyelia", PositionCategory.FUNCTIONAL_SKILL),
)

POSITION_KIND_BY_CODE: Mapping[str, PositionKind] = MappingProxyType(
    {kind.code: kind for kind in POSITION_KINDS})


def get_position_kind(code: PositionKind | str) -> PositionKind:
    """The position kind for a code such as "AHLI_MUDA" (a PositionKind passes through)."""
    if isinstance(code, PositionKind):
        return code
    try:
        return POSITION_KIND_BY_CODE[code]
    except (KeyError, TypeError):
        raise DomainError(N_("%(value)s is not a valid choice"), field="position_kind",
                          value=code) from None


class SkpApproach(StrEnum):
    """How an SKP's indicators are written (PermenPANRB 6/2022); values are the official terms."""

    QUALITATIVE = "kualitatif"
    QUANTITATIVE = "kuantitatif"


def skp_approach(position_kind: PositionKind | str, *,
                 heads_independent_unit: bool = False) -> SkpApproach:
    """The approach of an SKP: kualitatif or kuantitatif (PermenPANRB 6/2022; RULES §3).

    Kualitatif (indicators by perspective: Penerima Layanan, Proses Bisnis,
    Penguatan Internal, Anggaran) for JPT and for heads of independent
    units; kuantitatif (indicators on kuantitas, kualitas, waktu, biaya) for
    administrators and functional staff. Which units count as independent
    is not a property of the position kind, so the caller says so with
    ``heads_independent_unit``.
    """
    category = get_position_kind(position_kind).category
    if heads_independent_unit or category is PositionCategory.JPT:
        return SkpApproach.QUALITATIVE
    return SkpApproach.QUANTITATIVE
