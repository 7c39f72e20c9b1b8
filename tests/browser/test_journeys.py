"""The key journeys, clicked through in a real browser (issue 11)."""
import datetime as dt
import re

from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.models import Employee
from app.models.activity import DailyActivity, Holiday
from app.models.planning import Period, WorkPlan
from app.services import activity as activities

# A form of the page itself: the navbar's sign-out is a form with a submit button too, and it comes first.
PAGE_FORM = "form:not(.sk-logout)"


def _last_working_day(app) -> dt.date:
    with app.app_context():
        holidays = set(db.session.scalars(select(Holiday.date)))
    day = activities.today()
    while day.weekday() >= 5 or day in holidays:
        day -= dt.timedelta(days=1)
    return day


def _employee_id(app, nip: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Employee.id).where(Employee.nip == nip))


def test_report_approve_and_watch_the_dashboard(live_server, journey):
    app, _ = live_server
    day = _last_working_day(app)
    description = f"Menyusun rekap kehadiran guru {day:%d-%m} (uji peramban)"

    leader = journey("activity-leader")
    leader.page.clock.install()
    leader.log_in("kadis.disdik")
    leader.open(f"/activity-dashboard/?day={day.isoformat()}")
    reported = leader.page.locator("[data-key=today]")
    before = int(reported.inner_text())
    leader.shot("dashboard-before")

    employee = journey("activity-employee", viewport={"width": 390, "height": 844}, is_mobile=True)
    employee.log_in("pegawai.disdik")
    employee.open("/activity/report")
    employee.shot("empty-form")
    employee.page.fill("#activity_date", day.isoformat())
    employee.page.fill("#start_time", "08:00")
    employee.page.fill("#end_time", "09:30")
    # The demo employee has no approved SKP for this year yet: a direct assignment of the superior.
    employee.page.select_option("#work_result", "")
    employee.page.fill("#description", description)
    employee.page.fill("#volume", "1")
    employee.page.fill("#output_unit", "dokumen")
    employee.shot("filled")
    employee.page.click("button[name=send]")
    employee.page.wait_for_load_state()
    assert description in employee.page.content()
    employee.shot("sent")

    # The leader's open dashboard picks the new report up at its next polling tick, without a reload.
    leader.page.clock.fast_forward(31_000)
    expect(reported).to_have_text(str(before + 1))
    leader.shot("dashboard-after-report")

    evaluator = journey("activity-evaluator")
    evaluator.log_in("penilai.disdik")
    evaluator.open("/activity/queue")
    row = evaluator.page.locator("tr", has_text=description)
    row.locator("input[name=ids]").check()
    evaluator.shot("queue")
    evaluator.page.click("button[value=approve]")
    evaluator.page.wait_for_load_state()
    assert description not in evaluator.page.content()
    evaluator.shot("approved")
    with app.app_context():
        status = db.session.scalar(select(DailyActivity.status).where(DailyActivity.description == description))
    assert status == "approved"

    person = _employee_id(app, "198611012014011004")
    leader.open(f"/activity-dashboard/employee/{person}")
    assert description in leader.page.content()
    leader.shot("drill-down")


