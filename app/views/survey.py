"""Staff side of the SKM survey: survey periods, responses (exclude/include), improvement plans and
the IKM report per unit and per agency (page with SVG charts, Excel). Menu "Public Service"."""
from __future__ import annotations

import datetime as dt

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.actions import action
from flask_appbuilder.models.sqla.filters import FilterEqual
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.domain.messages import DomainError
from app.excel import Bold, Sheet, xlsx_response
from app.extensions import db
from app.models import Agency
from app.models.survey import PERIOD_KINDS, PLAN_STATUSES, ImprovementPlan, SurveyPeriod, SurveyResponse
from app.parsing import parse_whole_number
from app.security.scope import ScopedInterface, scoped_select
from app.services import survey
from app.views.base import READ_WRITE_PERMISSIONS, ExcelExport, ScopedModelView, choice_field, translated

LABELS = {
    "unit": _l("Service unit"), "agency": _l("Agency"), "kind": _l("Kind"), "kind_label": _l("Kind"),
    "name": _l("Period"), "start_date": _l("Start"), "end_date": _l("End"),
    "population": _l("Estimated service users (population)"), "is_open": _l("Open"),
    "period": _l("Period"), "submitted_at": _l("Submitted (UTC)"), "answers_text": _l("Answers"),
    "sex": _l("Sex"), "age_band": _l("Age"), "education": _l("Education"), "occupation": _l("Occupation"),
    "service_used": _l("Service used"), "suggestion": _l("Suggestion"), "officer": _l("Officer"),
    "excluded": _l("Excluded from IKM"), "excluded_reason": _l("Reason for exclusion"),
    "excluded_by": _l("Excluded by"), "excluded_at": _l("Excluded at (UTC)"),
    "element": _l("Element"), "action": _l("Action"), "target_date": _l("Target date"),
    "status": _l("Status"), "status_label": _l("Status"),
}
PUBLIC_UNITS = {"unit": [["serves_public", FilterEqual, True]]}


class SurveyPeriodView(ScopedModelView):
    datamodel = ScopedInterface(SurveyPeriod)
    class_permission_name = "SurveyPeriod"
    list_title = _l("Survey periods")
    show_title = add_title = edit_title = _l("Survey period")
    label_columns = LABELS
    description_columns = {
        "population": _l("How many people the unit serves in the period: the sample must reach the "
                         "Krejcie–Morgan minimum for this number."),
        "is_open": _l("Citizens can answer only while the period is open and today lies within it."),
    }
    list_columns = ["unit", "name", "kind_label", "start_date", "end_date", "population", "is_open"]
    search_columns = ["unit", "kind", "start_date", "is_open"]
    add_columns = edit_columns = ["unit", "kind", "start_date", "end_date", "population", "is_open"]
    show_columns = ["agency", *add_columns]
    order_columns = ["start_date", "end_date"]
    base_order = ("start_date", "desc")
    add_form_query_rel_fields = edit_form_query_rel_fields = PUBLIC_UNITS
    add_form_extra_fields = edit_form_extra_fields = {"kind": choice_field(_l("Kind"), PERIOD_KINDS)}
    validators = (survey.check_period,)
    delete_checks = (survey.check_period_deletable,)


