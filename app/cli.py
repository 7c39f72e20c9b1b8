"""Command-line tools: `flask --app app seed` loads reference data, the demo and its accounts."""
import time

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from app import tasks
from app.services import document_jobs as bulk
from app.domain.messages import DomainError
from app.errors import DATABASE_UNAVAILABLE
from app.extensions import db
from app.models import Agency, DocumentJob, UserAccount
from app.models.planning import Period
from app.security.scope import UserScope
from app.services import seeding

# `flask documents ...`: official documents (bulk jobs here; signing and verification add their commands).
documents_cli = AppGroup("documents", help="Official documents: bulk printing and signing, signatures.")


def register_cli(app) -> None:
    app.cli.add_command(documents_cli)
    app.cli.add_command(audit_cli)
    app.cli.add_command(backup_cli)
    app.cli.add_command(generate_cli)
    app.cli.add_command(cycle_cli)
    app.cli.add_command(allowance_cli)

    @app.cli.command("seed")
    @click.option("--demo/--no-demo", default=True, help="Also load the Tanjung Selor demo and its accounts.")
    def seed(demo):
        """Create roles, load reference data and (by default) the demo. Safe to run repeatedly."""
        created = seeding.seed_everything(current_app.config["DEMO_PASSWORD"], demo=demo)
        click.echo("Reference data loaded.")
        if demo:
            click.echo(f"Demo loaded; new accounts: {', '.join(created) or 'none'}.")
            click.echo(f"Demo password for every demo account: {current_app.config['DEMO_PASSWORD']}")


@documents_cli.command("bulk")
@click.option("--agency", "agency_code", help="Agency code, e.g. DISDIKBUD.")
@click.option("--period", "year", type=int, help="Period year, e.g. 2026.")
@click.option("--kind", type=click.Choice(list(bulk.BULK_KINDS)), default="evaluation", show_default=True)
@click.option("--mode", type=click.Choice(bulk.MODES), default="print", show_default=True,
              help=f"sign: the worker reads the certificate's passphrase from ${bulk.PASSPHRASE_VARIABLE}.")
@click.option("--output", type=click.Choice(bulk.OUTPUTS), default="zip", show_default=True,
              help="zip: one PDF per document; pdf: one merged PDF (print only).")
@click.option("--as", "username", help="Act as this account (its scope; signing needs Admin or HR Admin).")
@click.option("--resume", "resume_id", type=int, help="Resume job N: only its failed and unfinished documents.")
def bulk_documents(agency_code, year, kind, mode, output, username, resume_id):
    """Print or sign every document of an agency and period; shows a progress bar and the result's path.

    Runs on the Celery workers when CELERY_BROKER_URL is set, in this process otherwise. An outage of the
    database or the broker while it runs is reported and waited out."""
    try:
        job_id, started = _start_bulk_job(agency_code, year, kind, mode, output, username, resume_id)
    except DomainError as error:
        raise click.ClickException(str(error)) from None
    except DATABASE_UNAVAILABLE as error:
        raise click.ClickException(f"The database is unavailable, nothing was started: {_first_line(error)}") from None
    if not started:
        click.echo(f"Job {job_id} is already producing these documents; following it.")
    elif tasks.broker_url():
        try:
            tasks.start(job_id, new_job=resume_id is None)
        except bulk.QueueUnavailable:
            raise click.ClickException(
                f"The broker ({tasks.broker_url()}) is unavailable: job {job_id} was not queued "
                + ("and was withdrawn." if resume_id is None else f"and stays resumable (--resume {job_id}).")
                + " Try again once it answers.") from None
    _follow(job_id, run_here=started and not tasks.broker_url())
    figures, failures, result = _retrying(lambda: _outcome(job_id))
    click.echo(f"Job {job_id}: {figures['done']} done, {figures['failed']} failed of {figures['total']}.")
    for item in failures:
        click.echo(f"  {item.file_name}: {bulk.reason_text(item.error)}", err=True)
    if not figures["ready"]:
        raise click.ClickException(f"Job {job_id} has no result; resume it with --resume {job_id}.")
    click.echo(f"Result: {result}")


