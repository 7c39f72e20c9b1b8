"""REST resources of performance evaluation.

* ``/api/v1/evaluation/`` — list and get (scoped); ``POST /draft`` {"work_plan_id", "kind", "window_start",
  "window_end"} creates a draft (the plan's evaluator only); ``PUT /<pk>`` {"work_result_rating",
  "behaviour_rating"} rates (a "predikat" that disagrees with the matrix → 400), answering the predikat and
  the curve warnings; ``POST /<pk>/realisation`` {"realisation_id", "value", "reason", "evidence_link"};
  ``POST /<pk>/feedback`` {"target_kind", "target_id", "text"}; ``POST /<pk>/submit``, ``/acknowledge``
  {"objection"}, ``/finalise``, ``/correct`` {"reason"}; ``POST /<pk>/decide-objection`` {"outcome":
  "confirmed"|"changed", "reason", "work_result_rating", "behaviour_rating" (for a change), "row_version"} —
  the evaluator's superior decides the employee's objection, the result is then final. The page's form and a
  body take the same keys and get the same refusals (app.services.evaluation ``act_as_asked``): 400 {"message"}
  in the request's language (``?_l_=``, Indonesian by default), 404 out of scope, 409 when someone else
  changed it first (for a stale ``row_version``: {"message", "row_version", "changed", "changed_by"}). The
  answer carries its ``row_version``, the objection and its decision, the suggested work-result rating, the
  achievement and the older scheme's numeric score per indicator, and the angka kredit of functional staff.
* ``GET /api/v1/evaluation/history/<employee_id>`` — the employee's evaluations across periods (predikat trend).
* ``GET /api/v1/distribution/<agency_id>/<period_id>`` — counts, shares and the verdict per bound
  (404 for an agency the user may not see); ``POST .../override`` {"reason"} (HR Admin);
  ``POST .../finalise`` finalises the agency's annual period.
"""
from flask import request
from flask_babel import gettext
from flask_appbuilder.api import BaseApi, expose, protect, safe

from app.api.base import AnswersUseCases, ScopedApi
from app.domain.messages import DomainError
from app.extensions import db
from app.formatting import translated_rule
from app.models import Agency
from app.models.evaluation import Evaluation
from app.models.planning import Period
from app.models.versioning import VERSION_FIELD
from app.security import acts
from app.security.scope import ScopedInterface
from app.security.writes import READ_WRITE_PERMISSIONS
from app.services import evaluation as evaluations

EVALUATION_PERMISSIONS = {**READ_WRITE_PERMISSIONS, "draft": "write", "rate": "write", "realisation": "write",
                          "feedback": "write", "submit": "write", "acknowledge": "write", "finalise": "write",
                          "correct": "write", "decide_objection": "write", "full": "read", "history": "read"}


def _number(value):
    """A Decimal as plain text without trailing zeros (12.0000 → "12"), or None."""
    return None if value is None else f"{value.normalize():f}"


def evaluation_json(evaluation: Evaluation, warnings=()) -> dict:
    suggestion = evaluations.suggested_rating(evaluation)
    return {
        "id": evaluation.id, "work_plan_id": evaluation.work_plan_id, "kind": evaluation.kind,
        "window_start": evaluation.window_start.isoformat(), "window_end": evaluation.window_end.isoformat(),
        "status": evaluation.status, "version": evaluation.version, "previous_id": evaluation.previous_id,
        "employee": {"id": evaluation.employee_id, "name": evaluation.employee.name},
        "evaluator_id": evaluation.evaluator_id, "agency_id": evaluation.agency_id,
        "work_result_rating": evaluation.work_result_rating, "behaviour_rating": evaluation.behaviour_rating,
        "predikat": evaluation.predikat, "predikat_label": evaluation.predikat_label,
        "objection": evaluation.objection, "objection_decider_id": evaluation.objection_decider_id,
        "objection_decision": _decision_json(evaluation), "correction_reason": evaluation.correction_reason,
        "suggested_work_result_rating": int(suggestion.rating) if suggestion.rating else None,
        "suggestion_from_unit": suggestion.from_unit, "average_achievement": _number(suggestion.achievement),
        "realisations": [{
            "id": r.id, "result_indicator_id": r.result_indicator_id, "prefilled_value": _number(r.prefilled_value),
            "value": _number(r.value), "change_reason": r.change_reason, "evidence_link": r.evidence_link,
            "achievement": _number(evaluations.realisation_achievement(r)),
            "numeric_score": _number(evaluations.realisation_numeric_score(r)),
        } for r in evaluation.realisations],
        "feedback": [{
            "id": f.id, "target_kind": f.target_kind, "work_result_id": f.work_result_id,
            "core_value_id": f.core_value_id, "text": f.text, "created_at": f.created_at.isoformat(),
        } for f in evaluation.feedback],
        "angka_kredit": _number(evaluations.credit_points(evaluation)),
        "warnings": [translated_rule(warning) for warning in warnings],
        VERSION_FIELD: evaluation.row_version,
    }


