"""Performance dialogue pages (menu Performance → Performance dialogue) and the in-app notifications.

``/dialogue/``: the employee's own dialogues (acknowledge on a phone), the feedback they received and a
"request a dialogue" button; the evaluator's team with the last and the next dialogue (overdue marked);
overdue dialogues per agency for those who read whole agencies. ``/dialogue/employee/<id>``: one employee's
dialogues and feedback, where their evaluator records a dialogue, sets the cadence and gives feedback.
Every row is fetched through the scope; the use-cases in app.services.dialogue decide who may act.
"""
from __future__ import annotations

from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext, lazy_gettext as _l

from app.domain.dialogue import MAX_CADENCE_MONTHS
from app.domain.messages import DomainError
from app.extensions import db
from app.models import Agency, Employee
from app.models.activity import DailyActivity
from app.models.dialogue import PerformanceDialogue
from app.models.versioning import VERSION_FIELD
from app.notifications import notification_link, notification_text
from app.parsing import parse_whole_number
from app.security.scope import ScopedInterface, current_scope, scoped_select
from app.services import dialogue as dialogues
from app.services.transaction import ConcurrentChange
from app.services.versioning import VersionConflict
from app.views.base import AttemptsUseCases, translated
from app.views.versioning import conflict_messages

FORM_ROWS = 3  # empty topic and action rows the form offers (the page's script adds more)
RECENT_ACTIVITIES = 10

def _content(form) -> dialogues.DialogueContent:
    """The dialogue form's fields: topic_result_N/topic_text_N and action_text_N/action_due_N rows."""
    def rows(*names):
        numbers = sorted({key.rsplit("_", 1)[1] for key in form if key.startswith(names[0] + "_")
                          and key.rsplit("_", 1)[1].isdigit()}, key=int)
        return [{field: form.get(f"{prefix}_{number}") for prefix, field in names[1:]} for number in numbers]
    return dialogues.DialogueContent(
        held_on=form.get("held_on"), next_due_on=form.get("next_due_on") or None,
        went_well=form.get("went_well"), to_improve=form.get("to_improve"),
        topics=tuple(rows("topic_text", ("topic_result", "work_result_id"), ("topic_text", "text"))),
        actions=tuple(rows("action_text", ("action_text", "text"), ("action_due", "due_on"))))


# The dialogue's own fields, as its form labels them: what a stale save lists as changed by someone else.
DIALOGUE_LABELS = {"held_on": _l("Date of the dialogue"), "next_due_on": _l("Agreed date of the next dialogue"),
                   "went_well": _l("What goes well"), "to_improve": _l("What to improve"),
                   "status": _l("Status"), "employee_note": _l("Response of the employee")}


def _flash_refusal(error: DomainError) -> None:
    """The reason, and for a save on an old version who changed what since."""
    if isinstance(error, VersionConflict):
        for line in conflict_messages(error, PerformanceDialogue, DIALOGUE_LABELS):
            flash(line, "warning")
    else:
        flash(translated(error), "danger")


def _dialogue_refusal_status(error: DomainError) -> int:
    """A dialogue page's refusal: 409 when someone else changed the dialogue first, 400 for any rule."""
    return 409 if isinstance(error, ConcurrentChange) else 400


