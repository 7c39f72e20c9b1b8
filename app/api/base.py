"""The base of every REST resource: ``ScopedApi`` (a ModelRestApi on the scoped data interface, relations
written as ids, numbers the columns hold, one schema per request, ``row_version`` on versioned rows) and
``AnswersUseCases`` (the one way a resource answers a use-case: its result, or 409 / 400 with the refusal in the
caller's language). Views never serve as the base of an API: both build on app.security.writes.
"""
from flask import g, has_request_context, request
from flask_appbuilder.api import ModelRestApi
from flask_babel import gettext
from marshmallow import ValidationError

from app.api.schema import Refusal, RelationIdConverter
from app.domain.messages import DomainError
from app.extensions import db
from app.formatting import translated
from app.models.versioning import VERSION_FIELD, is_versioned, relation_of
from app.parsing import fits, number_bounds
from app.security.writes import READ_WRITE_PERMISSIONS, GuardedWrites
from app.services.transaction import ConcurrentChange
from app.services.versioning import VersionConflict, conflict_with, current_version


class JsonFitsTheColumn:
    """A number of a REST body the column holds (a marshmallow validator; forms: app.views.base.FitsTheColumn)."""

    def __init__(self, bound):
        self.bound = bound

    def __call__(self, number):
        if number is not None and not fits(number, self.bound):
            raise ValidationError(gettext("This number is too large."))


def _api_field(api, key: str) -> str:
    """The name a REST client knows a column by: the relation it writes (``unit``) for a foreign key; a
    resource that writes its own JSON (no model interface: nominations' decisions) names the column."""
    if getattr(api, "datamodel", None) is None:
        return key
    relation = relation_of(api.datamodel.obj, key)
    return relation.key if relation is not None and relation.key in (api.edit_columns or ()) else key


def conflict_json(api, conflict: VersionConflict) -> dict:
    changed = {}
    for change in conflict.changes:
        changed[_api_field(api, change.key)] = ({"removed": list(change.removed), "added": list(change.added)}
                                                if change.is_relation else
                                                {"before": change.before, "after": change.after})
    return {"message": gettext(conflict.message, **conflict.params), VERSION_FIELD: conflict.current,
            "changed": changed, "changed_by": list(conflict.changed_by)}


class VersionedApi:
    """ModelRestApi mixin: ``row_version`` in every read and required on every PUT of a versioned record."""

    def __init__(self):
        if is_versioned(self.datamodel.obj):
            for columns in ("list_columns", "show_columns", "edit_columns"):
                declared = getattr(self, columns)
                if declared and VERSION_FIELD not in declared:
                    setattr(self, columns, [*declared, VERSION_FIELD])
        super().__init__()

    def put_headless(self, pk):
        if not is_versioned(self.datamodel.obj):
            return super().put_headless(pk)
        body = request.get_json(silent=True)
        if isinstance(body, dict) and VERSION_FIELD not in body and \
                self.datamodel.get(pk, self._base_filters) is not None:
            return self.response(428, message=gettext(
                "Send the row_version you read (GET /api/v1/%(resource)s/%(id)s) with every change, so that no "
                "one else's change is overwritten unseen.", resource=self.resource_name, id=pk))
        try:
            return super().put_headless(pk)
        except ConcurrentChange as error:
            db.session.rollback()
            if not isinstance(error, VersionConflict):  # lost the race at the UPDATE itself
                opened = body.get(VERSION_FIELD)
                error = conflict_with(self.datamodel.obj, pk, opened if type(opened) is int else None,
                                      current_version(self.datamodel.obj, pk))
            return self.response(409, **conflict_json(self, error))


def schema_of_this_request(kind: str) -> property:
    """A ModelRestApi schema attribute (``add_model_schema``, ...) that gives every request its own schema.

    FAB builds one schema per resource and shares it between requests, and marshmallow-sqlalchemy's
    ``load(data, instance=row)`` parks the row on the schema (``schema.instance``) while it loads: in a
    threaded server two PUTs at once wrote one request's values onto the other's row. Each request gets a
    fresh instance of the resource's schema class (FAB builds it without arguments), made on first use;
    outside a request (the OpenAPI components built at start) the shared one serves.
    """
    shared = f"_shared_{kind}"

    def of_this_request(api):
        schema = getattr(api, shared, None)
        if schema is None or not has_request_context():
            return schema
        schemas = g.setdefault("schemas_of_this_request", {})
        key = (id(api), kind)
        if key not in schemas:
            schemas[key] = type(schema)()
        return schemas[key]

    def share(api, schema):
        setattr(api, shared, schema)
    return property(of_this_request, share)


class ScopedApi(VersionedApi, GuardedWrites, ModelRestApi):
    """A REST resource on the scoped data interface whose relations are written as ids (app.api.schema)."""

    # The schemas that load a request's body hold per-load state (the row being edited).
    add_model_schema = schema_of_this_request("add_model_schema")
    edit_model_schema = schema_of_this_request("edit_model_schema")

    method_permission_name = READ_WRITE_PERMISSIONS
    # Relations the user may link to without reading them, checked by the resource's validators instead.
    relations_checked_by_validators: frozenset[str] = frozenset()

    def __init__(self):
        super().__init__()
        # FAB takes one validator per column; no resource sets its own for a number column.
        self.validators_columns = {**{name: JsonFitsTheColumn(bound) for name, bound in
                                      number_bounds(self.datamodel).items()}, **self.validators_columns}
        self.model2schemaconverter = RelationIdConverter(self.datamodel, self.validators_columns,
                                                         self.relations_checked_by_validators)

    def _refuse(self, error):
        raise Refusal(translated(error))


class AnswersUseCases:
    """How a resource answers a use-case, the same for every resource: the result as JSON, or the refusal with
    nothing written — 409 when someone else's save or decision came first (with what changed, for a stale
    ``row_version``), 400 for a rule, each message in the caller's language."""

    # The JSON of a use-case's result (wrap a function in staticmethod).
    answer_shape = None

    def _refusing(self, answer):
        """``answer()`` (a response), or the refusal of the use-case it runs."""
        try:
            return answer()
        except VersionConflict as conflict:
            return self.response(409, **conflict_json(self, conflict))
        except ConcurrentChange as error:
            return self.response(409, message=translated(error))
        except DomainError as error:
            return self.response_400(message=translated(error))

    def _answer(self, work, shape=None, status=200):
        """Run the use-case ``work()`` and answer ``{"result": shape(its result)}``, or its refusal."""
        shape = shape or self.answer_shape
        return self._refusing(lambda: self.response(status, result=shape(work())))

    def _transition(self, pk, service, *args):
        """A workflow step ``service(row, *args)`` on the row ``pk`` in the user's scope (404 when out of it)."""
        row = self.datamodel.get(pk)
        if row is None:
            return self.response_404()
        return self._answer(lambda: service(row, *args))
