"""Static files a phone downloads once: versioned addresses cached for a year, and compressed answers.

Every ``url_for`` of a static endpoint (ours, FAB's ``appbuilder.static``) carries ``?v=<fingerprint of every
static file served>``; an answer to an address with the current fingerprint may be kept by the browser for a
year without asking again (``immutable``), because a changed file changes the fingerprint and so every address.
Addresses without it (fonts named by a stylesheet, typed by hand) are kept a day, then revalidated (ETag /
Last-Modified). Not in debug mode, where files change while the process runs.

Static text files and JSON are compressed (zstd, brotli or gzip, as the browser accepts) by Flask-Compress:
FAB's Bootstrap and Font Awesome shrink to about a fifth. HTML pages are not: each carries the session's CSRF
token beside what the visitor typed (a search, a form sent back), the pairing a BREACH attack needs to read the
token from compressed sizes; the page itself is a small part of a phone's first load.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from flask import request
from flask_compress import Compress

VERSION_ARGUMENT = "v"
ONE_YEAR = 365 * 24 * 3600
# Addresses no url_for wrote (the fonts a stylesheet names relatively, a logo in a setting): kept a day, then
# revalidated (ETag), so that a new release reaches every browser by the next day at the latest.
ONE_DAY = 24 * 3600
COMPRESSED_TYPES = ["text/css", "text/javascript", "application/javascript", "application/json", "image/svg+xml"]
compress = Compress()


def _is_static(endpoint: str | None) -> bool:
    return endpoint is not None and (endpoint == "static" or endpoint.endswith(".static"))


def static_fingerprint(app) -> str:
    """A short hash of the name, size and modification time of every file of every static folder."""
    digest = hashlib.sha256()
    folders = [app.static_folder, *(blueprint.static_folder for blueprint in app.blueprints.values())]
    for folder in sorted({folder for folder in folders if folder}):
        root = Path(folder)
        for path in sorted(root.rglob("*")):
            if path.is_file():
                status = path.stat()
                digest.update(f"{folder}/{path.relative_to(root)}:{status.st_size}:{status.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:12]


def register_static_files(app) -> None:
    """Called by create_app after every blueprint (FAB's static folder among them) is registered."""
    app.config.setdefault("COMPRESS_MIMETYPES", COMPRESSED_TYPES)
    compress.init_app(app)
    if app.debug:
        return
    version = static_fingerprint(app)

    @app.url_defaults
    def versioned_static_address(endpoint, values):
        if _is_static(endpoint):
            values.setdefault(VERSION_ARGUMENT, version)

    @app.after_request
    def cache_static_file(response):
        if _is_static(request.endpoint) and response.status_code == 200:
            versioned = request.args.get(VERSION_ARGUMENT) == version
            response.cache_control.public = True
            response.cache_control.max_age = ONE_YEAR if versioned else ONE_DAY
            response.cache_control.immutable = versioned or None
            response.cache_control.no_cache = None
        return response
