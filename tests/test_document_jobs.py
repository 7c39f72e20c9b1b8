"""Bulk documents (issue 6): an agency's evaluations printed in one go as a ZIP (one PDF per evaluation, named
by NIP) or one merged PDF, resumed after a failure, a double submit answered with the running job, the
job hidden from another agency's admin, the CLI with its progress bar, signing with the institution's
certificate, and a real Celery worker behind Redis (skipped without Redis unless REQUIRE_REDIS=1)."""
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
from pypdf import PdfReader
from sqlalchemy import delete, select

from app.documents import bulk
from app.models import Agency, DocumentJob, Employee
from app.models.document_job import DocumentJobItem
from app.models.evaluation import Evaluation
from app.models.planning import Period
from app.security.scope import UserScope
from tests.conftest import csrf_token
from tests.english import english_browser
from tests.helpers import agency_id, count, database

YEAR = 2026
REDIS_URL = os.environ.get("TEST_CELERY_BROKER_URL", "redis://127.0.0.1:6379/13")
WAIT_SECONDS = 180


@pytest.fixture(autouse=True)
def no_jobs_left(app):
    """Each test starts without jobs (a running one would answer a double submit)."""
    _remove_jobs()
    yield
    _remove_jobs()


def _remove_jobs():
    with database() as session:
        session.execute(delete(DocumentJobItem))
        session.execute(delete(DocumentJob))
        session.commit()


def annual_nips(agency_code):
    """NIPs of the employees whose current annual evaluation a bulk print of the agency contains."""
    with database() as session:
        return sorted(session.scalars(
            select(Employee.nip).join(Evaluation, Evaluation.employee_id == Employee.id)
            .join(Period, Evaluation.period_id == Period.id)
            .where(Evaluation.agency_id == agency_id(agency_code), Period.year == YEAR,
                   Evaluation.kind == "ANNUAL", Evaluation.status != "draft")))


def finished_job(agency_code, kind="evaluation_annual", mode="print", output="zip", requester=None):
    """A job created and run in this process, the way the CLI runs it without a broker."""
    with database() as session:
        agency = session.scalar(select(Agency).where(Agency.code == agency_code))
        period = session.scalar(select(Period).where(Period.year == YEAR))
        scope = UserScope.for_user(requester) if requester else UserScope.system()
        job, created = bulk.create_job(agency, period, kind, mode, output, scope=scope, requester=requester)
        assert created
        bulk.run_items(job.id)
        return job.id


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
        assert [item.error for item in bulk.failed_items(job)] == ["printer on fire"]
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


def test_sign_mode_without_the_passphrase_fails_each_item_with_the_reason(app, monkeypatch):
    if not _institution_signing_ready():
        pytest.skip("the demo has no institution certificate yet")
    from app.models.security import UserAccount

    monkeypatch.delenv(bulk.PASSPHRASE_VARIABLE, raising=False)
    with database() as session:
        hr = session.scalar(select(UserAccount).where(UserAccount.username == "hr.bkpsdm"))
        job_id = finished_job("DINKES", kind="evaluation_document", mode="sign", requester=hr)
    figures, _result = job_state(job_id)
    assert figures["status"] == "failed" and figures["done"] == 0
    with database() as session:
        errors = {item.error for item in bulk.failed_items(session.get(DocumentJob, job_id))}
    assert errors == {"The worker has no passphrase for the institution's certificate "
                      f"(environment variable {bulk.PASSPHRASE_VARIABLE})."}


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
    environment = {**os.environ, "CELERY_BROKER_URL": REDIS_URL,
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