class SurveyResponseView(ExcelExport, ScopedModelView):
    """Responses are read-only; HR Admin excludes suspicious ones from the IKM (with a reason) or
    includes them again. Nothing is deleted."""

    datamodel = ScopedInterface(SurveyResponse)
    class_permission_name = "SurveyResponse"
    method_permission_name = {**READ_WRITE_PERMISSIONS, "exclude": "write", "include": "write",
                              "exclusion_form": "write"}
    include_route_methods = {"list", "show", "action", "action_post", "exclusion_form"}
    list_title = _l("Survey responses")
    show_title = _l("Survey response")
    label_columns = LABELS
    list_columns = ["submitted_at", "unit", "period", "answers_text", "officer", "excluded"]
    show_columns = ["unit", "period", "submitted_at", "answers_text", "sex", "age_band", "education",
                    "occupation", "service_used", "suggestion", "officer", "excluded", "excluded_reason",
                    "excluded_by", "excluded_at"]
    search_columns = ["unit", "submitted_at", "excluded"]
    order_columns = ["submitted_at"]
    base_order = ("submitted_at", "desc")

    @action("exclude", _l("Exclude from IKM"), "", "fa-ban", single=False)
    def exclude(self, items):
        # FAB fetches action rows unscoped: only the ids travel on; the service re-reads them in scope.
        ids = ",".join(str(item.id) for item in (items if isinstance(items, list) else [items]))
        return redirect(url_for(".exclusion_form", ids=ids))

    @action("include", _l("Include in IKM again"), _l("Count these responses in the IKM again?"), "fa-check",
            single=False)
    def include(self, items):
        ids = [item.id for item in (items if isinstance(items, list) else [items])]
        return self._set_excluded(ids, False, None)

    @expose("/exclude", methods=["GET", "POST"])
    @has_access
    def exclusion_form(self):
        raw_ids = request.values.get("ids", "")
        ids = [row_id for row_id in map(parse_whole_number, raw_ids.split(",")) if row_id is not None][:500]
        if request.method == "POST":
            return self._set_excluded(ids, True, request.form.get("reason"))
        responses = db.session.scalars(scoped_select(SurveyResponse).where(SurveyResponse.id.in_(ids))).all()
        return self.render_template("survey/exclude.html", responses=responses, ids=raw_ids)

    def _set_excluded(self, ids, excluded, reason):
        try:
            changed = survey.set_responses_excluded(ids, excluded, reason, g.user.username)
        except DomainError as error:
            flash(translated(error), "danger")
            return redirect(url_for(".exclusion_form", ids=",".join(map(str, ids))) if excluded
                            else url_for(".list"))
        flash(gettext("%(count)s responses changed.", count=changed), "success")
        return redirect(url_for(".list"))


class ImprovementPlanView(ScopedModelView):
    datamodel = ScopedInterface(ImprovementPlan)
    class_permission_name = "ImprovementPlan"
    list_title = _l("Improvement plans")
    show_title = add_title = edit_title = _l("Improvement plan (rencana tindak lanjut)")
    label_columns = LABELS
    description_columns = {"action": _l("What the unit will do; published on the unit's public results page.")}
    list_columns = ["unit", "period", "element", "action", "target_date", "status_label"]
    search_columns = ["unit", "element", "status"]
    add_columns = edit_columns = ["unit", "period", "element", "action", "target_date", "status"]
    show_columns = ["agency", *add_columns]
    order_columns = ["target_date"]
    base_order = ("target_date", "desc")
    add_form_query_rel_fields = edit_form_query_rel_fields = PUBLIC_UNITS
    add_form_extra_fields = edit_form_extra_fields = {"status": choice_field(_l("Status"), PLAN_STATUSES)}
    validators = (survey.check_plan,)


def _bars(points, width=640, bar_height=22, label_width=260):
    """Horizontal bars on the 25–100 scale, as data for an inline SVG (no chart library, no CDN)."""
    scale = (width - label_width - 60) / 100
    return {"width": width, "height": bar_height * len(points) + 10, "label_width": label_width,
            "rows": [{"y": 5 + index * bar_height, "label": label, "value": value,
                      "length": float(value or 0) * scale, "grade": grade}
                     for index, (label, value, grade) in enumerate(points)]}


def _parse_date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        return None


class IkmReportView(BaseView):
    """The IKM report per unit and period and per agency; everything read through the user's scope."""

    route_base = "/ikm"
    class_permission_name = "IkmReport"
    method_permission_name = {"index": "read", "unit_report": "read", "unit_excel": "read",
                              "agency_report": "read"}
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        periods = db.session.scalars(
            scoped_select(SurveyPeriod).order_by(SurveyPeriod.start_date.desc()).limit(300)).all()
        agencies = db.session.scalars(
            scoped_select(Agency).where(Agency.id.in_(select(SurveyPeriod.agency_id))).order_by(Agency.name)).all()
        return self.render_template("survey/ikm_index.html", periods=periods, agencies=agencies)

    def _unit_report_or_404(self, unit_id, period_id):
        report = survey.unit_ikm_report(unit_id, period_id)
        if report is None:
            abort(404)
        return report

    @expose("/unit/<int:unit_id>/<int:period_id>")
    @has_access
    def unit_report(self, unit_id, period_id):
        report = self._unit_report_or_404(unit_id, period_id)
        elements = report.figures.result.elements if report.figures.result else ()
        element_chart = _bars([(f"{s.element.code} {s.element.name}", s.value, s.grade.letter) for s in elements])
        trend_chart = _bars([(point.period.name, point.figures.value,
                              point.figures.grade.letter if point.figures.grade else "") for point in report.trend],
                            label_width=90)
        return self.render_template("survey/ikm_unit.html", report=report, element_chart=element_chart,
                                    trend_chart=trend_chart,
                                    problem=translated(report.figures.problem) if report.figures.problem else None)

    @expose("/unit/<int:unit_id>/<int:period_id>/xlsx")
    @has_access
    def unit_excel(self, unit_id, period_id):
        report = self._unit_report_or_404(unit_id, period_id)
        return xlsx_response(f"IKM-{report.unit.code}-{report.period.start_date:%Y%m%d}.xlsx", ikm_sheets(report))

    @expose("/agency/<int:agency_id>")
    @has_access
    def agency_report(self, agency_id):
        slots = survey.agency_periods(agency_id)
        start, end = _parse_date(request.args.get("start")), _parse_date(request.args.get("end"))
        if (start is None or end is None) and slots:
            start, end = slots[0]
        report = survey.agency_ikm_report(agency_id, start, end) if start and end else None
        if report is None:
            abort(404)
        chart = _bars([(f"{row.unit.name} ({row.period.name})", row.figures.value,
                        row.figures.grade.letter if row.figures.grade else "") for row in report.units],
                      label_width=260)
        return self.render_template("survey/ikm_agency.html", report=report, slots=slots, chart=chart)


