"""One transaction per use-case: commit what the work did, or roll everything back."""
from flask import g, has_request_context
from sqlalchemy.orm.exc import StaleDataError

from app.domain.messages import N_, DomainError
from app.extensions import db


class ConcurrentChange(DomainError):
    """Someone else changed the record between reading and writing it (HTTP 409 in the API)."""


SAVED_AT_THE_SAME_MOMENT = N_("Someone else saved this record at the same moment; nothing was saved. Reload it "
                              "and try again.")


def run_in_transaction(work, conflict: ConcurrentChange):
    """Run ``work()`` and commit; on a lost optimistic-lock race raise ``conflict``; on any error roll back."""
    try:
        result = work()
        db.session.commit()
        return result
    except StaleDataError:
        db.session.rollback()
        raise conflict from None
    except Exception:
        db.session.rollback()
        raise


def acting_user():
    """The signed-in user of this request, or None for command-line tools and jobs."""
    return g.get("user") if has_request_context() else None
