"""Edit forms and REST writes of versioned records (app.models.versioning) never silently undo someone's save.

* The edit form carries, hidden, the ``row_version`` it was opened with. A save of an older version answers
  409 with the form as the person filled it in, a message naming each field someone else changed (its label,
  the value before → after, formatted) and the current version in the hidden field: saving again is then a
  decision taken knowing the other change.
* ``GET /api/v1/<resource>/<id>`` returns ``row_version``; ``PUT`` must send it back: without it 428, with an
  older one 409 ``{"message", "row_version": <current>, "changed": {field: {"before", "after"}},
  "changed_by": [...]}``. Nothing is written in either case.

The comparison itself is app.services.versioning's, run for forms and the API alike in GuardedWrites.pre_update;
the REST side (``VersionedApi``, the 409 body) is in app.api.base.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask import flash, request
from flask_appbuilder import expose, has_access
from flask_babel import gettext
from sqlalchemy import inspect
from wtforms import IntegerField
from wtforms.widgets import HiddenInput

from app.extensions import db
from app.formatting import DASH, moment, shown
from app.models.versioning import VERSION_FIELD, is_versioned, relation_of
from app.parsing import parse_whole_number
from app.security.scope import scoped_select
from app.services.versioning import VersionConflict, ensure_opened_version


class RowVersionField(IntegerField):
    """The version the form was opened with; rendered by the form's hidden_tag(), read by pre_update."""

    widget = HiddenInput()


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
    relation = relation_of(model, key)
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
        relation = relation_of(model, change.key)
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
                try:
                    ensure_opened_version(item, parse_whole_number(request.form.get(VERSION_FIELD)))
                except VersionConflict as conflict:
                    return self._stale_form(item, conflict)
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
        return self.edit_page_again(item, form, 409)  # app.views.base.RefusedFormsAgain
