"""Staff side of the SKM survey: survey periods, responses (exclude/include), improvement plans, the
unit's kiosks, paper questionnaires (typed in one by one or imported from Excel/CSV) and the IKM
report per unit and per agency (page with SVG charts, Excel). Menu "Public Service"."""
from __future__ import annotations

import datetime as dt
import json

import segno
from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.fieldwidgets import BS3TextFieldWidget
from flask_appbuilder.actions import action
from flask_appbuilder.models.sqla.filters import FilterEqual
from flask_babel import gettext
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import StringField

from app.domain.messages import N_, DomainError
from app.domain.numbers import round_half_up
from app.excel import Bold, Sheet, xlsx_response
from app.extensions import db
from app.models import Agency
from app.domain.paper_survey import ANSWER_FIELDS
from app.domain.policy import POLICIES
from app.models.policy import PolicySetting
from app.services.policy import (check_policy_setting, check_policy_setting_deletable, follow_deleted_setting,
                                 follow_saved_setting, policies_in_force)
from app.models.survey import (AGE_BANDS, CHANNELS, EDUCATIONS, OCCUPATIONS, PAPER_NUMBER_MAX_LENGTH,
                               PERIOD_KINDS, PLAN_STATUSES, SERVICE_USED_MAX_LENGTH, SUGGESTION_MAX_LENGTH,
                               ImprovementPlan, SurveyKiosk, SurveyPeriod, SurveyResponse)
from app.parsing import parse_whole_number
from app.security.scope import ScopedInterface, scoped_select
from app.services import local_time, survey, survey_paper
from app.formatting import yes_no
from app.views.base import READ_WRITE_PERMISSIONS, ExcelExport, ScopedModelView, choice_field, translated

