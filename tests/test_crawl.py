"""The crawl (issue 18): for every demo role, every page its menus and home page offer and one level deeper
(a list's first show, edit and add), in the default locale (Indonesian), as the person would see it.

A page fails on a server error, a raw value (None, True/False, __None, an object's repr), an English
framework word, an inline event handler (the CSP blocks it: a dead button) — and every link or form a page
offers must open: no 403, no 404, no 5xx. Documents (PDF), downloads and exports are checked for their
status only where cheap: they are left to their own tests.
"""
import re
from collections import defaultdict
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest

from tests.conftest import login

# One account per role (and the one that holds two).
ACCOUNTS = {
    "Admin": "admin",
    "HR Admin": "hr.bkpsdm",
    "Agency Admin": "admin.disdik",
    "Leader + Evaluator": "kadis.disdik",
    "Leader (all agencies)": "sekda",
    "Evaluator": "penilai.disdik",
    "Employee": "pegawai.disdik",
}
RAW_VALUE = re.compile(r"\b(None|True|False)\b|__None|object at 0x|<app\.models")
# FAB's and WTForms' own English (whole texts, so that a name or an address that contains a word passes);
# not the words Indonesian writes the same way (Detail, Filter, Status, Target).
ENGLISH_TEXTS = {
    "List", "Show", "Edit", "Add", "Delete", "Search", "Actions", "Back", "Save", "Refresh", "Filter",
    "Record Count", "No records found", "Add Filter", "Select All", "Details", "Profile", "Logout",
    "Login", "Yes", "No", "Cancel", "Starts with", "Ends with", "Contains", "Equal to", "Not Equal to",
    "Greater than", "Smaller than", "Relation", "Not Starts With", "Not Ends With", "Not Contains",
    "User confirmation needed", "Forbidden", "Not Found", "Internal Server Error", "Access is Denied",
    "This field is required.", "Previous", "Next", "Page", "Export", "Print", "Show record", "Edit record",
    "Delete record", "Add a new record", "Select Value", "Sort", "Submit", "Close",
}
ENGLISH_PHRASES = ("Record Count", "No records found", "You sure you want to", "Added Row", "Changed Row",
                   "Deleted Row", "Access is Denied", "Are you sure you want to", "Select a value",
                   "Not a valid", "Invalid Choice")
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=|javascript:", re.IGNORECASE)
# Links that act, leave the signed-in session, or produce files (their own tests render them).
NOT_FOLLOWED = re.compile(r"/(logout|lang)/|/delete/|/download/|\.(pdf|xlsx|zip|csv)\b|/(pdf|xlsx|excel|export|"
                          r"print|sign|zip|merged|file|evidence)(/|$|\?)|/swagger|/api/|^/static/|/verify/.+")
VISIBLE_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")


