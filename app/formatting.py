"""Values the way the reader's language writes them, for pages, exports and documents alike.

A module of its own (no view or document imports) so that the views and the PDF renderer, which runs
under the document locale, share one definition. ``shown`` is the one formatter of every value a generated
page (list, show page, dropdown) prints: it decides by the value's type, so a new column is formatted
without anyone remembering to.
"""
import datetime as dt
from decimal import Decimal

from babel import dates as babel_dates
from flask_babel import format_date, format_datetime, format_decimal, get_timezone, gettext

from app.domain.dates import part_of_year
from app.domain.numbers import round_half_up, to_decimal

DASH = "–"
# Stored quantities carry the scale of their column (Numeric(12, 4) reads 99.5000); the reader needs the
# digits that mean something: up to four decimals, trailing zeros dropped.
_QUANTITY_FORMAT = "#,##0.####"
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def translated(error) -> str:
    """The message of a rule violation (a DomainError) in the user's language."""
    return gettext(str(error.message), **error.params)


def translated_rule(error) -> str:
    """A refusal or warning about the distribution curve, with the bound's own sentence translated too."""
    params = dict(error.params)
    if "bound" in params:
        params["bound"] = gettext(str(params["bound"]))
    return gettext(str(error.message), **params)


def decimal(value, places: int = 2) -> str:
    """A number the way the reader's language writes it: 75,36 in Indonesian, 75.36 in English.

    Halves round up, as the grades are decided (65.625 is shown 65,63 and graded on 65.63); Babel alone
    would round them to even (65,62)."""
    if value is None:
        return DASH
    return format_decimal(round_half_up(to_decimal(value, field="value"), places),
                          format="#,##0." + "0" * places if places else "#,##0")


def percent(value, places: int = 2) -> str:
    # A no-break space: a narrow column never leaves the percent sign alone on the next line.
    return DASH if value is None else f"{decimal(value, places)}\u00a0%"


def quantity(value) -> str:
    """A stored quantity without the zeros of its column's scale: 99,5 (not 99.5000), 3 (not 3.00)."""
    return DASH if value is None else format_decimal(value, format=_QUANTITY_FORMAT)


def yes_no(value) -> str:
    return gettext("Yes") if value else gettext("No")


def long_date(value) -> str:
    """2 Desember 2026."""
    return format_date(value, "d MMMM y") if value else DASH


def short_date(value) -> str:
    """02-12-2026, for tables."""
    return format_date(value, "dd-MM-y") if value else DASH


def zone_name() -> str:
    """The time zone of the pages as Indonesia names it (WIB, WITA, WIT) in every language: Babel's English
    has no name for Asia/Makassar and wrote "+0800"."""
    return babel_dates.format_datetime(dt.datetime.now(dt.timezone.utc), "z", tzinfo=get_timezone(), locale="id")


def moment(value) -> str:
    """A timestamp (stored in UTC) in the reader's time zone, to the minute: 2 Desember 2026 15.41 WITA."""
    return f"{format_datetime(value, 'd MMMM y HH.mm')} {zone_name()}" if value else DASH


def short_moment(value) -> str:
    """The same for tables: 02-12-2026 15.41 (the zone is named in the column's heading)."""
    return format_datetime(value, "dd-MM-y HH.mm") if value else DASH


def period_name(kind: str, start: dt.date | None, end: dt.date | None) -> str:
    """Triwulan IV 2026, Semester I 2026, 2026 — or the dates when the period is irregular."""
    if start is None or end is None:
        return ""
    part, year = part_of_year(kind, start, end), start.year
    if part is not None and kind == "QUARTER":
        return gettext("Quarter %(number)s %(year)s", number=ROMAN[part], year=year)
    if part is not None and kind == "SEMESTER":
        return gettext("Semester %(number)s %(year)s", number=ROMAN[part], year=year)
    if part is not None and kind == "YEAR":
        return str(year)
    return f"{short_date(start)} – {short_date(end)}"


def shown(value, compact: bool = False) -> str:
    """Any value as a person reads it: "–" for nothing, Ya/Tidak, numbers with the decimal comma, dates and
    local times in words (``compact``: in figures, for tables), the labels of coded members, the names of
    related records joined by commas."""
    if value is None or value == "" or value == []:
        return DASH
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, (Decimal, float)):
        return quantity(value)
    if isinstance(value, int):
        return format_decimal(value, format="#,##0") if abs(value) >= 10_000 else str(value)
    if isinstance(value, dt.datetime):
        return short_moment(value) if compact else moment(value)
    if isinstance(value, dt.date):
        return short_date(value) if compact else long_date(value)
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(shown(item, compact) for item in value)
    label = getattr(value, "label", None)
    if isinstance(label, str):
        return label
    return str(value)
