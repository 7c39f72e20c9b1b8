"""REST: every employee's performance in the caller's scope (GET /api/v1/performance/ with the table's filter,
sort, search and page arguments) and one employee's figures (GET /api/v1/performance/<employee_id>)."""
from flask import request
from flask_appbuilder.api import BaseApi, expose, protect, safe

from app.services import performance
from app.views.performance import performance_json


class PerformanceApi(BaseApi):
    resource_name = "performance"
    class_permission_name = "Performance"
    method_permission_name = {"table": "read", "employee": "read"}

    @expose("/", methods=["GET"])
    @protect()
    @safe
    def table(self):
        page = performance.performance_table(performance.TableQuery.from_args(request.args))
        return self.response(200, count=page.total, page=page.query.page, pages=page.pages,
                             page_size=performance.PAGE_SIZE, result=[performance_json(row) for row in page.rows])

    @expose("/<int:employee_id>", methods=["GET"])
    @protect()
    @safe
    def employee(self, employee_id):
        if performance.employee_in_scope(employee_id) is None:
            return self.response_404()
        row = performance.performance_rows([employee_id], performance.current_moment())[0]
        return self.response(200, result=performance_json(row))
