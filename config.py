"""Configuration: safe defaults for the embedded SQLite demo, overridden by the environment.

Every setting that differs between a laptop and production is read from an
environment variable here, so that nothing secret lives in the repository.
"""
import os
import secrets
from pathlib import Path

from flask_appbuilder.const import AUTH_DB

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("SIKINERJA_INSTANCE", BASE_DIR / "instance"))


def _secret_key() -> str:
    """The session-signing key: from SECRET_KEY, else generated once into instance/."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    key_file = INSTANCE_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


# A PostgreSQL that does not answer (down, unreachable or frozen) costs a request this many seconds before it
# is answered 503, instead of libpq's wait without end for a new connection and the pool's 30 s for a free one.
DATABASE_CONNECT_TIMEOUT = 5
DATABASE_POOL_TIMEOUT = 5


def database_url(url: str) -> str:
    """A DATABASE_URL as SQLAlchemy takes it: psycopg 3 (the driver we ship; plain postgresql:// URLs would ask
    for psycopg2), and for PostgreSQL a connect timeout unless the URL sets its own."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    if url.startswith("postgresql+psycopg://") and "connect_timeout=" not in url:
        url += ("&" if "?" in url else "?") + f"connect_timeout={DATABASE_CONNECT_TIMEOUT}"
    return url


def _database_url() -> str:
    return database_url(os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'sikinerja.db'}"))


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.lower() in {"1", "true", "yes", "on"}


class Config:
    APP_NAME = "SiKinerja"
    APP_THEME = ""
    APP_ICON = "/static/sikinerja/logo.svg"

    SECRET_KEY = _secret_key()
    # Seals the head of the audit log (app.services.audit): keep it out of the database and its backups, like
    # SECRET_KEY, from which a key is derived when this is unset. After changing it: flask audit reseal.
    AUDIT_ANCHOR_KEY = os.environ.get("AUDIT_ANCHOR_KEY")
    SQLALCHEMY_DATABASE_URI = _database_url()
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "pool_timeout": DATABASE_POOL_TIMEOUT}

    # Authentication and accounts
    AUTH_TYPE = AUTH_DB
    AUTH_USER_REGISTRATION = False
    FAB_PASSWORD_COMPLEXITY_ENABLED = True
    # Lock an account for LOGIN_LOCK_MINUTES after this many failed attempts in a row.
    LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", 5))
    LOGIN_LOCK_MINUTES = int(os.environ.get("LOGIN_LOCK_MINUTES", 15))

    # Rate limits: the HTML login form and /api/v1/security/login share this limit.
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    AUTH_RATE_LIMITED = True
    AUTH_RATE_LIMIT = os.environ.get("AUTH_RATE_LIMIT", "10 per minute")
    REDIS_URL = os.environ.get("REDIS_URL")
    RATELIMIT_STORAGE_URI = REDIS_URL or "memory://"
    # Redis down must not lock everyone out: each process then counts the same limits in its own memory
    # (one warning in the log when it switches) and goes back to Redis once Redis answers again.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    # An unreachable Redis costs a request at most a second before the fallback takes over.
    RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1} if REDIS_URL else {}
    # Set behind a reverse proxy so client addresses (audit, rate limits) come from X-Forwarded-For.
    PROXY_FIX = _bool("PROXY_FIX", False)

    # CSRF for every form; the JSON API authenticates with bearer tokens instead.
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None

    # Served over TLS (directly or behind a TLS-terminating proxy): secure cookies, HSTS, https URLs.
    HTTPS = _bool("HTTPS", False)
    PREFERRED_URL_SCHEME = "https" if HTTPS else "http"

    # Cookies: Secure when served over HTTPS (HTTPS=1, or SESSION_COOKIE_SECURE=1 alone).
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", HTTPS)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"

    # Flask-AppBuilder: roles are declarative (app.security.roles), tables come
    # from migrations, so FAB neither creates tables nor syncs permissions at start.
    FAB_CREATE_DB = False
    FAB_UPDATE_PERMS = False
    FAB_ADD_SECURITY_API = False
    FAB_API_SWAGGER_UI = True
    FAB_API_MAX_PAGE_SIZE = 100
    # The largest list page a browser may ask for (?psize_...), see app.views.base.
    LIST_PAGE_SIZE_MAX = 100

    # Language: Indonesian first, English on request (navbar switch).
    BABEL_DEFAULT_LOCALE = "id"
    BABEL_DEFAULT_TIMEZONE = "Asia/Makassar"
    # Absolute: Flask-Babel resolves relative folders inside the app package.
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")
    LANGUAGES = {
        "id": {"flag": "id", "name": "Bahasa Indonesia"},
        "en": {"flag": "gb", "name": "English"},
    }

    # Uploads stay outside the web root and are served through scoped views only.
    UPLOAD_FOLDER = str(INSTANCE_DIR / "uploads")
    MAX_CONTENT_LENGTH = 10 * 1024 * 1024

    # Signed documents validate against these trust anchors (PEM files, os.pathsep-separated in the
    # environment); the default is the demo CA that `flask documents demo-ca` creates in instance/.
    SIGNING_TRUST_ROOTS = [path for path in os.environ.get("SIGNING_TRUST_ROOTS", "").split(os.pathsep) if path] \
        or [str(INSTANCE_DIR / "signing" / "demo-ca" / "root.pem")]
    # The public address printed in the verification QR code of every signed document (it must stay valid
    # for years, and background workers have no request to take it from), e.g. https://kinerja.example.go.id
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL")

    # Deadline reminders (issue 23) also go by e-mail where a mail server is set; without one, in the app only.
    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", 25))
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_FROM = os.environ.get("MAIL_FROM", "sikinerja@localhost")

    # Demo accounts: one password, printed by `make run` (demo only).
    DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "Sikinerja#2026")
