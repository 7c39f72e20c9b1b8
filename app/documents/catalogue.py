"""The document kinds the app can print, and how each finds its subject within the reader's scope.

A kind is registered once (by the area that owns its data) with a loader that reads the subject
through the scoped data-access path (``app.security.scope.scoped_select``) and returns the template
context. A subject outside the reader's scope is reported as not found, never rendered.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from app.security.scope import UserScope


@dataclass(frozen=True)
class DocumentSubject:
    """What a loader returns: the data of one document, resolved within a scope."""

    key: str                     # the subject's key as used in URLs, e.g. "42" or "12-2026Q1"
    agency_id: int               # the agency whose scope governs the document
    title: str                   # human title, e.g. "SKP 2026 — Budi Santoso, S.Pd."
    context: dict[str, Any]      # template variables
    signer_employee_id: int | None = None   # the official expected to sign (None: institution only)
    version_key: str = ""        # changes when the underlying data gets a new version (superseding)


@dataclass(frozen=True)
class DocumentKind:
    code: str                    # stable identifier stored with signed documents
    title: Any                   # translatable label (lazy_gettext)
    template: str                # path under reports/, e.g. "skp.html"
    load: Callable[[str, UserScope], DocumentSubject]   # raises LookupError when missing or out of scope
    landscape: bool = False
    options: dict[str, Any] = field(default_factory=dict)


_KINDS: dict[str, DocumentKind] = {}
# The modules that register kinds, imported on first use so that every process (web, CLI, Celery
# worker) knows all of them whatever it imported first.
_KIND_MODULES = ("app.documents.kinds", "app.documents.award_certificate")


def _registered() -> dict[str, DocumentKind]:
    for module in _KIND_MODULES:
        importlib.import_module(module)
    return _KINDS


def register(kind: DocumentKind) -> DocumentKind:
    if kind.code in _KINDS and _KINDS[kind.code] != kind:
        raise ValueError(f"document kind {kind.code!r} registered twice")
    _KINDS[kind.code] = kind
    return kind


def kind_of(code: str) -> DocumentKind:
    try:
        return _registered()[code]
    except KeyError:
        raise LookupError(code) from None


def kinds() -> tuple[DocumentKind, ...]:
    return tuple(_registered().values())


def load_subject(code: str, key: str, scope: UserScope) -> tuple[DocumentKind, DocumentSubject]:
    """The kind and its subject as ``scope`` may see it; LookupError when unknown or out of scope."""
    kind = kind_of(code)
    return kind, kind.load(key, scope)
