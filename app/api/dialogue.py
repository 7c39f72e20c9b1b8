"""REST resources of the performance dialogue and continuous feedback (app.services.dialogue decides who acts).

* ``GET /api/v1/dialogue/?employee_id=&page=&page_size=`` — dialogues the caller may see, newest first;
  ``GET /<pk>`` one (404 out of scope).
* ``POST /api/v1/dialogue/`` {"employee_id", "held_on", "next_due_on"?, "went_well", "to_improve",
  "topics": [{"work_result_id"?, "text"}], "actions": [{"text", "due_on"}]} records one (the employee's
  evaluator only); ``PUT /<pk>`` the same fields but employee_id, and the ``row_version`` read (428 without,
  409 with what changed when it is old), corrects it until the employee responded;
  ``POST /<pk>/respond`` {"agree": true|false, "note", "row_version"?} — the employee, once (a disagreement
  needs a note; 409 when the evaluator corrected the dialogue after the version sent).
* ``POST /api/v1/dialogue/request`` {"employee_id", "note"} — the employee or their evaluator asks for one.
* ``PUT /api/v1/dialogue/cadence/<employee_id>`` {"cadence_months": 1–12} — the evaluator.
* ``GET /api/v1/dialogue/summary?employee_id=1&employee_id=2`` — last and next date, overdue, feedback count;
  ``GET /team`` the caller's team with the same; ``GET /overdue`` overdue dialogues per agency in scope.
* ``GET /api/v1/dialogue/feedback?employee_id=`` — feedback received; ``POST /feedback`` {"target_kind":
  "RESULT"|"ACTIVITY", "target_id", "text"}.
* ``GET /api/v1/dialogue/evaluation/<evaluation_id>`` — the window's dialogues and feedback per RHK, offered
  as the evaluation's "umpan balik berkelanjutan" (the evaluator adds it, edited, with the evaluation's
  ``POST /api/v1/evaluation/<pk>/feedback``).
* ``GET /api/v1/notification/`` — the caller's notifications and unread count; ``POST /<pk>/read``,
  ``POST /read-all``.

Refusals answer 400 {"message"} in the request's language (``?_l_=id``), 404 for what the caller may not see,
409 when someone else changed the dialogue first; nothing is written.
"""
from __future__ import annotations

from flask import g, request
from flask_appbuilder.api import BaseApi, expose, protect, safe
from flask_babel import gettext

from app.api.base import AnswersUseCases
from app.domain.messages import N_, DomainError
from app.extensions import db
from app.formatting import translated
from app.models import Agency, Employee
from app.models.dialogue import PerformanceDialogue, PerformanceFeedback
from app.models.evaluation import Evaluation
from app.models.versioning import VERSION_FIELD
from app.notifications import notification_link, notification_text
from app.parsing import parse_whole_number
from app.security.scope import ScopedInterface, current_scope, scoped_select
from app.services import dialogue as dialogues
from app.services.versioning import opened_version

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
CONTENT_FIELDS = {"held_on", "next_due_on", "went_well", "to_improve", "topics", "actions"}


def _day(value):
    return value.isoformat() if value else None


def dialogue_json(dialogue: PerformanceDialogue) -> dict:
    return {
        "id": dialogue.id, "employee": {"id": dialogue.employee_id, "name": dialogue.employee.name},
        "evaluator": {"id": dialogue.evaluator_id, "name": dialogue.evaluator.name if dialogue.evaluator else None},
        "agency_id": dialogue.agency_id, "held_on": _day(dialogue.held_on), "next_due_on": _day(dialogue.next_due_on),
        "went_well": dialogue.went_well, "to_improve": dialogue.to_improve, "status": dialogue.status,
        "status_label": dialogue.status_label, "employee_note": dialogue.employee_note,
        "responded_at": dialogue.responded_at.isoformat() if dialogue.responded_at else None,
        VERSION_FIELD: dialogue.row_version,
        "topics": [{"work_result_id": t.work_result_id, "text": t.text} for t in dialogue.topics],
        "actions": [{"text": a.text, "due_on": _day(a.due_on)} for a in dialogue.actions],
    }


def feedback_json(item: PerformanceFeedback) -> dict:
    return {"id": item.id, "employee_id": item.employee_id, "author": {"id": item.author_id, "name": item.author.name},
            "source": item.source, "source_label": item.source_label, "target_kind": item.target_kind,
            "work_result_id": item.result_id, "daily_activity_id": item.daily_activity_id, "text": item.text,
            "created_at": item.created_at.isoformat()}


