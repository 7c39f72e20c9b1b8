"""Performance evaluation views: the evaluations list, one evaluation's page (realisation, feedback, ratings,
the predikat from the matrix, the workflow buttons, each posting with CSRF to EvaluationView.act), and the
distribution curve page per agency and period (table and server-rendered SVG chart)."""
from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import select

from app.domain.messages import DomainError
from app.domain.predikat import Predikat, Rating
from app.extensions import db
from app.formatting import translated_rule
from app.models import Agency, CoreValue
from app.models.evaluation import EVALUATION_KINDS, OBJECTION_OUTCOMES, Evaluation
from app.models.planning import Period, WorkPlan
from app.security import acts
from app.security.scope import ScopedInterface, current_scope
from app.services import cycle_calendar
from app.services import dialogue as dialogues
from app.services import evaluation as evaluations
from app.services.survey import officer_feedback
from app.views.base import (READ_WRITE_PERMISSIONS, ExcelExport, ScopedModelView, excel_download, format_moment,
                            percent, translated)

CATEGORY = "Performance Evaluation"
EVALUATION_PERMISSIONS = {**READ_WRITE_PERMISSIONS, "act": "write", "new_evaluation": "write"}
SERVICE_ORIENTATION = "BERORIENTASI_PELAYANAN"

LABELS = {
    "employee": _l("Employee"), "evaluator": _l("Evaluator"), "agency": _l("Agency"), "period": _l("Period"),
    "kind_label": _l("Kind"), "window_start": _l("Window from"), "window_end": _l("Window to"),
    "status_label": _l("Status"), "version": _l("Version"), "work_result_rating_label": _l("Work-result rating"),
    "behaviour_rating_label": _l("Behaviour rating"), "predikat_label": _l("Predikat"),
    "objection": _l("Employee's objection"), "finalised_at": _l("Finalised at"),
}
MESSAGES = {
    "submit": _l("The evaluation was submitted to the employee."),
    "acknowledge": _l("You acknowledged the evaluation."),
    "finalise": _l("The evaluation is final."),
    "correct": _l("A correction was created as a new version."),
    "rate": _l("The ratings were saved."),
    "realisation": _l("The realisation was saved."),
    "feedback": _l("The feedback was saved."),
    "decide_objection": _l("The decision on the objection was recorded; the result is final."),
}


class EvaluationView(ExcelExport, ScopedModelView):
    datamodel = ScopedInterface(Evaluation)
    class_permission_name = "Evaluation"
    method_permission_name = EVALUATION_PERMISSIONS
    include_route_methods = {"list", "show", "act", "new_evaluation"}
    list_title = _l("Evaluations")
    show_title = _l("Evaluation")
    label_columns = LABELS
    list_columns = ["employee", "kind_label", "window_start", "window_end", "version", "status_label",
                    "predikat_label"]
    search_columns = ["status", "kind", "version"]
    base_order = ("id", "desc")
    list_template = "evaluation/list.html"
    formatters_columns = {"finalised_at": format_moment}

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        evaluation = self.datamodel.get(pk)
        if evaluation is None:
            abort(404)
        values = db.session.scalars(select(CoreValue).order_by(CoreValue.order)).all()
        service_feedback = officer_feedback(evaluation.employee_id, evaluation.window_start, evaluation.window_end)
        return self.render_template(
            "evaluation/show.html", evaluation=evaluation, steps=evaluations.available_transitions(evaluation),
            suggestion=evaluations.suggested_rating(evaluation), core_values=values, ratings=list(Rating),
            achievement_of=evaluations.realisation_achievement, score_of=evaluations.realisation_numeric_score,
            credit=evaluations.credit_points(evaluation), history=evaluations.history(evaluation.employee_id),
            percent=percent, format_moment=format_moment,
            service_orientation=SERVICE_ORIENTATION, service_feedback=service_feedback,
            dialogue_feedback=dialogues.window_feedback(
                evaluation.employee_id, [result.id for result in evaluation.work_plan.results],
                evaluation.window_start, evaluation.window_end),
            window_dialogues=dialogues.window_dialogues(evaluation.employee_id, evaluation.window_start,
                                                        evaluation.window_end),
            objection_due=cycle_calendar.objection_decision_due_on(evaluation) if evaluation.objection_pending
            else None, outcomes=OBJECTION_OUTCOMES,
            may_edit=evaluation.status == "draft" and "submit" in evaluations.available_transitions(evaluation))

    @expose("/act/<int:pk>", methods=["POST"])
    @has_access
    def act(self, pk):
        evaluation = self.datamodel.get(pk)
        if evaluation is None:
            abort(404)
        name = request.form.get("name", "")
        try:
            evaluation, warnings = evaluations.act_as_asked(evaluation, name, request.form)
            flash(str(MESSAGES[name]), "info")
            for warning in warnings:
                flash(gettext("Distribution curve: %(warning)s", warning=translated_rule(warning)), "warning")
        except DomainError as error:
            flash(translated(error), "danger")
        return redirect(url_for("EvaluationView.show", pk=evaluation.id))

    @expose("/new", methods=["GET", "POST"])
    @has_access
    def new_evaluation(self):
        """The evaluator picks an approved SKP of a subordinate and a window."""
        me = current_scope().employee_id
        plans = list(db.session.scalars(select(WorkPlan).where(
            WorkPlan.evaluator_id == me, WorkPlan.status == "approved").order_by(WorkPlan.id.desc()))) if me else []
        if request.method == "POST":
            try:
                evaluation = evaluations.create_as_asked(request.form)
                return redirect(url_for("EvaluationView.show", pk=evaluation.id))
            except DomainError as error:
                flash(translated(error), "danger")
        return self.render_template("evaluation/new.html", plans=plans, kinds=EVALUATION_KINDS), (
            400 if request.method == "POST" else 200)


