"""Base classes shared by every model view and REST API: scope, validation, permissions, limits."""
from flask_appbuilder import ModelView
from flask_appbuilder.api import ModelRestApi
from flask_appbuilder.fieldwidgets import Select2Widget
from flask_babel import gettext
from werkzeug.exceptions import BadRequest
from wtforms import SelectField

from app.domain.messages import DomainError
from app.extensions import db
from app.security.scope import ensure_writable

# MVC and REST of one resource share one permission pair: can_read / can_write.
READ_WRITE_PERMISSIONS = {
    "list": "read", "show": "read", "download": "read",
    "add": "write", "edit": "write", "delete": "write", "muldelete": "write",
    "get": "read", "get_list": "read", "info": "read",
    "post": "write", "put": "write",
}


def translated(error: DomainError) -> str:
    """The message of a rule violation in the user's language."""
    return gettext(str(error.message), **error.params)


def choice_field(label, choices):
    """A select of stored codes shown with their translated labels."""
    return SelectField(label, choices=[(code, text) for code, text in choices], widget=Select2Widget())


class GuardedWrites:
    """Scope and business validation before anything is written; one rule set for MVC and REST.

    ``validators`` are service functions ``f(item)`` raising DomainError; the
    same functions run for an add, an edit and an API call, and on refusal the
    session is rolled back so nothing half-changed can be committed later.
    """

    validators = ()
    delete_checks = ()

    def _refuse(self, error: DomainError):
        raise NotImplementedError

    def _guard(self, item, checks):
        try:
            ensure_writable(item)
            for check in checks:
                check(item)
        except DomainError as error:
            db.session.rollback()
            self._refuse(error)

    def pre_add(self, item):
        self._guard(item, self.validators)

    def pre_update(self, item):
        self._guard(item, self.validators)

    def pre_delete(self, item):
        self._guard(item, self.delete_checks)


class ScopedModelView(GuardedWrites, ModelView):
    method_permission_name = READ_WRITE_PERMISSIONS
    page_size = 25

    def _refuse(self, error):
        raise ValueError(translated(error))


class ScopedApi(GuardedWrites, ModelRestApi):
    method_permission_name = READ_WRITE_PERMISSIONS

    def _refuse(self, error):
        raise BadRequest(translated(error))