class DialogueView(AttemptsUseCases, BaseView):
    route_base = "/dialogue"
    class_permission_name = "Dialogue"
    method_permission_name = {"index": "read", "employee": "read", "show": "read", "record": "write",
                              "edit": "write", "respond": "write", "request_dialogue": "write",
                              "feedback": "write", "cadence": "write"}
    default_view = "index"
    # A refusal of a save on an old version lists who changed what; a dialogue page never answers 403.
    show_refusal = staticmethod(_flash_refusal)
    status_of_refusal = staticmethod(_dialogue_refusal_status)

    def _employee(self, pk) -> Employee:
        employee = ScopedInterface(Employee).get(pk) if pk is not None else None
        if employee is None:
            abort(404)
        return employee

    def _dialogue(self, pk) -> PerformanceDialogue:
        dialogue = ScopedInterface(PerformanceDialogue).get(pk)
        if dialogue is None:
            abort(404)
        return dialogue

    @expose("/")
    @has_access
    def index(self):
        return self._index_page()

    def _index_page(self):
        scope = current_scope()
        me = scope.employee_id
        own = dialogues.employee_dialogues(me) if me else None
        members = dialogues.team(me) if me else []
        agencies = []
        if scope.global_access or scope.agency_ids:
            counts = dialogues.overdue_counts()
            agencies = [(agency, counts.get(agency.id, 0)) for agency in db.session.scalars(
                scoped_select(Agency).where(Agency.active.is_(True)).order_by(Agency.name))]
        peers = dialogues.peers(me) if me and dialogues.peer_feedback_enabled() else []
        return self.render_template(
            "dialogue/index.html", own=own, own_summary=dialogues.dialogue_summary([me]).get(me) if me else None,
            members=members, summaries=dialogues.dialogue_summary([m.id for m in members]),
            open_requests=dialogues.open_request_ids([m.id for m in members]), agencies=agencies,
            peers=peers, peer_results={peer.id: dialogues.results_of(peer) for peer in peers},
            may_respond=dialogues.may_respond)

    @expose("/employee/<int:pk>")
    @has_access
    def employee(self, pk):
        return self._employee_page(self._employee(pk))

    def _employee_page(self, employee):
        history = dialogues.employee_dialogues(employee.id)
        is_evaluator = current_scope().employee_id is not None and \
            current_scope().employee_id == dialogues.evaluator_of(employee) != employee.id
        activities = db.session.scalars(scoped_select(DailyActivity).where(DailyActivity.employee_id == employee.id)
                                        .order_by(DailyActivity.activity_date.desc(), DailyActivity.id.desc())
                                        .limit(RECENT_ACTIVITIES)).all() if is_evaluator else []
        return self.render_template(
            "dialogue/employee.html", employee=employee, history=history, is_evaluator=is_evaluator,
            summary=dialogues.dialogue_summary([employee.id]).get(employee.id),
            cadence=dialogues.cadence_of(employee), max_cadence=MAX_CADENCE_MONTHS,
            results=dialogues.results_of(employee) if is_evaluator else [], activities=activities,
            may_request=current_scope().employee_id in (employee.id, dialogues.evaluator_of(employee)))

    @expose("/show/<int:pk>")
    @has_access
    def show(self, pk):
        return self._show_page(self._dialogue(pk))

    def _show_page(self, dialogue):
        return self.render_template("dialogue/show.html", dialogue=dialogue,
                                    may_respond=dialogues.may_respond(dialogue),
                                    may_change=dialogues.may_change(dialogue))

    def _form(self, employee, dialogue, content=None):
        return self.render_template(
            "dialogue/form.html", employee=employee, dialogue=dialogue, results=dialogues.results_of(employee),
            content=content, rows=FORM_ROWS, today=dialogues.today(), cadence=dialogues.cadence_of(employee),
            version_field=VERSION_FIELD)

    @expose("/record/<int:pk>", methods=["GET", "POST"])
    @has_access
    def record(self, pk):
        employee = self._employee(pk)
        if request.method == "POST":
            content = _content(request.form)
            try:
                dialogue = dialogues.record_dialogue(employee, content)
            except DomainError as error:
                flash(translated(error), "danger")
                return self._form(employee, None, content), 400
            flash(gettext("The dialogue was recorded; %(name)s was notified.", name=employee.name), "info")
            return redirect(url_for("DialogueView.show", pk=dialogue.id))
        return self._form(employee, None)

    @expose("/edit/<int:pk>", methods=["GET", "POST"])
    @has_access
    def edit(self, pk):
        dialogue = self._dialogue(pk)
        if request.method == "POST":
            content = _content(request.form)
            try:
                dialogues.update_dialogue(dialogue, content,
                                          opened_version=parse_whole_number(request.form.get(VERSION_FIELD)))
            except DomainError as error:
                _flash_refusal(error)
                status = _dialogue_refusal_status(error)
                # The person's entries stay; the hidden version becomes the stored one (saving again is then
                # a decision taken knowing the other change).
                return self._form(dialogue.employee, self._dialogue(pk), content), status
            flash(gettext("The dialogue was saved."), "info")
            return redirect(url_for("DialogueView.show", pk=dialogue.id))
        return self._form(dialogue.employee, dialogue)

    @expose("/respond/<int:pk>", methods=["POST"])
    @has_access
    def respond(self, pk):
        dialogue = self._dialogue(pk)
        agree = request.form.get("agree") != "0"
        opened = parse_whole_number(request.form.get(VERSION_FIELD))
        return self._attempt(lambda: dialogues.respond(dialogue, agree, request.form.get("note"),
                                                       opened_version=opened),
                             gettext("You acknowledged the dialogue.") if agree
                             else gettext("Your disagreement was recorded."),
                             url_for("DialogueView.show", pk=pk), lambda: self._show_page(self._dialogue(pk)))

    @expose("/request/<int:pk>", methods=["POST"])
    @has_access
    def request_dialogue(self, pk):
        employee = self._employee(pk)
        if request.form.get("back") == "index":
            back, page = url_for("DialogueView.index"), self._index_page
        else:
            back, page = url_for("DialogueView.employee", pk=pk), lambda: self._employee_page(employee)
        return self._attempt(lambda: dialogues.request_dialogue(employee, request.form.get("note")),
                             gettext("Your request for a dialogue was sent."), back, page)

    @expose("/cadence/<int:pk>", methods=["POST"])
    @has_access
    def cadence(self, pk):
        employee = self._employee(pk)
        return self._attempt(lambda: dialogues.set_cadence(employee, request.form.get("cadence_months")),
                             gettext("The dialogue cadence was saved."), url_for("DialogueView.employee", pk=pk),
                             lambda: self._employee_page(employee))

    @expose("/feedback", methods=["POST"])
    @has_access
    def feedback(self):
        kind, _sep, target = (request.form.get("target") or "").partition(":")
        employee = self._employee(parse_whole_number(request.form.get("employee"))) \
            if request.form.get("employee") else None
        if employee is not None:
            back, page = url_for("DialogueView.employee", pk=employee.id), lambda: self._employee_page(employee)
        else:
            back, page = url_for("DialogueView.index"), self._index_page
        text = request.form.get("text")
        return self._attempt(lambda: dialogues.give_feedback(kind, parse_whole_number(target), text),
                             gettext("The feedback was sent."), back, page)


