"""Bulk document jobs: every document of one kind for an agency and period, printed or signed in one go.

Use-cases (each one transaction; refusals are DomainError with an English N_ message):
* ``create_job`` — the items are every subject of the agency and period the requester's scope may read;
  while a job for the same agency, period, kind and mode runs, a new submit returns that job;
* ``run_items`` — render (or sign) the given items, each committed on its own as done or failed with the
  error, so progress shows and a crash loses at most one document; the last item to finish assembles the
  output (one ZIP, or one merged PDF joined with pypdf — one HTML for many documents would number the
  pages wrongly, PDF_NOTES.md);
* ``resume_job`` — a job that finished with failures, or that stopped moving (its worker died), runs again
  for the items that are not done;
* ``not_queued`` — the broker refused a job's tasks: a new job is withdrawn, a resumed one is failed again,
  so an outage of the broker never leaves a job "running" that blocks the next submit;
* ``take_over_stalled`` — the sweeper's half: a running job that stopped moving is claimed (by one sweeper
  of the many workers) to have its unfinished items queued again.

Every item is produced at most once, however often its task is delivered (a worker killed mid-chunk, a
broker restoring an unacknowledged task, a sweeper re-queuing a stalled job): an item is marked done by a
conditional UPDATE in the same transaction that stores its signed document, so of two deliveries of one item
exactly one commits and the other rolls back its signature; a delivery that finds its item done skips it.
An unreachable or broken database is not the document's fault: it is raised (the task retries later), never
recorded as the item's failure.

Where the work runs (a Celery worker or a thread of the web process) is app.tasks' business; this module
only needs an application context. Files live in ``<UPLOAD_FOLDER>/document_jobs/<job id>/``, a folder the
web process and the workers share.

Signing uses the institution's credential. Its passphrase is never stored nor sent through the broker: the
worker reads it from the environment variable ``INSTITUTION_CERT_PASSPHRASE``.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import gettext, lazy_gettext as _l
from pypdf import PdfWriter
from sqlalchemy import exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from app.documents.catalogue import load_subject
from app.documents.render import render_pdf
from app.domain.messages import N_, DomainError
from app.errors import DATABASE_UNAVAILABLE
from app.extensions import db
from app.models import Employee, UserAccount
from app.models.audit import utcnow
from app.models.document_job import JOB_MODES, JOB_OUTPUTS, DocumentJob, DocumentJobItem
from app.models.evaluation import Evaluation
from app.models.planning import WorkPlan
from app.security.scope import UserScope, read_filter
from app.services import documents as signing
from app.services.transaction import ConcurrentChange, run_in_transaction

log = logging.getLogger(__name__)

PASSPHRASE_VARIABLE = "INSTITUTION_CERT_PASSPHRASE"
# A running job none of whose documents finished for this long (one takes about a second) lost its worker or
# its queued tasks: the workers' sweeper queues it again, and a person may resume it.
STALLED_AFTER = dt.timedelta(seconds=15)


@dataclass(frozen=True)
class BulkKind:
    """What a job prints: the catalogue's document kind, which rows of the agency and period count, and which
    of those are settled enough to be signed."""

    code: str
    label: Any
    document_kind: str
    model: type
    condition: Callable[[], Any]
    signable: Callable[[], Any]


def _current_approved_plans():
    """Approved SKPs no newer approved version replaces (a revision in progress leaves the old one valid)."""
    newer = aliased(WorkPlan)
    return WorkPlan.status == "approved", ~exists().where(
        newer.employee_id == WorkPlan.employee_id, newer.period_id == WorkPlan.period_id,
        newer.status == "approved", newer.version > WorkPlan.version)


def _current_evaluations(*kinds: str):
    """Evaluations past the evaluator's draft that no newer submitted version (a correction) replaces."""
    newer = aliased(Evaluation)
    return Evaluation.kind.in_(kinds), Evaluation.status != "draft", ~exists().where(
        newer.previous_id == Evaluation.id, newer.status != "draft")


