"""The user account, extended with its agency scope and the employee it belongs to."""
from flask_appbuilder.models.sqla import Model
from flask_appbuilder.security.sqla.models import User as FabUser
from sqlalchemy import Column, DateTime, ForeignKey, Integer, Table
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

    agencies = relationship(Agency, secondary=user_agency, lazy="selectin", order_by=Agency.name)
    employee = relationship(Employee, lazy="selectin", backref="users")
