"""The home page per role: the employee's day, the evaluator's queue, the leaders' overview — each in scope."""
import re

from sqlalchemy import func, select

from app.models.activity import DailyActivity
from app.services import activity as activities
from tests.helpers import database, employee_of


def figure(page, name):
    match = re.search(rf'data-figure="{name}">([^<]+)<', page)
    assert match, f"no figure {name}"
    return match.group(1).strip()


def test_employee_sees_their_own_day(as_user, app):
    me, _, _ = employee_of("pegawai.disdik")
    with app.app_context():
        day = activities.today()
    with database() as session:
        today = session.scalar(select(func.count()).select_from(DailyActivity).where(
            DailyActivity.employee_id == me, DailyActivity.activity_date == day))
    client = as_user("pegawai.disdik")
    client.get("/lang/en")
    page = client.get("/").get_data(as_text=True)
    assert figure(page, "today") == str(today)
    assert "/ 20" in figure(page, "jp")
    assert 'id="home-evaluator"' not in page and 'id="home-leader"' not in page


def test_evaluator_sees_their_queue(as_user):
    me, _, _ = employee_of("penilai.disdik")
    with database() as session:
        waiting = session.scalar(select(func.count()).select_from(DailyActivity).where(
            DailyActivity.evaluator_id == me, DailyActivity.status == "submitted"))
    page = as_user("penilai.disdik").get("/").get_data(as_text=True)
    assert figure(page, "queue") == f"{waiting:,}".replace(",", ".")
    assert 'id="home-leader"' not in page


def test_head_of_agency_sees_their_agency_only(as_user):
    page = as_user("kadis.disdik").get("/").get_data(as_text=True)
    assert 'id="home-evaluator"' in page and 'id="home-leader"' in page
    adoption = page[page.index('data-chart="adoption"'):]
    adoption = adoption[:adoption.index("</table>")]
    assert "Disdikbud" in adoption and "Dinkes" not in adoption


def test_sekda_sees_the_government_wide_picture(as_user):
    page = as_user("sekda").get("/").get_data(as_text=True)
    adoption = page[page.index('data-chart="adoption"'):]
    adoption = adoption[:adoption.index("</table>")]
    assert "Disdikbud" in adoption and "Dinkes" in adoption
    assert 'data-chart="predikat"' in page and "Sangat Baik" in page
    assert 'id="home-employee"' not in page


def test_anonymous_visitor_is_invited_to_sign_in(app):
    page = app.test_client().get("/").get_data(as_text=True)
    assert "/login/" in page and 'id="home-leader"' not in page
