"""The province data generator (issue 9) at a small scale: reproducible from the seed, valid NIPs, activities
linked to the employee's own SKP, scope columns that agree with the organisation, accounts that sign in."""
import datetime as dt
import shutil

import pytest
from sqlalchemy import text

from app.domain.nip import parse_nip
from app.domain.predikat import employee_predikat
from app.extensions import db
from app.demo.generator import GeneratorRefused, ProvinceSize, generate_province
from tests.conftest import login

SIZE = ProvinceSize(employees=90, agencies=3, activities=4000, survey_responses=600, year=2026,
                    until=dt.date(2026, 9, 30))
PASSWORD = "Sikinerja#2026"
COMPARED_TABLES = ("agency", "unit", "position", "employee", "ab_user", "ab_user_role", "work_plan", "work_result",
                   "result_indicator", "daily_activity", "evaluation", "evaluation_realisation", "survey_period",
                   "survey_response", "training_programme", "training_participation")


def _reference_database(tmp_path):
    """A migrated database with the reference data only, as `flask db upgrade && flask seed --no-demo`."""
    from flask_migrate import upgrade

    from app import create_app
    from app.services import seeding

    app = create_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/reference.db")
    with app.app_context():
        upgrade()
        seeding.seed_everything(None, demo=False)
        db.engine.dispose()
    return tmp_path / "reference.db"


def _generated_app(tmp_path, reference, name, seed=7):
    from app import create_app

    shutil.copy(reference, tmp_path / f"{name}.db")
    app = create_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/{name}.db", TESTING=True,
                     SERVER_NAME="localhost", UPLOAD_FOLDER=f"{tmp_path}/uploads")
    with app.app_context():
        report = generate_province(SIZE, seed, PASSWORD)
    return app, report


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("province")
    reference = _reference_database(tmp_path)
    return _generated_app(tmp_path, reference, "first"), _generated_app(tmp_path, reference, "second")


def _rows(app, sql, **params):
    with app.app_context():
        return [tuple(row) for row in db.session.execute(text(sql), params)]


def test_same_seed_gives_the_same_rows(province):
    (first, report), (second, _report) = province
    for table in COMPARED_TABLES:
        count = f'SELECT count(*) FROM "{table}"'
        assert _rows(first, count) == _rows(second, count), table
    assert _rows(first, "SELECT count(*) FROM employee") == [(SIZE.employees,)]
    assert _rows(first, "SELECT count(*) FROM daily_activity") == [(SIZE.activities,)]
    assert _rows(first, "SELECT count(*) FROM survey_response") == [(SIZE.survey_responses,)]
    for sample in ("SELECT nip, name, birth_date, unit_id, position_id, rank_id FROM employee ORDER BY id",
                   "SELECT * FROM daily_activity WHERE id % 97 = 0 ORDER BY id",
                   "SELECT * FROM survey_response WHERE id % 31 = 0 ORDER BY id",
                   "SELECT * FROM evaluation ORDER BY id",
                   "SELECT * FROM training_participation ORDER BY id"):
        assert _rows(first, sample) == _rows(second, sample), sample
    assert report.figures["daily_activity"].rows == SIZE.activities
    assert report.peak_rss_mib > 0


def test_every_nip_is_valid_and_agrees_with_the_employee(province):
    (app, _report), _ = province
    employees = _rows(app, "SELECT nip, employment_type, birth_date, sex, tmt_cpns, appointment_year FROM employee")
    assert len({row[0] for row in employees}) == len(employees)
    for nip, kind, birth, sex, tmt, year in employees:
        parsed = parse_nip(nip, kind, today=SIZE.until)
        assert str(parsed.birth_date) == str(birth)
        assert parsed.sex == sex and parsed.appointment_year == year
        assert (tmt is None) == (kind == "PPPK")
        if tmt is not None:
            assert str(tmt) == f"{parsed.appointment_year}-{parsed.appointment_month:02d}-01"
    assert {row[1] for row in employees} == {"PNS", "PPPK"}