class NotificationView(BaseView):
    """The signed-in user's notifications: open one (marked read) or mark them all read."""

    route_base = "/notifications"
    class_permission_name = "Notification"
    method_permission_name = {"index": "read", "open": "read", "read_all": "write"}
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        rows = dialogues.notifications(g.user.id)
        return self.render_template("dialogue/notifications.html", rows=rows, text_of=notification_text)

    @expose("/open/<int:pk>")
    @has_access
    def open(self, pk):
        note = dialogues.open_notification(g.user.id, pk)
        if note is None:
            abort(404)
        return redirect(notification_link(note))

    @expose("/read-all", methods=["POST"])
    @has_access
    def read_all(self):
        dialogues.mark_all_read(g.user.id)
        return redirect(url_for("NotificationView.index"))


def unread_notifications() -> int:
    """The navbar bell's count (one indexed COUNT per page of a signed-in user)."""
    user = g.get("user")
    return dialogues.unread_count(user.id) if user is not None and user.is_authenticated else 0


def register_dialogue_views(appbuilder) -> None:
    appbuilder.add_view(DialogueView, "Performance dialogue", label=_l("Performance dialogue"),
                        icon="fa-comments", category="Performance Evaluation",
                        category_label=_l("Performance Evaluation"))
    appbuilder.add_view_no_menu(NotificationView)
    current_app.jinja_env.globals["unread_notifications"] = unread_notifications