def _signable_plans():
    """The SQL of app.services.document_kinds' signing rule for an SKP (``skp_signing_refusal`` and the newest version):
    approved, and no revision of it exists, whatever the revision's state."""
    newer = aliased(WorkPlan)
    return WorkPlan.status == "approved", ~exists().where(newer.previous_version_id == WorkPlan.id)


def _signable_evaluations():
    """The SQL of app.services.document_kinds' signing rule for an evaluation (``evaluation_signing_refusal`` and the
    newest version): out of draft with both ratings and the predikat given, and no correction of it exists."""
    newer = aliased(Evaluation)
    return (Evaluation.status != "draft", Evaluation.work_result_rating.is_not(None),
            Evaluation.behaviour_rating.is_not(None), Evaluation.predikat.is_not(None),
            ~exists().where(newer.previous_id == Evaluation.id))


BULK_KINDS = {kind.code: kind for kind in (
    BulkKind("evaluation", _l("Evaluations (periodic and annual)"), "evaluation", Evaluation,
             lambda: _current_evaluations("MONTHLY", "QUARTERLY", "ANNUAL"), _signable_evaluations),
    BulkKind("evaluation_periodic", _l("Periodic evaluations"), "evaluation", Evaluation,
             lambda: _current_evaluations("MONTHLY", "QUARTERLY"), _signable_evaluations),
    BulkKind("evaluation_annual", _l("Annual evaluations"), "evaluation", Evaluation,
             lambda: _current_evaluations("ANNUAL"), _signable_evaluations),
    BulkKind("evaluation_document", _l("Annual evaluation documents"), "evaluation_document", Evaluation,
             lambda: _current_evaluations("ANNUAL"), _signable_evaluations),
    BulkKind("skp", _l("SKP (approved work plans)"), "skp", WorkPlan, _current_approved_plans, _signable_plans),
)}
MODES = tuple(code for code, _label in JOB_MODES)
OUTPUTS = tuple(code for code, _label in JOB_OUTPUTS)


def _commit(work):
    return run_in_transaction(work, ConcurrentChange(N_("Someone else changed this job at the same time.")))


def file_stem(text: str) -> str:
    """A name safe in a ZIP on every system: ASCII letters, digits and single hyphens."""
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")


def subjects(bulk_kind: BulkKind, agency_id: int, period_id: int, scope: UserScope,
             mode: str = "print") -> list[tuple[str, str]]:
    """(key, file name) of every subject of the agency and period that ``scope`` may read, by name; for signing,
    only those that single signing would sign (a record still being worked on is left out, not failed)."""
    model = bulk_kind.model
    statement = (select(model.id, Employee.nip, Employee.name)
                 .join(Employee, model.employee_id == Employee.id)
                 .where(model.agency_id == agency_id, model.period_id == period_id, *bulk_kind.condition())
                 .order_by(Employee.name, model.id))
    if mode == "sign":
        statement = statement.where(*bulk_kind.signable())
    condition = read_filter(model, scope)
    if condition is not None:
        statement = statement.where(condition)
    return [(str(key), f"{nip}-{file_stem(name)}-{bulk_kind.document_kind}-{key}.pdf")
            for key, nip, name in db.session.execute(statement)]


def running_job(agency_id: int, period_id: int, subject_kind: str, mode: str) -> DocumentJob | None:
    return db.session.scalar(select(DocumentJob).where(
        DocumentJob.agency_id == agency_id, DocumentJob.period_id == period_id,
        DocumentJob.subject_kind == subject_kind, DocumentJob.mode == mode, DocumentJob.status == "running"))


class NoPublicAddress(DomainError):
    """Signed documents would carry a verification QR code with no address to point to."""

    def __init__(self):
        super().__init__(N_("Bulk signing is not available: the administrator has not yet set the public address "
                            "of the system (PUBLIC_BASE_URL) that the verification QR code of every signed "
                            "document shows."), field="mode")


