"""Bulk documents (issue 6): an agency's evaluations printed in one go as a ZIP (one PDF per evaluation, named
by NIP) or one merged PDF, resumed after a failure, a double submit answered with the running job, the
job hidden from another agency's admin, the CLI with its progress bar, signing with the institution's
certificate, and a real Celery worker behind Redis (skipped without Redis unless REQUIRE_REDIS=1)."""
import datetime as dt
import io
import os
import re
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from flask_babel import force_locale, gettext
from pypdf import PdfReader
from sqlalchemy import select

from app.services import document_jobs as bulk
from app.models import Agency, DocumentJob, Employee
from app.models.document_job import DocumentJobItem
from app.models.evaluation import Evaluation
from app.models.planning import Period
from app.security.scope import UserScope
from tests.conftest import csrf_token
from tests.english import english_browser
from tests.helpers import agency_id, count, database, remove_document_jobs

YEAR = 2026
REDIS_URL = os.environ.get("TEST_CELERY_BROKER_URL", "redis://127.0.0.1:6379/13")
WAIT_SECONDS = 180


@pytest.fixture(autouse=True)
def no_jobs_left(app):
    """Each test starts without jobs (a running one would answer a double submit)."""
    remove_document_jobs()
    yield
    remove_document_jobs()


def annual_nips(agency_code):
    """NIPs of the employees whose current annual evaluation a bulk print of the agency contains."""
    with database() as session:
        return sorted(session.scalars(
            select(Employee.nip).join(Evaluation, Evaluation.employee_id == Employee.id)
            .join(Period, Evaluation.period_id == Period.id)
            .where(Evaluation.agency_id == agency_id(agency_code), Period.year == YEAR,
                   Evaluation.kind == "ANNUAL", Evaluation.status != "draft")))


PUBLIC_BASE_URL = "https://kinerja.example.go.id"


def new_job(agency_code, kind="evaluation_annual", mode="print", output="zip", requester=None):
    with database() as session:
        agency = session.scalar(select(Agency).where(Agency.code == agency_code))
        period = session.scalar(select(Period).where(Period.year == YEAR))
        scope = UserScope.for_user(requester) if requester else UserScope.system()
        job, created = bulk.create_job(agency, period, kind, mode, output, scope=scope, requester=requester,
                                       verification_base=PUBLIC_BASE_URL)
        assert created
        return job.id


def finished_job(agency_code, kind="evaluation_annual", mode="print", output="zip", requester=None):
    """A job created and run in this process, the way the CLI runs it without a broker."""
    job_id = new_job(agency_code, kind, mode, output, requester)
    with database():
        bulk.run_items(job_id, verification_base=PUBLIC_BASE_URL)
    return job_id


@pytest.fixture()
def blank_render(monkeypatch):
    """A one-page blank PDF instead of WeasyPrint, for tests about the job rather than the document."""
    from pypdf import PdfWriter

    rendered = []

    def render(kind, subject, stamp=None):
        rendered.append(subject.key)
        writer, stream = PdfWriter(), io.BytesIO()
        writer.add_blank_page(595, 842)
        writer.write(stream)
        return stream.getvalue()

    monkeypatch.setattr(bulk, "render_pdf", render)
    return rendered


def job_state(job_id):
    with database() as session:
        job = session.get(DocumentJob, job_id)
        return bulk.progress(job), (bulk.result_path(job) if job.result_file else None)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def wait_until_finished(client, job_id, seconds=WAIT_SECONDS):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        figures = client.get(f"/document-jobs/{job_id}/progress").json
        if figures["status"] != "running":
            return figures
        time.sleep(0.5)
    raise AssertionError(f"job {job_id} still running after {seconds} s: {figures}")


def submit(client, **form):
    data = {"agency": agency_id(form.pop("agency", "DINKES")), "period": _period_id(),
            "kind": "evaluation_annual", "mode": "print", "output": "zip", **form}
    data["csrf_token"] = csrf_token(client, "/document-jobs/")
    return client.post("/document-jobs/create", data=data)


