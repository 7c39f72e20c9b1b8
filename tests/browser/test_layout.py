"""The face of every page, in Chromium, in Indonesian (issue 18): each page an employee, an evaluator and a citizen
uses at 360×800, 390×844 and 1366×768, and the administrators' pages at 1366×768, must

* fit the window: no sideways scroll (``scrollWidth <= innerWidth``);
* run under the CSP: no ``securitypolicyviolation`` (a blocked inline handler is a dead button), no script
  error, no failed request;
* show no raw value: ``None``, ``True``/``False``, ``__None``, an object's repr, a workflow code such as
  ``submitted`` where its word ("Diajukan") belongs;
* say ``<html lang="id">``.

The pages are those the role's menus and home page offer, and one level deeper (a list's first show, edit and
add page), found the way the crawl finds them (tests/test_crawl.py): the crawl checks every role's HTML on the
server, this test how the pages come out in a browser. Each page is loaded once, at the first size, and
resized to the others; a page one administrator role was shown is not checked again for the next one.
The employee has an activity waiting for the evaluator, so that "Kegiatan Saya" and the queue show a row.

Screenshots go to test-artifacts/layout/ (gitignored): the pages named in the issue (user list, SKP, activity
report, "Kegiatan Saya", approval queue, evaluation, survey) at each size, and with ``LAYOUT_SCREENSHOTS=1`` every
other page at its first size (to look at them all; ~25 s more).
"""
import datetime as dt
import os
import re
import time
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Employee
from app.models.activity import DailyActivity
from app.models.planning import Period
from tests.browser.conftest import PASSWORD
from tests.browser.test_journeys import _last_working_day
from tests.test_crawl import DEEPER, NOT_FOLLOWED, _local, _shape

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "layout"
PHONES_AND_LAPTOP = {"360": (360, 800), "390": (390, 844), "1366": (1366, 768)}
LAPTOP = {"1366": (1366, 768)}
# role → (account, the sizes its pages are checked at)
ROLES = {
    "employee": ("pegawai.disdik", PHONES_AND_LAPTOP),
    "evaluator": ("penilai.disdik", PHONES_AND_LAPTOP),
    "agency-admin": ("admin.disdik", LAPTOP),
    "hr-admin": ("hr.bkpsdm", LAPTOP),
    "admin": ("admin", LAPTOP),
}
# Pages an administrator also opens on a phone (the role manager's list).
ADMIN_PAGES_ON_PHONES = re.compile(r"^/users/list/$")
# The pages the issue names: screenshots at every size. The others' only when asked for.
SHOWN_AT_EVERY_SIZE = re.compile(r"^/(users/list/|workplanview/show/\d+|activity/(report|mine|queue)|"
                                 r"evaluationview/show/\d+|survey/[^/]+)$")
EVERY_PAGE_SHOT = bool(os.environ.get("LAYOUT_SCREENSHOTS"))
RAW_VALUE = re.compile(r"\b(None|True|False)\b|__None|object at 0x|\b(draft|submitted|approved|returned)\b")
# Collected in the page before any of its own scripts runs (an init script is not subject to the CSP).
LISTEN_FOR_CSP = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation',
    event => window.__cspViolations.push(event.violatedDirective + ' ' + (event.blockedURI || 'inline')));
