"""Every employee's performance in one table and one employee's page (issue 19): who sees whom (page, JSON,
Excel, REST, PDF), the figures against the long way (summing the activities themselves), filters, sort,
search, paging, refusals, and a newly approved activity showing at the next refresh."""
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import event, exists, func, select
from sqlalchemy.orm import aliased

from app.domain.nip import format_nip
from app.domain.numbers import round_half_up
from app.models import Agency, Employee
from app.models.activity import DailyActivity
from app.models.evaluation import Evaluation
from app.models.planning import Period, ResultIndicator, WorkPlan, WorkResult
from app.models.survey import SurveyResponse
from app.models.training import TrainingParticipation
from app.services import activity as activities
from tests.conftest import login
from tests.test_activity import activity_module  # noqa: F401  (autouse: pegawai.disdik gets an approved SKP)
from tests.helpers import agency_id, database, employee_of

USERS = ("sekda", "kadis.disdik", "admin.disdik", "penilai.disdik", "pegawai.disdik", "hr.bkpsdm")


@pytest.fixture(scope="module")
def clients(app):
    """One signed-in browser per account, for the whole module (logins are few)."""
    made = {}
    for username in USERS:
        client = app.test_client()
        assert login(client, username).status_code == 302
        made[username] = client
    return made


def every_row(client, **arguments):
    """All rows of the table through its JSON, page by page."""
    rows, page = [], 1
    while True:
        response = client.get("/performance/data", query_string={**arguments, "page": page})
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
        rows += response.json["rows"]
        if page >= response.json["pages"]:
            return rows, response.json["total"]
        page += 1


def agency_employees(*codes):
    with database() as session:
        return set(session.scalars(select(Employee.id).join(Agency).where(
            Agency.code.in_(codes), Employee.active.is_(True))))


def demo_agency_codes():
    with database() as session:
        return [code for code in session.scalars(select(Agency.code))]


# --- scope ---------------------------------------------------------------------------------------------

def test_each_role_sees_exactly_its_scope_in_the_page_json_and_excel(clients):
    disdik = agency_employees("DISDIKBUD")
    everyone = agency_employees(*demo_agency_codes())
    for username in ("kadis.disdik", "admin.disdik"):
        rows, total = every_row(clients[username])
        assert {row["id"] for row in rows} == disdik and total == len(disdik), username
    for username in ("sekda", "hr.bkpsdm"):
        assert {row["id"] for row in every_row(clients[username])[0]} == everyone, username
    # An evaluator: their own record and their direct subordinates', nobody else.
    me, _, position = employee_of("penilai.disdik")
    with database() as session:
        team = set(session.scalars(select(Employee.id).join(Employee.position).where(
            Employee.position.has(parent_id=position), Employee.active.is_(True))))
    assert {row["id"] for row in every_row(clients["penilai.disdik"])[0]} == team | {me}

    # The Dinkes agency chosen by a Disdikbud user: nothing, not Dinkes.
    assert every_row(clients["admin.disdik"], agency=agency_id("DINKES"))[1] == 0
    # Compared by NIP, the one identity: names repeat (other test files import several "Budi Santoso").
    with database() as session:
        disdik_nips = sorted(session.scalars(select(Employee.nip).where(Employee.id.in_(disdik))))
        dinkes_nips = set(session.scalars(select(Employee.nip).join(Agency).where(Agency.code == "DINKES")))
    page = clients["admin.disdik"].get("/performance/").get_data(as_text=True)
    shown_nips = set(re.findall(r'class="text-muted sk-nip">([\d ]+)<', page))
    assert shown_nips and all(len(nip.split()) in (4, 6) for nip in shown_nips)  # grouped as on official forms
    assert "Dinas Kesehatan" not in page and not shown_nips & {format_nip(nip) for nip in dinkes_nips}
    assert not any(nip in page for nip in dinkes_nips)
    workbook = load_workbook(io.BytesIO(clients["admin.disdik"].get("/performance/export").data))
    assert sorted(row[1] for row in workbook.active.iter_rows(min_row=2, values_only=True)) == disdik_nips


