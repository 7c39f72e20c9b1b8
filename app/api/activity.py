"""REST resource of daily activities: ``/api/v1/activity/``.

CRUD of the caller's own activities through the same use-cases as the report form and the list page
(status, evaluator and copied scope columns are not writable: they are left out of add/edit columns).
``POST /<pk>/submit``, ``/<pk>/approve``, ``/<pk>/return`` {"note"}, ``/bulk_approve`` {"ids": [...]}:
400 {"message"} on refusal, 404 out of scope, 409 when the activity's status forbids the step (a submitted
activity is the evaluator's until returned) or someone else decided or changed it first.
"""
from flask import request
from flask_appbuilder.api import expose, protect, safe
from marshmallow import ValidationError

from app.api.base import AnswersUseCases, ScopedApi
from app.formatting import translated
from app.models.activity import DailyActivity
from app.security.scope import ScopedInterface, scoped_select
from app.security.writes import ACTIVITY_PERMISSIONS
from app.extensions import db
from app.services import activity as activities

WRITABLE_COLUMNS = ["activity_date", "start_time", "end_time", "description", "work_result",
                    "result_indicator", "volume", "output_unit", "evidence_link", "note"]


class DailyActivityApi(AnswersUseCases, ScopedApi):
    resource_name = "activity"
    datamodel = ScopedInterface(DailyActivity)
    class_permission_name = "DailyActivity"
    method_permission_name = ACTIVITY_PERMISSIONS
    list_columns = show_columns = ["id", "activity_date", "start_time", "end_time", "description", "volume",
                                   "output_unit", "status", "return_note", "evidence_link", "note",
                                   "employee_id", "evaluator_id", "agency_id", "unit_id", "period_id",
                                   "work_result_id", "result_indicator_id", "evidence_original_name",
                                   "version_id"]
    add_columns = edit_columns = WRITABLE_COLUMNS
    search_columns = ["activity_date", "status"]
    order_columns = ["activity_date", "id"]
    base_order = ("activity_date", "desc")

    def _answer(self, work):
        """The activity's id, status and version at the top of the answer (what a phone client keeps)."""
        def answer():
            item = work()
            return self.response(200, id=item.id, status=item.status, version_id=item.version_id)
        return self._refusing(answer)

    # Create, edit and delete go through the report form's use-cases, not FAB's own writes: one rule, one
    # transaction, the evidence file removed with its activity, a lost race answered 409 (FAB: 422 or 500).
    def post_headless(self):
        if not request.is_json:
            return self.response_400(message="Request is not JSON")
        try:
            item = self.add_model_schema.load(request.json)
        except ValidationError as error:
            return self.response_422(message=error.messages)
        return self._refusing(lambda: self.response(
            201, id=activities.save_activity(item).id, result=self.add_model_schema.dump(item)))

    def put_headless(self, pk):
        item = self.datamodel.get(pk, self._base_filters)
        if item is None:
            return self.response_404()
        if not request.is_json:
            return self.response_400(message="Request is not JSON")
        try:
            item = self.edit_model_schema.load(self._merge_update_item(item, request.json), instance=item)
        except ValidationError as error:
            return self.response_422(message=error.messages)
        return self._refusing(lambda: self.response(
            200, result=self.edit_model_schema.dump(activities.save_activity(item))))

    def delete_headless(self, pk):
        item = self.datamodel.get(pk, self._base_filters)
        if item is None:
            return self.response_404()

        def answer():
            activities.delete_activity(item)
            return self.response(200, message="OK")
        return self._refusing(answer)

    @expose("/<int:pk>/submit", methods=["POST"])
    @protect()
    @safe
    def submit(self, pk):
        return self._transition(pk, activities.submit)

    @expose("/<int:pk>/approve", methods=["POST"])
    @protect()
    @safe
    def approve(self, pk):
        return self._transition(pk, activities.approve)

    @expose("/<int:pk>/return", methods=["POST"])
    @protect()
    @safe
    def return_activity(self, pk):
        return self._transition(pk, activities.return_activity,
                                (request.get_json(silent=True) or {}).get("note", ""))

    @expose("/bulk_approve", methods=["POST"])
    @protect()
    @safe
    def bulk_approve(self):
        ids = (request.get_json(silent=True) or {}).get("ids")
        if not isinstance(ids, list) or not all(isinstance(i, int) for i in ids):
            return self.response_400(message="ids: a list of activity ids is required")
        # Only rows in the caller's scope are fetched; ids outside it are simply not found.
        rows = list(db.session.scalars(scoped_select(DailyActivity).where(DailyActivity.id.in_(ids))))

        def answer():
            outcome = activities.decide_many(rows, "approved")
            return self.response(200, approved=outcome.decided,
                                 refused=[{"id": a.id, "message": translated(e)} for a, e in outcome.refused],
                                 not_found=sorted(set(ids) - {a.id for a in rows}))
        return self._refusing(answer)
