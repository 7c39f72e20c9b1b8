"""The public survey pages on a 360 px phone or tablet, under the app's Content Security Policy (no inline
scripts): the kiosk registered by the unit's admin with its one-time link takes identical all-"4" answers
from citizen after citizen, its thank-you page returns to a new form by itself, and every public page
(form, thanks, results, poster, registration, unknown unit) fits the width."""
from sqlalchemy import func, select

from app.extensions import db
from app.models import Agency, Unit
from app.models.survey import SurveyKiosk, SurveyResponse

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
CITIZENS_IN_A_ROW = 2


def _csp_violations(person) -> list[str]:
    """Chromium reports what the Content Security Policy blocked on the console."""
    found = []
    person.page.on("console", lambda message: found.append(message.text)
                   if "Content Security Policy" in message.text else None)
    return found


def _fits(person, what: str) -> None:
    width = person.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{what} is {width} px wide at 360"


def test_a_kiosk_on_a_360_px_tablet_takes_identical_answers_in_a_row(live_server, journey):
    app, _ = live_server
    with app.app_context():
        kiosk_id, unit_code = db.session.execute(
            select(SurveyKiosk.id, Unit.code).join(Unit, SurveyKiosk.unit_id == Unit.id)
            .join(Agency, Unit.agency_id == Agency.id).where(Agency.code == "DINKES")
            .order_by(SurveyKiosk.id)).first()
    admin = journey("kiosk-admin")
    admin.log_in("admin.dinkes")
    admin.open(f"/surveykioskview/registration/{kiosk_id}")
    admin.page.click("button.btn-primary:has(i.fa-qrcode)")
    admin.page.wait_for_load_state()
    link = admin.page.locator("code").first.inner_text().strip()
    admin.shot("registration-link")

    tablet = journey("kiosk-tablet", **PHONE)
    blocked = _csp_violations(tablet)
    tablet.page.goto(link)
    _fits(tablet, "the registration page")
    tablet.shot("register")
    tablet.page.click("button[type=submit]")
    tablet.page.wait_for_url(f"**/survey/{unit_code}")
    with app.app_context():
        before = db.session.scalar(select(func.count(SurveyResponse.id)).where(SurveyResponse.kiosk_id == kiosk_id))
    for citizen in range(CITIZENS_IN_A_ROW):
        _fits(tablet, "the kiosk form")
        for fieldset in tablet.page.locator("fieldset:has(input[type=radio][value='4'])").all():
            fieldset.locator("input[type=radio][value='4']").check()
        tablet.shot(f"citizen-{citizen + 1}")
        tablet.page.click("button[type=submit]")
        tablet.page.wait_for_url("**/thanks")
        _fits(tablet, "the thank-you page")
        # The next citizen finds a new form without touching anything (meta refresh, no script).
        tablet.page.wait_for_url(f"**/survey/{unit_code}", timeout=20_000)
    with app.app_context():
        after = db.session.scalar(select(func.count(SurveyResponse.id)).where(SurveyResponse.kiosk_id == kiosk_id))
    assert after == before + CITIZENS_IN_A_ROW
    assert not blocked, blocked


def test_every_public_survey_page_fits_a_phone_without_inline_scripts(live_server, journey):
    app, _ = live_server
    with app.app_context():
        unit_code = db.session.scalar(select(Unit.code).where(Unit.serves_public.is_(True)).order_by(Unit.id))
    citizen = journey("survey-pages", **PHONE)
    blocked = _csp_violations(citizen)
    for path, what in [(f"/survey/{unit_code}", "form"), (f"/survey/{unit_code}/results", "results"),
                       (f"/survey/{unit_code}/poster", "poster"), (f"/survey/{unit_code}/thanks", "thanks"),
                       (f"/survey/{unit_code}?lang=en", "form-english")]:
        citizen.open(path)
        _fits(citizen, what)
        citizen.shot(what)
    for path, what in [("/survey/NO-SUCH-UNIT", "unknown-unit"), ("/survey/kiosk/" + "x" * 32, "used-link")]:
        response = citizen.page.goto(citizen.base_url + path)
        assert response.status == 404
        _fits(citizen, what)
        citizen.shot(what)
    citizen.open(f"/survey/{unit_code}?lang=id")
    assert not blocked, blocked
