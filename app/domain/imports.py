"""Reading spreadsheet rows exported by HR systems (SIASN, earlier registers) into plain values.

Pure functions, no Flask and no database: which column is which, and how a cell
is read. Whether a row creates, updates or is refused is decided by
app.services.imports against the database.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from app.domain.messages import DomainError, N_
from app.domain.ranks import PPPK_GRADES


@dataclass(frozen=True)
class Column:
    """A field of an import and the header texts that name it (compared case- and punctuation-insensitively)."""

    field: str
    headers: tuple[str, ...]
    required: bool = False


# Header texts as SIASN (BKN) exports them, and the Indonesian and English names HR staff type themselves.
EMPLOYEE_COLUMNS = (
    Column("nip", ("nip", "nip baru", "nip/ni pppk", "ni pppk", "nomor induk pegawai"), required=True),
    Column("name", ("nama", "nama lengkap", "nama pegawai", "name"), required=True),
    Column("front_title", ("gelar depan", "front title")),
    Column("back_title", ("gelar belakang", "back title")),
    Column("rank", ("golongan", "gol", "golongan/pangkat", "pangkat/golongan", "pangkat", "gol/ruang",
                    "golongan ruang", "rank")),
    Column("position", ("jabatan", "nama jabatan", "kode jabatan", "position")),
    # The codes beside the names (the employee export has both): a code names one row, a name may not.
    Column("position_code", ("kode jabatan", "position code")),
    Column("unit", ("unit kerja", "unor", "nama unor", "kode unit", "unit"), required=True),
    Column("unit_code", ("kode unit", "unit code")),
    Column("agency", ("perangkat daerah", "opd", "instansi", "instansi kerja", "satuan kerja", "satker",
                      "agency")),
    Column("employment_type", ("jenis pegawai", "jenis kepegawaian", "status pegawai", "jenis asn", "kedudukan",
                               "employment type")),
    Column("email", ("email", "e-mail", "alamat email")),
    Column("phone", ("no hp", "nomor hp", "no. hp", "no telepon", "telepon", "hp", "phone")),
    Column("tmt_position", ("tmt", "tmt jabatan", "tmt position")),
)
UNIT_COLUMNS = (
    Column("code", ("kode", "kode unit", "kode unor", "code"), required=True),
    Column("name", ("nama", "nama unit", "unit kerja", "nama unor", "name"), required=True),
    Column("kind", ("jenis", "jenis unit", "kind")),
    Column("agency", ("perangkat daerah", "opd", "instansi", "agency"), required=True),
    Column("parent", ("induk", "kode induk", "unit induk", "atasan", "parent")),
    Column("serves_public", ("melayani publik", "pelayanan publik", "serves public")),
)
POSITION_COLUMNS = (
    Column("code", ("kode", "kode jabatan", "code"), required=True),
    Column("name", ("nama", "nama jabatan", "jabatan", "name"), required=True),
    Column("kind", ("jenis jabatan", "jenis", "kind"), required=True),
    Column("unit", ("unit kerja", "kode unit", "unit"), required=True),
    Column("agency", ("perangkat daerah", "opd", "instansi", "agency")),
    Column("parent", ("atasan", "kode atasan", "jabatan atasan", "parent")),
)


def normalise_header(text) -> str:
    """'  No. HP ' → 'no hp', 'Golongan/Pangkat' → 'golongan/pangkat': case, dots and spacing ignored."""
    text = re.sub(r"[._\-]+", " ", str(text or "").lower())
    return " ".join(text.split()).replace(" / ", "/")


def map_columns(header_row, columns: tuple[Column, ...]) -> dict[str, int]:
    """Field → column index of the first row of a sheet; a missing required column is refused by name."""
    positions = {normalise_header(text): index for index, text in reversed(list(enumerate(header_row)))}
    found = {}
    for column in columns:
        for header in column.headers:
            index = positions.get(normalise_header(header))
            if index is not None:
                found[column.field] = index
                break
        else:
            if column.required:
                raise DomainError(N_("The file has no column \"%(header)s\"."), field="file",
                                  header=column.headers[0].title())
    return found


# Runs of blanks (spaces, tabs, line breaks, no-break spaces …) become one space. Python counts a few
# control characters as blanks too (VT, FF, FS, GS, RS, US): those are kept, for refuse_control_characters.
_BLANKS = re.compile(r"[^\S\x0b\x0c\x1c-\x1f]+")
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def cell_text(value) -> str:
    """A cell as trimmed text; whole numbers typed into a text column ("12.0") lose their ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%Y-%m-%d")
    return _BLANKS.sub(" ", str(value)).strip(" ")


