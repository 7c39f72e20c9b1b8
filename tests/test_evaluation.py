"""Performance evaluation (issue 5): the flow through the API and the browser, the predikat from the matrix,
every refusal of the "Bad input" list (each leaving the data unchanged), the distribution endpoint, the curve
warning, and finalising an agency's annual period with and without HR Admin's override."""
import datetime as dt
import re
from decimal import Decimal

import pytest
from sqlalchemy import delete, select

from app.domain.predikat import Predikat, employee_predikat
from app.models import Employee, Position, PositionKind
from app.models.activity import DailyActivity
from app.models.audit import AuditEntry
from app.models.planning import OrganizationRating, Period, ResultIndicator, WorkPlan, WorkResult
from tests.conftest import csrf_token
from tests.helpers import agency_id, count, database, employee_of

TEST_YEAR = 2031  # a period of its own, so the distribution counts only this file's evaluations


@pytest.fixture(scope="module", autouse=True)
def evaluation_module(app):
    yield
    _remove_what_this_module_made()


def _remove_what_this_module_made():
    """Later modules expect the demo as seeded: pegawai.disdik without a 2026 SKP, no test period."""
    from app.models.evaluation import CurveOverride, Evaluation

    with database() as session:
        session.execute(delete(CurveOverride))
        test_period = session.scalar(select(Period).where(Period.year == TEST_YEAR))
        employee_id = employee_of("pegawai.disdik")[0]
        made_here = Evaluation.employee_id == employee_id
        if test_period is not None:
            made_here = made_here | (Evaluation.period_id == test_period.id)
        for evaluation in session.scalars(select(Evaluation).where(made_here).order_by(Evaluation.version.desc())):
            session.delete(evaluation)
            session.flush()
        session.execute(delete(DailyActivity).where(DailyActivity.employee_id == employee_id))
        plans = select(WorkPlan).where(WorkPlan.employee_id == employee_id, WorkPlan.period_id == _period(
            session, 2026).id)
        if test_period is not None:
            plans = select(WorkPlan).where((WorkPlan.period_id == test_period.id) | plans.whereclause)
        for plan in session.scalars(plans.order_by(WorkPlan.version.desc())):
            session.delete(plan)
            session.flush()
        if test_period is not None:
            session.execute(delete(OrganizationRating).where(OrganizationRating.period_id == test_period.id))
            session.delete(test_period)
        session.commit()


def remove_evaluations(session, employee_id, period_id):
    """Remove what a previous test left, newest version first (a correction points to what it corrects)."""
    from app.models.evaluation import Evaluation

    for evaluation in session.scalars(select(Evaluation).where(
            Evaluation.employee_id == employee_id, Evaluation.period_id == period_id)
            .order_by(Evaluation.version.desc())):
        session.delete(evaluation)
        session.flush()


def _period(session, year):
    period = session.scalar(select(Period).where(Period.year == year))
    if period is None:
        period = Period(year=year, name=f"Tahun {year}", start_date=dt.date(year, 1, 1),
                        end_date=dt.date(year, 12, 31), status="running")
        session.add(period)
        session.flush()
    return period


def approved_plan(username, evaluator_username, year=2026, target="10"):
    """An approved SKP of ``username`` with one quantity IKI, evaluated by ``evaluator_username`` (replacing any)."""

    employee_id, evaluator_id = employee_of(username)[0], employee_of(evaluator_username)[0]
    with database() as session:
        # Activities reported against an earlier plan would keep its indicators from being deleted.
        session.execute(delete(DailyActivity).where(DailyActivity.employee_id == employee_id))
        period = _period(session, year)
        remove_evaluations(session, employee_id, period.id)
        for plan in session.scalars(select(WorkPlan).where(WorkPlan.employee_id == employee_id,
                                                           WorkPlan.period_id == period.id)):
            session.delete(plan)
        session.flush()
        employee = session.get(Employee, employee_id)
        plan = WorkPlan(employee_id=employee_id, agency_id=employee.agency_id, evaluator_id=evaluator_id,
                        period_id=period.id, position_id=employee.position_id, approach="kuantitatif",
                        status="approved", version=1)
        session.add(plan)
        session.flush()
        result = WorkResult(work_plan=plan, group="UTAMA", order=1, description="Terverifikasinya data sekolah",
                            agency_id=plan.agency_id, employee_id=employee_id, evaluator_id=evaluator_id)
        indicator = ResultIndicator(work_result=result, aspect="KUANTITAS", description="Jumlah sekolah terverifikasi",
                                    target_value=Decimal(target), target_unit="sekolah", direction="HIGHER_IS_BETTER",
                                    agency_id=plan.agency_id, employee_id=employee_id, evaluator_id=evaluator_id)
        session.add_all((result, indicator))
        session.commit()
        return plan.id, result.id