LABELS = {
    "unit": _l("Service unit"), "agency": _l("Agency"), "kind": _l("Kind"), "kind_label": _l("Kind"),
    "name": _l("Period"), "start_date": _l("Start"), "end_date": _l("End"),
    "population": _l("Estimated service users (population)"), "is_open": _l("Open"),
    "period": _l("Period"), "submitted_at": _l("Submitted on"), "answers_text": _l("Answers"),
    "sex": _l("Sex"), "age_band": _l("Age"), "education": _l("Education"), "occupation": _l("Occupation"),
    "service_used": _l("Service used"), "suggestion": _l("Suggestion"), "officer": _l("Officer"),
    "excluded": _l("Excluded from IKM"), "excluded_reason": _l("Reason for exclusion"),
    "excluded_by": _l("Excluded by"), "excluded_at": _l("Excluded at"),
    "element": _l("Element"), "action": _l("Action"), "target_date": _l("Target date"),
    "status": _l("Status"), "status_label": _l("Status"),
    "channel": _l("Channel"), "channel_label": _l("Channel"), "kiosk": _l("Kiosk"),
    "paper_number": _l("Form number"), "paper_date": _l("Form date"),
    "registered_at": _l("Device registered"), "active": _l("Active"),
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
    list_columns = ["submitted_at", "unit", "period", "channel_label", "answers_text", "officer", "excluded"]
    show_columns = ["unit", "period", "submitted_at", "channel_label", "kiosk", "paper_number", "paper_date",
                    "answers_text", "sex", "age_band", "education", "occupation", "service_used", "suggestion",
                    "officer", "excluded", "excluded_reason", "excluded_by", "excluded_at"]
    search_columns = ["unit", "submitted_at", "channel", "paper_number", "excluded"]
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


class SurveyKioskView(ScopedModelView):
    """The unit's kiosks: a kiosk accepts every citizen in a row. Its device is registered with a
    one-time link the admin issues here (shown once, also as a QR code to scan on the device)."""

    datamodel = ScopedInterface(SurveyKiosk)
    class_permission_name = "SurveyKiosk"
    method_permission_name = {**READ_WRITE_PERMISSIONS, "registration": "write"}
    list_title = _l("Survey kiosks")
    show_title = add_title = edit_title = _l("Survey kiosk")
    label_columns = {**LABELS, "name": _l("Name")}
    description_columns = {
        "name": _l("Where the kiosk stands, e.g. \"Loket pendaftaran\"."),
        "active": _l("A deactivated kiosk is treated as an ordinary browser: its submissions need the web "
                     "form's one-time token."),
    }
    list_columns = ["name", "unit", "active", "registered_at"]
    search_columns = ["unit", "name", "active"]
    add_columns = ["unit", "name", "active"]
    edit_columns = ["name", "active"]
    show_columns = ["agency", "unit", "name", "active", "registered_at"]
    order_columns = ["name"]
    add_form_query_rel_fields = edit_form_query_rel_fields = PUBLIC_UNITS
    validators = (survey.check_kiosk,)

    @action("registration", _l("Registration link"), "", "fa-qrcode", multiple=False)
    def registration_action(self, item):
        # FAB fetches action rows unscoped: only the id travels on; the service re-reads it in scope.
        item = item[0] if isinstance(item, list) else item
        return redirect(url_for(".registration", pk=item.id))

    @expose("/registration/<int:pk>", methods=["GET", "POST"])
    @has_access
    def registration(self, pk):
        """GET: what issuing a link does. POST: a new one-time link (the device registered before stops)."""
        kiosk = db.session.execute(scoped_select(SurveyKiosk).where(SurveyKiosk.id == pk)).scalar_one_or_none()
        if kiosk is None:
            abort(404)
        if request.method == "GET":
            return self.render_template("survey/kiosk_registration.html", kiosk=kiosk, link=None)
        try:
            kiosk, code = survey.issue_kiosk_registration(pk)
        except DomainError as error:
            flash(translated(error), "danger")
            return redirect(url_for(".show", pk=pk))
        link = url_for("public_survey.kiosk_registration", code=code, _external=True)
        return self.render_template("survey/kiosk_registration.html", kiosk=kiosk, link=link,
                                    qr_svg=segno.make(link, error="m").svg_inline(scale=6, border=2))


def _value_hint(known) -> str:
    """What a policy's value may be: its choices, or a number within its bounds."""
    if known.choices:
        return " / ".join(gettext(choice.label) for choice in known.choices)
    return gettext("%(minimum)s–%(maximum)s %(unit)s", minimum=known.minimum, maximum=known.maximum,
                   unit=gettext(known.unit[1]) if known.unit else "").strip()


class PolicyValueInput(BS3TextFieldWidget):
    """The value's text box, carrying each policy's choices and hint for app/static/survey/policy_value.js."""

    def __call__(self, field, **kwargs):
        kwargs["data-policy-values"] = json.dumps({
            key: {"choices": [(choice.code, gettext(choice.label)) for choice in known.choices],
                  "hint": _value_hint(known)} for key, known in POLICIES.items()})
        return super().__call__(field, **kwargs)


def _accepted_values() -> str:
    """The add form's help without script: what the value of each policy may be."""
    return "; ".join(f"{gettext(known.label)}: {_value_hint(known)}" for known in POLICIES.values())


class PolicySettingView(ScopedModelView):
    """HR Admin's policy choices (RULES.md "(policy)"), each from a date on; never edited (a new choice is a
    new setting), deleted only while no closed period depends on it. Every change is in the audit log."""

    datamodel = ScopedInterface(PolicySetting)
    class_permission_name = "PolicySetting"
    include_route_methods = {"list", "show", "add", "delete", "action", "action_post"}
    list_title = _l("Policy settings")
    show_title = add_title = _l("Policy setting")
    label_columns = {"key": _l("Policy"), "key_label": _l("Policy"), "value": _l("Value"),
                     "value_label": _l("Value"), "effective_from": _l("In force from"), "reason": _l("Reason")}
    description_columns = {
        "effective_from": _l("The setting applies to the periods that start on or after this date; a closed "
                             "period keeps the policy it was computed with."),
        "reason": _l("E.g. the regent's regulation that decides it."),
    }
    list_columns = ["key_label", "value_label", "effective_from", "reason"]
    show_columns = list_columns
    add_columns = ["key", "value", "effective_from", "reason"]
    search_columns = ["key", "effective_from"]
    order_columns = ["effective_from"]
    base_order = ("effective_from", "desc")
    list_template = "survey/policy_list.html"
    add_template = "survey/policy_add.html"
    add_form_extra_fields = {
        "key": choice_field(_l("Policy"), [(key, _l(known.label)) for key, known in POLICIES.items()]),
        "value": StringField(_l("Value"), description=LazyString(_accepted_values), widget=PolicyValueInput()),
    }
    validators = (check_policy_setting,)
    delete_checks = (check_policy_setting_deletable,)
    save_effects = (follow_saved_setting,)
    delete_effects = (follow_deleted_setting,)

    def render_template(self, template, **kwargs):
        if template == self.list_template:
            kwargs["policies"] = policies_in_force(local_time.today())
        return super().render_template(template, **kwargs)


PAPER_STATUS_LABELS = {survey_paper.ENTER: _l("To enter"), survey_paper.ENTERED: _l("Already entered"),
                       survey_paper.REJECTED: _l("Rejected")}
PAPER_SHOWN_ROWS = 500


def _next_number(number: str) -> str:
    """The number after the one just entered (017 → 018, 2026-041 → 2026-042): forms come in order."""
    head = number.rstrip("0123456789")
    digits = number[len(head):]
    return f"{head}{int(digits) + 1:0{len(digits)}d}" if digits else ""


class PaperSurveyView(BaseView):
    """Paper questionnaires: one screen per form for fast keyboard entry, or a batch from Excel/CSV."""

    route_base = "/paper-survey"
    class_permission_name = "PaperSurvey"
    method_permission_name = {"index": "write", "entry": "write", "upload": "write", "preview": "write",
                              "confirm": "write"}
    default_view = "index"

    def _unit_or_404(self, unit_id):
        try:
            return survey_paper.writable_unit(unit_id)
        except DomainError:
            abort(404)

    @expose("/")
    @has_access
    def index(self):
        return self.render_template("survey/paper_index.html", units=survey_paper.writable_units())

    def _entry_page(self, unit, values, error=None, status=200, saved=None):
        choices = {"education": EDUCATIONS, "occupation": OCCUPATIONS}
        return self.render_template(
            "survey/paper_entry.html", unit=unit, values=values, saved=saved, answer_fields=ANSWER_FIELDS,
            elements=survey.survey_elements(), choices=choices, age_bands=AGE_BANDS,
            error=translated(error) if error else None, error_field=error.field if error else None,
            number_max=PAPER_NUMBER_MAX_LENGTH, service_max=SERVICE_USED_MAX_LENGTH,
            suggestion_max=SUGGESTION_MAX_LENGTH), status

    @expose("/unit/<int:unit_id>", methods=["GET", "POST"])
    @has_access
    def entry(self, unit_id):
        """One paper form per screen; after saving, the screen is empty again with the next number."""
        unit = self._unit_or_404(unit_id)
        if request.method == "GET":
            return self._entry_page(unit, {"date": request.args.get("date", "")})
        values = {key: value for key, value in request.form.items() if key != "csrf_token"}
        try:
            response = survey_paper.enter_paper_form(unit.id, values)
        except DomainError as error:
            return self._entry_page(unit, values, error, 400)
        return self._entry_page(unit, {"number": _next_number(response.paper_number), "date": values.get("date", "")},
                                saved=response)

    @expose("/unit/<int:unit_id>/import", methods=["GET", "POST"])
    @has_access
    def upload(self, unit_id):
        unit = self._unit_or_404(unit_id)
        if request.method == "GET":
            return self.render_template("survey/paper_upload.html", unit=unit)
        upload = request.files.get("file")
        try:
            if upload is None or not upload.filename:
                raise DomainError(N_("Choose a file to upload."), field="file")
            token, _plan = survey_paper.preview_batch(unit.id, upload.stream.read(), upload.filename)
        except DomainError as error:
            flash(translated(error), "danger")
            return self.render_template("survey/paper_upload.html", unit=unit), 400
        return redirect(url_for("PaperSurveyView.preview", token=token))

    @expose("/batch/<token>")
    @has_access
    def preview(self, token):
        plan = self._batch(token)
        return self.render_template(
            "survey/paper_preview.html", plan=plan, token=token, rows=plan.rows[:PAPER_SHOWN_ROWS],
            shown=PAPER_SHOWN_ROWS, status_labels=PAPER_STATUS_LABELS, answer_fields=ANSWER_FIELDS,
            message=lambda row: translated(row.error) if row.error else "")

    @expose("/batch/<token>/confirm", methods=["POST"])
    @has_access
    def confirm(self, token):
        plan = self._batch(token)
        try:
            counts = survey_paper.confirm_batch(token)
        except DomainError as error:
            flash(translated(error), "danger")
            return redirect(url_for("PaperSurveyView.preview", token=token))
        flash(gettext("%(enter)d paper forms entered, %(entered)d already entered, %(rejected)d rejected.",
                      **counts), "success")
        return redirect(url_for("PaperSurveyView.entry", unit_id=plan.unit.id))

    def _batch(self, token):
        try:
            return survey_paper.kept_batch(token)
        except survey_paper.BatchNotFound:
            abort(404)
        except DomainError:
            abort(404)


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
                                    trend_chart=trend_chart, channels=CHANNELS,
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
        *([str(label), report.channels.get(channel, 0)] for channel, label in CHANNELS),
        [gettext("Population"), report.period.population], [gettext("Minimum sample"), report.minimum_sample],
        [gettext("Sample sufficient"), yes_no(report.sample_sufficient)],
        [gettext("IKM (1–4)"), float(figures.result.ikm) if figures.result else None],
        [gettext("IKM value (25–100)"), float(round_half_up(figures.value, 2)) if figures.result else None],
        [gettext("Grade"), f"{figures.grade.letter} {figures.grade.label}" if figures.grade else None],
        [gettext("Weight of each SKM element in the IKM"), report.ikm_weight_label],
        [],
        Bold([gettext("Element"), gettext("Name"), gettext("Respondents"), "NRR", gettext("Value"),
              gettext("Grade")]),
    ] + [[score.element.code, score.element.name, score.respondents, float(round_half_up(score.nrr, 3)),
          float(round_half_up(score.value, 2)), score.grade.letter]
         for score in (figures.result.elements if figures.result else ())]
    # The suggestions are citizens' free text: the writer keeps "=…" and its kin from becoming formulas.
    suggestions = [Bold([gettext("Submitted (UTC)"), gettext("Suggestion")])] + [
        [submitted_at, text] for submitted_at, text in report.suggestions]
    officers = [Bold([gettext("Officer"), gettext("Responses"), "U7", "U6"])] + [
        [officer.name, officer.responses,
         float(round_half_up(officer.behaviour_average, 3)) if officer.behaviour_average else None,
         float(round_half_up(officer.competence_average, 3)) if officer.competence_average else None]
        for officer in report.officers]
    return [Sheet("IKM", summary, widths={"A": 24, "B": 44}), Sheet(gettext("Suggestions"), suggestions),
            Sheet(gettext("Officers"), officers)]


