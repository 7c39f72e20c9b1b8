"""Issue 19, clicked through: the head of agency opens every employee's performance from the menu, sorts by
achievement, opens the lowest employee, sees the RHK progress, activities and last dialogue, records a new
dialogue; the employee acknowledges it on a phone; the open table shows the new date at its next refresh.
The table also fits a 360 px phone as stacked cards."""
import re

from playwright.sync_api import expect
from sqlalchemy import select

from app.domain.nip import format_nip
from app.extensions import db
from app.models import Employee
from app.services import activity as activities

LOWEST = "198003212006041002"  # Drs. Paulus Lahai: the demo's lowest achievement in Disdikbud, reports to the head
PASSWORD = "Sikinerja#2026"


def _give_account(app, nip: str, username: str) -> None:
    """The demo has no account for this employee: the journey needs them to acknowledge on their phone."""
    with app.app_context():
        sm = app.appbuilder.sm
        if sm.find_user(username=username) is None:
            employee = db.session.scalar(select(Employee).where(Employee.nip == nip))
            user = sm.add_user(username=username, first_name="Paulus", last_name="Lahai",
                               email=f"{username}@bulungankab.go.id", role=[sm.find_role("Employee")],
                               password=PASSWORD)
            user.employee = employee
            db.session.commit()


def test_head_of_agency_follows_the_lowest_employee_and_holds_a_dialogue(live_server, journey):
    app, _ = live_server
    _give_account(app, LOWEST, "paulus.lahai")
    with app.app_context():
        today = activities.today()
    shown_today = f"{today:%d-%m-%Y}"

    leader = journey("performance-leader")
    leader.page.clock.install()
    leader.log_in("kadis.disdik")
    menu_link = leader.page.locator("a[href='/performance/']").first
    leader.page.locator("a.dropdown-toggle", has=leader.page.locator("text=/Kegiatan Harian|Daily Activities/")) \
        .first.click()
    menu_link.click()
    leader.page.wait_for_url(re.compile(r"/performance/$"))
    leader.shot("table")

    leader.page.click("th a[href*='sort=achievement']")
    leader.page.wait_for_url(re.compile(r"sort=achievement"))
    first = leader.page.locator("#performance-rows tr").first
    expect(first).to_contain_text(format_nip(LOWEST))  # grouped as on official forms
    before = first.inner_text()
    assert shown_today not in before
    leader.shot("sorted-by-achievement")

    # The drill-down in a second window, so that the table stays open and keeps refreshing itself.
    href = first.locator("a").first.get_attribute("href")
    detail = journey("performance-leader-detail")
    detail.log_in("kadis.disdik")
    detail.open(href)
    content = detail.page.content()
    assert "Terlaksananya pembinaan kurikulum dan penilaian sekolah dasar" in content  # the RHK
    assert "29,0\u00a0%" in detail.page.inner_text("body")  # approved volume ÷ target of its IKI, decimal comma
    assert detail.page.locator("table").nth(2).locator("tbody tr").count() > 0  # recent activities
    detail.shot("employee-page")

    detail.page.click("#performance-dialogues")
    detail.page.click("a[href^='/dialogue/record/']")
    detail.page.fill("#went_well", "Pembinaan kurikulum berjalan sesuai jadwal.")
    detail.page.fill("#to_improve", "Percepat pendampingan sekolah yang tertinggal.")
    detail.shot("dialogue-form")
    detail.page.click("form button[type=submit].btn-primary")
    detail.page.wait_for_url(re.compile(r"/dialogue/show/(\d+)"))
    dialogue_id = re.search(r"/dialogue/show/(\d+)", detail.page.url).group(1)
    detail.shot("dialogue-recorded")

    employee = journey("performance-employee", viewport={"width": 360, "height": 740}, is_mobile=True,
                       has_touch=True)
    employee.log_in("paulus.lahai")
    employee.open(f"/dialogue/show/{dialogue_id}")
    employee.shot("dialogue-on-phone")
    employee.page.click("button[name=agree][value='1']")
    employee.page.wait_for_load_state()
    employee.shot("acknowledged")

    # The table, open all along: its next refresh shows the dialogue's date in the row, without a reload.
    leader.page.clock.fast_forward(31_000)
    expect(leader.page.locator("#performance-rows tr").first).to_contain_text(shown_today)
    leader.shot("table-after-dialogue")

    phone = journey("performance-phone", viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    phone.log_in("kadis.disdik")
    phone.open("/performance/?sort=achievement")
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= 360, "the table scrolls sideways"
    expect(phone.page.locator("#performance-rows tr").first).to_contain_text(shown_today)
    phone.shot("table-on-phone")
