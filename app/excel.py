"""The one Excel (.xlsx) writer of every export: list pages, reports, follow-up and non-adopter lists.

Text that came from outside — an imported CSV, a citizen's survey suggestion — may look like a formula
("=HYPERLINK(…)", "+cmd|…", "@SUM(…)"). Written as it is, openpyxl stores a live formula and the
reader's Excel runs it (OWASP "CSV injection"). Here every text is written as text: a string cell, and
when it starts with one of FORMULA_PREFIXES, Excel's quote prefix too, so that the cell shows the text
itself and stays text when someone edits it. Only text is neutralised: numbers, negative ones included,
stay numbers.

No raw value reaches the reader either: True/False become Yes/No in the reader's language, a timestamp
with a time zone is shown in the reader's, characters a workbook cannot hold are dropped.
"""
from __future__ import annotations

import datetime as dt
import io
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from flask import Response
from flask_babel import gettext, to_user_timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# OWASP's list of the characters a spreadsheet reads as the start of a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_BOLD = Font(bold=True)
# Excel refuses these in a sheet's name, and names longer than 31 characters.
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\\/*?:\[\]]")
_SHEET_TITLE_MAX = 31


class Bold(list):
    """A row written in bold: a header."""


@dataclass
class Sheet:
    title: str
    rows: Iterable[Sequence]
    widths: dict[str, float] = field(default_factory=dict)


def workbook_bytes(sheets: Iterable[Sheet]) -> bytes:
    """The workbook (streamed by openpyxl's write-only mode: 100,000 rows do not sit in memory as cells)."""
    workbook = Workbook(write_only=True)
    for sheet in sheets:
        worksheet = workbook.create_sheet(sheet_title(sheet.title))
        for column, width in sheet.widths.items():
            worksheet.column_dimensions[column].width = width
        for row in sheet.rows:
            bold = isinstance(row, Bold)
            worksheet.append([_cell(worksheet, value, bold) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(filename: str, sheets: Iterable[Sheet]) -> Response:
    return Response(workbook_bytes(sheets), mimetype=XLSX_MIMETYPE,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def excel_download(filename: str, title: str, header: list[str], rows) -> Response:
    """A one-sheet .xlsx with a bold header row, sent as a download."""
    return xlsx_response(filename, [Sheet(title, itertools.chain([Bold(header)], rows))])


def export_cell(value, formatter):
    """A list column's value for the sheet: what the list shows when it has a formatter, else the value
    (the writer decides how each type is written)."""
    return formatter(value) if formatter is not None else value


def sheet_title(title) -> str:
    cleaned = _SHEET_TITLE_FORBIDDEN.sub("-", str(title)).strip("'")[:_SHEET_TITLE_MAX]
    return cleaned or "Sheet"


def _cell(worksheet, value, bold: bool):
    """What to append for one value: the value itself when nothing needs saying, else a styled cell."""
    value = _writable(value)
    looks_like_formula = isinstance(value, str) and value.startswith(FORMULA_PREFIXES)
    if not bold and not looks_like_formula:
        return value
    cell = WriteOnlyCell(worksheet, value)
    if looks_like_formula:
        cell.data_type = "s"  # openpyxl made it "f": any text starting with "=" would be a formula
        cell.quotePrefix = True
    if bold:
        cell.font = _BOLD
    return cell


def _writable(value):
    """A value as a cell holds it: numbers, dates and times as they are, everything else as text."""
    if value is None:
        return None
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, dt.datetime):  # stored in UTC, naive or not: the reader's local time
        return to_user_timezone(value).replace(tzinfo=None)
    if isinstance(value, (int, float, Decimal, dt.date, dt.time)):
        return value
    if isinstance(value, (list, tuple, set)):  # related records: their names, not their reprs
        return ILLEGAL_CHARACTERS_RE.sub("", ", ".join(map(str, value)))
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))
