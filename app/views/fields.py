"""Form fields: search-as-you-type selects for large relations, and the NIP field.

Lookups: for relations too large for a plain <select> (employees, positions, units).

The browser asks a scoped, paginated lookup endpoint (app.views.lookup) as the
user types; the posted id is resolved through the same scoped interface, so a
foreign row can neither be listed nor submitted.
"""
from flask import url_for
from flask_babel import gettext, lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms import Field, StringField, ValidationError

from app.domain.messages import DomainError
from app.domain.nip import parse_nip
from app.parsing import parse_whole_number
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
