"""Recognition views: award types and disciplinary records (model views), candidates from evidence with a
nominate button, nominations and their workflow (approve, award with decree, reject), the award page with
its certificate links, and the in-app recognition wall per agency."""
import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import select

from app.domain.awards import SanctionLevel
from app.domain.messages import N_, DomainError
from app.extensions import db
from app.models import Agency, Employee
from app.models.recognition import (AWARD_CATEGORIES, NOMINATION_STATUSES, SANCTION_LEVELS, AwardType,
                                    DisciplinarySanction, Nomination)
from app.parsing import parse_whole_number, parse_year
from app.security import acts
from app.security.guards import ensure_writable, refusal_of
from app.security.scope import ScopedInterface, scoped_select
from app.services import recognition
from app.services.activity import today
from app.services.transaction import ConcurrentChange
from app.services.versioning import VersionConflict
from app.views.base import ScopedModelView, choice_field, decimal, translated
from app.views.fields import LookupField
from app.views.versioning import VERSION_FIELD, conflict_messages

CATEGORY = "Recognition"
MESSAGES = {"approve": _l("The nomination was approved."), "award": _l("The award was granted."),
            "reject": _l("The nomination was rejected.")}
# What a decision refused as stale names of the decisions taken meanwhile (app.views.versioning).
DECISION_LABELS = {"status": _l("Status"), "decree_number": _l("Decree number"), "decree_date": _l("Decree"),
                   "note": _l("Note")}
DECISION_CHOICES = {"status": SimpleNamespace(choices=NOMINATION_STATUSES)}  # a status shown by its label


def check_sanction(sanction: DisciplinarySanction) -> None:
    """A sanction names the employee and a level of PP 94/2021; the row takes the employee's agency."""
    if sanction.employee is None:
        raise DomainError(N_("Choose the employee."), field="employee")
    if sanction.level not in {level.value for level in SanctionLevel}:
        raise DomainError(N_("%(value)s is not a valid choice"), field="level", value=sanction.level)
    sanction.agency = sanction.employee.agency


class AwardTypeView(ScopedModelView):
    datamodel = ScopedInterface(AwardType)
    class_permission_name = "AwardType"
    list_title = _l("Award types")
    show_title = add_title = edit_title = _l("Award type")
    label_columns = {"code": _l("Code"), "name": _l("Name"), "category_label": _l("Category"),
                     "category": _l("Category"), "siasn_code": _l("SIASN code"),
                     "service_years": _l("Years of service (Karya Satya)"), "criteria": _l("Criteria")}
    list_columns = ["code", "name", "category_label", "siasn_code"]
    add_columns = edit_columns = show_columns = ["code", "name", "category", "siasn_code", "service_years",
                                                 "criteria"]
    search_columns = ["code", "name", "category"]
    add_form_extra_fields = edit_form_extra_fields = {"category": choice_field(_l("Category"), AWARD_CATEGORIES)}


class DisciplinarySanctionView(ScopedModelView):
    datamodel = ScopedInterface(DisciplinarySanction)
    class_permission_name = "DisciplinarySanction"
    list_title = _l("Disciplinary records")
    show_title = add_title = edit_title = _l("Disciplinary record")
    label_columns = {"employee": _l("Employee"), "agency": _l("Agency"), "level_label": _l("Level"),
                     "level": _l("Level"), "decree_number": _l("Decree number"), "decided_on": _l("Decided on"),
                     "description": _l("Description")}
    list_columns = ["employee", "level_label", "decree_number", "decided_on"]
    add_columns = edit_columns = ["employee", "level", "decree_number", "decided_on", "description"]
    show_columns = ["employee", "agency", "level_label", "decree_number", "decided_on", "description"]
    search_columns = ["level", "decree_number", "decided_on"]
    base_order = ("decided_on", "desc")
    add_form_extra_fields = edit_form_extra_fields = {
        "employee": LookupField(_l("Employee"), model=Employee, lookup="employee"),
        "level": choice_field(_l("Level"), SANCTION_LEVELS)}
    # The employee decides the agency: check_sanction copies it, then the usual scope rule applies.
    scope_check = None
    validators = (check_sanction, ensure_writable)
    delete_checks = (ensure_writable,)


def _agencies() -> list[Agency]:
    return list(db.session.scalars(scoped_select(Agency).order_by(Agency.name)))


def _act(nomination: Nomination, name: str, form) -> None:
    opened = parse_whole_number(form.get(VERSION_FIELD))  # the version the page showed
    if name == "approve":
        recognition.approve(nomination, opened_version=opened)
    elif name == "award":
        try:
            decree_date = dt.date.fromisoformat(form.get("decree_date", "")) if form.get("decree_date") else None
        except ValueError:
            raise DomainError(N_("Give the date as YYYY-MM-DD"), field="decree_date") from None
        recognition.award(nomination, form.get("decree_number"), decree_date, opened_version=opened)
    elif name == "reject":
        recognition.reject(nomination, form.get("note"), opened_version=opened)
    else:
        raise DomainError(N_("Unknown action."))


