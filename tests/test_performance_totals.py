"""The leaders' table's per-employee running totals (issue 19) stay exact through every kind of write: after
each write of a series (report, submit, return, correct, delete, approve one, approve in bulk, revise and
approve the SKP, a bulk delete through the session), the employee's stored figures equal the long way —
computed from the activities and plans themselves — and a rebuild from scratch gives the same rows."""
import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import delete, select

from app.models import Employee
from app.models.activity import DailyActivity
from app.models.performance import EmployeePerformanceTotal
from app.models.planning import Period, WorkPlan, WorkResult
from app.services import activity as activities
from app.services import performance_totals
from tests.helpers import agency_id, database, employee_of
from tests.test_activity import activity_module  # noqa: F401  (autouse: pegawai.disdik gets an approved SKP)
from tests.test_performance_table import progress_the_long_way

FIGURES = ("last_reported_on", "week_of", "week_count", "month_of", "month_count", "waiting",
           "achievement_period_id", "achievement")


def stored(employee_id):
    with database() as session:
        row = session.get(EmployeePerformanceTotal, employee_id)
        return None if row is None else {name: getattr(row, name) for name in FIGURES}


def long_way(employee_id):
    """The figures from the rows themselves: every activity of the employee, every approved SKP."""
    with database() as session:
        sent = list(session.scalars(select(DailyActivity).where(DailyActivity.employee_id == employee_id,
                                                                DailyActivity.status != "draft")))
        last = max((a.activity_date for a in sent), default=None)
        week_of = last - dt.timedelta(days=last.weekday()) if last else None
        month_of = last.replace(day=1) if last else None
        plan = session.scalar(select(WorkPlan).join(Period, WorkPlan.period_id == Period.id).where(
            WorkPlan.employee_id == employee_id, WorkPlan.status == "approved",
            Period.start_date <= activities.today())  # a next year's SKP counts once its year begins
            .order_by(Period.start_date.desc(), WorkPlan.version.desc()))
        return {
            "last_reported_on": last, "week_of": week_of,
            "week_count": sum(1 for a in sent if week_of and a.activity_date >= week_of),
            "month_of": month_of, "month_count": sum(1 for a in sent if month_of and a.activity_date >= month_of),
            "waiting": sum(1 for a in sent if a.status == "submitted"),
            "achievement_period_id": plan.period_id if plan else None,
            "achievement": progress_the_long_way(session, plan),
        }


def assert_exact(employee_id, step):
    assert stored(employee_id) == long_way(employee_id), step


@pytest.fixture
def reporter(api_as):
    return api_as("pegawai.disdik")


@pytest.fixture
def evaluator(api_as):
    return api_as("penilai.disdik")


def report(reporter, result_id, day, volume, description="Menyusun rekap kunjungan sekolah"):
    client, headers = reporter
    created = client.post("/api/v1/activity/", headers=headers, json={
        "activity_date": day.isoformat(), "start_time": "08:00:00", "end_time": "09:30:00",
        "description": description, "work_result": result_id, "volume": volume, "output_unit": "laporan"})
    assert created.status_code == 201, created.get_data(as_text=True)
    return created.json["id"]


def act(who, path, body=None):
    client, headers = who
    response = client.post(path, headers=headers, json=body or {})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json


def newest_plan(employee_id):
    """The approved SKP of the period of today's reports (other test files may leave plans of later periods)."""
    day = activities.today()
    with database() as session:
        return session.scalar(select(WorkPlan.id).join(Period, WorkPlan.period_id == Period.id)
                              .where(WorkPlan.employee_id == employee_id, WorkPlan.status == "approved",
                                     Period.start_date <= day, Period.end_date >= day)
                              .order_by(WorkPlan.version.desc()))


def first_result(plan_id):
    with database() as session:
        return session.scalar(select(WorkResult.id).where(WorkResult.work_plan_id == plan_id)
                              .order_by(WorkResult.id))


