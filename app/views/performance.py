"""Leaders' view of every employee's performance (issue 19): the table (``/performance/``), its JSON for the
page's self-refresh (``data``), its Excel export, and one employee's performance page. The figures and the
scope live in app.services.performance; these views only read the request and render."""
from __future__ import annotations

import datetime as dt

from flask import abort, jsonify, render_template, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext, lazy_gettext as _l

from app.api.performance import performance_json
from app.excel import excel_download
from app.domain.predikat import Predikat
from app.formatting import decimal, moment, percent, short_date
from app.models.planning import PLAN_STATUSES
from app.services import performance
from app.views.navigation import may_open

PERFORMANCE_PERMISSIONS = {"index": "read", "data": "read", "export": "read", "employee": "read"}
REFRESH_SECONDS = 30


def sort_labels() -> dict[str, str]:
    """The table's columns by sort key, in the reader's language (the page's headings and the Excel's)."""
    return {
        "name": gettext("Name / NIP"), "unit": gettext("Unit"), "position": gettext("Position"),
        "skp": gettext("SKP status"), "achievement": gettext("Achievement"),
        "week": gettext("Activities this week"), "month": gettext("Activities this month"),
        "idle": gettext("Working days since the last report"), "waiting": gettext("Waiting for approval"),
        "dialogue": gettext("Last performance dialogue"), "predikat": gettext("Latest predikat"),
        "jp": gettext("JP this year"), "feedback": gettext("Citizen feedback"),
    }


def cycle_url(query: performance.TableQuery) -> str | None:
    """What is overdue in the cycle (/cycle/) for the agency the table is filtered to, when the user may open
    it: counting it here would cost the cycle's whole computation on every refresh, a link costs nothing."""
    if not may_open("CycleView.index"):
        return None
    return url_for("CycleView.index", **({"agency": query.agency_id} if query.agency_id else {}))


def data_time(value: dt.datetime) -> str:
    return gettext("Data as of %(moment)s", moment=moment(value))


class Remembered:
    """A formatter remembered per argument for one rendering: a page of 50 rows prints the same few counts,
    percentages and dates hundreds of times, and each Babel formatting costs ~50 µs (the profile of the
    table put number formatting at a fifth of its rows' rendering). One rendering has one language."""

    def __init__(self, formatter):
        self._formatter = formatter
        self._known: dict = {}

    def __call__(self, *arguments):
        known = self._known.get(arguments)
        if known is None:
            known = self._known[arguments] = self._formatter(*arguments)
        return known


def rows_html(page: performance.TablePage, labels: dict[str, str]) -> str:
    """The table's rows: the same markup on the first load and on every refresh."""
    return render_template("performance/_rows.html", page=page, labels=labels,
                           skp_labels={code: str(label) for code, label in PLAN_STATUSES},
                           number=Remembered(lambda value, places=0: decimal(value, places)),
                           date=Remembered(short_date))


class PerformanceView(BaseView):
    route_base = "/performance"
    class_permission_name = "Performance"
    method_permission_name = PERFORMANCE_PERMISSIONS
    default_view = "index"

    def _table(self):
        return performance.performance_table(performance.TableQuery.from_args(request.args))

    @expose("/")
    @has_access
    def index(self):
        page = self._table()
        labels = sort_labels()
        return self.render_template(
            "performance/table.html", page=page, labels=labels, choices=performance.filter_choices(page.query),
            rows_html=rows_html(page, labels), data_at=data_time(page.data_at),
            skp_statuses=[(code, str(label)) for code, label in PLAN_STATUSES],
            predikats=[(predikat.value, predikat.label) for predikat in Predikat],
            data_url=url_for("PerformanceView.data", **page.query.arguments()), refresh_seconds=REFRESH_SECONDS,
            export_url=url_for("PerformanceView.export", **page.query.arguments(page=None)),
            cycle_url=cycle_url(page.query))

    @expose("/data")
    @has_access
    def data(self):
        page = self._table()
        return jsonify({"data_at": data_time(page.data_at), "total": page.total, "page": page.query.page,
                        "pages": page.pages, "rows_html": rows_html(page, sort_labels()),
                        "rows": [performance_json(row) for row in page.rows], "cycle_url": cycle_url(page.query)})

    @expose("/export")
    @has_access
    def export(self):
        query = performance.TableQuery.from_args(request.args)
        labels = sort_labels()
        header = [gettext("Name"), gettext("NIP"), gettext("Agency"), labels["unit"], labels["position"],
                  labels["skp"], gettext("Achievement (%)"), labels["week"], labels["month"],
                  gettext("Last report"), labels["idle"], labels["waiting"], labels["dialogue"],
                  gettext("Dialogue overdue"), labels["predikat"], labels["jp"], gettext("Citizen responses"),
                  gettext("Citizen average (1–4)")]
        rows = ([row.name, row.nip, row.agency, row.unit, row.position, row.skp_status_label or gettext("No SKP"),
                 _rounded(row.achievement), row.week, row.month, row.last_report, row.idle_working_days,
                 row.waiting, row.dialogue.last_held_on if row.dialogue else None,
                 bool(row.dialogue and row.dialogue.overdue), row.predikat_label or None, row.jp,
                 row.feedback_count, _rounded(row.feedback_average)]
                for row in performance.all_rows(query))
        return excel_download(f"kinerja-pegawai-{dt.date.today():%Y%m%d}.xlsx", gettext("Employee performance"),
                              header, rows)

    @expose("/employee/<int:employee_id>")
    @has_access
    def employee(self, employee_id):
        person = performance.employee_in_scope(employee_id)
        if person is None:
            abort(404)
        details = performance.employee_performance(person)
        return self.render_template("performance/employee.html", details=details, labels=sort_labels(),
                                    data_at=data_time(details.data_at), short_date=short_date, percent=percent)


def _rounded(value, places: int = 2):
    return None if value is None else round(value, places)


def register_performance_views(appbuilder) -> None:
    """The table under "Daily Activities" next to the monitoring dashboard."""
    appbuilder.add_view(PerformanceView, "Employee performance", label=_l("Employee performance"),
                        icon="fa-table-list", category="Daily Activities")
