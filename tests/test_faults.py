"""Faults (issue 17, "Done when"): a real Celery worker signs an agency's SKPs through a Redis this suite starts
itself and reaches PostgreSQL through a TCP relay this suite controls. The worker is killed with SIGKILL mid-job,
the broker is stopped and started empty, the database connections are cut and refused for a while — and each
job finishes by itself within its deadline, every document signed exactly once. Meanwhile logins and the public
survey keep working with Redis down, and the web answers 503 (JSON or the application's page) with the database
cut or hanging.

Runs on PostgreSQL only (in CI within the PostgreSQL pass, `.ci/run`); alone, on a database of its own (created
when missing):

    TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test_faults .venv/bin/python -m pytest -q -s \\
        -m faults tests/test_faults.py

Skipped without PostgreSQL or redis-server unless REQUIRE_POSTGRES=1 / REQUIRE_REDIS=1. Each test prints the
figures it measured (run with -s to see them).
"""
import datetime as dt
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import zipfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import create_engine, delete, func, make_url, select

import config
from app import tasks
from app.services import document_jobs as bulk
from app.extensions import db
from app.models import Agency, DocumentJob, Employee
from app.models.document import SignedDocument
from app.models.planning import Period, WorkPlan
from app.models.security import UserAccount
from app.models.survey import SurveyResponse
from app.security.scope import UserScope
from tests.conftest import POSTGRES_URL, csrf_token, login
from tests.helpers import count, database, rate_limits_in_redis, remove_document_jobs

if not POSTGRES_URL:
    if os.environ.get("REQUIRE_POSTGRES") == "1":
        raise RuntimeError("the fault suite needs PostgreSQL (REQUIRE_POSTGRES=1) but TEST_DATABASE_URL is unset")
    pytest.skip("the fault suite runs on PostgreSQL: set TEST_DATABASE_URL", allow_module_level=True)

if shutil.which("redis-server") is None:
    if os.environ.get("REQUIRE_REDIS") == "1":
        raise RuntimeError("the fault suite needs redis-server (REQUIRE_REDIS=1) but it is not installed")
    pytest.skip("the fault suite starts its own Redis: redis-server is not installed", allow_module_level=True)

pytestmark = pytest.mark.faults

ROOT = Path(__file__).resolve().parents[1]
AGENCY = "DISDUKCAPIL"
YEAR = 2026
# Two chunks (ten and one): the worker's two processes both have work when it is killed; every document more
# costs each job a render and a signature (seconds on a loaded machine).
PLANS = 11
PUBLIC_BASE_URL = "https://kinerja.faults.test"
DEADLINE_SECONDS = 60  # the goal: done within a minute of the worker / database / broker being back
BUSY = "The system is busy, please try again in a few moments."


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- the parts this suite breaks --------------------------------------------------------------------

class RedisServer:
    """redis-server on a port of its own, without persistence: a restart comes back empty, like the broker
    that lost its queue in the issue."""

    def __init__(self):
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                                         "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


class DatabaseRelay:
    """A TCP relay in front of PostgreSQL. ``cut`` drops every connection and refuses new ones (an outage);
    ``freeze`` accepts connections and relays nothing (a database that hangs without refusing); ``restore``
    relays again."""

    def __init__(self, host: str, port: int):
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.mode = "relay"
        self.open = set()
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.mode == "cut":
                client.close()
                continue
            pair = [client]
            if self.mode == "relay":
                try:
                    pair.append(socket.create_connection(self.target, timeout=5))
                except OSError:
                    client.close()
                    continue
                pair[1].settimeout(None)
                threading.Thread(target=self._pump, args=(client, pair[1]), daemon=True).start()
                threading.Thread(target=self._pump, args=(pair[1], client), daemon=True).start()
            with self.lock:
                self.open.update(pair)

    def _pump(self, source, sink):
        try:
            while data := source.recv(65536):
                while self.mode == "freeze":
                    time.sleep(0.05)
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                self._close(end)

    def _close(self, end):
        try:
            end.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        end.close()
        with self.lock:
            self.open.discard(end)

    def cut(self):
        self.mode = "cut"
        with self.lock:
            ends = list(self.open)
        for end in ends:
            self._close(end)

    def freeze(self):
        self.mode = "freeze"

    def restore(self):
        self.mode = "relay"

    def url(self, database_url: str) -> str:
        relayed = make_url(database_url).set(host="127.0.0.1", port=self.port)
        return config.database_url(relayed.render_as_string(hide_password=False)
                                   .replace("postgresql+psycopg://", "postgresql://", 1))

    def close(self):
        self.cut()
        self.listener.close()