def test_every_activity_links_to_an_indicator_of_the_employees_own_skp(province):
    (app, _report), _ = province
    foreign = _rows(app, """
        SELECT count(*) FROM daily_activity a WHERE a.result_indicator_id IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM result_indicator ri JOIN work_result wr ON wr.id = ri.work_result_id
            JOIN work_plan wp ON wp.id = wr.work_plan_id
            WHERE ri.id = a.result_indicator_id AND wr.id = a.work_result_id AND wp.employee_id = a.employee_id
              AND wp.status = 'approved' AND wp.period_id = a.period_id)""")
    assert foreign == [(0,)]
    unlinked = _rows(app, "SELECT count(*), min(description), max(description) FROM daily_activity "
                          "WHERE result_indicator_id IS NULL")[0]
    assert unlinked[0] < SIZE.activities * 0.1 and unlinked[1] == unlinked[2]
    assert unlinked[1].startswith("Tugas langsung atasan")
    on_days_off = _rows(app, "SELECT count(*) FROM daily_activity a WHERE a.activity_date IN "
                             "(SELECT date FROM holiday) OR strftime('%w', a.activity_date) IN ('0', '6')")
    assert on_days_off == [(0,)]
    statuses = dict(_rows(app, "SELECT status, count(*) FROM daily_activity GROUP BY status"))
    assert statuses["approved"] > statuses["submitted"] > 0 and statuses["returned"] > 0


def test_scope_columns_agree_with_the_organisation(province):
    (app, _report), _ = province
    assert _rows(app, "PRAGMA foreign_key_check") == []
    assert _rows(app, """
        SELECT count(*) FROM daily_activity a JOIN employee e ON e.id = a.employee_id
        LEFT JOIN position p ON p.id = e.position_id LEFT JOIN employee boss ON boss.position_id = p.parent_id
        WHERE a.agency_id != e.agency_id OR a.unit_id != e.unit_id
           OR coalesce(a.evaluator_id, -1) != coalesce(boss.id, -1)""") == [(0,)]
    for table in ("work_result", "result_indicator", "evaluation"):
        parent = "work_plan_id" if table != "result_indicator" else None
        sql = (f"SELECT count(*) FROM {table} t JOIN work_plan wp ON wp.id = t.work_plan_id "
               "WHERE t.agency_id != wp.agency_id OR t.employee_id != wp.employee_id "
               "OR coalesce(t.evaluator_id, -1) != coalesce(wp.evaluator_id, -1)") if parent else (
            "SELECT count(*) FROM result_indicator t JOIN work_result wr ON wr.id = t.work_result_id "
            "WHERE t.agency_id != wr.agency_id OR t.employee_id != wr.employee_id")
        assert _rows(app, sql) == [(0,)], table
    assert _rows(app, "SELECT count(*) FROM survey_response r JOIN unit u ON u.id = r.unit_id "
                      "WHERE r.agency_id != u.agency_id OR NOT u.serves_public") == [(0,)]


def test_rhk_cascade_from_the_superiors_plan_and_predikat_from_the_matrix(province):
    (app, _report), _ = province
    # Every Utama RHK supports an RHK of the evaluator's plan; heads of agencies link to an agency indicator.
    assert _rows(app, """
        SELECT count(*) FROM work_result wr JOIN work_plan wp ON wp.id = wr.work_plan_id
        LEFT JOIN work_result up ON up.id = wr.supported_result_id
        LEFT JOIN work_plan upp ON upp.id = up.work_plan_id
        WHERE wr."group" = 'UTAMA' AND NOT (
            (wp.evaluator_id IS NULL AND wr.organization_indicator_id IS NOT NULL)
            OR upp.employee_id = wp.evaluator_id)""") == [(0,)]
    rated = _rows(app, "SELECT work_result_rating, behaviour_rating, predikat FROM evaluation "
                       "WHERE predikat IS NOT NULL")
    assert rated and all(int(employee_predikat(work, behaviour)) == predikat for work, behaviour, predikat in rated)
    kinds = dict(_rows(app, "SELECT kind, count(*) FROM evaluation GROUP BY kind"))
    assert kinds["ANNUAL"] == SIZE.employees and kinds["QUARTERLY"] == 2 * SIZE.employees  # Q1, Q2 over by 30/9


def _signed_in(app, username, password=PASSWORD):
    client = app.test_client()
    with app.app_context():
        status = login(client, username, password).status_code
    return client, status


