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
  so an outage of the broker never leaves a job "running" that blocks the next submit.

Where the work runs (a Celery worker or a thread of the web process) is app.tasks' business; this module
only needs an application context. Files live in ``<UPLOAD_FOLDER>/document_jobs/<job id>/``, a folder the
web process and the workers share.

Signing uses the institution's credential. Its passphrase is never stored nor sent through the broker: the
worker reads it from the environment variable ``INSTITUTION_CERT_PASSPHRASE``.
"""
from __future__ import annotations

import datetime as dt
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
from flask_babel import lazy_gettext as _l
from pypdf import PdfWriter
from sqlalchemy import exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from app.documents.catalogue import load_subject
from app.documents.render import render_pdf
from app.domain.messages import N_, DomainError
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
# A running job whose items have not moved for this long lost its worker; it may be resumed.
STALLED_AFTER = dt.timedelta(minutes=15)


@dataclass(frozen=True)
class BulkKind:
    """What a job prints: the catalogue's document kind and which rows of the agency and period count."""

    code: str
    label: Any
    document_kind: str
    model: type
    condition: Callable[[], Any]


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


BULK_KINDS = {kind.code: kind for kind in (
    BulkKind("evaluation", _l("Evaluations (periodic and annual)"), "evaluation", Evaluation,
             lambda: _current_evaluations("MONTHLY", "QUARTERLY", "ANNUAL")),
    BulkKind("evaluation_periodic", _l("Periodic evaluations"), "evaluation", Evaluation,
             lambda: _current_evaluations("MONTHLY", "QUARTERLY")),
    BulkKind("evaluation_annual", _l("Annual evaluations"), "evaluation", Evaluation,
             lambda: _current_evaluations("ANNUAL")),
    BulkKind("evaluation_document", _l("Annual evaluation documents"), "evaluation_document", Evaluation,
             lambda: _current_evaluations("ANNUAL")),
    BulkKind("skp", _l("SKP (approved work plans)"), "skp", WorkPlan, _current_approved_plans),
)}
MODES = tuple(code for code, _label in JOB_MODES)
OUTPUTS = tuple(code for code, _label in JOB_OUTPUTS)


def _commit(work):
    return run_in_transaction(work, ConcurrentChange(N_("Someone else changed this job at the same time.")))


def file_stem(text: str) -> str:
    """A name safe in a ZIP on every system: ASCII letters, digits and single hyphens."""
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")


def subjects(bulk_kind: BulkKind, agency_id: int, period_id: int, scope: UserScope) -> list[tuple[str, str]]:
    """(key, file name) of every subject of the agency and period that ``scope`` may read, by name."""
    model = bulk_kind.model
    statement = (select(model.id, Employee.nip, Employee.name)
                 .join(Employee, model.employee_id == Employee.id)
                 .where(model.agency_id == agency_id, model.period_id == period_id, *bulk_kind.condition())
                 .order_by(Employee.name, model.id))
    condition = read_filter(model, scope)
    if condition is not None:
        statement = statement.where(condition)
    return [(str(key), f"{nip}-{file_stem(name)}-{bulk_kind.document_kind}-{key}.pdf")
            for key, nip, name in db.session.execute(statement)]


def running_job(agency_id: int, period_id: int, subject_kind: str, mode: str) -> DocumentJob | None:
    return db.session.scalar(select(DocumentJob).where(
        DocumentJob.agency_id == agency_id, DocumentJob.period_id == period_id,
        DocumentJob.subject_kind == subject_kind, DocumentJob.mode == mode, DocumentJob.status == "running"))


def create_job(agency, period, subject_kind: str, mode: str, output: str, *, scope: UserScope,
               requester=None) -> tuple[DocumentJob, bool]:
    """A new job (True) or the one already running for the same agency, period, kind and mode (False).

    ``agency`` was fetched through the requester's scope by the caller."""
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
    existing = running_job(agency.id, period.id, subject_kind, mode)
    if existing is not None:
        return existing, False
    found = subjects(bulk_kind, agency.id, period.id, scope)
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


def is_stalled(job: DocumentJob, now: dt.datetime | None = None) -> bool:
    """A running job none of whose items finished within STALLED_AFTER (nor since it started)."""
    if job.status != "running":
        return False
    now = now or utcnow()
    last = db.session.scalar(select(func.max(DocumentJobItem.finished_at)).where(DocumentJobItem.job_id == job.id))
    return max(filter(None, (last, job.started_at))) < now - STALLED_AFTER


def resume_job(job: DocumentJob) -> tuple[DocumentJob, bool]:
    """Put the job back to running for its failed and unfinished items; the done ones are kept.

    Returns this job (True), or the job that already runs for the same subjects (False)."""
    if job.status == "done":
        raise DomainError(N_("This job is complete; there is nothing to resume."))
    if job.status == "running" and not is_stalled(job):
        raise DomainError(N_("This job is still running."))

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
            "resumable": job.status == "failed" or is_stalled(job), "error": job.error}


