"""Daily activity views (menu "Daily Activities"): the employee's mobile report form and own week/month,
the evaluator's queue with bulk decisions, evidence download through the scope, and the leaders' live
dashboard. Business rules live in app.services.activity; these views only translate requests."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from flask import abort, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_appbuilder import BaseView, action, expose, has_access
from flask_babel import gettext, lazy_gettext as _l, ngettext

from app.domain.messages import DomainError
from app.domain.workdays import month_start, week_start
from app.extensions import db
from app.formatting import long_date, short_date
from app.models import Employee
from app.models.activity import DailyActivity
from app.models.planning import WorkResult
from app.parsing import parse_whole_number
from app.security import acts
from app.security.scope import ScopedInterface, current_scope, scoped_select
from app.services import activity as activities
from app.security.writes import ACTIVITY_PERMISSIONS
from app.views.base import ExcelExport, ScopedModelView, translated
from app.views.navigation import has_own_record


LABELS = {
    "activity_date": _l("Date"), "start_time": _l("Start time"), "end_time": _l("End time"),
    "description": _l("Activity"), "volume": _l("Volume"), "output_unit": _l("Output unit"),
    "result_label": _l("RHK"), "status_label": _l("Status"), "employee": _l("Employee"),
    "evaluator": _l("Evaluator"), "return_note": _l("Return note"), "note": _l("Note"),
    "evidence_link": _l("Evidence link"), "evidence_original_name": _l("Evidence file"),
}


class DailyActivityView(ExcelExport, ScopedModelView):
    """The list of activities in the user's scope; add and edit go through the mobile form, delete and the
    bulk actions through the same use-cases (app.services.activity), which decide who may act."""

    datamodel = ScopedInterface(DailyActivity)
    class_permission_name = "DailyActivity"
    method_permission_name = ACTIVITY_PERMISSIONS
    include_route_methods = {"list", "show", "delete", "action", "action_post"}
    list_title = show_title = _l("Daily activities")
    label_columns = LABELS
    list_columns = ["activity_date", "employee", "description", "volume", "output_unit", "result_label",
                    "status_label"]
    show_columns = ["activity_date", "start_time", "end_time", "employee", "description", "result_label",
                    "volume", "output_unit", "evidence_link", "evidence_original_name", "note",
                    "status_label", "return_note", "evaluator"]
    search_columns = ["activity_date", "status", "description"]
    # No add/edit routes, but FAB builds both forms anyway and cannot for time columns.
    add_columns = edit_columns = ["description"]
    order_columns = ["activity_date"]
    base_order = ("activity_date", "desc")

    def _delete(self, pk):
        """The row's delete button (FAB's own delete would leave the evidence file behind)."""
        item = self.datamodel.get(pk, self._base_filters)
        if item is None:
            abort(404)
        try:
            activities.delete_activity(item)
            flash(str(self.delete_row_message), "success")
        except DomainError as error:
            flash(translated(error), "danger")
        self.update_redirect()

    @action("muldelete", _l("Delete"), _l("Delete the selected records?"), "fa-trash", single=False)
    def muldelete(self, items):
        """Delete each selected activity its reporter may delete; rows out of scope were never fetched."""
        deleted = 0
        for item in filter(None, items):
            try:
                activities.delete_activity(item)
                deleted += 1
            except DomainError as error:
                flash(f"{item}: {translated(error)}", "warning")
        flash(ngettext("%(num)d record deleted.", "%(num)d records deleted.", deleted), "info")
        return redirect(self.get_redirect())

    @action("approve", _l("Approve"), _l("Approve the selected activities?"), "fa-check", single=False)
    def approve(self, items):
        """Approve the selected rows; rows out of scope were never fetched (see muldelete)."""
        _decide_and_flash([item for item in items if item], "approved")
        return redirect(self.get_redirect())


def _decide_and_flash(rows, status: str, note: str | None = None) -> None:
    """Decide the rows in one transaction and say what happened: how many, and why any were refused; a lost
    race (someone else decided one of them meanwhile) changes none of them and says so."""
    try:
        outcome = activities.decide_many(rows, status, note)
    except DomainError as error:
        flash(translated(error), "danger")
        return
    for item, error in outcome.refused:
        flash(f"{item}: {translated(error)}", "warning")
    flash(ngettext("%(num)d activity decided.", "%(num)d activities decided.", outcome.decided), "info")


def _parse_form(item: DailyActivity) -> None:
    """Copy the posted fields onto ``item``; malformed values become a DomainError on that field."""
    form = request.form
    try:
        item.activity_date = dt.date.fromisoformat(form.get("activity_date", ""))
    except ValueError:
        raise DomainError(activities.N_("Enter a valid date."), field="activity_date") from None
    try:
        item.start_time = dt.time.fromisoformat(form.get("start_time", ""))
        item.end_time = dt.time.fromisoformat(form.get("end_time", ""))
    except ValueError:
        raise DomainError(activities.N_("Enter valid start and end times."), field="start_time") from None
    try:
        item.volume = Decimal(form.get("volume", "").replace(",", "."))
    except InvalidOperation:
        raise DomainError(activities.N_("The volume must be greater than zero."), field="volume") from None
    result_id = parse_whole_number(form.get("work_result"))
    item.work_result = db.session.get(WorkResult, result_id) if result_id is not None else None
    item.result_indicator = None  # re-derived from the RHK by the service
    item.description = form.get("description", "").strip()
    item.output_unit = form.get("output_unit", "").strip()
    item.evidence_link = form.get("evidence_link", "").strip() or None
    item.note = form.get("note", "").strip() or None


class ActivityView(BaseView):
    """The employee's report form and own week/month, and the evaluator's queue."""

    route_base = "/activity"
    class_permission_name = "DailyActivity"
    method_permission_name = ACTIVITY_PERMISSIONS
    default_view = "mine"
    # Offered (menu, home page) and opened only by people these pages are about (app.views.navigation).
    page_conditions = {"report": has_own_record, "mine": has_own_record, "queue": acts.supervises}
    scoped = ScopedInterface(DailyActivity)

    def _own(self, pk):
        item = self.scoped.get(pk)
        if item is None or not acts.is_own(item.employee_id):
            abort(404)
        return item

    @expose("/report", methods=["GET", "POST"])
    @expose("/report/<int:pk>", methods=["GET", "POST"])
    @has_access
    def report(self, pk=None):
        if not has_own_record():
            abort(404)
        scope = current_scope()
        item = self._own(pk) if pk else None
        if item is not None:
            try:  # a submitted or approved activity is not offered for editing at all
                activities.ensure_reporter_may_change(item)
            except DomainError as error:
                flash(translated(error), "danger")
                return redirect(url_for("ActivityView.mine"))
        if item is None and request.args.get("repeat"):
            item = activities.repeat_previous(scope.employee_id)
            if item is None:
                flash(gettext("You have no earlier activity to repeat."), "info")
        if request.method == "POST":
            target = item if item is not None and item.id else DailyActivity()
            try:
                _parse_form(target)
                saved = activities.save_activity(target, request.files.get("evidence"))
                if request.form.get("send"):
                    activities.submit(saved)
                flash(gettext("Activity saved."), "info")
                return redirect(url_for("ActivityView.mine"))
            except DomainError as error:
                db.session.rollback()
                flash(translated(error), "danger")
                item = target
        results = activities.reportable_results(scope.employee_id)
        units = {r.id: (activities.quantity_indicator(r).target_unit or "") if activities.quantity_indicator(r)
                 else "" for r in results}
        today = activities.today()
        # On a weekend or a holiday the form offers the last working day: a report is for a working day, and
        # Saturday morning is when Friday's work gets written down.
        return self.render_template("activity/report.html", item=item, results=results, units=units, today=today,
                                    report_day=activities.last_working_days(1, today)[0], form=request.form)

    @expose("/send/<int:pk>", methods=["POST"])
    @has_access
    def send(self, pk):
        try:
            activities.submit(self._own(pk))
            flash(gettext("The activity was sent to your evaluator."), "info")
        except DomainError as error:
            flash(translated(error), "danger")
        return redirect(url_for("ActivityView.mine"))

    @expose("/mine")
    @has_access
    def mine(self):
        scope = current_scope()
        day = activities.today()
        span = request.args.get("span", "week")
        start = month_start(day) if span == "month" else week_start(day)
        items, totals = activities.own_summary(scope.employee_id, start, day) if scope.employee_id else ([], [])
        return self.render_template("activity/mine.html", items=items, totals=totals, span=span,
                                    start=start, end=day, may_change=activities.reporter_may_change)

    @expose("/queue")
    @has_access
    def queue(self):
        scope = current_scope()
        rows = activities.approval_queue(scope.employee_id) if scope.employee_id else []
        return self.render_template("activity/queue.html", rows=rows)

    @expose("/decide", methods=["POST"])
    @has_access
    def decide(self):
        ids = [row_id for row_id in map(parse_whole_number, request.form.getlist("ids")) if row_id is not None]
        status = "returned" if request.form.get("decision") == "return" else "approved"
        # Only rows in the user's scope are fetched: foreign ids are silently not found.
        rows = list(db.session.scalars(scoped_select(DailyActivity).where(DailyActivity.id.in_(ids))))
        _decide_and_flash(rows, status, request.form.get("note"))
        return redirect(url_for("ActivityView.queue"))

    @expose("/evidence/<int:pk>")
    @has_access
    def evidence(self, pk):
        item = self.scoped.get(pk)  # through the scope: anyone else gets 404
        path = activities.evidence_path(item) if item else None
        if path is None or not path.is_file():
            abort(404)
        response = send_file(path, mimetype=item.evidence_content_type, download_name=item.evidence_original_name,
                             as_attachment=item.evidence_content_type == "application/pdf")
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response


class ActivityDashboardView(BaseView):
    """Live monitoring for leaders over their scope; the page polls ``data`` every 30 seconds."""

    route_base = "/activity-dashboard"
    class_permission_name = "ActivityDashboard"
    method_permission_name = ACTIVITY_PERMISSIONS
    default_view = "index"

    def _figures(self):
        idle_days = min(max(request.args.get("idle", 3, type=int), 1), 30)
        day = request.args.get("day", type=dt.date.fromisoformat)  # a past day; default today
        if day is not None and day > activities.today():
            day = None
        figures = activities.dashboard(day=day, idle_days=idle_days,
                                       agency_id=parse_whole_number(request.args.get("agency")))
        # The ISO dates stay for REST clients; the page reads the days as Indonesians write them.
        return {**figures, "date_label": long_date(dt.date.fromisoformat(figures["date"])),
                "idle": [{**row, "last_day_label": short_date(dt.date.fromisoformat(row["last_day"]))
                          if row["last_day"] else None} for row in figures["idle"]]}

    @expose("/")
    @has_access
    def index(self):
        figures = self._figures()
        return self.render_template("activity/dashboard.html", figures=figures,
                                    charts=render_template("activity/_charts.html", figures=figures))

    @expose("/data")
    @has_access
    def data(self):
        figures = self._figures()
        return jsonify({**figures, "charts_html": render_template("activity/_charts.html", figures=figures)})

    @expose("/employee/<int:pk>")
    @has_access
    def employee(self, pk):
        person = db.session.scalar(scoped_select(Employee).where(Employee.id == pk))
        if person is None:
            abort(404)
        day = activities.today()
        items, totals = activities.own_summary(pk, day - dt.timedelta(days=30), day)
        return self.render_template("activity/mine.html", items=items, totals=totals, span="month",
                                    start=day - dt.timedelta(days=30), end=day, person=person)


def register_activity_views(appbuilder) -> None:
    """Views and the "Daily Activities" menu; called from app.views.register_views."""
    menu = {"category": "Daily Activities", "category_label": _l("Daily Activities"),
            "category_icon": "fa-clipboard-check"}
    appbuilder.add_view(ActivityView, "Report activity", label=_l("Report activity"), icon="fa-pen",
                        href="/activity/report", **menu)
    appbuilder.add_link("My activities", label=_l("My activities"), href="/activity/mine", icon="fa-calendar-week",
                        **menu)
    appbuilder.add_link("Approval queue", label=_l("Approval queue"), href="/activity/queue", icon="fa-inbox",
                        **menu)
    appbuilder.add_view(DailyActivityView, "DailyActivity", label=_l("All activities"), icon="fa-list", **menu)
    appbuilder.add_view(ActivityDashboardView, "ActivityDashboard", label=_l("Monitoring dashboard"),
                        icon="fa-gauge", **menu)