def _period_id():
    with database() as session:
        return session.scalar(select(Period.id).where(Period.year == YEAR))


def _job_id_of(response):
    match = re.search(r"#job-(\d+)$", response.headers.get("Location", ""))
    assert match, response.headers.get("Location")
    return int(match.group(1))


# --- the web page, in-process ------------------------------------------------------------------------

def test_hr_admin_prints_an_agency_as_a_zip_of_one_pdf_per_evaluation(as_user):
    nips = annual_nips("DINKES")
    assert len(nips) >= 3
    hr = as_user("hr.bkpsdm")
    response = submit(hr, agency="DINKES")
    assert response.status_code == 302
    job_id = _job_id_of(response)

    figures = wait_until_finished(hr, job_id)
    assert figures["status"] == "done", figures
    assert (figures["total"], figures["done"], figures["failed"], figures["percent"]) == (len(nips), len(nips), 0, 100)
    page = hr.get("/document-jobs/").get_data(as_text=True)
    assert f'id="job-{job_id}"' in page and f"/document-jobs/{job_id}/download" in page

    download = hr.get(figures["download_url"])
    assert download.status_code == 200 and download.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(download.data)) as archive:
        names = archive.namelist()
        assert len(names) == len(nips)
        assert sorted(name.split("-")[0] for name in names) == nips
        for name in names:
            nip = name.split("-")[0]
            text = pdf_text(archive.read(name)).replace(" ", "")
            assert nip in text, f"{name} does not show NIP {nip}"


def test_merged_pdf_has_every_document_with_its_own_page_numbers(app):
    zip_job = finished_job("DISDIKBUD", output="zip")
    merged_job = finished_job("DISDIKBUD", output="pdf")
    (zip_figures, zip_path), (merged_figures, merged_path) = job_state(zip_job), job_state(merged_job)
    assert zip_figures["ready"] and merged_figures["ready"]
    assert merged_path.name == f"DISDIKBUD-{YEAR}-evaluation_annual-print.pdf"

    with zipfile.ZipFile(zip_path) as archive:
        page_counts = [len(PdfReader(io.BytesIO(archive.read(name))).pages) for name in archive.namelist()]
    merged = PdfReader(merged_path)
    assert len(page_counts) == len(annual_nips("DISDIKBUD"))
    assert len(merged.pages) == sum(page_counts)
    text = pdf_text(merged_path.read_bytes())
    # Each document numbers its own pages ("Halaman 1 dari 3"), as if printed one by one.
    assert text.count("Halaman 1 dari") == len(page_counts)
    for nip in annual_nips("DISDIKBUD"):
        assert nip in text.replace(" ", "")


def test_resume_after_a_failed_item_processes_only_the_remaining_ones(app, monkeypatch, blank_render):
    keys = []

    def failing_once(kind, subject, stamp=None):
        keys.append(subject.key)
        if len(keys) == 2:
            raise RuntimeError("printer on fire")
        return blank(kind, subject, stamp)

    blank = bulk.render_pdf
    monkeypatch.setattr(bulk, "render_pdf", failing_once)
    job_id = finished_job("DINKES")
    figures, result = job_state(job_id)
    assert (figures["status"], figures["failed"], figures["done"], figures["resumable"]) == ("failed", 1, 2, True)
    assert result is None
    with database() as session:
        job = session.get(DocumentJob, job_id)
        # The reader gets the translated "unexpected error" message; the exception's text stays in the log.
        assert [bulk.reason_text(item.error) for item in bulk.failed_items(job)] == [gettext(bulk.UNEXPECTED)]
        failed_key = bulk.failed_items(job)[0].subject_key

    keys.clear()
    with database() as session:
        job, resumed = bulk.resume_job(session.get(DocumentJob, job_id))
        assert resumed
        bulk.run_items(job_id)
    assert keys == [failed_key]
    figures, result = job_state(job_id)
    assert (figures["status"], figures["done"], figures["failed"]) == ("done", 3, 0)
    with zipfile.ZipFile(result) as archive:
        assert len(archive.namelist()) == 3


