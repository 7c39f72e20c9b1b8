"""One application and one migrated, seeded database for the whole session.

SQLite by default (a temporary file); PostgreSQL when TEST_DATABASE_URL is set
(its public schema is recreated). Tests that change data create their own rows.
"""
import os
import re
import sqlite3
import tempfile
from pathlib import Path

# Set before anything imports config (its paths, e.g. the signing trust roots, are fixed at import): each
# test process, so each pytest-xdist worker, has its own instance folder.
INSTANCE_DIR = tempfile.mkdtemp(prefix="sikinerja-test-")
os.environ["SIKINERJA_INSTANCE"] = INSTANCE_DIR

import pytest  # noqa: E402
from sqlalchemy import create_engine, make_url, text  # noqa: E402

from tests import helpers  # noqa: E402

pytest_plugins = ["tests.survey_fixtures"]


def pytest_configure(config):
    config.addinivalue_line("markers", "faults: the fault suite (tests/test_faults.py): a real worker, Redis and "
                                       "PostgreSQL broken on purpose; CI runs it as its own step")


def _database_of_this_worker(url):
    """Each pytest-xdist worker gets its own PostgreSQL database (test → test_gw0, test_gw1, …), created
    on first use from the one TEST_DATABASE_URL, because every worker recreates its schema."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker:
        return url
    base = make_url(url)
    return base.set(database=f"{base.database}_{worker}").render_as_string(hide_password=False)


POSTGRES_URL = _database_of_this_worker(os.environ.get("TEST_DATABASE_URL"))
# The suite signs in hundreds of times; scrypt (production's hash) costs ~0.25 s per check on this machine.
# A one-round PBKDF2 keeps every login path real (hash stored, checked, refused) at a fraction of the cost.
TEST_PASSWORD_HASH = "pbkdf2:sha256:1"


def _fresh_database_url(tmp_dir):
    if not POSTGRES_URL:
        return f"sqlite:///{tmp_dir}/test.db"
    url = POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://", 1)
    engine = create_engine(url)
    try:
        _create_database_if_missing(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    except Exception as error:  # noqa: BLE001 — any connection failure means "no PostgreSQL here"
        if os.environ.get("REQUIRE_POSTGRES"):
            raise
        pytest.skip(f"PostgreSQL at TEST_DATABASE_URL is not reachable: {error}")
    finally:
        engine.dispose()
    return url


def _create_database_if_missing(url):
    shared = make_url(os.environ["TEST_DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1))
    name = make_url(url).database
    if name == shared.database:
        return
    server = create_engine(shared, isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            if connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}) is None:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        server.dispose()


DOMAIN_TESTS = Path(__file__).parent / "domain"


@pytest.fixture(autouse=True)
def _application_unless_pure_rule(request):
    """Every test but the pure domain rules runs with the migrated, seeded application; the rules need
    none, so a run of only those does not wait for migrate + seed."""
    if DOMAIN_TESTS not in request.path.parents:
        request.getfixturevalue("app")


@pytest.fixture(scope="session")
def app():
    tmp_dir = INSTANCE_DIR
    database_url = _fresh_database_url(tmp_dir)
    from app import create_app

    app = create_app(SQLALCHEMY_DATABASE_URI=database_url, TESTING=True, SERVER_NAME="localhost",
                     UPLOAD_FOLDER=f"{tmp_dir}/uploads", FAB_PASSWORD_HASH_METHOD=TEST_PASSWORD_HASH)
    # Tests log in far more often than a person; the rate-limit test switches it back on.
    app.appbuilder.sm.limiter.enabled = False
    helpers.bind(app)
    with app.app_context():
        from flask_migrate import upgrade

        from app.services import seeding

        upgrade()
        seeding.seed_everything(app.config["DEMO_PASSWORD"])
    if not POSTGRES_URL:
        _keep_a_copy(database_url.removeprefix("sqlite:///"), SEEDED_SQLITE)
    yield app


# The session database as migrate + seed left it (SQLite runs only), before any test changed it: the browser
# journeys' server gets a copy of it for its own database instead of a second migrate + seed (~10 s per worker).
SEEDED_SQLITE = Path(INSTANCE_DIR) / "seeded.db"


def _keep_a_copy(source: str, target: Path):
    original, copy = sqlite3.connect(source), sqlite3.connect(target)
    try:
        original.backup(copy)
    finally:
        original.close()
        copy.close()


def copy_of_the_seeded_database(target: Path) -> bool:
    """Writes the migrated, seeded SQLite database to ``target``; False when this run has none (PostgreSQL)."""
    if not SEEDED_SQLITE.exists():
        return False
    _keep_a_copy(str(SEEDED_SQLITE), target)
    return True


def csrf_token(client, url):
    page = client.get(url)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True))
    assert match, f"no CSRF token on {url} ({page.status_code})"
    return match.group(1)


def login(client, username, password=None, app_=None):
    password = password or "Sikinerja#2026"
    token = csrf_token(client, "/login/")
    return client.post("/login/", data={"username": username, "password": password, "csrf_token": token})


@pytest.fixture()
def as_user(app):
    """A logged-in browser for a demo account: as_user("admin.disdik")."""

    def make(username):
        client = app.test_client()
        response = login(client, username)
        assert response.status_code == 302, f"login of {username} failed"
        return client

    return make


@pytest.fixture()
def api_as(app):
    """Bearer-token headers for a demo account: api_as("admin.disdik")."""

    def make(username):
        client = app.test_client()
        response = client.post("/api/v1/security/login",
                               json={"username": username, "password": "Sikinerja#2026", "provider": "db"})
        assert response.status_code == 200, response.get_data(as_text=True)
        return client, {"Authorization": f"Bearer {response.json['access_token']}"}

    return make
