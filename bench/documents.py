"""Bulk documents benchmark (issue 6): documents per second of a bulk print job the size of a large agency
(1,500 evaluations) with one and with several worker processes, against rendering each document with a
fresh WeasyPrint setup (a new FontConfiguration and the stylesheet parsed for every document).

    .venv/bin/python bench/documents.py [--documents 1500] [--workers 1,2] [--fresh-documents N]

The demo has six annual evaluations; the job's 1,500 items cycle through them (each one a full render of
a real evaluation form, so the cost per document is the real one; the data are not 1,500 different
people). The workers run the same code as a Celery worker's child (``bulk.run_items`` on chunks of
``tasks.CHUNK_SIZE`` items, one application per process) but are started with multiprocessing, so no
Redis is needed; the broker's own overhead per chunk is not measured. Times are wall-clock from the
start of the processes (including their cold start) until the ZIP is written; the merged-PDF assembly of
all the documents is timed on its own.

The database is a scratch SQLite file in a temporary folder, removed at the end; no PostgreSQL database
(the suite's ``test`` one included) is touched: rendering, not the database, bounds the throughput (one
small UPDATE per document). A benchmark, not a test: nothing is asserted.
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import queue
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _make_app(url: str):
    from app import create_app

    return create_app(SQLALCHEMY_DATABASE_URI=url)


def _prepare_job(app, documents: int) -> int:
    """Migrate, seed the demo and create one print job whose items cycle through its annual evaluations."""
    from flask_migrate import upgrade
    from sqlalchemy import select

    from app.services import document_jobs as bulk
    from app.extensions import db
    from app.models import Agency, DocumentJob
    from app.models.document_job import DocumentJobItem
    from app.models.planning import Period
    from app.security.scope import UserScope
    from app.services import seeding

    with app.app_context():
        upgrade()
        seeding.seed_everything(app.config["DEMO_PASSWORD"])
        period = db.session.scalar(select(Period).where(Period.year == 2026))
        demo = []
        for agency in db.session.scalars(select(Agency).order_by(Agency.code)):
            demo += bulk.subjects(bulk.BULK_KINDS["evaluation_annual"], agency.id, period.id, UserScope.system())
        if not demo:
            raise SystemExit("the demo has no annual evaluations to print")
        job = DocumentJob(agency=db.session.scalar(select(Agency).order_by(Agency.id)), period=period,
                          subject_kind="evaluation_annual", mode="print", output="zip", status="running")
        job.items = [DocumentJobItem(subject_key=demo[index % len(demo)][0], status="pending",
                                     file_name=f"{index:05d}-{demo[index % len(demo)][1]}")
                     for index in range(documents)]
        db.session.add(job)
        db.session.commit()
        print(f"job {job.id}: {documents} documents cycling through {len(demo)} demo evaluations")
        return job.id


def _reset(app, job_id: int) -> None:
    from sqlalchemy import update

    from app.services import document_jobs as bulk
    from app.extensions import db
    from app.models import DocumentJob
    from app.models.document_job import DocumentJobItem

    with app.app_context():
        db.session.execute(update(DocumentJobItem).where(DocumentJobItem.job_id == job_id)
                           .values(status="pending", error=None, finished_at=None))
        db.session.execute(update(DocumentJob).where(DocumentJob.id == job_id)
                           .values(status="running", result_file=None, finished_at=None))
        db.session.commit()
        shutil.rmtree(bulk.job_folder(job_id), ignore_errors=True)


def _worker(url: str, job_id: int, chunks: multiprocessing.Queue) -> None:
    """One worker process: its own application, then chunks until the queue is empty."""
    from app.services import document_jobs as bulk

    app = _make_app(url)
    with app.app_context():
        while True:
            try:
                chunk = chunks.get(timeout=1)
            except queue.Empty:
                return
            bulk.run_items(job_id, chunk)


def _bulk_run(app, url: str, job_id: int, workers: int) -> tuple[float, dict]:
    from app import tasks
    from app.services import document_jobs as bulk
    from app.extensions import db
    from app.models import DocumentJob

    _reset(app, job_id)
    with app.app_context():
        pending = bulk.pending_item_ids(job_id)
    context = multiprocessing.get_context("spawn")
    chunks = context.Queue()
    for chunk in tasks.chunks(pending):
        chunks.put(chunk)
    started = time.perf_counter()
    processes = [context.Process(target=_worker, args=(url, job_id, chunks)) for _ in range(workers)]
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    elapsed = time.perf_counter() - started
    with app.app_context():
        figures = bulk.progress(db.session.get(DocumentJob, job_id))
    return elapsed, figures


def _merge_time(app, job_id: int) -> float:
    from app.services import document_jobs as bulk

    with app.app_context():
        started = time.perf_counter()
        bulk._assemble(job_id, "merged-benchmark.pdf")
        return time.perf_counter() - started


def _fresh_setup_run(app, job_id: int, documents: int) -> float:
    """Render like a naive script: a new FontConfiguration, fetcher and parsed stylesheet per document."""
    from sqlalchemy import select
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from app.documents import render
    from app.documents.catalogue import load_subject
    from app.extensions import db
    from app.models.document_job import DocumentJobItem
    from app.security.scope import UserScope

    with app.app_context():
        keys = list(db.session.scalars(select(DocumentJobItem.subject_key).where(DocumentJobItem.job_id == job_id)
                                       .order_by(DocumentJobItem.id).limit(documents)))
        started = time.perf_counter()
        for key in keys:
            kind, subject = load_subject("evaluation", key, UserScope.system())
            html = render.render_html(kind, subject)
            fetcher, fonts = render.BundledAssetFetcher(), FontConfiguration()
            stylesheet = CSS(filename=str(render.REPORTS_DIR / "base.css"), base_url=render.BASE_URL,
                             url_fetcher=fetcher, font_config=fonts)
            HTML(string=html, base_url=render.BASE_URL, url_fetcher=fetcher).write_pdf(
                stylesheets=[stylesheet], font_config=fonts, pdf_variant=render.PDF_VARIANT)
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=1500)
    parser.add_argument("--workers", default="1,2", help="comma-separated worker process counts")
    parser.add_argument("--fresh-documents", type=int, help="documents for the fresh-setup run (default: all)")
    args = parser.parse_args()

    scratch = tempfile.mkdtemp(prefix="sikinerja-bench-documents-")
    os.environ["SIKINERJA_INSTANCE"] = scratch  # the job files go to <scratch>/uploads, shared by the workers
    url = f"sqlite:///{scratch}/bench.db"
    app = _make_app(url)
    job_id = _prepare_job(app, args.documents)

    rows = []
    for workers in (int(value) for value in args.workers.split(",")):
        elapsed, figures = _bulk_run(app, url, job_id, workers)
        rows.append((f"bulk job, {workers} worker process{'es' if workers > 1 else ''}, shared setup",
                     figures["done"], elapsed, figures))
    merge_seconds = _merge_time(app, job_id)
    fresh_documents = args.fresh_documents or args.documents
    rows.append(("one process, fresh WeasyPrint setup per document", fresh_documents,
                 _fresh_setup_run(app, job_id, fresh_documents), None))

    print(f"\n{'run':<58} {'documents':>9} {'seconds':>9} {'docs/s':>8} {'failed':>7}")
    for label, documents, seconds, figures in rows:
        failed = figures["failed"] if figures else 0
        print(f"{label:<58} {documents:>9} {seconds:>9.1f} {documents / seconds:>8.2f} {failed:>7}")
    print(f"\nmerging {args.documents} documents into one PDF (pypdf): {merge_seconds:.1f} s; "
          f"CPU cores: {os.cpu_count()}; load average at the end: "
          f"{' '.join(f'{load:.1f}' for load in os.getloadavg())} (other work on the machine slows every row)")
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
