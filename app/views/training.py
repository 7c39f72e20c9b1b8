"""Competency development views: programmes (HR Admin), participation, the employee's own history and
requests, the evaluator's request queue, 20 JP compliance (page and Excel), training needs and the effect
of a programme (table and server-rendered SVG chart)."""
import datetime as dt

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext, lazy_gettext as _l

from app.domain.ikm import SURVEY_ELEMENTS
from app.domain.messages import N_, DomainError
from app.domain.training import REQUIRED_JP_PER_YEAR
from app.extensions import db
from app.models import Employee
from app.models.training import PARTICIPATION_STATUSES, TrainingParticipation, TrainingProgramme, TrainingRequest
from app.parsing import parse_whole_number
from app.security.scope import ScopedInterface, current_scope, scoped_select
from app.services import training
from app.services.activity import today
from app.views.base import ScopedModelView, choice_field, decimal, excel_download, percent, translated

CATEGORY = "Competency Development"
LABELS = {
    "code": _l("Code"), "name": _l("Name"), "kind": _l("Kind"), "organiser": _l("Organiser"),
    "start_date": _l("Start"), "end_date": _l("End"), "jp": _l("JP"), "competency_area": _l("Competency area"),
    "survey_element_code": _l("SKM element it improves"), "quota": _l("Quota"),
    "target_agencies": _l("Target agencies (empty: all)"), "classical_label": _l("Classical"),
    "programme": _l("Programme"), "employee": _l("Employee"), "agency": _l("Agency"), "status_label": _l("Status"),
    "completed_on": _l("Completed on"), "jp_earned": _l("JP earned"), "minutes": _l("Duration (minutes)"),
    "certificate_number": _l("Certificate number"),
    "certificate_file": _l("Certificate file"), "pre_score": _l("Pre-assessment"), "post_score": _l("Post-assessment"),
}
ELEMENT_CHOICES = [("", "–")] + [(element.code, f"{element.code} {element.name}") for element in SURVEY_ELEMENTS]


def _date(value):
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        raise DomainError(N_("Give the date as YYYY-MM-DD"), field="completed_on") from None


def _year(value) -> int:
    year = parse_whole_number(value)
    return year if year is not None and 2000 <= year <= 2100 else today().year


class TrainingProgrammeView(ScopedModelView):
    """Programmes are reference data: everyone reads them, HR Admin writes (ensure_writable)."""

    datamodel = ScopedInterface(TrainingProgramme)
    class_permission_name = "TrainingProgramme"
    list_title = _l("Training programmes")
    show_title = add_title = edit_title = _l("Training programme")
    label_columns = LABELS
    list_columns = ["start_date", "name", "kind", "classical_label", "jp", "organiser", "quota"]
    add_columns = edit_columns = ["code", "name", "kind", "organiser", "start_date", "end_date", "jp",
                                  "competency_area", "survey_element_code", "quota", "target_agencies"]
    show_columns = add_columns
    search_columns = ["name", "code", "organiser", "start_date"]
    base_order = ("start_date", "desc")
    add_form_extra_fields = edit_form_extra_fields = {
        "survey_element_code": choice_field(_l("SKM element it improves"), ELEMENT_CHOICES)}
    validators = (training.check_programme,)

    def pre_add(self, item):
        item.survey_element_code = item.survey_element_code or None
        super().pre_add(item)

    def pre_update(self, item):
        item.survey_element_code = item.survey_element_code or None
        super().pre_update(item)


class TrainingParticipationView(ScopedModelView):
    """Participation as each user may see it; recorded on the programme's page (TrainingView.programme)."""

    datamodel = ScopedInterface(TrainingParticipation)
    class_permission_name = "TrainingParticipation"
    include_route_methods = {"list", "show"}
    list_title = _l("Training participation")
    show_title = _l("Training participation")
    label_columns = LABELS
    list_columns = ["employee", "programme", "status_label", "completed_on", "jp_earned", "certificate_number"]
    show_columns = ["employee", "agency", "programme", "status_label", "completed_on", "jp_earned", "minutes",
                    "certificate_number", "certificate_file", "pre_score", "post_score"]
    search_columns = ["status", "completed_on", "certificate_number"]
    base_order = ("id", "desc")


