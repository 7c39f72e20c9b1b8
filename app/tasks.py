"""Where bulk document jobs run: Celery workers when CELERY_BROKER_URL names a broker (Redis), otherwise one
background thread of the process that started the job (the web request returns and the progress bar moves).

Production worker (one per machine; WeasyPrint is not thread-safe, so parallelism comes from processes):

    CELERY_BROKER_URL=redis://cache:6379/1 PUBLIC_BASE_URL=https://... INSTITUTION_CERT_PASSPHRASE=... \\
        celery -A app.tasks worker --pool prefork --concurrency <cores>

The worker builds the Flask application from the same environment as the web process (DATABASE_URL,
SIKINERJA_INSTANCE — the instance folder must be shared, job files are written there). No result backend:
a job's state is in the database. Tasks carry only ids, never a passphrase. A worker without PUBLIC_BASE_URL
refuses to start: the QR codes of the documents it signs would have no address to point to.

A job finishes without a person after any of these (app.services.document_jobs makes each item happen once
however often it is delivered):
* a worker killed mid-chunk: its chunk is acknowledged only when done (``acks_late``), so the broker delivers it
  again — at once when a child process dies, after VISIBILITY_TIMEOUT when the whole worker does;
* the database unreachable: the chunk retries with exponential backoff (1, 2, 4 … at most RETRY_BACKOFF_MAX s);
* the broker restarted and its queue lost: every worker process runs a sweeper, when it starts and then every
  SWEEP_EVERY seconds, that queues again the unfinished items of a job that stopped moving
  (bulk.STALLED_AFTER) while nothing waits in the queue. Celery beat is not part of the deployment, and a check
  run by a person's poll would leave an unwatched job stuck: the workers are what must be up for a job to move,
  so they watch. Several sweepers are harmless: one claim per job (bulk.take_over_stalled) lets one queue it.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor

# A Celery worker takes the project folder off sys.path after loading this module; create_app() in its
# children still needs the top-level config module, so import it while it can be found.
import config
import kombu.exceptions
from celery import Celery, Task
from celery.schedules import crontab
from celery.signals import worker_init, worker_process_init
from flask import current_app, has_app_context, has_request_context, request

from app.services import document_jobs as bulk
from app.errors import DATABASE_UNAVAILABLE

log = logging.getLogger(__name__)

BROKER_VARIABLE = "CELERY_BROKER_URL"
CYCLE_TICK_TASK = "sikinerja.cycle.tick"
# Items per task: small enough to spread 1,500 documents over the workers and to bound a chunk's time (ten
# documents of about a second each, a signed one about two), large enough that the per-task overhead
# (a database round trip, the broker) stays far below one render.
CHUNK_SIZE = 10
# A task delivered to a worker that is not acknowledged within this time is delivered again (its worker died):
# a few times the longest chunk, so a chunk still running is rarely delivered twice (which only wastes a render).
# kombu's default is one hour.
VISIBILITY_TIMEOUT = 60
# How often the broker's unacknowledged tasks are checked against VISIBILITY_TIMEOUT (kombu: every 100 s).
RESTORE_EVERY = 5
# A chunk that met the database down is tried again after 1, 2, 4, 8, 16, 16 … seconds (with jitter): about
# ten minutes of outage before it gives up and leaves its items to the sweeper.
RETRY_BACKOFF_MAX = 16
MAX_RETRIES = 40
SWEEP_EVERY = 5
# A child process is replaced after this many tasks (100 documents): WeasyPrint's caches grow with every
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


def verification_base() -> str | None:
    """The public address that the QR codes of documents signed where jobs run will show: PUBLIC_BASE_URL; without
    it, a job run in this process for a web request uses that request's address (PUBLIC_BASE_URL's default),
    while Celery workers and the command line, which never see a request, have none (signing is refused)."""
    configured = current_app.config.get("PUBLIC_BASE_URL")
    if configured:
        return configured
    if broker_url() is None and has_request_context():
        return request.url_root
    return None


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
        # One chunk at a time per process, so a fast process is not left idle behind a slow one's queue (and no
        # chunk waits unacknowledged in a worker long enough to be taken for lost).
        "worker_prefetch_multiplier": 1,
        # A chunk whose process dies is delivered again; its finished items are skipped.
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "broker_transport_options": {
            "visibility_timeout": VISIBILITY_TIMEOUT, "unacked_restore_interval": RESTORE_EVERY,
            "unacked_restore_throttle": 1,
            # A broker that is down answers a publish within seconds ("busy, try again"), never hangs it.
            "socket_connect_timeout": 2, "socket_timeout": 10,
        },
        # A new child builds the Flask application before its first task (seconds on a busy machine); Celery's
        # 4 s default would kill it and the next one, without end, while chunks wait.
        "worker_proc_alive_timeout": 60,
        "broker_connection_retry_on_startup": True,
        # A worker waits out a broker outage of any length, then goes on (the sweeper re-queues what was lost).
        "broker_connection_max_retries": None,
        "worker_hijack_root_logger": False,
        # `celery -A app.tasks beat`: the calendar of the cycle (reminders, hand-offs) each morning at 06:00 WITA.
        "beat_schedule": {"cycle-tick": {"task": CYCLE_TICK_TASK, "schedule": crontab(minute=0, hour=22)}},
    }


celery_app = Celery("sikinerja", task_cls=FlaskTask)
celery_app.conf.update(_celery_settings())


@worker_init.connect
def _refuse_without_public_address(**_kwargs):
    """A worker signs without a request to take an address from: it needs PUBLIC_BASE_URL to start."""
    if not config.Config.PUBLIC_BASE_URL:
        message = ("PUBLIC_BASE_URL is not set: documents signed by this worker would carry a verification QR code "
                   "with no address. Set it to the public address of the system (e.g. "
                   "https://sikinerja.bulungankab.go.id) for the web servers and the workers; see README, "
                   "Production mode. The worker does not start.")
        log.critical(message)
        raise SystemExit(1)


@worker_process_init.connect
def _build_application(**_kwargs):
    """Each worker child builds its own application (and database connections) before its first task, and
    watches for stalled jobs from then on."""
    from app.documents.render import warm_up

    with flask_app().app_context():
        warm_up()  # the first document of the child does not pay WeasyPrint's set-up (gunicorn.conf.py)
    threading.Thread(target=_sweep_periodically, name="document-job-sweeper", daemon=True).start()


@celery_app.task(name="sikinerja.documents.run_chunk", autoretry_for=DATABASE_UNAVAILABLE, retry_backoff=1,
                 retry_backoff_max=RETRY_BACKOFF_MAX, max_retries=MAX_RETRIES)
def run_document_chunk(job_id: int, item_ids: list[int]) -> None:
    bulk.run_items(job_id, item_ids, verification_base=current_app.config.get("PUBLIC_BASE_URL"))


@celery_app.task(name=CYCLE_TICK_TASK, autoretry_for=DATABASE_UNAVAILABLE, retry_backoff=1,
                 retry_backoff_max=RETRY_BACKOFF_MAX, max_retries=MAX_RETRIES)
def cycle_tick() -> None:
    """Deadline reminders and hand-offs of the day (app.services.cycle.tick); safe to repeat."""
    from app.services import cycle

    report = cycle.tick()
    log.info("cycle tick: %d reminders, %d e-mails, %d hand-offs", report.reminders, report.emails, report.hand_offs)


# In-process mode: one thread, so renders never overlap (WeasyPrint is not thread-safe).
_local_runner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="document-jobs")


def _run_locally(app, job_id: int, base: str | None) -> None:
    from app.extensions import db

    with app.app_context():
        try:
            bulk.run_items(job_id, verification_base=base)
        except Exception:  # noqa: BLE001 — the thread has no caller to raise to; the job shows as stalled
            log.exception("document job %s stopped", job_id)
        finally:
            db.session.remove()


def chunks(item_ids: list[int], size: int = CHUNK_SIZE) -> list[list[int]]:
    """The tasks of a job; an empty job still gets one task, which assembles the output."""
    return [item_ids[start:start + size] for start in range(0, len(item_ids), size)] or [[]]


class BrokerRefused(Exception):
    def __init__(self, tasks_queued: int):
        super().__init__(tasks_queued)
        self.tasks_queued = tasks_queued


def _publish(url: str, job_id: int) -> None:
    """Queue the job's unfinished items; BrokerRefused (with how many tasks got through) when the broker fails."""
    queued = 0
    try:
        with celery_app.connection_for_write(url) as connection:
            for chunk in chunks(bulk.pending_item_ids(job_id)):
                run_document_chunk.apply_async((job_id, chunk), connection=connection)
                queued += 1
    except kombu.exceptions.OperationalError as error:  # Celery's wrapping of every broker connection error
        raise BrokerRefused(queued) from error


