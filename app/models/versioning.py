"""Records that several people maintain carry a version, so that no one's save silently undoes another's.

``row_version`` is SQLAlchemy's optimistic lock (``version_id_col``): every UPDATE of the row carries
``WHERE row_version = <the version read>`` and sets the next one, so of two writers who read the same
version only the first succeeds; the second one's UPDATE matches no row (StaleDataError). Edit forms
and REST writes also send the version they were opened with, which app.services.versioning compares
with the stored one: a save based on an older version is refused with what changed meanwhile (409).
"""
from sqlalchemy import Column, Integer, inspect
from sqlalchemy.orm import declared_attr

VERSION_FIELD = "row_version"  # the name forms and REST bodies carry the version under


class Versioned:
    """Mixin of every model whose rows more than one person edits (VERSIONED_MODELS lists them)."""

    row_version = Column(Integer, nullable=False, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.row_version}


def is_versioned(model) -> bool:
    return isinstance(model, type) and issubclass(model, Versioned)


def relation_of(model, key):
    """The to-one relationship whose foreign key column is ``key`` (unit_id → unit), or None."""
    for relation in inspect(model).relationships:
        if not relation.uselist and [column.key for column in relation.local_columns] == [key]:
            return relation
    return None


def versioned_models() -> list[type]:
    """Every mapped model with a row version, by table name."""
    from flask_appbuilder.models.sqla import Model

    return sorted((mapper.class_ for mapper in Model.registry.mappers if is_versioned(mapper.class_)),
                  key=lambda model: model.__tablename__)