def test_resume_is_refused_for_a_complete_job(app, blank_render):
    job_id = finished_job("DINKES")
    with database() as session:
        with pytest.raises(bulk.DomainError, match="nothing to resume"):
            bulk.resume_job(session.get(DocumentJob, job_id))


def test_double_submit_returns_the_running_job(app, as_user):
    with database() as session:
        agency = session.scalar(select(Agency).where(Agency.code == "DINKES"))
        period = session.scalar(select(Period).where(Period.year == YEAR))
        first, created = bulk.create_job(agency, period, "skp", "print", "zip", scope=UserScope.system())
        again, created_again = bulk.create_job(agency, period, "skp", "print", "pdf", scope=UserScope.system())
        assert created and not created_again and again.id == first.id
        job_id = first.id

    hr = english_browser(as_user("hr.bkpsdm"))
    response = submit(hr, kind="skp")
    assert _job_id_of(response) == job_id
    assert "already being produced" in hr.get("/document-jobs/").get_data(as_text=True)
    assert count(DocumentJob) == 1


def test_another_agencys_admin_neither_sees_nor_downloads_the_job(app, as_user, blank_render):
    job_id = finished_job("DISDIKBUD")
    own_admin, foreign_admin = as_user("admin.disdik"), as_user("admin.dinkes")
    assert own_admin.get(f"/document-jobs/{job_id}/download").status_code == 200
    assert f'id="job-{job_id}"' in own_admin.get("/document-jobs/").get_data(as_text=True)

    assert f'id="job-{job_id}"' not in foreign_admin.get("/document-jobs/").get_data(as_text=True)
    assert foreign_admin.get(f"/document-jobs/{job_id}/progress").status_code == 404
    assert foreign_admin.get(f"/document-jobs/{job_id}/download").status_code == 404
    assert foreign_admin.get("/document-jobs/999999/progress").status_code == 404


def test_an_agency_admin_may_not_start_or_resume_a_job(app, as_user):
    client = as_user("admin.disdik")
    page = client.get("/document-jobs/").get_data(as_text=True)
    assert "/document-jobs/create" not in page
    token = csrf_token(client, "/resetmypassword/form")  # a page of theirs with a form
    client.post("/document-jobs/create", data={"agency": agency_id("DISDIKBUD"), "period": _period_id(),
                                               "kind": "evaluation_annual", "mode": "print", "output": "zip",
                                               "csrf_token": token})
    assert count(DocumentJob) == 0


@pytest.mark.parametrize("form, message", [
    ({"kind": "salary_slips"}, "Choose a kind of document."),
    ({"mode": "sign", "output": "pdf"}, "merging them into one PDF would break their signatures"),
    ({"output": "docx"}, "Choose a ZIP or a merged PDF."),
])
def test_bad_input_is_refused_with_a_message_and_starts_nothing(as_user, form, message):
    hr = english_browser(as_user("hr.bkpsdm"))
    response = submit(hr, **form)
    assert response.status_code == 302
    assert message in hr.get("/document-jobs/").get_data(as_text=True).replace("&#39;", "'")
    assert count(DocumentJob) == 0


def test_a_foreign_or_unknown_agency_id_starts_nothing(as_user):
    hr = english_browser(as_user("hr.bkpsdm"))
    token = csrf_token(hr, "/document-jobs/")
    hr.post("/document-jobs/create", data={"agency": "999999", "period": _period_id(), "kind": "skp",
                                           "mode": "print", "output": "zip", "csrf_token": token})
    assert "Choose an agency and a period." in hr.get("/document-jobs/").get_data(as_text=True)
    assert count(DocumentJob) == 0


# --- the command line --------------------------------------------------------------------------------

