"""Parsing what people and API clients send, one function per kind of value, shared by the views, APIs and
services (as app.formatting is for what they are shown); and the numbers a column can hold."""
import datetime as dt
from decimal import Decimal

from sqlalchemy import types

# Every id column is an INTEGER: PostgreSQL's four bytes (SQLite's range is wider).
ROW_ID_MAX = 2**31 - 1


def parse_whole_number(value) -> int | None:
    """The number a request value spells in ASCII digits (a JSON integer as it is) when an INTEGER column
    holds it, else None: the one parser of the ids and numbers in paths, forms, query strings and JSON
    bodies. (``str.isdigit()`` says yes to "²", which ``int()`` refuses, and to numbers beyond any id.)"""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.isascii() and value.isdigit():
        number = int(value)
    else:
        return None
    return number if 0 <= number <= ROW_ID_MAX else None


def parse_year(value) -> int | None:
    """The year a request value spells when a date can be in it (1 to 9999), else None."""
    year = parse_whole_number(value)
    return year if year is not None and dt.MINYEAR <= year <= dt.MAXYEAR else None


def parse_iso_date(value) -> dt.date | None:
    """The day a request value spells as YYYY-MM-DD (a date input, a JSON string), else None."""
    if not isinstance(value, str) or not value.isascii():
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        return None


def parse_decimal(value) -> Decimal | None:
    """The number a person typed, in Indonesian or English writing: ``5,5``, ``1.234,5``, ``5.5``, ``-0,25``
    (spaces ignored), else None. A comma is the decimal sign, and then dots group the thousands; without a
    comma a single dot is the decimal sign (a number pasted from a spreadsheet in English)."""
    if not isinstance(value, str):
        return None
    text = "".join(value.split())
    if "," in text:
        whole, _, fraction = text.rpartition(",")
        text = whole.replace(".", "") + "." + fraction
    sign = text[0] if text[:1] in ("+", "-") else ""
    whole, _, fraction = text[len(sign):].partition(".")
    if not (whole or fraction) or not all(part.isascii() and part.isdigit() for part in (whole or "0",
                                                                                         fraction or "0")):
        return None
    return Decimal(f"{sign}{whole or '0'}" + (f".{fraction}" if fraction else ""))


def parse_rupiah(value) -> Decimal | None:
    """A whole amount of rupiah as a person types it: ``1.500.000``, ``1500000``, ``Rp 1.500.000``,
    ``1.500.000,00`` (dots group the thousands, as in Indonesian writing; so ``1.500`` is one thousand five
    hundred, never one and a half), else None."""
    if not isinstance(value, str):
        return None
    text = "".join(value.split())
    text = text[2:] if text[:2].lower() == "rp" else text
    whole, comma, cents = text.partition(",")
    if comma and not (cents.isascii() and cents.isdigit() and set(cents) == {"0"}):
        return None
    groups = whole.split(".")
    if len(groups) > 1 and not (1 <= len(groups[0]) <= 3 and all(len(group) == 3 for group in groups[1:])):
        return None
    digits = "".join(groups)
    return Decimal(digits) if digits.isascii() and digits.isdigit() else None


def number_bound(column_type) -> int | Decimal | None:
    """The smallest magnitude a number column cannot hold (PostgreSQL's types; SQLite's are wider), or None
    for other columns. BigInteger and SmallInteger are Integer subclasses, Float a Numeric one."""
    if isinstance(column_type, types.BigInteger):
        return 2**63
    if isinstance(column_type, types.SmallInteger):
        return 2**15
    if isinstance(column_type, types.Integer):
        return ROW_ID_MAX + 1
    if isinstance(column_type, types.Numeric) and not isinstance(column_type, types.Float) and column_type.precision:
        return Decimal(10) ** (column_type.precision - (column_type.scale or 0))
    return None


def fits(number, bound) -> bool:
    """Whether a number from a form or a JSON body is one a column of ``bound`` (number_bound) can store."""
    if isinstance(number, Decimal) and not number.is_finite():
        return False
    return abs(number) < bound


def number_bounds(datamodel) -> dict:
    """{column: number_bound} of a model's number columns: a larger number sent to the database answers 500."""
    bounds = {name: number_bound(column.type) for name, column in datamodel.list_columns.items()}
    return {name: bound for name, bound in bounds.items() if bound is not None}
