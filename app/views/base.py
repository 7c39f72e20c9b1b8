"""Base classes shared by every model view and REST API: scope, validation, permissions, limits."""
import datetime as dt

from flask import current_app, flash, redirect, request, url_for
from flask_appbuilder import ModelView, action, expose, has_access
from flask_appbuilder.api import ModelRestApi
from flask_appbuilder.fieldwidgets import Select2Widget
from flask_appbuilder.urltools import get_filter_args, get_order_args
from flask_appbuilder.widgets import ListWidget
from flask_babel import gettext, lazy_gettext as _l, ngettext
from marshmallow import ValidationError
from wtforms import SelectField
from wtforms.validators import StopValidation

from app.api.schema import Refusal, RelationIdConverter
from app.domain.messages import DomainError
from app.excel import excel_download, export_cell  # noqa: F401  (excel_download re-exported for the views)
from app.formatting import decimal, moment, percent, shown  # noqa: F401  (re-exported: views format with them)
from app.extensions import db
from app.parsing import fits, number_bound
from app.models.versioning import is_versioned
from app.security.scope import ensure_writable
from app.services.versioning import VersionConflict, ensure_current_version
from app.views.fields import for_people
from app.views.versioning import VersionedApi, VersionedForms

# MVC and REST of one resource share one permission pair: can_read / can_write.
READ_WRITE_PERMISSIONS = {
    "list": "read", "show": "read",
    "add": "write", "edit": "write", "delete": "write", "muldelete": "write",
    "get": "read", "get_list": "read", "info": "read",
    "post": "write", "put": "write",
    "export_xlsx": "read",
}


def translated(error: DomainError) -> str:
    """The message of a rule violation in the user's language."""
    return gettext(str(error.message), **error.params)


format_moment = moment  # the name the views' templates know it by


class ScreenLabels:
    """The names the screens give record types and fields, collected from every registered model view, for
    pages that name another page's records (the audit log): "Pegawai", "Pangkat", not "Employee", "rank_id"."""

    # Records written by pages that are not model views.
    OWN_TITLES = {
        "UserAccount": _l("User account"), "BehaviourGuide": _l("Behaviour guide"),
        "EvaluationRealisation": _l("Evaluation realisation"), "Feedback": _l("Feedback"),
        "Nomination": _l("Award nomination"), "SigningCredential": _l("Signing certificate"),
    }

    def __init__(self, appbuilder):
        self.titles, self.fields, self.any_fields = dict(self.OWN_TITLES), {}, {}
        for view in appbuilder.baseviews:
            model = getattr(getattr(view, "datamodel", None), "obj", None)
            if model is None:
                continue
            self.titles.setdefault(model.__name__, getattr(view, "show_title", None) or model.__name__)
            # The class's own labels: FAB adds untranslated ones ("Rank Id") to the instance's.
            for name, label in (getattr(type(view), "label_columns", None) or {}).items():
                self.fields.setdefault(model.__name__, {}).setdefault(name, label)
                self.any_fields.setdefault(name, label)

    def title(self, model_name) -> str:
        return str(self.titles.get(model_name, model_name or "–"))

    def field(self, name: str, model_name: str | None = None) -> str:
        """A field as the model's own screens label it, else as any screen does (rank_id → the label of rank)."""
        for labels in (self.fields.get(model_name, {}), self.any_fields):
            label = labels.get(name.removesuffix("_id")) or labels.get(name)
            if label:
                return str(label)
        return name.replace("_", " ")


def screen_labels() -> ScreenLabels:
    appbuilder = current_app.appbuilder
    if not hasattr(appbuilder, "sikinerja_screen_labels"):
        appbuilder.sikinerja_screen_labels = ScreenLabels(appbuilder)
    return appbuilder.sikinerja_screen_labels


def text_or_dash(value) -> str:
    return value or "–"


def coded(choices):
    """A formatter naming a stored code by its label: "M" → Laki-laki, "open" → Dibuka."""
    labels = {code: label for code, label in choices}

    def label_of(code):
        return str(labels[code]) if code in labels else shown(code)
    return label_of


def coded_formatters(*extra_fields) -> dict:
    """The lists and show pages name a coded column as its form's choices do (every choice_field)."""
    formatters = {}
    for fields in extra_fields:
        for name, field in (fields or {}).items():
            choices = getattr(field, "kwargs", {}).get("choices")
            if issubclass(getattr(field, "field_class", type(None)), SelectField) and choices:
                formatters.setdefault(name, coded(choices))
    return formatters


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
    # Master data is written by agency administrators only. Resources written by their owners
    # and evaluators (work plans) set this to None: their service checks decide who may write.
    scope_check = staticmethod(ensure_writable)

    def _refuse(self, error: DomainError):
        raise NotImplementedError

    def _guard(self, item, checks):
        try:
            if self.scope_check is not None:
                self.scope_check(item)
            for check in checks:
                check(item)
        except DomainError as error:
            db.session.rollback()
            self._refuse(error)

    def pre_add(self, item):
        self._guard(item, self.validators)

    def pre_update(self, item):
        if is_versioned(type(item)):
            try:
                ensure_current_version(item)
            except VersionConflict as conflict:
                db.session.rollback()
                self._refuse_conflict(conflict)
        self._guard(item, self.validators)

    def _refuse_conflict(self, conflict: VersionConflict):
        """A save based on an older version: the API answers 409 with what changed (VersionedApi)."""
        raise conflict

    def pre_delete(self, item):
        self._guard(item, self.delete_checks)