def test_cli_prints_an_agency_with_a_progress_bar(app, blank_render):
    result = app.test_cli_runner().invoke(args=[
        "documents", "bulk", "--agency", "DISDIKBUD", "--period", str(YEAR), "--kind", "evaluation",
        "--mode", "print", "--output", "zip"])
    assert result.exit_code == 0, result.output
    total = len(annual_nips("DISDIKBUD"))
    assert f"{total} done, 0 failed of {total}" in result.output
    path = Path(re.search(r"Result: (\S+)", result.output).group(1))
    with zipfile.ZipFile(path) as archive:
        assert len(archive.namelist()) == total
    assert len(blank_render) == total


def test_cli_refuses_an_unknown_agency(app):
    result = app.test_cli_runner().invoke(args=["documents", "bulk", "--agency", "NOPE", "--period", str(YEAR)])
    assert result.exit_code != 0 and "existing --agency" in result.output


# --- signing ----------------------------------------------------------------------------------------

def _institution_signing_ready():
    from app.services import documents

    with database():
        return documents.institution_credential() is not None


def test_sign_mode_signs_every_document_with_the_institution_certificate(app, monkeypatch):
    if not _institution_signing_ready():
        pytest.skip("the demo has no institution certificate yet")
    from app.models.document import SignedDocument
    from app.models.security import UserAccount

    monkeypatch.setenv(bulk.PASSPHRASE_VARIABLE, app.config["DEMO_PASSWORD"])
    with database() as session:
        hr = session.scalar(select(UserAccount).where(UserAccount.username == "hr.bkpsdm"))
        signed_before = session.query(SignedDocument).count()
        job_id = finished_job("DINKES", kind="evaluation_document", mode="sign", requester=hr)
    figures, result = job_state(job_id)
    assert figures["status"] == "done", figures
    with zipfile.ZipFile(result) as archive:
        for name in archive.namelist():
            assert b"/ByteRange" in archive.read(name)
    assert count(SignedDocument) == signed_before + figures["total"]


def test_sign_mode_without_the_passphrase_fails_each_item_with_the_reason(app, monkeypatch, as_user):
    if not _institution_signing_ready():
        pytest.skip("the demo has no institution certificate yet")
    from app.models.security import UserAccount

    monkeypatch.delenv(bulk.PASSPHRASE_VARIABLE, raising=False)
    with database() as session:
        hr = session.scalar(select(UserAccount).where(UserAccount.username == "hr.bkpsdm"))
        job_id = finished_job("DINKES", kind="evaluation_document", mode="sign", requester=hr)
    figures, _result = job_state(job_id)
    assert figures["status"] == "failed" and figures["done"] == 0
    english = ("The worker has no passphrase for the institution's certificate "
               f"(environment variable {bulk.PASSPHRASE_VARIABLE}).")
    with database() as session, force_locale("id"):
        errors = {bulk.reason_text(item.error) for item in bulk.failed_items(session.get(DocumentJob, job_id))}
        assert errors == {gettext("The worker has no passphrase for the institution's certificate "
                                  "(environment variable %(variable)s).", variable=bulk.PASSPHRASE_VARIABLE)}
    indonesian = errors.pop()
    assert english != indonesian and bulk.PASSPHRASE_VARIABLE in indonesian  # Indonesian, with the name
    page = as_user("hr.bkpsdm").get("/document-jobs/").get_data(as_text=True).replace("&#39;", "'")
    assert indonesian in page and english not in page


# --- a real Celery worker behind Redis ----------------------------------------------------------------

def _redis_or_skip():
    import redis

    try:
        connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
        connection.flushdb()
        return connection
    except redis.exceptions.RedisError as error:
        if os.environ.get("REQUIRE_REDIS") == "1":
            raise AssertionError(f"Redis is required (REQUIRE_REDIS=1) but {REDIS_URL} is not reachable: {error}")
        pytest.skip(f"Redis at {REDIS_URL} is not reachable: {error}")


