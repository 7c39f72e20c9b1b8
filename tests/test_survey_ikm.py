"""IKM from stored responses (aggregated in SQL) against a hand computation; reports, scope,
exclusion by HR Admin, officer feedback, public results, demo data."""
import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, insert, select

from app.models import AuditEntry
from app.models.survey import ImprovementPlan, SurveyElement, SurveyPeriod, SurveyResponse
from app.services import survey
from tests.conftest import csrf_token
from tests.helpers import database


# Hand-made responses of the "history" period (answers u1..u9; None = skipped):
#   R1 all 4 · R2 all 3 but U3 skipped · R3 all 2 but U3 = 1 and U9 = 4 · R4 all 1, EXCLUDED
# Included: U1, U2, U4..U8 = (4+3+2)/3 = 3.000 each; U3 = (4+1)/2 = 2.500; U9 = (4+3+4)/3 = 11/3
# IKM = (7×3 + 2.5 + 11/3) / 9 = (163/6) / 9 = 163/54 = 3.01852 → ×25 = 4075/54 = 75.46 → grade C
# Population 10 → Krejcie–Morgan minimum 10; 3 included respondents: not sufficient.
# With R4 included as well: U1, U2, U4..U8 = 10/4 = 2.5; U3 = 6/3 = 2; U9 = 12/4 = 3
#   IKM = (17.5 + 2 + 3) / 9 = 2.5 → 62.50, grade D: the visible change.
HAND_MADE = [
    ({f"u{n}": 4 for n in range(1, 10)}, False),
    ({**{f"u{n}": 3 for n in range(1, 10)}, "u3": None}, False),
    ({**{f"u{n}": 2 for n in range(1, 10)}, "u3": 1, "u9": 4}, False),
    ({f"u{n}": 1 for n in range(1, 10)}, True),
]


@pytest.fixture(scope="module")
def history(skm):
    period_id = skm["periods"]["history"]
    with database() as session:
        session.query(SurveyResponse).filter_by(period_id=period_id).delete()
        period = session.get(SurveyPeriod, period_id)
        rows = [{**answers, "excluded": excluded, "unit_id": period.unit_id, "agency_id": period.agency_id,
                 "period_id": period_id, "client_hash": f"hand-{index}", "officer_id": skm["officer_id"],
                 "submitted_at": dt.datetime(2025, 2, 1 + index, 2, 0),
                 "suggestion": "Mohon papan informasi persyaratan." if index == 0 else None}
                for index, (answers, excluded) in enumerate(HAND_MADE)]
        session.execute(insert(SurveyResponse), rows)
        element = session.scalars(select(SurveyElement).where(SurveyElement.code == "U3")).one()
        session.add(ImprovementPlan(unit=period.unit, period=period, element=element, status="PLANNED",
                                    action="Menambah petugas loket pada jam sibuk (08.00–10.00)."))
        session.commit()
        ids = session.scalars(select(SurveyResponse.id).where(SurveyResponse.period_id == period_id)
                              .order_by(SurveyResponse.id)).all()
    return {"unit_id": skm["history_unit_id"], "period_id": period_id, "response_ids": ids}


def test_ikm_equals_the_hand_computation(app, history):
    with app.app_context():
        report = survey.unit_ikm_report(history["unit_id"], history["period_id"])
        figures = report.figures
        assert figures.respondents == 3 and report.excluded == 1
        elements = {score.element.code: score for score in figures.result.elements}
        assert elements["U3"].respondents == 2 and elements["U3"].nrr == Decimal("2.5")
        assert elements["U9"].answers_sum == 11 and elements["U1"].nrr == 3
        assert figures.value == Decimal(4075) / Decimal(54)
        assert round(figures.value, 2) == Decimal("75.46") and figures.grade.letter == "C"
        assert report.minimum_sample == 10 and report.sample_sufficient is False
        assert [score.element.code for score in figures.lowest_elements()][0] == "U3"
        assert report.suggestions[0][1].startswith("Mohon papan")