def start(job_id: int, *, new_job: bool = False) -> Future | None:
    """Run the job's unfinished items: on the workers behind the broker, or in this process's job thread
    (the Future is returned for callers that want to wait).

    When the broker does not take the tasks, raise bulk.QueueUnavailable after bulk.not_queued has withdrawn
    the job (``new_job``) or marked it failed, so that no job is left running without tasks."""
    url = broker_url()
    if url:
        try:
            _publish(url, job_id)
        except BrokerRefused as refused:
            log.warning("document job %s: the broker refused its tasks (%d queued): %s", job_id, refused.tasks_queued,
                        refused.__cause__)
            bulk.not_queued(job_id, new_job=new_job, tasks_queued=refused.tasks_queued)
            raise bulk.QueueUnavailable() from refused
        return None
    return _local_runner.submit(_run_locally, current_app._get_current_object(), job_id, verification_base())


def broker_reachable(url: str) -> bool:
    try:
        with celery_app.connection_for_read(url) as connection:
            connection.ensure_connection(max_retries=1, timeout=2)
        return True
    except (kombu.exceptions.OperationalError, OSError):
        return False


def _waiting_tasks(url: str) -> int:
    with celery_app.connection_for_read(url) as connection:
        return connection.default_channel.queue_declare(queue=celery_app.conf.task_default_queue,
                                                        durable=True, auto_delete=False).message_count


