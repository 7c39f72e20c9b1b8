"""Performance planning views: periods, agency indicators with realisation and predikat, work plans (SKP)
with their results, indicators and expectations, the SKP workflow buttons, and the cascade page."""
from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.fields import QuerySelectField
from flask_appbuilder.fieldwidgets import Select2Widget
from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import select
from wtforms import SelectField

from app.domain.distribution import OrganizationPredikat
from app.domain.messages import DomainError
from app.extensions import db
from app.models import Agency, Employee
from app.models.planning import (
    ASPECTS,
    DIRECTIONS,
    EVALUATION_WINDOWS,
    PERIOD_STATUSES,
    PERSPECTIVES,
    PLAN_STATUSES,
    QUARTERS,
    RESULT_GROUPS,
    AgencyPeriodSetting,
    BehaviourExpectation,
    IndicatorRealisation,
    OrganizationIndicator,
    OrganizationRating,
    Period,
    ResultIndicator,
    WorkPlan,
    WorkResult,
)
from app.parsing import parse_whole_number
from app.security import acts
from app.security.scope import ScopedInterface, current_scope
from app.services import activity as activities
from app.services import planning
from app.security.writes import PLAN_PERMISSIONS, WrittenByTheirPeople
from app.views.base import (
    ScopedModelView,
    choice_field,
    format_moment,
    percent,
    text_or_dash,
    translated,
)

CATEGORY = "Performance Planning"

LABELS = {
    "year": _l("Year"), "name": _l("Name"), "start_date": _l("Start"), "end_date": _l("End"),
    "status": _l("Status"), "status_label": _l("Status"), "agency": _l("Agency"), "period": _l("Period"),
    "evaluation_window": _l("Evaluation window"), "evaluation_window_label": _l("Evaluation window"),
    "unit_of_measure": _l("Unit of measure"), "direction": _l("Direction"), "direction_label": _l("Direction"),
    "baseline": _l("Baseline"), "target": _l("Yearly target"), "range_low": _l("Target range from"),
    "range_high": _l("Target range to"), "achievement_q1": _l("Achievement Q I"),
    "achievement_q2": _l("Achievement Q II"), "achievement_q3": _l("Achievement Q III"),
    "achievement_q4": _l("Achievement Q IV"), "year_achievement": _l("Achievement of the year"),
    "indicator": _l("Indicator"), "quarter": _l("Quarter"), "value": _l("Realisation"),
    "achievement": _l("Achievement"), "evidence_link": _l("Evidence (link)"), "note": _l("Note"),
    "predikat": _l("Organisation predikat"), "predikat_label": _l("Organisation predikat"),
    "recorded_by": _l("Recorded by"), "employee": _l("Employee"), "evaluator": _l("Evaluator"),
    "position": _l("Position"), "approach": _l("Approach"), "approach_label": _l("Approach"),
    "version": _l("Version"), "return_note": _l("Return note"), "submitted_at": _l("Submitted at"),
    "approved_at": _l("Approved at"), "evaluator_change_reason": _l("Reason for the evaluator change"),
    "resource_support": _l("Resource support (Dukungan Sumber Daya)"),
    "accountability_scheme": _l("Accountability scheme (Skema Pertanggungjawaban)"),
    "consequences": _l("Consequences (Konsekuensi)"), "work_plan": _l("SKP"), "group": _l("Group"),
    "group_label": _l("Group"), "order": _l("Order"), "description": _l("Description"),
    "supported_result": _l("Superior's RHK supported"), "organization_indicator": _l("Agency indicator"),
    "work_result": _l("Result (RHK)"), "aspect": _l("Aspect / perspective"),
    "aspect_label": _l("Aspect / perspective"), "target_value": _l("Target"),
    "target_high": _l("Target range to"), "target_unit": _l("Unit of measure"), "target_text": _l("Target (text)"),
    "target_display": _l("Target"), "core_value": _l("Core value"),
    "leader_expectation": _l("Leader's special expectation"),
}
PERCENT_COLUMNS = ("achievement_q1", "achievement_q2", "achievement_q3", "achievement_q4", "year_achievement",
                   "achievement")