def test_officer_feedback_rolls_up_u7_and_u6(app, history, skm):
    with app.app_context():
        feedback = survey.officer_feedback(skm["officer_id"], dt.date(2025, 1, 1), dt.date(2025, 3, 31))
        # Included R1..R3 name the officer: U7 = (4+3+2)/3 = 3, U6 the same; the excluded R4 does not count.
        assert feedback.responses == 3 and feedback.behaviour == (9, 3) and feedback.behaviour_average == 3
        assert feedback.competence == (9, 3)
        assert survey.officer_feedback(skm["officer_id"], dt.date(2024, 1, 1), dt.date(2024, 12, 31)).responses == 0


def test_officer_feedback_counts_days_as_the_regency_lives_them(history, skm):
    """A response sent at 01:00 WITA on 1 June is stored as 31 May 17:00 UTC: it belongs to June."""
    with database() as session:
        period = session.get(SurveyPeriod, history["period_id"])
        session.add(SurveyResponse(unit_id=period.unit_id, agency_id=period.agency_id, period_id=period.id,
                                   client_hash="boundary", officer_id=skm["officer_id"], excluded=False,
                                   submitted_at=dt.datetime(2025, 5, 31, 17, 0), **{f"u{n}": 4 for n in range(1, 10)}))
        session.flush()
        assert survey.officer_feedback(skm["officer_id"], dt.date(2025, 6, 1), dt.date(2025, 6, 30)).responses == 1
        assert survey.officer_feedback(skm["officer_id"], dt.date(2025, 5, 1), dt.date(2025, 5, 31)).responses == 0


def test_unit_report_page_is_scoped(app, as_user, skm, history):
    client = as_user("admin.dinkes")
    page = client.get(f"/ikm/unit/{history['unit_id']}/{history['period_id']}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "75,46" in html and "<svg" in html and "Menambah petugas" in html
    assert client.get(f"/ikm/unit/{skm['disdik_unit_id']}/{skm['periods']['disdik']}").status_code == 404
    # A Disdik unit with a Dinkes period id is no way round the scope either.
    assert client.get(f"/ikm/unit/{skm['disdik_unit_id']}/{history['period_id']}").status_code == 404
    excel = client.get(f"/ikm/unit/{history['unit_id']}/{history['period_id']}/xlsx")
    assert excel.status_code == 200 and excel.data[:2] == b"PK"


def test_agency_report_page(app, as_user, history):
    client = as_user("admin.dinkes")
    with database() as session:
        dinkes = session.get(SurveyPeriod, history["period_id"]).agency_id
    page = client.get(f"/ikm/agency/{dinkes}?start=2025-01-01&end=2025-03-31")
    assert page.status_code == 200 and "Loket Hitung IKM" in page.get_data(as_text=True)
    assert as_user("admin.disdik").get(f"/ikm/agency/{dinkes}?start=2025-01-01&end=2025-03-31").status_code == 404


def test_ikm_api_is_scoped(app, api_as, skm, history):
    client, headers = api_as("admin.dinkes")
    response = client.get(f"/api/v1/ikm/{history['unit_id']}/{history['period_id']}", headers=headers)
    assert response.status_code == 200
    assert response.json["value"] == 75.46 and response.json["grade"] == "C"
    assert response.json["respondents"] == 3 and response.json["sample_sufficient"] is False
    assert client.get(f"/api/v1/ikm/{skm['disdik_unit_id']}/{skm['periods']['disdik']}",
                      headers=headers).status_code == 404
    assert app.test_client().get(f"/api/v1/ikm/{history['unit_id']}/{history['period_id']}").status_code == 401


def _excluded(response_id):
    with database() as session:
        return session.get(SurveyResponse, response_id).excluded


def test_agency_admin_cannot_exclude(app, as_user, skm, history):
    client = as_user("admin.dinkes")
    target = history["response_ids"][0]
    token = csrf_token(client, f"/survey/{skm['code']}")
    client.post("/surveyresponseview/exclude", data={"csrf_token": token, "ids": str(target), "reason": "spam"})
    assert _excluded(target) is False
    with app.test_request_context():
        from flask import g

        g.user = app.appbuilder.sm.find_user(username="admin.dinkes")
        with pytest.raises(survey.DomainError):
            survey.set_responses_excluded([target], True, "spam", "admin.dinkes")
    assert _excluded(target) is False


def test_hr_admin_excludes_a_response_and_the_ikm_changes(app, as_user, api_as, history):
    client = as_user("hr.bkpsdm")
    included, excluded = history["response_ids"][0], history["response_ids"][3]
    url = f"/surveyresponseview/exclude?ids={excluded}"
    # Including R4 again: IKM (4 respondents) becomes 62.50 (D).
    token = csrf_token(client, url)
    client.post("/surveyresponseview/action_post", data={"csrf_token": token, "action": "include",
                                                         "rowid": [str(excluded)]})
    assert _excluded(excluded) is False
    api, headers = api_as("hr.bkpsdm")
    figures = api.get(f"/api/v1/ikm/{history['unit_id']}/{history['period_id']}", headers=headers).json
    assert figures["respondents"] == 4 and figures["value"] == 62.5 and figures["grade"] == "D"
    # A reason is required; then R4 is excluded again and R1 too.
    client.post("/surveyresponseview/exclude", data={"csrf_token": token, "ids": f"{excluded},{included}"})
    assert _excluded(excluded) is False
    client.post("/surveyresponseview/exclude", data={"csrf_token": token, "ids": f"{excluded},{included}",
                                                     "reason": "Diisi berulang oleh petugas (uji)"})
    assert _excluded(excluded) is True and _excluded(included) is True
    figures = api.get(f"/api/v1/ikm/{history['unit_id']}/{history['period_id']}", headers=headers).json
    assert figures["respondents"] == 2
    with database() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.entity == "SurveyResponse",
                                                         AuditEntry.entity_id == str(included))
                                .order_by(AuditEntry.id.desc())).first()
        assert entry.username == "hr.bkpsdm" and entry.changes["excluded"] == {"before": False, "after": True}
    client.post("/surveyresponseview/action_post", data={"csrf_token": token, "action": "include",
                                                         "rowid": [str(included)]})
    client.post("/surveyresponseview/exclude", data={"csrf_token": token, "ids": str(excluded), "reason": "uji"})
    assert _excluded(included) is False and _excluded(excluded) is True


