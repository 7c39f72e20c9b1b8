"""FAB's REST arguments (``?q=(…)``, rison) checked against their JSON schema with a validator built once.

FAB's ``@rison(schema)`` calls ``jsonschema.validate(instance, schema)`` on every request, and ``validate``
first checks the *schema itself* against the JSON-schema meta-schema: ~19 % of a REST list's CPU spent
re-proving that FAB's constant schemas (``get_list_schema``, ``get_item_schema``, …) are well formed. Here
each schema is checked once, when first used, and its validator is kept; the request's argument is still
validated in full, with the same errors (``jsonschema.ValidationError``, which FAB turns into a 400).
"""
from __future__ import annotations

import jsonschema
from flask_appbuilder import api as fab_api


class _CheckedOnce:
    """Stands in for the ``jsonschema`` module inside ``flask_appbuilder.api`` (the one name FAB calls)."""

    ValidationError = jsonschema.ValidationError

    def __init__(self):
        self._validators: dict[int, tuple[dict, jsonschema.protocols.Validator]] = {}

    def validate(self, instance, schema) -> None:
        known = self._validators.get(id(schema))
        if known is None or known[0] is not schema:
            validator_class = jsonschema.validators.validator_for(schema)
            validator_class.check_schema(schema)
            known = (schema, validator_class(schema))  # the schema is kept: its id is never reused
            self._validators[id(schema)] = known
        error = jsonschema.exceptions.best_match(known[1].iter_errors(instance))
        if error is not None:
            raise error


def install() -> None:
    """Called once per process before the APIs answer (app.views.register_views)."""
    if not isinstance(fab_api.jsonschema, _CheckedOnce):
        fab_api.jsonschema = _CheckedOnce()