def failed_items(job: DocumentJob) -> list[DocumentJobItem]:
    return list(db.session.scalars(select(DocumentJobItem).where(
        DocumentJobItem.job_id == job.id, DocumentJobItem.status == "failed").order_by(DocumentJobItem.id)))


# --- running the items (in a worker or a background thread) -------------------------------------

def job_folder(job_id: int) -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"]) / "document_jobs" / str(job_id)


def result_path(job: DocumentJob) -> Path | None:
    return job_folder(job.id) / job.result_file if job.result_file else None


def _requester_scope(job: DocumentJob) -> tuple[UserScope, Any]:
    """The scope and user the job acts for: its requester's, re-read now (the system's for the CLI)."""
    requester = db.session.get(UserAccount, job.requested_by_id) if job.requested_by_id else None
    return (UserScope.for_user(requester) if requester else UserScope.system()), requester


def _sign(document_kind: str, key: str, scope: UserScope, requester) -> bytes:
    """Sign with the institution's certificate as the requester (Admin or HR Admin may); the signed
    version is stored and supersedes earlier ones like any signature made on the document's page."""
    credential = signing.institution_credential()
    if credential is None:
        raise DomainError(N_("No institution certificate is configured; an administrator uploads it first."))
    passphrase = os.environ.get(PASSPHRASE_VARIABLE)
    if not passphrase:
        raise DomainError(N_("The worker has no passphrase for the institution's certificate "
                             "(environment variable %(variable)s)."), variable=PASSPHRASE_VARIABLE)
    signed = signing.sign_subject(document_kind, key, credential_id=credential.id, passphrase=passphrase,
                                  scope=scope, actor=requester)
    return signed.content.pdf


def produce(job: DocumentJob, item: DocumentJobItem, scope: UserScope, requester) -> bytes:
    """The PDF of one item: rendered for printing, or signed (the signed document is also kept as such)."""
    document_kind = BULK_KINDS[job.subject_kind].document_kind
    if job.mode == "sign":
        return _sign(document_kind, item.subject_key, scope, requester)
    kind, subject = load_subject(document_kind, item.subject_key, scope)
    return render_pdf(kind, subject)


def _error_text(error: Exception) -> str:
    if isinstance(error, LookupError):
        return "Not found or out of the requester's scope."
    return str(error) or type(error).__name__


def run_items(job_id: int, item_ids: Iterable[int] | None = None,
              on_item: Callable[[], None] | None = None) -> None:
    """Produce the job's unfinished items among ``item_ids`` (all when None), committing each one, then
    assemble the output if this was the last. A failing item is recorded and the others go on."""
    job = db.session.get(DocumentJob, job_id)
    if job is None or job.status != "running":
        return
    scope, requester = _requester_scope(job)
    folder = job_folder(job_id)
    folder.mkdir(parents=True, exist_ok=True)
    wanted = set(item_ids) if item_ids is not None else None
    for item_id in pending_item_ids(job_id):
        if wanted is not None and item_id not in wanted:
            continue
        item = db.session.get(DocumentJobItem, item_id)
        try:
            (folder / item.file_name).write_bytes(produce(job, item, scope, requester))
            item.status, item.error = "done", None
        except Exception as error:  # noqa: BLE001 — one bad document must not stop the other 1,499
            db.session.rollback()
            log.warning("document job %s item %s failed: %s", job_id, item_id, error, exc_info=True)
            item = db.session.get(DocumentJobItem, item_id)
            item.status, item.error = "failed", _error_text(error)[:2000]
        item.finished_at = utcnow()
        db.session.commit()
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
    name = f"{file_stem(job.agency.code)}-{job.period.year}-{job.subject_kind}-{job.mode}.{job.output}"
    claimed = db.session.execute(update(DocumentJob).where(*claimable).values(result_file=name)).rowcount
    db.session.commit()
    if not claimed:
        return
    try:
        _assemble(job_id, name)
        values = {"status": "done", "finished_at": utcnow()}
    except Exception as error:  # noqa: BLE001 — recorded on the job; resuming assembles again
        log.exception("document job %s: assembling the output failed", job_id)
        values = {"status": "failed", "finished_at": utcnow(), "result_file": None, "error": str(error)[:2000]}
    db.session.execute(update(DocumentJob).where(DocumentJob.id == job_id).values(**values))
    db.session.commit()


def _assemble(job_id: int, name: str) -> None:
    folder = job_folder(job_id)
    files = [folder / file_name for file_name in db.session.scalars(
        select(DocumentJobItem.file_name).where(DocumentJobItem.job_id == job_id).order_by(DocumentJobItem.id))]
    partial = folder / f".{name}.part"
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
