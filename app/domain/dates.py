"""Anniversaries and completed years, shared by age and length-of-service rules."""
from __future__ import annotations

from datetime import date


def anniversary(start: date, years: int) -> date:
    """The date ``years`` years after ``start``.

    A 29 February start has its anniversary on 1 March in common years: the
    full year is not over until 28 February has ended.
    """
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return date(start.year + years, 3, 1)


def completed_years(start: date, on: date) -> int:
    """Full years from ``start`` up to and including ``on`` (0 when ``on`` is earlier)."""
    years = on.year - start.year
    if years > 0 and anniversary(start, years) > on:
        years -= 1
    return max(years, 0)


MONTHS_OF_PART = {"QUARTER": 3, "SEMESTER": 6, "YEAR": 12}


def part_of_year(kind: str, start: date, end: date) -> int | None:
    """The number of the quarter (1–4), semester (1–2) or year (1) that ``start``–``end`` covers exactly, or
    None when the dates are not that calendar part (Indonesians name a period "Triwulan IV 2026" or
    "Semester I 2026" only when it is one; PermenPANRB 14/2017 reports per quarter, semester or year)."""
    months = MONTHS_OF_PART.get(kind)
    if months is None or start.day != 1 or (start.month - 1) % months or end.year != start.year:
        return None
    last_month = start.month + months - 1
    following = date(start.year + 1, 1, 1) if last_month == 12 else date(start.year, last_month + 1, 1)
    return (start.month - 1) // months + 1 if (following - end).days == 1 else None
