"""Bulk document jobs: print or sign every document of one kind for an agency and period in one go.

The job's state lives here, not in a Celery result backend: each item records whether its document is
done or failed (with the error), so the progress bar reads the database and a resumed job runs only the
items that are not done.
"""
from flask_appbuilder.models.sqla import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import relationship

from app.models.audit import utcnow
from app.models.organization import Agency, choice_label
from app.models.planning import Period

JOB_MODES = (("print", _l("Print (unsigned)")), ("sign", _l("Sign with the institution's certificate")))
JOB_OUTPUTS = (("zip", _l("One ZIP, one PDF per document")), ("pdf", _l("One merged PDF")))
JOB_STATUSES = (
    ("running", _l("Running")),
    ("done", _l("Done")),
    ("failed", _l("Finished with failures")),
)
ITEM_STATUSES = ("pending", "done", "failed")


class DocumentJob(Model):
    """One bulk run; at most one job per agency, period, kind and mode is running (partial unique index)."""

    __tablename__ = "document_job"
    __scope_agency__ = "agency_id"
    __table_args__ = (
        Index("uq_document_job_running", "agency_id", "period_id", "subject_kind", "mode", unique=True,
              sqlite_where=text("status = 'running'"), postgresql_where=text("status = 'running'")),
    )

    id = Column(Integer, primary_key=True)
    agency_id = Column(Integer, ForeignKey("agency.id"), nullable=False, index=True)
    period_id = Column(Integer, ForeignKey("period.id"), nullable=False)
    subject_kind = Column(String(30), nullable=False)
    mode = Column(String(10), nullable=False)
    output = Column(String(10), nullable=False)
    status = Column(String(12), nullable=False, default="running")
    requested_by_id = Column(Integer, ForeignKey("ab_user.id"))
    created_at = Column(DateTime, nullable=False, default=utcnow)
    started_at = Column(DateTime, nullable=False, default=utcnow)
    finished_at = Column(DateTime)
    result_file = Column(String(255))
    error = Column(Text)

    agency = relationship(Agency, lazy="joined", innerjoin=True)
    period = relationship(Period, lazy="joined", innerjoin=True)
    requested_by = relationship("UserAccount", lazy="selectin")
    items = relationship("DocumentJobItem", back_populates="job", order_by="DocumentJobItem.id",
                         cascade="all, delete-orphan")

    def __str__(self):
        return f"{self.subject_kind} {self.agency} {self.period} ({self.mode})"

    @property
    def status_label(self):
        return choice_label(JOB_STATUSES, self.status)

    @property
    def mode_label(self):
        return choice_label(JOB_MODES, self.mode)

    @property
    def output_label(self):
        return choice_label(JOB_OUTPUTS, self.output)


class DocumentJobItem(Model):
    """One document of a job. Reached only through its job (which carries the scope), so it declares none."""

    __tablename__ = "document_job_item"
    __table_args__ = (Index("ix_document_job_item_job_status", "job_id", "status"),)

    id = Column(Integer, primary_key=True)
    job_id = Column(Integer, ForeignKey("document_job.id", ondelete="CASCADE"), nullable=False)
    subject_key = Column(String(40), nullable=False)
    file_name = Column(String(200), nullable=False)
    status = Column(String(10), nullable=False, default="pending")
    error = Column(Text)
    finished_at = Column(DateTime)

    job = relationship(DocumentJob, back_populates="items")

    def __str__(self):
        return self.file_name
