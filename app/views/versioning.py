"""Edit forms and REST writes of versioned records (app.models.versioning) never silently undo someone's save.

* The edit form carries, hidden, the ``row_version`` it was opened with. A save of an older version answers
  409 with the form as the person filled it in, a message naming each field someone else changed (its label,
  the value before → after, formatted) and the current version in the hidden field: saving again is then a
  decision taken knowing the other change.
* ``GET /api/v1/<resource>/<id>`` returns ``row_version``; ``PUT`` must send it back: without it 428, with an
  older one 409 ``{"message", "row_version": <current>, "changed": {field: {"before", "after"}},
  "changed_by": [...]}``. Nothing is written in either case.

The comparison itself is app.services.versioning's, run for forms and the API alike in GuardedWrites.pre_update.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask import flash, request
from flask_appbuilder import expose, has_access
from flask_appbuilder.urltools import get_order_args, get_page_args, get_page_size_args
from flask_babel import gettext
from sqlalchemy import inspect
from wtforms import IntegerField
from wtforms.widgets import HiddenInput

from app.extensions import db
from app.formatting import DASH, moment, shown
from app.models.versioning import is_versioned
from app.parsing import parse_whole_number
from app.security.scope import scoped_select
from app.services.transaction import ConcurrentChange
from app.services.versioning import VersionConflict, conflict_with, current_version, locked_version

VERSION_FIELD = "row_version"


class RowVersionField(IntegerField):
    """The version the form was opened with; rendered by the form's hidden_tag(), read by pre_update."""

    widget = HiddenInput()


def _relation_of(model, key):
    """The to-one relationship whose foreign key column is ``key`` (unit_id → unit), or None."""
    for relation in inspect(model).relationships:
        if not relation.uselist and [column.key for column in relation.local_columns] == [key]:
            return relation
    return None


def _typed(model, key, raw):
    """A value as the audit log stores it (JSON: ISO dates, decimal strings) back in its column's type."""
    column = model.__table__.columns.get(key)
    if raw is None or column is None:
        return raw
    try:
        python_type = column.type.python_type
    except NotImplementedError:
        return raw
    if python_type is dt.date:
        return dt.date.fromisoformat(raw)
    if python_type is dt.datetime:
        return dt.datetime.fromisoformat(raw)
    if python_type is Decimal:
        return Decimal(raw)
    return raw


def _value_shown(model, key, raw, form) -> str:
    relation = _relation_of(model, key)
    if relation is not None:
        if raw is None:
            return DASH
        related = relation.mapper.class_
        row = db.session.scalar(scoped_select(related).where(inspect(related).primary_key[0] == raw))
        return str(row) if row is not None else DASH
    choices = getattr(form[key], "choices", None) if form is not None and key in form else None
    if isinstance(choices, (list, tuple)) and raw is not None:
        labels = {str(code): text for code, text in choices}
        if str(raw) in labels:
            return str(labels[str(raw)])
    return shown(_typed(model, key, raw))


def conflict_messages(conflict: VersionConflict, model, labels: dict, form=None) -> list[str]:
    """What a person reads: who saved when, then "Label: before → after" per field they can see on the form."""
    if conflict.changed_by:
        lines = [gettext("%(users)s saved this record on %(moment)s, after you opened it; nothing of yours was "
                         "saved yet.", users=", ".join(conflict.changed_by), moment=moment(conflict.changed_at))]
    else:
        lines = [gettext(conflict.message, **conflict.params)]
    for change in conflict.changes:
        relation = _relation_of(model, change.key)
        label = labels.get(relation.key if relation is not None else change.key)
        if label is None:
            continue  # a column no form shows (e.g. one derived from another)
        if change.is_relation:
            lines.append(gettext("%(field)s: removed %(removed)s; added %(added)s", field=label,
                                 removed=", ".join(change.removed) or DASH, added=", ".join(change.added) or DASH))
        else:
            lines.append(gettext("%(field)s: %(before)s → %(after)s", field=label,
                                 before=_value_shown(model, change.key, change.before, form),
                                 after=_value_shown(model, change.key, change.after, form)))
    lines.append(gettext("Your entries are kept below: compare them with these changes and save again."))
    return lines


class VersionedForms:
    """ModelView mixin: the hidden version in the edit form, and the 409 page of a stale save."""

    def _init_forms(self):
        super()._init_forms()
        if is_versioned(self.datamodel.obj) and self.edit_form is not None:
            setattr(self.edit_form, VERSION_FIELD, RowVersionField())

    @expose("/edit/<pk>", methods=["GET", "POST"])
    @has_access
    def edit(self, pk):
        if request.method == "POST" and is_versioned(self.datamodel.obj):
            item = self.datamodel.get(pk, self._base_filters)
            if item is not None:  # else FAB answers 404
                opened = parse_whole_number(request.form.get(VERSION_FIELD))
                current = locked_version(type(item), item.id)
                if opened != current:
                    return self._stale_form(item, conflict_with(type(item), item.id, opened, current))
        return super().edit(pk)

    def _stale_form(self, item, conflict: VersionConflict):
        """The edit page again, with the person's own entries, what changed, and the current version."""
        db.session.rollback()
        form = self.edit_form.refresh(request.form)
        form[VERSION_FIELD].data = conflict.current
        form[VERSION_FIELD].raw_data = None
        db.session.refresh(item)  # the related lists below show the record as it is now
        for line in conflict_messages(conflict, type(item), self.label_columns, form):
            flash(line, "warning")
        widgets = self._get_related_views_widgets(
            item, filters={}, orders=get_order_args(), pages=get_page_args(), page_sizes=get_page_size_args(),
            widgets=self._get_edit_widget(form=form))
        page = self.render_template(self.edit_template, title=self.edit_title, widgets=widgets,
                                    related_views=self._related_views)
        return page, 409


def _api_field(api, key: str) -> str:
    """The name a REST client knows a column by: the relation it writes (``unit``) for a foreign key."""
    relation = _relation_of(api.datamodel.obj, key)
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
