"""The home page per role: the employee's day, the evaluator's queue, the leaders' overview — each in scope."""
import datetime as dt
import re

from sqlalchemy import delete, func, select

from app.domain.predikat import Predikat
from app.models.activity import DailyActivity
from app.models.evaluation import Evaluation
from app.models.planning import Period, WorkPlan
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


def test_the_predikat_chart_counts_the_newest_year_once_per_employee(as_user):
    """An employee evaluated in two years is one employee of the chart, in the newest year's predikat: an annual
    evaluation of an older year (here 2025's, of the demo's approved 2025 SKP) changes nothing."""
    def chart(page):
        """The chart with its heading."""
        table = page[page.rindex("<figure", 0, page.index('data-chart="predikat"')):]
        return table[:table.index("</table>")]

    before = as_user("sekda").get("/").get_data(as_text=True)
    with database() as session:
        plan = session.scalar(select(WorkPlan).join(Period, WorkPlan.period_id == Period.id).where(
            Period.year == 2025, WorkPlan.status == "approved").order_by(WorkPlan.id))
        older = Evaluation(work_plan_id=plan.id, period_id=plan.period_id, kind="ANNUAL", status="final",
                           window_start=dt.date(2025, 1, 1), window_end=dt.date(2025, 12, 31),
                           work_result_rating=1, behaviour_rating=1, predikat=Predikat.VERY_POOR.value,
                           agency_id=plan.agency_id, employee_id=plan.employee_id, evaluator_id=plan.evaluator_id)
        session.add(older)
        session.commit()
        older_id = older.id
    try:
        after = as_user("sekda").get("/").get_data(as_text=True)
    finally:
        with database() as session:
            session.execute(delete(Evaluation).where(Evaluation.id == older_id))
            session.commit()
    # Other test files may add evaluations of later years: the heading names whichever is newest, never 2025.
    assert chart(after) == chart(before)
    assert re.search(r"\(Evaluasi Kinerja tahunan (\d{4})\)", chart(after)).group(1) != "2025"
