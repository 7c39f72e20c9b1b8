"""HTML → PDF with WeasyPrint, from the templates and bundled assets in reports/.

Interface used by signing and bulk jobs (keep it stable):
    render_pdf(kind, subject, stamp=None) -> bytes
A document without a stamp is an unsigned print for wet-ink signing and says so on every page;
with a stamp it carries the visible electronic-signature block and the verification QR code.

Official documents are Indonesian whatever the reader's UI language: every render runs with the ``id``
locale forced, and dates and numbers are written the Indonesian way. The form wording itself (titles,
column headings, "Halaman X dari Y") is the regulation's Indonesian text and lives in the templates.

Security: templates autoescape every value; WeasyPrint fetches only files under reports/ and data: URIs
(the QR code made here), never file:// paths elsewhere or the network, whatever the data contains.
"""
from __future__ import annotations

import datetime as dt
import mimetypes
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import segno
from babel.dates import format_date, format_datetime, get_timezone
from flask import current_app
from flask_babel import force_locale, gettext
from jinja2 import Environment, FileSystemLoader, meta, select_autoescape
from markupsafe import Markup
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from app.formatting import decimal, percent
from app.documents.catalogue import DocumentKind, DocumentSubject
from app.domain.messages import N_
from app.domain.nip import format_nip

REPORTS_DIR = Path(__file__).resolve().parents[2] / "reports"
BASE_URL = REPORTS_DIR.as_uri() + "/"
DOCUMENT_LOCALE = "id"
DOCUMENT_PLACE = "Tanjung Selor"
PDF_VARIANT = "pdf/a-3b"
DEFAULT_TIMEZONE = "Asia/Makassar"
UNSIGNED_MARK = N_("Printed without an electronic signature — valid with a wet-ink signature")


@dataclass(frozen=True)
class SignatureStamp:
    code: str              # the document's public verification code (also in the QR URL)
    verify_url: str        # absolute URL encoded in the QR code
    signer_name: str
    signer_nip: str | None
    signer_title: str      # jabatan of the signer, or the institution's name
    signed_at: dt.datetime


# --- what templates receive -------------------------------------------------------------------

@dataclass(frozen=True)
class Person:
    """An identity block of the official forms; plain data, so a subject can be rendered later elsewhere."""

    name: str
    nip: str            # grouped with spaces, as printed
    rank: str           # pangkat/golongan
    position: str       # jabatan
    unit: str           # unit kerja

    @classmethod
    def of(cls, employee) -> "Person | None":
        if employee is None:
            return None
        unit = employee.unit.name if employee.unit else ""
        if employee.agency is not None:
            unit = f"{unit}, {employee.agency.name}" if unit else employee.agency.name
        return cls(name=employee.name, nip=format_nip(employee.nip), rank=str(employee.rank or ""),
                   position=employee.position.name if employee.position else "", unit=unit)


@dataclass(frozen=True)
class Choice:
    """One option of a choice printed as on the official forms: the ones not given are struck through."""

    label: str
    given: bool


def choices(labels, given_label: str | None) -> list[Choice]:
    return [Choice(label, label == given_label) for label in labels]


@dataclass(frozen=True)
class StampView:
    code: str
    qr_data_uri: str
    signer_name: str
    signer_nip: str
    signer_title: str
    signed_at: str


@dataclass(frozen=True)
class DocumentFrame:
    """The ``document`` variable of the templates: what the frame (_base.html) prints."""

    title: str          # also the footer of every page
    landscape: bool
    unsigned_mark: str
    place_date: str
    stamp: StampView | None


# --- Indonesian dates and numbers ---------------------------------------------------------------

def _timezone():
    return get_timezone(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or DEFAULT_TIMEZONE)


def indonesian_date(value) -> str:
    """29 November 2026 (a datetime is stored in UTC and shown in the regency's time zone)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = _local(value).date()
    return format_date(value, "d MMMM y", locale=DOCUMENT_LOCALE)


def period_range(start, end) -> str:
    """1 Januari 2026 – 31 Desember 2026."""
    return f"{indonesian_date(start)} – {indonesian_date(end)}"


def _local(moment: dt.datetime) -> dt.datetime:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)
    return aware.astimezone(_timezone())


def indonesian_moment(value: dt.datetime) -> str:
    """29 November 2026, 14:00 WITA."""
    return format_datetime(_local(value), "d MMMM y, HH:mm zzz", tzinfo=_timezone(), locale=DOCUMENT_LOCALE)


def css_string(value) -> Markup:
    """A CSS string literal of ``value``, safe inside <style>: every character but plain letters, digits and
    spaces is written as a CSS escape (\\hex followed by a space)."""
    escaped = "".join(char if char.isascii() and (char.isalnum() or char == " ") else f"\\{ord(char):x} "
                      for char in str(value))
    return Markup(f'"{escaped}"')


# --- the bundled-assets fetcher ------------------------------------------------------------------

class AssetRefused(ValueError):
    """A URL outside the bundled assets; WeasyPrint logs it and leaves the resource out."""


class BundledAssetFetcher(URLFetcher):
    """Serves the files under reports/ and data: URIs; refuses every other URL (file:// elsewhere,
    paths escaping reports/, http, ftp ...). WeasyPrint 70 API: a ``URLFetcher`` subclass whose ``fetch``
    returns a ``URLFetcherResponse`` (with its content type, or stylesheets are dropped) and raises a
    plain exception to leave one resource out without aborting the document."""

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        path = bundled_path(url)
        if path is None:
            raise AssetRefused(f"not a bundled asset: {url[:200]}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if path.suffix == ".ttf":
            content_type = "font/ttf"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": content_type})


def bundled_path(url: str) -> Path | None:
    """The file under reports/ that ``url`` names, or None for anything else."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost") or parts.query:
        return None
    path = Path(unquote(parts.path)).resolve()
    if not path.is_relative_to(REPORTS_DIR) or not path.is_file():
        return None
    return path


