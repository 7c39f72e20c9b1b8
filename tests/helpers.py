"""Small queries the access tests share: ids and counts straight from the database."""
from sqlalchemy import func, select

from app.extensions import db
from app.models import Agency, UserAccount


def agency_id(code):
    return db.session.execute(select(Agency.id).where(Agency.code == code)).scalar_one()


def count(model, **where):
    statement = select(func.count()).select_from(model)
    for column, value in where.items():
        statement = statement.where(getattr(model, column) == value)
    return db.session.execute(statement).scalar_one()


def first_id(model, agency_code):
    return db.session.execute(
        select(model.id).where(model.agency_id == agency_id(agency_code)).order_by(model.id)
    ).scalars().first()


def employee_of(username):
    user = db.session.execute(select(UserAccount).where(UserAccount.username == username)).scalar_one()
    return user.employee


