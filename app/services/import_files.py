"""Reading an uploaded table — the first sheet of an .xlsx, or a .csv — one row at a time, so that no file
can hurt the server.

An upload is untrusted bytes. A workbook is a zip of XML: 400 KB can unpack to gigabytes, one row can hold
millions of cells, a sheet millions of rows. A CSV can come in any encoding. So:

- the unpacked sizes the zip declares are checked before a part is parsed: what a zip declares is all that
  zipfile will ever decompress of a member, so the limits hold even when the declaration lies;
- the sheet is streamed: only ``<row>`` elements reach Python (lxml filters the rest in C), each row may
  take at most MAX_ROW_BYTES of XML, the sheet at most MAX_SHEET_CELLS cells, the parsing stops at the end
  of the sheet data, and the caller stops at its row cap (app.services.imports.MAX_ROWS);
- a cell is decoded only when the caller asks for it (the importer reads a dozen mapped columns, not the
  sixty of a full SIASN export);
- a CSV is read as UTF-8 (with or without a BOM), UTF-16 or UTF-32 with a BOM, or — only when the bytes
  are valid there and read as Latin text — Windows-1252; anything else is refused.

Whatever goes wrong inside a file (zipfile, zlib, lxml, openpyxl, csv all raise their own exception types)
becomes the one UNREADABLE message. Nothing here touches the database or Flask.
"""
from __future__ import annotations

import codecs
import csv
import io
import logging
import re
from collections.abc import Iterator, Mapping

from lxml import etree
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.xml.constants import ARC_CONTENT_TYPES, SHARED_STRINGS, SHEET_MAIN_NS, WORKSHEET_TYPE

from app.domain.messages import N_, DomainError

UNREADABLE = N_("This file cannot be read. Open it in Excel and save it as an Excel workbook (.xlsx) or as "
                "\"CSV UTF-8\", then upload that file.")
NOT_A_TABLE = N_("Upload an Excel (.xlsx) or CSV (.csv) file.")
TOO_LARGE = N_("This workbook unpacks to more than %(size)s MB; split it into several files.")

# 50,000 rows of 11 columns measured 36 MB of sheet XML, so a full SIASN export (some 40 columns) is near
# 100 MB — streamed, not held. The parts read whole (content types, workbook, relationships, styles) are
# kilobytes in real files.
MAX_UNPACKED_BYTES = 256 * 1024 * 1024
MAX_WHOLE_PART_BYTES = 4 * 1024 * 1024
# One row of 200 columns of long texts is well under this; it bounds the memory of one row's element tree.
MAX_ROW_BYTES = 1024 * 1024
# 50,000 rows of 100 columns: bounds the work on a sheet of empty or unmapped cells.
MAX_SHEET_CELLS = 5_000_000
MAX_SHARED_STRINGS = 2_000_000

_NS = f"{{{SHEET_MAIN_NS}}}"
_ROW, _SHEET_DATA, _CELL, _VALUE = f"{_NS}row", f"{_NS}sheetData", f"{_NS}c", f"{_NS}v"
_STRING_ITEM, _TEXT, _RUN, _INLINE = f"{_NS}si", f"{_NS}t", f"{_NS}r", f"{_NS}is"
_COLUMN_LETTERS = re.compile(r"[A-Z]{1,3}")
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
log = logging.getLogger(__name__)

Row = Mapping[int, object]
"""A row of the table: column index (0-based) → raw cell value, for the cells that are present."""


def read_table(data: bytes, filename: str) -> Iterator[tuple[int, Row]]:
    """(line, row) for every row of the upload, read lazily: the caller stops reading at its row cap.

    A row of an .xlsx decodes its cells when asked, and only until the next row is read.
    """
    name = filename.lower()
    if name.endswith(".xlsx"):
        return _unreadable_on_error(_xlsx_rows(data))
    if name.endswith(".csv"):
        return _unreadable_on_error(_csv_rows(data))
    raise DomainError(NOT_A_TABLE, field="file")


def _unreadable_on_error(rows: Iterator[tuple[int, Row]]) -> Iterator[tuple[int, Row]]:
    try:
        yield from rows
    except DomainError:
        raise
    except Exception as error:  # noqa: BLE001 — see the module docstring: any failure means "cannot read"
        log.info("unreadable upload: %s: %s", type(error).__name__, error)
        raise DomainError(UNREADABLE, field="file") from None


# --- CSV ---------------------------------------------------------------------------------------------

def _csv_rows(data: bytes) -> Iterator[tuple[int, Row]]:
    text = decode_text(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    for line, cells in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1):
        yield line, dict(enumerate(cells))


