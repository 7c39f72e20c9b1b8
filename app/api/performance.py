"""REST: every employee's performance in the caller's scope (GET /api/v1/performance/ with the table's filter,
sort, search and page arguments) and one employee's figures (GET /api/v1/performance/<employee_id>)."""
from flask import request, url_for
from flask_appbuilder.api import BaseApi, expose, protect, safe

from app.formatting import percent
from app.services import performance


def performance_json(row: performance.PerformanceRow) -> dict:
    """A row for API clients: numbers as strings with a decimal point (exact), dates in ISO form, and the
    words as the reader's language says them."""
    def number(value):
        return None if value is None else str(round(value, 2))

    dialogue = row.dialogue
    return {
        "id": row.id, "name": row.name, "nip": row.nip, "agency": row.agency, "unit": row.unit,
        "position": row.position, "skp_status": row.skp_status, "skp_status_label": row.skp_status_label,
        "achievement": number(row.achievement), "achievement_label": percent(row.achievement, 1),
        "results": [{"rhk": result.description, "target": number(result.target), "unit": result.unit,
                     "realised": number(result.realised), "achievement": number(result.percent)}
                    for result in row.results],
        "activities_this_week": row.week, "activities_this_month": row.month,
        "last_report": row.last_report.isoformat() if row.last_report else None,
        "working_days_since_last_report": row.idle_working_days, "waiting_for_approval": row.waiting,
        "last_dialogue": dialogue.last_held_on.isoformat() if dialogue and dialogue.last_held_on else None,
        "next_dialogue": dialogue.next_due_on.isoformat() if dialogue and dialogue.next_due_on else None,
        "dialogue_overdue": bool(dialogue and dialogue.overdue),
        "predikat": row.predikat, "predikat_label": row.predikat_label, "jp_this_year": number(row.jp),
        "citizen_responses": row.feedback_count, "citizen_average": number(row.feedback_average),
        "url": url_for("PerformanceView.employee", employee_id=row.id),
    }


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