@pytest.fixture()
def celery_worker(app, monkeypatch):
    """`celery -A app.tasks worker --pool prefork --concurrency 2` on the test database and instance folder."""
    _redis_or_skip()
    environment = {**os.environ, "CELERY_BROKER_URL": REDIS_URL, "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
                   "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
                   "SIKINERJA_INSTANCE": str(Path(app.config["UPLOAD_FOLDER"]).parent)}
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "app.tasks", "worker", "--pool", "prefork", "--concurrency", "2",
         "--loglevel", "WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=Path(__file__).resolve().parents[1], env=environment, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, start_new_session=True)
    monkeypatch.setitem(app.config, "CELERY_BROKER_URL", REDIS_URL)
    yield worker
    os.killpg(worker.pid, signal.SIGTERM)
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()


def test_a_real_celery_worker_runs_the_job_through_redis(as_user, celery_worker):
    hr = as_user("hr.bkpsdm")
    response = submit(hr, agency="DINKES", output="pdf")
    job_id = _job_id_of(response)
    try:
        figures = wait_until_finished(hr, job_id)
    except AssertionError:
        celery_worker.terminate()
        raise AssertionError(celery_worker.stdout.read().decode(errors="replace")[-4000:]) from None
    assert figures["status"] == "done", figures
    download = hr.get(figures["download_url"])
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    text = pdf_text(download.data).replace(" ", "")
    assert all(nip in text for nip in annual_nips("DINKES"))


# --- recovering without a person (issue 17) -----------------------------------------------------------

def _job_items(job_id):
    with database() as session:
        return session.execute(select(DocumentJobItem.id, DocumentJobItem.subject_key, DocumentJobItem.status)
                               .where(DocumentJobItem.job_id == job_id).order_by(DocumentJobItem.id)).all()


@pytest.fixture()
def sweepers_broker(monkeypatch):
    """The broker as the sweeper sees it (app.tasks.sweep): ``waiting`` tasks in its queue; every task queued
    is recorded as (job id, item ids) instead of being sent."""
    from contextlib import nullcontext

    from app import tasks

    broker = type("Broker", (), {"waiting": 0, "queued": []})()
    monkeypatch.setattr(tasks, "broker_url", lambda: "redis://sweeper.test/0")
    monkeypatch.setattr(tasks, "_waiting_tasks", lambda url: broker.waiting)
    monkeypatch.setattr(tasks.celery_app, "connection_for_write", lambda url: nullcontext())
    monkeypatch.setattr(tasks.run_document_chunk, "apply_async",
                        lambda args, connection=None: broker.queued.append(args))
    return broker


def _stall(job_id, minutes=2):
    """The job and its finished items as a worker left them ``minutes`` ago: nothing has moved since."""
    from sqlalchemy import update

    long_ago = bulk.utcnow() - dt.timedelta(minutes=minutes)
    with database() as session:
        session.execute(update(DocumentJob).where(DocumentJob.id == job_id).values(started_at=long_ago))
        session.execute(update(DocumentJobItem).where(DocumentJobItem.job_id == job_id,
                                                      DocumentJobItem.finished_at.is_not(None))
                        .values(finished_at=long_ago))
        session.commit()


def test_the_sweeper_queues_a_stalled_jobs_unfinished_items_once_and_each_document_is_made_once(
        app, sweepers_broker, blank_render):
    """A worker died after two documents and the broker lost the rest: the sweeper queues the other items of
    that job (not the done two, not a job that is moving), once however many sweepers look, and the job
    finishes with every document made exactly once even when a chunk is delivered twice."""
    from app import tasks

    stalled = new_job("DISDIKBUD")
    items = _job_items(stalled)
    done_first = [item.id for item in items[:2]]
    with database():
        bulk.run_items(stalled, done_first, verification_base=PUBLIC_BASE_URL)
    _stall(stalled)
    moving = new_job("DINKES")  # queued just now: waiting for a worker, not stalled

    sweepers_broker.waiting = 1  # a task waits in the queue: the workers are behind, nothing is lost yet
    with database():
        assert tasks.sweep() == []
    sweepers_broker.waiting = 0
    with database():
        assert tasks.sweep() == [stalled]
        assert tasks.sweep() == []  # the job is claimed: the next sweeper (or round) leaves it
    queued = sweepers_broker.queued
    assert {job_id for job_id, _ in queued} == {stalled}
    assert sorted(item for _, chunk in queued for item in chunk) == [item.id for item in items[2:]]
    assert all(len(chunk) <= tasks.CHUNK_SIZE for _, chunk in queued)

    for job_id, chunk in queued + queued:  # each chunk delivered twice (the lost one came back after all)
        with database():
            bulk.run_items(job_id, chunk, verification_base=PUBLIC_BASE_URL)
    state, result = job_state(stalled)
    assert (state["status"], state["done"], state["failed"]) == ("done", len(items), 0)
    assert sorted(blank_render) == sorted(item.subject_key for item in items)  # each document rendered once
    with zipfile.ZipFile(result) as archive:
        assert len(archive.namelist()) == len(set(archive.namelist())) == len(items)
    assert job_state(moving)[0]["status"] == "running" and job_state(moving)[0]["done"] == 0