def distribution_agencies() -> list[Agency]:
    """Agencies whose curve the user may see: the cascade's agencies (scope plus own agency), kept only where
    the user is HR, manages or leads the agency, or evaluates in it."""
    agencies = db.session.scalars(acts.cascade_agencies().order_by(Agency.name))
    return [agency for agency in agencies if acts.may_see_distribution(agency)]


FOLLOW_UP_TITLES = {
    "award_candidates": _l("Sangat Baik: award candidates"),
    "needs_development": _l("Butuh Perbaikan or below: development or coaching needed"),
}


def bar_chart(distribution) -> list[dict]:
    """Bars of the SVG chart: one per predikat, height proportional to its share."""
    return [{"label": predikat.label, "count": distribution.counts.get(predikat, 0),
             "share": float(distribution.shares[predikat]) * 100} for predikat in Predikat]


class DistributionView(BaseView):
    """The live distribution of predikat per agency and period against the organisation's curve."""

    route_base = "/distribution"
    class_permission_name = "Evaluation"
    method_permission_name = {"index": "read", "decide": "write", "follow_up": "read"}
    default_view = "index"

    def _chosen(self, source):
        agencies = distribution_agencies()
        periods = list(db.session.scalars(select(Period).order_by(Period.year.desc())))
        agency = next((a for a in agencies if str(a.id) == source.get("agency")), agencies[0] if agencies else None)
        period = next((p for p in periods if str(p.id) == source.get("period")),
                      next((p for p in periods if p.status != "closed"), periods[0] if periods else None))
        return agencies, periods, agency, period

    @expose("/")
    @has_access
    def index(self):
        agencies, periods, agency, period = self._chosen(request.args)
        distribution = evaluations.distribution(agency, period) if agency and period else None
        return self.render_template("evaluation/distribution.html", agencies=agencies, periods=periods,
                                    agency=agency, period=period, distribution=distribution,
                                    bars=bar_chart(distribution) if distribution else [],
                                    hr_admin=acts.is_hr_administrator())

    @expose("/follow-up/<group>")
    @has_access
    def follow_up(self, group):
        """HR Admin's lists per agency and period (award candidates; development needed), page or Excel."""
        if group not in evaluations.FOLLOW_UP_GROUPS:
            abort(404)
        _agencies, _periods, agency, period = self._chosen(request.args)
        if agency is None or period is None:
            abort(404)  # no agency whose curve the user may see (an employee), or no period yet
        rows = evaluations.follow_up_list(agency.id, period.id, group)
        title = str(FOLLOW_UP_TITLES[group])
        if request.args.get("format") == "xlsx":
            return excel_download(f"{group}-{agency.code}-{period.year}.xlsx", gettext("Follow-up"),
                                  [gettext("Name"), gettext("NIP"), gettext("Predikat"), gettext("Status")],
                                  ((e.employee.name, e.employee.nip, e.predikat_label, str(e.status_label))
                                   for e in rows))
        return self.render_template("evaluation/follow_up.html", rows=rows, title=title, group=group,
                                    agency=agency, period=period)

    @expose("/decide", methods=["POST"])
    @has_access
    def decide(self):
        _agencies, _periods, agency, period = self._chosen(request.form)
        if agency is None or period is None:
            abort(404)
        try:
            if request.form.get("name") == "override":
                evaluations.record_override(agency, period, request.form.get("reason", ""))
                flash(gettext("The override was recorded."), "info")
            else:
                changed = evaluations.finalise_agency_period(agency, period)
                flash(gettext("%(num)d evaluations became final.", num=changed), "info")
        except DomainError as error:
            flash(translated_rule(error), "danger")
        return redirect(url_for("DistributionView.index", agency=agency.id, period=period.id))


def register_evaluation_views(appbuilder) -> None:
    menu = {"category": CATEGORY, "category_label": _l("Performance Evaluation"), "category_icon": "fa-star-half-alt"}
    appbuilder.add_view(EvaluationView, "Evaluation", label=_l("Evaluations"), icon="fa-clipboard-check", **menu)
    appbuilder.add_view(DistributionView, "Distribution", label=_l("Distribution curve"), icon="fa-chart-bar",
                        **menu)