# No model has a file column, and FAB's download/<filename> sends any file of the upload folder by name
# (or answers 500 for a name it cannot split): model views go without the route.
WITHOUT_FILE_DOWNLOAD = {"download"}


def number_bounds(datamodel) -> dict:
    """{column: number_bound} of a model's number columns: a larger number sent to the database answers 500."""
    bounds = {name: number_bound(column.type) for name, column in datamodel.list_columns.items()}
    return {name: bound for name, bound in bounds.items() if bound is not None}


class FitsTheColumn:
    """A form number the column holds. It stops the field's other validators: FAB's unique check would send
    a larger number to the database, as the insert would."""

    def __init__(self, bound):
        self.bound = bound

    def __call__(self, form, field):
        if field.data is not None and not fits(field.data, self.bound):
            raise StopValidation(gettext("This number is too large."))


class JsonFitsTheColumn:
    """The same for a number of a REST body (a marshmallow validator)."""

    def __init__(self, bound):
        self.bound = bound

    def __call__(self, number):
        if number is not None and not fits(number, self.bound):
            raise ValidationError(gettext("This number is too large."))


class FormsForPeople:
    """Generated add and edit forms that take what people type (app.views.fields.for_people). Lists and show
    pages need nothing here: their widgets format every value (app/templates/appbuilder/general/widgets)."""

    def _init_forms(self):
        super()._init_forms()
        self.add_form = for_people(self.add_form)
        self.edit_form = for_people(self.edit_form)
        self.search_form = for_people(self.search_form, searching=True)


class ScopedModelView(VersionedForms, FormsForPeople, GuardedWrites, ModelView):
    method_permission_name = READ_WRITE_PERMISSIONS
    exclude_route_methods = WITHOUT_FILE_DOWNLOAD
    page_size = 25

    def __init__(self, **kwargs):
        validators = dict(self.validators_columns or {})
        for name, bound in number_bounds(self.datamodel).items():
            validators[name] = [FitsTheColumn(bound), *validators.get(name, ())]
        self.validators_columns = validators
        self.formatters_columns = {**coded_formatters(self.add_form_extra_fields, self.edit_form_extra_fields),
                                   **(self.formatters_columns or {})}
        super().__init__(**kwargs)
        # FAB offers a sort on every listed name, Python properties too (status_label, ...), which the
        # database cannot order by: their column header answered 500. Only what a query can order by.
        self.order_columns = [name for name in self.order_columns
                              if not isinstance(getattr(self.datamodel.obj, name, None), property)]

    def _refuse(self, error):
        raise ValueError(translated(error))

    # Only a save that lost the race after the form's own version check (VersionedForms.edit) gets here.
    _refuse_conflict = _refuse

    @action("muldelete", _l("Delete"), _l("Delete the selected records?"), "fa-trash", single=False)
    def muldelete(self, items):
        """Delete every selected row the user may delete; rows out of scope were never fetched."""
        deleted = 0
        for item in filter(None, items):
            try:
                self.pre_delete(item)
            except ValueError as refusal:
                flash(f"{item}: {refusal}", "warning")
                continue
            self.datamodel.delete(item)
            deleted += 1
        flash(ngettext("%(num)d record deleted.", "%(num)d records deleted.", deleted), "info")
        return redirect(self.get_redirect())


class ScopedApi(VersionedApi, GuardedWrites, ModelRestApi):
    """A REST resource on the scoped data interface whose relations are written as ids (app.api.schema)."""

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


EXPORT_MAX_ROWS = 100_000


class ExportListWidget(ListWidget):
    """FAB's list widget with an "Excel" button next to the record count (the page's filters carried along)."""

    template = "sikinerja/export_list_widget.html"


class ExcelExport:
    """Mixin for a ScopedModelView: ``/export/`` sends the rows the list shows as .xlsx.

    The rows come from the view's own data interface with the list's filters, base filters and order
    read from the same URL arguments, so the export holds exactly what the user can see and has
    filtered — every page of it, not only the current one. ``export_columns`` defaults to the list's
    columns. Put it first in the bases: ``class EmployeeView(ExcelExport, ScopedModelView)``.
    """

    list_widget = ExportListWidget
    export_columns: list[str] | None = None

    def __init__(self, *args, **kwargs):
        if self.include_route_methods is not None:
            self.include_route_methods = set(self.include_route_methods) | {"export_xlsx"}
        super().__init__(*args, **kwargs)

    def _get_list_widget(self, filters, **kwargs):
        if request.endpoint == f"{self.endpoint}.list":
            query = request.query_string.decode()
            kwargs["export_url"] = url_for(f"{self.endpoint}.export_xlsx") + (f"?{query}" if query else "")
        return super()._get_list_widget(filters, **kwargs)

    @expose("/export/")
    @has_access
    def export_xlsx(self):
        get_filter_args(self._filters)
        order_column, order_direction = (get_order_args().get(self.__class__.__name__)
                                         or self.base_order or ("", ""))
        _, items = self.datamodel.query(self._filters.get_joined_filters(self._base_filters), order_column,
                                        order_direction, page=0, page_size=EXPORT_MAX_ROWS)
        columns = self.export_columns or self.list_columns
        header = [str(self.label_columns.get(column, column)) for column in columns]
        rows = ([export_cell(values[column], self.formatters_columns.get(column)) for column in columns]
                for values in self.datamodel.get_values(items, columns))
        return excel_download(f"{self.endpoint.lower()}-{dt.date.today():%Y%m%d}.xlsx", str(self.list_title),
                              header, rows)
