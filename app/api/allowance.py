"""REST resources of attendance and the performance allowance (TPP), issue 23 (app.services.attendance and
app.services.tpp decide who acts; the scope decides what is seen).

Attendance:
* ``POST /api/v1/allowance/attendance/preview`` (multipart: ``file`` .csv/.xlsx, ``agency_id``) — per row new /
  already stored / rejected with the reason; nothing written. ``POST /attendance/import`` the same file: its
  new marks in one transaction (a second import adds nothing). ``PUT /attendance/pin/<employee_id>`` {"pin"}.
* ``GET /attendance/days?year=&month=&employee_id=`` — the working days as the calculation sees them (the
  caller's own by default).
* ``POST /leave`` {"kind": CUTI|IZIN|SAKIT|DINAS_LUAR|TUGAS_BELAJAR, "starts_on", "ends_on", "reason"} — the
  employee; ``GET /leave`` their own; ``GET /leave/queue`` waiting for the caller (evaluator);
  ``POST /leave/<id>/decide`` {"approve": true|false, "note"}.
* ``POST /outage`` {"agency_id" (null: every agency), "starts_on", "ends_on", "reason"} — HR Admin.

TPP:
* ``GET /rules/<year>`` the newest version of the year's rule set; ``POST /rules/<year>`` {"rules", "reason"}
  — HR Admin saves the next version.
* ``POST /calculate`` {"agency_id", "year", "month"} — HR or the agency's admin, from the cut-off day on.
* ``GET /mine`` the caller's months (newest versions), each with its explanation; ``GET /<id>`` one version;
  ``GET /what-if`` the current month so far, nothing stored.
* ``POST /<id>/objection`` {"text"} — the employee; ``GET /objections`` waiting for the caller;
  ``POST /objections/<id>/decide`` {"accept", "note", "excused_days": ["YYYY-MM-DD", ...]} — evaluator or HR;
  an accepted objection answers with the new version.
* ``POST /<id>/correction`` {"reason"} — HR Admin only (403 for anyone else): the month recalculated from the
  data as it is now, as the next version (201, the new version); 409 when ``<id>`` is no longer the newest
  version; the employee is notified.
* ``GET /recap?agency_id=&year=&month=`` the agency's month for the finance office (rows and totals).

Rupiah are whole numbers (JSON integers), percentages decimal strings. Refusals answer 400 {"message"} in the
request's language (``?_l_=id``), 409 when someone else decided first, 404 for what the caller may not see.
"""
from __future__ import annotations

from flask import request
from flask_appbuilder.api import BaseApi, expose, protect, safe

from app.api.base import AnswersUseCases
from app.domain.messages import N_, DomainError
from app.domain.tpp import TppCalculation as Result
from app.extensions import db
from app.formatting import translated
from app.models.attendance import LeaveRecord
from app.models.tpp import TppCalculation, TppObjection
from app.parsing import parse_iso_date, parse_whole_number
from app.security.acts import may_correct_allowance
from app.security.scope import scoped_select
from app.services import attendance, tpp

MAX_REJECTED_SHOWN = 200


def _int(value) -> int:
    return int(value)


def calculation_json(row: TppCalculation) -> dict:
    return {
        "id": row.id, "employee": {"id": row.employee_id, "name": row.employee.name, "nip": row.employee.nip},
        "agency_id": row.agency_id, "year": row.year, "month": row.month, "version": row.version,
        "base_amount": _int(row.base_amount), "achievement_percent": str(row.achievement_percent),
        "performance_paid": _int(row.performance_paid), "deduction_percent": str(row.deduction_percent),
        "deduction_percent_applied": str(row.deduction_percent_applied),
        "discipline_paid": _int(row.discipline_paid), "amount": _int(row.amount), "held": row.held,
        "payable": _int(row.payable), "correction_reason": row.correction_reason, "explanation": row.details,
    }


def result_json(result: Result) -> dict:
    return {
        "base_amount": _int(result.base_amount), "achievement_percent": str(result.achievement_percent),
        "performance_paid": _int(result.performance_paid), "deduction_percent": str(result.deduction_percent),
        "discipline_paid": _int(result.discipline_paid), "amount": _int(result.amount), "held": result.held,
        "payable": _int(result.payable), "working_days": result.working_days,
        "target_minutes": result.target_minutes, "approved_minutes": result.approved_minutes,
        "deductions": [{"rule": cut.rule, "day": cut.day.isoformat(), "percent": str(cut.percent),
                        "amount": _int(cut.amount), "minutes": cut.minutes} for cut in result.deductions],
    }


