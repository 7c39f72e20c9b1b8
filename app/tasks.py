"""Where bulk document jobs run: Celery workers when CELERY_BROKER_URL names a broker (Redis), otherwise one
background thread of the process that started the job (the web request returns and the progress bar moves).

Production worker (one per machine; WeasyPrint is not thread-safe, so parallelism comes from processes):

    CELERY_BROKER_URL=redis://cache:6379/1 INSTITUTION_CERT_PASSPHRASE=... \\
        celery -A app.tasks worker --pool prefork --concurrency <cores>

The worker builds the Flask application from the same environment as the web process (DATABASE_URL,
SIKINERJA_INSTANCE — the instance folder must be shared, job files are written there). No result backend:
a job's state is in the database. Tasks carry only ids, never a passphrase.
"""
from __future__ import annotations

import logging
import os
from concurrent.futures import Future, ThreadPoolExecutor

# A Celery worker takes the project folder off sys.path after loading this module; create_app() in its
# children still needs the top-level config module, so import it while it can be found.
import config  # noqa: F401
import kombu.exceptions
from celery import Celery, Task
from celery.signals import worker_process_init
from flask import current_app, has_app_context

from app.documents import bulk

log = logging.getLogger(__name__)

BROKER_VARIABLE = "CELERY_BROKER_URL"
# Items per task: small enough to spread 1,500 documents over the workers, large enough that the per-task
# overhead (a database round trip, the broker) stays far below one render (~0.7 s).
CHUNK_SIZE = 20
# A child process is replaced after this many tasks (200 documents): WeasyPrint's caches grow with every
# unique image (the QR codes), PDF_NOTES.md.
MAX_TASKS_PER_CHILD = 10

_worker_flask_app = None


def flask_app():
    """The application of this process: the current one, or (in a worker) one built once from the environment."""
    global _worker_flask_app
    if has_app_context():
        return current_app._get_current_object()
    if _worker_flask_app is None:
        from app import create_app

        _worker_flask_app = create_app()
    return _worker_flask_app


def broker_url() -> str | None:
    """CELERY_BROKER_URL from the Flask configuration (or the environment); None means in-process."""
    configured = current_app.config.get(BROKER_VARIABLE) if has_app_context() else None
    return configured or os.environ.get(BROKER_VARIABLE) or None


class FlaskTask(Task):
    def __call__(self, *args, **kwargs):
        with flask_app().app_context():
            return self.run(*args, **kwargs)


def _celery_settings() -> dict:
    return {
        "broker_url": broker_url() or "memory://",
        "task_ignore_result": True,
        "worker_concurrency": os.cpu_count() or 1,
        "worker_max_tasks_per_child": int(os.environ.get("CELERY_MAX_TASKS_PER_CHILD", MAX_TASKS_PER_CHILD)),
        # One chunk at a time per process, so a fast process is not left idle behind a slow one's queue.
        "worker_prefetch_multiplier": 1,
        # A chunk whose process dies is delivered again; its finished items are skipped.
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "broker_connection_retry_on_startup": True,
        "worker_hijack_root_logger": False,
    }


celery_app = Celery("sikinerja", task_cls=FlaskTask)
celery_app.conf.update(_celery_settings())


@worker_process_init.connect
def _build_application(**_kwargs):
    """Each worker child builds its own application (and database connections) before its first task."""
    flask_app()


@celery_app.task(name="sikinerja.documents.run_chunk")
def run_document_chunk(job_id: int, item_ids: list[int]) -> None:
    bulk.run_items(job_id, item_ids)


# In-process mode: one thread, so renders never overlap (WeasyPrint is not thread-safe).
_local_runner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="document-jobs")


def _run_locally(app, job_id: int) -> None:
    from app.extensions import db

    with app.app_context():
        try:
            bulk.run_items(job_id)
        except Exception:  # noqa: BLE001 — the thread has no caller to raise to; the job shows as stalled
            log.exception("document job %s stopped", job_id)
        finally:
            db.session.remove()


def chunks(item_ids: list[int], size: int = CHUNK_SIZE) -> list[list[int]]:
    """The tasks of a job; an empty job still gets one task, which assembles the output."""
    return [item_ids[start:start + size] for start in range(0, len(item_ids), size)] or [[]]


def start(job_id: int, *, new_job: bool = False) -> Future | None:
    """Run the job's unfinished items: on the workers behind the broker, or in this process's job thread
    (the Future is returned for callers that want to wait).

    When the broker does not take the tasks, raise bulk.QueueUnavailable after bulk.not_queued has withdrawn
    the job (``new_job``) or marked it failed, so that no job is left running without tasks."""
    url = broker_url()
    pending = bulk.pending_item_ids(job_id)
    if url:
        tasks_queued = 0
        try:
            with celery_app.connection_for_write(url) as connection:
                for chunk in chunks(pending):
                    run_document_chunk.apply_async((job_id, chunk), connection=connection)
                    tasks_queued += 1
        except kombu.exceptions.OperationalError as error:  # Celery's wrapping of every broker connection error
            log.warning("document job %s: the broker refused its tasks (%d queued): %s", job_id, tasks_queued, error)
            bulk.not_queued(job_id, new_job=new_job, tasks_queued=tasks_queued)
            raise bulk.QueueUnavailable() from error
        return None
    return _local_runner.submit(_run_locally, current_app._get_current_object(), job_id)
