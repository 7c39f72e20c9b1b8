"""Competency development: JP hours and the kinds of training (PP 11/2017 art. 203(4); RULES §9)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal
from types import MappingProxyType

from app.domain.messages import DomainError, N_
from app.domain.numbers import Number, to_decimal

REQUIRED_JP_PER_YEAR = 20
MINUTES_PER_JP = 45
JP_DECIMAL_PLACES = 2


def jp_from_minutes(minutes: Number, *, minutes_per_jp: int = MINUTES_PER_JP) -> Decimal:
    """Jam pelajaran (JP) for a duration in minutes.

    (policy) ``minutes_per_jp`` defaults to 45 (1 JP = 45 minutes). The
    result is cut (not rounded) to 2 decimals, so nobody is credited with
    minutes they did not attend: 60 minutes → 1.33 JP.
    """
    duration = to_decimal(minutes, field="minutes")
    if duration < 0:
        raise DomainError(N_("The duration cannot be negative"), field="minutes")
    per_jp = to_decimal(minutes_per_jp, field="minutes_per_jp")
    if per_jp <= 0:
        raise DomainError(N_("A JP must last more than zero minutes"), field="minutes_per_jp")
    return (duration / per_jp).quantize(Decimal(1).scaleb(-JP_DECIMAL_PLACES),
                                        rounding=ROUND_DOWN)


# A duration beyond this is a typing error (about 35 working weeks of lessons); its JP still fit the column.
MAX_TRAINING_MINUTES = 99_999


def training_minutes(value: Number) -> int:
    """A training's duration as a certificate or a letter states it ("270 menit"): whole minutes above zero,
    from which its JP are computed with the year's minutes-per-JP policy (RULES §9)."""
    minutes = to_decimal(value, field="minutes")
    if minutes < 0:
        raise DomainError(N_("The duration cannot be negative"), field="minutes")
    if minutes != minutes.to_integral_value():
        raise DomainError(N_("Give the duration in whole minutes"), field="minutes")
    if minutes == 0:
        raise DomainError(N_("The duration must be longer than zero minutes"), field="minutes")
    if minutes > MAX_TRAINING_MINUTES:
        raise DomainError(N_("A training lasts at most %(maximum)s minutes"), field="minutes",
                          maximum=MAX_TRAINING_MINUTES)
    return int(minutes)


def is_jp_compliant(total_jp: Number, *, required: Number = REQUIRED_JP_PER_YEAR) -> bool:
    """Whether a PNS reached the yearly JP of competency development (PP 11/2017 art. 203(4)).

    Every PNS has the right to at least 20 JP a year; ``required`` can be
    raised by a local rule.
    """
    return jp_shortfall(total_jp, required=required) == 0


def jp_shortfall(total_jp: Number, *, required: Number = REQUIRED_JP_PER_YEAR) -> Decimal:
    """The JP still missing to reach the yearly minimum (0 when reached; PP 11/2017 art. 203(4))."""
    missing = to_decimal(required, field="required") - to_decimal(total_jp, field="total_jp")
    return max(missing, Decimal(0))


@dataclass(frozen=True)
class TrainingKind:
    """A kind of competency development as SIASN lists it; ``classical`` = klasikal."""

    code: str
    name: str
    classical: bool


def _kinds(classical: bool, *names: tuple[str, str]) -> tuple[TrainingKind, ...]:
    return tuple(TrainingKind(code, name, classical) for code, name in names)


TRAINING_KINDS: tuple[TrainingKind, ...] = _kinds(
    True,
    ("DIKLAT_STRUKTURAL", "Diklat Struktural"),
    ("DIKLAT_FUNGSIONAL", "Diklat Fungsional"),
    ("DIKLAT_TEKNIS", "Diklat Teknis"),
    ("WORKSHOP", "Workshop"),
    ("PELATIHAN_MANAJERIAL", "Pelatihan Manajerial"),
    ("SOSIAL_KULTURAL", "Sosial Kultural"),
    ("SOSIALISASI", "Sosialisasi"),
    ("BIMBINGAN_TEKNIS", "Bimbingan Teknis"),
    ("SEMINAR", "Seminar"),
    ("MAGANG", "Magang"),
    ("KURSUS", "Kursus"),
    ("PENATARAN", "Penataran"),
) + _kinds(
    False,
    ("COACHING", "Coaching"),
    ("MENTORING", "Mentoring"),
    ("E_LEARNING", "E-Learning"),
    ("PELATIHAN_JARAK_JAUH", "Pelatihan Jarak Jauh"),
    ("DETASERING", "Detasering"),
    ("OUTBOUND", "Outbound"),
    ("BENCHMARKING", "Benchmarking"),
    ("PERTUKARAN_PEGAWAI", "Pertukaran Pegawai"),
    ("BELAJAR_MANDIRI", "Belajar Mandiri"),
    ("KOMUNITAS_BELAJAR", "Komunitas Belajar"),
    ("BIMBINGAN_DI_TEMPAT_KERJA", "Bimbingan di Tempat Kerja"),
)

TRAINING_KIND_BY_CODE: Mapping[str, TrainingKind] = MappingProxyType(
    {kind.code: kind for kind in TRAINING_KINDS})


def validate_training(jp: Number, start: date, end: date) -> None:
    """A training record needs JP above zero and an end not before its start (RULES §9)."""
    if to_decimal(jp, field="jp") <= 0:
        raise DomainError(N_("The JP must be greater than zero"), field="jp")
    if end < start:
        raise DomainError(N_("The end date cannot be before the start date"), field="end")


PARTICIPATION_STATUSES = ("registered", "attended", "completed")
SCORE_RANGE = (Decimal(0), Decimal(100))


def validate_completion(start: date, completed_on: date | None, jp_earned: Number | None) -> None:
    """A completed participation ends on or after the programme's start and earns JP above zero (RULES §9).

    The JP are what counts toward the yearly 20 JP (PP 11/2017 art. 203(4)), so a completion without
    them, or dated before the programme began, is refused rather than stored.
    """
    if completed_on is None:
        raise DomainError(N_("Give the completion date"), field="completed_on")
    if completed_on < start:
        raise DomainError(N_("The completion cannot be before the programme starts"), field="completed_on")
    if jp_earned is None or to_decimal(jp_earned, field="jp_earned") <= 0:
        raise DomainError(N_("The JP must be greater than zero"), field="jp_earned")


def validate_score(score: Number | None, *, field: str) -> Decimal | None:
    """(policy) A pre- or post-assessment score is optional and lies between 0 and 100."""
    if score is None or score == "":
        return None
    value = to_decimal(score, field=field)
    if not SCORE_RANGE[0] <= value <= SCORE_RANGE[1]:
        raise DomainError(N_("A score must lie between 0 and 100"), field=field)
    return value


@dataclass(frozen=True)
class ComplianceFigures:
    """How many of a group reached the yearly JP (PP 11/2017 art. 203(4))."""

    employees: int
    compliant: int

    @property
    def share(self) -> Decimal | None:
        """Percentage of compliant employees, 2 decimals; None for an empty group."""
        if not self.employees:
            return None
        return (Decimal(self.compliant) * 100 / self.employees).quantize(Decimal("0.01"))


def compliance(jp_totals: list[Number], *, required: Number = REQUIRED_JP_PER_YEAR) -> ComplianceFigures:
    """The compliance of a group from each member's JP this year (members without training count as 0)."""
    return ComplianceFigures(len(jp_totals),
                             sum(1 for total in jp_totals if is_jp_compliant(total, required=required)))