def snapshot():
    from app.models.evaluation import CurveOverride, Evaluation, EvaluationRealisation, Feedback

    return tuple(count(model) for model in (Evaluation, EvaluationRealisation, Feedback, CurveOverride))


def evaluation_row(evaluation_id):
    from app.models.evaluation import Evaluation

    with database() as session:
        row = session.get(Evaluation, evaluation_id)
        return {"status": row.status, "predikat": row.predikat, "work": row.work_result_rating,
                "behaviour": row.behaviour_rating, "version": row.version}


@pytest.fixture()
def quarterly_draft(api_as):
    plan_id, result_id = approved_plan("pegawai.disdik", "penilai.disdik")
    client, headers = api_as("penilai.disdik")
    response = client.post("/api/v1/evaluation/draft", headers=headers, json={
        "work_plan_id": plan_id, "kind": "QUARTERLY", "window_start": "2026-01-01", "window_end": "2026-03-31"})
    assert response.status_code == 200, response.json
    return client, headers, response.json["result"], result_id


def test_full_flow_through_the_api(quarterly_draft, api_as, app):
    client, headers, evaluation, result_id = quarterly_draft
    pk = evaluation["id"]
    assert evaluation["status"] == "draft" and evaluation["predikat"] is None
    realisation = evaluation["realisations"][0]
    assert realisation["prefilled_value"] == "0"  # no approved activity in the window

    before = snapshot()
    response = client.post(f"/api/v1/evaluation/{pk}/realisation", headers=headers,
                           json={"realisation_id": realisation["id"], "value": 12})
    assert response.status_code == 400 and response.json["message"]
    assert snapshot() == before
    response = client.post(f"/api/v1/evaluation/{pk}/realisation", headers=headers, json={
        "realisation_id": realisation["id"], "value": 12, "reason": "Dua sekolah diverifikasi di luar aplikasi",
        "evidence_link": "https://bulungankab.go.id/bukti/1"})
    assert response.status_code == 200, response.json
    saved = response.json["result"]["realisations"][0]
    assert Decimal(saved["achievement"]) == Decimal(120)
    assert saved["change_reason"] == "Dua sekolah diverifikasi di luar aplikasi"
    assert response.json["result"]["suggested_work_result_rating"] == 1  # 120 % ≥ 110 %: a suggestion only

    written = "Verifikasi sudah rapi; percepat laporan ke dinas."
    response = client.post(f"/api/v1/evaluation/{pk}/feedback", headers=headers,
                           json={"target_kind": "RESULT", "target_id": result_id, "text": written})
    assert response.status_code == 200, response.json
    with database() as session:
        from app.models import CoreValue
        value_id = session.scalar(select(CoreValue.id).where(CoreValue.code == "BERORIENTASI_PELAYANAN"))
    response = client.post(f"/api/v1/evaluation/{pk}/feedback", headers=headers,
                           json={"target_kind": "CORE_VALUE", "target_id": value_id, "text": "Ramah kepada guru."})
    assert response.status_code == 200

    # The app uses the matrix: every cell read back from the API equals employee_predikat.
    for work in (1, 2, 3):
        for behaviour in (1, 2, 3):
            response = client.put(f"/api/v1/evaluation/{pk}", headers=headers,
                                  json={"work_result_rating": work, "behaviour_rating": behaviour})
            assert response.status_code == 200, response.json
            assert response.json["result"]["predikat"] == int(employee_predikat(work, behaviour))

    client.put(f"/api/v1/evaluation/{pk}", headers=headers, json={"work_result_rating": 1, "behaviour_rating": 1})
    saved = evaluation_row(pk)
    for body in ({"work_result_rating": 2, "behaviour_rating": 2, "predikat": 1},  # Baik, not Sangat Baik
                 {"work_result_rating": 4, "behaviour_rating": 2},
                 {"work_result_rating": 2, "behaviour_rating": "x"},
                 {"work_result_rating": 2, "behaviour_rating": 2, "status": "final"}):
        response = client.put(f"/api/v1/evaluation/{pk}", headers=headers, json=body)
        assert response.status_code == 400, body
        assert evaluation_row(pk) == saved
    response = client.put(f"/api/v1/evaluation/{pk}", headers=headers,
                          json={"work_result_rating": 2, "behaviour_rating": 3, "predikat": 4})
    assert response.status_code == 200 and response.json["result"]["predikat"] == int(Predikat.POOR)
    client.put(f"/api/v1/evaluation/{pk}", headers=headers, json={"work_result_rating": 1, "behaviour_rating": 1})

    employee, employee_headers = api_as("pegawai.disdik")
    assert employee.post(f"/api/v1/evaluation/{pk}/acknowledge", headers=employee_headers).status_code == 400
    assert client.post(f"/api/v1/evaluation/{pk}/submit", headers=headers).status_code == 200
    seen = employee.get(f"/api/v1/evaluation/{pk}/full", headers=employee_headers).json["result"]
    assert written in [f["text"] for f in seen["feedback"]]
    assert seen["predikat"] == int(Predikat.VERY_GOOD)
    assert employee.put(f"/api/v1/evaluation/{pk}", headers=employee_headers,
                        json={"work_result_rating": 3, "behaviour_rating": 3}).status_code == 400
    # (An objection and its decision: tests/test_evaluation_objection.py; a decided one takes no correction.)
    response = employee.post(f"/api/v1/evaluation/{pk}/acknowledge", headers=employee_headers, json={})
    assert response.status_code == 200 and response.json["result"]["status"] == "acknowledged"
    assert response.json["result"]["objection"] is None
    assert client.post(f"/api/v1/evaluation/{pk}/finalise", headers=headers).json["result"]["status"] == "final"

    # Final never changes, through any door.
    final = evaluation_row(pk)
    before = snapshot()
    for method, url, body in (
            ("put", f"/api/v1/evaluation/{pk}", {"work_result_rating": 3, "behaviour_rating": 3}),
            ("post", f"/api/v1/evaluation/{pk}/realisation", {"realisation_id": realisation["id"], "value": 1,
                                                              "reason": "x"}),
            ("post", f"/api/v1/evaluation/{pk}/feedback", {"target_kind": "RESULT", "target_id": result_id,
                                                           "text": "late"}),
            ("post", f"/api/v1/evaluation/{pk}/submit", {}),
            ("post", f"/api/v1/evaluation/{pk}/correct", {"reason": ""})):
        response = getattr(client, method)(url, headers=headers, json=body)
        assert response.status_code == 400, url
    assert evaluation_row(pk) == final and snapshot() == before

    response = client.post(f"/api/v1/evaluation/{pk}/correct", headers=headers,
                           json={"reason": "Realisasi Maret terlewat"})
    assert response.status_code == 200, response.json
    correction = response.json["result"]
    assert correction["version"] == 2 and correction["previous_id"] == pk and correction["status"] == "draft"
    assert correction["predikat"] == final["predikat"]
    assert evaluation_row(pk) == final
    assert client.post(f"/api/v1/evaluation/{pk}/correct", headers=headers,
                       json={"reason": "again"}).status_code == 400
    trend = employee.get(f"/api/v1/evaluation/history/{seen['employee']['id']}", headers=employee_headers).json
    # The correction replaces v1 in the trend (other tests may have evaluated other quarters of this employee).
    window = [(row["id"], row["version"]) for row in trend["result"]
              if row["kind"] == "QUARTERLY" and row["window_start"] == correction["window_start"]]
    assert window == [(correction["id"], 2)]
    assert count(AuditEntry, entity="Evaluation", entity_id=str(pk)) >= 5  # every step audited