def decode_text(data: bytes) -> str:
    """The text of a CSV: by its byte-order mark, else UTF-8, else Windows-1252 if it reads as Latin text.

    Excel saves "CSV UTF-8" with a BOM, older Excel "CSV" in the Windows code page (Windows-1252 for
    Indonesian and English Windows), "Unicode Text" as UTF-16 with a BOM; a text of NUL bytes in large
    numbers is UTF-16 or UTF-32 without its BOM (or no text at all). A file in another code page
    (Shift-JIS, GBK, Windows-1251 …) also decodes "successfully" as Windows-1252 — into garbage — so that
    guess is taken only when the result looks like Latin text (see _reads_as_latin).
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                raise DomainError(UNREADABLE, field="file") from None
    if data.count(0) * 10 > len(data):
        raise DomainError(UNREADABLE, field="file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:  # 0x81, 0x8D, 0x8F, 0x90, 0x9D are undefined in Windows-1252
        raise DomainError(UNREADABLE, field="file") from None
    if not _reads_as_latin(text):
        raise DomainError(UNREADABLE, field="file")
    return text


# The non-ASCII characters names, places and titles use in Windows-1252: accented letters and typographic
# punctuation ("Ma’ruf", "José", "Zoë"). Kept narrow on purpose: Shift-JIS lead bytes read as ‚ ƒ Š Œ Ž …
_LATIN_PUNCTUATION = frozenset("\u00a0‘’“”–—…•°·´«»")
_LATIN_LETTERS = frozenset(chr(code) for code in range(0xC0, 0x100) if code not in (0xD7, 0xF7))
_WORD = re.compile(r"[^\W\d_]+")


def _reads_as_latin(text: str) -> bool:
    """Windows-1252 text that reads as Latin script: no control characters, every non-ASCII character a
    Latin letter or common punctuation, and every word with an accented letter also has plain ASCII
    letters ("José", "Müller", "Françoise").

    Other code pages read as Windows-1252 fail this: Shift-JIS gives symbols ("“ú–{Œê"), Windows-1251
    Cyrillic gives words of accented letters only ("Èâàíîâ" for "Иванов"), UTF-16 without a BOM gives
    NUL bytes.
    """
    for character in text:
        if character < " " and character not in "\t\r\n":
            return False
        if character > "\x7f" and character not in _LATIN_LETTERS and character not in _LATIN_PUNCTUATION:
            return False
    for word in _WORD.findall(text):
        if not word.isascii() and not any(letter.isascii() for letter in word):
            return False
    return True


# --- xlsx --------------------------------------------------------------------------------------------

def _xlsx_rows(data: bytes) -> Iterator[tuple[int, Row]]:
    """The rows of the first worksheet; the small metadata parts are read by openpyxl, the sheet by a stream."""
    reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    archive = reader.archive
    _refuse_oversized(archive, {ARC_CONTENT_TYPES})
    reader.read_manifest()
    streamed = {part.PartName.lstrip("/") for part in reader.package.Override
                if part.ContentType in (WORKSHEET_TYPE, SHARED_STRINGS)}
    _refuse_oversized(archive, {info.filename for info in archive.infolist()
                                if info.filename.endswith((".xml", ".rels")) and info.filename not in streamed})
    reader.read_workbook()
    apply_stylesheet(archive, reader.wb)
    sheet_path = next((rel.target for _, rel in reader.parser.find_sheets()
                       if rel.target in reader.valid_files and "chartsheet" not in rel.Type), None)
    if sheet_path is None:
        raise DomainError(UNREADABLE, field="file")
    strings_part = reader.package.find(SHARED_STRINGS)
    shared_strings = _shared_strings(archive, strings_part.PartName[1:]) if strings_part is not None else []
    decoder = _CellDecoder(shared_strings, reader.wb)
    cells_seen = line = 0
    with archive.open(sheet_path) as member:
        source = _BoundedSource(member)
        for _, element in etree.iterparse(source, events=("end",), tag=(_ROW, _SHEET_DATA), **_SAFE_PARSING):
            if element.tag == _SHEET_DATA:
                return  # what follows (merged cells, hyperlinks, print settings) is not data
            # Numbered as the spreadsheet shows them; a repeated or falling number (no program writes one)
            # still moves on, so that a row cap on line numbers counts every row.
            reference = element.get("r")
            line = max(line + 1, int(reference)) if reference else line + 1
            cells_seen += len(element)
            if cells_seen > MAX_SHEET_CELLS:
                raise DomainError(UNREADABLE, field="file")
            yield line, _SheetRow(element, decoder)
            source.element_done()
            _forget(element)


def _forget(element) -> None:
    """Free a streamed element and the finished siblings before it (their parent would keep them all)."""
    element.clear()
    while element.getprevious() is not None:
        del element.getparent()[0]


# No DTDs, entities, network or huge text nodes: an OOXML part never needs them.
_SAFE_PARSING = {"resolve_entities": False, "load_dtd": False, "no_network": True, "huge_tree": False}


def _refuse_oversized(archive, read_whole: set[str]) -> None:
    """Refuse before parsing when the zip declares more than MAX_UNPACKED_BYTES unpacked in all, or a part
    that is parsed whole (``read_whole``) declares more than MAX_WHOLE_PART_BYTES — real ones never do."""
    members = archive.infolist()
    if sum(info.file_size for info in members) > MAX_UNPACKED_BYTES:
        raise DomainError(TOO_LARGE, field="file", size=MAX_UNPACKED_BYTES // (1024 * 1024))
    if any(info.file_size > MAX_WHOLE_PART_BYTES for info in members if info.filename in read_whole):
        raise DomainError(UNREADABLE, field="file")


class _BoundedSource:
    """A zip member as lxml reads it, refusing a row (or whatever precedes it) longer than MAX_ROW_BYTES.

    lxml reads in chunks and reports each finished row; a row that never ends would otherwise be built
    in memory in full before Python sees it.
    """

    def __init__(self, member):
        self.member = member
        self.since_row = 0

    def read(self, size: int = -1) -> bytes:
        chunk = self.member.read(size)
        self.since_row += len(chunk)
        if self.since_row > MAX_ROW_BYTES:
            raise DomainError(UNREADABLE, field="file")
        return chunk

    def element_done(self) -> None:
        self.since_row = 0


def _shared_strings(archive, path: str) -> list[str]:
    """The workbook's shared strings (the texts cells refer to by index), streamed like the sheet."""
    strings = []
    with archive.open(path) as member:
        source = _BoundedSource(member)
        for _, item in etree.iterparse(source, events=("end",), tag=_STRING_ITEM, **_SAFE_PARSING):
            strings.append(_text_of(item))
            if len(strings) > MAX_SHARED_STRINGS:
                raise DomainError(UNREADABLE, field="file")
            source.element_done()
            _forget(item)
    return strings


