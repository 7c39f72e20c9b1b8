"""Base classes of the model views: scope, validation, permissions, limits (REST resources: app.api.base)."""
import datetime as dt

from flask import current_app, flash, g, redirect, request, url_for
from flask_appbuilder import ModelView, action, expose, has_access
from flask_appbuilder.fieldwidgets import Select2Widget
from flask_appbuilder.urltools import get_filter_args, get_order_args, get_page_args, get_page_size_args
from flask_appbuilder.widgets import ListWidget
from flask_babel import gettext, lazy_gettext as _l, ngettext
from markupsafe import Markup
from wtforms import SelectField
from wtforms.validators import StopValidation

from app.excel import excel_download, export_cell  # noqa: F401  (excel_download re-exported for the views)
# re-exported: views format and translate with them
from app.formatting import decimal, moment, percent, shown, translated  # noqa: F401
from app.domain.messages import DomainError
from app.domain.nip import format_nip
from app.parsing import fits, number_bounds
from app.security.guards import OutOfScope
from app.security.writes import READ_WRITE_PERMISSIONS, GuardedWrites  # noqa: F401  (re-exported for the views)
from app.services.transaction import ConcurrentChange
from app.views.fields import for_people
from app.views.versioning import VersionedForms

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


def nip_cell(value) -> Markup:
    """A NIP grouped as on official forms (19860926 201505 1 001), kept on one line."""
    return Markup('<span class="sk-nip">{}</span>').format(format_nip(value)) if value else shown(value)


def coded_fields(*extra_fields) -> dict:
    """{column: its form's select of codes} for every choice_field among the forms' extra fields."""
    fields_by_name = {}
    for fields in extra_fields:
        for name, field in (fields or {}).items():
            if issubclass(getattr(field, "field_class", type(None)), SelectField) and field.kwargs.get("choices"):
                fields_by_name.setdefault(name, field)
    return fields_by_name


def coded_formatters(*extra_fields) -> dict:
    """The lists and show pages name a coded column as its form's choices do (every choice_field)."""
    return {name: coded(field.kwargs["choices"]) for name, field in coded_fields(*extra_fields).items()}


def choice_field(label, choices):
    """A select of stored codes shown with their translated labels."""
    return SelectField(label, choices=[(code, text) for code, text in choices], widget=Select2Widget())


# No model has a file column, and FAB's download/<filename> sends any file of the upload folder by name
# (or answers 500 for a name it cannot split): model views go without the route.
WITHOUT_FILE_DOWNLOAD = {"download"}


class FitsTheColumn:
    """A form number the column holds. It stops the field's other validators: FAB's unique check would send
    a larger number to the database, as the insert would."""

    def __init__(self, bound):
        self.bound = bound

    def __call__(self, form, field):
        if field.data is not None and not fits(field.data, self.bound):
            raise StopValidation(gettext("This number is too large."))


class FormsForPeople:
    """Generated add and edit forms that take what people type (app.views.fields.for_people). Lists and show
    pages need nothing here: their widgets format every value (app/templates/appbuilder/general/widgets)."""

    def _init_forms(self):
        super()._init_forms()
        self.add_form = for_people(self.add_form)
        self.edit_form = for_people(self.edit_form)
        self.search_form = for_people(self.search_form, searching=True)
        # A coded column is searched by its choices ("Diajukan"), not by the code typed and shown ("submitted").
        for name, field in coded_fields(self.add_form_extra_fields, self.edit_form_extra_fields).items():
            if name in self.search_columns:
                setattr(self.search_form, name, field)


def refusal_status(error: DomainError) -> int:
    """The status of a page whose save a use-case refused: 403 outside the user's agencies, 409 when someone
    else's change came first, 400 for any other rule."""
    if isinstance(error, OutOfScope):
        return 403
    return 409 if isinstance(error, ConcurrentChange) else 400


class AttemptsUseCases:
    """A custom page whose POST runs a use-case (``_attempt``): the use-case's result said and the person sent on,
    or its refusal shown on the page again with a 4xx status, nothing written. A view changes how a refusal is
    shown (``show_refusal``) and which status it gets (``status_of_refusal``) by overriding them."""

    @staticmethod
    def show_refusal(error: DomainError) -> None:
        flash(translated(error), "danger")

    @staticmethod
    def status_of_refusal(error: DomainError) -> int:
        return refusal_status(error)

    def _attempt(self, work, done, back, page):
        """Run ``work``: on success say ``done`` and go ``back`` (each a text, or a function of the use-case's
        result); on refusal show ``page()`` again with the reason and the refusal's status."""
        try:
            result = work()
        except DomainError as error:
            self.show_refusal(error)
            return page(), self.status_of_refusal(error)
        flash(done(result) if callable(done) else done, "info")
        return redirect(back(result) if callable(back) else back)


def _invalid_form_answered_400(answer):
    """FAB's answer to a posted form: a redirect when saved, else the page of the form with its errors."""
    return (answer, 400) if request.method == "POST" and isinstance(answer, str) else answer


class RefusedFormsAgain:
    """A generated add or edit form whose save a use-case refused answers with its status (refusal_status) and
    the form again as the person filled it in, the reason flashed above it. FAB redirected to the list (a 200
    page) and the entries were lost. A form that did not validate answers 400 (FAB: 200)."""

    def _refuse(self, error):
        g.form_refusal_status = refusal_status(error)
        raise ValueError(translated(error))

    @expose("/add", methods=["GET", "POST"])
    @has_access
    def add(self):
        answer = super().add()
        status = g.pop("form_refusal_status", None)
        if status is None:
            return _invalid_form_answered_400(answer)
        kept = self._filters.get_relation_cols()
        form = self.add_form.refresh(request.form)
        self._fill_form_exclude_cols(kept, form)
        page = self.render_template(self.add_template, title=self.add_title,
                                    widgets=self._get_add_widget(form=form, exclude_cols=kept))
        return page, status

    @expose("/edit/<pk>", methods=["GET", "POST"])
    @has_access
    def edit(self, pk):
        answer = super().edit(pk)
        status = g.pop("form_refusal_status", None)
        item = self.datamodel.get(pk, self._base_filters) if status is not None else None
        if item is None:
            return _invalid_form_answered_400(answer)
        return self.edit_page_again(item, self.edit_form.refresh(request.form), status)

    def edit_page_again(self, item, form, status: int):
        """The edit page of ``item`` showing ``form`` (the person's own entries), answered with ``status``."""
        widgets = self._get_related_views_widgets(
            item, filters={}, orders=get_order_args(), pages=get_page_args(), page_sizes=get_page_size_args(),
            widgets=self._get_edit_widget(form=form))
        page = self.render_template(self.edit_template, title=self.edit_title, widgets=widgets,
                                    related_views=self._related_views)
        return page, status


class ScopedModelView(VersionedForms, RefusedFormsAgain, FormsForPeople, GuardedWrites, ModelView):
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
        self.datamodel.listed_columns = tuple(self.list_columns)

    # Only a save that lost the race after the form's own version check (VersionedForms.edit) gets here.
    _refuse_conflict = RefusedFormsAgain._refuse

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
    # Columns the sheet holds as stored though the pages format them (a grouped NIP): the export is the
    # import's file.
    export_as_stored: tuple[str, ...] = ()

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
        rows = ([export_cell(values[column], None if column in self.export_as_stored
                             else self.formatters_columns.get(column)) for column in columns]
                for values in self.datamodel.get_values(items, columns))
        return excel_download(f"{self.endpoint.lower()}-{dt.date.today():%Y%m%d}.xlsx", str(self.list_title),
                              header, rows)