class Worker:
    """`celery -A app.tasks worker` (two processes) on the relayed database and the suite's Redis."""

    def __init__(self, environment: dict, log_folder: Path):
        self.environment = environment
        self.log_folder = log_folder
        self.process = None
        self.starts = 0

    def start(self):
        self.starts += 1
        self.log = self.log_folder / f"worker-{self.starts}.log"
        with self.log.open("w") as output:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "app.tasks", "worker", "--pool", "prefork", "--concurrency",
                 "2", "--loglevel", "INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"],
                cwd=ROOT, env=self.environment, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
        return time.monotonic()

    def kill(self):
        """kill -9 of the worker and its processes, as the issue did."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill()

    def output(self) -> str:
        noise = ("Step ", "Filter type not supported", "appbuilder.app is deprecated", "Initializing AppBuilder")
        lines = [line for line in self.log.read_text(errors="replace").splitlines()
                 if line.strip() and not any(word in line for word in noise)]
        return "\n".join(lines[-40:])


# --- fixtures -------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def redis_server():
    server = RedisServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def relay(app):
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    proxy = DatabaseRelay(url.host or "127.0.0.1", url.port or 5432)
    yield proxy
    proxy.close()


@pytest.fixture(scope="module")
def plans(app):
    """PLANS approved SKPs of one agency, for jobs long enough to be hit mid-way."""
    with database() as session:
        agency = session.scalar(select(Agency).where(Agency.code == AGENCY))
        period = session.scalar(select(Period).where(Period.year == YEAR))
        employees = session.scalars(select(Employee).where(Employee.agency_id == agency.id)
                                    .order_by(Employee.id).limit(PLANS)).all()
        created = [WorkPlan(period_id=period.id, agency_id=agency.id, employee_id=employee.id,
                            position_id=employee.position_id, approach="kuantitatif", status="approved", version=1)
                   for employee in employees]
        session.add_all(created)
        session.commit()
        ids = [plan.id for plan in created]
    assert len(ids) == PLANS
    yield ids
    with database() as session:
        session.execute(delete(WorkPlan).where(WorkPlan.id.in_(ids)))
        session.commit()


@pytest.fixture(scope="module")
def worker(app, redis_server, relay, plans, tmp_path_factory):
    from app.services import documents

    with database():
        if documents.institution_credential() is None:
            pytest.fail("the demo has no institution certificate: the fault suite signs with it")
    environment = {**os.environ, "CELERY_BROKER_URL": redis_server.url,
                   "DATABASE_URL": relay.url(app.config["SQLALCHEMY_DATABASE_URI"]),
                   "SIKINERJA_INSTANCE": str(Path(app.config["UPLOAD_FOLDER"]).parent),
                   "PUBLIC_BASE_URL": PUBLIC_BASE_URL, bulk.PASSPHRASE_VARIABLE: app.config["DEMO_PASSWORD"]}
    process = Worker(environment, tmp_path_factory.mktemp("worker"))
    process.start()
    yield process
    process.stop()


@pytest.fixture()
def broker(app, worker, redis_server, monkeypatch):
    """The web app queues on the suite's Redis and signs with the suite's public address."""
    monkeypatch.setitem(app.config, "CELERY_BROKER_URL", redis_server.url)
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", PUBLIC_BASE_URL)
    remove_document_jobs()
    yield
    remove_document_jobs()


@pytest.fixture()
def busy(app):
    with app.app_context(), force_locale("id"):
        return gettext(BUSY)


# --- a job, watched -------------------------------------------------------------------------------------

def start_signing_job() -> tuple[int, dt.datetime]:
    with database() as session:
        agency = session.scalar(select(Agency).where(Agency.code == AGENCY))
        period = session.scalar(select(Period).where(Period.year == YEAR))
        hr = session.scalar(select(UserAccount).where(UserAccount.username == "hr.bkpsdm"))
        job, created = bulk.create_job(agency, period, "skp", "sign", "zip", scope=UserScope.for_user(hr),
                                       requester=hr, verification_base=tasks.verification_base())
        assert created
        tasks.start(job.id, new_job=True)
        return job.id, job.created_at


def start_print_job(agency_code: str, kind: str) -> int:
    with database() as session:
        agency = session.scalar(select(Agency).where(Agency.code == agency_code))
        period = session.scalar(select(Period).where(Period.year == YEAR))
        job, created = bulk.create_job(agency, period, kind, "print", "zip", scope=UserScope.system())
        assert created
        tasks.start(job.id, new_job=True)
        return job.id


def figures(job_id: int) -> dict:
    with database() as session:
        return bulk.progress(session.get(DocumentJob, job_id))


def wait_for(job_id: int, condition, seconds: float, worker: Worker, what: str) -> dict:
    deadline = time.monotonic() + seconds
    while True:
        state = figures(job_id)
        if condition(state):
            return state
        if time.monotonic() > deadline:
            raise AssertionError(f"job {job_id}: not {what} within {seconds:.0f} s: {state}\n{worker.output()}")
        time.sleep(0.25)


def started_items(job_id, worker, at_least=1) -> float:
    """Wait until the job is under way (a document done, the others not); the seconds one document took on this
    machine (start-up included)."""
    began = time.monotonic()
    state = wait_for(job_id, lambda state: state["done"] >= at_least, 120, worker, f"{at_least} documents done")
    return (time.monotonic() - began) / state["done"]


def finished(job_id, worker, per_document: float) -> dict:
    """The job done within DEADLINE_SECONDS of the fault's end, plus the time this machine needs for the
    documents left (a shared CI machine can be several times slower than a quiet one)."""
    seconds = DEADLINE_SECONDS + per_document * figures(job_id)["pending"]
    return wait_for(job_id, lambda state: state["status"] != "running", seconds, worker, "finished")


def assert_signed_exactly_once(job_id: int, since: dt.datetime, plan_ids: list[int]):
    """Every SKP of the job has exactly one signature made since the job was created, and the ZIP holds each."""
    state = figures(job_id)
    assert (state["status"], state["done"], state["failed"], state["total"]) == ("done", PLANS, 0, PLANS), state
    with database() as session:
        signatures = dict(session.execute(
            select(SignedDocument.subject_key, func.count()).where(
                SignedDocument.kind_code == "skp", SignedDocument.signed_at >= since,
                SignedDocument.subject_key.in_([str(plan_id) for plan_id in plan_ids]))
            .group_by(SignedDocument.subject_key)).all())
        result = bulk.result_path(session.get(DocumentJob, job_id))
    assert signatures == {str(plan_id): 1 for plan_id in plan_ids}
    with zipfile.ZipFile(result) as archive:
        assert len(archive.namelist()) == len(set(archive.namelist())) == PLANS


def report(**measured):
    print("\n  measured: " + ", ".join(f"{name} {value:.1f} s" if isinstance(value, float) else f"{name} {value}"
                                      for name, value in measured.items()))


# --- the worker killed ----------------------------------------------------------------------------------

def test_a_job_whose_worker_is_killed_finishes_once_a_worker_is_back(broker, worker, plans):
    job_id, since = start_signing_job()
    per_document = started_items(job_id, worker)
    killed_at = time.monotonic()
    worker.kill()
    assert figures(job_id)["status"] == "running"
    back_at = worker.start()
    state = finished(job_id, worker, per_document)
    done_at = time.monotonic()
    assert_signed_exactly_once(job_id, since, plans)
    report(kill_to_done=done_at - killed_at, restart_to_done=done_at - back_at, documents=state["total"],
           seconds_per_document=per_document)


# --- the broker restarted empty -------------------------------------------------------------------------

@pytest.fixture()
def limits_on_redis(app, redis_server, monkeypatch):
    """The login and survey rate limits kept in the suite's Redis, as in production with REDIS_URL."""
    limiter = app.appbuilder.sm.limiter
    monkeypatch.setattr(limiter.logger, "disabled", False)
    with rate_limits_in_redis(limiter, redis_server.url):
        yield limiter


