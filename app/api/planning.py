"""REST resources of performance planning.

* ``/api/v1/indicator/`` — agency indicators (IKU), CRUD.
* ``/api/v1/workplan/`` — list and get of SKPs; ``GET /<pk>/full`` returns the plan with its results,
  each with its indicators, and its behaviour expectations (one request for a whole SKP);
  ``POST /draft`` {"period_id", "copy_previous": bool} starts the caller's own SKP;
  ``POST /<pk>/submit``, ``/approve``, ``/return`` {"note"}, ``/revise`` move it through the workflow:
  400 {"message"} on refusal, 404 for a plan out of scope, 409 when someone else decided first.
* ``/api/v1/workresult/``, ``/api/v1/resultindicator/`` — RHK and IKI, validated by the same service
  checks as the forms.
"""
from flask import request
from flask_appbuilder.api import expose, protect, safe

from app.api.base import AnswersUseCases, ScopedApi
from app.extensions import db
from app.models import Employee
from app.models.planning import OrganizationIndicator, Period, ResultIndicator, WorkPlan, WorkResult
from app.security.scope import ScopedInterface, current_scope
from app.security.writes import PLAN_PERMISSIONS, WrittenByTheirPeople
from app.services import planning


class IndicatorApi(WrittenByTheirPeople, ScopedApi):
    resource_name = "indicator"
    datamodel = ScopedInterface(OrganizationIndicator)
    class_permission_name = "OrganizationIndicator"
    list_columns = show_columns = ["id", "name", "unit_of_measure", "direction", "baseline", "target",
                                   "range_low", "range_high", "agency.id", "agency.name", "period.id",
                                   "period.year"]
    add_columns = edit_columns = ["agency", "period", "name", "unit_of_measure", "direction", "baseline",
                                  "target", "range_low", "range_high"]
    search_columns = ["name", "agency", "period"]
    order_columns = ["name"]
    validators = (planning.check_organization_indicator,)


def _result_json(result: WorkResult) -> dict:
    return {
        "id": result.id, "group": result.group, "order": result.order, "description": result.description,
        "supported_result_id": result.supported_result_id,
        "organization_indicator_id": result.organization_indicator_id,
        "indicators": [{
            "id": i.id, "aspect": i.aspect, "description": i.description,
            "target_value": None if i.target_value is None else str(i.target_value),
            "target_high": None if i.target_high is None else str(i.target_high),
            "target_unit": i.target_unit, "target_text": i.target_text, "direction": i.direction,
        } for i in result.indicators],
    }


def plan_json(plan: WorkPlan) -> dict:
    return {
        "id": plan.id, "period": {"id": plan.period_id, "year": plan.period.year},
        "employee": {"id": plan.employee_id, "name": plan.employee.name},
        "evaluator": {"id": plan.evaluator_id, "name": plan.evaluator.name} if plan.evaluator else None,
        "approach": plan.approach, "status": plan.status, "version": plan.version,
        "previous_version_id": plan.previous_version_id, "return_note": plan.return_note,
        "resource_support": plan.resource_support, "accountability_scheme": plan.accountability_scheme,
        "consequences": plan.consequences,
        "results": [_result_json(result) for result in plan.results],
        "expectations": [{"id": e.id, "core_value": e.core_value.code, "leader_expectation": e.leader_expectation}
                         for e in sorted(plan.expectations, key=lambda e: e.core_value.order)],
    }


class WorkPlanApi(AnswersUseCases, ScopedApi):
    resource_name = "workplan"
    datamodel = ScopedInterface(WorkPlan)
    class_permission_name = "WorkPlan"
    method_permission_name = {**PLAN_PERMISSIONS, "full": "read", "draft": "write", "submit": "write",
                              "approve": "write", "return_plan": "write", "revise": "write"}
    include_route_methods = {"get", "get_list", "full", "draft", "submit", "approve", "return_plan",
                             "revise"}
    list_columns = show_columns = ["id", "status", "version", "approach", "period.id", "period.year",
                                   "employee.id", "employee.name", "agency.id", "evaluator_id",
                                   "previous_version_id", "return_note"]
    search_columns = ["status", "period", "version"]
    order_columns = ["id", "version"]
    answer_shape = staticmethod(plan_json)

    @expose("/<int:pk>/full", methods=["GET"])
    @protect()
    @safe
    def full(self, pk):
        plan = self.datamodel.get(pk)
        return self.response_404() if plan is None else self.response(200, result=plan_json(plan))

    @expose("/draft", methods=["POST"])
    @protect()
    @safe
    def draft(self):
        body = request.get_json(silent=True) or {}
        employee = db.session.get(Employee, current_scope().employee_id) if current_scope().employee_id else None
        period = db.session.get(Period, body.get("period_id")) if isinstance(body.get("period_id"), int) else None
        if employee is None or period is None:
            return self.response_400(message="period_id of an existing period is required, for a user with an "
                                             "employee record")
        create = planning.copy_previous_year if body.get("copy_previous") else planning.create_draft
        return self._answer(lambda: create(employee, period))

    @expose("/<int:pk>/submit", methods=["POST"])
    @protect()
    @safe
    def submit(self, pk):
        return self._transition(pk, planning.submit)

    @expose("/<int:pk>/approve", methods=["POST"])
    @protect()
    @safe
    def approve(self, pk):
        return self._transition(pk, planning.approve)

    @expose("/<int:pk>/return", methods=["POST"])
    @protect()
    @safe
    def return_plan(self, pk):
        return self._transition(pk, planning.return_plan, (request.get_json(silent=True) or {}).get("note", ""))

    @expose("/<int:pk>/revise", methods=["POST"])
    @protect()
    @safe
    def revise(self, pk):
        return self._transition(pk, planning.revise)


class WorkResultApi(WrittenByTheirPeople, ScopedApi):
    resource_name = "workresult"
    datamodel = ScopedInterface(WorkResult)
    class_permission_name = "WorkPlan"
    list_columns = show_columns = ["id", "group", "order", "description", "work_plan.id",
                                   "supported_result_id", "organization_indicator_id"]
    add_columns = ["work_plan", "group", "order", "description", "supported_result", "organization_indicator"]
    edit_columns = ["group", "order", "description", "supported_result", "organization_indicator"]
    # A superior's RHK and the agency's indicators lie outside an employee's scope by design:
    # planning.check_result accepts only the plan's own choices (supportable_results, linkable_indicators).
    relations_checked_by_validators = frozenset({"supported_result", "organization_indicator"})
    search_columns = ["description", "group", "work_plan"]
    order_columns = ["order"]
    validators = (planning.check_result,)
    delete_checks = (planning.check_result_deletable,)


class ResultIndicatorApi(WrittenByTheirPeople, ScopedApi):
    resource_name = "resultindicator"
    datamodel = ScopedInterface(ResultIndicator)
    class_permission_name = "WorkPlan"
    list_columns = show_columns = ["id", "aspect", "description", "target_value", "target_high", "target_unit",
                                   "target_text", "direction", "work_result.id"]
    add_columns = ["work_result", "aspect", "description", "target_value", "target_high", "target_unit",
                   "target_text", "direction"]
    edit_columns = add_columns[1:]
    search_columns = ["description", "work_result"]
    validators = (planning.check_indicator,)
    delete_checks = (planning.check_indicator_deletable,)


PLANNING_APIS = (IndicatorApi, WorkPlanApi, WorkResultApi, ResultIndicatorApi)
