from dataclasses import FrozenInstanceError
from datetime import date

import pytest

from app.domain.messages import DomainError
from app.domain.nip import (
    CivilServantNumber, EmploymentType, InvalidNumber, appointment_date, format_nip, mask_nip, parse_nip,
)

TODAY = date(2025, 1, 15)


def pns(birth="19860926", tmt="201505", sex="1", serial="001"):
    return birth + tmt + sex + serial


def pppk(birth="20001231", year="2024", marker="2", contracts="1", sex="1", serial="001"):
    return birth + year + marker + contracts + sex + serial


def invalid(value, employment_type=None, today=TODAY):
    with pytest.raises(InvalidNumber) as caught:
        parse_nip(value, employment_type, today=today)
    return caught.value


# --- the examples of RULES §1 -------------------------------------------------------------

def test_pns_example_parses_into_its_parts():
    assert parse_nip("198609262015051001", today=TODAY) == CivilServantNumber(
        number="198609262015051001", employment_type=EmploymentType.PNS,
        birth_date=date(1986, 9, 26), appointment_year=2015, appointment_month=5,
        sex="M", serial=1, contract_count=None)


def test_pppk_example_parses_into_its_parts():
    assert parse_nip("200012312024211001", today=TODAY) == CivilServantNumber(
        number="200012312024211001", employment_type=EmploymentType.PPPK,
        birth_date=date(2000, 12, 31), appointment_year=2024, appointment_month=None,
        sex="M", serial=1, contract_count=1)


def test_an_int_from_a_spreadsheet_is_read_as_its_digits():
    assert parse_nip(198609262015051001, today=TODAY).number == "198609262015051001"


def test_today_defaults_to_the_real_date():
    assert parse_nip("198609262015051001").appointment_year == 2015


def test_parsed_number_is_frozen_and_prints_as_its_digits():
    parsed = parse_nip("198609262015051001", today=TODAY)
    with pytest.raises(FrozenInstanceError):
        parsed.serial = 2
    assert str(parsed) == "198609262015051001"


@pytest.mark.parametrize("value", [
    "19860926 201505 1 001", " 198609262015051001 ", "19860926\t201505\u00a01 001",
])
def test_whitespace_is_ignored(value):
    assert parse_nip(value, today=TODAY).number == "198609262015051001"


# --- employment type ------------------------------------------------------------------------

@pytest.mark.parametrize("value,declared,expected", [
    (pns(tmt="201505"), None, "PNS"),          # 13th digit 0
    (pns(tmt="201511"), None, "PNS"),          # 13th digit 1
    (pppk(), None, "PPPK"),                    # 13th digit 2
    (pns(), "PNS", "PNS"),
    (pppk(), "PPPK", "PPPK"),
    (pppk(), EmploymentType.PPPK, "PPPK"),
])
def test_employment_type_is_detected_or_taken_as_declared(value, declared, expected):
    assert parse_nip(value, declared, today=TODAY).employment_type == expected


def test_declared_pppk_needs_the_marker():
    error = invalid(pns(), "PPPK")
    assert (error.field, str(error)) == ("marker", "The PPPK marker (13th digit) must be 2")


def test_declared_pns_reads_the_pppk_marker_as_a_bad_month():
    # 2024 2 1... read as a PNS: appointment month "21"
    assert invalid(pppk(), "PNS").field == "appointment"


@pytest.mark.parametrize("thirteenth", "3456789")
def test_undeclared_number_with_neither_month_nor_marker(thirteenth):
    error = invalid(pns(tmt="2015" + thirteenth + "1"))
    assert error.field == "marker"


@pytest.mark.parametrize("declared", ["CPNS", "pns", "", 1])
def test_unknown_employment_type_is_refused(declared):
    with pytest.raises(DomainError) as caught:
        parse_nip(pns(), declared, today=TODAY)
    assert caught.value.field == "employment_type"
    assert not isinstance(caught.value, InvalidNumber)


# --- length and characters ------------------------------------------------------------------

@pytest.mark.parametrize("value,count", [
    ("19860926201505100", 17), ("1986092620150510011", 19), ("", 0), ("   ", 0), (None, 0),
    (19860926201505100, 17),
])
def test_a_nip_has_18_digits(value, count):
    error = invalid(value)
    assert (error.field, str(error), error.params["count"]) == (
        "length", "A NIP has 18 digits", count)


@pytest.mark.parametrize("value", [
    "19860926201505100A", "1986-09-26201505100", "19860926.201505100", "١٩٨٦٠٩٢٦٢٠١٥٠٥١٠٠١",
])
def test_a_nip_has_only_ascii_digits(value):
    error = invalid(value)
    assert (error.field, str(error)) == ("length", "A NIP has digits only")