def test_a_database_error_mid_item_is_raised_for_a_retry_not_recorded_as_the_documents_failure(app, monkeypatch,
                                                                                                blank_render):
    from sqlalchemy.exc import OperationalError

    blank, calls = bulk.render_pdf, []

    def database_gone_once(kind, subject, stamp=None):
        calls.append(subject.key)
        if len(calls) == 2:
            raise OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"))
        return blank(kind, subject, stamp)

    monkeypatch.setattr(bulk, "render_pdf", database_gone_once)
    job_id = new_job("DINKES")
    with database(), pytest.raises(OperationalError):
        bulk.run_items(job_id)
    assert [item.status for item in _job_items(job_id)] == ["done", "pending", "pending"]
    with database():  # the retry: what was done stays done, the rest is produced once
        bulk.run_items(job_id)
    figures, result = job_state(job_id)
    assert (figures["status"], figures["done"], figures["failed"]) == ("done", 3, 0)
    assert len(calls) == 4 and len(set(calls)) == 3  # the first document was not produced again
    with zipfile.ZipFile(result) as archive:
        assert len(archive.namelist()) == 3


def test_a_second_delivery_of_a_signed_item_signs_nothing(app, monkeypatch):
    """Two deliveries of one item (a chunk restored by the broker while a sweeper re-queued it): the one that
    commits second rolls its signature back, so each document is signed exactly once."""
    if not _institution_signing_ready():
        pytest.skip("the demo has no institution certificate yet")
    from sqlalchemy import update

    from app.models.document import SignedDocument
    from app.models.security import UserAccount
    from app.services import documents

    monkeypatch.setenv(bulk.PASSPHRASE_VARIABLE, app.config["DEMO_PASSWORD"])
    with database() as session:
        hr = session.scalar(select(UserAccount).where(UserAccount.username == "hr.bkpsdm"))
        job_id = new_job("DINKES", kind="evaluation_document", mode="sign", requester=hr)
    first, *others = _job_items(job_id)
    real_render = documents.render_pdf

    def other_delivery_commits_first(kind, subject, stamp=None):
        if subject.key == first.subject_key:
            with app.extensions["sqlalchemy"].engine.begin() as connection:
                connection.execute(update(DocumentJobItem).where(DocumentJobItem.id == first.id)
                                   .values(status="done", finished_at=bulk.utcnow()))
        return real_render(kind, subject, stamp)

    monkeypatch.setattr(documents, "render_pdf", other_delivery_commits_first)
    signed_before = {item.subject_key: count(SignedDocument, kind_code="evaluation_document",
                                             subject_key=item.subject_key) for item in (first, *others)}
    with database():
        bulk.run_items(job_id, [first.id], verification_base=PUBLIC_BASE_URL)
    assert count(SignedDocument, kind_code="evaluation_document", subject_key=first.subject_key) == \
        signed_before[first.subject_key]
    with database():  # the rest, delivered twice in a row: the second delivery finds them done
        bulk.run_items(job_id, verification_base=PUBLIC_BASE_URL)
        bulk.run_items(job_id, verification_base=PUBLIC_BASE_URL)
    for item in others:
        assert count(SignedDocument, kind_code="evaluation_document", subject_key=item.subject_key) == \
            signed_before[item.subject_key] + 1
    with database() as session:
        signed = session.scalars(select(SignedDocument).where(
            SignedDocument.subject_key == others[0].subject_key, SignedDocument.status == "valid")).one()
        assert signed.code and [item.status for item in _job_items(job_id)] == ["done"] * (1 + len(others))


