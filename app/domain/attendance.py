"""Attendance (presensi): what one working day of an employee was, from the machine's marks, approved leave
and duty, and the outages HR declared (issue 23, RULES §14).

No national regulation fixes office hours, tiers or what a missing mark costs: they are the regent's
regulation, so the schedule is data of the year's TPP rule set (``app.domain.tpp``) and this module only
applies it. Machines export local wall-clock time (WITA in Tanjung Selor); marks are compared as such.
"""
from __future__ import annotations

import calendar
from collections.abc import Container, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from app.domain.enums import LabelledStrEnum
from app.domain.imports import Column, cell_text, normalise_header
from app.domain.messages import N_, DomainError
from app.domain.workdays import is_working_day

_FRIDAY = 4


class LeaveKind(LabelledStrEnum):
    """Absence with a reason, requested by the employee and approved by the evaluator (issue 23)."""

    LEAVE = "CUTI", "Cuti"
    PERMISSION = "IZIN", "Izin"
    SICK = "SAKIT", "Sakit"
    OFFICIAL_DUTY = "DINAS_LUAR", "Dinas Luar"
    STUDY = "TUGAS_BELAJAR", "Tugas Belajar"


class Direction(LabelledStrEnum):
    """The direction a machine records for a mark; many machines record none (a plain scan)."""

    IN = "IN", "Masuk"
    OUT = "OUT", "Pulang"


class DayStatus(LabelledStrEnum):
    PRESENT = "PRESENT", "Hadir"
    ABSENT = "ABSENT", "Tanpa Keterangan"
    ON_LEAVE = "LEAVE", "Cuti/Izin/Dinas"
    OUTAGE = "OUTAGE", "Gangguan Mesin Presensi"
    EXCUSED = "EXCUSED", "Dikecualikan (Sanggahan Diterima)"