def _ensure_signable_here(mode: str, verification_base: str | None) -> None:
    if mode == "sign" and not verification_base:
        raise NoPublicAddress()


def create_job(agency, period, subject_kind: str, mode: str, output: str, *, scope: UserScope,
               requester=None, verification_base: str | None = None) -> tuple[DocumentJob, bool]:
    """A new job (True) or the one already running for the same agency, period, kind and mode (False).

    ``agency`` was fetched through the requester's scope by the caller; ``verification_base`` is the public
    address the place that runs the job will print in QR codes (app.tasks.verification_base), required to sign."""
    bulk_kind = BULK_KINDS.get(subject_kind)
    if bulk_kind is None:
        raise DomainError(N_("Choose a kind of document."), field="kind")
    if mode not in MODES:
        raise DomainError(N_("Choose to print or to sign."), field="mode")
    if output not in OUTPUTS:
        raise DomainError(N_("Choose a ZIP or a merged PDF."), field="output")
    if mode == "sign" and output == "pdf":
        raise DomainError(N_("Signed documents come as a ZIP: merging them into one PDF would break their "
                             "signatures."), field="output")
    _ensure_signable_here(mode, verification_base)
    existing = running_job(agency.id, period.id, subject_kind, mode)
    if existing is not None:
        return existing, False
    found = subjects(bulk_kind, agency.id, period.id, scope, mode)
    if not found:
        raise DomainError(N_("%(agency)s has no %(kind)s for %(period)s."), field="kind",
                          agency=agency.name, kind=str(bulk_kind.label), period=period.name)

    def work():
        job = DocumentJob(agency=agency, period=period, subject_kind=subject_kind, mode=mode, output=output,
                          status="running", requested_by_id=getattr(requester, "id", None))
        job.items = [DocumentJobItem(subject_key=key, file_name=name, status="pending") for key, name in found]
        db.session.add(job)
        return job

    try:
        return _commit(work), True
    except IntegrityError:
        # Another submit won the race for the running slot between our check and our insert.
        return running_job(agency.id, period.id, subject_kind, mode), False


def _last_moved(job_id: int, started_at: dt.datetime) -> dt.datetime:
    """When the job last moved: its newest finished item, or when its tasks were last queued."""
    last = db.session.scalar(select(func.max(DocumentJobItem.finished_at)).where(DocumentJobItem.job_id == job_id))
    return max(filter(None, (last, started_at)))


def is_stalled(job: DocumentJob, now: dt.datetime | None = None) -> bool:
    """A running job none of whose items finished within STALLED_AFTER (nor since its tasks were queued)."""
    if job.status != "running":
        return False
    return _last_moved(job.id, job.started_at) < (now or utcnow()) - STALLED_AFTER


def resume_job(job: DocumentJob, *, verification_base: str | None = None) -> tuple[DocumentJob, bool]:
    """Put the job back to running for its failed and unfinished items; the done ones are kept.

    Returns this job (True), or the job that already runs for the same subjects (False)."""
    if job.status == "done":
        raise DomainError(N_("This job is complete; there is nothing to resume."))
    if job.status == "running" and not is_stalled(job):
        raise DomainError(N_("This job is still running."))
    _ensure_signable_here(job.mode, verification_base)

    def work():
        db.session.execute(update(DocumentJobItem).where(
            DocumentJobItem.job_id == job.id, DocumentJobItem.status == "failed").values(status="pending"))
        job.status, job.started_at, job.finished_at, job.result_file, job.error = (
            "running", utcnow(), None, None, None)
        return job

    try:
        return _commit(work), True
    except IntegrityError:
        return running_job(job.agency_id, job.period_id, job.subject_kind, job.mode), False


class QueueUnavailable(DomainError):
    """The broker did not take the job's tasks (it is down or unreachable); see not_queued."""

    def __init__(self):
        super().__init__(N_("The system is busy, please try again in a few moments."))


