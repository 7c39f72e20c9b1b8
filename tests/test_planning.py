"""Performance planning: the SKP flow through the API and the browser, every refusal of issue 3's
"Bad input" list (each leaving the data unchanged), scope, the cascade and indicator achievement."""
import re
from decimal import Decimal

import pytest
from flask import g
from sqlalchemy import delete, select

from app.extensions import db
from app.models import UserAccount
from app.models.activity import DailyActivity
from app.models.planning import (
    IndicatorRealisation,
    OrganizationIndicator,
    Period,
    ResultIndicator,
    WorkPlan,
    WorkResult,
)
from app.services import planning
from tests.conftest import csrf_token
from tests.helpers import agency_id, count, database, employee_of

def plan_of(username, year=2026):
    employee_id = employee_of(username)[0]
    with database() as session:
        return session.scalars(select(WorkPlan.id).where(
            WorkPlan.employee_id == employee_id, WorkPlan.period_id == period_id(year))
            .order_by(WorkPlan.version.desc())).first()


def period_id(year):
    with database() as session:
        return session.scalar(select(Period.id).where(Period.year == year))


def first_result(plan_id):
    with database() as session:
        return session.scalars(select(WorkResult.id).where(WorkResult.work_plan_id == plan_id)
                               .order_by(WorkResult.id)).first()


def snapshot():
    return tuple(count(model) for model in (WorkPlan, WorkResult, ResultIndicator, IndicatorRealisation))


@pytest.fixture()
def draft_of(api_as):
    """A fresh 2026 draft for an employee account (removing any plan, and the activities reported
    against it, that a previous test left)."""
    def make(username):
        employee_id = employee_of(username)[0]
        with database() as session:
            session.execute(delete(DailyActivity).where(DailyActivity.employee_id == employee_id))
            for plan in session.scalars(select(WorkPlan).where(WorkPlan.employee_id == employee_id,
                                                               WorkPlan.period_id == period_id(2026))
                                        .order_by(WorkPlan.version.desc())):
                session.delete(plan)
                session.flush()
            session.commit()
        client, headers = api_as(username)
        response = client.post("/api/v1/workplan/draft", json={"period_id": period_id(2026)}, headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)
        return client, headers, response.json["result"]
    return make


def add_linked_result(client, headers, plan_id, supported):
    response = client.post("/api/v1/workresult/", json={
        "work_plan": plan_id, "group": "UTAMA", "description": "Tersusunnya telaah kebijakan kurikulum SD",
        "supported_result": supported}, headers=headers)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.json["id"]


def add_indicator(client, headers, result_id, target="4"):
    return client.post("/api/v1/resultindicator/", json={
        "work_result": result_id, "aspect": "KUANTITAS", "description": "Jumlah telaah yang diselesaikan",
        "target_value": target, "target_unit": "dokumen", "direction": "HIGHER_IS_BETTER"}, headers=headers)


def test_full_flow_through_the_api(draft_of, api_as):
    client, headers, plan = draft_of("pegawai.disdik")
    assert plan["status"] == "draft" and plan["evaluator"]["id"] == employee_of("penilai.disdik")[0]
    assert plan["approach"] == "kuantitatif" and len(plan["expectations"]) == 7
    result_id = add_linked_result(client, headers, plan["id"], first_result(plan_of("penilai.disdik")))
    assert add_indicator(client, headers, result_id).status_code == 201
    submitted = client.post(f"/api/v1/workplan/{plan['id']}/submit", headers=headers)
    assert submitted.status_code == 200, submitted.get_data(as_text=True)
    assert submitted.json["result"]["status"] == "submitted"

    evaluator, evaluator_headers = api_as("penilai.disdik")
    approved = evaluator.post(f"/api/v1/workplan/{plan['id']}/approve", headers=evaluator_headers)
    assert approved.status_code == 200 and approved.json["result"]["status"] == "approved"

    before = snapshot()
    edit = client.put(f"/api/v1/workresult/{result_id}", json={"description": "Diubah"}, headers=headers)
    assert edit.status_code == 400 and "dikunci" in edit.json["message"]
    assert snapshot() == before

    revised = client.post(f"/api/v1/workplan/{plan['id']}/revise", headers=headers)
    assert revised.status_code == 200
    assert revised.json["result"]["version"] == 2 and revised.json["result"]["status"] == "draft"
    assert revised.json["result"]["previous_version_id"] == plan["id"]
    full = client.get(f"/api/v1/workplan/{plan['id']}/full", headers=headers).json["result"]
    assert full["status"] == "approved" and full["results"][0]["description"] == "Tersusunnya telaah kebijakan kurikulum SD"
    assert full["results"][0]["indicators"][0]["target_value"] == "4.0000"