def _decision_json(evaluation: Evaluation) -> dict | None:
    """The superior's decision on the objection (None while there is none)."""
    if evaluation.objection_outcome is None:
        return None
    return {"outcome": evaluation.objection_outcome, "reason": evaluation.objection_decision,
            "decided_at": evaluation.objection_decided_at.isoformat(),
            "decided_by_id": evaluation.objection_decided_by_id,
            "prior_work_result_rating": evaluation.objection_prior_work_result_rating,
            "prior_behaviour_rating": evaluation.objection_prior_behaviour_rating}


def _evaluation_answer(result) -> dict:
    """A use-case's evaluation, or (evaluation, its curve warnings) from a step of the workflow."""
    evaluation, warnings = result if isinstance(result, tuple) else (result, ())
    return evaluation_json(evaluation, warnings)


class EvaluationApi(AnswersUseCases, ScopedApi):
    resource_name = "evaluation"
    datamodel = ScopedInterface(Evaluation)
    class_permission_name = "Evaluation"
    method_permission_name = EVALUATION_PERMISSIONS
    include_route_methods = {"get", "get_list", "info", "full", "draft", "rate", "realisation", "feedback",
                             "submit", "acknowledge", "finalise", "correct", "decide_objection", "history"}
    list_columns = show_columns = ["id", "kind", "window_start", "window_end", "status", "version", "previous_id",
                                   "employee.id", "employee.name", "agency.id", "evaluator_id",
                                   "work_result_rating", "behaviour_rating", "predikat"]
    search_columns = ["status", "kind", "version"]
    order_columns = ["id", "window_start"]
    answer_shape = staticmethod(_evaluation_answer)

    def _with(self, pk, work):
        evaluation = self.datamodel.get(pk)
        if evaluation is None:
            return self.response_404()
        body = request.get_json(silent=True)
        return self._answer(lambda: work(evaluation, body if isinstance(body, dict) else {}))

    def _step(self, pk, step):
        """One step of the workflow with the body as sent (the same reading as the page's form)."""
        return self._with(pk, lambda evaluation, body: evaluations.act_as_asked(evaluation, step, body))

    @expose("/<int:pk>/full", methods=["GET"])
    @protect()
    @safe
    def full(self, pk):
        return self._with(pk, lambda evaluation, body: evaluation)

    @expose("/history/<int:employee_id>", methods=["GET"])
    @protect()
    @safe
    def history(self, employee_id):
        """The employee's predikat trend across periods (only evaluations the caller may see)."""
        return self.response(200, result=[{
            "id": e.id, "year": e.period.year, "kind": e.kind, "window_start": e.window_start.isoformat(),
            "window_end": e.window_end.isoformat(), "status": e.status, "version": e.version,
            "predikat": e.predikat, "predikat_label": e.predikat_label,
        } for e in evaluations.history(employee_id)])

    @expose("/draft", methods=["POST"])
    @protect()
    @safe
    def draft(self):
        body = request.get_json(silent=True)
        return self._answer(lambda: evaluations.create_as_asked(body if isinstance(body, dict) else {}))

    @expose("/<int:pk>", methods=["PUT"])
    @protect()
    @safe
    def rate(self, pk):
        def work(evaluation, body):
            unknown = set(body) - {"work_result_rating", "behaviour_rating", "predikat"}
            if unknown:
                raise DomainError(evaluations.N_("Only the two ratings are changed here: %(fields)s"),
                                  fields=", ".join(sorted(unknown)))
            return evaluations.act_as_asked(evaluation, "rate", body)
        return self._with(pk, work)

    @expose("/<int:pk>/realisation", methods=["POST"])
    @protect()
    @safe
    def realisation(self, pk):
        return self._step(pk, "realisation")

    @expose("/<int:pk>/feedback", methods=["POST"])
    @protect()
    @safe
    def feedback(self, pk):
        return self._step(pk, "feedback")

    @expose("/<int:pk>/submit", methods=["POST"])
    @protect()
    @safe
    def submit(self, pk):
        return self._step(pk, "submit")

    @expose("/<int:pk>/acknowledge", methods=["POST"])
    @protect()
    @safe
    def acknowledge(self, pk):
        return self._step(pk, "acknowledge")

    @expose("/<int:pk>/finalise", methods=["POST"])
    @protect()
    @safe
    def finalise(self, pk):
        return self._step(pk, "finalise")

    @expose("/<int:pk>/correct", methods=["POST"])
    @protect()
    @safe
    def correct(self, pk):
        return self._step(pk, "correct")

    @expose("/<int:pk>/decide-objection", methods=["POST"])
    @protect()
    @safe
    def decide_objection(self, pk):
        return self._step(pk, "decide_objection")


