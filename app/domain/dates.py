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