def test_public_results_show_the_ikm_and_the_improvement_plan(app, history):
    with database() as session:
        code = session.get(SurveyPeriod, history["period_id"]).unit.code
    html = app.test_client().get(f"/survey/{code}/results").get_data(as_text=True)
    assert "Menambah petugas loket" in html and "75,46" in html


def test_period_overlap_is_refused_for_agency_admin(app, api_as, history):
    client, headers = api_as("admin.dinkes")
    with database() as session:
        before = session.scalar(select(func.count(SurveyPeriod.id)))
    response = client.post("/api/v1/surveyperiod/?_l_=en", headers=headers, json={
        "unit": history["unit_id"], "kind": "QUARTER", "start_date": "2025-02-01", "end_date": "2025-04-30",
        "population": 50, "is_open": True})
    assert response.status_code == 400 and "overlap" in response.get_data(as_text=True)
    with database() as session:
        assert session.scalar(select(func.count(SurveyPeriod.id))) == before


def test_demo_survey_is_realistic_and_idempotent(app):
    from app.demo.survey import load_demo_survey

    with app.app_context():
        load_demo_survey()
        with database() as session:
            total = session.scalar(select(func.count(SurveyResponse.id)))
            units = set(session.scalars(select(SurveyPeriod.unit_id).where(
                SurveyPeriod.start_date >= dt.date(2026, 1, 1), SurveyPeriod.end_date <= dt.date(2026, 12, 31))))
        assert len(units) >= 6
        assert load_demo_survey() == 0
        with database() as session:
            assert session.scalar(select(func.count(SurveyResponse.id))) == total
