"""Daily activities as users notice them: accumulation, scope, refusals, bulk approval, evidence, dashboard."""
import datetime as dt
import io
from decimal import Decimal

import pytest
from sqlalchemy import select, text

from app.extensions import db
from app.models.activity import DailyActivity, IndicatorProgress
from app.models.planning import Period, ResultIndicator, WorkPlan, WorkResult
from tests.conftest import csrf_token
from tests.helpers import count, database, employee_of

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(scope="module", autouse=True)
def activity_module(app):
    """An approved 2026 SKP for pegawai.disdik and pegawai.dinkes (the demo leaves them without one)."""
    with app.app_context():
        period = db.session.scalar(select(Period).where(Period.year == 2026))
        for reporter, evaluator in (("pegawai.disdik", "penilai.disdik"), ("pegawai.dinkes", "penilai.dinkes")):
            employee_id = employee_of(reporter)[0]
            if db.session.scalar(select(WorkPlan.id).where(WorkPlan.employee_id == employee_id,
                                                           WorkPlan.period_id == period.id)):
                continue
            from app.models import Employee
            employee = db.session.get(Employee, employee_id)
            scope = dict(employee_id=employee_id, agency_id=employee.agency_id,
                         evaluator_id=employee_of(evaluator)[0])
            plan = WorkPlan(period_id=period.id, approach="kuantitatif", status="approved", **scope)
            # Supports the evaluator's RHK, so the cascade shows no gap for this plan.
            supported = db.session.scalar(select(WorkResult).where(
                WorkResult.employee_id == scope["evaluator_id"]).order_by(WorkResult.id.desc()))
            result = WorkResult(work_plan=plan, description="Laporan pembinaan sekolah",
                                supported_result=supported, **scope)
            ResultIndicator(work_result=result, aspect="KUANTITAS", description="Jumlah laporan",
                            target_value=Decimal(20), target_unit="laporan", **scope)
            db.session.add(plan)
        db.session.commit()


def last_working_day(before=None):
    from app.services.activity import last_working_days, today
    with database():
        return last_working_days(1, before or today())[0]


def own_result(username):
    employee_id = employee_of(username)[0]
    with database() as session:
        result = session.scalar(select(WorkResult).join(WorkPlan, WorkResult.work_plan_id == WorkPlan.id)
                                .join(Period, WorkPlan.period_id == Period.id)
                                .where(WorkPlan.employee_id == employee_id, WorkPlan.status == "approved",
                                       Period.year == 2026)
                                .order_by(WorkResult.id))
        return result.id, result.indicators[0].id


def body(username, **changes):
    data = {"activity_date": last_working_day().isoformat(), "start_time": "08:00:00", "end_time": "10:00:00",
            "description": "Membina guru SD tentang penilaian", "work_result": own_result(username)[0],
            "volume": 2, "output_unit": "laporan"}
    data.update(changes)
    return data


def create(api_as, username="pegawai.disdik", **changes):
    client, headers = api_as(username)
    response = client.post("/api/v1/activity/", json=body(username, **changes), headers=headers)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.json["id"]


def act(api_as, username, pk, verb, **payload):
    client, headers = api_as(username)
    return client.post(f"/api/v1/activity/{pk}/{verb}", json=payload, headers=headers)


def approved(indicator_id):
    from app.services.activity import approved_volume
    with database():
        return approved_volume([indicator_id], dt.date(2026, 1, 1), dt.date(2026, 12, 31))[indicator_id]


def test_accumulation_sums_approved_and_drops_returned(api_as):
    indicator = own_result("pegawai.disdik")[1]
    before = approved(indicator)
    first, second = create(api_as, volume=2), create(api_as, volume=3)
    for pk in (first, second):
        assert act(api_as, "pegawai.disdik", pk, "submit").status_code == 200
    assert approved(indicator) == before  # submitted is not yet realisation
    for pk in (first, second):
        assert act(api_as, "penilai.disdik", pk, "approve").status_code == 200
    assert approved(indicator) == before + 5
    third = create(api_as, volume=4)
    act(api_as, "pegawai.disdik", third, "submit")
    assert act(api_as, "penilai.disdik", third, "return", note="Lengkapi bukti").status_code == 200
    assert approved(indicator) == before + 5


