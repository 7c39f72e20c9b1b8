"""Database look-ups for tests, each in its own short application context.

Holding one app context across test-client requests would share a session
between the test and the requests and hide stale-data bugs (FAB_NOTES.md).
"""
from contextlib import contextmanager

from sqlalchemy import delete, func, select, text, update

from app.extensions import db
from app.models import Agency, UserAccount

_app = None


def bind(app) -> None:
    global _app
    _app = app


@contextmanager
def database():
    with _app.app_context():
        yield db.session
        db.session.rollback()


def meanwhile(statement, **params):
    """Another user's change, committed between a request's read and its write, in raw SQL. The other user's
    write would have gone through the app, which keeps the running totals in its transaction; raw SQL
    rebuilds them as the README asks of any write past the session."""
    from app.services import performance_totals

    with _app.app_context(), db.engine.begin() as connection:
        connection.execute(text(statement), params)
        performance_totals.rebuild(connection)


def agency_id(code):
    with database() as session:
        return session.execute(select(Agency.id).where(Agency.code == code)).scalar_one()


def count(model, **where):
    statement = select(func.count()).select_from(model)
    for column, value in where.items():
        statement = statement.where(getattr(model, column) == value)
    with database() as session:
        return session.execute(statement).scalar_one()


def first_id(model, agency_code):
    agency = agency_id(agency_code)
    with database() as session:
        return session.execute(
            select(model.id).where(model.agency_id == agency).order_by(model.id)).scalars().first()


def employee_of(username):
    """(id, nip, position_id) of the employee behind a demo account."""
    with database() as session:
        user = session.execute(select(UserAccount).where(UserAccount.username == username)).scalar_one()
        return user.employee.id, user.employee.nip, user.employee.position_id


def versioned(body: dict, model, pk) -> dict:
    """A PUT body with the row's current ``row_version``, as a client that has just read the row sends it
    (app.models.versioning); the body as it is for a model without one."""
    from app.models.versioning import is_versioned

    if not is_versioned(model) or pk is None:
        return body
    with database() as session:
        return {**body, "row_version": session.get(model, pk).row_version}


def remove_document_jobs() -> None:
    """Every bulk document job and its items gone: a test of jobs starts without one (a running job would
    answer a double submit, and a sweeper would take it over)."""
    from app.models import DocumentJob
    from app.models.document_job import DocumentJobItem

    with database() as session:
        session.execute(delete(DocumentJobItem))
        session.execute(delete(DocumentJob))
        session.commit()


@contextmanager
def rate_limits_in_redis(limiter, url: str):
    """The app's rate limiter enabled with its counters in the Redis at ``url`` (as in production with
    REDIS_URL; a closed port is a Redis that is down), and as it was afterwards, fallback counters reset."""
    from limits.storage import RedisStorage
    from limits.strategies import STRATEGIES

    storage, strategy = limiter._storage, limiter._limiter
    limiter._storage = RedisStorage(url, socket_connect_timeout=1, socket_timeout=1)
    limiter._limiter = STRATEGIES["fixed-window"](limiter._storage)
    limiter.enabled = True
    try:
        yield limiter
    finally:
        limiter._storage, limiter._limiter, limiter._storage_dead = storage, strategy, False
        limiter.reset()
        if limiter._fallback_limiter is not None:
            limiter._fallback_limiter.storage.reset()
        limiter.enabled = False


def superior_id(employee_id):
    """The id of the employee holding the position above ``employee_id``'s (their evaluator's own superior when
    given the evaluator)."""
    from app.models import Employee, Position

    with database() as session:
        parent = session.scalar(select(Position.parent_id).join(Employee, Employee.position_id == Position.id)
                                .where(Employee.id == employee_id))
        return session.scalar(select(Employee.id).where(Employee.position_id == parent, Employee.active.is_(True))
                              .order_by(Employee.id))


@contextmanager
def account_for(employee_id, username, roles=("Evaluator", "Employee")):
    """A demo-password account of an employee the demo gives none (the kabid between penilai.disdik and
    kadis.disdik), removed afterwards with its notifications."""
    from app.models import Employee
    from app.models.evaluation import Evaluation
    from app.models.notification import Notification

    security = _app.appbuilder.sm
    with _app.app_context():
        security.add_user(username=username, first_name="Uji", last_name=username, email=f"{username}@example.go.id",
                          role=[security.find_role(role) for role in roles], password="Sikinerja#2026")
        security.find_user(username=username).employee = db.session.get(Employee, employee_id)
        db.session.commit()
    try:
        yield username
    finally:
        with _app.app_context():
            user = security.find_user(username=username)
            db.session.execute(delete(Notification).where(Notification.recipient_id == user.id))
            # The decisions it recorded stay, no longer naming the account.
            db.session.execute(update(Evaluation).where(Evaluation.objection_decided_by_id == user.id)
                               .values(objection_decided_by_id=None))
            db.session.delete(user)
            db.session.commit()