def test_only_the_plans_evaluator_evaluates(quarterly_draft, api_as):
    client, headers, evaluation, _result = quarterly_draft
    pk, plan_id = evaluation["id"], evaluation["work_plan_id"]
    before, saved = snapshot(), evaluation_row(pk)
    foreign, foreign_headers = api_as("penilai.dinkes")
    assert foreign.get(f"/api/v1/evaluation/{pk}", headers=foreign_headers).status_code == 404
    assert foreign.put(f"/api/v1/evaluation/{pk}", headers=foreign_headers,
                       json={"work_result_rating": 1, "behaviour_rating": 1}).status_code == 404
    assert foreign.post("/api/v1/evaluation/draft", headers=foreign_headers, json={
        "work_plan_id": plan_id, "kind": "MONTHLY", "window_start": "2026-04-01",
        "window_end": "2026-04-30"}).status_code == 400
    owner, owner_headers = api_as("pegawai.disdik")
    assert owner.put(f"/api/v1/evaluation/{pk}", headers=owner_headers,
                     json={"work_result_rating": 1, "behaviour_rating": 1}).status_code == 400
    assert owner.post("/api/v1/evaluation/draft", headers=owner_headers, json={
        "work_plan_id": plan_id, "kind": "MONTHLY", "window_start": "2026-04-01",
        "window_end": "2026-04-30"}).status_code == 400
    assert client.post("/api/v1/evaluation/draft", headers=headers, json={
        "work_plan_id": plan_id, "kind": "WEEKLY", "window_start": "2026-04-01",
        "window_end": "2026-04-30"}).status_code == 400
    assert client.post("/api/v1/evaluation/draft", headers=headers, json={
        "work_plan_id": plan_id, "kind": "MONTHLY", "window_start": "2027-04-01",
        "window_end": "2027-04-30"}).status_code == 400
    assert snapshot() == before and evaluation_row(pk) == saved


