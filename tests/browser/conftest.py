"""End-to-end journeys in Debian's headless Chromium, driven by Playwright.

The journeys run against their own application and database (a copy of the suite's freshly seeded one)
served by a threaded Werkzeug server, so what they create cannot disturb the rest of the suite. Screenshots
of every step go to test-artifacts/browser/. Without /usr/bin/chromium the journeys skip, unless
REQUIRE_BROWSER=1 (CI) makes that a failure.
"""
import os
import shutil
import tempfile
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import copy_of_the_seeded_database

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
PASSWORD = "Sikinerja#2026"


# Once per test process: pytest-xdist hands out the browser files among other files, and a package fixture
# would be set up again each time a worker comes back to this package. Its database is a copy of the suite's
# freshly seeded one (``app`` made it) rather than a second migrate + seed (~10 s), except on PostgreSQL runs.
@pytest.fixture(scope="session")
def live_server(app):
    if not Path(CHROMIUM).exists():
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(f"REQUIRE_BROWSER is set but {CHROMIUM} is missing (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} is not installed")
    from flask_migrate import upgrade

    from app import create_app
    from app.services import seeding

    tmp_dir = tempfile.mkdtemp(prefix="sikinerja-browser-")
    database = Path(tmp_dir) / "browser.db"
    seeded = copy_of_the_seeded_database(database)
    served = create_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}", TESTING=True,
                         UPLOAD_FOLDER=f"{tmp_dir}/uploads", WTF_CSRF_ENABLED=True)
    served.appbuilder.sm.limiter.enabled = False
    if not seeded:
        with served.app_context():
            upgrade()
            seeding.seed_everything(PASSWORD)
    server = make_server("127.0.0.1", 0, served, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield served, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    shutil.rmtree(tmp_dir, ignore_errors=True)


@pytest.fixture(scope="package")
def chromium():
    # Playwright's sync API keeps an event loop running in this thread while it is open: close it with
    # this package, or pyHanko's asyncio.run() in later tests finds a running loop.
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield browser
        browser.close()


class Journey:
    """A browser context for one person, with numbered screenshots of each step."""

    def __init__(self, browser, base_url: str, name: str, **context_options):
        self.base_url = base_url
        self.name = name
        self.step = 0
        self.context = browser.new_context(locale="id-ID", **context_options)
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.console_errors = []
        self.page.on("pageerror", lambda error: self.console_errors.append(str(error)))

    def open(self, path: str):
        response = self.page.goto(self.base_url + path)
        assert response is not None and response.status < 400, f"{path}: {response and response.status}"
        return response

    def shot(self, label: str) -> Path:
        self.step += 1
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{self.name}-{self.step:02d}-{label}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def log_in(self, username: str):
        self.open("/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.click("[type=submit]")
        self.page.wait_for_load_state()
        assert "/login" not in self.page.url, f"{username} could not log in"

    def close(self):
        assert not self.console_errors, f"JavaScript errors: {self.console_errors}"
        self.context.close()


@pytest.fixture()
def journey(live_server, chromium):
    _, base_url = live_server
    opened = []

    def start(name: str, **context_options) -> Journey:
        opened.append(Journey(chromium, base_url, name, **context_options))
        return opened[-1]

    yield start
    for each in opened:
        each.close()
