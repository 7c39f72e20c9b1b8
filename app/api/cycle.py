"""REST resources of the calendar of the cycle (app.services.cycle decides; issue 23).

* ``GET /api/v1/cycle/deadlines/<period_id>`` — the period's deadlines ({"period_id", "default": true while
  HR has set none, "skp_due", "evaluation_days", "return_days", "report_days", "objection_days",
  "objection_decision_days", "reminder_days"}); ``PUT`` the same fields (any of them) — HR Admin only.
* ``GET /api/v1/cycle/open`` — what is due soon or overdue in the caller's scope (``?state=overdue`` only the
  overdue), at most 500 items, the most overdue first, with their total; ``GET /api/v1/cycle/overdue`` —
  the overdue items counted per agency and kind. Both take ``?agency=<id>``: one agency of the scope (one
  outside it gives nothing).

Refusals answer 400 {"message"} in the request's language (``?_l_=id``), 404 for an unknown period; nothing
is written.
"""
from __future__ import annotations

from flask import request
from flask_appbuilder.api import BaseApi, expose, protect, safe

from app.api.base import AnswersUseCases
from app.domain.cycle_deadlines import DeadlineState
from app.extensions import db
from app.models.planning import Period
from app.parsing import parse_whole_number
from app.services import cycle, cycle_calendar

MAX_ITEMS = 500


def deadlines_json(period: Period) -> dict:
    row = cycle_calendar.deadlines_of(period)
    values = {name: getattr(row, name) for name in cycle_calendar.DEADLINE_FIELDS}
    values["skp_due"] = values["skp_due"].isoformat()
    return {"period_id": period.id, "default": row.id is None, **values}


def item_json(item: cycle.OpenItem) -> dict:
    return {"kind": item.kind.value, "state": item.state.value, "due_on": item.due_on.isoformat(),
            "agency_id": item.agency_id, "employee_id": item.employee_id, "actor_id": item.actor_id,
            "work_plan_id": item.plan_id or None, "evaluation_id": item.evaluation_id,
            "evaluation_kind": item.evaluation_kind,
            "window": [day.isoformat() for day in item.window] if item.window else None,
            "handed_off": item.handed_off}


class CycleApi(AnswersUseCases, BaseApi):
    resource_name = "cycle"
    class_permission_name = "Cycle"
    method_permission_name = {"get_deadlines": "read", "put_deadlines": "write", "open_items": "read",
                              "overdue": "read"}

    def _period(self, period_id):
        return db.session.get(Period, period_id)

    @expose("/deadlines/<int:period_id>", methods=["GET"])
    @protect()
    @safe
    def get_deadlines(self, period_id):
        period = self._period(period_id)
        return self.response(200, result=deadlines_json(period)) if period else self.response_404()

    @expose("/deadlines/<int:period_id>", methods=["PUT"])
    @protect()
    @safe
    def put_deadlines(self, period_id):
        period = self._period(period_id)
        if period is None:
            return self.response_404()
        body = request.get_json(silent=True)
        values = body if isinstance(body, dict) else {}
        return self._answer(
            lambda: cycle_calendar.set_deadlines(period, cycle_calendar.parse_deadline_values(values)),
            lambda row: deadlines_json(period))

    @expose("/open", methods=["GET"])
    @protect()
    @safe
    def open_items(self):
        states = (DeadlineState.OVERDUE,) if request.args.get("state") == "overdue" else (
            DeadlineState.DUE_SOON, DeadlineState.OVERDUE)
        items = sorted(cycle.open_items(states=states, agency_id=parse_whole_number(request.args.get("agency"))),
                       key=lambda item: (item.state is not DeadlineState.OVERDUE, item.due_on))
        return self.response(200, result=[item_json(item) for item in items[:MAX_ITEMS]], count=len(items))

    @expose("/overdue", methods=["GET"])
    @protect()
    @safe
    def overdue(self):
        counts = cycle.overdue_per_agency(cycle.open_items(states=(DeadlineState.OVERDUE,),
                                                           agency_id=parse_whole_number(request.args.get("agency"))))
        return self.response(200, result=[
            {"agency_id": count.agency_id, "total": count.total,
             **{kind.value: number for kind, number in count.by_kind.items()}} for count in counts.values()])