class PlanningModelView(WrittenByTheirPeople, ScopedModelView):
    label_columns = LABELS
    formatters_columns = {name: percent for name in PERCENT_COLUMNS}


def int_choice_field(label, choices):
    return SelectField(label, choices=[(code, text) for code, text in choices], coerce=int,
                       widget=Select2Widget())


class PeriodView(PlanningModelView):
    datamodel = ScopedInterface(Period)
    class_permission_name = "Period"
    list_title = _l("Periods")
    show_title = add_title = edit_title = _l("Period")
    list_columns = ["year", "name", "start_date", "end_date", "status_label"]
    add_columns = edit_columns = show_columns = ["year", "name", "start_date", "end_date", "status"]
    search_columns = ["year", "name", "status"]
    base_order = ("year", "desc")
    add_form_extra_fields = edit_form_extra_fields = {"status": choice_field(_l("Status"), PERIOD_STATUSES)}
    validators = (planning.check_period,)


class AgencyPeriodSettingView(ScopedModelView):
    datamodel = ScopedInterface(AgencyPeriodSetting)
    class_permission_name = "OrganizationIndicator"
    list_title = _l("Evaluation windows")
    show_title = add_title = edit_title = _l("Evaluation window")
    label_columns = LABELS
    list_columns = ["agency", "period", "evaluation_window_label"]
    add_columns = edit_columns = show_columns = ["agency", "period", "evaluation_window"]
    search_columns = ["period", "evaluation_window"]
    add_form_extra_fields = edit_form_extra_fields = {
        "evaluation_window": choice_field(_l("Evaluation window"), EVALUATION_WINDOWS)}


class IndicatorRealisationView(PlanningModelView):
    datamodel = ScopedInterface(IndicatorRealisation)
    class_permission_name = "OrganizationIndicator"
    list_title = _l("Quarterly realisation")
    show_title = add_title = edit_title = _l("Realisation")
    list_columns = ["indicator", "quarter", "value", "achievement", "evidence_link"]
    add_columns = edit_columns = ["indicator", "quarter", "value", "evidence_link", "note"]
    show_columns = list_columns + ["note"]
    search_columns = ["quarter"]
    add_form_extra_fields = edit_form_extra_fields = {"quarter": int_choice_field(_l("Quarter"), QUARTERS)}
    validators = (planning.check_realisation,)


class OrganizationIndicatorView(PlanningModelView):
    datamodel = ScopedInterface(OrganizationIndicator)
    class_permission_name = "OrganizationIndicator"
    list_title = _l("Agency indicators (IKU)")
    show_title = add_title = edit_title = _l("Agency indicator (IKU)")
    list_columns = ["name", "agency", "period", "unit_of_measure", "direction_label", "target",
                    "achievement_q1", "achievement_q2", "achievement_q3", "achievement_q4", "year_achievement"]
    add_columns = edit_columns = ["agency", "period", "name", "unit_of_measure", "direction", "baseline", "target",
                                  "range_low", "range_high"]
    show_columns = ["agency", "period", "name", "unit_of_measure", "direction_label", "baseline", "target",
                    "range_low", "range_high", "achievement_q1", "achievement_q2", "achievement_q3",
                    "achievement_q4", "year_achievement"]
    search_columns = ["name", "agency", "period"]
    description_columns = {
        "year_achievement": _l("The achievement of the latest reported quarter."),
        "name": _l("An agency performance indicator (IKU), e.g. \"School participation rate (%)\"."),
        "direction": _l("Higher is better (e.g. participation rate) or lower is better (e.g. stunting rate)."),
        "baseline": _l("The value reached before this period, for comparison."),
        "target": _l("The value planned for the end of the year, in the unit of measure."),
    }
    add_form_extra_fields = edit_form_extra_fields = {"direction": choice_field(_l("Direction"), DIRECTIONS)}
    related_views = [IndicatorRealisationView]
    show_template = "appbuilder/general/model/show_cascade.html"
    validators = (planning.check_organization_indicator,)


