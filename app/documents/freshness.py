"""A signature means what it says (issue 16): when the record that a valid signed version shows changes, that
version becomes "changed" — its data changed after signing — in the transaction that changed the record, with
the moment, whatever path wrote the change (a use-case, a FAB form, the REST API, an import, a script).

Why here and not in each use-case: a record reaches the PDF through many rows (the plan, its results and
indicators, the employee's name and rank, the evaluator ...) that many code paths write; a rule repeated in
every one of them would miss the next path. The session sees every write, so, like the audit log, this
watches the session:

* after each flush, the ids of the rows written that feed a document are noted: plans and their parts,
  evaluations and their parts, nominations — and employees whose printed particulars (name, NIP, rank,
  position, unit, agency) changed;
* before commit, the valid signed versions of the plans, evaluations and nominations written are re-loaded
  and compared with what was signed (``fingerprint.changed_since``: the fingerprint of the data the PDF
  renders, and whether a newer version of the record exists); those that differ are marked changed, as is a
  subject that no longer loads (its award no longer granted, the row gone). The versions that print an
  employee whose particulars changed (as the employee, the evaluator or the signer) are marked changed
  without re-loading them: their paper shows the old particulars by definition, and an import that promotes
  thousands of employees must not re-render the fingerprint of each of their documents.

Writes this does not map to a subject (a renamed unit or position, an agency's new address, the evaluator's
superior, raw SQL) are still caught when the document is verified: app.documents.verification compares the
fingerprint again, only without knowing since when.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import chain

from sqlalchemy import event, exists, inspect, or_, select

from app.documents.catalogue import kind_of, load_subject
from app.documents.fingerprint import changed_since
from app.models import Employee
from app.models.audit import utcnow
from app.models.document import SignedDocument
from app.models.evaluation import Evaluation, EvaluationRealisation, Feedback
from app.models.planning import BehaviourExpectation, ResultIndicator, WorkPlan, WorkResult
from app.models.recognition import Nomination
from app.security.scope import UserScope

_TOUCHED = "documents_touched"
# Bound the IN lists (SQLite allows 32,766 parameters; an import may touch 20,000 employees).
_CHUNK = 500
CHANGED = "changed"


# What render.Person prints of an employee (columns and the relationships behind them).
PRINTED_PARTICULARS = ("name", "nip", "rank", "rank_id", "position", "position_id", "unit", "unit_id", "agency",
                       "agency_id")


@dataclass
class Touched:
    """Ids of the rows written in this transaction that documents show."""

    plans: set[int] = field(default_factory=set)
    results: set[int] = field(default_factory=set)
    evaluations: set[int] = field(default_factory=set)
    nominations: set[int] = field(default_factory=set)
    people: set[int] = field(default_factory=set)     # employees whose printed particulars changed

    def __bool__(self) -> bool:
        return bool(self.plans or self.results or self.evaluations or self.nominations or self.people)


def _particulars_changed(employee: Employee) -> bool:
    state = inspect(employee)
    return state.deleted or any(state.attrs[name].history.has_changes() for name in PRINTED_PARTICULARS)


def _note(row, touched: Touched, new: bool) -> None:
    if isinstance(row, WorkPlan):
        # A new version n+1 (a revision) makes the signed version n outdated.
        touched.plans.update(filter(None, (row.id, row.previous_version_id)))
    elif isinstance(row, (WorkResult, BehaviourExpectation)):
        touched.plans.add(row.work_plan_id)
    elif isinstance(row, ResultIndicator):
        touched.results.add(row.work_result_id)
    elif isinstance(row, Evaluation):
        # A correction (version n+1) makes the signed version n outdated.
        touched.evaluations.update(filter(None, (row.id, row.previous_id)))
    elif isinstance(row, (EvaluationRealisation, Feedback)):
        touched.evaluations.add(row.evaluation_id)
    elif isinstance(row, Employee) and not new and _particulars_changed(row):
        # A new employee is on no signed document yet; a new phone number is on none at all.
        touched.people.add(row.id)
    elif isinstance(row, Nomination):
        touched.nominations.add(row.id)


def _collect(session, _flush_context) -> None:
    """After a flush: new rows have their ids, and new/dirty/deleted still show what this flush wrote."""
    touched = session.info.setdefault(_TOUCHED, Touched())
    for row in session.new:
        _note(row, touched, new=True)
    for row in chain(session.deleted, (row for row in session.dirty if session.is_modified(row))):
        _note(row, touched, new=False)


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    ordered = sorted(ids)
    for start in range(0, len(ordered), _CHUNK):
        yield ordered[start:start + _CHUNK]


def _ids(session, column, *conditions_of) -> set[int]:
    """``column`` of the rows matching any of the (column, ids) pairs, chunked."""
    found: set[int] = set()
    for condition_column, ids in conditions_of:
        for chunk in _chunks(ids):
            found.update(session.scalars(select(column).where(condition_column.in_(chunk))))
    return found


def _by_kind(plans: set[int], evaluations: set[int], nominations: set[int]) -> dict[str, set[int]]:
    return {"skp": plans, "evaluation": evaluations, "evaluation_document": evaluations,
            "award_certificate": nominations}


def _written_subjects(session, touched: Touched) -> dict[str, set[int]]:
    """The subject keys per document kind whose own rows this transaction wrote."""
    plans = set(touched.plans) | _ids(session, WorkResult.work_plan_id, (WorkResult.id, touched.results))
    # The evaluation form prints its plan's results and indicators.
    evaluations = set(touched.evaluations) | _ids(session, Evaluation.id, (Evaluation.work_plan_id, plans))
    return _by_kind(plans, evaluations, set(touched.nominations))


def _subjects_printing(session, people: set[int]) -> dict[str, set[int]]:
    """The subject keys per document kind that print one of ``people``: as the employee or the evaluator of a
    plan or evaluation, as the awardee of a certificate."""
    return _by_kind(_ids(session, WorkPlan.id, (WorkPlan.employee_id, people), (WorkPlan.evaluator_id, people)),
                    _ids(session, Evaluation.id, (Evaluation.employee_id, people),
                         (Evaluation.evaluator_id, people)),
                    _ids(session, Nomination.id, (Nomination.employee_id, people)))


def _valid_versions(session, subjects: dict[str, set[int]], signers: set[int]) -> list[SignedDocument]:
    conditions = [(SignedDocument.kind_code == kind) & SignedDocument.subject_key.in_([str(key) for key in chunk])
                  for kind, keys in subjects.items() for chunk in _chunks(keys)]
    conditions += [SignedDocument.signer_employee_id.in_(chunk) for chunk in _chunks(signers)]
    if not conditions:
        return []
    return list(session.scalars(select(SignedDocument).where(SignedDocument.status == "valid", or_(*conditions))))


def _still_shows_its_record(document: SignedDocument) -> bool:
    try:
        kind, subject = load_subject(document.kind_code, document.subject_key, UserScope.system())
    except LookupError:
        return False
    return not changed_since(kind, subject, document.version_key)


def _mark_changed(session) -> None:
    """Before commit: the valid signed versions whose record this transaction changed become "changed"."""
    session.flush()
    touched = session.info.pop(_TOUCHED, None)
    if not touched or not session.scalar(select(exists().where(SignedDocument.status == "valid"))):
        return
    moment = utcnow()
    # Every signed document prints its signer's particulars too (the signer is the official it names).
    printing = [document for document in _valid_versions(session, _subjects_printing(session, touched.people),
                                                         touched.people)
                if not kind_of(document.kind_code).snapshot]
    written = [document for document in _valid_versions(session, _written_subjects(session, touched), set())
               if document not in printing and not _still_shows_its_record(document)]
    for document in printing + written:
        document.status, document.superseded_at = CHANGED, moment


def _forget(session) -> None:
    session.info.pop(_TOUCHED, None)


_LISTENERS = (("after_flush", _collect), ("before_commit", _mark_changed), ("after_rollback", _forget),
              ("after_commit", _forget))


def install(session) -> None:
    """Attach the listeners to the application's session (once per process), beside the audit log's."""
    for name, listener in _LISTENERS:
        if not event.contains(session, name, listener):
            event.listen(session, name, listener)