def test_invalid_number_is_a_value_error_with_a_translatable_message():
    error = invalid("123")
    assert isinstance(error, ValueError) and isinstance(error, DomainError)
    assert error.message == "A NIP has 18 digits"


# --- birth date ----------------------------------------------------------------------------

@pytest.mark.parametrize("birth,valid", [
    ("19880229", True),    # 1988 is a leap year
    ("19870229", False),   # 1987 is not
    ("20000229", True),    # divisible by 400: leap
    ("19000229", False),   # divisible by 100, not by 400: not leap
    ("19861301", False),   # month 13
    ("19860001", False),   # month 00
    ("19860900", False),   # day 00
    ("19860931", False),   # 31 September
    ("19860132", False),   # day 32
    ("00000101", False),   # year 0 does not exist
    ("19861231", True),
])
def test_birth_date_must_be_a_real_date(birth, valid):
    value = pns(birth=birth, tmt="202412")
    if valid:
        assert parse_nip(value, today=TODAY).birth_date.strftime("%Y%m%d") == birth
    else:
        error = invalid(value)
        assert (error.field, str(error)) == (
            "birth_date", "The birth date in the NIP is not a valid date")


def test_birth_date_cannot_be_in_the_future():
    error = invalid(pns(birth="20250116"))
    assert (error.field, str(error)) == (
        "birth_date", "The birth date in the NIP cannot be in the future")


def test_the_first_wrong_part_from_the_left_is_reported():
    # birth date, appointment month, sex and serial are all wrong
    assert invalid(pns(birth="19861301", tmt="201513", sex="3", serial="000")).field == "birth_date"
    assert invalid(pns(tmt="201513", sex="3", serial="000")).field == "appointment"
    assert invalid(pns(sex="3", serial="000")).field == "sex"


# --- PNS appointment month (TMT CPNS) -------------------------------------------------------

@pytest.mark.parametrize("tmt", ["201500", "201513", "201519"])
def test_appointment_month_must_be_a_month(tmt):
    error = invalid(pns(tmt=tmt))
    assert (error.field, str(error)) == (
        "appointment", "The appointment month in the NIP is not a valid month")


@pytest.mark.parametrize("tmt", ["201521", "201599"])
def test_declared_pns_appointment_month_must_be_a_month(tmt):
    error = invalid(pns(tmt=tmt), "PNS")
    assert (error.field, str(error)) == (
        "appointment", "The appointment month in the NIP is not a valid month")


# Rule: the person is 18 on the first day of the appointment month.
@pytest.mark.parametrize("birth,tmt,valid", [
    ("19860926", "200409", False),  # 18 on 2004-09-26, month starts 2004-09-01: still 17
    ("19860926", "200410", True),   # 2004-10-01: 18
    ("19860926", "200312", False),
    ("19860901", "200409", True),   # 18 on the very first day of the month
    ("19860901", "200408", False),
    ("19860902", "200409", False),  # one day short
    ("19880229", "200602", False),  # 29 Feb: 18 on 2006-03-01 (2006 is a common year)
    ("19880229", "200603", True),
    ("19960229", "201402", False),  # 2014-03-01
    ("19960229", "201403", True),
    ("19860926", "000005", False),  # year 0000 is simply too early
])
def test_appointment_month_must_be_after_the_18th_birthday(birth, tmt, valid):
    value = pns(birth=birth, tmt=tmt)
    if valid:
        assert parse_nip(value, today=TODAY).appointment_month == int(tmt[4:])
    else:
        error = invalid(value)
        assert (error.field, str(error)) == (
            "appointment", "The appointment month must be after the 18th birthday")


@pytest.mark.parametrize("tmt,valid", [
    ("202501", True),    # the current month (today is 2025-01-15)
    ("202412", True),
    ("202502", False),
    ("202601", False),
])
def test_appointment_month_cannot_be_in_the_future(tmt, valid):
    value = pns(tmt=tmt)
    if valid:
        assert parse_nip(value, today=TODAY).appointment_year == int(tmt[:4])
    else:
        error = invalid(value)
        assert (error.field, str(error)) == (
            "appointment", "The appointment month cannot be in the future")


# --- sex and serial -------------------------------------------------------------------------

@pytest.mark.parametrize("digit,sex", [("1", "M"), ("2", "F")])
def test_sex_digit(digit, sex):
    assert parse_nip(pns(sex=digit), today=TODAY).sex == sex
    assert parse_nip(pppk(sex=digit), today=TODAY).sex == sex