def test_editing_a_draft_does_not_count_twice(api_as):
    indicator = own_result("pegawai.disdik")[1]
    before = approved(indicator)
    pk = create(api_as, volume=1)
    client, headers = api_as("pegawai.disdik")
    response = client.put(f"/api/v1/activity/{pk}", json=body("pegawai.disdik", volume=6), headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    act(api_as, "pegawai.disdik", pk, "submit")
    act(api_as, "penilai.disdik", pk, "approve")
    assert approved(indicator) == before + 6


def test_double_approval_is_a_conflict(api_as):
    pk = create(api_as)
    act(api_as, "pegawai.disdik", pk, "submit")
    assert act(api_as, "penilai.disdik", pk, "approve").status_code == 200
    assert act(api_as, "penilai.disdik", pk, "approve").status_code == 409
    assert act(api_as, "pegawai.disdik", pk, "submit").status_code == 409


def test_scope_other_agency_evaluator_gets_404_and_owner_cannot_approve(api_as):
    pk = create(api_as)
    act(api_as, "pegawai.disdik", pk, "submit")
    assert act(api_as, "penilai.dinkes", pk, "approve").status_code == 404
    assert act(api_as, "pegawai.disdik", pk, "approve").status_code == 400
    with database() as session:
        assert session.get(DailyActivity, pk).status == "submitted"


def test_mass_assignment_of_status_and_evaluator_is_impossible(api_as):
    client, headers = api_as("pegawai.disdik")
    response = client.post("/api/v1/activity/", headers=headers,
                           json=body("pegawai.disdik", status="approved", evaluator_id=1))
    assert response.status_code in (400, 422)  # unknown fields are rejected by the schema
    pk = create(api_as)
    with database() as session:
        assert session.get(DailyActivity, pk).status == "draft"


@pytest.mark.parametrize("changes", [
    {"start_time": "10:00:00", "end_time": "09:00:00"},
    {"activity_date": (dt.date.today() + dt.timedelta(days=3)).isoformat()},
    {"activity_date": "2026-11-28"},  # a Saturday
    {"activity_date": "2026-08-17"},  # Hari Kemerdekaan (Holiday table)
    {"activity_date": "2025-06-02"},  # period 2025 is closed
    {"volume": 0},
], ids=["end-before-start", "future", "weekend", "holiday", "closed-period", "zero-volume"])
def test_refusals_store_nothing(api_as, changes):
    before = count(DailyActivity)
    client, headers = api_as("pegawai.disdik")
    response = client.post("/api/v1/activity/", json=body("pegawai.disdik", **changes), headers=headers)
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.json["message"]
    assert count(DailyActivity) == before


def test_rhk_of_someone_else_is_refused(api_as):
    before = count(DailyActivity)
    client, headers = api_as("pegawai.disdik")
    foreign = own_result("pegawai.dinkes")[0]
    response = client.post("/api/v1/activity/", json=body("pegawai.disdik", work_result=foreign), headers=headers)
    assert response.status_code == 400
    assert count(DailyActivity) == before


def test_bulk_approve_touches_only_scoped_rows(api_as):
    mine = [create(api_as) for _ in range(2)]
    foreign = create(api_as, "pegawai.dinkes")
    for pk in mine:
        act(api_as, "pegawai.disdik", pk, "submit")
    act(api_as, "pegawai.dinkes", foreign, "submit")
    client, headers = api_as("penilai.disdik")
    response = client.post("/api/v1/activity/bulk_approve", json={"ids": [*mine, foreign]}, headers=headers)
    assert response.status_code == 200
    assert response.json["approved"] == 2 and response.json["not_found"] == [foreign]
    with database() as session:
        assert session.get(DailyActivity, foreign).status == "submitted"


def report_with_file(as_user, content, name):
    client = as_user("pegawai.disdik")
    token = csrf_token(client, "/activity/report")
    data = {"csrf_token": token, "activity_date": last_working_day().isoformat(), "start_time": "13:00",
            "end_time": "14:00", "description": "Dokumentasi pendampingan", "work_result": "",
            "volume": "1", "output_unit": "kegiatan", "evidence": (io.BytesIO(content), name)}
    client.post("/activity/report", data=data, content_type="multipart/form-data")
    return client


def test_disguised_or_oversize_file_is_refused(as_user):
    before = count(DailyActivity)
    report_with_file(as_user, b"MZ\x90\x00" + b"\x00" * 100, "laporan.pdf")
    report_with_file(as_user, b"%PDF-" + b"0" * (5 * 1024 * 1024), "besar.pdf")
    assert count(DailyActivity) == before


def test_evidence_is_served_only_within_scope(as_user):
    report_with_file(as_user, PDF, "bukti.pdf")
    with database() as session:
        pk = session.scalar(select(DailyActivity.id).where(DailyActivity.evidence_original_name == "bukti.pdf")
                            .order_by(DailyActivity.id.desc()))
    assert pk
    assert as_user("pegawai.disdik").get(f"/activity/evidence/{pk}").data == PDF
    assert as_user("penilai.disdik").get(f"/activity/evidence/{pk}").status_code == 200
    assert as_user("pegawai.dinkes").get(f"/activity/evidence/{pk}").status_code == 404
    assert as_user("penilai.dinkes").get(f"/activity/evidence/{pk}").status_code == 404


def test_dashboard_counts_a_new_activity_in_scope_only(as_user, api_as):
    day = last_working_day().isoformat()
    disdik, dinkes = as_user("kadis.disdik"), as_user("kadis.dinkes")
    before = {name: client.get(f"/activity-dashboard/data?day={day}").json for name, client in
              (("disdik", disdik), ("dinkes", dinkes))}
    pk = create(api_as, activity_date=day)
    act(api_as, "pegawai.disdik", pk, "submit")
    after = {name: client.get(f"/activity-dashboard/data?day={day}").json for name, client in
             (("disdik", disdik), ("dinkes", dinkes))}
    assert after["disdik"]["today"] == before["disdik"]["today"] + 1
    assert after["disdik"]["backlog"] == before["disdik"]["backlog"] + 1
    assert after["dinkes"]["today"] == before["dinkes"]["today"]
    assert after["dinkes"]["backlog"] == before["dinkes"]["backlog"]


def test_dashboard_names_its_day_as_indonesians_write_it(as_user, monkeypatch):
    """The heading and each refresh read "1 Desember 2026", and a person who stopped reporting their last day
    as "13-11-2026", never the ISO form the REST fields keep. (The demo's idle people have never reported
    and come first in the list: the figures are given one who stopped on 13 November.)"""
    from app.services import activity as activities

    original = activities.dashboard

    def with_one_who_stopped(**arguments):
        figures = original(**arguments)
        return {**figures, "idle": [{"id": 1, "name": "Rina Sari", "last_day": "2026-11-13"}, *figures["idle"]]}

    monkeypatch.setattr(activities, "dashboard", with_one_who_stopped)
    client = as_user("kadis.disdik")
    page = client.get("/activity-dashboard/?day=2026-12-01").get_data(as_text=True)
    assert '<small id="dashboard-date">1 Desember 2026</small>' in page and "2026-12-01<" not in page
    assert "Rina Sari</a> — 13-11-2026</li>" in page and "2026-11-13" not in page
    refreshed = client.get("/activity-dashboard/data?day=2026-12-01").json
    assert (refreshed["date"], refreshed["date_label"]) == ("2026-12-01", "1 Desember 2026")
    assert (refreshed["idle"][0]["last_day"], refreshed["idle"][0]["last_day_label"]) == ("2026-11-13", "13-11-2026")


def running_total(indicator_id):
    with database() as session:
        return session.scalar(select(IndicatorProgress.approved_volume)
                              .where(IndicatorProgress.result_indicator_id == indicator_id)) or Decimal(0)


def unit_achievement_from_activities(unit_id):
    """The unit's achievement computed the long way: summing its approved activities per quantity IKI of the
    newest running period, the one the dashboard shows (other test files leave later running periods)."""
    with database() as session:
        rows = session.execute(text("""
            SELECT ri.target_value, (SELECT coalesce(sum(a.volume), 0) FROM daily_activity a
                                     WHERE a.result_indicator_id = ri.id AND a.status = 'approved')
            FROM result_indicator ri JOIN work_result wr ON wr.id = ri.work_result_id
            JOIN work_plan wp ON wp.id = wr.work_plan_id JOIN period p ON p.id = wp.period_id
            JOIN employee e ON e.id = ri.employee_id
            WHERE p.id = (SELECT id FROM period WHERE status = 'running' ORDER BY year DESC LIMIT 1)
              AND wp.status = 'approved' AND ri.aspect = 'KUANTITAS'
              AND ri.target_value > 0 AND e.unit_id = :unit"""), {"unit": unit_id}).all()
    shares = [min(Decimal(volume) / Decimal(target), Decimal(1)) for target, volume in rows]
    return float(round(sum(shares) * 100 / len(shares), 1))


def test_running_totals_follow_approvals_and_the_dashboard_matches_the_activities(api_as, as_user):
    with database() as session:
        indicator = session.scalar(
            select(ResultIndicator).join(WorkResult, ResultIndicator.work_result_id == WorkResult.id)
            .join(WorkPlan, WorkResult.work_plan_id == WorkPlan.id).join(Period, WorkPlan.period_id == Period.id)
            .where(WorkPlan.employee_id == employee_of("pegawai.disdik")[0], WorkPlan.status == "approved",
                   Period.year == 2026, ResultIndicator.aspect == "KUANTITAS", ResultIndicator.target_value > 0)
            .order_by(ResultIndicator.id))
        indicator_id, result_id = indicator.id, indicator.work_result_id
    before = running_total(indicator_id)
    pk = create(api_as, volume=7, work_result=result_id, result_indicator=indicator_id)
    act(api_as, "pegawai.disdik", pk, "submit")
    assert running_total(indicator_id) == before  # submitted is not realisation yet
    assert act(api_as, "penilai.disdik", pk, "approve").status_code == 200
    assert running_total(indicator_id) == before + 7
    assert act(api_as, "penilai.disdik", pk, "approve").status_code == 409
    assert running_total(indicator_id) == before + 7
    # Every running total equals the sum of its indicator's approved activities (demo load and approvals).
    with database() as session:
        assert session.scalar(text("""
            SELECT count(*) FROM (SELECT result_indicator_id, sum(volume) AS v, count(*) AS n FROM daily_activity
                                  WHERE status = 'approved' AND result_indicator_id IS NOT NULL
                                  GROUP BY result_indicator_id) a
            FULL OUTER JOIN indicator_progress p ON p.result_indicator_id = a.result_indicator_id
            WHERE a.v IS NULL OR p.approved_volume IS NULL OR a.v != p.approved_volume
               OR a.n != p.approved_activities""")) == 0
    units = as_user("kadis.disdik").get("/activity-dashboard/data").json["units"]
    assert units and all(unit["achievement"] == unit_achievement_from_activities(unit["id"])
                         for unit in units if unit["id"] is not None)


def test_dashboard_of_one_agency_shows_only_what_the_scope_reads(as_user):
    with database() as session:
        agencies = dict(session.execute(text("SELECT code, id FROM agency")).all())
    leader = as_user("kadis.disdik")
    own = leader.get(f"/activity-dashboard/data?agency={agencies['DISDIKBUD']}").json
    everything = leader.get("/activity-dashboard/data").json
    for figure in ("today", "this_week", "backlog", "idle_count", "units"):
        assert own[figure] == everything[figure], figure
    foreign = leader.get(f"/activity-dashboard/data?agency={agencies['DINKES']}").json
    assert foreign["this_week"] == foreign["backlog"] == foreign["idle_count"] == 0
    assert foreign["agencies"] == foreign["units"] == []


def test_idle_employees_are_counted_whole_and_listed_first_twenty(as_user):
    from app.services.activity import last_working_days, today

    with database() as session:
        idle_from = last_working_days(3, today())[0]
        expected = session.execute(text("""
            SELECT name, last_day FROM (
                SELECT e.name, (SELECT max(a.activity_date) FROM daily_activity a
                                WHERE a.employee_id = e.id AND a.status != 'draft') AS last_day
                FROM employee e WHERE e.active AND NOT EXISTS (  -- a draft is not reported yet
                    SELECT 1 FROM daily_activity a WHERE a.employee_id = e.id AND a.activity_date >= :since
                                                     AND a.status != 'draft')) idle
            ORDER BY last_day IS NOT NULL, last_day, name"""), {"since": idle_from}).all()
    figures = as_user("sekda").get("/activity-dashboard/data?idle=3").json
    assert len(expected) > 20  # the demo's employees without an SKP never report
    assert figures["idle_count"] == len(expected)
    assert [row["name"] for row in figures["idle"]] == [name for name, _last in expected[:20]]


def test_dashboard_scope_and_pages(as_user):
    data = as_user("kadis.disdik").get("/activity-dashboard/data").json
    assert {a["name"] for a in data["agencies"]} <= {"Disdikbud", "DISDIKBUD"} or len(data["agencies"]) <= 1
    assert data["this_week"] >= 0 and "charts_html" in data
    assert as_user("kadis.disdik").get("/activity-dashboard/").status_code == 200
    assert as_user("pegawai.disdik").get("/activity/mine").status_code == 200
    assert as_user("penilai.disdik").get("/activity/queue").status_code == 200
    assert as_user("pegawai.disdik").get("/activity/report").status_code == 200


@pytest.mark.parametrize("today, offered", [
    (dt.date(2026, 12, 5), dt.date(2026, 12, 4)),   # a Saturday: Friday
    (dt.date(2026, 12, 7), dt.date(2026, 12, 7)),   # a Monday: the day itself
])
def test_the_report_form_offers_the_last_working_day(as_user, monkeypatch, today, offered):
    from app.services import activity as activities

    monkeypatch.setattr(activities, "today", lambda: today)
    page = as_user("pegawai.disdik").get("/activity/report").get_data(as_text=True)
    assert f'max="{today.isoformat()}"' in page and f'value="{offered.isoformat()}"' in page


def test_hr_admin_configures_a_holiday_and_reports_on_it_are_refused(as_user, api_as):
    from app.models.activity import Holiday

    day = last_working_day()
    client = as_user("hr.bkpsdm")
    token = csrf_token(client, "/holidayview/add")
    client.post("/holidayview/add", data={"csrf_token": token, "date": day.isoformat(), "name": "Libur daerah"})
    try:
        assert count(Holiday, date=day) == 1
        reporter, headers = api_as("pegawai.disdik")
        before = count(DailyActivity)
        response = reporter.post("/api/v1/activity/", json=body("pegawai.disdik", activity_date=day.isoformat()),
                                 headers=headers)
        assert response.status_code == 400 and count(DailyActivity) == before
        assert as_user("admin.disdik").get("/holidayview/add").status_code in (302, 403)
    finally:
        with database() as session:
            session.query(Holiday).filter_by(date=day).delete()
            session.commit()


def test_a_volume_reads_the_same_on_my_activities_the_queue_and_the_generated_list(api_as, as_user):
    """2.5 reports is "2,5 laporan" wherever it is shown (it read "2,50" on the employee's own page and "2.5"
    in the evaluator's queue), as the generated list writes it."""
    from app.services.activity import today

    day = last_working_day()
    if day.month != today().month:
        pytest.skip("no working day yet this month: the employee's month page has nothing to show")
    pk = create(api_as, volume="2.5", activity_date=day.isoformat(), description="Menyusun laporan 2,5 uji")
    mine = as_user("pegawai.disdik").get("/activity/mine?span=month").get_data(as_text=True)
    assert "2,5 laporan" in mine and "2,50" not in mine
    assert act(api_as, "pegawai.disdik", pk, "submit").status_code == 200
    queue = as_user("penilai.disdik").get("/activity/queue").get_data(as_text=True)
    assert "2,5 laporan" in queue and "2.5 laporan" not in queue
    listed = as_user("pegawai.disdik").get("/dailyactivityview/list/?_flt_2_description=2,5 uji")
    assert ">2,5<" in "".join(listed.get_data(as_text=True).split())