def ikm_sheets(report: survey.UnitIkmReport) -> list[Sheet]:
    """The sheets of the unit report's workbook: summary and elements, suggestions, officers."""
    figures = report.figures
    summary = [
        [gettext("Service unit"), report.unit.name], [gettext("Agency"), report.unit.agency.name],
        [gettext("Period"), report.period.name, report.period.start_date, report.period.end_date],
        [gettext("Respondents"), figures.respondents], [gettext("Excluded responses"), report.excluded],
        [gettext("Population"), report.period.population], [gettext("Minimum sample"), report.minimum_sample],
        [gettext("Sample sufficient"), report.sample_sufficient],
        [gettext("IKM (1–4)"), float(figures.result.ikm) if figures.result else None],
        [gettext("IKM value (25–100)"), float(round(figures.value, 2)) if figures.result else None],
        [gettext("Grade"), f"{figures.grade.letter} {figures.grade.label}" if figures.grade else None],
        [],
        Bold([gettext("Element"), gettext("Name"), gettext("Respondents"), "NRR", gettext("Value"),
              gettext("Grade")]),
    ] + [[score.element.code, score.element.name, score.respondents, float(round(score.nrr, 3)),
          float(round(score.value, 2)), score.grade.letter]
         for score in (figures.result.elements if figures.result else ())]
    # The suggestions are citizens' free text: the writer keeps "=…" and its kin from becoming formulas.
    suggestions = [Bold([gettext("Submitted (UTC)"), gettext("Suggestion")])] + [
        [submitted_at, text] for submitted_at, text in report.suggestions]
    officers = [Bold([gettext("Officer"), gettext("Responses"), "U7", "U6"])] + [
        [officer.name, officer.responses,
         float(round(officer.behaviour_average, 3)) if officer.behaviour_average else None,
         float(round(officer.competence_average, 3)) if officer.competence_average else None]
        for officer in report.officers]
    return [Sheet("IKM", summary, widths={"A": 24, "B": 44}), Sheet(gettext("Suggestions"), suggestions),
            Sheet(gettext("Officers"), officers)]


def register_survey_views(appbuilder) -> None:
    """Views, API and the "Public Service" menu; called from app.views.register_views."""
    from app.api.survey import IkmApi, ImprovementPlanApi, SurveyPeriodApi

    menu = {"category": "Public Service", "category_label": _l("Public Service"),
            "category_icon": "fa-square-poll-vertical"}
    appbuilder.add_view(IkmReportView, "IkmReport", label=_l("IKM report"), icon="fa-chart-bar", **menu)
    appbuilder.add_view(SurveyPeriodView, "SurveyPeriod", label=_l("Survey periods"), icon="fa-calendar",
                        **menu)
    appbuilder.add_view(SurveyResponseView, "SurveyResponse", label=_l("Survey responses"),
                        icon="fa-comments", **menu)
    appbuilder.add_view(ImprovementPlanView, "ImprovementPlan", label=_l("Improvement plans"),
                        icon="fa-list-check", **menu)
    for api in (IkmApi, SurveyPeriodApi, ImprovementPlanApi):
        appbuilder.add_api(api)
