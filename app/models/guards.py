"""Rows that history depends on never change, whatever code path tries: a final evaluation (and its
realisations and feedback) stays as it was finalised; a correction is a new version (DESIGN.md).

These are mapper events, so views, REST resources, services, imports and scripts that go through the ORM
are all refused before anything reaches the database. The database refuses UPDATEs of final evaluations
too (triggers of migration 0009), which covers bulk statements and raw SQL.

An evaluation becomes unchangeable once it is stored as final: within the transaction that creates it
(the demo, an import) it is still being written. Deleting a final evaluation is refused for any signed-in
user; outside a request (command-line maintenance, retention jobs, test clean-up) whole evaluations may
still be removed.
"""
from flask import has_request_context
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session, object_session

from app.domain.messages import N_, DomainError
from app.models.evaluation import Evaluation, EvaluationRealisation, Feedback

FINAL = "final"
FINAL_MESSAGE = N_("This evaluation is final and never changes; create a correction instead.")


class FinalEvaluationChanged(DomainError):
    """A write that would change a final evaluation or what belongs to it."""


def _stored_status(connection, evaluation: Evaluation | None, evaluation_id: int | None) -> str | None:
    """The evaluation's status as stored before this flush; None for one that is being created."""
    if evaluation is not None:
        state = inspect(evaluation)
        if state.pending or state.transient:
            return None
        if "status" in state.committed_state:
            return state.committed_state["status"]
        if "status" in state.dict:
            return state.dict["status"]
        evaluation_id = evaluation.id
    if evaluation_id is None:
        return None
    return connection.scalar(select(Evaluation.status).where(Evaluation.id == evaluation_id))


_CREATED_HERE = "evaluations_created_in_transaction"


def _created_in_this_transaction(evaluation: Evaluation | None, evaluation_id: int | None) -> bool:
    session = object_session(evaluation) if evaluation is not None else None
    key = evaluation.id if evaluation is not None else evaluation_id
    return session is not None and key in session.info.get(_CREATED_HERE, ())


def _refuse_if_final(connection, evaluation: Evaluation | None, evaluation_id: int | None = None) -> None:
    if _stored_status(connection, evaluation, evaluation_id) == FINAL \
            and not _created_in_this_transaction(evaluation, evaluation_id):
        raise FinalEvaluationChanged(FINAL_MESSAGE)


@event.listens_for(Evaluation, "after_insert")
def _remember_created(_mapper, _connection, evaluation):
    object_session(evaluation).info.setdefault(_CREATED_HERE, set()).add(evaluation.id)


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_created(session):
    session.info.pop(_CREATED_HERE, None)


def _changed_columns(evaluation: Evaluation) -> set[str]:
    # A new realisation or feedback makes the ORM bump row_version alone: that is no change of the evaluation
    # (the part's own guard decides about the part).
    state = inspect(evaluation)
    return {attr.key for attr in state.mapper.column_attrs
            if attr.key != "row_version" and state.attrs[attr.key].history.has_changes()}


def _parent(part):
    # The evaluation as already loaded (no lazy load inside a flush), else only its id.
    return part.__dict__.get("evaluation"), part.evaluation_id


@event.listens_for(Evaluation, "before_update")
def _final_evaluation_never_changes(_mapper, connection, evaluation):
    if _changed_columns(evaluation):
        _refuse_if_final(connection, evaluation)


@event.listens_for(Evaluation, "before_delete")
def _final_evaluation_is_not_deleted_by_users(_mapper, connection, evaluation):
    if has_request_context():
        _refuse_if_final(connection, evaluation)


@event.listens_for(EvaluationRealisation, "before_insert")
@event.listens_for(EvaluationRealisation, "before_update")
@event.listens_for(Feedback, "before_insert")
@event.listens_for(Feedback, "before_update")
def _parts_of_a_final_evaluation_never_change(_mapper, connection, part):
    _refuse_if_final(connection, *_parent(part))


@event.listens_for(EvaluationRealisation, "before_delete")
@event.listens_for(Feedback, "before_delete")
def _parts_of_a_final_evaluation_are_not_deleted_by_users(_mapper, connection, part):
    if has_request_context():
        _refuse_if_final(connection, *_parent(part))