def test_every_write_keeps_the_totals_equal_to_the_long_way(reporter, evaluator):
    me = employee_of("pegawai.disdik")[0]
    with database():
        today, earlier = activities.last_working_days(1, activities.today())[0], activities.last_working_days(
            12, activities.today())[0]
    result = first_result(newest_plan(me))
    assert_exact(me, "before")

    draft = report(reporter, result, today, 2)
    assert_exact(me, "a draft counts nowhere")
    act(reporter, f"/api/v1/activity/{draft}/submit")
    assert stored(me)["waiting"] >= 1 and stored(me)["last_reported_on"] == today
    assert_exact(me, "submitted")

    returned = report(reporter, result, today, 3, "Mendata sekolah penerima bantuan")
    act(reporter, f"/api/v1/activity/{returned}/submit")
    act(evaluator, f"/api/v1/activity/{returned}/return", {"note": "Lampirkan daftar sekolah."})
    assert_exact(me, "returned")
    client, headers = reporter
    moved = client.put(f"/api/v1/activity/{returned}", headers=headers, json={"activity_date": earlier.isoformat()})
    assert moved.status_code == 200, moved.get_data(as_text=True)
    assert_exact(me, "a returned activity corrected to an earlier date")
    assert client.delete(f"/api/v1/activity/{returned}", headers=headers).status_code == 200
    assert_exact(me, "a returned activity deleted")

    before = stored(me)["achievement"]
    act(evaluator, f"/api/v1/activity/{draft}/approve")
    # Capped at 100 % per IKI: other files' approved activities may have filled this one already.
    assert stored(me)["achievement"] > (before or 0) or before == 100
    assert_exact(me, "approved")

    pair = [report(reporter, result, earlier, 1), report(reporter, result, today, 5)]
    for activity_id in pair:
        act(reporter, f"/api/v1/activity/{activity_id}/submit")
    assert act(evaluator, "/api/v1/activity/bulk_approve", {"ids": pair})["approved"] == 2
    assert_exact(me, "approved in bulk")

    # A revised SKP, approved, replaces the old version: its IKIs have nothing approved yet.
    revision = act(reporter, f"/api/v1/workplan/{newest_plan(me)}/revise")["result"]["id"]
    try:
        assert_exact(me, "a revision in draft changes nothing")
        act(reporter, f"/api/v1/workplan/{revision}/submit")
        act(evaluator, f"/api/v1/workplan/{revision}/approve")
        assert stored(me)["achievement"] == Decimal("0.00")
        assert_exact(me, "the revision approved")
    finally:  # other test files report against the first version's RHKs
        with database() as session:
            session.delete(session.get(WorkPlan, revision))
            session.commit()
    assert_exact(me, "the revision removed again")

    # A script deleting through the session, past the flush (a submitted activity: approved volume stays).
    waiting = report(reporter, result, today, 1, "Laporan yang dihapus oleh skrip")
    act(reporter, f"/api/v1/activity/{waiting}/submit")
    with database() as session:
        session.execute(delete(DailyActivity).where(DailyActivity.id == waiting))
        session.commit()
    assert_exact(me, "a bulk delete through the session")


def test_a_rebuild_from_scratch_gives_the_rows_kept_write_by_write(app):
    me = employee_of("pegawai.disdik")[0]
    with database() as session:
        kept = stored(me)
        performance_totals.rebuild(session.connection())
        rebuilt = {row.employee_id: {name: getattr(row, name) for name in FIGURES}
                   for row in session.execute(select(EmployeePerformanceTotal.__table__).join(
                       Employee, Employee.id == EmployeePerformanceTotal.employee_id)
                       .where(Employee.agency_id == agency_id("DISDIKBUD"))).all()}
        session.rollback()
    assert rebuilt[me] == kept
    assert any(figures["month_count"] for figures in rebuilt.values())
    for employee_id, figures in rebuilt.items():
        assert figures == long_way(employee_id), employee_id


def test_an_employee_without_a_row_yet_gets_one_at_the_first_report(reporter):
    me = employee_of("pegawai.disdik")[0]
    with database() as session:
        session.execute(EmployeePerformanceTotal.__table__.delete().where(
            EmployeePerformanceTotal.employee_id == me))
        session.commit()
        day = activities.last_working_days(1, activities.today())[0]
    draft = report(reporter, first_result(newest_plan(me)), day, 1)
    act(reporter, f"/api/v1/activity/{draft}/submit")
    assert_exact(me, "a new row")
