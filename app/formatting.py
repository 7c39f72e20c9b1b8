"""Numbers the way the current language writes them, for pages, exports and documents alike.

A module of its own (no view or document imports) so that the views and the PDF renderer, which runs
under the document locale, share one definition.
"""
from flask_babel import format_decimal


def decimal(value, places: int = 2) -> str:
    """A number the way the reader's language writes it: 75,36 in Indonesian, 75.36 in English."""
    if value is None:
        return "–"
    return format_decimal(value, format="#,##0." + "0" * places if places else "#,##0")


def percent(value, places: int = 2) -> str:
    return "" if value is None else f"{decimal(value, places)} %"