def test_employees_and_anonymous_have_no_table_and_foreign_pages_are_not_found(app, clients):
    assert clients["pegawai.disdik"].get("/performance/").status_code in (302, 403)
    assert clients["pegawai.disdik"].get("/performance/data").status_code in (302, 403)
    assert app.test_client().get("/performance/data").status_code in (302, 401, 403)
    foreign = employee_of("pegawai.dinkes")[0]
    for username in ("kadis.disdik", "admin.disdik", "penilai.disdik"):
        assert clients[username].get(f"/performance/employee/{foreign}").status_code == 404, username
        assert clients[username].get(f"/documents/employee_performance/{foreign}/print.pdf").status_code == 404
    # An evaluator reads their team, not a colleague of the same agency outside it.
    me, _, position = employee_of("penilai.disdik")
    with database() as session:
        outsider = session.scalar(select(Employee.id).join(Agency).outerjoin(Employee.position).where(
            Agency.code == "DISDIKBUD", Employee.id != me,
            ~Employee.position.has(parent_id=position)).order_by(Employee.id))
    assert clients["penilai.disdik"].get(f"/performance/employee/{outsider}").status_code == 404
    assert clients["kadis.disdik"].get(f"/performance/employee/{outsider}").status_code == 200
    assert clients["sekda"].get("/performance/employee/999999").status_code == 404