def not_queued(job_id: int, *, new_job: bool, tasks_queued: int) -> None:
    """The broker refused the job's tasks: leave nothing that blocks a new submission.

    A new job the broker took no task of is withdrawn, as if never submitted; any other job is marked failed
    so that it can be resumed (chunks already queued find it no longer running and do nothing)."""
    def work():
        job = db.session.get(DocumentJob, job_id)
        if new_job and not tasks_queued:
            db.session.delete(job)
        else:
            job.status, job.finished_at = "failed", utcnow()

    _commit(work)


def take_over_stalled(now: dt.datetime | None = None) -> list[int]:
    """The running jobs that stopped moving, each claimed for this caller to queue again (app.tasks' sweeper).

    Claiming moves the job's ``started_at`` to now with a conditional UPDATE: of several sweepers (one per
    worker process) exactly one queues a given job, and the job counts as moving again for STALLED_AFTER. An
    output claimed by an assembler that died is released, so that the next task assembles it again."""
    now = now or utcnow()
    claimed = []
    for job_id, started_at in db.session.execute(
            select(DocumentJob.id, DocumentJob.started_at).where(DocumentJob.status == "running")).all():
        if _last_moved(job_id, started_at) >= now - STALLED_AFTER:
            continue
        taken = db.session.execute(update(DocumentJob).where(
            DocumentJob.id == job_id, DocumentJob.status == "running", DocumentJob.started_at == started_at)
            .values(started_at=now, result_file=None)).rowcount
        db.session.commit()
        if taken:
            claimed.append(job_id)
    return claimed


def pending_item_ids(job_id: int) -> list[int]:
    return list(db.session.scalars(select(DocumentJobItem.id).where(
        DocumentJobItem.job_id == job_id, DocumentJobItem.status != "done").order_by(DocumentJobItem.id)))


def progress(job: DocumentJob) -> dict:
    """The figures of the progress bar."""
    counts = Counter(dict(db.session.execute(
        select(DocumentJobItem.status, func.count()).where(DocumentJobItem.job_id == job.id)
        .group_by(DocumentJobItem.status)).all()))
    total = sum(counts.values())
    finished = counts["done"] + counts["failed"]
    return {"id": job.id, "status": job.status, "status_label": job.status_label, "total": total,
            "done": counts["done"], "failed": counts["failed"], "pending": counts["pending"],
            "percent": round(100 * finished / total) if total else 100,
            "ready": job.status == "done" and bool(job.result_file),
            "resumable": job.status == "failed" or is_stalled(job), "error": reason_text(job.error) or None}


def failed_items(job: DocumentJob) -> list[DocumentJobItem]:
    return list(db.session.scalars(select(DocumentJobItem).where(
        DocumentJobItem.job_id == job.id, DocumentJobItem.status == "failed").order_by(DocumentJobItem.id)))


# --- why an item failed, in the reader's language ---------------------------------------------------

NOT_IN_SCOPE = N_("Not found or out of the requester's scope.")
UNEXPECTED = N_("This document could not be produced because of an unexpected error; the administrator finds "
                "its cause in the log of the worker.")


def _stored_reason(error: Exception) -> str:
    """The reason an item failed, kept untranslated (message and values) so that each reader sees it in their
    own language; an unexpected error's text stays in the log, not on the page."""
    if isinstance(error, DomainError):
        reason = {"message": error.message, "params": {key: str(value) for key, value in error.params.items()}}
    elif isinstance(error, LookupError):
        reason = {"message": NOT_IN_SCOPE, "params": {}}
    else:
        reason = {"message": UNEXPECTED, "params": {}}
    return json.dumps(reason, ensure_ascii=False)


