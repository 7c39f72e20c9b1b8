"""Objects shared by the whole application, created unbound and initialised in create_app()."""
from flask_appbuilder.models.sqla import Model
from flask_appbuilder.models.sqla.base import SQLA
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

# One metadata for FAB's ab_* tables and ours, so Alembic sees them all.
db = SQLA(metadata=Model.metadata)
migrate = Migrate(render_as_batch=True)  # SQLite alters tables in batch mode
csrf = CSRFProtect()
