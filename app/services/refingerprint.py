"""Upgrade step (issue 16): give the signed documents from before the fingerprint their fingerprint, where it is
honest to — ``flask documents refingerprint [--dry-run]``.

Before, ``SignedDocument.version_key`` held a short key of the record's version, per kind (``legacy_key``);
now it holds the fingerprint of the data the PDF shows (app.documents.fingerprint), and a valid version whose
key differs from its record's fingerprint reads "data changed after signing". Every version signed before the
upgrade would read so. This decides, per valid version with a key in the old format:

* the old rule, applied to the record as it stands now, gives the stored key: as far as the old key can tell
  the record has not changed since signing, so its key becomes the record's fingerprint now (re-fingerprinted);
* it gives another key, or the record no longer loads: the record changed (or nobody can tell) — the version is
  left as it is and reads "changed", since an unknown moment;
* a snapshot report (the agency summary: figures as of its day) never reads changed: left as it is.

What the old key saw is less than what the paper shows: the SKP's and the evaluation's own row (version, status
and its edit counter, which also moves when a part is added or removed), the award's decree, the IKM report's
respondent counts — not an edit of a part's text in place, nor the employee's or the unit's name. An approved
SKP's parts and a final evaluation cannot be edited, so for them the two agree; for the rest the step trusts the
old key exactly as far as the old verify page did.

Idempotent: versions already holding a fingerprint are counted and left alone, so a second run changes nothing.
The keys are rewritten with one UPDATE statement per version and one audit entry: ``version_key`` is a column no
other code path may change (app.models.document refuses it on the ORM path).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import select, update

from app.documents.catalogue import kind_of, load_subject
from app.documents.fingerprint import fingerprint
from app.extensions import db
from app.models.audit import utcnow
from app.models.document import SignedDocument
from app.models.evaluation import Evaluation
from app.models.planning import WorkPlan
from app.models.recognition import Nomination
from app.models.survey import SurveyPeriod
from app.security.scope import UserScope
from app.services.audit import append_entries

FINGERPRINT = re.compile(r"[0-9a-f]{64}")


@dataclass
class Outcome:
    """The counts a run reports (a dry run counts what it would do)."""

    refingerprinted: int = 0      # old key matched the record: now holds the record's fingerprint
    changed: int = 0              # old key differs from the record's: left, reads "changed"
    record_gone: int = 0          # the record no longer loads: left, reads "changed"
    snapshot: int = 0             # agency summaries: never compared, left
    already_current: int = 0      # held a fingerprint already
    codes_left: list[str] = field(default_factory=list)   # the versions that read "changed", for the operator


def legacy_key(kind_code: str, subject_key: str) -> str | None:
    """The old ``version_key`` of a record as it stands now, by the rule each kind's loader applied before the
    fingerprint (kinds.py and award_certificate.py before issue 16); None when the record is gone."""
    row_id = int(subject_key) if subject_key.isdigit() else None
    if kind_code == "skp":
        plan = db.session.get(WorkPlan, row_id) if row_id else None
        return plan and f"v{plan.version}-{plan.status}-{plan.row_version}"
    if kind_code in ("evaluation", "evaluation_document"):
        evaluation = db.session.get(Evaluation, row_id) if row_id else None
        return evaluation and f"v{evaluation.version}-{evaluation.status}-{evaluation.row_version}"
    if kind_code == "award_certificate":
        nomination = db.session.get(Nomination, row_id) if row_id else None
        if nomination is None or nomination.decree_date is None:
            return None
        return f"{nomination.decree_number}-{nomination.decree_date.isoformat()}"
    if kind_code == "ikm_report":
        from app.services.survey import unit_ikm_report

        period = db.session.get(SurveyPeriod, row_id) if row_id else None
        report = unit_ikm_report(period.unit_id, period.id) if period else None
        return report and f"{report.figures.respondents}-{report.excluded}"
    return None


def refingerprint(*, dry_run: bool = False) -> Outcome:
    """Re-fingerprint the valid signed versions whose record still shows what the old key recorded (see the
    module's docstring); one transaction, nothing written on a dry run."""
    outcome = Outcome()
    updates: list[tuple[int, str]] = []
    for document in db.session.scalars(select(SignedDocument).where(SignedDocument.status == "valid")
                                       .order_by(SignedDocument.id)):
        if FINGERPRINT.fullmatch(document.version_key or ""):
            outcome.already_current += 1
            continue
        try:
            kind = kind_of(document.kind_code)
        except LookupError:
            kind = None
        if kind is not None and kind.snapshot:
            outcome.snapshot += 1
            continue
        try:
            _kind, subject = load_subject(document.kind_code, document.subject_key, UserScope.system())
        except LookupError:
            outcome.record_gone += 1
            outcome.codes_left.append(document.code)
            continue
        if document.version_key and legacy_key(document.kind_code, document.subject_key) == document.version_key:
            updates.append((document.id, fingerprint(kind, subject)))
            outcome.refingerprinted += 1
        else:
            outcome.changed += 1
            outcome.codes_left.append(document.code)
    if dry_run or not updates:
        db.session.rollback()
        return outcome
    for document_id, key in updates:
        db.session.execute(update(SignedDocument).where(SignedDocument.id == document_id)
                           .values(version_key=key).execution_options(synchronize_session=False))
    append_entries(db.session.connection(), [{
        "created_at": utcnow(), "user_id": None, "username": None, "ip_address": None,
        "action": "documents_refingerprinted", "entity": "SignedDocument", "entity_id": None,
        "summary": f"{outcome.refingerprinted} signed versions re-fingerprinted, {outcome.changed + outcome.record_gone} "
                   f"left reading changed",
        "changes": {}}])
    db.session.commit()
    return outcome
