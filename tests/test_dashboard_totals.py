"""The monitoring dashboard's running totals (issue 21) stay exact and live: after each write of a series
(report, submit, return, correct the date, delete, approve, approve in bulk, a bulk update and a bulk delete
through the session, an employee moving unit), the day totals and the SKP sums equal the long way — counted from
the activities and IKIs themselves — and the dashboard's figures equal those counted through the scope. The
split of the scope the dashboard counts with (whole agencies + own and subordinates' rows beyond them) reads
exactly what the scope reads, for every demo account; foreign agencies are never counted."""
import datetime as dt
from decimal import Decimal

import flask
import pytest
from sqlalchemy import case, delete, func, insert, select, text, update

from app.domain.workdays import week_start
from app.models import Employee, Unit
from app.models.activity import DailyActivity
from app.models.performance import ActivityDayTotal, WorkPlanAchievementTotal
from app.models.planning import Period
from app.models.security import UserAccount
from app.security.scope import agency_reach, current_scope, read_filter, scoped_select
from app.services import activity as activities
from app.services import performance_totals
from tests.helpers import agency_id, database, employee_of
from tests.test_activity import activity_module  # noqa: F401  (autouse: pegawai.disdik gets an approved SKP)
from tests.test_performance_totals import act, first_result, newest_plan, report

DEMO_ACCOUNTS = ("admin", "sekda", "kadis.disdik", "kadis.dinkes", "penilai.disdik", "pegawai.disdik",
                 "admin.disdik", "hr.bkpsdm")


def day_totals_the_long_way(session):
    sent = func.sum(case((DailyActivity.status != "draft", 1), else_=0))
    submitted = func.sum(case((DailyActivity.status == "submitted", 1), else_=0))
    return {(agency, day): (sent_count, submitted_count) for agency, day, sent_count, submitted_count in
            session.execute(select(DailyActivity.agency_id, DailyActivity.activity_date, sent, submitted)
                            .group_by(DailyActivity.agency_id, DailyActivity.activity_date))
            if sent_count or submitted_count}


def plan_totals_the_long_way(session):
    """Per approved SKP: its quantity IKIs with a target, the sum of capped shares of the approved volume summed
    from the activities themselves, and the employee's agency and unit of today."""
    rows = session.execute(text("""
        SELECT wp.id, e.agency_id, e.unit_id, ri.target_value,
               (SELECT coalesce(sum(a.volume), 0) FROM daily_activity a
                WHERE a.result_indicator_id = ri.id AND a.status = 'approved') AS volume
        FROM result_indicator ri JOIN work_result wr ON wr.id = ri.work_result_id
        JOIN work_plan wp ON wp.id = wr.work_plan_id JOIN employee e ON e.id = wp.employee_id
        WHERE wp.status = 'approved' AND ri.aspect = 'KUANTITAS' AND ri.target_value > 0""")).all()
    plans: dict = {}
    for plan_id, agency, unit, target, volume in rows:
        figures = plans.setdefault(plan_id, [agency, unit, 0, Decimal(0)])
        figures[2] += 1
        figures[3] += min(Decimal(volume) / Decimal(target), Decimal(1))
    return plans


def period_of_today(session):
    day = activities.today()
    return session.scalar(select(Period.id).where(Period.start_date <= day, Period.end_date >= day)
                          .order_by(Period.start_date.desc()))


def assert_exact(step):
    with database() as session:
        kept = {(row.agency_id, row.activity_date): (row.sent, row.submitted)
                for row in session.scalars(select(ActivityDayTotal)) if row.sent or row.submitted}
        assert kept == day_totals_the_long_way(session), step
        plans = {row.work_plan_id: [row.employee_agency_id, row.employee_unit_id, row.indicators, row.shares]
                 for row in session.scalars(select(WorkPlanAchievementTotal))}
        expected = plan_totals_the_long_way(session)
        assert plans.keys() == expected.keys(), step
        for plan_id, (agency, unit, indicators, shares) in expected.items():
            assert plans[plan_id][:3] == [agency, unit, indicators], (step, plan_id)
            assert abs(Decimal(plans[plan_id][3]) - shares) < Decimal("1e-9"), (step, plan_id)


def figures_through_the_scope(app, username, day, agency=None):
    """The dashboard's counts the long way: every activity the account's scope reads, counted."""
    with app.test_request_context(), database() as session:
        flask.g.user = session.scalar(select(UserAccount).where(UserAccount.username == username))

        def count(*where):
            return session.scalar(scoped_select(DailyActivity, func.count(), agency_id=agency).where(*where))

        sent = DailyActivity.status != "draft"
        return {"today": count(sent, DailyActivity.activity_date == day),
                "this_week": count(sent, DailyActivity.activity_date.between(day - dt.timedelta(days=day.weekday()),
                                                                              day)),
                "backlog": count(DailyActivity.status == "submitted")}