def summary_json(employee_id: int, summary: dialogues.DialogueSummary) -> dict:
    return {"employee_id": employee_id, "last_held_on": _day(summary.last_held_on),
            "next_due_on": _day(summary.next_due_on), "overdue": summary.overdue,
            "feedback_count": summary.feedback_count}


def _content(body: dict) -> dialogues.DialogueContent:
    for name in ("topics", "actions"):
        if not isinstance(body.get(name) or [], list):
            raise DomainError(N_("Topics and agreed actions are lists."), field=name)
    return dialogues.DialogueContent(**{name: body.get(name) for name in CONTENT_FIELDS - {"topics", "actions"}},
                                     topics=tuple(body.get("topics") or ()), actions=tuple(body.get("actions") or ()))


class DialogueApi(AnswersUseCases, BaseApi):
    resource_name = "dialogue"
    class_permission_name = "Dialogue"
    method_permission_name = {"list_dialogues": "read", "get_dialogue": "read", "record": "write",
                              "update": "write", "respond": "write", "request_dialogue": "write",
                              "cadence": "write", "summary": "read", "team": "read", "overdue": "read",
                              "list_feedback": "read", "feedback": "write", "evaluation_feedback": "read"}
    answer_shape = staticmethod(dialogue_json)

    def _body(self) -> dict:
        body = request.get_json(silent=True)
        return body if isinstance(body, dict) else {}

    def _employee(self, value):
        number = parse_whole_number(value) if not isinstance(value, bool) else None
        return ScopedInterface(Employee).get(number) if number is not None else None

    @expose("/", methods=["GET"])
    @protect()
    @safe
    def list_dialogues(self):
        page = max(parse_whole_number(request.args.get("page")) or 0, 0)
        size = min(max(parse_whole_number(request.args.get("page_size")) or DEFAULT_PAGE_SIZE, 1), MAX_PAGE_SIZE)
        query = scoped_select(PerformanceDialogue)
        employee_id = parse_whole_number(request.args.get("employee_id"))
        if employee_id is not None:
            query = query.where(PerformanceDialogue.employee_id == employee_id)
        rows = db.session.scalars(query.order_by(PerformanceDialogue.held_on.desc(), PerformanceDialogue.id.desc())
                                  .offset(page * size).limit(size))
        return self.response(200, result=[dialogue_json(row) for row in rows], page=page, page_size=size)

    @expose("/<int:pk>", methods=["GET"])
    @protect()
    @safe
    def get_dialogue(self, pk):
        dialogue = ScopedInterface(PerformanceDialogue).get(pk)
        return self.response_404() if dialogue is None else self.response(200, result=dialogue_json(dialogue))

    @expose("/", methods=["POST"])
    @protect()
    @safe
    def record(self):
        body = self._body()
        employee = self._employee(body.get("employee_id"))
        if employee is None:
            return self.response_404()
        return self._answer(lambda: dialogues.record_dialogue(employee, _content(body)), status=201)

    @expose("/<int:pk>", methods=["PUT"])
    @protect()
    @safe
    def update(self, pk):
        dialogue = ScopedInterface(PerformanceDialogue).get(pk)
        if dialogue is None:
            return self.response_404()
        body = self._body()
        if VERSION_FIELD not in body:
            return self.response(428, message=gettext(
                "Send the row_version you read (GET /api/v1/%(resource)s/%(id)s) with every change, so that no "
                "one else's change is overwritten unseen.", resource=self.resource_name, id=pk))
        return self._answer(lambda: dialogues.update_dialogue(dialogue, _content(body),
                                                              opened_version=opened_version(dialogue, body)))

    @expose("/<int:pk>/respond", methods=["POST"])
    @protect()
    @safe
    def respond(self, pk):
        dialogue = ScopedInterface(PerformanceDialogue).get(pk)
        if dialogue is None:
            return self.response_404()
        body = self._body()
        if not isinstance(body.get("agree"), bool):
            return self.response_400(message=translated(DomainError(N_(
                "Say whether you agree (true) or disagree (false)."), field="agree")))
        return self._answer(lambda: dialogues.respond(dialogue, body["agree"], body.get("note"),
                                                      opened_version=opened_version(dialogue, body)))

    @expose("/request", methods=["POST"])
    @protect()
    @safe
    def request_dialogue(self):
        body = self._body()
        employee = self._employee(body.get("employee_id"))
        if employee is None:
            return self.response_404()
        return self._answer(lambda: dialogues.request_dialogue(employee, body.get("note")),
                            shape=lambda row: {"id": row.id, "employee_id": row.employee_id,
                                               "requested_by_id": row.requested_by_id, "status": row.status},
                            status=201)

    @expose("/cadence/<int:employee_id>", methods=["PUT"])
    @protect()
    @safe
    def cadence(self, employee_id):
        employee = self._employee(employee_id)
        if employee is None:
            return self.response_404()
        months = self._body().get("cadence_months")
        return self._answer(lambda: dialogues.set_cadence(employee, months),
                            shape=lambda row: {"employee_id": row.employee_id, "cadence_months": row.cadence_months})

    @expose("/summary", methods=["GET"])
    @protect()
    @safe
    def summary(self):
        ids = [number for number in map(parse_whole_number, request.args.getlist("employee_id")) if number]
        if len(ids) > MAX_PAGE_SIZE:
            return self.response_400(message=translated(DomainError(N_(
                "Ask for at most %(max)d employees at once."), max=MAX_PAGE_SIZE)))
        visible = set(db.session.scalars(scoped_select(Employee, Employee.id).where(Employee.id.in_(ids)))) \
            if ids else set()
        summaries = dialogues.dialogue_summary(visible)
        return self.response(200, result=[summary_json(i, summaries[i]) for i in sorted(visible)])

    @expose("/team", methods=["GET"])
    @protect()
    @safe
    def team(self):
        me = current_scope().employee_id
        members = dialogues.team(me) if me else []
        summaries = dialogues.dialogue_summary([m.id for m in members])
        return self.response(200, result=[{**summary_json(m.id, summaries[m.id]), "name": m.name} for m in members])

    @expose("/overdue", methods=["GET"])
    @protect()
    @safe
    def overdue(self):
        counts = dialogues.overdue_counts()
        agencies = db.session.scalars(scoped_select(Agency).where(Agency.active.is_(True)).order_by(Agency.name))
        return self.response(200, result=[{"agency_id": a.id, "agency": a.name, "overdue": counts.get(a.id, 0)}
                                          for a in agencies])

    @expose("/evaluation/<int:pk>", methods=["GET"])
    @protect()
    @safe
    def evaluation_feedback(self, pk):
        """What the evaluation's window offers as "umpan balik berkelanjutan": per RHK the dated lines of the
        dialogue topics and feedback and the proposal made of them, and the dialogues held in the window."""
        evaluation = ScopedInterface(Evaluation).get(pk)
        if evaluation is None:
            return self.response_404()
        proposals = dialogues.window_feedback(evaluation.employee_id,
                                              [result.id for result in evaluation.work_plan.results],
                                              evaluation.window_start, evaluation.window_end)
        return self.response(200, result={
            "evaluation_id": evaluation.id,
            "results": [{"work_result_id": item.work_result_id, "lines": item.lines, "proposal": item.proposal}
                        for item in proposals.values()],
            "dialogues": [dialogue_json(row) for row in dialogues.window_dialogues(
                evaluation.employee_id, evaluation.window_start, evaluation.window_end)]})

    @expose("/feedback", methods=["GET"])
    @protect()
    @safe
    def list_feedback(self):
        query = scoped_select(PerformanceFeedback)
        employee_id = parse_whole_number(request.args.get("employee_id"))
        if employee_id is not None:
            query = query.where(PerformanceFeedback.employee_id == employee_id)
        rows = db.session.scalars(query.order_by(PerformanceFeedback.created_at.desc()).limit(MAX_PAGE_SIZE))
        return self.response(200, result=[feedback_json(row) for row in rows])

    @expose("/feedback", methods=["POST"])
    @protect()
    @safe
    def feedback(self):
        body = self._body()
        return self._answer(lambda: dialogues.give_feedback(body.get("target_kind"), body.get("target_id"),
                                                            body.get("text")), shape=feedback_json, status=201)


class NotificationApi(BaseApi):
    resource_name = "notification"
    class_permission_name = "Notification"
    method_permission_name = {"list_notifications": "read", "read_one": "write", "read_all": "write"}

    @expose("/", methods=["GET"])
    @protect()
    @safe
    def list_notifications(self):
        rows = dialogues.notifications(g.user.id)
        return self.response(200, unread=dialogues.unread_count(g.user.id), result=[{
            "id": n.id, "kind": n.kind, "text": notification_text(n), "link": notification_link(n),
            "created_at": n.created_at.isoformat(), "read": n.read_at is not None} for n in rows])

    @expose("/<int:pk>/read", methods=["POST"])
    @protect()
    @safe
    def read_one(self, pk):
        note = dialogues.open_notification(g.user.id, pk)
        return self.response_404() if note is None else self.response(200, unread=dialogues.unread_count(g.user.id))

    @expose("/read-all", methods=["POST"])
    @protect()
    @safe
    def read_all(self):
        return self.response(200, marked=dialogues.mark_all_read(g.user.id), unread=0)


DIALOGUE_APIS = (DialogueApi, NotificationApi)