class TrainingView(BaseView):
    route_base = "/training"
    class_permission_name = "Training"
    method_permission_name = {"mine": "read", "programme": "read", "compliance": "read", "needs": "read",
                              "effect": "read", "requests": "read", "ask": "write", "decide": "write",
                              "record": "write"}
    default_view = "mine"

    @expose("/")
    @has_access
    def mine(self):
        me = current_scope().employee_id
        employee = db.session.get(Employee, me) if me else None
        year = _year(request.args.get("year"))
        history = training.history(employee, year) if employee else None
        open_programmes = [p for p in training.visible_programmes() if p.end_date >= today()]
        return self.render_template("training/mine.html", history=history, year=year, required=REQUIRED_JP_PER_YEAR,
                                    programmes=training.visible_programmes(), open_programmes=open_programmes,
                                    decimal=decimal)

    def _programme(self, pk):
        programme = db.session.get(TrainingProgramme, pk)
        if programme is None:
            abort(404)
        return programme

    @expose("/programme/<int:pk>")
    @has_access
    def programme(self, pk):
        programme = self._programme(pk)
        participants = db.session.scalars(scoped_select(TrainingParticipation).where(
            TrainingParticipation.programme_id == programme.id).join(Employee).order_by(Employee.name)).all()
        scope = current_scope()
        return self.render_template("training/programme.html", programme=programme, participants=participants,
                                    statuses=PARTICIPATION_STATUSES, decimal=decimal,
                                    may_record=scope.global_access or bool(scope.writable_agency_ids))

    @expose("/programme/<int:pk>/record", methods=["POST"])
    @has_access
    def record(self, pk):
        programme = self._programme(pk)
        form = request.form
        nip = "".join((form.get("nip") or "").split())
        employee = db.session.scalar(scoped_select(Employee).where(Employee.nip == nip)) if nip else None
        try:
            if employee is None:
                raise DomainError(N_("No employee with this NIP in your scope"), field="nip")
            training.record_participation(programme, employee, training.ParticipationInput(
                status=form.get("status", ""), completed_on=_date(form.get("completed_on")),
                jp_earned=form.get("jp_earned") or None, minutes=form.get("minutes") or None,
                certificate_number=form.get("certificate_number"),
                certificate_file=form.get("certificate_file"), pre_score=form.get("pre_score") or None,
                post_score=form.get("post_score") or None))
            flash(gettext("The participation was saved."), "info")
        except DomainError as error:
            flash(translated(error), "danger")
        return redirect(url_for("TrainingView.programme", pk=programme.id))

    @expose("/programme/<int:pk>/request", methods=["POST"])
    @has_access
    def ask(self, pk):
        programme = self._programme(pk)
        try:
            training.request_programme(programme, request.form.get("reason"), today())
            flash(gettext("Your request was sent to your evaluator."), "info")
        except DomainError as error:
            flash(translated(error), "danger")
        return redirect(url_for("TrainingView.mine"))

    @expose("/requests")
    @has_access
    def requests(self):
        return self.render_template("training/requests.html", rows=training.pending_requests())

    @expose("/requests/<int:pk>", methods=["POST"])
    @has_access
    def decide(self, pk):
        row = db.session.scalar(scoped_select(TrainingRequest).where(TrainingRequest.id == pk))
        if row is None:
            abort(404)
        try:
            approve = request.form.get("decision") == "approve"
            training.decide_request(row, approve, request.form.get("note"))
            flash(gettext("The request was approved.") if approve else gettext("The request was rejected."), "info")
        except DomainError as error:
            flash(translated(error), "danger")
        return redirect(url_for("TrainingView.requests"))

    @expose("/compliance")
    @has_access
    def compliance(self):
        year = _year(request.args.get("year"))
        agency = request.args.get("agency", "")
        rows = training.compliance(year, parse_whole_number(agency))
        if request.args.get("format") == "xlsx":
            return excel_download(
                f"jp-compliance-{year}.xlsx", gettext("Below 20 JP"),
                [gettext("Agency"), gettext("Unit"), gettext("NIP"), gettext("Name"), gettext("JP this year"),
                 gettext("JP missing")],
                ((row.agency.name, below.employee.unit.name if below.employee.unit else "", below.employee.nip,
                  below.employee.name, float(below.jp), float(below.missing))
                 for row in rows for below in row.below))
        return self.render_template("training/compliance.html", rows=rows, year=year, agency=agency,
                                    required=REQUIRED_JP_PER_YEAR, minutes_per_jp=training.minutes_per_jp(year),
                                    percent=percent, decimal=decimal)

    @expose("/needs")
    @has_access
    def needs(self):
        year = _year(request.args.get("year"))
        return self.render_template("training/needs.html", year=year, employees=training.employee_needs(year),
                                    units=training.unit_needs(today()), decimal=decimal)

    @expose("/programme/<int:pk>/effect")
    @has_access
    def effect(self, pk):
        result = training.effect(self._programme(pk))
        bars = [{"label": f"{row.unit.name} · {row.element_code}", "before": float(row.before or 0),
                 "after": float(row.after or 0)} for row in result.units]
        return self.render_template("training/effect.html", effect=result, bars=bars, decimal=decimal)


def register_training_views(appbuilder) -> None:
    menu = {"category": CATEGORY, "category_label": _l("Competency Development"), "category_icon": "fa-graduation-cap"}
    appbuilder.add_view(TrainingView, "My training", label=_l("My training"), icon="fa-user-graduate", **menu)
    appbuilder.add_link("Training requests", label=_l("Training requests"), href="/training/requests",
                        icon="fa-inbox", **menu)
    appbuilder.add_link("JP compliance", label=_l("20 JP compliance"), href="/training/compliance",
                        icon="fa-check-double", **menu)
    appbuilder.add_link("Training needs", label=_l("Training needs"), href="/training/needs",
                        icon="fa-lightbulb", **menu)
    appbuilder.add_view(TrainingProgrammeView, "TrainingProgramme", label=_l("Training programmes"),
                        icon="fa-chalkboard-teacher", **menu)
    appbuilder.add_view(TrainingParticipationView, "TrainingParticipation", label=_l("Participation"),
                        icon="fa-list-check", **menu)