def test_a_sign_job_selects_only_the_records_single_signing_would_sign(app):
    """Bulk signing uses single signing's rule (app.services.document_kinds): an evaluation without its predikat is left
    out of a sign job (a print job still has it), instead of failing in the job."""
    from app.documents.catalogue import load_subject

    with database() as session:
        evaluation = session.scalars(select(Evaluation).where(
            Evaluation.agency_id == agency_id("DINKES"), Evaluation.kind == "ANNUAL")
            .order_by(Evaluation.id)).first()
        unsettled, predikat = evaluation.id, evaluation.predikat
        evaluation.predikat = None
        session.commit()
    try:
        with database() as session:
            agency = session.scalar(select(Agency).where(Agency.code == "DINKES"))
            period = session.scalar(select(Period).where(Period.year == YEAR))
            kind = bulk.BULK_KINDS["evaluation_document"]
            printed = [key for key, _name in bulk.subjects(kind, agency.id, period.id, UserScope.system())]
            signed = [key for key, _name in bulk.subjects(kind, agency.id, period.id, UserScope.system(), "sign")]
            assert str(unsettled) in printed and str(unsettled) not in signed and signed
            for key in printed:
                refusal = load_subject("evaluation_document", key, UserScope.system())[1].signing_refusal
                assert (key in signed) == (refusal is None), (key, refusal)
    finally:
        with database() as session:
            session.get(Evaluation, unsettled).predikat = predikat
            session.commit()


def test_signing_without_a_public_address_is_refused_up_front(app, as_user, monkeypatch):
    from app import tasks

    with database() as session:
        agency = session.scalar(select(Agency).where(Agency.code == "DINKES"))
        period = session.scalar(select(Period).where(Period.year == YEAR))
        with pytest.raises(bulk.NoPublicAddress):
            bulk.create_job(agency, period, "evaluation_document", "sign", "zip", scope=UserScope.system())
    # On the workers (a broker configured) only PUBLIC_BASE_URL gives the address: the page says so.
    monkeypatch.setitem(app.config, "CELERY_BROKER_URL", "redis://127.0.0.1:1/0")
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", None)
    hr = english_browser(as_user("hr.bkpsdm"))
    response = submit(hr, kind="evaluation_document", mode="sign")
    assert "has not yet set the public address" in hr.get(response.headers["Location"]).get_data(as_text=True)
    assert count(DocumentJob) == 0
    with app.test_request_context("/document-jobs/create", base_url="https://kinerja.example.go.id/"):
        assert tasks.verification_base() is None
        monkeypatch.setitem(app.config, "CELERY_BROKER_URL", None)
        assert tasks.verification_base() == "https://kinerja.example.go.id/"  # in-process: the request's address
        monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", PUBLIC_BASE_URL)
        assert tasks.verification_base() == PUBLIC_BASE_URL


def test_a_worker_without_public_base_url_refuses_to_start_with_a_clear_log_line(monkeypatch, caplog):
    import config
    from app import tasks

    monkeypatch.setattr(config.Config, "PUBLIC_BASE_URL", None)
    monkeypatch.setattr(tasks.log, "disabled", False)
    with pytest.raises(SystemExit) as refused:
        tasks._refuse_without_public_address()
    assert refused.value.code != 0
    assert any(record.levelname == "CRITICAL" and "PUBLIC_BASE_URL is not set" in record.getMessage()
               for record in caplog.records)
    monkeypatch.setattr(config.Config, "PUBLIC_BASE_URL", PUBLIC_BASE_URL)
    tasks._refuse_without_public_address()  # starts


