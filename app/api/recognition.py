"""REST resources of recognition.

* ``GET /api/v1/recognition/candidates?period=2026&agency=`` — Karya Satya, ASN Berprestasi (month, year) and
  best-unit candidates with their evidence, within the caller's scope.
* ``GET /api/v1/recognition/nominations?status=`` — nominations the caller may see.
* ``POST /api/v1/recognition/nominations`` {"award_type_id", "period", "employee_id" | "nip" | "unit_id",
  "justification", "exception_reason"} — HR Admin, or an Agency Admin within their agencies; never oneself.
* ``POST /api/v1/recognition/nominations/<id>/approve``, ``/award`` {"decree_number", "decree_date"},
  ``/reject`` {"note"} — HR Admin, never on a nomination of themselves; four eyes (app.security.acts). Each
  may send the ``row_version`` the decision was taken on (every nomination's JSON carries it).
400 {"message"} on refusal (duplicate for the period, ineligible without exception, wrong step), 404 out of scope,
409 when another decision on the nomination was saved at the same moment (of an award and a rejection, one wins)
or after the ``row_version`` sent: {"message", "row_version", "changed", "changed_by"}.
"""
import datetime as dt

from flask import request
from flask_babel import gettext
from flask_appbuilder.api import BaseApi, expose, protect, safe

from app.api.base import AnswersUseCases
from app.domain.messages import N_, DomainError
from app.extensions import db
from app.formatting import translated
from app.models.recognition import Nomination
from app.models.versioning import VERSION_FIELD
from app.parsing import parse_whole_number
from app.security.scope import scoped_select
from app.services import recognition
from app.services.activity import today
from app.services.versioning import opened_version


def nomination_json(row: Nomination) -> dict:
    awarded = row.status == "awarded"
    return {"id": row.id, "award_type": {"id": row.award_type_id, "code": row.award_type.code,
                                         "name": row.award_type.name},
            "period": row.period, "status": row.status, "agency_id": row.agency_id,
            "employee": {"id": row.employee.id, "name": row.employee.name, "nip": row.employee.nip}
            if row.employee else None,
            "unit": {"id": row.unit.id, "name": row.unit.name} if row.unit else None,
            "justification": row.justification, "exception_reason": row.exception_reason,
            "decree_number": row.decree_number,
            "decree_date": row.decree_date.isoformat() if row.decree_date else None, "note": row.note,
            "certificate": f"/documents/award_certificate/{row.id}" if awarded else None,
            VERSION_FIELD: row.row_version}


def candidate_json(candidate) -> dict:
    return {"award_type": {"id": candidate.award_type.id, "code": candidate.award_type.code},
            "period": candidate.period, "agency_id": candidate.agency.id,
            "employee": {"id": candidate.employee.id, "name": candidate.employee.name, "nip": candidate.employee.nip}
            if candidate.employee else None,
            "unit": {"id": candidate.unit.id, "name": candidate.unit.name} if candidate.unit else None,
            "evidence": gettext(candidate.evidence[0], **candidate.evidence[1]),
            "score": float(candidate.score) if candidate.score is not None else None}


class RecognitionApi(AnswersUseCases, BaseApi):
    resource_name = "recognition"
    class_permission_name = "Recognition"
    method_permission_name = {"candidates": "read", "list_nominations": "read", "nominate": "write",
                              "approve": "write", "award": "write", "reject": "write"}
    answer_shape = staticmethod(nomination_json)

    @expose("/candidates", methods=["GET"])
    @protect()
    @safe
    def candidates(self):
        try:
            groups = recognition.candidates(request.args.get("period") or str(today().year), today(),
                                            parse_whole_number(request.args.get("agency")))
        except DomainError as error:
            return self.response_400(message=translated(error))
        return self.response(200, result={name: [candidate_json(c) for c in rows] for name, rows in groups.items()})

    @expose("/nominations", methods=["GET"])
    @protect()
    @safe
    def list_nominations(self):
        return self.response(200, result=[nomination_json(row) for row in
                                          recognition.nominations(request.args.get("status") or None)])

    @expose("/nominations", methods=["POST"])
    @protect()
    @safe
    def nominate(self):
        body = request.get_json(silent=True)
        try:
            return self._answer(lambda: recognition.nominate_as_asked(body if isinstance(body, dict) else {}))
        except recognition.RecipientNotFound:
            return self.response_404()

    def _with(self, pk, work):
        nomination = db.session.scalar(scoped_select(Nomination).where(Nomination.id == pk))
        if nomination is None:
            return self.response_404()
        return self._answer(lambda: work(nomination, request.get_json(silent=True) or {}))

    @expose("/nominations/<int:pk>/approve", methods=["POST"])
    @protect()
    @safe
    def approve(self, pk):
        return self._with(pk, lambda nomination, body: recognition.approve(
            nomination, opened_version=opened_version(nomination, body)))

    @expose("/nominations/<int:pk>/award", methods=["POST"])
    @protect()
    @safe
    def award(self, pk):
        def work(nomination, body):
            try:
                decree_date = dt.date.fromisoformat(str(body["decree_date"])) if body.get("decree_date") else None
            except ValueError:
                raise DomainError(N_("Give the date as YYYY-MM-DD"), field="decree_date") from None
            return recognition.award(nomination, str(body.get("decree_number") or ""), decree_date,
                                     opened_version=opened_version(nomination, body))
        return self._with(pk, work)

    @expose("/nominations/<int:pk>/reject", methods=["POST"])
    @protect()
    @safe
    def reject(self, pk):
        return self._with(pk, lambda nomination, body: recognition.reject(
            nomination, str(body.get("note") or ""), opened_version=opened_version(nomination, body)))


RECOGNITION_APIS = (RecognitionApi,)