def _start_bulk_job(agency_code, year, kind, mode, output, username, resume_id) -> tuple[int, bool]:
    """Create (or resume) the job; its id, and whether this command started it (False: it was running)."""
    requester = db.session.scalar(select(UserAccount).where(UserAccount.username == username)) if username else None
    if username and requester is None:
        raise click.UsageError(f"There is no account {username}.")
    if mode == "sign" and requester is None and not resume_id:
        raise click.UsageError("Signing acts for an account: give --as USERNAME (Admin or HR Admin).")
    if resume_id:
        job = db.session.get(DocumentJob, resume_id)
        if job is None:
            raise click.UsageError(f"There is no job {resume_id}.")
        job, started = bulk.resume_job(job, verification_base=tasks.verification_base())
        return job.id, started
    agency = db.session.scalar(select(Agency).where(Agency.code == (agency_code or "")))
    period = db.session.scalar(select(Period).where(Period.year == year))
    if agency is None or period is None:
        raise click.UsageError("Give an existing --agency code and --period year (or --resume JOB).")
    scope = UserScope.for_user(requester) if requester else UserScope.system()
    job, started = bulk.create_job(agency, period, kind, mode, output, scope=scope, requester=requester,
                                   verification_base=tasks.verification_base())
    return job.id, started


def _outcome(job_id: int):
    job = db.session.get(DocumentJob, job_id)
    return bulk.progress(job), bulk.failed_items(job), bulk.result_path(job)


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


# Between two looks at a job that waits out an outage; and how long a job may stand still before the follower
# checks whether the broker is what it waits for.
FOLLOW_EVERY = 1
OUTAGE_RETRY_EVERY = 2
BROKER_CHECK_AFTER = 5


def _retrying(step):
    """Run ``step`` until the database answers, saying once per outage that it waits (no traceback)."""
    waiting = False
    while True:
        try:
            result = step()
        except DATABASE_UNAVAILABLE as error:
            db.session.rollback()
            if not waiting:
                click.echo(f"Database unavailable, retrying… ({_first_line(error)})", err=True)
                waiting = True
            time.sleep(OUTAGE_RETRY_EVERY)
            continue
        if waiting:
            click.echo("Database available again; continuing.", err=True)
        return result


def _follow(job_id: int, *, run_here: bool) -> None:
    """Run the job in this process, or watch the workers (or another process) run it, until it is no longer
    running. Outages of the database or the broker are reported and waited out: the job goes on by itself."""
    figures = _retrying(lambda: bulk.progress(db.session.get(DocumentJob, job_id)))
    with click.progressbar(length=figures["total"], label=f"Job {job_id}", show_pos=True, show_percent=True) as bar:
        bar.update(figures["done"] + figures["failed"])
        if run_here:
            # Each run produces the items still pending, so a run cut by an outage goes on where it stopped.
            _retrying(lambda: bulk.run_items(job_id, on_item=lambda: bar.update(1),
                                             verification_base=tasks.verification_base()))
            return
        url, last_moved, broker_down = tasks.broker_url(), time.monotonic(), False
        while True:
            db.session.expire_all()
            figures = _retrying(lambda: bulk.progress(db.session.get(DocumentJob, job_id)))
            finished = figures["done"] + figures["failed"]
            if finished != bar.pos:
                bar.update(finished - bar.pos)
                last_moved = time.monotonic()
            if figures["status"] != "running":
                return
            if url and time.monotonic() - last_moved > BROKER_CHECK_AFTER:
                reachable = tasks.broker_reachable(url)
                if broker_down != (not reachable):
                    broker_down = not reachable
                    click.echo("Broker unavailable, retrying… (the job goes on once it answers)" if broker_down
                               else "Broker available again; the job goes on.", err=True)
            time.sleep(FOLLOW_EVERY)


@documents_cli.command("refingerprint")
@click.option("--dry-run", is_flag=True, help="Count what would be done; write nothing.")
def refingerprint_documents(dry_run):
    """Once, when upgrading to the data fingerprint of signed documents (issue 16): valid versions signed
    before it get their record's fingerprint when their old key still matches the record; the others are left
    and read "data changed after signing". Safe to run repeatedly (README, upgrade notes)."""
    from app.services.refingerprint import refingerprint

    outcome = refingerprint(dry_run=dry_run)
    click.echo(f"{'Would re-fingerprint' if dry_run else 'Re-fingerprinted'}: {outcome.refingerprinted} (old key "
               f"matches the record as it stands).")
    click.echo(f"Left, reading changed: {outcome.changed} (old key differs) + {outcome.record_gone} (record gone).")
    click.echo(f"Left alone: {outcome.already_current} already fingerprinted, {outcome.snapshot} snapshot reports.")
    if outcome.codes_left:
        click.echo(f"Codes reading changed: {', '.join(outcome.codes_left)}")
    if dry_run:
        click.echo("Dry run: nothing was written.")