@pytest.mark.parametrize("number", [pns(sex="0"), pns(sex="3"), pns(sex="9"), pppk(sex="3")])
def test_sex_code_must_be_1_or_2(number):
    error = invalid(number)
    assert (error.field, str(error)) == ("sex", "The sex code must be 1 or 2")


@pytest.mark.parametrize("serial,expected", [("001", 1), ("010", 10), ("999", 999)])
def test_serial(serial, expected):
    assert parse_nip(pns(serial=serial), today=TODAY).serial == expected
    assert parse_nip(pppk(serial=serial), today=TODAY).serial == expected


@pytest.mark.parametrize("number", [pns(serial="000"), pppk(serial="000")])
def test_serial_must_be_001_or_higher(number):
    error = invalid(number)
    assert (error.field, str(error)) == ("serial", "The serial number must be 001 or higher")


# --- PPPK -----------------------------------------------------------------------------------

@pytest.mark.parametrize("contracts", "123456789")
def test_pppk_contract_count_1_to_9(contracts):
    assert parse_nip(pppk(contracts=contracts), today=TODAY).contract_count == int(contracts)


def test_pppk_contract_count_0_is_refused():
    error = invalid(pppk(contracts="0"))
    assert (error.field, str(error)) == (
        "contract_count", "The contract count (14th digit) must be 1 to 9")


# Born 2000-12-31: 18th birthday in 2018; the NI holds only the year.
@pytest.mark.parametrize("year,valid", [("2017", False), ("2018", True), ("2019", True)])
def test_pppk_year_not_before_the_year_of_the_18th_birthday(year, valid):
    if valid:
        assert parse_nip(pppk(year=year), today=TODAY).appointment_year == int(year)
    else:
        error = invalid(pppk(year=year))
        assert (error.field, str(error)) == (
            "appointment", "The appointment year cannot be before the year of the 18th birthday")


@pytest.mark.parametrize("year,valid", [("2025", True), ("2026", False)])
def test_pppk_year_cannot_be_in_the_future(year, valid):
    if valid:
        assert parse_nip(pppk(year=year), today=TODAY).appointment_year == 2025
    else:
        error = invalid(pppk(year=year))
        assert (error.field, str(error)) == (
            "appointment", "The appointment year cannot be in the future")


# --- display and appointment date -------------------------------------------------------------

@pytest.mark.parametrize("number,shown", [
    ("198609262015051001", "19860926 201505 1 001"),
    ("19860926 201505 1 001", "19860926 201505 1 001"),
    ("200012312024211001", "20001231 2024 2 1 1 001"),
    ("199001012019032002", "19900101 201903 2 002"),
    ("12345", "12345"),                              # not a NIP: shown as it is
    ("19860926201505100A", "19860926201505100A"),
])
def test_format_nip(number, shown):
    assert format_nip(number) == shown


def test_format_nip_of_a_parsed_number():
    assert format_nip(parse_nip("200012312024211001", today=TODAY)) == "20001231 2024 2 1 1 001"


def test_appointment_date_is_the_first_of_the_tmt_cpns_month():
    assert appointment_date("198609262015051001") == date(2015, 5, 1)
    assert appointment_date(parse_nip("198609262015121001", today=TODAY)) == date(2015, 12, 1)


def test_appointment_date_validates_a_string():
    with pytest.raises(InvalidNumber):
        appointment_date("198609262015131001")


def test_a_pppk_number_has_no_appointment_date():
    with pytest.raises(DomainError) as caught:
        appointment_date("200012312024211001")
    assert caught.value.field == "appointment"


# --- masking for public pages -----------------------------------------------------------------

@pytest.mark.parametrize("number,shown", [
    ("198712102014011001", "19871210 ****** 1 001"),
    ("19871210 201401 1 001", "19871210 ****** 1 001"),   # the display form masks the same way
    ("200012312024211001", "20001231 **** * * 1 001"),   # PPPK: year, marker and contract count hidden
    ("12345678", "*****678"),                             # not a NIP: only the last three stay visible
    ("19860926201505100A", "***************00A"),
    ("12", "**"),
    ("", ""),
    (None, ""),
])
def test_mask_nip(number, shown):
    assert mask_nip(number) == shown


def test_a_masked_nip_never_contains_the_appointment_digits():
    number = "198609262015051001"
    masked = mask_nip(number)
    assert "201505" not in masked.replace(" ", "") and number not in masked.replace(" ", "")
    assert format_nip(number).split(" ")[0] == masked.split(" ")[0]