def reason_text(stored: str | None) -> str:
    """A stored failure reason (an item's or a job's) in the current language."""
    if not stored:
        return ""
    try:
        reason = json.loads(stored)
        return gettext(reason["message"], **reason["params"])
    except (ValueError, KeyError, TypeError):
        return stored  # written before reasons were kept untranslated


# --- running the items (in a worker or a background thread) -------------------------------------

def job_folder(job_id: int) -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"]) / "document_jobs" / str(job_id)


def result_path(job: DocumentJob) -> Path | None:
    return job_folder(job.id) / job.result_file if job.result_file else None


def _requester_scope(job: DocumentJob) -> tuple[UserScope, Any]:
    """The scope and user the job acts for: its requester's, re-read now (the system's for the CLI)."""
    requester = db.session.get(UserAccount, job.requested_by_id) if job.requested_by_id else None
    return (UserScope.for_user(requester) if requester else UserScope.system()), requester


class _AlreadyDone(Exception):
    """Another delivery of the same item committed it first; this one's work is rolled back."""


def _write_atomically(path: Path, data: bytes) -> None:
    """Write ``path`` so that no reader (the assembler) ever sees half a file, even from two writers at once."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    partial.write_bytes(data)
    partial.replace(path)


def _record_done(item: DocumentJobItem, folder: Path, pdf: bytes) -> None:
    """Inside the item's transaction: write its file and mark it done, unless another delivery already did."""
    _write_atomically(folder / item.file_name, pdf)
    marked = db.session.execute(update(DocumentJobItem).where(
        DocumentJobItem.id == item.id, DocumentJobItem.status == "pending")
        .values(status="done", error=None, finished_at=utcnow())).rowcount
    if not marked:
        raise _AlreadyDone()


def _sign(item: DocumentJobItem, folder: Path, document_kind: str, scope: UserScope, requester,
          verification_base: str | None) -> None:
    """Sign with the institution's certificate as the requester (Admin or HR Admin may); the signed
    version is stored and supersedes earlier ones like any signature made on the document's page, in one
    transaction with the item marked done."""
    credential = signing.institution_credential()
    if credential is None:
        raise DomainError(N_("No institution certificate is configured; an administrator uploads it first."))
    passphrase = os.environ.get(PASSPHRASE_VARIABLE)
    if not passphrase:
        raise DomainError(N_("The worker has no passphrase for the institution's certificate "
                             "(environment variable %(variable)s)."), variable=PASSPHRASE_VARIABLE)
    if not verification_base:
        raise NoPublicAddress()
    signing.sign_subject(document_kind, item.subject_key, credential_id=credential.id, passphrase=passphrase,
                         scope=scope, actor=requester, verification_base=verification_base,
                         within=lambda pdf: _record_done(item, folder, pdf))


def produce(job: DocumentJob, item: DocumentJobItem, folder: Path, scope: UserScope, requester,
            verification_base: str | None = None) -> None:
    """Produce one item's PDF into ``folder`` and mark it done: rendered for printing, or signed (the signed
    document is also kept as such). _AlreadyDone when another delivery of the item committed it first."""
    document_kind = BULK_KINDS[job.subject_kind].document_kind
    if job.mode == "sign":
        _sign(item, folder, document_kind, scope, requester, verification_base)
        return
    kind, subject = load_subject(document_kind, item.subject_key, scope)
    _commit(lambda: _record_done(item, folder, render_pdf(kind, subject)))


def _record_failure(item_id: int, error: Exception) -> None:
    db.session.execute(update(DocumentJobItem).where(
        DocumentJobItem.id == item_id, DocumentJobItem.status == "pending")
        .values(status="failed", error=_stored_reason(error), finished_at=utcnow()))
    db.session.commit()