def sweep() -> list[int]:
    """Queue again the unfinished items of every job that stopped moving while no task waits in the queue
    (a job queued behind another one is waiting, not stalled). Returns the jobs queued again; a broker that
    refuses leaves them running, to be taken over at a later sweep."""
    url = broker_url()
    if url is None or _waiting_tasks(url):
        return []
    requeued = []
    for job_id in bulk.take_over_stalled():
        try:
            _publish(url, job_id)
            requeued.append(job_id)
        except BrokerRefused as refused:
            log.warning("document job %s stalled; the broker refused to queue it again: %s", job_id, refused.__cause__)
    return requeued


def _sweep_periodically() -> None:
    from app.extensions import db

    app, unavailable = flask_app(), False
    while True:
        try:
            with app.app_context():
                try:
                    requeued = sweep()
                finally:
                    db.session.remove()
            if unavailable:
                log.warning("the document-job sweeper reaches the database and the broker again")
                unavailable = False
            if requeued:
                log.warning("document jobs %s had stopped moving: their unfinished documents are queued again",
                            requeued)
        except (*DATABASE_UNAVAILABLE, kombu.exceptions.OperationalError, OSError) as error:
            if not unavailable:  # once per outage, not every few seconds
                log.warning("the document-job sweeper cannot reach the database or the broker (%s); it tries "
                            "again every %d s", (str(error).splitlines() or [type(error).__name__])[0], SWEEP_EVERY)
                unavailable = True
        except Exception:  # noqa: BLE001 — the sweeper must outlive any one bad round
            log.exception("the document-job sweeper failed; trying again in %d s", SWEEP_EVERY)
        time.sleep(SWEEP_EVERY)
