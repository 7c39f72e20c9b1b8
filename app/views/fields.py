"""Form fields: search-as-you-type selects for large relations, the NIP field, and the fields every
generated form uses for numbers, check boxes and optional relations (``for_people``).

Lookups: for relations too large for a plain <select> (employees, positions, units).

The browser asks a scoped, paginated lookup endpoint (app.views.lookup) as the
user types; the posted id is resolved through the same scoped interface, so a
foreign row can neither be listed nor submitted.
"""
from flask import url_for
from flask_appbuilder.fields import QuerySelectField
from flask_babel import format_decimal, gettext, lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import inspect
from wtforms import BooleanField, DecimalField, Field, StringField, ValidationError
from wtforms.fields.core import UnboundField
from wtforms.validators import DataRequired, InputRequired, Optional

from app.domain.messages import DomainError
from app.domain.nip import parse_nip
from app.formatting import DASH
from app.parsing import parse_decimal, parse_whole_number
from app.security.scope import ScopedInterface


class LookupWidget:
    def __call__(self, field, **kwargs):
        selected = ""
        if field.data is not None:
            selected = f'<option value="{field.data.id}" selected>{escape(str(field.data))}</option>'
        attributes = {
            "id": field.id, "name": field.name, "class": "my_select2 form-control",
            "data-ajax--url": url_for(f"LookupView.{field.lookup}"), "data-ajax--delay": "250",
            "data-minimum-input-length": "2", "data-placeholder": str(_l("Type to search")),
            "data-allow-clear": "true", "style": "width:100%",
        }
        rendered = " ".join(f'{key}="{escape(value)}"' for key, value in attributes.items())
        return Markup(f'<select {rendered}><option value=""></option>{selected}</select>')


class LookupField(Field):
    widget = LookupWidget()

    def __init__(self, label=None, validators=None, model=None, lookup=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.model = model
        self.lookup = lookup
        self._raw = None

    def process_formdata(self, valuelist):
        self._raw = valuelist[0] if valuelist else None
        if not self._raw or self._raw == "__None":
            self.data = None
            return
        row_id = parse_whole_number(self._raw)
        self.data = ScopedInterface(self.model).get(row_id) if row_id is not None else None

    def pre_validate(self, form):
        if self._raw and self._raw != "__None" and self.data is None:
            raise ValidationError(_l("Not a valid choice"))


def _without_spaces(value):
    return "".join(value.split()) if isinstance(value, str) else value


class NipField(StringField):
    """NIP / NI PPPK: accepts the spaced display form and says next to the field which part is wrong."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, filters=[_without_spaces], **kwargs)

    def pre_validate(self, form):
        employment_type = getattr(form, "employment_type", None)
        try:
            parse_nip(self.data or "", employment_type.data if employment_type else None)
        except DomainError as error:
            raise ValidationError(gettext(str(error.message), **error.params)) from None


class DecimalCommaField(DecimalField):
    """A number as people type it (``5,5``, ``1.234,5``, or ``5.5``), shown back with the decimal comma of
    the reader's language and without grouping, so that what the field shows is what it reads again."""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        self.data = None
        if valuelist[0].strip():
            self.data = parse_decimal(valuelist[0])
            if self.data is None:
                raise ValueError(gettext("Not a number: write it like 5,5."))

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else format_decimal(self.data, format="0.####")


def _without_required(validators):
    # A check box sends nothing when it is not ticked: "required" would refuse every unticked box.
    return [validator for validator in validators or ()
            if not isinstance(validator, (InputRequired, DataRequired))] + [Optional()]


def replaced(unbound: UnboundField, field_class=None, **kwargs) -> UnboundField:
    """The same form field with other arguments, in the same place: fields are processed in that order,
    and populating a relation loads it (flushing whatever else is already changed)."""
    replacement = UnboundField(field_class or unbound.field_class, *unbound.args, name=unbound.name,
                               **{**unbound.kwargs, **kwargs})
    replacement.creation_counter = unbound.creation_counter
    return replacement


def _for_people(unbound: UnboundField, searching: bool) -> UnboundField:
    kwargs, field_class = unbound.kwargs, unbound.field_class
    if searching and kwargs.get("default") is not None:
        # A search filter starts empty: FAB fills in the column's default (a UTC timestamp to the microsecond).
        return replaced(unbound, default=None)
    if field_class is DecimalField:
        return replaced(unbound, DecimalCommaField,
                        render_kw={"inputmode": "decimal", **(kwargs.get("render_kw") or {})})
    if field_class is BooleanField:
        return replaced(unbound, validators=_without_required(kwargs.get("validators")))
    if issubclass(field_class, QuerySelectField):
        # Each option's value read from the row's identity: FAB looks the related interface up once per option
        # (an agency select of the list page's search form cost 4 % of the page's CPU that way).
        blank = {"blank_text": DASH} if kwargs.get("allow_blank") and "blank_text" not in kwargs else {}
        return replaced(unbound, get_pk_func=_primary_key, **blank)  # wtforms prints "__None" for no text
    return unbound


def _primary_key(row):
    return inspect(row).identity[0]


def for_people(form_class, searching: bool = False):
    """A generated form whose number fields take a decimal comma, whose check boxes may stay unticked and
    whose optional relations offer "–" for none (FAB's converter makes check boxes of NOT NULL columns
    required, numbers English-only, and the empty choice reads "__None"); a search form without defaults."""
    if form_class is None:
        return None
    for name, unbound in list(vars(form_class).items()):
        if isinstance(unbound, UnboundField):
            setattr(form_class, name, _for_people(unbound, searching))
    return form_class
