"""An uploaded file kept on the server between its preview and its confirmation, for the user who uploaded
it only, for a day at most (it holds personal data). The attendance import keeps its upload here; the master
data import (app.services.imports) keeps its parsed rows in its own files.
"""
from __future__ import annotations

import json
import secrets
import time
from pathlib import Path

from flask import current_app

from app.domain.messages import N_, DomainError
from app.services.transaction import acting_user

KEPT_SECONDS = 24 * 3600
GONE = N_("This upload is no longer available; upload the file again.")


class UploadGone(DomainError):
    """The token names no kept upload of this user (expired, already used, someone else's, malformed)."""


def _folder() -> Path:
    folder = Path(current_app.config["UPLOAD_FOLDER"]) / "kept"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _files(token: str) -> tuple[Path, Path]:
    if not isinstance(token, str) or len(token) != 48 or any(c not in "0123456789abcdef" for c in token):
        raise UploadGone(GONE, field="file")
    return _folder() / f"{token}.bin", _folder() / f"{token}.json"


def keep(data: bytes, **about) -> str:
    """Keep ``data`` (and the plain values ``about`` it) for the acting user; the token names it."""
    limit = time.time() - KEPT_SECONDS
    for path in _folder().iterdir():
        if path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
    token = secrets.token_hex(24)
    content, meta = _files(token)
    content.write_bytes(data)
    meta.write_text(json.dumps({"user_id": getattr(acting_user(), "id", None), **about}), encoding="utf-8")
    return token


def kept(token: str) -> tuple[bytes, dict]:
    """The kept bytes and what was said about them; UploadGone unless the acting user kept them."""
    content, meta = _files(token)
    if not meta.exists() or not content.exists():
        raise UploadGone(GONE, field="file")
    about = json.loads(meta.read_text(encoding="utf-8"))
    if about.pop("user_id") != getattr(acting_user(), "id", None):
        raise UploadGone(GONE, field="file")
    return content.read_bytes(), about


def forget(token: str) -> None:
    for path in _files(token):
        path.unlink(missing_ok=True)
