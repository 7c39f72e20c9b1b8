"""Bulk documents page (HR Admin): start a job for an agency, period and kind of document, watch its
progress bar (polling the JSON progress endpoint), download the ZIP or merged PDF, resume a failed job or one
that stopped moving (the workers' sweeper also resumes those by itself, app.tasks).

Jobs are read through the requester's scope: an Agency Admin sees and downloads only their agencies' jobs;
anyone else's job id answers 404.
"""
from flask import abort, flash, jsonify, redirect, request, send_file, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import select

from app import tasks
from app.services import document_jobs as bulk
from app.domain.messages import DomainError
from app.extensions import db
from app.models import Agency
from app.models.document_job import JOB_MODES, JOB_OUTPUTS, DocumentJob
from app.models.planning import Period
from app.parsing import parse_whole_number
from app.security.scope import current_scope, scoped_select
from app.views.base import format_moment, translated

JOBS_SHOWN = 50


class DocumentJobView(BaseView):
    route_base = "/document-jobs"
    class_permission_name = "DocumentJob"
    method_permission_name = {"index": "read", "progress": "read", "download": "read",
                              "create": "write", "resume": "write"}
    default_view = "index"

    def _job(self, pk: int) -> DocumentJob:
        job = db.session.scalar(scoped_select(DocumentJob).where(DocumentJob.id == pk))
        if job is None:
            abort(404)
        return job

    def _progress(self, job: DocumentJob) -> dict:
        figures = bulk.progress(job)
        figures["download_url"] = url_for("DocumentJobView.download", pk=job.id) if figures["ready"] else None
        return figures

    @expose("/")
    @has_access
    def index(self):
        jobs = list(db.session.scalars(
            scoped_select(DocumentJob).order_by(DocumentJob.created_at.desc(), DocumentJob.id.desc())
            .limit(JOBS_SHOWN)))
        may_start = self.appbuilder.sm.has_access("can_write", self.class_permission_name)
        return self.render_template(
            "document_jobs/index.html", jobs=[(job, self._progress(job)) for job in jobs],
            failures={job.id: bulk.failed_items(job) for job in jobs if job.status == "failed"},
            may_start=may_start,
            agencies=list(db.session.scalars(scoped_select(Agency).order_by(Agency.name))) if may_start else [],
            periods=list(db.session.scalars(select(Period).order_by(Period.year.desc()))),
            kinds=bulk.BULK_KINDS, modes=JOB_MODES, outputs=JOB_OUTPUTS,
            format_moment=format_moment, reason_text=bulk.reason_text)

    @expose("/create", methods=["POST"])
    @has_access
    def create(self):
        form = request.form
        agency = db.session.scalar(scoped_select(Agency).where(Agency.id == parse_whole_number(form.get("agency"))))
        period = db.session.get(Period, parse_whole_number(form.get("period")) or 0)
        if agency is None or period is None:
            flash(gettext("Choose an agency and a period."), "danger")
            return redirect(url_for("DocumentJobView.index"))
        try:
            job, created = bulk.create_job(agency, period, form.get("kind", ""), form.get("mode", ""),
                                           form.get("output", ""), scope=current_scope(),
                                           requester=self.appbuilder.sm.current_user,
                                           verification_base=tasks.verification_base())
            if created:
                tasks.start(job.id, new_job=True)  # the broker down: the job is withdrawn, QueueUnavailable
        except DomainError as error:
            flash(translated(error), "danger")
            return redirect(url_for("DocumentJobView.index"))
        if created:
            flash(gettext("The job started: %(num)d documents.", num=len(bulk.pending_item_ids(job.id))), "info")
        else:
            flash(gettext("The same documents are already being produced; this is that job."), "warning")
        return redirect(url_for("DocumentJobView.index", _anchor=f"job-{job.id}"))

    @expose("/<int:pk>/progress")
    @has_access
    def progress(self, pk):
        return jsonify(self._progress(self._job(pk)))

    @expose("/<int:pk>/download")
    @has_access
    def download(self, pk):
        job = self._job(pk)
        path = bulk.result_path(job) if job.status == "done" else None
        if path is None or not path.exists():
            abort(404)
        mimetype = "application/zip" if job.output == "zip" else "application/pdf"
        return send_file(path, mimetype=mimetype, as_attachment=True, download_name=job.result_file)

    @expose("/<int:pk>/resume", methods=["POST"])
    @has_access
    def resume(self, pk):
        try:
            job, resumed = bulk.resume_job(self._job(pk), verification_base=tasks.verification_base())
            if resumed:
                tasks.start(job.id)  # the broker down: the job is failed (resumable) again, QueueUnavailable
        except DomainError as error:
            flash(translated(error), "danger")
            return redirect(url_for("DocumentJobView.index"))
        if resumed:
            flash(gettext("The job resumed for the documents that are not done."), "info")
        else:
            flash(gettext("The same documents are already being produced; this is that job."), "warning")
        return redirect(url_for("DocumentJobView.index", _anchor=f"job-{job.id}"))


def register_document_job_views(appbuilder) -> None:
    appbuilder.add_view(DocumentJobView, "DocumentJob", label=_l("Bulk documents"), icon="fa-file-zipper",
                        category="Documents", category_label=_l("Documents"), category_icon="fa-file-pdf")