class OrganizationRatingView(PlanningModelView):
    datamodel = ScopedInterface(OrganizationRating)
    class_permission_name = "OrganizationRating"
    list_title = _l("Organisation predikat")
    show_title = add_title = edit_title = _l("Organisation predikat")
    list_columns = ["agency", "period", "predikat_label", "recorded_by"]
    add_columns = edit_columns = ["agency", "period", "predikat", "note"]
    show_columns = ["agency", "period", "predikat_label", "note", "recorded_by"]
    search_columns = ["agency", "period"]
    add_form_extra_fields = edit_form_extra_fields = {
        "predikat": int_choice_field(_l("Organisation predikat"),
                                     [(int(p), p.label) for p in OrganizationPredikat])}
    validators = (planning.check_organization_rating,)


def _plan_of_form() -> WorkPlan | None:
    """The SKP a result form is about: from the edited row, the related-view link or the posted form."""
    scoped = ScopedInterface(WorkPlan)
    if request.view_args and request.view_args.get("pk") and request.endpoint.startswith("WorkResultView"):
        result = ScopedInterface(WorkResult).get(request.view_args["pk"])
        return result.work_plan if result else None
    plan_id = parse_whole_number(request.form.get("work_plan") or request.args.get("_flt_0_work_plan"))
    return scoped.get(plan_id) if plan_id is not None else None


def _plan_choice(label, options):
    return QuerySelectField(label, query_func=lambda: options(_plan_of_form()), get_pk_func=lambda row: str(row.id),
                            allow_blank=True, widget=Select2Widget())


class ResultIndicatorView(PlanningModelView):
    datamodel = ScopedInterface(ResultIndicator)
    class_permission_name = "WorkPlan"
    list_title = _l("Indicators (IKI)")
    show_title = add_title = edit_title = _l("Indicator (IKI)")
    list_columns = ["work_result", "aspect_label", "description", "target_display", "direction_label"]
    add_columns = ["work_result", "aspect", "description", "target_value", "target_high", "target_unit",
                   "target_text", "direction"]
    edit_columns = add_columns[1:]  # an IKI stays with its RHK (planning.check_indicator), as in the REST API
    show_columns = list_columns
    search_columns = ["description"]
    description_columns = {
        "work_result": _l("The RHK (Rencana Hasil Kerja) this indicator measures."),
        "aspect": _l("Quantitative SKP: the aspect measured — quantity, quality, time or cost (kuantitas, kualitas, "
                     "waktu, biaya). Qualitative SKP (JPT): the perspective — service recipients, business "
                     "process, internal strengthening or budget."),
        "description": _l("An IKI (Indikator Kinerja Individu) is a measurable sign that the RHK is achieved, "
                          "e.g. \"Number of school data reports verified\"."),
        "target_value": _l("Greater than zero; with 'Target range to' it is the lower end of a range."),
        "target_unit": _l("The unit the target is counted in, e.g. report, document, %, day."),
        "target_text": _l("For a qualitative SKP the target may be a text instead of a value."),
        "direction": _l("Higher is better (e.g. reports finished) or lower is better (e.g. days to serve)."),
    }
    add_form_extra_fields = edit_form_extra_fields = {
        "aspect": choice_field(_l("Aspect / perspective"), ASPECTS + PERSPECTIVES),
        "direction": choice_field(_l("Direction"), DIRECTIONS),
    }
    validators = (planning.check_indicator,)
    delete_checks = (planning.check_indicator_deletable,)


class WorkResultView(PlanningModelView):
    datamodel = ScopedInterface(WorkResult)
    class_permission_name = "WorkPlan"
    list_title = _l("Results (RHK)")
    show_title = add_title = edit_title = _l("Result (RHK)")
    list_columns = ["order", "group_label", "description", "supported_result", "organization_indicator"]
    add_columns = ["work_plan", "group", "order", "description", "supported_result", "organization_indicator"]
    edit_columns = add_columns[1:]  # an RHK stays in its SKP (planning.check_result), as in the REST API
    show_columns = ["work_plan", "group_label", "order", "description", "supported_result",
                    "organization_indicator"]
    search_columns = ["description", "group"]
    base_order = ("order", "asc")
    description_columns = {
        "description": _l("An RHK (Rencana Hasil Kerja) is a result you plan to deliver this period, "
                          "e.g. \"Verified school data of the district available on time\"."),
        "group": _l("Main (Utama): results of your position that support your evaluator's RHK. "
                    "Additional (Tambahan): other results you take on."),
        "supported_result": _l("Main results support one approved RHK of your evaluator for the same period."),
        "organization_indicator": _l("Only for the head of the agency: the agency indicator this result serves."),
    }
    add_form_extra_fields = edit_form_extra_fields = {
        "group": choice_field(_l("Group"), RESULT_GROUPS),
        "supported_result": _plan_choice(_l("Superior's RHK supported"), planning.supportable_results),
        "organization_indicator": _plan_choice(_l("Agency indicator"), planning.linkable_indicators),
    }
    related_views = [ResultIndicatorView]
    show_template = "appbuilder/general/model/show_cascade.html"
    validators = (planning.check_result,)
    delete_checks = (planning.check_result_deletable,)