def test_browser_flow_and_final_is_locked_in_the_ui(quarterly_draft, as_user):
    _client, _headers, evaluation, result_id = quarterly_draft
    pk = evaluation["id"]
    browser = as_user("penilai.disdik")
    page = browser.get(f"/evaluationview/show/{pk}")
    assert page.status_code == 200 and "Berorientasi Pelayanan" in page.get_data(as_text=True)
    token = csrf_token(browser, f"/evaluationview/show/{pk}")
    act = f"/evaluationview/act/{pk}"
    browser.post(act, data={"csrf_token": token, "name": "feedback", "target": f"RESULT:{result_id}",
                            "text": "Bagus, pertahankan <b>ritme</b>."})
    browser.post(act, data={"csrf_token": token, "name": "rate", "work_result_rating": "2",
                            "behaviour_rating": "1"})
    assert evaluation_row(pk)["predikat"] == int(Predikat.GOOD)
    browser.post(act, data={"csrf_token": token, "name": "submit"})
    employee = as_user("pegawai.disdik")
    page = employee.get(f"/evaluationview/show/{pk}").get_data(as_text=True)
    assert "Bagus, pertahankan &lt;b&gt;ritme&lt;/b&gt;." in page  # as written, escaped
    employee.post(act, data={"csrf_token": csrf_token(employee, f"/evaluationview/show/{pk}"),
                             "name": "acknowledge", "objection": ""})
    browser.post(act, data={"csrf_token": token, "name": "finalise"})
    final = evaluation_row(pk)
    assert final["status"] == "final"
    response = browser.post(act, data={"csrf_token": token, "name": "rate", "work_result_rating": "3",
                                       "behaviour_rating": "3"}, follow_redirects=True)
    assert response.status_code == 200 and evaluation_row(pk) == final
    assert 'name="work_result_rating"' not in browser.get(f"/evaluationview/show/{pk}").get_data(as_text=True)


# --- the distribution curve -------------------------------------------------------------------