def leave_json(record: LeaveRecord) -> dict:
    return {"id": record.id, "employee_id": record.employee_id, "evaluator_id": record.evaluator_id,
            "kind": record.kind, "starts_on": record.starts_on.isoformat(), "ends_on": record.ends_on.isoformat(),
            "reason": record.reason, "status": record.status, "decision_note": record.decision_note}


def objection_json(objection: TppObjection) -> dict:
    return {"id": objection.id, "calculation_id": objection.calculation_id, "employee_id": objection.employee_id,
            "text": objection.text, "status": objection.status, "decision_note": objection.decision_note,
            "excused_days": objection.excused_days.split(",") if objection.excused_days else [],
            "correction": calculation_json(objection.correction) if objection.correction else None}


def day_json(day) -> dict:
    return {"day": day.day.isoformat(), "status": day.status.value,
            "arrived": day.arrived.isoformat() if day.arrived else None,
            "left": day.left.isoformat() if day.left else None, "late_minutes": day.late_minutes,
            "early_minutes": day.early_minutes, "missing_in": day.missing_in, "missing_out": day.missing_out,
            "leave_kind": day.leave_kind.value if day.leave_kind else None}


def _date(body: dict, name: str):
    day = parse_iso_date(body.get(name))
    if day is None:
        raise DomainError(N_("Give the date as YYYY-MM-DD"), field=name)
    return day


def _month_arguments(source) -> tuple[int | None, int | None]:
    return parse_whole_number(source.get("year")), parse_whole_number(source.get("month"))