def test_a_stalled_job_is_taken_over_by_exactly_one_sweeper_and_resumable_within_a_minute(app):
    job_id = new_job("DINKES")
    with database() as session:
        job = session.get(DocumentJob, job_id)
        job.started_at = bulk.utcnow() - bulk.STALLED_AFTER / 3
        session.commit()
        assert not bulk.progress(job)["resumable"] and bulk.take_over_stalled() == []  # still moving
        # Nothing moved for longer than STALLED_AFTER (seconds, not the 15 minutes it was); an assembler had
        # claimed the output and died.
        job.started_at, job.result_file = bulk.utcnow() - bulk.STALLED_AFTER - dt.timedelta(seconds=1), "x.zip"
        session.commit()
        assert bulk.STALLED_AFTER <= dt.timedelta(minutes=1) and bulk.progress(job)["resumable"]
        assert bulk.take_over_stalled() == [job_id]
        assert bulk.take_over_stalled() == []  # a second sweeper finds it taken
        session.expire_all()
        job = session.get(DocumentJob, job_id)
        assert job.status == "running" and job.result_file is None and not bulk.progress(job)["resumable"]


# --- the command line under outages -----------------------------------------------------------------------

def test_cli_with_the_broker_down_says_so_without_a_traceback_and_leaves_no_job(app, monkeypatch, blank_render):
    monkeypatch.setitem(app.config, "CELERY_BROKER_URL", "redis://127.0.0.1:1/0")
    result = app.test_cli_runner().invoke(args=["documents", "bulk", "--agency", "DINKES", "--period", str(YEAR),
                                                "--kind", "evaluation_annual"])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert "The broker (redis://127.0.0.1:1/0) is unavailable" in result.output and "withdrawn" in result.output
    assert "Traceback" not in result.output and count(DocumentJob) == 0


def test_cli_waits_out_a_database_outage_and_reports_it(app, monkeypatch, blank_render):
    from sqlalchemy.exc import OperationalError

    from app import cli

    monkeypatch.setattr(cli, "OUTAGE_RETRY_EVERY", 0)
    real_run, outages = bulk.run_items, []

    def run_through_an_outage(*args, **kwargs):
        if len(outages) < 2:  # the database is gone for the first two attempts
            outages.append(1)
            raise OperationalError("SELECT 1", {}, Exception("connection refused"))
        return real_run(*args, **kwargs)

    monkeypatch.setattr(bulk, "run_items", run_through_an_outage)
    result = app.test_cli_runner().invoke(args=[
        "documents", "bulk", "--agency", "DINKES", "--period", str(YEAR), "--kind", "evaluation_annual"])
    assert result.exit_code == 0, result.output
    assert result.stderr.count("Database unavailable, retrying…") == 1 and "Database available again" in result.stderr
    assert "3 done, 0 failed of 3" in result.output and "Traceback" not in result.stderr


def test_cli_follower_says_when_the_broker_is_down_and_when_it_is_back(app, monkeypatch, blank_render, capsys):
    from app import cli, tasks

    job_id = new_job("DINKES")
    answers = iter([False, False, True])  # the broker down for two looks, then back
    naps = []

    def nap(_seconds):
        naps.append(1)
        if len(naps) == 4:  # the workers go on once the broker is back
            bulk.run_items(job_id)

    monkeypatch.setattr(cli, "BROKER_CHECK_AFTER", 0)
    monkeypatch.setattr(cli.time, "sleep", nap)
    monkeypatch.setattr(tasks, "broker_url", lambda: "redis://broker.invalid:6379/0")
    monkeypatch.setattr(tasks, "broker_reachable", lambda _url: next(answers, True))
    with app.app_context():
        cli._follow(job_id, run_here=False)
    assert job_state(job_id)[0]["status"] == "done"
    output = capsys.readouterr().err
    assert output.count("Broker unavailable, retrying…") == 1 and "Broker available again" in output