def run_items(job_id: int, item_ids: Iterable[int] | None = None, on_item: Callable[[], None] | None = None,
              *, verification_base: str | None = None) -> None:
    """Produce the job's pending items among ``item_ids`` (all when None), committing each one, then
    assemble the output if this was the last. A failing item is recorded and the others go on; the database
    failing is raised (DATABASE_UNAVAILABLE) for the caller to retry: what was committed stays done."""
    job = db.session.get(DocumentJob, job_id)
    if job is None or job.status != "running":
        return
    scope, requester = _requester_scope(job)
    folder = job_folder(job_id)
    folder.mkdir(parents=True, exist_ok=True)
    wanted = set(item_ids) if item_ids is not None else None
    pending = db.session.scalars(select(DocumentJobItem.id).where(
        DocumentJobItem.job_id == job_id, DocumentJobItem.status == "pending").order_by(DocumentJobItem.id)).all()
    for item_id in pending:
        if wanted is not None and item_id not in wanted:
            continue
        item = db.session.get(DocumentJobItem, item_id)
        try:
            produce(job, item, folder, scope, requester, verification_base)
        except _AlreadyDone:
            pass  # done by the other delivery: counted all the same
        except DATABASE_UNAVAILABLE:
            db.session.rollback()
            raise
        except Exception as error:  # noqa: BLE001 — one bad document must not stop the other 1,499
            db.session.rollback()
            log.warning("document job %s item %s failed: %s", job_id, item_id, error,
                        exc_info=not isinstance(error, (DomainError, LookupError)))
            _record_failure(item_id, error)
        if on_item:
            on_item()
    finish_if_complete(job_id)


def finish_if_complete(job_id: int) -> None:
    """When no item is pending: mark the job failed (some items failed) or assemble its output.

    Chunks finish in parallel; the conditional UPDATE lets exactly one of them assemble."""
    counts = Counter(dict(db.session.execute(
        select(DocumentJobItem.status, func.count()).where(DocumentJobItem.job_id == job_id)
        .group_by(DocumentJobItem.status)).all()))
    if counts["pending"]:
        return
    claimable = (DocumentJob.id == job_id, DocumentJob.status == "running", DocumentJob.result_file.is_(None))
    if counts["failed"]:
        db.session.execute(update(DocumentJob).where(*claimable).values(status="failed", finished_at=utcnow()))
        db.session.commit()
        return
    job = db.session.get(DocumentJob, job_id)
    if job is None:  # deleted (by its owner or a clean-up) while its last chunk was running
        return
    name = f"{file_stem(job.agency.code)}-{job.period.year}-{job.subject_kind}-{job.mode}.{job.output}"
    claimed = db.session.execute(update(DocumentJob).where(*claimable).values(result_file=name)).rowcount
    db.session.commit()
    if not claimed:
        return
    try:
        _assemble(job_id, name)
        values = {"status": "done", "finished_at": utcnow()}
    except DATABASE_UNAVAILABLE:
        raise  # the output stays claimed by nobody alive: the sweeper releases it and a task assembles again
    except Exception as error:  # noqa: BLE001 — recorded on the job; resuming assembles again
        log.exception("document job %s: assembling the output failed", job_id)
        values = {"status": "failed", "finished_at": utcnow(), "result_file": None, "error": _stored_reason(error)}
    db.session.execute(update(DocumentJob).where(DocumentJob.id == job_id).values(**values))
    db.session.commit()


def _assemble(job_id: int, name: str) -> None:
    folder = job_folder(job_id)
    files = [folder / file_name for file_name in db.session.scalars(
        select(DocumentJobItem.file_name).where(DocumentJobItem.job_id == job_id).order_by(DocumentJobItem.id))]
    partial = folder / f".{name}.{os.getpid()}.part"  # an assembler the sweeper presumed dead may still write
    if name.endswith(".zip"):
        # PDFs are compressed already; storing them keeps a 1,500-document ZIP fast to write.
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_STORED) as archive:
            for path in files:
                archive.write(path, path.name)
    else:
        writer = PdfWriter()
        for path in files:
            writer.append(str(path))
        with partial.open("wb") as stream:
            writer.write(stream)
    partial.replace(folder / name)