class AllowanceApi(AnswersUseCases, BaseApi):
    resource_name = "allowance"
    class_permission_name = "Allowance"
    method_permission_name = {
        "preview_marks": "write", "import_marks": "write", "set_pin": "write", "days": "read",
        "request_leave": "write", "my_leave": "read", "leave_queue": "read", "decide_leave": "write",
        "declare_outage": "write", "get_rules": "read", "save_rules": "write", "calculate": "write",
        "mine": "read", "get_calculation": "read", "what_if": "read", "file_objection": "write",
        "objections": "read", "decide_objection": "write", "recap": "read", "correct": "write"}

    def _body(self) -> dict:
        body = request.get_json(silent=True)
        return body if isinstance(body, dict) else {}

    # --- attendance -----------------------------------------------------------------------------------

    def _upload(self):
        upload = request.files.get("file")
        if upload is None:
            raise DomainError(N_("Upload an Excel (.xlsx) or CSV (.csv) file."), field="file")
        return upload.read(), upload.filename or "", parse_whole_number(request.form.get("agency_id"))

    @expose("/attendance/preview", methods=["POST"])
    @protect()
    @safe
    def preview_marks(self):
        def shape(plan):
            rejected = [row for row in plan.rows if row.status == attendance.REJECTED][:MAX_REJECTED_SHOWN]
            return {"counts": plan.counts, "rejected": [
                {"line": row.line, "field": row.error.field, "message": translated(row.error)} for row in rejected]}
        return self._answer(lambda: attendance.plan_marks(*self._upload()), shape)

    @expose("/attendance/import", methods=["POST"])
    @protect()
    @safe
    def import_marks(self):
        return self._answer(lambda: attendance.import_marks(*self._upload()), dict)

    @expose("/attendance/pin/<int:employee_id>", methods=["PUT"])
    @protect()
    @safe
    def set_pin(self, employee_id):
        return self._answer(lambda: attendance.set_pin(employee_id, self._body().get("pin")),
                            lambda pin: {"employee_id": pin.employee_id, "pin": pin.pin})

    @expose("/attendance/days", methods=["GET"])
    @protect()
    @safe
    def days(self):
        year, month = _month_arguments(request.args)
        employee_id = parse_whole_number(request.args.get("employee_id"))
        return self._answer(lambda: tpp.days_of(employee_id, year, month), lambda days: [day_json(d) for d in days])

    @expose("/leave", methods=["POST"])
    @protect()
    @safe
    def request_leave(self):
        body = self._body()
        return self._answer(lambda: attendance.request_leave(
            body.get("kind"), _date(body, "starts_on"), _date(body, "ends_on"), body.get("reason")), leave_json, 201)

    @expose("/leave", methods=["GET"])
    @protect()
    @safe
    def my_leave(self):
        return self.response(200, result=[leave_json(record) for record in attendance.my_leave()])

    @expose("/leave/queue", methods=["GET"])
    @protect()
    @safe
    def leave_queue(self):
        return self.response(200, result=[leave_json(record) for record in attendance.leave_queue()])

    @expose("/leave/<int:pk>/decide", methods=["POST"])
    @protect()
    @safe
    def decide_leave(self, pk):
        if db.session.scalar(scoped_select(LeaveRecord, LeaveRecord.id).where(LeaveRecord.id == pk)) is None:
            return self.response_404()
        body = self._body()
        return self._answer(lambda: attendance.decide_leave(pk, body.get("approve"), body.get("note")), leave_json)

    @expose("/outage", methods=["POST"])
    @protect()
    @safe
    def declare_outage(self):
        body = self._body()
        agency_id = body.get("agency_id")
        return self._answer(lambda: attendance.declare_outage(
            None if agency_id is None else parse_whole_number(agency_id) or -1, _date(body, "starts_on"),
            _date(body, "ends_on"), body.get("reason")),
            lambda outage: {"id": outage.id, "agency_id": outage.agency_id}, 201)

    # --- TPP ------------------------------------------------------------------------------------------

    @expose("/rules/<int:year>", methods=["GET"])
    @protect()
    @safe
    def get_rules(self, year):
        return self._answer(lambda: tpp.rule_set_of(year)[0],
                            lambda rule_set: {"year": rule_set.year, "version": rule_set.version,
                                              "reason": rule_set.reason, "rules": rule_set.data})

    @expose("/rules/<int:year>", methods=["POST"])
    @protect()
    @safe
    def save_rules(self, year):
        body = self._body()
        return self._answer(lambda: tpp.save_rule_set(year, body.get("rules"), body.get("reason")),
                            lambda rule_set: {"year": rule_set.year, "version": rule_set.version}, 201)

    @expose("/calculate", methods=["POST"])
    @protect()
    @safe
    def calculate(self):
        body = self._body()
        year, month = _month_arguments(body)

        def shape(run):
            return {"calculated": run.calculated, "already_closed": run.already_closed,
                    "not_computed": [{"employee": name, "message": translated(problem)}
                                     for name, problem in run.not_computed]}
        return self._answer(lambda: tpp.calculate_month(parse_whole_number(body.get("agency_id")), year, month),
                            shape)

    @expose("/mine", methods=["GET"])
    @protect()
    @safe
    def mine(self):
        return self.response(200, result=[calculation_json(row) for row in tpp.my_calculations()])

    @expose("/<int:pk>", methods=["GET"])
    @protect()
    @safe
    def get_calculation(self, pk):
        row = db.session.scalar(scoped_select(TppCalculation).where(TppCalculation.id == pk))
        return self.response(200, result=calculation_json(row)) if row else self.response_404()

    @expose("/what-if", methods=["GET"])
    @protect()
    @safe
    def what_if(self):
        return self._answer(lambda: tpp.what_if(parse_whole_number(request.args.get("employee_id"))), result_json)

    @expose("/<int:pk>/objection", methods=["POST"])
    @protect()
    @safe
    def file_objection(self, pk):
        return self._answer(lambda: tpp.file_objection(pk, self._body().get("text")), objection_json, 201)

    @expose("/<int:pk>/correction", methods=["POST"])
    @protect()
    @safe
    def correct(self, pk):
        row = db.session.scalar(scoped_select(TppCalculation).where(TppCalculation.id == pk))
        if row is None:
            return self.response_404()
        if not may_correct_allowance(row):
            return self.response_403()
        return self._answer(lambda: tpp.correct(pk, self._body().get("reason")), calculation_json, 201)

    @expose("/objections", methods=["GET"])
    @protect()
    @safe
    def objections(self):
        return self.response(200, result=[objection_json(row) for row in tpp.objection_queue()])

    @expose("/objections/<int:pk>/decide", methods=["POST"])
    @protect()
    @safe
    def decide_objection(self, pk):
        if db.session.scalar(scoped_select(TppObjection, TppObjection.id).where(TppObjection.id == pk)) is None:
            return self.response_404()
        body = self._body()
        days = body.get("excused_days") or []

        def work():
            if not isinstance(days, list):
                raise DomainError(N_("Name the days the objection excuses."), field="excused_days")
            excused = [parse_iso_date(day) for day in days]
            if None in excused:
                raise DomainError(N_("Give the date as YYYY-MM-DD"), field="excused_days")
            return tpp.decide_objection(pk, body.get("accept"), body.get("note"), excused)
        return self._answer(work, objection_json)

    @expose("/recap", methods=["GET"])
    @protect()
    @safe
    def recap(self):
        year, month = _month_arguments(request.args)

        def shape(summary):
            return {"agency": {"id": summary.agency.id, "name": summary.agency.name}, "year": summary.year,
                    "month": summary.month, "rows": [calculation_json(row) for row in summary.rows],
                    "totals": {name: _int(value) for name, value in summary.totals.items()}}
        return self._answer(lambda: tpp.recap(parse_whole_number(request.args.get("agency_id")), year, month),
                            shape)