def refuse_control_characters(cells: dict[str, str], columns: tuple[Column, ...]) -> None:
    """A cell holding a control character (NUL, escape, … — any C0 character but tab and line breaks) is
    refused: invisible in the spreadsheet, it would reach names, letters and exports, and PostgreSQL
    refuses NUL in text outright."""
    for column in columns:
        if _CONTROL_CHARACTERS.search(cells.get(column.field, "")):
            raise DomainError(N_("The column \"%(header)s\" holds an invisible control character: delete it in "
                                 "the file and upload it again."), field=column.field,
                              header=column.headers[0].title())


def printable(text: str) -> str:
    """The text with each control character shown as U+FFFD (the replacement character), for a page that
    shows what a file holds."""
    return _CONTROL_CHARACTERS.sub("\ufffd", text)


_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")


def cell_date(value, field: str) -> dt.date | None:
    """A date cell, or the text 31-12-2024 / 31/12/2024 / 31.12.2024 / 2024-12-31 as Indonesian registers write it."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = cell_text(value)
    try:
        match = _DAY_MONTH_YEAR.fullmatch(text)
        if match:
            return dt.date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        return dt.date.fromisoformat(text)
    except ValueError:
        raise DomainError(N_("\"%(value)s\" is not a date (use DD-MM-YYYY)."), field=field, value=text) from None


_GOLONGAN = re.compile(r"\b(IV|III|II|I)\s*[/ ]?\s*([a-e])\b", re.IGNORECASE)
_PPPK_GRADES = frozenset(grade.golongan for grade in PPPK_GRADES)


def golongan_of(text: str) -> str | None:
    """The golongan in a SIASN rank cell: 'Penata Muda (III/a)', 'III/a', 'III a' → 'III/a'; 'IX' → 'IX'.

    Ranks follow PP 99/2000 (PNS, I/a–IV/e) and Perpres 98/2020 (PPPK, I–XVII) — RULES §2. A cell
    with only the pangkat name returns None so the caller can match the name itself.
    """
    match = _GOLONGAN.search(text or "")
    if match:
        return f"{match.group(1).upper()}/{match.group(2).lower()}"
    grade = re.sub(r"^PPPK\s*", "", (text or "").strip().upper())
    return grade if grade in _PPPK_GRADES else None


def employment_type_of(text: str, default: str | None) -> str | None:
    """'PNS', 'CPNS', 'PPPK', 'P3K' (as registers write them), or a label ending in the abbreviation as the
    employee export writes it ('Civil servant (PNS)') → PNS / PPPK; empty → ``default``."""
    abbreviation = re.search(r"\((\w+)\)\s*$", text or "")
    word = normalise_header(abbreviation.group(1) if abbreviation else text).replace(" ", "")
    if not word:
        return default
    if word in ("pns", "cpns", "pegawainegerisipil"):
        return "PNS"
    if word in ("pppk", "p3k", "pegawaipemerintahdenganperjanjiankerja"):
        return "PPPK"
    raise DomainError(N_("The employment type must be PNS or PPPK, not \"%(value)s\"."),
                      field="employment_type", value=text)


def yes_no_of(text: str) -> bool:
    return normalise_header(text) in ("ya", "y", "yes", "1", "true", "benar")


def full_name(front_title: str, name: str, back_title: str) -> str:
    """The name as written on official letters: 'Dr.' + 'Siti Aminah' + 'S.Pd., M.Pd.' →
    'Dr. Siti Aminah, S.Pd., M.Pd.' (academic titles per Permendikbud 154/2014 placement)."""
    written = " ".join(part for part in (front_title.strip(), name.strip()) if part)
    return f"{written}, {back_title.strip()}" if back_title.strip() else written
