"""Adoption (sosialisasi): outreach events with attendance, and adoption per agency with its trend
and the list of employees who do not use the system yet (Excel for HR follow-up)."""
from flask import abort
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext, lazy_gettext as _l

from app.domain.messages import N_, DomainError
from app.excel import excel_download
from app.extensions import db
from app.models import Agency, Employee
from app.models.activity import OutreachAttendance, OutreachEvent
from app.security.guards import ensure_writable
from app.security.scope import ScopedInterface, scoped_select
from app.services import adoption
from app.services.activity import today
from app.views.base import ScopedModelView
from app.views.fields import LookupField


def check_attendance(attendance: OutreachAttendance) -> None:
    """The attendee belongs to the event's agency; the row takes the event's agency for the scope."""
    if attendance.event is None or attendance.employee is None:
        raise DomainError(N_("Choose the event and the employee."))
    if attendance.employee.agency_id != attendance.event.agency_id:
        raise DomainError(N_("The employee does not belong to the agency of this event."), field="employee")
    attendance.agency = attendance.event.agency


class OutreachAttendanceView(ScopedModelView):
    datamodel = ScopedInterface(OutreachAttendance)
    class_permission_name = "OutreachEvent"
    list_title = _l("Attendance")
    show_title = add_title = edit_title = _l("Attendance")
    label_columns = {"event": _l("Outreach event"), "employee": _l("Employee")}
    list_columns = ["employee"]
    add_columns = edit_columns = show_columns = ["event", "employee"]
    add_form_extra_fields = edit_form_extra_fields = {
        "employee": LookupField(_l("Employee"), model=Employee, lookup="employee")}
    # The event decides the agency: check_attendance copies it, then the usual scope rule applies.
    scope_check = None
    validators = (check_attendance, ensure_writable)
    delete_checks = (ensure_writable,)


class OutreachEventView(ScopedModelView):
    datamodel = ScopedInterface(OutreachEvent)
    class_permission_name = "OutreachEvent"
    list_title = _l("Outreach events (sosialisasi)")
    show_title = add_title = edit_title = _l("Outreach event")
    label_columns = {"agency": _l("Agency"), "date": _l("Date"), "topic": _l("Topic"), "place": _l("Place")}
    list_columns = ["date", "agency", "topic", "place"]
    add_columns = edit_columns = show_columns = ["agency", "date", "topic", "place"]
    search_columns = ["agency", "date", "topic"]
    base_order = ("date", "desc")
    related_views = [OutreachAttendanceView]


class AdoptionView(BaseView):
    route_base = "/adoption"
    class_permission_name = "AdoptionReport"
    method_permission_name = {"index": "read", "agency": "read", "export": "export"}
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        on = today()
        rows = adoption.adoption_by_agency(on)
        trends = {row.agency.id: adoption.weekly_trend(row.agency.id, on) for row in rows}
        return self.render_template("adoption/index.html", rows=rows, trends=trends, on=on)

    def _agency(self, agency_id):
        agency = db.session.scalar(scoped_select(Agency).where(Agency.id == agency_id))
        if agency is None:
            abort(404)
        return agency

    @expose("/<int:agency_id>")
    @has_access
    def agency(self, agency_id):
        agency, on = self._agency(agency_id), today()
        return self.render_template("adoption/agency.html", agency=agency, on=on,
                                    trend=adoption.weekly_trend(agency.id, on),
                                    people=adoption.non_adopters(agency.id, on))

    @expose("/<int:agency_id>/xlsx")
    @has_access
    def export(self, agency_id):
        agency, on = self._agency(agency_id), today()
        header = [gettext("NIP"), gettext("Name"), gettext("Unit"), gettext("Position"),
                  gettext("Last sign-in"), gettext("Last report"), gettext("Attended outreach")]
        rows = ([row.employee.nip, row.employee.name, row.employee.unit.name if row.employee.unit else "",
                 row.employee.position.name if row.employee.position else "", row.last_login, row.last_report,
                 gettext("Yes") if row.attended_outreach else gettext("No")]
                for row in adoption.non_adopters(agency.id, on))
        return excel_download(f"belum-menggunakan-{agency.code}-{on.isoformat()}.xlsx", agency.code, header, rows)


def register_adoption_views(appbuilder) -> None:
    menu = {"category": "Daily Activities", "category_label": _l("Daily Activities")}
    appbuilder.add_view(AdoptionView, "AdoptionReport", label=_l("System adoption"), icon="fa-users-gear", **menu)
    appbuilder.add_view(OutreachEventView, "OutreachEvent", label=_l("Outreach events"), icon="fa-bullhorn",
                        **menu)
    appbuilder.add_view_no_menu(OutreachAttendanceView)