def _text_of(item) -> str:
    """The plain text of a string item: its <t>, or the <t> of each rich-text run (phonetic runs left out)."""
    if len(item) == 1 and item[0].tag == _TEXT:  # the usual <t>…</t>, without the general search
        text = item[0].text or ""
    else:
        text = "".join([item.findtext(_TEXT) or ""] + [run.findtext(_TEXT) or "" for run in item.iterfind(_RUN)])
    return _unescape(text) if "_x" in text else text


_ESCAPED = re.compile("_x([0-9A-Fa-f]{4})_")


def _unescape(text: str) -> str:
    """OOXML writes characters XML cannot hold (carriage return, control characters) as _xHHHH_."""
    return _ESCAPED.sub(lambda match: chr(int(match.group(1), 16)), text)


class _CellDecoder:
    """The value of one <c> element, as openpyxl would give it with data_only=True."""

    def __init__(self, shared_strings: list[str], workbook):
        self.shared_strings = shared_strings
        self.epoch = workbook.epoch
        self.date_styles = workbook._date_formats
        self.duration_styles = workbook._timedelta_formats

    def value(self, cell):
        kind = cell.get("t", "n")
        if kind == "inlineStr":
            inline = cell.find(_INLINE)
            return None if inline is None else _text_of(inline)
        raw = cell.findtext(_VALUE)
        if not raw:
            return None
        if kind == "s":
            return self.shared_strings[int(raw)]
        if kind == "b":
            return raw.strip() not in ("0", "false")
        if kind in ("str", "e"):
            return _unescape(raw)
        if kind == "d":
            return from_ISO8601(raw)
        number = float(raw) if any(mark in raw for mark in ".eE") else int(raw)
        style = int(cell.get("s") or 0)
        if style in self.date_styles:
            try:
                return from_excel(number, self.epoch, timedelta=style in self.duration_styles)
            except (OverflowError, ValueError):
                return number
        return number


class _SheetRow(Mapping):
    """Column index → value of one sheet row; cells are decoded on first access, not before."""

    def __init__(self, element, decoder: _CellDecoder):
        self.decoder = decoder
        self.cells = {}
        column = 0
        for cell in element.iterchildren(_CELL):
            reference = cell.get("r")
            letters = _COLUMN_LETTERS.match(reference) if reference else None
            column = column_index_from_string(letters.group()) if letters else column + 1
            self.cells[column - 1] = cell

    def __getitem__(self, index: int):
        cell = self.cells[index]
        try:
            return self.decoder.value(cell)
        except Exception as error:  # noqa: BLE001 — decoded outside read_table's guard, same reason
            log.info("unreadable upload cell: %s: %s", type(error).__name__, error)
            raise DomainError(UNREADABLE, field="file") from None

    def __iter__(self):
        return iter(sorted(self.cells))

    def __len__(self) -> int:
        return len(self.cells)
