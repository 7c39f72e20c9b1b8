"""What a phone downloads for a page (issue 21): the first load, compressed as a browser asks, and what a repeat
load still has to ask the server about.

    .venv/bin/python bench/page_weight.py --database sqlite:////path/bench.db [USERNAME=/path ...]

In-process (Flask's test client, production settings: not debug). Each page is fetched with the
``Accept-Encoding`` of a current phone browser; then every stylesheet, script and image it names on this site,
and the web fonts (woff2) its stylesheets name. Printed per page: bytes transferred (compressed) and
uncompressed, requests, and how many of those a repeat load would still send (an answer without a long
``max-age`` is revalidated). Budget: first load ≤ 300 KB transferred, repeat load revalidates nothing but the
page itself. Defaults: the generated employee's activity report form and week, and the public survey form.
A benchmark, not a test.
"""
from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from _load import sqlalchemy_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
BUDGET_KB = 300
PHONE_ACCEPT_ENCODING = "gzip, deflate, br, zstd"
ASSET = re.compile(rb'<(?:link[^>]+href|script[^>]+src|img[^>]+src)="([^"]+)"')
FONT = re.compile(rb'url\(["\']?([^)"\'?#]+\.woff2)[^)]*\)')


def _long_lived(response) -> bool:
    return (response.cache_control.max_age or 0) >= 86400 and not response.cache_control.no_cache


def weigh(client, path: str) -> dict:
    seen, figures = set(), {"sent": 0, "plain": 0, "requests": 0, "revalidated": 0, "status": None}

    def fetch(address: str):
        parts = urlsplit(address)
        if parts.netloc or address in seen:  # another site, or already fetched
            return None
        seen.add(address)
        response = client.get(address, headers={"Accept-Encoding": PHONE_ACCEPT_ENCODING})
        body = response.get_data()
        figures["requests"] += 1
        figures["sent"] += len(body)
        figures["plain"] += len(_decoded(body, response.headers.get("Content-Encoding")))
        figures["revalidated"] += 0 if _long_lived(response) else 1
        return response, _decoded(body, response.headers.get("Content-Encoding"))

    page = fetch(path)
    figures["status"] = page[0].status_code
    for asset in ASSET.findall(page[1]):
        address = asset.decode().replace("&amp;", "&")
        fetched = fetch(address)
        if fetched and address.split("?")[0].endswith(".css"):
            for font in FONT.findall(fetched[1]):
                if _drawn(font.decode(), page[1]):
                    fetch(urljoin(address.split("?")[0], font.decode()))
    return figures


def _drawn(font: str, page: bytes) -> bool:
    """A browser downloads a web font only when the page draws with it: Font Awesome's solid face (``fa fa-…``,
    through the v4 names) always here, its regular and brands faces only for ``fa-regular`` / ``fa-brands``,
    Bootstrap's Glyphicons (named by bootstrap.min.css) only for a ``glyphicon`` element."""
    for face, marks in (("fa-regular", (b"fa-regular", b"far ")), ("fa-brands", (b"fa-brands", b"fab ")),
                        ("glyphicons", (b"glyphicon",))):
        if face in font:
            return any(mark in page for mark in marks)
    return True


def _decoded(body: bytes, encoding: str | None) -> bytes:
    if not encoding:
        return body
    if encoding == "gzip":
        import gzip
        return gzip.decompress(body)
    if encoding == "br":
        import brotli
        return brotli.decompress(body)
    if encoding == "zstd":
        from backports import zstd
        return zstd.decompress(body)
    if encoding == "deflate":
        import zlib
        return zlib.decompress(body)
    raise ValueError(encoding)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("pages", nargs="*", help="USERNAME=/path (public pages: -=/path)")
    args = parser.parse_args()

    from sqlalchemy import text

    from app import create_app
    from app.extensions import db

    app = create_app(SQLALCHEMY_DATABASE_URI=sqlalchemy_url(args.database), WTF_CSRF_ENABLED=False,
                     RATELIMIT_ENABLED=False, TESTING=True)
    app.appbuilder.sm.limiter.enabled = False
    pages = args.pages
    if not pages:
        with app.app_context():
            employee = db.session.execute(text(
                "SELECT u.username FROM ab_user u JOIN daily_activity d ON d.employee_id = u.employee_id "
                "ORDER BY d.id DESC LIMIT 1")).scalar()
            unit = db.session.execute(text("SELECT u.code FROM survey_period sp JOIN unit u ON u.id = sp.unit_id "
                                           "WHERE sp.is_open ORDER BY sp.id LIMIT 1")).scalar()
        pages = [f"{employee}=/activity/report", f"{employee}=/activity/mine", f"-=/survey/{unit}"]
    password = os.environ.get("DEMO_PASSWORD", app.config["DEMO_PASSWORD"])
    header = f"{'page':40} {'status':>6} {'sent KB':>8} {'plain KB':>9} {'requests':>9} {'repeat asks':>12}  budget"
    print(header)
    print("-" * len(header))
    for item in pages:
        username, path = item.split("=", 1)
        client = app.test_client()
        if username != "-":
            client.post("/login/", data={"username": username, "password": password})
        figures = weigh(client, path)
        held = figures["sent"] / 1024 <= BUDGET_KB and figures["revalidated"] <= 1
        print(f"{path:40} {figures['status']:>6} {figures['sent'] / 1024:8.1f} {figures['plain'] / 1024:9.1f} "
              f"{figures['requests']:>9} {figures['revalidated']:>12}  ≤ {BUDGET_KB} KB, only the page asked again: "
              f"{'held' if held else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