@pytest.fixture()
def curve_period(api_as):
    """Period 2031 for Disdikbud (organisation predikat Baik): three employees already Baik in annual
    evaluations, and a draft annual evaluation of pegawai.disdik by penilai.disdik, not yet rated."""
    from app.models.evaluation import CurveOverride, Evaluation

    disdik = agency_id("DISDIKBUD")
    with database() as session:
        period = _period(session, TEST_YEAR)
        session.execute(delete(CurveOverride).where(CurveOverride.period_id == period.id))
        if session.scalar(select(OrganizationRating).where(OrganizationRating.agency_id == disdik,
                                                           OrganizationRating.period_id == period.id)) is None:
            session.add(OrganizationRating(agency_id=disdik, period_id=period.id, predikat=2))
        session.commit()
        period_id = period.id
        others = session.scalars(select(Employee.id).where(Employee.agency_id == disdik).order_by(Employee.id)
                                 .limit(20)).all()
        users = {employee_of(name)[0] for name in ("pegawai.disdik", "penilai.disdik")}
        others = [e for e in others if e not in users][:3]
    for employee_id in others:
        with database() as session:
            remove_evaluations(session, employee_id, period_id)
            session.execute(delete(WorkPlan).where(WorkPlan.employee_id == employee_id,
                                                   WorkPlan.period_id == period_id))
            employee = session.get(Employee, employee_id)
            plan = WorkPlan(employee_id=employee_id, agency_id=disdik, period_id=period_id, approach="kuantitatif",
                            status="approved", version=1)
            session.add(plan)
            session.flush()
            session.add(Evaluation(work_plan_id=plan.id, period_id=period_id, kind="ANNUAL", agency_id=disdik,
                                   employee_id=employee.id, window_start=dt.date(TEST_YEAR, 1, 1),
                                   window_end=dt.date(TEST_YEAR, 12, 31), status="acknowledged",
                                   work_result_rating=2, behaviour_rating=2, predikat=2, version=1))
            session.commit()
    plan_id, _result = approved_plan("pegawai.disdik", "penilai.disdik", year=TEST_YEAR)
    client, headers = api_as("penilai.disdik")
    response = client.post("/api/v1/evaluation/draft", headers=headers, json={
        "work_plan_id": plan_id, "kind": "ANNUAL", "window_start": f"{TEST_YEAR}-01-01",
        "window_end": f"{TEST_YEAR}-12-31"})
    assert response.status_code == 200, response.json
    return disdik, period_id, response.json["result"]["id"], client, headers


def test_distribution_endpoint_counts_shares_and_verdict(curve_period, api_as):
    disdik, period_id, _pk, client, headers = curve_period
    body = client.get(f"/api/v1/distribution/{disdik}/{period_id}", headers=headers).json["result"]
    assert body["organization_predikat"] == 2 and body["team_size"] == 3
    assert body["counts"] == {"1": 0, "2": 3, "3": 0, "4": 0, "5": 0}
    assert Decimal(body["shares"]["2"]) == 1
    at_most, at_least = body["bounds"]
    assert (at_most["kind"], at_most["limit"], at_most["actual"], at_most["ok"]) == ("max", 3, 3, True)
    assert (at_least["kind"], at_least["limit"], at_least["actual"], at_least["gap"]) == ("min", 1, 0, 1)
    assert body["ok"] is False
    dinkes = agency_id("DINKES")
    assert client.get(f"/api/v1/distribution/{dinkes}/{period_id}", headers=headers).status_code == 404
    employee, employee_headers = api_as("pegawai.disdik")
    assert employee.get(f"/api/v1/distribution/{disdik}/{period_id}", headers=employee_headers).status_code == 404
    hr, hr_headers = api_as("hr.bkpsdm")
    assert hr.get(f"/api/v1/distribution/{dinkes}/{period_id}", headers=hr_headers).status_code == 200


def test_strict_curve_rounding_holds_the_period_from_its_date_and_the_page_says_so(curve_period, api_as, as_user):
    """(policy, issue 20) Baik ≤ 70 % of three people: 2.1 allowed, 3 in the team's favour, 2 when strict."""
    from app.models.policy import PolicySetting

    disdik, period_id, _pk, client, headers = curve_period
    url = f"/api/v1/distribution/{disdik}/{period_id}"
    before = client.get(url, headers=headers).json["result"]
    assert before["policy"] == {"curve_rounding": "in_favour"} and before["bounds"][0]["limit"] == 3
    hr, hr_headers = api_as("hr.bkpsdm")
    setting = hr.post("/api/v1/policysetting/", headers=hr_headers, json={
        "key": "curve_rounding", "value": "strict", "effective_from": f"{TEST_YEAR}-01-01", "reason": "Uji"})
    assert setting.status_code == 201, setting.json
    try:
        after = client.get(url, headers=headers).json["result"]
        at_most = after["bounds"][0]
        assert after["policy"] == {"curve_rounding": "strict"}
        assert (at_most["limit"], at_most["actual"], at_most["gap"], at_most["ok"]) == (2, 3, 1, False)
        page = as_user("hr.bkpsdm").get(f"/distribution/?agency={disdik}&period={period_id}").get_data(as_text=True)
        assert re.search(r'id="curve-policy"[^>]*>[^<]*(Strict|Ketat)', page)
    finally:
        with database() as session:
            session.execute(delete(PolicySetting).where(PolicySetting.id == setting.json["id"]))
            session.commit()
    assert client.get(url, headers=headers).json["result"]["bounds"][0]["limit"] == 3


