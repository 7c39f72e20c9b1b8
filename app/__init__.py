"""SiKinerja: the application factory. Configuration, extensions, views and CLI — nothing else."""
from flask import Flask
from flask_appbuilder import AppBuilder
from sqlalchemy import event

from app.extensions import csrf, db, migrate, tune_sqlite


def create_app(**overrides) -> Flask:
    from config import BASE_DIR, INSTANCE_DIR, Config

    app = Flask(__name__, instance_path=str(INSTANCE_DIR), instance_relative_config=False)
    app.config.from_object(Config)
    app.config.update(overrides)

    from app.security.roles import ROLES

    app.config["FAB_ROLES"] = ROLES
    csrf.init_app(app)  # before AppBuilder, or FAB's views stay unprotected
    db.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"))

    from app import models  # noqa: F401  (register every table in the metadata)
    from app.views.home import HomeView
    from app.views.menu import SiKinerjaMenu
    from app.security.manager import SiKinerjaSecurityManager
    from app.documents import freshness
    from app.services import audit, performance_totals, survey_totals, training_totals
    # Each registers its document kinds (app.documents.catalogue) for every process that creates the app.
    from app.services import (award_certificate, document_kinds, employee_performance_document,  # noqa: F401
                              tpp_recap_document)

    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", tune_sqlite)
        appbuilder = AppBuilder(
            security_manager_class=SiKinerjaSecurityManager, indexview=HomeView, menu=SiKinerjaMenu())
        appbuilder.init_app(app, db.session)
        audit.install(db.session)
        freshness.install(db.session)  # a signed document whose record changes says so
        performance_totals.install(db.session)  # the leaders' table's figures, live
        survey_totals.install(db.session)  # each unit's IKM tally per month, live
        training_totals.install(db.session)  # each employee's JP per year, live
        from app.api import register_apis
        from app.views import register_views

        register_views(appbuilder)
        register_apis(appbuilder)

    from app.cli import register_cli
    from app.errors import register_error_handlers
    from app.public import register_public
    from app.static_files import register_static_files
    from app.web import register_request_hooks

    register_cli(app)
    register_request_hooks(app)
    register_error_handlers(app)
    register_public(app)
    register_static_files(app)  # last: it fingerprints every blueprint's static folder
    return app