def assert_dashboards_exact(app, as_user, step):
    day = activities.today()
    for username, agency in (("kadis.disdik", None), ("sekda", None), ("admin", agency_id("DISDIKBUD")),
                             ("kadis.disdik", agency_id("DINKES"))):
        query = f"?agency={agency}" if agency else ""
        shown = as_user(username).get(f"/activity-dashboard/data{query}").json
        assert {name: shown[name] for name in ("today", "this_week", "backlog")} == \
            figures_through_the_scope(app, username, day, agency), (step, username, agency)


@pytest.fixture
def reporter(api_as):
    return api_as("pegawai.disdik")


@pytest.fixture
def evaluator(api_as):
    return api_as("penilai.disdik")


def test_every_write_keeps_the_dashboard_totals_equal_to_the_long_way(app, as_user, reporter, evaluator):
    me = employee_of("pegawai.disdik")[0]
    with database():
        # The reports' day: today, or on a weekend or holiday the last working day (a report must be on one).
        today = activities.last_working_days(1, activities.today())[0]
        earlier = activities.last_working_days(12, today)[0]
        on_today, in_this_week = (int(today == activities.today()),
                                  int(week_start(today) == week_start(activities.today())))
    result = first_result(newest_plan(me))
    assert_exact("before")
    before = as_user("kadis.disdik").get("/activity-dashboard/data").json
    foreign_before = as_user("kadis.dinkes").get("/activity-dashboard/data").json

    draft = report(reporter, result, today, 2)
    assert_exact("a draft counts nowhere")
    act(reporter, f"/api/v1/activity/{draft}/submit")
    assert_exact("submitted")
    after = as_user("kadis.disdik").get("/activity-dashboard/data").json
    assert (after["today"], after["this_week"], after["backlog"]) == (
        before["today"] + on_today, before["this_week"] + in_this_week, before["backlog"] + 1)
    foreign_after = as_user("kadis.dinkes").get("/activity-dashboard/data").json
    assert (foreign_after["today"], foreign_after["backlog"]) == (foreign_before["today"], foreign_before["backlog"])
    assert_dashboards_exact(app, as_user, "submitted")

    returned = report(reporter, result, today, 3, "Mendata sekolah penerima bantuan")
    act(reporter, f"/api/v1/activity/{returned}/submit")
    act(evaluator, f"/api/v1/activity/{returned}/return", {"note": "Lampirkan daftar sekolah."})
    assert_exact("returned")
    client, headers = reporter
    moved = client.put(f"/api/v1/activity/{returned}", headers=headers, json={"activity_date": earlier.isoformat()})
    assert moved.status_code == 200, moved.get_data(as_text=True)
    assert_exact("a returned activity corrected to an earlier date")
    assert client.delete(f"/api/v1/activity/{returned}", headers=headers).status_code == 200
    assert_exact("a returned activity deleted")

    act(evaluator, f"/api/v1/activity/{draft}/approve")
    assert_exact("approved: the SKP's share moves")
    pair = [report(reporter, result, earlier, 1), report(reporter, result, today, 5)]
    for activity_id in pair:
        act(reporter, f"/api/v1/activity/{activity_id}/submit")
    assert act(evaluator, "/api/v1/activity/bulk_approve", {"ids": pair})["approved"] == 2
    assert_exact("approved in bulk")
    assert_dashboards_exact(app, as_user, "approved in bulk")

    # Scripts writing through the session, past the flush: a bulk insert, a bulk update of the date, then a
    # bulk delete.
    waiting = report(reporter, result, today, 1, "Laporan yang dipindah oleh skrip")
    act(reporter, f"/api/v1/activity/{waiting}/submit")
    with database() as session:
        mine = session.get(Employee, me)
        imported = session.scalars(insert(DailyActivity).returning(DailyActivity.id), [
            {"employee_id": me, "agency_id": mine.agency_id, "period_id": period_of_today(session),
             "activity_date": day, "start_time": dt.time(8), "end_time": dt.time(9), "description": "Impor skrip",
             "volume": 1, "output_unit": "laporan", "status": status}
            for day, status in ((today, "submitted"), (earlier, "approved"), (earlier, "draft"))]).all()
        session.commit()
    assert_exact("a bulk insert through the session")
    with database() as session:
        session.execute(delete(DailyActivity).where(DailyActivity.id.in_(imported)))
        session.commit()
    assert_exact("the inserted rows deleted in bulk")
    with database() as session:
        session.execute(update(DailyActivity).where(DailyActivity.id == waiting).values(activity_date=earlier))
        session.commit()
    assert_exact("a bulk update through the session")
    with database() as session:
        session.execute(delete(DailyActivity).where(DailyActivity.id == waiting))
        session.commit()
    assert_exact("a bulk delete through the session")
    assert_dashboards_exact(app, as_user, "after the scripts")