class BehaviourExpectationView(PlanningModelView):
    datamodel = ScopedInterface(BehaviourExpectation)
    class_permission_name = "WorkPlan"
    include_route_methods = {"list", "show", "edit"}
    list_title = _l("Behaviour expectations")
    show_title = edit_title = _l("Behaviour expectation")
    list_columns = ["core_value", "leader_expectation"]
    edit_columns = ["leader_expectation"]
    show_columns = ["work_plan", "core_value", "leader_expectation"]
    search_columns = ["leader_expectation"]
    validators = (planning.check_expectation,)


TRANSITIONS = {
    "submit": (planning.submit, _l("The SKP was submitted to the evaluator.")),
    "approve": (planning.approve, _l("The SKP was approved.")),
    "revise": (planning.revise, _l("A new version was created as a draft.")),
}


def _plan_tree(plan: WorkPlan) -> list[tuple[WorkResult, list[tuple[ResultIndicator, object]]]]:
    """The SKP as its page shows it: each RHK with its IKI, and for the quantity IKI the volume of approved
    activities in the period so far (the realisation the activities report; the evaluation settles the rest)."""
    counted = {activities.quantity_indicator(result).id: result for result in plan.results
               if activities.quantity_indicator(result) is not None}
    realised = activities.approved_volume(list(counted), plan.period.start_date, plan.period.end_date)
    return [(result, [(indicator, realised.get(indicator.id, 0) if indicator.id in counted else None)
                      for indicator in result.indicators]) for result in plan.results]