@documents_cli.command("demo-ca")
def demo_ca():
    """Create the demo certificate authority in the instance folder (when missing) and give the demo
    officials and the institution certificates opened by the demo password. Safe to run repeatedly."""
    from app.demo.certificate_authority import ROOT_CERTIFICATE, demo_ca_folder
    from app.demo.signing import ensure_demo_signing

    given = ensure_demo_signing(current_app.instance_path, current_app.config["DEMO_PASSWORD"])
    click.echo(f"Demo root certificate (trust anchor): {demo_ca_folder(current_app.instance_path) / ROOT_CERTIFICATE}")
    click.echo(f"New signing certificates: {', '.join(given) or 'none'}; passphrase: the demo password.")


# `flask audit ...` and `flask backup ...`: evidence that the record is whole, and a way to carry it over.
audit_cli = AppGroup("audit", help="The audit log: check its hash chain and the anchor of its head.")
backup_cli = AppGroup("backup", help="Back up the database and stored files into one archive, and restore it.")


def _chain_finding(report) -> str:
    if report.broken_id is not None:
        return (f"Audit log broken at entry {report.broken_id}: {report.reason} "
                f"({report.checked} entries before it are intact).")
    if report.cut_after is not None:
        return f"Audit log chain cut after entry {report.cut_after}: {report.reason}."
    return f"Audit log anchor: {report.reason}."


@audit_cli.command("verify")
def verify_audit():
    """Recompute the hash chain of the audit log and compare its head with the sealed anchor; exit 1 naming the
    first entry that does not match, or the entry after which the log was cut."""
    from app.services.audit import verify_chain

    report = verify_chain(db.engine)
    if not report.intact:
        raise click.ClickException(_chain_finding(report))
    click.echo(f"Audit log OK: {report.checked} entries, hash chain intact up to the anchored head.")


@audit_cli.command("reseal")
def reseal_audit():
    """Seal the anchor again with this instance's key after a deliberate change of AUDIT_ANCHOR_KEY (or of
    SECRET_KEY when that is unset), e.g. a restore on a new server. Refused unless the chain matches the anchor
    in everything but its seal: never use it to silence a verify that found the log cut or changed."""
    from app.services.audit import reseal_anchor

    report = reseal_anchor(db.engine)
    if not report.intact:
        raise click.ClickException(_chain_finding(report) + " Nothing resealed.")
    if not report.checked:
        click.echo("The audit log is empty: there is no anchor to seal yet.")
        return
    click.echo(f"Audit anchor sealed with this instance's key: {report.checked} entries.")


def _stored_file_roots() -> dict:
    """The folders whose files belong in a backup: uploads (evidence, imports, bulk results), signing anchors."""
    from pathlib import Path

    return {"uploads": Path(current_app.config["UPLOAD_FOLDER"]),
            "signing": Path(current_app.instance_path) / "signing"}


@backup_cli.command("create")
@click.argument("archive", type=click.Path(dir_okay=False))
def create_backup(archive):
    """Write the database and the stored files into ARCHIVE (tar.gz) with a manifest of counts and hashes."""
    from app.services import backup

    manifest = backup.create_backup(db.engine, _stored_file_roots(), archive)
    files = sum(1 for name in manifest.hashes if name.startswith("files/"))
    click.echo(f"Backup written to {archive}: {sum(manifest.tables.values())} records in {len(manifest.tables)} "
               f"tables, {files} files, schema {manifest.revision}.")


@backup_cli.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
@click.option("--replace", is_flag=True, help="Delete the data this database already holds first.")
def restore_backup(archive, replace):
    """Load ARCHIVE into this (freshly migrated) instance; checks hashes, record counts and signed PDFs."""
    from app.services import backup

    try:
        report = backup.restore_backup(db.engine, _stored_file_roots(), archive, replace=replace)
    except backup.BackupError as error:
        raise click.ClickException(f"Nothing restored: {error}.") from None
    click.echo(f"Restored {report.records} records in {len(report.manifest.tables)} tables and {report.files} "
               f"files; counts, file hashes and {report.signed_documents} signed documents verified.")


