"""The fingerprint of a document: SHA-256 of what its PDF says about its record, stored with each signed
version (``SignedDocument.version_key``). The same value later means the paper still shows the record as it
stands; another value means the data printed on it changed after signing.

It is computed from the data the PDF is rendered from — the title, the particulars the verify page shows and
the context variables the kind's templates read (render.printed_variables) — except the subject's ``ambient``
figures (the agency's distribution as of the day). Context a template never prints (the workflow status, the
row's version counter) does not count: finalising an acknowledged evaluation changes nothing on its paper.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from decimal import Decimal

from app.documents.catalogue import DocumentKind, DocumentSubject
from app.documents.render import printed_variables


def fingerprint(kind: DocumentKind, subject: DocumentSubject) -> str:
    printed = printed_variables(kind.template) - subject.ambient
    content = {"title": subject.title, "particulars": dataclasses.asdict(subject.particulars),
               "context": {name: value for name, value in subject.context.items() if name in printed}}
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_plain)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def changed_since(kind: DocumentKind, subject: DocumentSubject, signed_fingerprint: str) -> bool:
    """Whether a version signed with ``signed_fingerprint`` no longer shows the record as it stands: its data
    changed, or a newer version of the record exists (never for a snapshot report)."""
    if kind.snapshot:
        return False
    return not subject.current or fingerprint(kind, subject) != signed_fingerprint


def _plain(value):
    """The JSON form of the values loaders put in a context; anything else is a loader's mistake."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        # 24, 24.0 and 24.0000 are one figure, whether read back from the database or just assigned.
        return format(value.normalize(), "f")
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"a document context holds plain data only, not {type(value).__name__}")