def distribution_json(distribution) -> dict:
    verdict = distribution.verdict
    return {
        "agency_id": distribution.agency.id, "period_id": distribution.period.id,
        "organization_predikat": int(distribution.organization_predikat) if distribution.organization_predikat
        else None,
        "team_size": sum(distribution.counts.values()),
        "counts": {str(int(p)): distribution.counts.get(p, 0) for p in evaluations.Predikat},
        "shares": {str(int(p)): str(share) for p, share in distribution.shares.items()},
        "ok": verdict.ok if verdict else None,
        "override": distribution.override.reason if distribution.override else None,
        "policy": {"curve_rounding": distribution.rounding},
        "bounds": [{
            "description": gettext(str(r.bound.description)), "kind": str(r.bound.kind), "limit": r.limit,
            "actual": r.actual, "gap": r.gap, "ok": r.ok,
            "predikats": sorted(int(p) for p in r.bound.predikats),
        } for r in (verdict.results if verdict else ())],
    }


class DistributionApi(BaseApi):
    resource_name = "distribution"
    class_permission_name = "Evaluation"
    method_permission_name = {"get_distribution": "read", "override": "write", "finalise_period": "write"}

    def _agency_period(self, agency_id, period_id):
        agency, period = db.session.get(Agency, agency_id), db.session.get(Period, period_id)
        if agency is None or period is None or not acts.may_see_distribution(agency):
            return None
        return agency, period

    def _act(self, agency_id, period_id, work):
        found = self._agency_period(agency_id, period_id)
        if found is None:
            return self.response_404()
        try:
            work(*found)
        except DomainError as error:
            return self.response_400(message=translated_rule(error))
        return self.response(200, result=distribution_json(evaluations.distribution(*found)))

    @expose("/<int:agency_id>/<int:period_id>", methods=["GET"])
    @protect()
    @safe
    def get_distribution(self, agency_id, period_id):
        return self._act(agency_id, period_id, lambda agency, period: None)

    @expose("/<int:agency_id>/<int:period_id>/override", methods=["POST"])
    @protect()
    @safe
    def override(self, agency_id, period_id):
        reason = (request.get_json(silent=True) or {}).get("reason", "")
        return self._act(agency_id, period_id,
                         lambda agency, period: evaluations.record_override(agency, period, reason))

    @expose("/<int:agency_id>/<int:period_id>/finalise", methods=["POST"])
    @protect()
    @safe
    def finalise_period(self, agency_id, period_id):
        return self._act(agency_id, period_id, evaluations.finalise_agency_period)


EVALUATION_APIS = (EvaluationApi, DistributionApi)
