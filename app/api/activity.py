"""REST resource of daily activities: ``/api/v1/activity/``.

CRUD of the caller's own activities, validated by the same service check as the form
(status, evaluator and copied scope columns are not writable: they are left out of add/edit columns).
``POST /<pk>/submit``, ``/<pk>/approve``, ``/<pk>/return`` {"note"}, ``/bulk_approve`` {"ids": [...]}:
400 {"message"} on refusal, 404 out of scope, 409 when the activity was already decided or changed.
"""
from flask import request
from flask_appbuilder.api import expose, protect, safe

from app.domain.messages import DomainError
from app.models.activity import DailyActivity
from app.security.scope import ScopedInterface, scoped_select
from app.extensions import db
from app.services import activity as activities
from app.views.activity import ACTIVITY_PERMISSIONS, ActivityWrites
from app.views.base import ScopedApi, translated

WRITABLE_COLUMNS = ["activity_date", "start_time", "end_time", "description", "work_result",
                    "result_indicator", "volume", "output_unit", "evidence_link", "note"]


class DailyActivityApi(ActivityWrites, ScopedApi):
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
    validators = (activities.check_activity,)
    delete_checks = (activities.check_activity_deletable,)

    def _answer(self, work):
        try:
            item = work()
            return self.response(200, id=item.id, status=item.status, version_id=item.version_id)
        except activities.ActivityConflict as error:
            return self.response(409, message=translated(error))
        except DomainError as error:
            return self.response_400(message=translated(error))

    def _transition(self, pk, service, *args):
        item = self.datamodel.get(pk)
        if item is None:
            return self.response_404()
        return self._answer(lambda: service(item, *args))

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
        outcome = activities.decide_many(rows, "approved")
        return self.response(200, approved=outcome.decided,
                             refused=[{"id": a.id, "message": translated(e)} for a, e in outcome.refused],
                             not_found=sorted(set(ids) - {a.id for a in rows}))
