"""How a REST resource reads a relation from JSON: the id of a row the user may see, nothing else.

marshmallow-sqlalchemy's ``Related`` field (FAB's default) turns a nested object whose id does not exist
into a NEW row, ``related_model(**value)``, with whatever columns and foreign keys the client sent, and
finds an existing id without the user's scope: an employee could create an SKP in another agency, an
agency admin a rank, anyone a global period. Every ``ScopedApi`` builds its schemas with
``RelationIdConverter`` instead, whose relation fields take an integer id (null where the relation is
optional, a list of ids for a to-many relation) and resolve it through the scoped data interface of the
related model, so an id the user may not read is refused exactly like one that does not exist. Anything
else is a 400 naming the field, raised before the row is touched, so nothing is added or flushed.
"""
from flask_appbuilder.api.convert import Model2SchemaConverter
from flask_babel import gettext
from marshmallow.utils import missing
from marshmallow_sqlalchemy.fields import Related, RelatedList
from werkzeug.exceptions import BadRequest

from app.domain.messages import N_
from app.extensions import db
from app.parsing import ROW_ID_MAX
from app.security.scope import is_scoped


class Refusal(BadRequest):
    """A 400 whose text is the message alone: FAB's ``@safe`` answers ``str(error)``, which for a plain
    BadRequest starts with the English "400 Bad Request:"."""

    def __str__(self) -> str:
        return self.description


def is_id(value) -> bool:
    # A JSON true is a Python int too; it must not mean the row with id 1.
    return type(value) is int


class RefusesBadRelations:
    """The refusals shared by the relation fields, each a 400 naming the field in the user's language."""

    def refuse(self, message: str, **params):
        raise Refusal(gettext(message, field=self.name, **params))

    def _validate_missing(self, value):
        if (value is missing and self.required) or (value is None and not self.allow_none):
            self.refuse(N_("%(field)s is required."))


class RelationId(RefusesBadRelations, Related):
    """A to-one relation written as the id of an existing row found by ``lookup(id)`` (None: refused)."""

    def __init__(self, lookup, **kwargs):
        super().__init__(**kwargs)
        self.lookup = lookup

    def _deserialize(self, value, attr, data, **kwargs):
        if not is_id(value):
            self.refuse(N_("%(field)s takes the id of a record (a whole number), nothing else."))
        row = None
        if 0 < value <= ROW_ID_MAX:  # a larger number names no row; sent to the database it would fail
            with db.session.no_autoflush:  # a refusal leaves the session as it was
                row = self.lookup(value)
        if row is None:
            self.refuse(N_("%(field)s: there is no record with id %(id)s that you may use."), id=value)
        return row


class RelationIdList(RefusesBadRelations, RelatedList):
    """A to-many relation written as a list of ids, each read by the inner ``RelationId``."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, list) or not all(is_id(each) for each in value):
            self.refuse(N_("%(field)s takes a list of record ids (whole numbers), nothing else."))
        return [self.inner.deserialize(each) for each in value]


class RelationIdConverter(Model2SchemaConverter):
    """FAB's schema converter with ``RelationId`` fields for every relation a schema loads.

    ``checked_by_validators`` names relations whose use-case checks the chosen row against its own
    choices because the author may not read it (an employee's RHK supports a superior's RHK): they are
    resolved to any existing row, never created, and their validator decides.
    """

    def __init__(self, datamodel, validators_columns, checked_by_validators=frozenset()):
        super().__init__(datamodel, validators_columns)
        self.checked_by_validators = frozenset(checked_by_validators)

    def _column2relation(self, datamodel, column, nested=False, parent_schema_name=None):
        field = super()._column2relation(datamodel, column, nested=nested, parent_schema_name=parent_schema_name)
        if nested:
            return field  # a nested schema only ever dumps: FAB loads add and edit schemas with nested=False
        related_model = datamodel.get_related_model(column.name)
        if column.name in self.checked_by_validators:
            lookup = lambda pk: db.session.get(related_model, pk)  # noqa: E731
        elif is_scoped(related_model):
            lookup = datamodel.get_related_interface(column.name).get
        else:
            lookup = lambda pk: None  # noqa: E731  (a model without a scope, e.g. user accounts: never linkable)
        if isinstance(field, RelatedList):
            relation = RelationIdList(RelationId(lookup), required=field.required, allow_none=field.allow_none)
        else:
            relation = RelationId(lookup, required=field.required, allow_none=field.allow_none)
        relation.unique = field.unique
        return relation