def test_warning_names_the_bound_and_finalising_needs_an_override(curve_period, api_as, as_user):
    from app.models.evaluation import Evaluation

    disdik, period_id, pk, client, headers = curve_period
    response = client.put(f"/api/v1/evaluation/{pk}", headers=headers,
                          json={"work_result_rating": 2, "behaviour_rating": 2})
    assert response.status_code == 200  # saved despite the warning
    warnings = response.json["result"]["warnings"]
    assert len(warnings) == 1 and "70" in warnings[0] and "Baik" in warnings[0] and "1" in warnings[0]
    assert evaluation_row(pk)["predikat"] == int(Predikat.GOOD)
    assert response.json["result"]["angka_kredit"] is None  # a Pelaksana earns no credit points
    with database() as session:
        functional = session.scalar(select(Position.id).join(PositionKind, Position.kind_id == PositionKind.id)
                                    .where(PositionKind.code == "AHLI_PERTAMA"))
        session.get(Evaluation, pk).work_plan.position_id = functional
        session.commit()
    full = client.get(f"/api/v1/evaluation/{pk}/full", headers=headers).json["result"]
    assert full["angka_kredit"] == "12.5"  # Ahli Pertama 12.5 × 100 % (Baik) × 12/12

    hr, hr_headers = api_as("hr.bkpsdm")
    before = snapshot()
    assert client.post(f"/api/v1/distribution/{disdik}/{period_id}/finalise", headers=headers).status_code == 400
    response = hr.post(f"/api/v1/distribution/{disdik}/{period_id}/finalise", headers=hr_headers)
    assert response.status_code == 400 and "70" in response.json["message"]  # names the broken bound
    assert client.post(f"/api/v1/distribution/{disdik}/{period_id}/override", headers=headers,
                       json={"reason": "x"}).status_code == 400
    assert hr.post(f"/api/v1/distribution/{disdik}/{period_id}/override", headers=hr_headers,
                   json={"reason": " "}).status_code == 400
    assert snapshot() == before
    assert count(Evaluation, period_id=period_id, status="final") == 0

    audits = count(AuditEntry, entity="CurveOverride")
    response = hr.post(f"/api/v1/distribution/{disdik}/{period_id}/override", headers=hr_headers,
                       json={"reason": "Tim kecil; SE 03/2023 diterapkan dengan pertimbangan BKPSDM."})
    assert response.status_code == 200 and response.json["result"]["override"].startswith("Tim kecil")
    assert count(AuditEntry, entity="CurveOverride") == audits + 1
    response = hr.post(f"/api/v1/distribution/{disdik}/{period_id}/finalise", headers=hr_headers)
    assert response.status_code == 200, response.json
    assert count(Evaluation, period_id=period_id, status="final") == 4
    page = as_user("hr.bkpsdm").get(f"/distribution/?agency={disdik}&period={period_id}").get_data(as_text=True)
    assert "<svg" in page and "Tim kecil" in page


def test_demo_evaluations_pass_in_disdikbud_and_break_in_dinkes(app, api_as):
    from app.models.evaluation import Evaluation
    from app.demo.evaluation import load_demo_evaluations

    with app.app_context():
        load_demo_evaluations()
    before = snapshot()
    with app.app_context():
        load_demo_evaluations()
    assert snapshot() == before  # idempotent
    with database() as session:
        period_2026 = session.scalar(select(Period.id).where(Period.year == 2026))
    hr, headers = api_as("hr.bkpsdm")
    disdik = hr.get(f"/api/v1/distribution/{agency_id('DISDIKBUD')}/{period_2026}", headers=headers).json["result"]
    dinkes = hr.get(f"/api/v1/distribution/{agency_id('DINKES')}/{period_2026}", headers=headers).json["result"]
    assert disdik["ok"] is True and disdik["team_size"] == 3
    assert dinkes["ok"] is False and dinkes["team_size"] == 3
    assert count(Evaluation, agency_id=agency_id("DISDIKBUD"), period_id=period_2026, kind="ANNUAL",
                 status="final") == 3