# `flask generate ...`: synthetic data for load tests and benchmarks (issue 9).
generate_cli = AppGroup("generate", help="Generate synthetic data at scale, reproducibly from a seed.")


@generate_cli.command("province")
@click.option("--seed", type=int, default=42, show_default=True, help="Same seed and sizes, same data.")
@click.option("--employees", type=int, default=20_000, show_default=True)
@click.option("--agencies", type=int, default=40, show_default=True)
@click.option("--activities", type=int, default=10_000_000, show_default=True)
@click.option("--survey-responses", type=int, default=1_000_000, show_default=True)
@click.option("--year", type=int, default=2026, show_default=True, help="Period of the plans and activities.")
def generate_province(seed, employees, agencies, activities, survey_responses, year):
    """A province-sized dataset into a database that holds reference data only (flask seed --no-demo).

    Every employee gets an account (username: the NIP) with the demo password; so do admin, bupati and
    admin.<agency code>. Prints rows per second per table and the peak memory."""
    from app.demo.generator import ProvinceSize, generate_province as generate

    size = ProvinceSize(employees=employees, agencies=agencies, activities=activities,
                        survey_responses=survey_responses, year=year)
    try:
        report = generate(size, seed, current_app.config["DEMO_PASSWORD"],
                          progress=lambda message: click.echo(f"  {message}"))
    except DomainError as error:
        raise click.ClickException(str(error)) from None
    for line in report.lines():
        click.echo(line)
    click.echo("Accounts to sign in with (demo password): "
               + ", ".join(f"{role} {username}" for role, username in report.personas.items()))


# `flask cycle ...`: the calendar of the performance cycle (issue 23).
cycle_cli = AppGroup("cycle", help="The calendar of the performance cycle: deadline reminders and hand-offs.")


@cycle_cli.command("tick")
@click.option("--date", "day", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Act as on this day (YYYY-MM-DD); default: today in WITA.")
def cycle_tick(day):
    """Remind whoever must act before each deadline (once per deadline) and hand every evaluation whose evaluator
    missed the deadline to the evaluator's superior. Safe to run repeatedly (Celery beat runs it daily)."""
    from app.services import cycle

    report = cycle.tick(day.date() if day else None)
    click.echo(f"Reminders sent: {report.reminders}; e-mails: {report.emails}; evaluations handed to the "
               f"superior: {report.hand_offs}; overdue without a superior in the system: {report.without_superior}.")


# `flask allowance ...`: the monthly performance allowance (TPP, issue 23).
allowance_cli = AppGroup("allowance", help="The monthly performance allowance (TPP).")


@allowance_cli.command("calculate")
@click.option("--month", "month_text", required=True, help="The month, YYYY-MM (calculated from its cut-off day).")
@click.option("--agency", "agency_code", default=None, help="One agency's code; default: every active agency.")
def allowance_calculate(month_text, agency_code):
    """Calculate the month for every employee not yet calculated (a calculated month is closed: running it again
    adds only newcomers). Refused before the rule set's cut-off day of the next month."""
    from app.formatting import translated
    from app.services import tpp

    try:
        year, month = (int(part) for part in month_text.split("-"))
    except ValueError:
        raise click.BadParameter("use YYYY-MM", param_hint="--month") from None
    statement = select(Agency).where(Agency.active.is_(True)).order_by(Agency.code)
    if agency_code:
        statement = statement.where(Agency.code == agency_code)
    agencies = db.session.scalars(statement).all()
    if not agencies:
        raise click.ClickException(f"No active agency {agency_code or ''}".strip() + ".")
    for agency in agencies:
        try:
            run = tpp.calculate_month(agency.id, year, month)
        except DomainError as error:
            raise click.ClickException(translated(error)) from None
        click.echo(f"{agency.code}: {run.calculated} calculated, {run.already_closed} already closed, "
                   f"{len(run.not_computed)} without a base amount")
        for name, problem in run.not_computed:
            click.echo(f"  {name}: {translated(problem)}")
