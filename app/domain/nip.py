"""Civil-servant identity numbers: the NIP of a PNS and the NI of a PPPK (RULES §1).

Layouts (18 digits; spaces are for display only):

- PNS  ``YYYYMMDD YYYYMM S NNN`` — birth date, TMT CPNS month, sex, serial.
- PPPK ``YYYYMMDD YYYY 2 K S NNN`` — birth date, year first appointed, the
  PPPK marker 2, contract count 1–9, sex, serial.

The 13th digit tells them apart: for a PNS it is the first digit of the
appointment month (0 or 1), for a PPPK it is the marker 2.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from app.domain.dates import anniversary
from app.domain.enums import coerce_member
from app.domain.messages import DomainError, N_

NIP_LENGTH = 18
MINIMUM_AGE_AT_APPOINTMENT = 18
PPPK_MARKER = "2"
_PNS_MONTH_FIRST_DIGITS = "01"
_ASCII_DIGITS = re.compile(r"[0-9]*")


class EmploymentType(StrEnum):
    """The two kinds of ASN (UU 20/2023): career civil servant and contract employee."""

    PNS = "PNS"
    PPPK = "PPPK"


class InvalidNumber(DomainError):
    """A NIP / NI PPPK that is malformed; ``field`` names the wrong part.

    Fields: ``length``, ``birth_date``, ``marker``, ``appointment``,
    ``contract_count``, ``sex``, ``serial``.
    """


@dataclass(frozen=True)
class CivilServantNumber:
    """A parsed, valid NIP (PNS) or NI (PPPK)."""

    number: str
    employment_type: EmploymentType
    birth_date: date
    appointment_year: int
    appointment_month: int | None
    sex: str
    serial: int
    contract_count: int | None

    def __str__(self) -> str:
        return self.number


def parse_nip(value: str | int | None, employment_type: str | None = None, *,
              today: date | None = None) -> CivilServantNumber:
    """Parse and validate a NIP of a PNS or an NI of a PPPK (BKN numbering, RULES §1).

    ``employment_type`` is "PNS", "PPPK" or None to tell them apart by the
    13th digit (0/1 → PNS appointment month, 2 → PPPK marker). Whitespace is
    ignored, so the display form "19860926 201505 1 001" parses; an int (a
    spreadsheet cell) is read as its digits, None as an empty number.

    Checks, left to right, and the first wrong part is reported:

    - 18 ASCII digits;
    - the birth date is a real date, not after ``today``;
    - PNS: the TMT CPNS month is 01–12, the person was at least 18 on the
      first day of that month (TMT CPNS is always the first of a month, and
      the minimum age of 18 applies already when applying, PP 11/2017
      art. 23), and the month is not after the month of ``today``;
    - PPPK: the marker is 2; the year first appointed is not before the
      year of the 18th birthday (the NI holds no month, so a person who
      turns 18 late in that year is given the benefit of the doubt) and not
      after the year of ``today``; the contract count is 1–9;
    - the sex digit is 1 (male) or 2 (female);
    - the serial is 001 or higher.

    Someone born on 29 February turns 18 on 1 March in a common year.
    """
    digits = "".join(str("" if value is None else value).split())
    if not _ASCII_DIGITS.fullmatch(digits):
        raise InvalidNumber(N_("A NIP has digits only"), field="length")
    if len(digits) != NIP_LENGTH:
        raise InvalidNumber(N_("A NIP has 18 digits"), field="length", count=len(digits))
    today = today or date.today()
    birth_date = _birth_date(digits, today)
    kind = _employment_type(digits, employment_type)
    eighteenth_birthday = anniversary(birth_date, MINIMUM_AGE_AT_APPOINTMENT)
    if kind is EmploymentType.PNS:
        year, month = _pns_appointment(digits, eighteenth_birthday, today)
        contract_count = None
    else:
        year, month = _pppk_appointment(digits, eighteenth_birthday, today), None
        contract_count = _contract_count(digits)
    return CivilServantNumber(
        number=digits,
        employment_type=kind,
        birth_date=birth_date,
        appointment_year=year,
        appointment_month=month,
        sex=_sex(digits[14]),
        serial=_serial(digits),
        contract_count=contract_count,
    )


def _birth_date(digits: str, today: date) -> date:
    try:
        birth_date = date(int(digits[0:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        raise InvalidNumber(N_("The birth date in the NIP is not a valid date"),
                            field="birth_date") from None
    if birth_date > today:
        raise InvalidNumber(N_("The birth date in the NIP cannot be in the future"),
                            field="birth_date")
    return birth_date


def _employment_type(digits: str, declared: str | None) -> EmploymentType:
    marker = digits[12]
    if declared is not None:
        kind = coerce_member(EmploymentType, declared, field="employment_type")
        if kind is EmploymentType.PPPK and marker != PPPK_MARKER:
            raise InvalidNumber(N_("The PPPK marker (13th digit) must be 2"), field="marker")
        return kind
    if marker == PPPK_MARKER:
        return EmploymentType.PPPK
    if marker in _PNS_MONTH_FIRST_DIGITS:
        return EmploymentType.PNS
    raise InvalidNumber(
        N_("The 13th digit must be 0 or 1 (PNS appointment month) or 2 (PPPK marker)"),
        field="marker")


def _pns_appointment(digits: str, eighteenth_birthday: date, today: date) -> tuple[int, int]:
    year, month = int(digits[8:12]), int(digits[12:14])
    if not 1 <= month <= 12:
        raise InvalidNumber(N_("The appointment month in the NIP is not a valid month"),
                            field="appointment")
    # Tuples, not dates: a year 0000 in the NIP is no valid date but is still
    # simply "too early".
    if (year, month, 1) < (eighteenth_birthday.year, eighteenth_birthday.month,
                           eighteenth_birthday.day):
        raise InvalidNumber(N_("The appointment month must be after the 18th birthday"),
                            field="appointment")
    if (year, month) > (today.year, today.month):
        raise InvalidNumber(N_("The appointment month cannot be in the future"),
                            field="appointment")
    return year, month


def _pppk_appointment(digits: str, eighteenth_birthday: date, today: date) -> int:
    year = int(digits[8:12])
    if year < eighteenth_birthday.year:
        raise InvalidNumber(
            N_("The appointment year cannot be before the year of the 18th birthday"),
            field="appointment")
    if year > today.year:
        raise InvalidNumber(N_("The appointment year cannot be in the future"),
                            field="appointment")
    return year


def _contract_count(digits: str) -> int:
    contract_count = int(digits[13])
    if contract_count == 0:
        raise InvalidNumber(N_("The contract count (14th digit) must be 1 to 9"),
                            field="contract_count")
    return contract_count


def _sex(digit: str) -> str:
    sex = {"1": "M", "2": "F"}.get(digit)
    if sex is None:
        raise InvalidNumber(N_("The sex code must be 1 or 2"), field="sex")
    return sex


def _serial(digits: str) -> int:
    serial = int(digits[15:18])
    if serial == 0:
        raise InvalidNumber(N_("The serial number must be 001 or higher"), field="serial")
    return serial


def format_nip(number: CivilServantNumber | str) -> str:
    """The display form of a NIP / NI PPPK, grouped by its parts (RULES §1).

    PNS: "19860926 201505 1 001" (birth date, TMT CPNS, sex, serial).
    PPPK: "20001231 2024 2 1 1 001" (birth date, year, marker, contract
    count, sex, serial) — one group per part, so each can be read off.

    A string is grouped by its 13th digit without further validation, and
    anything that is not 18 digits is returned unchanged: showing a legacy
    or mistyped number must not fail.
    """
    digits = "".join(str(number).split())
    if len(digits) != NIP_LENGTH or not _ASCII_DIGITS.fullmatch(digits):
        return str(number)
    return _grouped(digits, digits)


def _grouped(digits: str, shown: str) -> str:
    """``shown`` (``digits`` or a masked copy) split into the parts of the layout that ``digits`` has."""
    if digits[12] == PPPK_MARKER:
        groups = (shown[0:8], shown[8:12], shown[12], shown[13], shown[14], shown[15:])
    else:
        groups = (shown[0:8], shown[8:14], shown[14], shown[15:])
    return " ".join(groups)


MASK = "*"
# Digits 9–14: the TMT CPNS of a PNS; the year first appointed, the PPPK marker and the contract count of a PPPK.
_MASKED_FROM, _MASKED_TO = 8, 14
_UNMASKED_TAIL = 3


def mask_nip(number: CivilServantNumber | str | None) -> str:
    """The NIP / NI PPPK for a public page: grouped like ``format_nip`` with the middle six digits masked,
    e.g. "19871210 ****** 1 001" (PNS) or "20001231 **** * * 1 001" (PPPK).

    A person holding the paper can compare the visible parts with it; a stranger who reads the public
    verification page does not learn the whole number (UU 27/2022 on personal data: disclose no more than
    the purpose needs). Anything that is not 18 digits keeps only its last three characters visible, so a
    legacy or mistyped number is never shown whole either.
    """
    digits = "".join(str("" if number is None else number).split())
    if len(digits) != NIP_LENGTH or not _ASCII_DIGITS.fullmatch(digits):
        visible = digits[-_UNMASKED_TAIL:] if len(digits) > _UNMASKED_TAIL else ""
        return MASK * (len(digits) - len(visible)) + visible
    masked = digits[:_MASKED_FROM] + MASK * (_MASKED_TO - _MASKED_FROM) + digits[_MASKED_TO:]
    return _grouped(digits, masked)


def appointment_date(number: CivilServantNumber | str, *, today: date | None = None) -> date:
    """The TMT CPNS of a PNS: the first day of the appointment month in the NIP.

    Length of service (e.g. for Satyalancana Karya Satya, RULES §10) counts
    from this date. A PPPK number holds only the year, not a date, so it is
    refused rather than guessed.
    """
    parsed = number if isinstance(number, CivilServantNumber) else parse_nip(number, today=today)
    if parsed.appointment_month is None:
        raise DomainError(N_("A PPPK number holds the appointment year only, not the date"),
                          field="appointment")
    return date(parsed.appointment_year, parsed.appointment_month, 1)
