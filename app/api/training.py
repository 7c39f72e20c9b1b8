"""REST resources of competency development.

* ``/api/v1/training_programme/`` — programmes: everyone reads, HR Admin writes (same checks as the form:
  kind, JP > 0, end not before start).
* ``GET /api/v1/training/mine?year=`` — the caller's trainings, requests and JP of the year.
* ``POST /api/v1/training/programme/<id>/participation`` {"nip", "status", "completed_on", "jp_earned" or
  "minutes", "certificate_number", "certificate_file", "pre_score", "post_score"} — HR Admin / Agency Admin.
  A completion gives its JP, or its duration in minutes (the JP then follow the year's minutes-per-JP
  policy), or neither (the programme's JP).
* ``POST /api/v1/training/programme/<id>/request`` {"reason"} — the caller asks for a place.
* ``POST /api/v1/training/request/<id>/decide`` {"decision": "approve"|"reject", "note"} — the evaluator.
* ``GET /api/v1/training/compliance?year=&agency=`` — per agency and unit the share with ≥ 20 JP, and those below.
400 {"message"} on refusal, 404 out of scope.
"""
import datetime as dt

from flask import request
from flask_appbuilder.api import BaseApi, expose, protect, safe

from app.api.base import AnswersUseCases, ScopedApi
from app.domain.messages import N_, DomainError
from app.extensions import db
from app.models import Employee
from app.models.training import TrainingProgramme, TrainingRequest
from app.parsing import parse_whole_number, parse_year
from app.security.scope import ScopedInterface, current_scope, scoped_select
from app.services import training
from app.services.activity import today


def _number(value):
    return None if value is None else float(value)


def _date(value):
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise DomainError(N_("Give the date as YYYY-MM-DD"), field="completed_on") from None


def participation_json(row) -> dict:
    return {"id": row.id, "programme": {"id": row.programme_id, "name": row.programme.name},
            "employee": {"id": row.employee_id, "name": row.employee.name, "nip": row.employee.nip},
            "status": row.status, "completed_on": row.completed_on.isoformat() if row.completed_on else None,
            "jp_earned": _number(row.jp_earned), "minutes": row.minutes, "certificate_number": row.certificate_number,
            "certificate_file": row.certificate_file, "pre_score": _number(row.pre_score),
            "post_score": _number(row.post_score)}


def request_json(row) -> dict:
    return {"id": row.id, "programme_id": row.programme_id, "employee_id": row.employee_id,
            "evaluator_id": row.evaluator_id, "status": row.status, "reason": row.reason, "note": row.note}


class TrainingProgrammeApi(ScopedApi):
    resource_name = "training_programme"
    datamodel = ScopedInterface(TrainingProgramme)
    class_permission_name = "TrainingProgramme"
    list_columns = show_columns = ["id", "code", "name", "kind.code", "kind.name", "organiser", "start_date",
                                   "end_date", "jp", "competency_area", "survey_element_code", "quota"]
    add_columns = edit_columns = ["code", "name", "kind", "organiser", "start_date", "end_date", "jp",
                                  "competency_area", "survey_element_code", "quota"]
    search_columns = ["name", "code", "start_date"]
    order_columns = ["start_date", "name"]
    validators = (training.check_programme,)


class TrainingApi(AnswersUseCases, BaseApi):
    resource_name = "training"
    class_permission_name = "Training"
    method_permission_name = {"mine": "read", "compliance": "read", "participation": "write", "ask": "write",
                              "decide": "write"}

    @expose("/mine", methods=["GET"])
    @protect()
    @safe
    def mine(self):
        me = current_scope().employee_id
        employee = db.session.get(Employee, me) if me else None
        if employee is None:
            return self.response_404()
        history = training.history(employee, parse_year(request.args.get("year")) or today().year)
        return self.response(200, result={
            "year": history.year, "jp": _number(history.jp_this_year), "compliant": history.compliant,
            "missing": _number(history.missing),
            "participations": [participation_json(p) for p in history.participations],
            "requests": [request_json(r) for r in history.requests]})

    @expose("/programme/<int:pk>/participation", methods=["POST"])
    @protect()
    @safe
    def participation(self, pk):
        programme = db.session.get(TrainingProgramme, pk)
        body = request.get_json(silent=True) or {}
        nip = "".join(str(body.get("nip") or "").split())
        employee = db.session.scalar(scoped_select(Employee).where(Employee.nip == nip)) if nip else None
        if programme is None or employee is None:
            return self.response_404()

        def work():
            return training.record_participation(programme, employee, training.ParticipationInput(
                status=str(body.get("status") or ""), completed_on=_date(body.get("completed_on")),
                jp_earned=body.get("jp_earned"), minutes=body.get("minutes"),
                certificate_number=str(body.get("certificate_number") or ""),
                certificate_file=str(body.get("certificate_file") or ""), pre_score=body.get("pre_score"),
                post_score=body.get("post_score")))
        return self._answer(work, participation_json)

    @expose("/programme/<int:pk>/request", methods=["POST"])
    @protect()
    @safe
    def ask(self, pk):
        programme = db.session.get(TrainingProgramme, pk)
        if programme is None:
            return self.response_404()
        reason = (request.get_json(silent=True) or {}).get("reason")
        return self._answer(lambda: training.request_programme(programme, str(reason or ""), today()), request_json)

    @expose("/request/<int:pk>/decide", methods=["POST"])
    @protect()
    @safe
    def decide(self, pk):
        row = db.session.scalar(scoped_select(TrainingRequest).where(TrainingRequest.id == pk))
        if row is None:
            return self.response_404()
        body = request.get_json(silent=True) or {}
        return self._answer(lambda: training.decide_request(row, body.get("decision") == "approve",
                                                          str(body.get("note") or "")),
                            request_json)

    @expose("/compliance", methods=["GET"])
    @protect()
    @safe
    def compliance(self):
        rows = training.compliance(parse_year(request.args.get("year")) or today().year,
                                   parse_whole_number(request.args.get("agency")))
        return self.response(200, result=[{
            "agency": {"id": row.agency.id, "code": row.agency.code, "name": row.agency.name},
            "employees": row.figures.employees, "compliant": row.figures.compliant, "share": _number(row.figures.share),
            "units": [{"id": u.unit.id, "name": u.unit.name, "employees": u.figures.employees,
                       "compliant": u.figures.compliant, "share": _number(u.figures.share)} for u in row.units],
            "below": [{"id": b.employee.id, "nip": b.employee.nip, "name": b.employee.name, "jp": _number(b.jp),
                       "missing": _number(b.missing)} for b in row.below],
        } for row in rows])


TRAINING_APIS = (TrainingProgrammeApi, TrainingApi)
