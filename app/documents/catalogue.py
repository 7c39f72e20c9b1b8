"""The document kinds the app can print, and how each finds its subject within the reader's scope.

A kind is registered once (by the area that owns its data) with a loader that reads the subject
through the scoped data-access path (``app.security.scope.scoped_select``) and returns the template
context. A subject outside the reader's scope is reported as not found, never rendered.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from app.security.scope import UserScope


@dataclass(frozen=True)
class Particulars:
    """What the public verification page shows so that a person can compare it with the paper in hand."""

    person_name: str = ""        # whose document: the employee (or the awarded unit)
    person_nip: str = ""         # unformatted; the public page shows it masked (domain.nip.mask_nip)
    period: str = ""             # e.g. "1 Januari 2026 – 31 Desember 2026"
    predikat: str = ""           # evaluations only


@dataclass(frozen=True)
class DocumentSubject:
    """What a loader returns: the data of one document, resolved within a scope."""

    key: str                     # the subject's key as used in URLs, e.g. "42" or "12-2026Q1"
    agency_id: int               # the agency whose scope governs the document
    title: str                   # human title, e.g. "SKP 2026 — Budi Santoso, S.Pd."
    context: dict[str, Any]      # template variables
    signer_employee_id: int | None = None   # the official expected to sign (None: institution only)
    particulars: Particulars = field(default_factory=Particulars)
    # Why the record may not be signed yet (an English N_ message), None once it is settled.
    signing_refusal: str | None = None
    # False once a newer version of the record exists (a revised SKP, a corrected evaluation): a signed copy
    # of this one no longer shows the record as it stands.
    current: bool = True
    # Context keys with figures of the whole agency as of the day (the predikat distribution ...): left out of
    # the fingerprint (app.documents.fingerprint), so that a colleague's evaluation does not make this
    # document's signed copy outdated.
    ambient: frozenset[str] = frozenset()


@dataclass(frozen=True)
class DocumentKind:
    code: str                    # stable identifier stored with signed documents
    title: Any                   # translatable label (lazy_gettext)
    template: str                # path under reports/, e.g. "skp.html"
    load: Callable[[str, UserScope], DocumentSubject]   # raises LookupError when missing or out of scope
    landscape: bool = False
    # A report of figures as of its date (the agency summary): later figures never make a signed copy outdated.
    snapshot: bool = False
    options: dict[str, Any] = field(default_factory=dict)


_KINDS: dict[str, DocumentKind] = {}
# Filled by the use-case modules of each area (app.services.document_kinds, award_certificate,
# employee_performance_document) when they are imported: create_app imports them, so every process (web, CLI,
# Celery worker) knows every kind.


def register(kind: DocumentKind) -> DocumentKind:
    if kind.code in _KINDS and _KINDS[kind.code] != kind:
        raise ValueError(f"document kind {kind.code!r} registered twice")
    _KINDS[kind.code] = kind
    return kind


def kind_of(code: str) -> DocumentKind:
    try:
        return _KINDS[code]
    except KeyError:
        raise LookupError(code) from None


def kinds() -> tuple[DocumentKind, ...]:
    return tuple(_KINDS.values())


def load_subject(code: str, key: str, scope: UserScope) -> tuple[DocumentKind, DocumentSubject]:
    """The kind and its subject as ``scope`` may see it; LookupError when unknown or out of scope."""
    kind = kind_of(code)
    return kind, kind.load(key, scope)