def test_target_not_above_zero_is_refused(draft_of):
    client, headers, plan = draft_of("pegawai.disdik")
    result_id = add_linked_result(client, headers, plan["id"], first_result(plan_of("penilai.disdik")))
    before = snapshot()
    response = add_indicator(client, headers, result_id, target="0")
    assert response.status_code == 400 and "Target ≤ 0" in response.json["message"]
    assert snapshot() == before


def test_linking_to_a_non_superior_rhk_is_refused(draft_of):
    client, headers, plan = draft_of("pegawai.disdik")
    foreign = first_result(plan_of("penilai.dinkes"))
    before = snapshot()
    response = client.post("/api/v1/workresult/", json={
        "work_plan": plan["id"], "group": "UTAMA", "description": "x", "supported_result": foreign}, headers=headers)
    assert response.status_code == 400 and "bukan atasan Anda" in response.json["message"]
    assert snapshot() == before


def test_realisation_without_a_target_is_refused(as_user):
    with database() as session:
        indicator = OrganizationIndicator(agency_id=agency_id("DISDIKBUD"), period_id=period_id(2026),
                                          name="Indikator tanpa target", unit_of_measure="%",
                                          direction="HIGHER_IS_BETTER")
        session.add(indicator)
        session.commit()
        indicator_id = indicator.id
    browser = as_user("admin.disdik")
    token = csrf_token(browser, "/indicatorrealisationview/add")
    before = snapshot()
    page = browser.post("/indicatorrealisationview/add", data={
        "indicator": indicator_id, "quarter": "1", "value": "50", "csrf_token": token}, follow_redirects=True)
    assert "has no target yet" in page.get_data(as_text=True) or "belum memiliki target" in page.get_data(as_text=True)
    assert snapshot() == before


def test_approving_own_skp_and_a_second_approval_are_refused(draft_of, api_as):
    client, headers, plan = draft_of("pegawai.disdik")
    add_indicator(client, headers, add_linked_result(client, headers, plan["id"],
                                                     first_result(plan_of("penilai.disdik"))))
    client.post(f"/api/v1/workplan/{plan['id']}/submit", headers=headers)
    own = client.post(f"/api/v1/workplan/{plan['id']}/approve", headers=headers)
    assert own.status_code == 400 and "SKP Anda sendiri" in own.json["message"]
    evaluator, evaluator_headers = api_as("penilai.disdik")
    assert evaluator.post(f"/api/v1/workplan/{plan['id']}/approve", headers=evaluator_headers).status_code == 200
    again = evaluator.post(f"/api/v1/workplan/{plan['id']}/approve", headers=evaluator_headers)
    assert again.status_code == 400 and "bukan Diajukan" in again.json["message"]


def test_two_evaluators_approving_at_once_one_wins(app, draft_of):
    client, headers, plan = draft_of("pegawai.disdik")
    add_indicator(client, headers, add_linked_result(client, headers, plan["id"],
                                                     first_result(plan_of("penilai.disdik"))))
    client.post(f"/api/v1/workplan/{plan['id']}/submit", headers=headers)
    with app.test_request_context():
        g.user = db.session.scalar(select(UserAccount).where(UserAccount.username == "penilai.disdik"))
        seen = db.session.get(WorkPlan, plan["id"])
        assert seen.status == "submitted"
        # The other evaluator's approval lands between our read and our write.
        with db.engine.begin() as other:
            other.execute(WorkPlan.__table__.update().where(WorkPlan.id == plan["id"]).values(
                status="approved", row_version=WorkPlan.row_version + 1))
        before = snapshot()
        with pytest.raises(planning.ConcurrentChange):
            planning.approve(seen)
        assert snapshot() == before
        db.session.rollback()
    with database() as session:
        assert session.get(WorkPlan, plan["id"]).status == "approved"


def test_scope_of_plans(api_as):
    evaluator, headers = api_as("penilai.disdik")
    owners = {row["employee"]["id"] for row in evaluator.get("/api/v1/workplan/", headers=headers).json["result"]}
    assert employee_of("penilai.disdik")[0] in owners
    assert employee_of("penilai.dinkes")[0] not in owners and employee_of("kadis.disdik")[0] not in owners
    employee, employee_headers = api_as("pegawai.dinkes")
    rows = employee.get("/api/v1/workplan/", headers=employee_headers).json["result"]
    assert {row["employee"]["id"] for row in rows} <= {employee_of("pegawai.dinkes")[0]}
    assert employee.get(f"/api/v1/workplan/{plan_of('penilai.dinkes')}", headers=employee_headers).status_code == 404
    admin, admin_headers = api_as("admin.dinkes")
    assert admin.get(f"/api/v1/workplan/{plan_of('penilai.disdik')}", headers=admin_headers).status_code == 404
    assert admin.post(f"/api/v1/workplan/{plan_of('penilai.disdik')}/revise",
                      headers=admin_headers).status_code == 404