class Page(HTMLParser):
    """The texts a person reads on a page and the addresses it leads to."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts, self.links, self.menu_links = [], [], []
        self._hidden = 0  # inside <script>/<style>
        self._navbar = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in ("script", "style"):
            self._hidden += 1
        if "navbar" in (attributes.get("class") or "").split() and tag == "div":
            self._navbar = 1
        elif self._navbar and tag == "div":
            self._navbar += 1
        self.texts.extend(value for name, value in attrs if name in VISIBLE_ATTRIBUTES and value)
        if tag == "input" and attributes.get("type") in ("submit", "button") and attributes.get("value"):
            self.texts.append(attributes["value"])
        if tag == "a" and attributes.get("href"):
            (self.menu_links if self._navbar else self.links).append(attributes["href"])
        if tag == "form" and (attributes.get("method") or "get").lower() == "get" and attributes.get("action"):
            self.links.append(attributes["action"])

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._hidden -= 1
        if self._navbar and tag == "div":
            self._navbar -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.texts.append(data.strip())


def _problems(body: str, page: Page) -> list[str]:
    found = []
    for text in page.texts:
        if RAW_VALUE.search(text):
            found.append(f"raw value {text[:80]!r}")
        if text in ENGLISH_TEXTS or any(phrase in text for phrase in ENGLISH_PHRASES):
            found.append(f"English {text[:80]!r}")
    for handler in INLINE_HANDLER.findall(body):
        found.append(f"inline handler {handler[:80]!r}")
    return found


def _local(href: str, base: str) -> str | None:
    """The path (and query) of a link to this application, or None for anchors, other sites, mail."""
    if href.startswith(("#", "mailto:", "tel:", "data:")):
        return None
    parts = urlsplit(urljoin("http://localhost" + base, href))
    if parts.netloc not in ("localhost", ""):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


DEEPER = re.compile(r"/(show|edit)/\d+$|/add$")
NUMBER = re.compile(r"\d+")
PAGING = re.compile(r"[?&](page|psize)_[^&]*")


SORTING = re.compile(r"[?&](_oc_|sort=)")
# A list sorted by a column answers the same for every role: each sort link is checked once per session.
SORTS_CHECKED = set()
# A show, edit or add page is the same template for every role, only the rows differ: its text and the links
# it offers are checked for the first role offered it (ACCOUNTS begins with the widest), each of its kind once.
DEEPER_CHECKED = set()
# FAB's widgets offer a show, edit or add link only to a user whose permission allows it, and only for rows the
# scoped list holds: once such a link opened for one role, its shape is not requested again for the next.
# Links the app's own templates write are requested for every role (they once led to 403s).
GENERATED_LINKS_OPENED = set()


def _shape(path: str) -> str:
    """Links that differ only in a row id, a page number or a page size lead to the same kind of page: checked
    once (a page of 100 rows is the same page, only longer)."""
    path = PAGING.sub("", path)
    if "?" not in path and "&" in path:  # the page argument came first
        path = path.replace("&", "?", 1)
    return NUMBER.sub("N", path)


def _crawl(client, username):
    """Visit home, its menu and its links, and one level deeper; return {problem: [pages]}."""
    problems = defaultdict(list)
    visited, statuses = {}, {}

    def get(path):
        try:
            return client.get(path)
        except Exception as error:  # noqa: BLE001 — TESTING propagates a view's exception: that is the 500
            problems[f"link answers 500: {path} ({type(error).__name__}: {str(error)[:120]})"].append(path)
            return None

    def visit(path):
        if path in visited:
            return visited[path]
        response = get(path)
        statuses[path] = response.status_code if response is not None else 500
        page = Page()
        if response is not None and response.status_code == 200 and response.mimetype == "text/html":
            body = response.get_data(as_text=True)
            page.feed(body)
            for problem in _problems(body, page):
                problems[problem].append(path)
        visited[path] = page
        return page

    home = visit("/")
    assert statuses["/"] == 200 and home.menu_links, f"the home page of {username} answers {statuses['/']}"
    first_level = {path for href in home.menu_links + home.links if (path := _local(href, "/"))
                   and not NOT_FOLLOWED.search(path)}
    offered = defaultdict(set)  # link → pages that offer it
    first_level_shapes = set()
    for path in sorted(first_level):
        offered[path].add("/")
        if _shape(path) in first_level_shapes:  # /adoption/1, /adoption/2, …: one agency's page is read
            continue
        first_level_shapes.add(_shape(path))
        page = visit(path)
        kinds = set()
        for href in page.links:
            target = _local(href, path)
            if not target or NOT_FOLLOWED.search(target):
                continue
            offered[target].add(path)
            kind = DEEPER.search(target.split("?")[0])
            if kind and kind.group(0).split("/")[1] not in kinds:  # one show, one edit, one add per list
                kinds.add(kind.group(0).split("/")[1])
                if _shape(target.split("?")[0]) in DEEPER_CHECKED:
                    continue
                DEEPER_CHECKED.add(_shape(target.split("?")[0]))
                for deeper_href in visit(target).links:
                    deeper = _local(deeper_href, target)
                    if deeper and not NOT_FOLLOWED.search(deeper):
                        offered[deeper].add(target)
    checked = {_shape(path) for path in statuses}
    for target, sources in sorted(offered.items()):
        shape = _shape(target)
        generated = DEEPER.search(target.split("?")[0])
        if target not in statuses and (shape in checked or SORTING.search(target) and shape in SORTS_CHECKED
                                       or generated and shape in GENERATED_LINKS_OPENED):
            continue
        checked.add(shape)
        if SORTING.search(target):
            SORTS_CHECKED.add(shape)
        if target not in statuses:
            response = get(target)
            statuses[target] = response.status_code if response is not None else None
        status = statuses[target]
        if status is not None and (status in (403, 404) or status >= 500):
            problems[f"link answers {status}: {target}"].extend(sorted(sources)[:3])
        elif generated:
            GENERATED_LINKS_OPENED.add(shape)
    return problems, (len(visited), len(statuses))


@pytest.mark.parametrize("role", ACCOUNTS)
def test_every_page_a_role_is_offered_opens_and_speaks_indonesian(app, role):
    client = app.test_client()
    assert login(client, ACCOUNTS[role]).status_code == 302
    problems, pages = _crawl(client, ACCOUNTS[role])
    report = "\n".join(f"{problem}  ← {', '.join(sorted(set(where))[:3])}" for problem, where in
                       sorted(problems.items()))
    assert not problems, f"{role} ({ACCOUNTS[role]}), {pages} pages:\n{report}"