def register_survey_views(appbuilder) -> None:
    """Views and the "Public Service" menu; called from app.views.register_views."""
    menu = {"category": "Public Service", "category_label": _l("Public Service"),
            "category_icon": "fa-square-poll-vertical"}
    appbuilder.add_view(IkmReportView, "IkmReport", label=_l("IKM report"), icon="fa-chart-bar", **menu)
    appbuilder.add_view(SurveyPeriodView, "SurveyPeriod", label=_l("Survey periods"), icon="fa-calendar",
                        **menu)
    appbuilder.add_view(SurveyResponseView, "SurveyResponse", label=_l("Survey responses"),
                        icon="fa-comments", **menu)
    appbuilder.add_view(ImprovementPlanView, "ImprovementPlan", label=_l("Improvement plans"),
                        icon="fa-list-check", **menu)
    appbuilder.add_view(PaperSurveyView, "PaperSurvey", label=_l("Paper questionnaires"), icon="fa-keyboard",
                        **menu)
    appbuilder.add_view(SurveyKioskView, "SurveyKiosk", label=_l("Survey kiosks"), icon="fa-tablet-screen-button",
                        **menu)
    appbuilder.add_view(PolicySettingView, "PolicySetting", label=_l("Policy settings"), icon="fa-sliders",
                        **menu)