"""
LINKS = "() => [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))"
# Boxes that clip or scroll their content sideways (Bootstrap's .table-responsive did: the end of a value was
# hidden) — not a box meant to scroll (.sk-scroll), a form field, a text ending in an ellipsis on purpose, or
# one for screen readers only (1 px wide).
CUT_OFF = """() => [...document.querySelectorAll('body *')].filter(e => {
    const style = getComputedStyle(e);
    return style.overflowX !== 'visible' && e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 1
        && style.textOverflow !== 'ellipsis' && !e.closest('.sk-scroll')
        && !['INPUT', 'SELECT', 'TEXTAREA'].includes(e.tagName);
}).slice(0, 3).map(e => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')}`)"""
# Pages that need their own data or act when opened: their journeys and the crawl check them.
NOT_OPENED = re.compile(r"^/survey/kiosk/|/poster$")
SETTLE_SECONDS = 15
ADMINISTRATORS_CHECKED = set()  # shapes of the pages an administrator role was shown


class Visitor:
    """One browser context for one role; every finding of the pages it opens, by page."""

    def __init__(self, browser, base_url: str, role: str, sizes: dict):
        self.base_url, self.role, self.sizes = base_url, role, sizes
        first = next(iter(sizes.values()))
        self.context = browser.new_context(locale="id-ID", viewport={"width": first[0], "height": first[1]})
        self.context.add_init_script(LISTEN_FOR_CSP)
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.findings: dict[str, list[str]] = {}
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(f"script error: {error}"))
        self.page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        self.in_flight = set()
        self.page.on("request", lambda request: self.in_flight.add(request))
        self.page.on("requestfinished", lambda request: self.in_flight.discard(request))
        self.page.on("requestfailed", lambda request: self.in_flight.discard(request))

    def log_in(self, username: str):
        self.page.goto(self.base_url + "/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.click("form:not(.sk-logout) [type=submit]")
        self.page.wait_for_load_state()
        assert "/login" not in self.page.url, f"{username} could not log in"

    def check(self, path: str, sizes: dict, every_size_shot: bool, expected_status: int = 200):
        """Open ``path`` and look at it at each of ``sizes``; returns the links it offers."""
        self.errors.clear()
        response = self.page.goto(self.base_url + path)
        self._settle()
        found = []
        if response is None or response.status != expected_status:
            found.append(f"answers {response and response.status}")
        found += self._looks(path)
        for index, (name, (width, height)) in enumerate(sizes.items()):
            self.page.set_viewport_size({"width": width, "height": height})
            scroll_width = self.page.evaluate("document.documentElement.scrollWidth")
            if scroll_width > width:
                found.append(f"{scroll_width} px wide at {name}: {self._too_wide(width)}")
            if cut := self.page.evaluate(CUT_OFF):
                found.append(f"cut off on the right at {name}: {', '.join(cut)}")
            if every_size_shot or (index == 0 and EVERY_PAGE_SHOT):
                self._shot(path, name)
        # The browser reports the expected 404 of an unknown page as a failed request.
        found += [error for error in self.errors if f"status of {expected_status}" not in error]
        if found:
            self.findings[path] = found
        return self.page.evaluate(LINKS)

    def _settle(self):
        """Wait, after the load event, for the requests the page's scripts sent (a dashboard's first figures)
        to end. Playwright's ``networkidle`` waits 500 ms more on every page: half of this test's time."""
        deadline = time.monotonic() + SETTLE_SECONDS
        self.page.evaluate("0")  # one round trip: the events of the requests already sent have come in
        while self.in_flight and time.monotonic() < deadline:
            self.page.wait_for_timeout(20)

    def _looks(self, path: str) -> list[str]:
        found = []
        text = self.page.evaluate("document.body.innerText")
        for match in RAW_VALUE.finditer(text):
            found.append(f"raw value or English {text[max(0, match.start() - 40):match.end() + 20]!r}")
        if self.page.evaluate("document.documentElement.lang") != "id":
            found.append("<html lang> is not id")
        found += [f"CSP: {violation}" for violation in self.page.evaluate("window.__cspViolations || []")]
        return found

    def _too_wide(self, width: int) -> str:
        """The outermost elements that reach past the window's right edge (what to fix)."""
        return ", ".join(self.page.evaluate("""width => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > width + 0.5
                         && !(e.parentElement && e.parentElement.getBoundingClientRect().right > width + 0.5))
            .slice(0, 3).map(e => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')}`)""", width))

    def _shot(self, path: str, size: str):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        slug = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"
        self.page.screenshot(path=str(ARTIFACTS / f"{self.role}-{slug[:80]}-{size}.png"), full_page=True)

    def close(self):
        self.context.close()


def _links(hrefs, here: str) -> list[str]:
    """The pages of this application a page links to, in order, each once."""
    paths = (_local(href, here) for href in hrefs)
    return list(dict.fromkeys(path for path in paths if path and not NOT_FOLLOWED.search(path)
                              and not NOT_OPENED.search(path)))


def _one_of_each_kind(paths) -> list[str]:
    """A page's first show, edit and add page."""
    kinds = {}
    for path in paths:
        if (kind := DEEPER.search(path.split("?")[0])) is not None:
            kinds.setdefault(kind.group(0).split("/")[1], path)
    return list(kinds.values())


def _visit_everything_offered(visitor: Visitor, checked: set, phone_pages=None):
    """Home, every page it offers, and one level deeper (each first-level page's first show, edit and add);
    a page of a shape in ``checked`` once."""

    def check(path):
        shape = _shape(path)
        if shape in checked and path != "/":  # every role's home page: it leads to the role's pages
            return []
        checked.add(shape)
        sizes = visitor.sizes
        if phone_pages is not None and phone_pages.search(path.split("?")[0]):
            sizes = PHONES_AND_LAPTOP
        return _links(visitor.check(path, sizes, bool(SHOWN_AT_EVERY_SIZE.search(path))), path)

    for path in check("/"):
        for deeper in _one_of_each_kind(check(path)):
            check(deeper)


def _report(visitor: Visitor) -> str:
    return "\n".join(f"{path}: " + "; ".join(found) for path, found in sorted(visitor.findings.items()))


@pytest.fixture(scope="module")
def activity_waiting_for_the_evaluator(live_server):
    app, _ = live_server
    day = _last_working_day(app)
    with app.app_context():
        employee, evaluator = (db.session.scalar(select(Employee).where(Employee.nip == nip))
                               for nip in ("198611012014011004", "198207212007042006"))
        activity = DailyActivity(
            employee_id=employee.id, agency_id=employee.agency_id, unit_id=employee.unit_id,
            evaluator_id=evaluator.id, period_id=db.session.scalar(select(Period.id).where(Period.year == day.year)),
            activity_date=day, start_time=dt.time(8), end_time=dt.time(9, 30), volume=Decimal("2.5"),
            description="Menyusun telaahan kurikulum muatan lokal untuk rapat koordinasi bidang",
            output_unit="dokumen", status="submitted", submitted_at=dt.datetime.combine(day, dt.time(2)))
        db.session.add(activity)
        db.session.commit()


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_a_role_fits_runs_under_the_csp_and_shows_no_raw_value(
        live_server, chromium, activity_waiting_for_the_evaluator, role):
    _, base_url = live_server
    username, sizes = ROLES[role]
    visitor = Visitor(chromium, base_url, role, sizes)
    try:
        visitor.log_in(username)
        if sizes is PHONES_AND_LAPTOP:
            _visit_everything_offered(visitor, set())
        else:
            _visit_everything_offered(visitor, ADMINISTRATORS_CHECKED, ADMIN_PAGES_ON_PHONES)
    finally:
        visitor.close()
    assert not visitor.findings, f"{role} ({username}):\n{_report(visitor)}"


def test_the_public_pages_fit_a_phone_and_run_under_the_csp(live_server, chromium):
    app, base_url = live_server
    from app.models import Unit

    with app.app_context():
        unit = db.session.scalar(select(Unit.code).where(Unit.serves_public.is_(True)).order_by(Unit.id))
    visitor = Visitor(chromium, base_url, "citizen", PHONES_AND_LAPTOP)
    try:
        for path in (f"/survey/{unit}", f"/survey/{unit}/results", f"/survey/{unit}/thanks", "/recognition/",
                     "/verify/", "/login/"):
            visitor.check(path, PHONES_AND_LAPTOP, every_size_shot=True)
        visitor.check("/verify/KODE-TIDAK-ADA", PHONES_AND_LAPTOP, every_size_shot=False, expected_status=404)
        visitor.check("/halaman-yang-tidak-ada", PHONES_AND_LAPTOP, every_size_shot=False, expected_status=404)
    finally:
        visitor.close()
    assert not visitor.findings, f"citizen:\n{_report(visitor)}"
