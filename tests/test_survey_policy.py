"""Policy settings (issue 20): HR Admin chooses the IKM weight (exact 1/9 or the printed 0.11) from a date
on; periods starting from then use it and the report names it; a setting that would reach a closed period
is refused, so a closed period's figures never change."""
import datetime as dt
import re
from decimal import Decimal

import pytest
from sqlalchemy import delete, insert, select

from app.models import AuditEntry
from app.models.policy import PolicySetting
from app.models.survey import SurveyPeriod, SurveyResponse
from app.services import survey
from tests.conftest import csrf_token
from tests.helpers import agency_id, count, database
from tests.survey_fixtures import TODAY, _period, _unit
from tests.test_survey_ikm import HAND_MADE, history  # noqa: F401  (the hand-made period, 75.46)

LATER = TODAY + dt.timedelta(days=40)  # after the start of every closed period of the demo and the tests


@pytest.fixture(scope="module")
def coming_period(skm):
    """A period starting after LATER with the hand-made responses of test_survey_ikm (75.46 with 1/9)."""
    with database() as session:
        unit = _unit(session, "TEST-SKM-KEBIJAKAN", "DINKES", name="Loket Uji Kebijakan")
        period = _period(session, unit, LATER + dt.timedelta(days=1), LATER + dt.timedelta(days=90))
        session.flush()
        session.execute(insert(SurveyResponse), [
            {**answers, "excluded": excluded, "unit_id": unit.id, "agency_id": unit.agency_id, "period_id": period.id,
             "client_hash": f"policy-{index}", "submitted_at": dt.datetime(2026, 1, 1)}
            for index, (answers, excluded) in enumerate(HAND_MADE)])
        session.commit()
        ids = {"unit_id": unit.id, "period_id": period.id}
    yield ids
    with database() as session:
        session.execute(delete(PolicySetting))
        session.commit()


def _value(app, unit_id, period_id):
    with app.app_context():  # the system reads: every agency
        report = survey.unit_ikm_report(unit_id, period_id)
        assert report.figures.result is not None, report.figures.problem
        return round(report.figures.value, 2), report.ikm_weight


def _add(client, follow=False, **values):
    token = csrf_token(client, "/policysettingview/add")
    return client.post("/policysettingview/add", data={"csrf_token": token, "key": "ikm_weight", **values},
                       follow_redirects=follow)


def test_the_printed_weight_changes_the_periods_from_its_date_only(app, as_user, skm, history, coming_period):
    assert _value(app, **coming_period) == (Decimal("75.46"), "exact")
    before_history = _value(app, skm["history_unit_id"], skm["periods"]["history"])
    client = as_user("hr.bkpsdm")
    response = _add(client, value="printed", effective_from=LATER.isoformat(),
                    reason="Perbup Bulungan tentang SKM (uji)")
    assert response.status_code == 302, response.get_data(as_text=True)
    # (163/6) × 0.11 × 25 = 74.708… → 74.71 for the period that starts after the date; the others keep 1/9.
    assert _value(app, **coming_period) == (Decimal("74.71"), "printed")
    assert _value(app, skm["history_unit_id"], skm["periods"]["history"]) == before_history
    page = client.get(f"/ikm/unit/{coming_period['unit_id']}/{coming_period['period_id']}").get_data(as_text=True)
    assert re.search(r'id="ikm-policy">[^<]*0[.,]11', page) and "74,71" in page
    agency_page = client.get(f"/ikm/agency/{agency_id('DINKES')}?start={LATER + dt.timedelta(days=1)}"
                             f"&end={LATER + dt.timedelta(days=90)}").get_data(as_text=True)
    assert re.search(r'id="ikm-policy">[^<]*0[.,]11', agency_page) and "74,71" in agency_page
    with database() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.entity == "PolicySetting")
                                .order_by(AuditEntry.id.desc())).first()
        assert entry.username == "hr.bkpsdm" and entry.changes["value"] == {"after": "printed"}


def test_a_setting_that_would_change_a_closed_period_is_refused(as_user, skm, coming_period):
    before = count(PolicySetting)
    client = as_user("hr.bkpsdm")
    with database() as session:
        closed_start = session.scalars(select(SurveyPeriod.start_date).where(SurveyPeriod.is_open.is_(False))
                                       .order_by(SurveyPeriod.start_date.desc())).first()
    response = _add(client, follow=True, value="printed", effective_from=closed_start.isoformat(), reason="Uji")
    assert closed_start.strftime("%d-%m-%Y") in response.get_data(as_text=True)
    assert count(PolicySetting) == before


def test_only_hr_admin_sets_policies(as_user, coming_period):
    before = count(PolicySetting)
    client = as_user("admin.dinkes")
    assert client.get("/policysettingview/list/").status_code in (302, 403)
    client.post("/policysettingview/add", data={"key": "ikm_weight", "value": "printed",
                                                "effective_from": LATER.isoformat(), "reason": "x"})
    assert count(PolicySetting) == before