def test_an_employee_moving_unit_moves_their_skp_in_the_realisation(as_user):
    me = employee_of("pegawai.disdik")[0]
    with database() as session:
        person = session.get(Employee, me)
        home_unit = person.unit_id
        other = session.scalar(select(Unit.id).where(Unit.agency_id == person.agency_id, Unit.id != home_unit)
                               .order_by(Unit.id))
        person.unit_id = other
        session.commit()
    try:
        assert_exact("moved to another unit")
        units = {unit["id"]: unit for unit in as_user("kadis.disdik").get("/activity-dashboard/data").json["units"]}
        assert other in units
    finally:
        with database() as session:
            session.get(Employee, me).unit_id = home_unit
            session.commit()
    assert_exact("moved back")


def test_the_scope_split_reads_exactly_what_the_scope_reads(app):
    agencies = [None, agency_id("DISDIKBUD"), agency_id("DINKES")]
    with app.test_request_context(), database() as session:
        for username in DEMO_ACCOUNTS:
            flask.g.user = session.scalar(select(UserAccount).where(UserAccount.username == username))
            flask.g.pop("_scope_cache", None)
            scope = current_scope()
            for agency in agencies:
                condition = read_filter(DailyActivity, scope, agency)
                expected = session.scalar(select(func.count()).select_from(DailyActivity).where(
                    *([condition] if condition is not None else [])))
                reach = agency_reach(DailyActivity, scope, agency)
                whole = 0
                if reach.agencies is None or reach.agencies:
                    whole = session.scalar(select(func.count()).select_from(DailyActivity).where(
                        *([DailyActivity.agency_id.in_(reach.agencies)] if reach.agencies is not None else [])))
                beyond = 0 if reach.beyond is None else session.scalar(
                    select(func.count()).select_from(DailyActivity).where(reach.beyond))
                assert whole + beyond == expected, (username, agency)


def test_a_subordinate_reporting_in_another_agency_counts_for_the_evaluator_only(app, as_user):
    """The rows beyond the agencies a leader reads whole: an activity filed under a foreign agency by the
    leader's subordinate counts for the leader (their subordinate's) and for that agency's head."""
    evaluator = employee_of("kadis.disdik")[0]
    with database() as session:
        subordinate = session.scalar(text(
            "SELECT e.id FROM employee e JOIN position p ON p.id = e.position_id "
            "JOIN employee boss ON boss.position_id = p.parent_id WHERE boss.id = :boss ORDER BY e.id"),
            {"boss": evaluator})
        period_id = session.scalar(text("SELECT id FROM period WHERE status = 'running' ORDER BY year DESC"))
    assert subordinate is not None and period_id is not None
    day = activities.today()
    before = {name: as_user(name).get("/activity-dashboard/data").json for name in ("kadis.disdik", "kadis.dinkes")}
    with database() as session:
        foreign = DailyActivity(
            employee_id=subordinate, agency_id=agency_id("DINKES"), unit_id=None, evaluator_id=evaluator,
            period_id=period_id, activity_date=day, start_time=dt.time(7, 0), end_time=dt.time(7, 30),
            description="Tugas lintas perangkat daerah", volume=Decimal(1), output_unit="kegiatan",
            status="submitted")
        session.add(foreign)
        session.commit()
        foreign_id = foreign.id
    try:
        after = {name: as_user(name).get("/activity-dashboard/data").json for name in ("kadis.disdik", "kadis.dinkes")}
        for name in ("kadis.disdik", "kadis.dinkes"):
            assert after[name]["backlog"] == before[name]["backlog"] + 1, name
            assert after[name]["today"] == before[name]["today"] + 1, name
        assert_dashboards_exact(app, as_user, "an activity under a foreign agency")
    finally:
        with database() as session:
            session.execute(delete(DailyActivity).where(DailyActivity.id == foreign_id))
            session.commit()
    assert_exact("removed again")


def test_a_rebuild_from_scratch_gives_the_rows_kept_write_by_write(app):
    with database() as session:
        kept_days = set(session.execute(select(ActivityDayTotal.__table__)).all())
        kept_plans = {row.work_plan_id: row.indicators for row in session.scalars(select(WorkPlanAchievementTotal))}
        performance_totals.rebuild_dashboard_totals(session.connection())
        rebuilt_days = {row for row in session.execute(select(ActivityDayTotal.__table__)).all() if row.sent or
                        row.submitted}
        rebuilt_plans = {row.work_plan_id: row.indicators for row in session.scalars(
            select(WorkPlanAchievementTotal))}
        session.rollback()
    assert rebuilt_days == {row for row in kept_days if row.sent or row.submitted}
    assert rebuilt_plans == kept_plans and rebuilt_plans
