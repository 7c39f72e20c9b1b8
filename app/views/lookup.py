"""Scoped, paginated lookups behind the search-as-you-type selects (select2's JSON format)."""
from flask import jsonify, request
from flask_appbuilder import BaseView, expose, has_access
from sqlalchemy import or_

from app.extensions import db
from app.models import Employee, Position, Unit
from app.parsing import parse_whole_number
from app.security.scope import scoped_select

PAGE_SIZE = 20


def _page(model, *searched_columns, order_by):
    term = request.args.get("q", "").strip()[:100]
    page = parse_whole_number(request.args.get("page")) or 1
    statement = scoped_select(model)
    if term:
        statement = statement.where(or_(*(column.ilike(f"%{term}%") for column in searched_columns)))
    agency = parse_whole_number(request.args.get("agency"))
    if agency is not None:
        statement = statement.where(model.agency_id == agency)
    rows = db.session.scalars(
        statement.order_by(order_by).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)
    ).all()
    return jsonify({
        "results": [{"id": row.id, "text": str(row)} for row in rows[:PAGE_SIZE]],
        "pagination": {"more": len(rows) > PAGE_SIZE},
    })


class LookupView(BaseView):
    route_base = "/lookup"
    class_permission_name = "Lookup"
    method_permission_name = {"employee": "read", "position": "read", "unit": "read"}

    @expose("/employee")
    @has_access
    def employee(self):
        return _page(Employee, Employee.name, Employee.nip, order_by=Employee.name)

    @expose("/position")
    @has_access
    def position(self):
        return _page(Position, Position.name, Position.code, order_by=Position.name)

    @expose("/unit")
    @has_access
    def unit(self):
        return _page(Unit, Unit.name, Unit.code, order_by=Unit.name)