def test_rest_resource_answers_within_scope(app):
    client = app.test_client()
    token = client.post("/api/v1/security/login", json={"username": "admin.disdik", "password": "Sikinerja#2026",
                                                        "provider": "db"}).json["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    listed = client.get("/api/v1/performance/?sort=achievement&desc=1", headers=headers)
    assert listed.status_code == 200 and listed.json["count"] == len(agency_employees("DISDIKBUD"))
    assert client.get(f"/api/v1/performance/{employee_of('pegawai.dinkes')[0]}", headers=headers).status_code == 404
    mine = client.get(f"/api/v1/performance/{employee_of('pegawai.disdik')[0]}", headers=headers)
    assert mine.status_code == 200 and mine.json["result"]["nip"] == employee_of("pegawai.disdik")[1]


# --- the figures, the long way -----------------------------------------------------------------------------

def progress_the_long_way(session, plan):
    """The SKP's achievement from its activities: per quantity IKI with a target, the approved volume ÷ target
    capped at 1; their mean in percent, rounded half up to 2 decimals (None without a plan or such an IKI)."""
    shares = []
    for indicator in session.scalars(select(ResultIndicator).join(WorkResult).where(
            WorkResult.work_plan_id == plan.id, ResultIndicator.aspect == "KUANTITAS",
            ResultIndicator.target_value > 0)) if plan is not None else ():
        approved = sum((a.volume for a in session.scalars(select(DailyActivity).where(
            DailyActivity.result_indicator_id == indicator.id, DailyActivity.status == "approved"))), Decimal(0))
        shares.append(min(approved / indicator.target_value, Decimal(1)))
    return round_half_up(sum(shares) * 100 / len(shares), 2) if shares else None


def long_way(employee_id):
    """The row's figures computed from the rows themselves: every activity, evaluation, training, response."""
    with database() as session:
        today = activities.today()
        week_start, month_start = today - dt.timedelta(days=today.weekday()), today.replace(day=1)
        period = session.scalar(select(Period).where(Period.start_date <= today, Period.end_date >= today))
        sent = list(session.scalars(select(DailyActivity).where(DailyActivity.employee_id == employee_id,
                                                                DailyActivity.status != "draft")))
        plan = session.scalar(select(WorkPlan).where(
            WorkPlan.employee_id == employee_id, WorkPlan.period_id == period.id, WorkPlan.status == "approved")
            .order_by(WorkPlan.version.desc()))
        last = max((a.activity_date for a in sent), default=None)
        holidays = activities.holidays_between(dt.date(2000, 1, 1), today)
        idle = None
        if last is not None:
            idle = sum(1 for offset in range(1, (today - last).days + 1)
                       if (last + dt.timedelta(days=offset)).weekday() < 5
                       and last + dt.timedelta(days=offset) not in holidays)
        newer = aliased(Evaluation)
        evaluation = session.scalar(select(Evaluation).where(
            Evaluation.employee_id == employee_id, Evaluation.predikat.is_not(None), Evaluation.status != "draft",
            ~exists().where(newer.previous_id == Evaluation.id))
            .order_by(Evaluation.window_end.desc(), Evaluation.id.desc()))
        jp = sum((p.jp_earned or 0 for p in session.scalars(select(TrainingParticipation).where(
            TrainingParticipation.employee_id == employee_id, TrainingParticipation.status == "completed",
            func.extract("year", TrainingParticipation.completed_on) == today.year))), Decimal(0))
        responses = list(session.scalars(select(SurveyResponse).where(
            SurveyResponse.officer_id == employee_id, SurveyResponse.excluded.is_(False),
            SurveyResponse.submitted_at >= dt.datetime(today.year, 1, 1))))
        answers = [r.u6 for r in responses if r.u6 is not None] + [r.u7 for r in responses if r.u7 is not None]
        return {
            "achievement": str(progress) if (progress := progress_the_long_way(session, plan)) is not None else None,
            "activities_this_week": sum(1 for a in sent if week_start <= a.activity_date <= today),
            "activities_this_month": sum(1 for a in sent if month_start <= a.activity_date <= today),
            "last_report": last.isoformat() if last else None,
            "working_days_since_last_report": idle,
            "waiting_for_approval": sum(1 for a in sent if a.status == "submitted"),
            "predikat": evaluation.predikat if evaluation else None,
            "jp_this_year": str(round(Decimal(jp), 2)),
            "citizen_responses": len(responses),
            "citizen_average": str(round(Decimal(sum(answers)) / len(answers), 2)) if answers else None,
        }


def test_every_figure_of_an_agency_matches_the_long_way(clients):
    rows, _ = every_row(clients["kadis.disdik"])
    assert any(row["achievement"] for row in rows) and any(row["activities_this_month"] for row in rows)
    assert any(row["predikat"] for row in rows)
    for row in rows:
        expected = long_way(row["id"])
        assert {key: row[key] for key in expected} == expected, row["name"]


def test_a_newly_approved_activity_shows_at_the_next_refresh(clients, api_as):
    """Reported, submitted and approved through the API: the next poll of the table has it in every figure."""
    reporter, nip, _ = employee_of("pegawai.disdik")
    with database() as session:
        result_id = session.scalar(select(WorkResult.id).join(WorkPlan, WorkResult.work_plan_id == WorkPlan.id)
                                   .join(Period, WorkPlan.period_id == Period.id)
                                   .where(WorkPlan.employee_id == reporter, WorkPlan.status == "approved",
                                          Period.year == activities.today().year).order_by(WorkResult.id))
        day = activities.last_working_days(1, activities.today())[0]
    before = every_row(clients["kadis.disdik"], q=nip)[0][0]
    client, headers = api_as("pegawai.disdik")
    created = client.post("/api/v1/activity/", headers=headers, json={
        "activity_date": day.isoformat(), "start_time": "13:00:00", "end_time": "14:00:00",
        "description": "Menyusun laporan tabel kinerja", "work_result": result_id, "volume": 4,
        "output_unit": "laporan"})
    assert created.status_code == 201, created.get_data(as_text=True)
    assert client.post(f"/api/v1/activity/{created.json['id']}/submit", headers=headers).status_code == 200
    waiting = every_row(clients["kadis.disdik"], q=nip)[0][0]
    assert waiting["waiting_for_approval"] == before["waiting_for_approval"] + 1
    evaluator, evaluator_headers = api_as("penilai.disdik")
    assert evaluator.post(f"/api/v1/activity/{created.json['id']}/approve",
                          headers=evaluator_headers).status_code == 200
    after = every_row(clients["kadis.disdik"], q=nip)[0][0]
    assert {key: after[key] for key in long_way(reporter)} == long_way(reporter)
    assert after["waiting_for_approval"] == before["waiting_for_approval"]
    assert Decimal(after["results"][0]["realised"]) == Decimal(before["results"][0]["realised"]) + 4
    # Each IKI's share is capped at 100 %: other files' approved activities may have filled it already (the
    # long-way equality above is the exact check).
    assert Decimal(after["achievement"]) > Decimal(before["achievement"]) or Decimal(before["achievement"]) == 100


# --- filters, sort, search, paging ------------------------------------------------------------------------

def test_filters_sort_and_search(clients):
    client = clients["sekda"]
    rows, total = every_row(client, sort="achievement")
    achieved = [Decimal(row["achievement"]) for row in rows if row["achievement"] is not None]
    assert achieved == sorted(achieved) and rows[-1]["achievement"] is None or achieved
    descending, _ = every_row(client, sort="month", desc="1")
    months = [row["activities_this_month"] for row in descending]
    assert months == sorted(months, reverse=True)
    idle, _ = every_row(client, sort="idle", desc="1")
    assert idle[0]["working_days_since_last_report"] is None or idle[0]["working_days_since_last_report"] == max(
        row["working_days_since_last_report"] or 0 for row in idle)

    nip = employee_of("pegawai.disdik")[1]
    found, count = every_row(client, q=f"{nip[:8]} {nip[8:]}")  # as printed, with a space
    assert count == 1 and found[0]["nip"] == nip
    name_part = found[0]["name"].split()[0].lower()
    assert all(name_part in row["name"].lower() for row in every_row(client, q=name_part)[0])
    assert every_row(client, q="%")[1] == 0  # a wildcard is a character, not "everything"

    for status in ("approved", "none"):
        chosen, _ = every_row(client, skp=status)
        assert chosen and all(row["skp_status"] == (None if status == "none" else status) for row in chosen)
    with database():
        idle_from = activities.last_working_days(5, activities.today())[0]
    idle_rows, _ = every_row(client, idle=5)
    assert idle_rows and all(row["last_report"] is None or row["last_report"] < idle_from.isoformat()
                             for row in idle_rows)
    assert all(row["predikat"] == 2 for row in every_row(client, predikat=2)[0])
    assert all(row["predikat"] is None for row in every_row(client, predikat=0)[0])

    disdik = agency_id("DISDIKBUD")
    assert {row["agency"] for row in every_row(client, agency=disdik)[0]} == {"Disdikbud"}
    # Paging: 50 a page, the last page holds the rest, beyond it an empty page that still counts.
    first = client.get("/performance/data").json
    assert len(first["rows"]) == min(total, 50) and first["pages"] == (total + 49) // 50
    beyond = client.get("/performance/data", query_string={"page": 999}).json
    assert beyond["rows"] == [] and beyond["total"] == total


JUNK_ARGUMENTS = {"sort": "nip;drop", "page": "-1", "idle": "999999999999", "predikat": "9", "skp": "<b>",
                  "agency": "abc", "q": "x" * 500, "desc": "maybe", "kind": "99999999999999", "unit": "²"}


def test_junk_arguments_answer_a_page_never_an_error(clients):
    client = clients["kadis.disdik"]
    for name, value in JUNK_ARGUMENTS.items():
        assert client.get("/performance/data", query_string={name: value}).status_code == 200, name
    for path in ("/performance/", "/performance/export"):
        assert client.get(path, query_string=JUNK_ARGUMENTS).status_code == 200, path


# --- what people read ------------------------------------------------------------------------------------

def test_table_page_speaks_indonesian_with_time_and_decimal_comma(clients):
    page = clients["kadis.disdik"].get("/performance/?sort=achievement").get_data(as_text=True)
    # (Before the lead merges this stream's translations the headings are English; the time is Indonesian.)
    assert "Data per" in page or "Data as of" in page
    assert re.search(r"\d{1,2} (Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober|November|"
                     r"Desember) 20\d\d \d\d\.\d\d WITA", page)
    assert "None" not in page and "True" not in page and "False" not in page
    assert re.search(r'src="/static/performance/refresh\.js(\?v=\w+)?" nonce="', page)
    rows = every_row(clients["kadis.disdik"], sort="achievement", desc="1")[0]
    top = next(row for row in rows if row["achievement"])
    assert f"{Decimal(top['achievement']):.1f}".replace(".", ",") + "&nbsp;%" in clients["kadis.disdik"].get(
        "/performance/?sort=achievement&desc=1").get_data(as_text=True)


def test_employee_page_shows_plan_activities_and_history_and_prints(clients):
    rows = every_row(clients["kadis.disdik"], sort="achievement", skp="approved")[0]
    lowest = rows[0]
    page = clients["kadis.disdik"].get(f"/performance/employee/{lowest['id']}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert lowest["name"] in html and "Dialog kinerja" in html or "dialog" in html.lower()
    for result in lowest["results"]:
        assert result["rhk"][:30] in html
    assert "None" not in html and "WITA" in html
    pdf = clients["kadis.disdik"].get(f"/documents/employee_performance/{lowest['id']}/print.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    # The sekda (Leader) reads the employee's SKP, activities and evaluations read-only.
    sekda = clients["sekda"]
    with database() as session:
        plan = session.scalar(select(WorkPlan.id).where(WorkPlan.employee_id == lowest["id"]))
    assert sekda.get(f"/workplanview/show/{plan}").status_code == 200
    assert sekda.get(f"/workplanview/edit/{plan}").status_code in (302, 403)


def test_the_page_is_reached_from_the_record_the_team_list_and_the_dashboard(clients):
    me = employee_of("pegawai.disdik")[0]
    link = f"/performance/employee/{me}"
    assert link in clients["sekda"].get(f"/employeeview/show/{me}").get_data(as_text=True)
    assert link not in clients["pegawai.disdik"].get(f"/employeeview/show/{me}").get_data(as_text=True)
    assert link in clients["penilai.disdik"].get("/").get_data(as_text=True)  # "my team" on the home page
    dashboard = clients["kadis.disdik"].get("/activity-dashboard/?idle=30").get_data(as_text=True)
    assert "/performance/employee/" in dashboard and "/activity-dashboard/employee/" not in dashboard
    assert "/performance/" in clients["kadis.disdik"].get("/").get_data(as_text=True)


def page_statements(client, path):
    """The statements one request issues (no app context held across requests: FAB_NOTES, "In tests")."""
    from app.extensions import db

    with database():
        engine = db.engine
    statements = []

    def counted(*_):
        statements.append(1)
    event.listen(engine, "before_cursor_execute", counted)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", counted)
    return len(statements)


def add_results_with_activities(employee_id, results, days):
    """``results`` more RHKs (each with a quantity IKI) in the employee's approved SKP, each with an activity on
    each of the last ``days`` working days, submitted with an evidence link."""
    with database() as session:
        plan = session.scalar(select(WorkPlan).join(Period, WorkPlan.period_id == Period.id).where(
            WorkPlan.employee_id == employee_id, WorkPlan.status == "approved",
            Period.year == activities.today().year))
        scope = {"employee_id": employee_id, "agency_id": plan.agency_id, "evaluator_id": plan.evaluator_id}
        working_days = activities.last_working_days(days, activities.today())
        for number in range(results):
            result = WorkResult(work_plan=plan, description=f"Laporan tambahan {number}", group="TAMBAHAN",
                                order=10 + number, **scope)
            indicator = ResultIndicator(work_result=result, aspect="KUANTITAS", description=f"Jumlah laporan {number}",
                                        target_value=Decimal(5), target_unit="laporan", **scope)
            session.add_all((result, indicator))
            session.flush()
            session.add_all(DailyActivity(
                employee_id=employee_id, agency_id=plan.agency_id, evaluator_id=plan.evaluator_id,
                period_id=plan.period_id, work_result_id=result.id, result_indicator_id=indicator.id,
                activity_date=day, start_time=dt.time(13, number), end_time=dt.time(14, number),
                description="Menyusun laporan", volume=Decimal(1), output_unit="laporan", status="submitted",
                evidence_link="https://example.org/bukti") for day in working_days)
        session.commit()


def test_the_employee_page_issues_the_same_statements_for_more_rhks_and_activities(clients):
    """No N+1: three more RHKs with their IKIs and thirty more activities cost the employee's page no extra
    statement."""
    me = employee_of("pegawai.disdik")[0]
    path = f"/performance/employee/{me}"
    client = clients["kadis.disdik"]
    try:
        add_results_with_activities(me, 1, 1)  # one of each kind shown, so that each list's look-ups run
        client.get(path)  # warm: the first request of a process loads reference rows once
        before = page_statements(client, path)
        add_results_with_activities(me, 3, 10)
        after = page_statements(client, path)
    finally:  # other test files sharing this database must not find them in the evaluator's queue
        with database() as session:
            added = select(WorkResult.id).where(WorkResult.employee_id == me,
                                                WorkResult.description.startswith("Laporan tambahan"))
            for model, column in ((DailyActivity, DailyActivity.work_result_id), (WorkResult, WorkResult.id)):
                for row in session.scalars(select(model).where(column.in_(added))):
                    session.delete(row)  # an RHK's IKIs go with it
                session.flush()
            session.commit()
    assert after == before <= 40, (before, after)


def test_the_table_leads_to_the_overdue_items_of_the_same_agency(clients):
    disdik = agency_id("DISDIKBUD")
    page = clients["sekda"].get("/performance/", query_string={"agency": disdik}).get_data(as_text=True)
    link = re.search(r'id="performance-cycle" href="([^"]+)"', page).group(1)
    assert link == f"/cycle/?agency={disdik}"
    assert clients["sekda"].get(link).status_code == 200
    refreshed = clients["sekda"].get("/performance/data", query_string={"agency": disdik}).json
    assert refreshed["cycle_url"] == link
    assert re.search(r'id="performance-cycle" href="/cycle/"', clients["sekda"].get("/performance/").get_data(
        as_text=True))