class RecognitionView(BaseView):
    route_base = "/awards"
    class_permission_name = "Recognition"
    method_permission_name = {"candidates": "read", "nominations": "read", "nomination": "read", "wall": "read",
                              "nominate": "write", "act": "write"}
    default_view = "nominations"

    @expose("/candidates")
    @has_access
    def candidates(self):
        period = request.args.get("period") or str(today().year)
        agency = parse_whole_number(request.args.get("agency"))
        try:
            groups = recognition.candidates(period, today(), agency)
        except DomainError as error:
            flash(translated(error), "danger")
            groups, period = recognition.candidates(str(today().year), today(), agency), str(today().year)
        return self.render_template(
            "recognition/candidates.html", groups=groups, period=period, agency=agency, agencies=_agencies(),
            award_types=db.session.scalars(select(AwardType).order_by(AwardType.name)).all(), decimal=decimal,
            evidence=lambda c: gettext(c.evidence[0], **{name: decimal(value) if isinstance(value, Decimal) else value
                                                         for name, value in c.evidence[1].items()}))

    @expose("/nominate", methods=["POST"])
    @has_access
    def nominate(self):
        form = request.form
        try:
            nomination = recognition.nominate_as_asked(form)
            flash(gettext("The nomination was recorded."), "info")
            return redirect(url_for("RecognitionView.nomination", pk=nomination.id))
        except recognition.RecipientNotFound:
            flash(gettext("No employee with this NIP (or no such unit) among the records you may see."), "danger")
        except DomainError as error:
            flash(translated(error), "danger")
        return redirect(url_for("RecognitionView.candidates", period=form.get("period")))

    @expose("/nominations")
    @has_access
    def nominations(self):
        status = request.args.get("status") or None
        return self.render_template("recognition/nominations.html", rows=recognition.nominations(status),
                                    statuses=NOMINATION_STATUSES, status=status)

    def _nomination(self, pk) -> Nomination:
        nomination = db.session.scalar(scoped_select(Nomination).where(Nomination.id == pk))
        if nomination is None:
            abort(404)
        return nomination

    def _page(self, nomination: Nomination, entries=None, status: int = 200):
        """The nomination with the decisions the user may take on it now; a refused one is named with its reason
        (four eyes). ``entries``: what the person typed, kept when their decision was refused."""
        step = {"nominated": "approve", "approved": "award"}.get(nomination.status)
        refusals = {name: refusal_of(check, nomination) for name, check in
                    (("approve", acts.ensure_may_judge_nomination), ("award", acts.ensure_may_award_nomination))}
        refused = refusals.get(step)
        return self.render_template(
            "recognition/nomination.html", nomination=nomination, may_decide=acts.may_decide_nomination(nomination),
            step=step, may_take_step=step is not None and refused is None, may_reject=refusals["approve"] is None,
            refusal=translated(refused) if refused is not None else None, entries=entries or {}), status

    @expose("/nomination/<int:pk>")
    @has_access
    def nomination(self, pk):
        return self._page(self._nomination(pk))

    @expose("/nomination/<int:pk>/act", methods=["POST"])
    @has_access
    def act(self, pk):
        nomination = self._nomination(pk)
        name = request.form.get("name", "")
        try:
            _act(nomination, name, request.form)
            flash(str(MESSAGES[name]), "info")
        except VersionConflict as conflict:  # decided on a page someone else's decision has made stale
            for line in conflict_messages(conflict, Nomination, DECISION_LABELS, DECISION_CHOICES):
                flash(line, "warning")
            return self._page(self._nomination(pk), entries=request.form, status=409)
        except ConcurrentChange as lost:  # another decision was written at the same moment
            flash(translated(lost), "warning")
            return self._page(self._nomination(pk), status=409)
        except DomainError as error:
            flash(translated(error), "danger")
        return redirect(url_for("RecognitionView.nomination", pk=nomination.id))

    @expose("/wall")
    @has_access
    def wall(self):
        agencies = _agencies()
        agency_id = parse_whole_number(request.args.get("agency"))
        if agency_id is not None and agency_id not in {a.id for a in agencies}:
            abort(404)
        year = parse_year(request.args.get("year")) or today().year
        return self.render_template("recognition/wall.html", wall=recognition.wall(year, agency_id=agency_id),
                                    agencies=agencies, agency_id=agency_id, decimal=decimal)


def register_recognition_views(appbuilder) -> None:
    menu = {"category": CATEGORY, "category_label": _l("Recognition"), "category_icon": "fa-award"}
    appbuilder.add_view(RecognitionView, "Nominations", label=_l("Nominations"), icon="fa-medal", **menu)
    appbuilder.add_link("Award candidates", label=_l("Award candidates"), href="/awards/candidates",
                        icon="fa-user-check", **menu)
    appbuilder.add_link("Recognition wall", label=_l("Recognition wall"), href="/awards/wall",
                        icon="fa-trophy", **menu)
    appbuilder.add_view(AwardTypeView, "AwardType", label=_l("Award types"), icon="fa-certificate", **menu)
    appbuilder.add_view(DisciplinarySanctionView, "DisciplinarySanction", label=_l("Disciplinary records"),
                        icon="fa-gavel", **menu)