def test_hr_follow_up_lists_with_excel(app, as_user):
    from io import BytesIO

    from openpyxl import load_workbook

    from app.demo.evaluation import load_demo_evaluations

    with app.app_context():
        load_demo_evaluations()
    with database() as session:
        period_2026 = session.scalar(select(Period.id).where(Period.year == 2026))
    disdik = agency_id("DISDIKBUD")
    hr = as_user("hr.bkpsdm")
    query = f"agency={disdik}&period={period_2026}"
    page = hr.get(f"/distribution/follow-up/award_candidates?{query}")
    assert page.status_code == 200 and page.get_data(as_text=True).count("Sangat Baik") >= 2
    sheet = load_workbook(BytesIO(hr.get(f"/distribution/follow-up/needs_development?{query}&format=xlsx").data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][2] == "Butuh Perbaikan"  # the demo's one Butuh Perbaikan in Disdikbud
    assert hr.get(f"/distribution/follow-up/everyone?{query}").status_code == 404
    # Names follow the reader's scope: an employee reads no agency's curve, so neither list nor its Excel exists
    # for them (the Excel answered 500 before).
    employee = as_user("pegawai.disdik")
    page = employee.get(f"/distribution/follow-up/award_candidates?{query}")
    assert page.status_code in (302, 404) and "<tr><td><a" not in page.get_data(as_text=True)
    assert employee.get(f"/distribution/follow-up/needs_development?{query}&format=xlsx").status_code in (302, 404)


def test_pages_render_for_evaluators(quarterly_draft, as_user):
    browser = as_user("penilai.disdik")
    for url in ("/evaluationview/list/", "/evaluationview/new", "/distribution/"):
        response = browser.get(url)
        assert response.status_code == 200, url
    assert "<svg" in browser.get("/distribution/").get_data(as_text=True)
    plan_id = quarterly_draft[2]["work_plan_id"]
    token = csrf_token(browser, "/evaluationview/new")
    before = snapshot()
    response = browser.post("/evaluationview/new", data={
        "csrf_token": token, "work_plan_id": str(plan_id), "kind": "MONTHLY", "window_start": "2026-05-01",
        "window_end": "2026-05-31"})
    assert response.status_code == 302 and snapshot()[0] == before[0] + 1


def test_a_concurrent_change_is_refused_not_overwritten(quarterly_draft, app):
    from flask import g
    from sqlalchemy import update

    from app.extensions import db
    from app.models import UserAccount
    from app.models.evaluation import Evaluation
    from app.services import evaluation as evaluations

    pk = quarterly_draft[2]["id"]
    with app.test_request_context():
        g.user = db.session.scalar(select(UserAccount).where(UserAccount.username == "penilai.disdik"))
        evaluation = db.session.get(Evaluation, pk)
        with db.engine.begin() as other:  # someone else saves in between
            other.execute(update(Evaluation).where(Evaluation.id == pk)
                          .values(row_version=Evaluation.row_version + 1, work_result_rating=3))
        with pytest.raises(evaluations.ConcurrentChange):
            evaluations.rate(evaluation, 1, 1)
    assert evaluation_row(pk)["work"] == 3 and evaluation_row(pk)["predikat"] is None


def test_suggested_rating_thresholds_are_the_policy_of_the_period(app):
    from app.services.evaluation import suggested_rating
    from app.models.evaluation import Evaluation
    from app.models.policy import PolicySetting

    with database() as session:
        evaluation = session.scalars(select(Evaluation).where(Evaluation.kind == "ANNUAL")
                                     .order_by(Evaluation.id)).first()  # the demo's, not one another file added
        default = suggested_rating(evaluation)
        assert default.achievement is not None and default.rating.name != "ABOVE_EXPECTATION"
        start = evaluation.period.start_date
        settings = [PolicySetting(key=key, value=str(int(default.achievement) - margin), effective_from=start,
                                  reason="uji ambang")
                    for key, margin in (("rating_meets_from", 2), ("rating_above_from", 1))]
        # A setting dated one day later is not in force for the period (it starts on its first day).
        later = PolicySetting(key="rating_above_from", value="200", effective_from=start + dt.timedelta(days=1),
                              reason="uji ambang")
        session.add_all([*settings, later])
        session.commit()
        try:
            assert suggested_rating(evaluation).rating.name == "ABOVE_EXPECTATION"
        finally:
            for setting in (*settings, later):
                session.delete(setting)
            session.commit()
        assert suggested_rating(evaluation).rating == default.rating