def test_draft_submit_and_approve_an_skp(live_server, journey):
    app, _ = live_server
    with app.app_context():
        owner = db.session.scalar(select(Employee).where(Employee.nip == "199303092016122007"))
        for plan in db.session.scalars(select(WorkPlan).where(WorkPlan.employee_id == owner.id)):
            db.session.execute(DailyActivity.__table__.delete().where(DailyActivity.employee_id == owner.id))
            db.session.delete(plan)
        db.session.commit()
        year = db.session.scalar(select(Period.id).where(Period.year == 2026))

    employee = journey("skp-employee")
    employee.log_in("pegawai.dinkes")
    employee.open("/workplanview/new")
    employee.page.select_option("#period", str(year))
    employee.shot("new")
    employee.page.click(f"{PAGE_FORM} button[type=submit]:not([name=copy])")
    employee.page.wait_for_url(re.compile(r"/workplanview/show/\d+"))
    plan_id = int(re.search(r"/show/(\d+)", employee.page.url).group(1))
    employee.shot("draft")

    employee.open(f"/workresultview/add?_flt_0_work_plan={plan_id}")
    employee.page.select_option("#group", "UTAMA", force=True)
    employee.page.fill("#order", "1")
    employee.page.fill("#description", "Terlaksananya konseling gizi balita di wilayah kerja")
    employee.page.select_option("#supported_result", index=1, force=True)
    employee.shot("rhk")
    employee.page.click(f"{PAGE_FORM} button[type=submit]")
    employee.page.wait_for_load_state()

    with app.app_context():
        plan = db.session.get(WorkPlan, plan_id)
        result_id = plan.results[0].id
    employee.open(f"/resultindicatorview/add?_flt_0_work_result={result_id}")
    employee.page.select_option("#aspect", "KUANTITAS", force=True)
    employee.page.fill("#description", "Jumlah balita yang mendapat konseling gizi")
    employee.page.fill("#target_value", "120")
    employee.page.fill("#target_unit", "balita")
    employee.page.select_option("#direction", "HIGHER_IS_BETTER", force=True)
    employee.shot("indicator")
    employee.page.click(f"{PAGE_FORM} button[type=submit]")
    employee.page.wait_for_load_state()

    employee.open(f"/workplanview/show/{plan_id}")
    employee.page.click("form:has(input[value=submit]) button")
    employee.page.wait_for_load_state()
    employee.shot("submitted")

    evaluator = journey("skp-evaluator")
    evaluator.log_in("penilai.dinkes")
    evaluator.open(f"/workplanview/show/{plan_id}")
    assert "Terlaksananya konseling gizi balita" in evaluator.page.content()
    evaluator.page.click("form:has(input[value=approve]) button")
    evaluator.page.wait_for_load_state()
    evaluator.shot("approved")
    with app.app_context():
        assert db.session.get(WorkPlan, plan_id).status == "approved"


def test_public_survey_from_a_phone(live_server, journey):
    app, _ = live_server
    from app.models import Unit

    with app.app_context():
        unit = db.session.scalar(select(Unit.code).where(Unit.serves_public.is_(True)).order_by(Unit.id))
    citizen = journey("survey-phone", viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    citizen.open(f"/survey/{unit}")
    assert citizen.page.evaluate("document.documentElement.scrollWidth") <= 360, "the form scrolls sideways"
    citizen.shot("form")
    for fieldset in citizen.page.locator("fieldset:has(input[type=radio])").all():
        fieldset.locator("input[type=radio]").nth(3).check()
    citizen.page.fill("#suggestion", "Antrean sudah tertib, terima kasih.")
    citizen.shot("answered")
    citizen.page.click("button[type=submit]")
    citizen.page.wait_for_load_state()
    assert "/thanks" in citizen.page.url or "Terima kasih" in citizen.page.content()
    citizen.shot("thanks")


def test_switch_language(live_server, journey):
    person = journey("language")
    person.log_in("hr.bkpsdm")
    person.open("/employeeview/list/")
    assert "Pegawai" in person.page.content()
    person.shot("indonesian")
    person.open("/lang/en")
    person.open("/employeeview/list/")
    assert "Employees" in person.page.content()
    person.shot("english")
    person.open("/lang/id")


def test_sign_an_evaluation_and_verify_it_without_an_account(live_server, journey):
    app, _ = live_server
    from app.models.evaluation import Evaluation

    with app.app_context():
        evaluator_id = db.session.scalar(select(Employee.id).where(Employee.nip == "197606012001121006"))
        evaluation_id = db.session.scalar(select(Evaluation.id).where(Evaluation.evaluator_id == evaluator_id)
                                          .order_by(Evaluation.id))
    evaluator = journey("sign-evaluator")
    evaluator.log_in("kadis.disdik")
    evaluator.open(f"/evaluationview/show/{evaluation_id}")
    evaluator.shot("evaluation")
    evaluator.page.click(f"a[href='/documents/evaluation/{evaluation_id}']")
    evaluator.page.wait_for_load_state()
    evaluator.page.fill("#passphrase", "Sikinerja#2026")
    evaluator.shot("sign-form")
    evaluator.page.click("form.sikinerja-sign-form button[type=submit]")
    evaluator.page.wait_for_load_state()
    evaluator.shot("signed")
    verify_link = evaluator.page.locator("a[href*='/verify/']").first
    code = verify_link.get_attribute("href").rsplit("/", 1)[-1]

    citizen = journey("sign-verifier", viewport={"width": 390, "height": 844}, is_mobile=True)
    citizen.open(f"/verify/{code}")
    page = citizen.page.content()
    assert "Asli" in page and "Andi Rahman" in page
    assert "197606012001121006" not in page
    citizen.shot("verified")
