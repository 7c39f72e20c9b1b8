"""The calendar of the cycle (issue 23), menu Performance Evaluation → Deadlines of the cycle: a period's
deadlines (HR Admin adjusts them), what is due soon or overdue in the user's scope counted per agency, and the
list of those items. The figures come from app.services.cycle; the scope decides whose items appear."""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import select

from app.domain.cycle_deadlines import DeadlineKind, DeadlineState
from app.domain.messages import DomainError
from app.extensions import db
from app.formatting import translated
from app.models import Agency, Employee
from app.models.planning import Period
from app.parsing import parse_whole_number
from app.security import acts
from app.security.scope import scoped_select
from app.services import cycle, cycle_calendar
from app.services.activity import today
from app.services.transaction import ConcurrentChange

ITEMS_SHOWN = 50

KIND_LABELS = {
    DeadlineKind.SKP: _l("SKP to be set"),
    DeadlineKind.EVALUATION: _l("Evaluation to be delivered"),
    DeadlineKind.RETURN: _l("Evaluation to be returned signed"),
    DeadlineKind.REPORT: _l("Evaluation to be reported"),
    DeadlineKind.OBJECTION: _l("Objection to be decided"),
}
# The per-agency table's headings: short, so that its seven columns fit a phone.
COLUMN_LABELS = {DeadlineKind.SKP: _l("SKP"), DeadlineKind.EVALUATION: _l("Delivery"),
                 DeadlineKind.RETURN: _l("Return"), DeadlineKind.REPORT: _l("Reporting"),
                 DeadlineKind.OBJECTION: _l("Objection")}
STATE_LABELS = {DeadlineState.DUE_SOON: _l("Due soon"), DeadlineState.OVERDUE: _l("Overdue")}
FIELD_LABELS = {
    "skp_due": _l("SKP set by"),
    "evaluation_days": _l("Evaluation delivered within (working days after the window)"),
    "return_days": _l("Returned signed within (working days after delivery)"),
    "report_days": _l("Reported within (working days after the window)"),
    "objection_days": _l("Objection within (working days after receipt)"),
    "objection_decision_days": _l("Objection decided within (working days)"),
    "reminder_days": _l("Reminder (working days before each deadline)"),
}


def kind_label(item: cycle.OpenItem) -> str:
    return str(KIND_LABELS[item.kind])


def _chosen_period() -> Period | None:
    """The period named by ``?period=<id>``, else the one today lies in, else the newest."""
    wanted = parse_whole_number(request.args.get("period"))
    if wanted is not None:
        return db.session.get(Period, wanted) or abort(404)
    day = today()
    return (db.session.scalar(select(Period).where(Period.start_date <= day, Period.end_date >= day))
            or db.session.scalar(select(Period).order_by(Period.start_date.desc())))


class CycleView(BaseView):
    route_base = "/cycle"
    class_permission_name = "Cycle"
    method_permission_name = {"index": "read", "deadlines": "write"}
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        return self._page(_chosen_period())

    def _page(self, period: Period | None, form_values=None):
        # ?agency=<id> (the leaders' table links here filtered to its agency): within the scope, as every read.
        agency_id = parse_whole_number(request.args.get("agency"))
        items = sorted(cycle.open_items(agency_id=agency_id),
                       key=lambda item: (item.state is not DeadlineState.OVERDUE, item.due_on))
        counts = cycle.overdue_per_agency(items)
        # The counts come from the user's own scoped items, so their agencies are the user's to name (an
        # employee may not list agencies, and read "–" for their own).
        agencies = {agency.id: agency for agency in db.session.scalars(
            select(Agency).where(Agency.id.in_(list(counts))))} if counts else {}
        shown = items[:ITEMS_SHOWN]
        people = {employee.id: employee for employee in db.session.scalars(select(Employee).where(Employee.id.in_(
            {item.employee_id for item in shown} | {item.actor_id for item in shown if item.actor_id})))}
        deadlines = cycle_calendar.deadlines_of(period) if period is not None else None
        periods = db.session.scalars(select(Period).order_by(Period.start_date.desc())).all()
        return self.render_template(
            "cycle/index.html", period=period, periods=periods, deadlines=deadlines,
            stored=deadlines is not None and deadlines.id is not None, field_labels=FIELD_LABELS,
            form_values=form_values or {}, may_adjust=acts.is_hr_administrator(),
            counts=sorted(counts.values(), key=lambda count: -count.total), agencies=agencies,
            kinds=list(DeadlineKind), kind_labels=KIND_LABELS, column_labels=COLUMN_LABELS,
            state_labels=STATE_LABELS, items=shown, total=len(items), people=people, kind_label=kind_label,
            chosen_agency=db.session.scalar(scoped_select(Agency).where(Agency.id == agency_id))
            if agency_id is not None else None)

    @expose("/deadlines/<int:period_id>", methods=["POST"])
    @has_access
    def deadlines(self, period_id):
        period = db.session.get(Period, period_id) or abort(404)
        try:
            cycle_calendar.set_deadlines(period, cycle_calendar.parse_deadline_values(request.form))
        except DomainError as error:
            flash(translated(error), "danger")
            return self._page(period, request.form), 409 if isinstance(error, ConcurrentChange) else 400
        flash(gettext("The deadlines of %(period)s were saved.", period=period.name), "info")
        return redirect(url_for("CycleView.index", period=period.id))


def register_cycle_views(appbuilder) -> None:
    appbuilder.add_view(CycleView, "Deadlines of the cycle", label=_l("Deadlines of the cycle"),
                        icon="fa-calendar-check", category="Performance Evaluation",
                        category_label=_l("Performance Evaluation"))