# --- per-process resources -------------------------------------------------------------------------

_resources_lock = threading.Lock()
_resources: dict[str, Any] = {}


def _shared():
    """One FontConfiguration, fetcher, Jinja environment and parsed base stylesheet per process
    (a new FontConfiguration per render is slower and grows memory; PDF_NOTES.md)."""
    if not _resources:
        with _resources_lock:
            if not _resources:
                fetcher = BundledAssetFetcher()
                font_config = FontConfiguration()
                stylesheet = CSS(filename=str(REPORTS_DIR / "base.css"), base_url=BASE_URL,
                                 url_fetcher=fetcher, font_config=font_config)
                _resources.update(fetcher=fetcher, font_config=font_config, stylesheet=stylesheet,
                                  environment=_environment())
    return _resources


def _environment() -> Environment:
    environment = Environment(loader=FileSystemLoader(str(REPORTS_DIR)),
                              autoescape=select_autoescape(default=True, default_for_string=True),
                              trim_blocks=True, lstrip_blocks=True)
    environment.globals["_"] = gettext
    environment.filters.update(tanggal=indonesian_date, angka=decimal, persen=percent,
                               nip=format_nip, css_string=css_string)
    return environment


@lru_cache(maxsize=None)
def printed_variables(template: str) -> frozenset[str]:
    """The context variables that ``template`` (with the templates it extends, imports or includes) reads:
    what of a subject's context can appear on the page."""
    environment = _environment()
    names: set[str] = set()
    pending, seen = [template], set()
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        tree = environment.parse(environment.loader.get_source(environment, name)[0])
        names |= meta.find_undeclared_variables(tree)
        pending.extend(reference for reference in meta.find_referenced_templates(tree) if reference)
    return frozenset(names)


# --- rendering -------------------------------------------------------------------------------------

def _stamp_view(stamp: SignatureStamp) -> StampView:
    qr = segno.make(stamp.verify_url, error="m")
    # The institution's certificate usually names the institution itself: its name once, not twice.
    title = "" if stamp.signer_title == stamp.signer_name else stamp.signer_title
    return StampView(code=stamp.code, qr_data_uri=qr.svg_data_uri(scale=4, border=1),
                     signer_name=stamp.signer_name, signer_nip=format_nip(stamp.signer_nip or ""),
                     signer_title=title, signed_at=indonesian_moment(stamp.signed_at))


def render_html(kind: DocumentKind, subject: DocumentSubject, stamp: SignatureStamp | None = None) -> str:
    """The document's HTML, as WeasyPrint receives it (tests inspect it, e.g. for struck-through choices)."""
    with force_locale(DOCUMENT_LOCALE):
        when = stamp.signed_at if stamp else subject.context.get("document_date") or dt.datetime.now(dt.timezone.utc)
        frame = DocumentFrame(
            title=subject.title, landscape=kind.landscape, unsigned_mark=gettext(UNSIGNED_MARK),
            place_date=f"{DOCUMENT_PLACE}, {indonesian_date(when)}",
            stamp=_stamp_view(stamp) if stamp else None)
        template = _shared()["environment"].get_template(kind.template)
        return template.render(**subject.context, document=frame)


# What every document has, in miniature: page numbers in the margin, the emblem (SVG), each bundled font face
# (base.css, fonts/fonts.css: Pango loads a face on its first use), a form table and a QR code (SVG data URI).
_WARM_UP_HTML = ('<style>@page { @bottom-right { content: "Halaman " counter(page) " dari " counter(pages) } }</style>'
                 '<div class="kop"><div class="emblem"><img src="kop/lambang.svg" alt=""></div></div>'
                 '<p>Aa <b>Bb</b> <i>Ii</i> <b><i>BI</i></b> <span class="narrow">Nn <b>NB</b></span></p>'
                 '<table class="form"><thead><tr><th>No</th></tr></thead><tr><td>1</td></tr></table>'
                 '<img src="%s" alt="">')


def warm_up() -> None:
    """Pay the one-time costs of this process's documents before an official waits for one: the parsed
    stylesheet and font set-up, every kind's compiled template and the variables it prints (the fingerprint
    reads them), and a first layout with each bundled font face. Measured (bench/signing.py --cold): the
    first signature of a new process took 0.6–1.1 s more than the next one without this."""
    from app.documents.catalogue import kinds

    shared = _shared()
    for kind in kinds():
        shared["environment"].get_template(kind.template)
        printed_variables(kind.template)
    with _render_lock:
        html = _WARM_UP_HTML % segno.make("https://example.invalid/verify/WARMUP", error="m").svg_data_uri(
            scale=4, border=1)
        HTML(string=html, base_url=BASE_URL, url_fetcher=shared["fetcher"]).write_pdf(
            stylesheets=[shared["stylesheet"]], font_config=shared["font_config"], pdf_variant=PDF_VARIANT)


# WeasyPrint is not thread-safe and the font configuration is shared: a threaded server renders one
# document at a time per process (threads gave no throughput anyway; PDF_NOTES.md — use processes).
_render_lock = threading.Lock()


def render_pdf(kind: DocumentKind, subject: DocumentSubject, stamp: SignatureStamp | None = None) -> bytes:
    shared = _shared()
    html = render_html(kind, subject, stamp)
    with _render_lock:
        return HTML(string=html, base_url=BASE_URL, url_fetcher=shared["fetcher"]).write_pdf(
            stylesheets=[shared["stylesheet"]], font_config=shared["font_config"], pdf_variant=PDF_VARIANT)
