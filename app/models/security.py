"""The user account, extended with its agency scope, the employee it belongs to and its session epoch."""
from flask_appbuilder.models.sqla import Model
from flask_appbuilder.security.sqla.models import User as FabUser
from sqlalchemy import Column, DateTime, ForeignKey, Integer, Table, event, inspect, update
from sqlalchemy.orm import relationship

from app.models.employee import Employee
from app.models.organization import Agency

user_agency = Table(
    "user_agency",
    Model.metadata,
    Column("user_id", Integer, ForeignKey("ab_user.id", ondelete="CASCADE"), primary_key=True),
    Column("agency_id", Integer, ForeignKey("agency.id", ondelete="CASCADE"), primary_key=True),
)


class UserAccount(FabUser):
    __tablename__ = "ab_user"

    employee_id = Column(Integer, ForeignKey("employee.id"), unique=True)
    locked_until = Column(DateTime)
    # Every session cookie and bearer token carries the epoch it was issued in; raising the epoch ends them all
    # (a signed cookie cannot be revoked otherwise). See end_sessions() and the security manager.
    session_epoch = Column(Integer, nullable=False, default=0, server_default="0")

    agencies = relationship(Agency, secondary=user_agency, lazy="selectin", order_by=Agency.name)
    employee = relationship(Employee, lazy="selectin", backref="users")

    def get_id(self) -> str:
        # Flask-Login stores this in the session (and remember-me) cookie and hands it back to the user loader.
        return f"{self.id}:{self.session_epoch}"


def end_sessions(connection_or_session, user_id: int) -> None:
    """End every session and bearer token of the account issued so far, in the caller's transaction.

    The increment happens in SQL, so two changes at the same moment both count."""
    table = UserAccount.__table__
    connection_or_session.execute(
        update(table).where(table.c.id == user_id).values(session_epoch=table.c.session_epoch + 1))


def _ends_sessions(account: UserAccount) -> bool:
    """A new password, a deactivation or a lock-out: whoever holds an older session must sign in again."""
    changed = inspect(account).attrs
    return (changed.password.history.has_changes()
            or (changed.active.history.has_changes() and not account.active)
            or (changed.locked_until.history.has_changes() and account.locked_until is not None))


@event.listens_for(UserAccount, "before_update")
def _credential_change_ends_sessions(_mapper, connection, account: UserAccount) -> None:
    # At flush time, so that every writer — FAB's user views and CLI, the lock-out, our services — is covered.
    if _ends_sessions(account):
        end_sessions(connection, account.id)