def test_a_broker_restarted_empty_loses_no_job_and_login_survey_go_on(app, broker, worker, redis_server, plans,
                                                                      limits_on_redis, skm, busy, as_user):
    hr = as_user("hr.bkpsdm")
    job_id, since = start_signing_job()
    per_document = started_items(job_id, worker)
    # Both worker processes are busy with the first job's two chunks: the second job's one chunk waits in the
    # broker's queue, and is lost with it.
    queued_job = start_print_job("DINKES", "evaluation_annual")
    redis_server.stop()
    stopped_at = time.monotonic()

    # Redis down: signing in (form and API) and the public survey work; a new job is refused with "busy".
    assert login(app.test_client(), "pegawai.disdik").status_code == 302
    token = app.test_client().post("/api/v1/security/login", json={
        "username": "admin.disdik", "password": app.config["DEMO_PASSWORD"], "provider": "db"})
    assert token.status_code == 200 and token.json["access_token"]
    responses = count(SurveyResponse, unit_id=skm["unit_id"])
    citizen = app.test_client()
    form_token = citizen.get(f"/api/v1/public/survey/{skm['code']}/form-token").json["form_token"]
    answer = citizen.post(f"/api/v1/public/survey/{skm['code']}", environ_base={"REMOTE_ADDR": "10.17.9.1"},
                          json={"form_token": form_token, **{f"u{number}": 4 for number in range(1, 10)}})
    assert answer.status_code == 201 and count(SurveyResponse, unit_id=skm["unit_id"]) == responses + 1
    jobs = count(DocumentJob)
    refused = hr.post("/document-jobs/create", data={
        "agency": _agency_id(), "period": _period_id(), "kind": "skp", "mode": "print",
        "output": "zip", "csrf_token": csrf_token(hr, "/document-jobs/")})
    assert refused.status_code == 302 and busy in hr.get(refused.headers["Location"]).get_data(as_text=True)
    assert count(DocumentJob) == jobs
    outage = time.monotonic() - stopped_at

    redis_server.start()
    back_at = time.monotonic()
    state = finished(job_id, worker, per_document)
    done_at = time.monotonic()
    assert_signed_exactly_once(job_id, since, plans)
    queued = finished(queued_job, worker, per_document)
    queued_done_at = time.monotonic()
    assert (queued["status"], queued["done"], queued["failed"]) == ("done", queued["total"], 0), queued
    with database() as session:
        result = bulk.result_path(session.get(DocumentJob, queued_job))
    with zipfile.ZipFile(result) as archive:
        assert len(set(archive.namelist())) == queued["total"]
    report(broker_down=outage, broker_back_to_done=done_at - back_at, documents=state["total"],
           lost_queue_back_to_done=queued_done_at - back_at, seconds_per_document=per_document)