@dataclass(frozen=True)
class WorkSchedule:
    """Office hours (policy, the regent's regulation): when the day starts, when it ends, Friday's end."""

    starts: time = time(7, 30)
    ends: time = time(16, 0)
    friday_ends: time = time(16, 30)

    def __post_init__(self):
        if not (self.starts < self.ends and self.starts < self.friday_ends):
            raise DomainError(N_("Office hours must end after they start."), field="schedule")

    def end_on(self, day: date) -> time:
        return self.friday_ends if day.weekday() == _FRIDAY else self.ends

    def midday(self, day: date) -> time:
        """Half-way through the office day: a scan without direction before it counts as arriving, from
        it on as leaving (a machine that records no direction still tells the two apart)."""
        start, end = _minutes(self.starts), _minutes(self.end_on(day))
        middle = (start + end) // 2
        return time(middle // 60, middle % 60)


@dataclass(frozen=True)
class Mark:
    at: datetime
    direction: Direction | None = None


@dataclass(frozen=True)
class DayAttendance:
    """One working day: its status and, when present, how late, how early, which mark is missing."""

    day: date
    status: DayStatus
    arrived: time | None = None
    left: time | None = None
    late_minutes: int = 0
    early_minutes: int = 0
    missing_in: bool = False
    missing_out: bool = False
    leave_kind: LeaveKind | None = None


def _minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def _whole_minutes_between(earlier: time, later: time) -> int:
    """Whole minutes from ``earlier`` to ``later`` (0 when not later): 07:30:59 is not late for 07:30,
    07:31:00 is one minute late (machines record seconds; the regulation counts minutes)."""
    seconds = (later.hour * 3600 + later.minute * 60 + later.second) - (
        earlier.hour * 3600 + earlier.minute * 60 + earlier.second)
    return max(seconds // 60, 0)


def arrival_and_departure(day: date, marks: Iterable[Mark], schedule: WorkSchedule) -> tuple[time | None,
                                                                                              time | None]:
    """The first arrival and the last departure of ``day``: marks recorded as IN / OUT by the machine, and
    scans without direction before / from the schedule's midday."""
    midday = schedule.midday(day)
    arrivals, departures = [], []
    for mark in marks:
        if mark.at.date() != day:
            continue
        moment = mark.at.time()
        arriving = mark.direction == Direction.IN or (mark.direction is None and moment < midday)
        (arrivals if arriving else departures).append(moment)
    return (min(arrivals) if arrivals else None), (max(departures) if departures else None)


def assess_day(day: date, marks: Iterable[Mark], schedule: WorkSchedule, *, leave: LeaveKind | None = None,
               outage: bool = False, excused: bool = False) -> DayAttendance:
    """What a working day was. An outage HR declared excuses the day for everyone whatever the marks
    (issue 23: nobody is cut for a broken machine); so does an objection (sanggahan) accepted for that day;
    an approved leave or duty excuses it; no mark at all is
    absence without reason; otherwise the day is present, late by the minutes after the start, early by the
    minutes before the end, and each missing mark (roll-call) noted."""
    if outage:
        return DayAttendance(day, DayStatus.OUTAGE)
    if excused:
        return DayAttendance(day, DayStatus.EXCUSED)
    if leave is not None:
        return DayAttendance(day, DayStatus.ON_LEAVE, leave_kind=leave)
    arrived, left = arrival_and_departure(day, marks, schedule)
    if arrived is None and left is None:
        return DayAttendance(day, DayStatus.ABSENT)
    return DayAttendance(
        day, DayStatus.PRESENT, arrived=arrived, left=left,
        late_minutes=_whole_minutes_between(schedule.starts, arrived) if arrived else 0,
        early_minutes=_whole_minutes_between(left, schedule.end_on(day)) if left else 0,
        missing_in=arrived is None, missing_out=left is None)


def days_over(days: Iterable[DayAttendance], today: date) -> list[DayAttendance]:
    """The working days an allowance counts on ``today``: those already over. Today's office day is still under
    way (the departure mark, or the machine's upload of the arrival, may still come), so it is neither an
    absence nor a missing roll-call yet: at 06.00 nobody is shown a cut for the day ahead (issue 23)."""
    return [day for day in days if day.day < today]


def days_shown_on(days: Iterable[DayAttendance], today: date) -> list[DayAttendance]:
    """An employee's days as far as they are known on ``today``: the days over, and today once something is
    recorded for it (the arrival, approved leave, an outage) — never today as absent."""
    return [day for day in days if day.day < today or (day.day == today and day.status is not DayStatus.ABSENT)]


def month_bounds(year: int, month: int) -> tuple[date, date]:
    if not 1 <= month <= 12:
        raise DomainError(N_("A month is a number from 1 to 12."), field="month")
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def working_days_of_month(year: int, month: int, holidays: Container[date]) -> list[date]:
    """Monday to Friday of the month that are not holidays (the holiday calendar HR keeps)."""
    first, last = month_bounds(year, month)
    days = (first + timedelta(days=offset) for offset in range((last - first).days + 1))
    return [day for day in days if is_working_day(day, holidays)]


def check_leave_dates(starts: date, ends: date) -> None:
    """A leave or duty runs from its first day to its last, within one year (a longer duty, such as a
    study assignment, is recorded again for the next year)."""
    if ends < starts:
        raise DomainError(N_("The last day cannot be before the first day."), field="ends_on")
    if (ends - starts).days > 366:
        raise DomainError(N_("A leave or duty record covers at most a year; record a longer one again for the "
                             "next year."), field="ends_on")


# --- reading a machine export ----------------------------------------------------------------------------

# Header texts as fingerprint and face machines (ZKTeco, Solution, Fingerspot) and attendance apps export
# them, and the Indonesian names HR staff type. A file names the employee by NIP or by the machine's PIN,
# and gives the moment in one column or as a date and a time column.
ATTENDANCE_COLUMNS = (
    Column("nip", ("nip", "nip baru", "nip/ni pppk")),
    Column("pin", ("pin", "ac no", "no id", "user id", "id pegawai", "id", "enroll number", "no pegawai")),
    Column("moment", ("waktu", "tanggal jam", "tanggal/jam", "date/time", "datetime", "time", "scan time",
                      "verify date", "check time", "waktu scan", "jam scan")),
    Column("date", ("tanggal", "tgl", "date", "tanggal scan")),
    Column("time", ("jam", "pukul", "jam masuk/pulang")),
    Column("direction", ("status", "state", "verify state", "in/out", "keterangan", "jenis", "masuk/pulang",
                         "check type")),
)
_DIRECTION_WORDS = {
    Direction.IN: ("in", "masuk", "datang", "c/in", "check in", "checkin", "clock in", "i"),
    Direction.OUT: ("out", "pulang", "keluar", "c/out", "check out", "checkout", "clock out", "o"),
}
_MOMENT_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M",
                   "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M",
                   "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M")
_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%Y/%m/%d", "%d.%m.%Y")
_TIME_FORMATS = ("%H:%M:%S", "%H:%M", "%H.%M")


def _parse(text: str, formats) -> datetime | None:
    for pattern in formats:
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    return None


def cell_moment(moment, day=None, clock=None) -> datetime:
    """The moment of a mark: one cell holding date and time (a spreadsheet date-time or text such as
    "02-03-2026 07:21:05" / "2026-03-02 07:21"), or a date cell and a time cell. Day first, as Indonesian
    machines write it; seconds kept."""
    if isinstance(moment, datetime):
        return moment
    if moment not in (None, ""):
        found = _parse(cell_text(moment), _MOMENT_FORMATS)
        if found is None:
            raise DomainError(N_("\"%(value)s\" is not a date and time (use DD-MM-YYYY HH:MM)."), field="moment",
                              value=cell_text(moment))
        return found
    if day in (None, "") or clock in (None, ""):
        raise DomainError(N_("The date and time of the mark are empty."), field="moment")
    if isinstance(day, datetime):
        day = day.date()
    if not isinstance(day, date):
        parsed = _parse(cell_text(day), _DATE_FORMATS)
        if parsed is None:
            raise DomainError(N_("\"%(value)s\" is not a date (use DD-MM-YYYY)."), field="date",
                              value=cell_text(day))
        day = parsed.date()
    if isinstance(clock, datetime):
        clock = clock.time()
    if not isinstance(clock, time):
        parsed = _parse(cell_text(clock), _TIME_FORMATS)
        if parsed is None:
            raise DomainError(N_("\"%(value)s\" is not a time of day (HH:MM)."), field="time",
                              value=cell_text(clock))
        clock = parsed.time()
    return datetime.combine(day, clock)


def cell_direction(text) -> Direction | None:
    """IN / OUT from the words machines write ("C/In", "Check Out", "Masuk", "Pulang"); empty: none."""
    word = normalise_header(cell_text(text))
    if not word:
        return None
    for direction, words in _DIRECTION_WORDS.items():
        if word in words:
            return direction
    raise DomainError(N_("\"%(value)s\" is neither an arrival nor a departure (use Masuk or Pulang)."),
                      field="direction", value=cell_text(text))