class WorkPlanView(PlanningModelView):
    datamodel = ScopedInterface(WorkPlan)
    class_permission_name = "WorkPlan"
    method_permission_name = PLAN_PERMISSIONS
    include_route_methods = {"list", "show", "edit", "transition", "new_plan"}
    list_title = _l("Work plans (SKP)")
    show_title = edit_title = _l("Work plan (SKP)")
    list_columns = ["period", "employee", "version", "status_label", "evaluator", "approach_label"]
    show_columns = ["period", "employee", "position", "evaluator", "approach_label", "version", "status_label",
                    "return_note", "submitted_at", "approved_at", "evaluator_change_reason",
                    "resource_support", "accountability_scheme", "consequences"]
    edit_columns = ["resource_support", "accountability_scheme", "consequences"]
    search_columns = ["period", "status", "version"]
    # The home page's "SKPs awaiting my approval" filters by status: the filter shows "Diajukan".
    search_form_extra_fields = {"status": choice_field(_l("Status"), PLAN_STATUSES)}
    base_order = ("id", "desc")
    related_views = [WorkResultView, BehaviourExpectationView]
    show_template = "planning/workplan_show.html"
    formatters_columns = {"submitted_at": format_moment, "approved_at": format_moment,
                          **{name: text_or_dash for name in ("return_note", "evaluator_change_reason",
                                                             "resource_support", "accountability_scheme",
                                                             "consequences")}}
    list_template = "planning/workplan_list.html"
    validators = (planning.ensure_may_edit,)

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        plan = self.datamodel.get(pk)
        g.plan_transitions = planning.available_transitions(plan) if plan is not None else []
        g.plan_tree = _plan_tree(plan) if plan is not None else []
        return super().show(pk)

    @expose("/transition/<int:pk>", methods=["POST"])
    @has_access
    def transition(self, pk):
        plan = self.datamodel.get(pk)
        if plan is None:
            abort(404)
        name = request.form.get("name", "")
        try:
            if name == "return":
                plan = planning.return_plan(plan, request.form.get("note", ""))
                flash(gettext("The SKP was returned to the employee."), "info")
            elif name == "change_evaluator":
                evaluator_id = parse_whole_number(request.form.get("evaluator"))
                evaluator = ScopedInterface(Employee).get(evaluator_id) if evaluator_id is not None else None
                if evaluator is None:
                    raise DomainError(planning.N_("Choose the new evaluator."), field="evaluator")
                plan = planning.change_evaluator(plan, evaluator, request.form.get("reason", ""))
                flash(gettext("The evaluator was changed."), "info")
            elif name in TRANSITIONS:
                service, message = TRANSITIONS[name]
                plan = service(plan)
                flash(str(message), "info")
            else:
                flash(gettext("Unknown action."), "danger")
        except DomainError as error:
            flash(translated(error), "danger")
        return redirect(url_for("WorkPlanView.show", pk=plan.id))

    @expose("/new", methods=["GET", "POST"])
    @has_access
    def new_plan(self):
        employee = current_scope().employee_id and db.session.get(Employee, current_scope().employee_id)
        periods = list(db.session.scalars(select(Period).where(Period.status.in_(planning.OPEN_PERIOD_STATUSES))
                                          .order_by(Period.year.desc())))
        if request.method == "POST" and employee:
            period = next((p for p in periods if str(p.id) == request.form.get("period")), None)
            try:
                if period is None:
                    raise DomainError(planning.N_("Choose an open period."))
                create = planning.copy_previous_year if request.form.get("copy") else planning.create_draft
                plan = create(employee, period)
                flash(gettext("Your draft SKP was created."), "info")
                return redirect(url_for("WorkPlanView.show", pk=plan.id))
            except DomainError as error:
                flash(translated(error), "danger")
        return self.render_template("planning/new_plan.html", periods=periods, employee=employee)


class CascadeView(BaseView):
    """The cascade of results from each agency indicator down to staff, with the gaps highlighted."""

    route_base = "/cascade"
    class_permission_name = "Cascade"
    method_permission_name = {"index": "read"}
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        agencies = list(db.session.scalars(acts.cascade_agencies().order_by(Agency.name)))
        periods = list(db.session.scalars(select(Period).order_by(Period.year.desc())))
        agency = next((a for a in agencies if str(a.id) == request.args.get("agency")), agencies[0] if agencies
                      else None)
        period = next((p for p in periods if str(p.id) == request.args.get("period")),
                      next((p for p in periods if p.status != "closed"), periods[0] if periods else None))
        tree = planning.cascade(agency, period) if agency and period else None
        return self.render_template("planning/cascade.html", agencies=agencies, periods=periods, agency=agency,
                                    period=period, tree=tree)


def register_planning_views(appbuilder) -> None:
    menu = {"category": CATEGORY, "category_label": _l("Performance Planning"), "category_icon": "fa-bullseye"}
    appbuilder.add_view(PeriodView, "Period", label=_l("Periods"), icon="fa-calendar", **menu)
    appbuilder.add_view(OrganizationIndicatorView, "OrganizationIndicator", label=_l("Agency indicators (IKU)"),
                        icon="fa-chart-line", **menu)
    appbuilder.add_view(OrganizationRatingView, "OrganizationRating", label=_l("Organisation predikat"),
                        icon="fa-award", **menu)
    appbuilder.add_view(AgencyPeriodSettingView, "AgencyPeriodSetting", label=_l("Evaluation windows"),
                        icon="fa-clock", **menu)
    appbuilder.add_view(WorkPlanView, "WorkPlan", label=_l("Work plans (SKP)"), icon="fa-list-check", **menu)
    appbuilder.add_view(CascadeView, "Cascade", label=_l("Cascade of results"), icon="fa-sitemap", **menu)
    for view in (IndicatorRealisationView, WorkResultView, ResultIndicatorView, BehaviourExpectationView):
        appbuilder.add_view_no_menu(view)