def test_generated_accounts_sign_in_with_their_roles(province):
    (app, report), _ = province
    app.appbuilder.sm.limiter.enabled = False
    leader, status = _signed_in(app, report.personas["agency_leader"])
    assert status == 302
    figures = leader.get("/activity-dashboard/data").get_json()
    assert figures["backlog"] > 0
    employee, status = _signed_in(app, report.personas["employee"])
    assert status == 302 and employee.get("/activity-dashboard/data").status_code in (302, 403)
    assert employee.get("/activity/mine").status_code == 200
    stranger, _status = _signed_in(app, report.personas["employee"], "not-the-password")
    assert stranger.get("/activity/mine").status_code == 302  # back to the login page


def test_a_database_with_agencies_is_refused_and_left_alone(province):
    (app, _report), _ = province
    before = _rows(app, "SELECT count(*) FROM employee")
    with app.app_context(), pytest.raises(GeneratorRefused):
        generate_province(SIZE, 8, PASSWORD)
    assert _rows(app, "SELECT count(*) FROM employee") == before


def test_training_records_put_employees_on_both_sides_of_20_jp(province):
    (app, _report), _ = province
    # Programmes ended by 30/9 are completed with JP and a certificate; the December seminar is only registered.
    statuses = dict(_rows(app, "SELECT status, count(*) FROM training_participation GROUP BY status"))
    assert statuses["completed"] > statuses["registered"] > 0
    assert _rows(app, "SELECT count(*) FROM training_participation p JOIN training_programme g "
                      "ON g.id = p.programme_id WHERE (p.status = 'completed') != (g.end_date <= '2026-09-30') "
                      "OR (p.status = 'completed' AND (p.jp_earned != g.jp OR p.certificate_number IS NULL))") == [(0,)]
    app.appbuilder.sm.limiter.enabled = False
    client = app.test_client()
    token = client.post("/api/v1/security/login", json={"username": "admin", "password": PASSWORD,
                                                       "provider": "db"}).json["access_token"]
    agencies = client.get("/api/v1/training/compliance?year=2026",
                          headers={"Authorization": f"Bearer {token}"}).json["result"]
    assert len(agencies) == SIZE.agencies
    compliant = sum(row["compliant"] for row in agencies)
    below = sum(len(row["below"]) for row in agencies)
    assert compliant > 0 and below > 0
    pns = _rows(app, "SELECT count(*) FROM employee WHERE employment_type = 'PNS'")[0][0]
    assert compliant + below == pns


def test_attendance_of_the_last_full_month_feeds_the_monthly_allowance(province):
    """Issue 23: September 2026 (the last full month before 30 September) has marks for the province; the
    year's rule set is there; the monthly calculation gives every employee an amount, no more than the base."""
    (app, _report), (second, _) = province
    sample = "SELECT * FROM attendance_mark WHERE id % 53 = 0 ORDER BY id"
    assert _rows(app, sample) == _rows(second, sample)
    months = _rows(app, "SELECT DISTINCT strftime('%m', marked_at) FROM attendance_mark")
    assert months == [("09",)]
    per_day = _rows(app, "SELECT max(n) FROM (SELECT count(*) AS n FROM attendance_mark "
                         "GROUP BY employee_id, date(marked_at))")
    assert per_day == [(2,)]
    from app.services import tpp

    with app.app_context():
        agencies = [agency_id for (agency_id,) in db.session.execute(text("SELECT id FROM agency"))]
        runs = [tpp.calculate_month(agency_id, 2026, 9, on=dt.date(2026, 10, 5)) for agency_id in agencies]
    assert sum(run.calculated for run in runs) == SIZE.employees
    assert _rows(app, "SELECT count(*) FROM tpp_calculation WHERE amount > base_amount OR amount < 0") == [(0,)]


def test_the_leaders_tables_running_totals_are_filled_as_the_session_would_keep_them(province):
    """Every employee has a row, equal to what refreshing it from the rows themselves gives (issue 19)."""
    from app.services import performance_totals

    (app, _report), _ = province
    generated = _rows(app, "SELECT * FROM employee_performance_total ORDER BY employee_id")
    assert len(generated) == _rows(app, "SELECT count(*) FROM employee")[0][0]
    assert _rows(app, "SELECT count(*) FROM employee_performance_total WHERE waiting > 0 AND month_count > 0 "
                      "AND achievement IS NOT NULL")[0][0] > 0
    with app.app_context():
        performance_totals.refresh(db.session.connection(), [row[0] for row in generated])
        refreshed = [tuple(row) for row in db.session.execute(
            text("SELECT * FROM employee_performance_total ORDER BY employee_id"))]
        db.session.rollback()
    assert refreshed == generated