def _agency_id():
    with database() as session:
        return session.scalar(select(Agency.id).where(Agency.code == "DINKES"))


def _period_id():
    with database() as session:
        return session.scalar(select(Period.id).where(Period.year == YEAR))


# --- the database cut, then hanging ---------------------------------------------------------------------

OUTAGE_SECONDS = 6


@contextmanager
def web_through(app, relay):
    """Every request's session reaches the database through the relay, with the production engine options."""
    relayed = create_engine(relay.url(app.config["SQLALCHEMY_DATABASE_URI"]), **app.config["SQLALCHEMY_ENGINE_OPTIONS"])
    with app.app_context():
        engines = db.engines
    direct = engines[None]
    engines[None] = relayed
    try:
        yield
    finally:
        engines[None] = direct
        relayed.dispose()


def assert_503(response, busy, *, json_body: bool):
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    if json_body:
        assert response.json == {"message": busy}
    else:
        assert response.mimetype == "text/html" and busy in response.get_data(as_text=True)


def test_a_database_outage_mid_job_is_waited_out_and_the_web_answers_503(app, broker, worker, relay, plans, busy,
                                                                         api_as):
    client, headers = api_as("admin.disdik")
    job_id, since = start_signing_job()
    per_document = started_items(job_id, worker)
    with web_through(app, relay):
        relay.cut()
        cut_at = time.monotonic()
        asked = time.monotonic()
        assert_503(client.get("/api/v1/agency/", headers=headers), busy, json_body=True)
        assert_503(app.test_client().get("/login/"), busy, json_body=False)
        refused_in = time.monotonic() - asked
        time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - cut_at)))
        relay.restore()
        back_at = time.monotonic()
        assert client.get("/api/v1/agency/", headers=headers).status_code == 200
    state = finished(job_id, worker, per_document)
    done_at = time.monotonic()
    assert_signed_exactly_once(job_id, since, plans)
    report(database_cut=back_at - cut_at, cut_request_to_503=refused_in, database_back_to_done=done_at - back_at,
           documents=state["total"], seconds_per_document=per_document)


def test_a_hanging_database_answers_503_within_seconds(app, relay, busy, api_as):
    client, headers = api_as("admin.disdik")
    with web_through(app, relay):
        relay.freeze()
        try:
            asked = time.monotonic()
            assert_503(client.get("/api/v1/agency/", headers=headers), busy, json_body=True)
            waited = time.monotonic() - asked
        finally:
            relay.restore()
    assert waited < config.DATABASE_CONNECT_TIMEOUT + 3
    report(hanging_request_to_503=waited)
