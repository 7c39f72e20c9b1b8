"""How an in-app notification reads and where it leads: the same in the navbar bell, the notifications page
and the REST list (``/api/v1/notification/``)."""
from flask import url_for
from flask_babel import gettext, lazy_gettext as _l

from app.extensions import db
from app.formatting import DASH, period_name
from app.models.evaluation import Evaluation
from app.models.tpp import TppCalculation
from app.services import cycle
from app.services import dialogue as dialogues
from app.services import evaluation as evaluations
from app.services import tpp

NOTIFICATION_TEXTS = {
    dialogues.DIALOGUE_RECORDED: _l("%(name)s recorded a performance dialogue with you; please respond."),
    dialogues.DIALOGUE_CHANGED: _l("%(name)s changed the record of your performance dialogue."),
    dialogues.DIALOGUE_RESPONDED: _l("%(name)s acknowledged the performance dialogue."),
    dialogues.DIALOGUE_DISAGREED: _l("%(name)s disagreed with the record of the performance dialogue."),
    dialogues.DIALOGUE_REQUESTED: _l("%(name)s asks for a performance dialogue."),
    dialogues.FEEDBACK_GIVEN: _l("%(name)s gave you feedback."),
    # The calendar of the cycle (app.services.cycle): the name is that of the employee the row is about.
    cycle.SKP_REMINDER: _l("Reminder: your SKP must be set soon."),
    cycle.SKP_APPROVAL_REMINDER: _l("Reminder: the SKP of %(name)s waits for your approval; its deadline is near."),
    cycle.EVALUATION_REMINDER: _l("Reminder: the evaluation of %(name)s must be delivered soon, or it passes to your "
                              "superior."),
    cycle.RETURN_REMINDER: _l("Reminder: return your evaluation (%(window)s) signed; its deadline is near."),
    cycle.REPORT_REMINDER: _l("Reminder: the evaluation of %(name)s (%(window)s) must be reported soon."),
    cycle.HANDED_OFF: _l("The evaluation of %(name)s (%(window)s) passed to you: its evaluator missed the deadline."),
    cycle.TAKEN_OVER: _l("The evaluation of %(name)s (%(window)s) passed to your superior: its deadline was "
                         "missed."),
    cycle.OBJECTION_REMINDER: _l("Reminder: decide the objection of %(name)s to their evaluation (%(window)s); its "
                                 "deadline is near."),
    # The objection to an evaluation (app.services.evaluation): the name is that of the one who acted.
    evaluations.OBJECTION_FILED: _l("%(name)s objected to their evaluation (%(window)s); as the evaluator's superior "
                                    "you decide it."),
    evaluations.OBJECTION_DECIDED: _l("%(name)s decided the objection to the evaluation (%(window)s); the result is "
                                      "final."),
    # The name is that of the HR officer; the window, the month corrected.
    tpp.TPP_CORRECTED: _l("%(name)s corrected your TPP of %(window)s; see the new version and why."),
}
# Notifications about a plan (its approval, the evaluation of one of its windows) and about an evaluation.
_PLAN_SUBJECTS = {cycle.SKP_APPROVAL_REMINDER, cycle.EVALUATION_REMINDER}
_EVALUATION_SUBJECTS = {cycle.RETURN_REMINDER, cycle.REPORT_REMINDER, cycle.HANDED_OFF, cycle.TAKEN_OVER,
                        cycle.OBJECTION_REMINDER, evaluations.OBJECTION_FILED, evaluations.OBJECTION_DECIDED}
_WINDOW_NAMES = {"QUARTERLY": "QUARTER", "ANNUAL": "YEAR"}  # monthly windows are named by their dates


def notification_text(note) -> str:
    return gettext(str(NOTIFICATION_TEXTS.get(note.kind, "")), name=note.actor_name, window=_window_of(note))


def _window_of(note) -> str:
    """The window of the evaluation a calendar notification is about ("Triwulan I 2026") or the month of a TPP
    correction ("02-2026"), so that one person's notifications about several windows tell them apart; "" for
    the other notifications."""
    if note.kind == tpp.TPP_CORRECTED:
        calculation = db.session.get(TppCalculation, note.subject_id)
        return f"{calculation.month:02d}-{calculation.year}" if calculation else DASH
    if note.kind not in _EVALUATION_SUBJECTS:
        return ""
    evaluation = db.session.get(Evaluation, note.subject_id)
    if evaluation is None:
        return DASH
    return period_name(_WINDOW_NAMES.get(evaluation.kind, ""), evaluation.window_start, evaluation.window_end)


def notification_link(note) -> str:
    if note.kind == dialogues.DIALOGUE_REQUESTED:
        return url_for("DialogueView.employee", pk=note.subject_id)
    if note.kind == dialogues.FEEDBACK_GIVEN:
        return url_for("DialogueView.index") + "#feedback"
    if note.kind in _PLAN_SUBJECTS:
        return url_for("WorkPlanView.show", pk=note.subject_id)
    if note.kind in _EVALUATION_SUBJECTS:
        return url_for("EvaluationView.show", pk=note.subject_id)
    if note.kind == cycle.SKP_REMINDER:
        return url_for("CycleView.index")
    if note.kind == tpp.TPP_CORRECTED:
        return url_for("AllowanceView.calculation", pk=note.subject_id)
    return url_for("DialogueView.show", pk=note.subject_id)