def test_browser_create_submit_approve(as_user):
    employee_id = employee_of("pegawai.dinkes")[0]
    with database() as session:
        session.execute(delete(DailyActivity).where(DailyActivity.employee_id == employee_id))
        for plan in session.scalars(select(WorkPlan).where(WorkPlan.employee_id == employee_id)):
            session.delete(plan)
        session.commit()
    browser = as_user("pegawai.dinkes")
    token = csrf_token(browser, "/workplanview/new")
    created = browser.post("/workplanview/new", data={"period": period_id(2026), "csrf_token": token})
    assert created.status_code == 302
    plan_id = int(re.search(r"/show/(\d+)", created.location).group(1))
    add_form = f"/workresultview/add?_flt_0_work_plan={plan_id}"
    page = browser.get(add_form).get_data(as_text=True)
    supported = first_result(plan_of("penilai.dinkes"))
    assert f'value="{supported}"' in page
    assert f'value="{first_result(plan_of("penilai.disdik"))}"' not in page
    browser.post(add_form, data={"work_plan": plan_id, "group": "UTAMA", "order": "1",
                                 "description": "Terlaksananya konseling gizi balita", "supported_result": supported,
                                 "csrf_token": csrf_token(browser, add_form)})
    result_id = first_result(plan_id)
    assert result_id
    browser.post("/resultindicatorview/add", data={
        "work_result": result_id, "aspect": "KUANTITAS", "description": "Jumlah balita dikonseling",
        "target_value": "120", "target_unit": "balita", "direction": "HIGHER_IS_BETTER",
        "csrf_token": csrf_token(browser, "/resultindicatorview/add")})
    show = f"/workplanview/show/{plan_id}"
    browser.post(f"/workplanview/transition/{plan_id}", data={"name": "submit", "csrf_token": csrf_token(browser, show)})
    assert count(WorkPlan, id=plan_id, status="submitted") == 1
    evaluator = as_user("penilai.dinkes")
    evaluator.post(f"/workplanview/transition/{plan_id}",
                   data={"name": "approve", "csrf_token": csrf_token(evaluator, show)})
    assert count(WorkPlan, id=plan_id, status="approved") == 1


def test_cascade_shows_head_indicator_and_flags_gaps(as_user):
    page = as_user("kadis.disdik").get(f"/cascade/?agency={agency_id('DISDIKBUD')}&period={period_id(2026)}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Angka Partisipasi Sekolah (APS) usia 7–12 tahun" in html
    assert "Meningkatnya akses layanan pendidikan dasar yang merata" in html
    unsupported = html.split("sikinerja-problem-unsupported")[1].split("</ul>")[0]
    assert "Meningkatnya mutu satuan pendidikan" in unsupported


def test_lower_is_better_achievement_matches_hand_computation(as_user):
    # Persentase balita stunting: target 14, Q2 realisation 15.1 → (2 − 15.1/14) × 100 = 92.142857… %
    with database() as session:
        indicator = session.scalar(select(OrganizationIndicator).where(
            OrganizationIndicator.name == "Persentase balita stunting"))
        assert indicator.quarter_achievement(2).quantize(Decimal("0.01")) == Decimal("92.14")
        assert indicator.year_achievement == indicator.quarter_achievement(2)
    html = as_user("admin.dinkes").get("/organizationindicatorview/list/").get_data(as_text=True)
    assert "92,14\u00a0%" in html


def test_plan_page_offers_only_the_steps_the_user_may_take(as_user):
    plan = plan_of("penilai.disdik")
    own_page = as_user("penilai.disdik").get(f"/workplanview/show/{plan}").get_data(as_text=True)
    assert 'value="approve"' not in own_page and 'value="submit"' not in own_page
    assert 'value="revise"' in own_page
    leader_page = as_user("kadis.disdik").get(f"/workplanview/show/{plan}").get_data(as_text=True)
    assert 'value="revise"' not in leader_page and 'value="approve"' not in leader_page


def test_hr_admin_changes_the_evaluator_with_a_reason(as_user):
    plan = plan_of("pegawai.disdik", year=2025)
    acting_id = employee_of("kadis.disdik")[0]
    client = as_user("hr.bkpsdm")
    token = csrf_token(client, f"/workplanview/show/{plan}")
    client.post(f"/workplanview/transition/{plan}", data={
        "csrf_token": token, "name": "change_evaluator", "evaluator": str(acting_id), "reason": ""})
    with database() as session:
        assert session.get(WorkPlan, plan).evaluator_id != acting_id
    client.post(f"/workplanview/transition/{plan}", data={
        "csrf_token": token, "name": "change_evaluator", "evaluator": str(acting_id),
        "reason": "Plt. Kepala Seksi, SK Bupati 800/12/2025"})
    with database() as session:
        changed = session.get(WorkPlan, plan)
        assert (changed.evaluator_id, changed.evaluator_change_reason) == (
            acting_id, "Plt. Kepala Seksi, SK Bupati 800/12/2025")
    other = as_user("admin.disdik")
    assert 'value="change_evaluator"' not in other.get(f"/workplanview/show/{plan}").get_data(as_text=True)
