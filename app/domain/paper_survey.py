"""Reading a paper SKM questionnaire (PermenPANRB 14/2017) as staff type it in or list it in a spreadsheet.

Pure functions: which column is which, how an answer or a profile cell is read. Whether a form is
entered, already entered or refused is decided by app.services.survey_paper against the database.
"""
from __future__ import annotations

from app.domain.ikm import HIGHEST_ANSWER, LOWEST_ANSWER, SURVEY_ELEMENTS, ELEMENT_BY_CODE
from app.domain.imports import Column, normalise_header
from app.domain.messages import DomainError, N_

# One row per respondent: the form's number and date, the nine answers under their element codes, and
# the optional profile as the SKM report form names it.
PAPER_COLUMNS = (
    Column("number", ("nomor", "no", "nomor formulir", "no formulir", "nomor kuesioner", "number",
                      "form number"), required=True),
    Column("date", ("tanggal", "tanggal pengisian", "tanggal survei", "date"), required=True),
    *(Column(element.code.lower(), (element.code, element.name), required=True) for element in SURVEY_ELEMENTS),
    Column("sex", ("jenis kelamin", "jk", "sex")),
    Column("age", ("umur", "usia", "age")),
    Column("education", ("pendidikan", "pendidikan terakhir", "education")),
    Column("occupation", ("pekerjaan", "pekerjaan utama", "occupation")),
    Column("service_used", ("jenis layanan", "layanan", "layanan yang diterima", "service used")),
    Column("suggestion", ("saran", "saran dan masukan", "suggestion")),
)
ANSWER_FIELDS = tuple(element.code.lower() for element in SURVEY_ELEMENTS)

# What paper forms and typists write for "not answered": nothing, a dash, or 0.
_NOT_ANSWERED = frozenset({"", "-", "–", "0"})


def paper_answer(text: str, code: str) -> int | None:
    """The answer written on a paper form for element ``code``: 1–4, or None when left blank (or "-", "0").

    A respondent may skip an element; it then does not count in that element's NRR (RULES §8).
    """
    text = (text or "").strip()
    if text in _NOT_ANSWERED:
        return None
    if text in {str(answer) for answer in range(LOWEST_ANSWER, HIGHEST_ANSWER + 1)}:
        return int(text)
    raise DomainError(N_("The answer to %(element)s must be 1, 2, 3 or 4, or empty when it was not answered "
                         "(not \"%(value)s\")."), field=code.lower(), element=ELEMENT_BY_CODE[code].code,
                      value=text[:20])


_SEXES = {"l": "M", "laki-laki": "M", "laki laki": "M", "pria": "M", "m": "M", "male": "M",
          "p": "F", "perempuan": "F", "wanita": "F", "f": "F", "female": "F"}


def paper_sex(text: str) -> str | None:
    """L / P (laki-laki, perempuan) as Indonesian forms write them, or M / F; empty → None."""
    word = normalise_header(text)
    if not word:
        return None
    if word not in _SEXES:
        raise DomainError(N_("The sex must be L or P (not \"%(value)s\")."), field="sex", value=text[:20])
    return _SEXES[word]


AGE_BAND_LIMITS = ((20, "<20"), (30, "20-29"), (40, "30-39"), (50, "40-49"), (60, "50-59"))


def paper_age_band(text: str, bands: tuple[str, ...]) -> str | None:
    """The age band of an age written as a number (34 → "30-39") or as the band itself; empty → None."""
    text = (text or "").strip()
    if not text:
        return None
    if text in bands:
        return text
    if text.isascii() and text.isdigit() and 10 <= int(text) <= 120:
        return next((band for limit, band in AGE_BAND_LIMITS if int(text) < limit), "60+")
    raise DomainError(N_("The age must be a number of years (not \"%(value)s\")."), field="age", value=text[:20])


def paper_choice(text: str, field: str, choices: dict[str, str]) -> str | None:
    """A profile cell that holds one of the codes (SMA, D4-S1 …) or their label; empty → None.

    ``choices`` maps each accepted text (normalised: lower case, single spaces) to its code.
    """
    word = normalise_header(text)
    if not word:
        return None
    if word not in choices:
        raise DomainError(N_("\"%(value)s\" is not one of the choices."), field=field, value=text[:40])
    return choices[word]
