"""The baseline of issue 21: the same pages' data served by plain Flask + SQLAlchemy Core + Jinja, nothing else.

Each route does what the app's page minimally has to: read the signed-in account from Flask's signed session
cookie and its row (one statement, as any login does), run the statements of the data the page shows, and
render the same rows and columns with a Jinja template (HTML) or ``jsonify`` (the REST list). No permission
model, no scope, no translation, no page chrome: the cost of the data itself. ``bench/cpu_ratios.py`` serves
it beside the app in one process and compares their CPU per request.

    from baseline import create_baseline
    client = create_baseline(engine).test_client()
    client.get("/signin/<user id>"); client.get("/employees")
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask import Flask, abort, jsonify, render_template_string, request, session
from sqlalchemy import Boolean, Date, Numeric, Time, text

LAYOUT = """<!doctype html><html lang="id"><head><meta charset="utf-8"><title>{{ title }}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head><body>
<p>{{ user.first_name }} {{ user.last_name }}</p><h2>{{ title }}</h2>{% block content %}{% endblock %}</body></html>"""

EMPLOYEES = """{% extends layout %}{% block content %}<p>{{ count }} records</p><table>
<tr><th>NIP</th><th>Name</th><th>Rank</th><th>Position</th><th>Unit</th><th>Agency</th><th>Active</th><th></th></tr>
{% for row in rows %}<tr><td>{{ row.nip }}</td><td>{{ row.name }}</td><td>{{ row.golongan or "–" }}</td>
<td>{{ row.position or "–" }}</td><td>{{ row.unit }}</td><td>{{ row.agency }}</td><td>{{ "Ya" if row.active else "Tidak" }}</td>
<td><a href="/employees/{{ row.id }}" title="Show">show</a> <a href="/employees/{{ row.id }}/edit" title="Edit">edit</a></td></tr>
{% endfor %}</table>{% endblock %}"""

QUEUE = """{% extends layout %}{% block content %}<form method="post"><table>
<tr><th></th><th>Employee</th><th>Date</th><th>Activity</th><th>Volume</th></tr>
{% for row in rows %}<tr><td><input type="checkbox" name="ids" value="{{ row.id }}"></td><td>{{ row.employee }}</td>
<td>{{ row.activity_date }} {{ row.start_time.strftime('%H:%M') }}–{{ row.end_time.strftime('%H:%M') }}</td>
<td>{{ row.description }}<br><small>{{ row.result or "Direct assignment" }}</small></td>
<td>{{ row.volume }} {{ row.output_unit }}</td></tr>{% endfor %}</table></form>{% endblock %}"""

WEEK = """{% extends layout %}{% block content %}<table>
<tr><th>RHK</th><th>Target</th><th>Reported</th><th>Approved</th></tr>
{% for total in totals %}<tr><td>{{ total.label }}</td><td>{{ total.target }}</td><td>{{ total.reported }}</td>
<td>{{ total.approved }}</td></tr>{% endfor %}</table><table>
<tr><th>Date</th><th>Time</th><th>Activity</th><th>Volume</th><th>Status</th></tr>
{% for row in rows %}<tr><td>{{ row.activity_date.strftime("%d-%m-%Y") }}</td>
<td>{{ row.start_time.strftime('%H:%M') }}–{{ row.end_time.strftime('%H:%M') }}</td>
<td>{{ row.description }}<br><small>{{ row.result or "Direct assignment" }}</small></td>
<td>{{ row.volume }} {{ row.output_unit }}</td><td>{{ row.status }}</td></tr>{% endfor %}</table>{% endblock %}"""

EMPLOYEE_ROWS = text(
    "SELECT e.id, e.nip, e.name, r.golongan, po.name AS position, u.name AS unit, a.name AS agency, e.active "
    "FROM employee e LEFT JOIN rank r ON r.id = e.rank_id LEFT JOIN position po ON po.id = e.position_id "
    "JOIN unit u ON u.id = e.unit_id JOIN agency a ON a.id = e.agency_id ORDER BY e.id LIMIT :size OFFSET :skip"
).columns(active=Boolean)  # typed as the ORM's columns are (SQLite answers 0/1 and strings otherwise)
ACTIVITY_TYPES = {"activity_date": Date, "start_time": Time, "end_time": Time, "volume": Numeric(12, 2)}
# The REST list's columns (app.api.master_data.EmployeeApi.list_columns).
EMPLOYEE_JSON_ROWS = text(
    "SELECT e.id, e.nip, e.employment_type, e.name, e.sex, e.birth_date, e.tmt_cpns, e.appointment_year, "
    "e.tmt_position, e.email, e.phone, e.active, a.id AS agency_id, a.name AS agency_name, u.id AS unit_id, "
    "u.name AS unit_name, e.position_id, e.rank_id FROM employee e JOIN agency a ON a.id = e.agency_id "
    "JOIN unit u ON u.id = e.unit_id ORDER BY e.id LIMIT :size OFFSET :skip").columns(
    active=Boolean, birth_date=Date, tmt_cpns=Date, tmt_position=Date)
EMPLOYEE_COUNT = text("SELECT count(*) FROM employee")
QUEUE_ROWS = text(
    "SELECT d.id, e.name AS employee, d.activity_date, d.start_time, d.end_time, d.description, d.volume, "
    "d.output_unit, wr.description AS result FROM daily_activity d JOIN employee e ON e.id = d.employee_id "
    "LEFT JOIN work_result wr ON wr.id = d.work_result_id WHERE d.evaluator_id = :e AND d.status = 'submitted' "
    "ORDER BY d.activity_date, d.id LIMIT 200").columns(**ACTIVITY_TYPES)
WEEK_ROWS = text(
    "SELECT d.id, d.activity_date, d.start_time, d.end_time, d.description, d.volume, d.output_unit, d.status, "
    "d.work_result_id, wr.description AS result, ri.target_value, ri.target_unit FROM daily_activity d "
    "LEFT JOIN work_result wr ON wr.id = d.work_result_id LEFT JOIN result_indicator ri "
    "ON ri.id = d.result_indicator_id WHERE d.employee_id = :e AND d.activity_date BETWEEN :start AND :end "
    "ORDER BY d.activity_date DESC, d.start_time DESC").columns(**ACTIVITY_TYPES, target_value=Numeric(18, 4))
SURVEY_PERIOD = text("SELECT sp.id, sp.agency_id, sp.unit_id FROM survey_period sp JOIN unit u ON u.id = sp.unit_id "
                     "WHERE u.code = :code AND sp.is_open AND :today BETWEEN sp.start_date AND sp.end_date")
SURVEY_INSERT = text(
    "INSERT INTO survey_response (agency_id, unit_id, period_id, u1, u2, u3, u4, u5, u6, u7, u8, u9, client_hash, "
    "submitted_at, excluded, service_used) VALUES (:agency, :unit, :period, :u1, :u2, :u3, :u4, :u5, :u6, :u7, :u8, "
    ":u9, 'bench-bare', :now, false, :service)")
USER_ROW = text("SELECT id, first_name, last_name, employee_id FROM ab_user WHERE id = :id AND active")


def create_baseline(engine) -> Flask:
    """The plain app on ``engine`` (the same database the app under test reads)."""
    app = Flask("baseline")
    app.secret_key = "baseline-only-secret"
    app.jinja_env.globals["layout"] = app.jinja_env.from_string(LAYOUT)
    templates = {name: app.jinja_env.from_string(source)
                 for name, source in (("employees", EMPLOYEES), ("queue", QUEUE), ("week", WEEK))}

    def signed_in(connection):
        user = connection.execute(USER_ROW, {"id": session.get("user_id", 0)}).first()
        if user is None:
            abort(401)
        return user

    def page():
        number = request.args.get("page", 0, type=int)
        return {"size": 25, "skip": 25 * max(number, 0)}

    @app.get("/signin/<int:user_id>")
    def sign_in(user_id):
        session["user_id"] = user_id
        return "", 204

    @app.get("/employees")
    def employees():
        with engine.connect() as connection:
            user = signed_in(connection)
            rows = connection.execute(EMPLOYEE_ROWS, page()).all()
            count = connection.execute(EMPLOYEE_COUNT).scalar()
        return templates["employees"].render(title="Employees", user=user, rows=rows, count=count)

    @app.get("/api/employees")
    def employees_json():
        with engine.connect() as connection:
            signed_in(connection)
            rows = connection.execute(EMPLOYEE_JSON_ROWS, page()).mappings().all()
            count = connection.execute(EMPLOYEE_COUNT).scalar()
        result = [{key: value.isoformat() if isinstance(value, dt.date) else value for key, value in row.items()}
                  for row in rows]
        return jsonify(count=count, ids=[row["id"] for row in rows], result=result)

    @app.get("/queue")
    def queue():
        with engine.connect() as connection:
            user = signed_in(connection)
            rows = connection.execute(QUEUE_ROWS, {"e": user.employee_id}).all()
        return templates["queue"].render(title="Approval queue", user=user, rows=rows)

    @app.get("/week")
    def week():
        day = dt.date.fromisoformat(request.args["day"])
        with engine.connect() as connection:
            user = signed_in(connection)
            rows = connection.execute(WEEK_ROWS, {"e": user.employee_id, "end": day,
                                                  "start": day - dt.timedelta(days=day.weekday())}).all()
        totals = {}
        for row in rows:
            if row.status == "returned":
                continue
            total = totals.setdefault(row.work_result_id, {
                "label": row.result or "Direct assignment", "reported": Decimal(0), "approved": Decimal(0),
                "target": f"{row.target_value} {row.target_unit or ''}" if row.target_value is not None else ""})
            total["reported"] += row.volume
            if row.status == "approved":
                total["approved"] += row.volume
        return templates["week"].render(title="My activities", user=user, rows=rows, totals=totals.values())

    @app.post("/survey/<code>")
    def survey(code):
        answers = request.get_json()
        values = {f"u{n}": answers.get(f"u{n}") for n in range(1, 10)}
        if not all(isinstance(value, int) and 1 <= value <= 4 for value in values.values()):
            abort(400)
        with engine.begin() as connection:
            period = connection.execute(SURVEY_PERIOD, {"code": code, "today": dt.date.today()}).first()
            if period is None:
                abort(404)
            connection.execute(SURVEY_INSERT, {**values, "agency": period.agency_id, "unit": period.unit_id,
                                               "period": period.id, "now": dt.datetime.utcnow(),
                                               "service": str(answers.get("service_used", ""))[:120]})
        return jsonify(status="ok"), 201

    return app
