"""Policy settings (issue 20): HR Admin sets every (policy) of RULES.md from a date on, on the settings screen
or through REST; a value outside what the policy allows is refused with its reason and nothing is stored; a
setting never reaches a closed period; the pages that use a policy say which one they used. The IKM weight
is in test_survey_policy.py, the curve's rounding and the rating thresholds in test_evaluation.py."""
import datetime as dt
import re
import time

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import delete, select

from app.models import AuditEntry
from app.models.planning import Period
from app.models.policy import PolicySetting
from app.models.survey import SurveyResponse
from app.services import dialogue
from tests.conftest import csrf_token
from tests.helpers import count, database

FUTURE_YEAR = 2032  # no performance period of the demo or another test starts then


@pytest.fixture(autouse=True)
def no_setting_left():
    yield
    with database() as session:
        session.execute(delete(PolicySetting))
        session.commit()


@pytest.fixture()
def hr(api_as):
    return api_as("hr.bkpsdm")


def _post(account, **body):
    client, headers = account
    return client.post("/api/v1/policysetting/?_l_=en", headers=headers, json={"reason": "Perbup uji", **body})


def test_every_policy_starts_at_the_regulations_default(hr):
    client, headers = hr
    rows = client.get("/api/v1/policysetting/in-force", headers=headers).json["result"]
    assert {row["key"]: row["value"] for row in rows} == {
        "ikm_weight": "exact", "curve_rounding": "in_favour", "minutes_per_jp": "45", "rating_above_from": "110",
        "rating_meets_from": "90", "survey_form_hours": "12", "dialogue_cadence_months": "1",
        "dialogue_peer_feedback": "off"}
    assert all(row["since"] is None and row["rule"] for row in rows)


@pytest.mark.parametrize("body, message", [
    ({"key": "minutes_per_jp", "value": "44,5"}, "whole number from 30 to 60"),
    ({"key": "minutes_per_jp", "value": "90"}, "whole number from 30 to 60"),
    ({"key": "rating_above_from", "value": "banyak"}, "number from 100 to 200"),
    ({"key": "curve_rounding", "value": "round"}, "not one of the choices"),
    ({"key": "no_such_policy", "value": "1"}, "not one of the choices"),
    ({"key": "dialogue_cadence_months", "value": "2", "reason": " "}, "Say why"),
], ids=["half a minute", "too long", "not a number", "unknown choice", "unknown policy", "no reason"])
def test_a_value_the_policy_does_not_allow_is_refused(hr, body, message):
    before = count(PolicySetting)
    response = _post(hr, effective_from=f"{FUTURE_YEAR}-01-01", **body)
    assert response.status_code == 400 and message in response.json["message"]
    assert count(PolicySetting) == before


def test_the_rating_thresholds_stay_in_order(hr):
    assert _post(hr, key="rating_meets_from", value="100", effective_from=f"{FUTURE_YEAR}-01-01").status_code == 201
    refused = _post(hr, key="rating_above_from", value="100", effective_from=f"{FUTURE_YEAR}-02-01")
    assert refused.status_code == 400 and "must start below" in refused.json["message"]
    assert count(PolicySetting, key="rating_above_from") == 0


def test_a_setting_that_reaches_a_closed_performance_year_is_refused(hr):
    with database() as session:
        closed = session.scalars(select(Period.start_date).where(Period.status == "closed")
                                 .order_by(Period.start_date.desc())).first()
    assert closed is not None  # the demo's 2025
    response = _post(hr, key="minutes_per_jp", value="60", effective_from=(closed - dt.timedelta(days=1)).isoformat())
    assert response.status_code == 400 and closed.strftime("%d-%m-%Y") in response.json["message"]
    assert count(PolicySetting) == 0
    # The day after the closed year started only reaches the years after it.
    assert _post(hr, key="minutes_per_jp", value="60",
                 effective_from=(closed + dt.timedelta(days=1)).isoformat()).status_code == 201


def test_only_hr_admin_may_set_policies(api_as):
    for username in ("admin.dinkes", "penilai.disdik"):
        response = _post(api_as(username), key="minutes_per_jp", value="60", effective_from=f"{FUTURE_YEAR}-01-01")
        assert response.status_code in (401, 403)
    assert count(PolicySetting) == 0


def test_the_compliance_page_names_the_length_of_a_jp_of_its_year(hr, as_user):
    assert _post(hr, key="minutes_per_jp", value="60", effective_from=f"{FUTURE_YEAR}-01-01").status_code == 201
    client = as_user("hr.bkpsdm")
    later = client.get(f"/training/compliance?year={FUTURE_YEAR}").get_data(as_text=True)
    earlier = client.get(f"/training/compliance?year={FUTURE_YEAR - 1}").get_data(as_text=True)
    assert re.search(r'id="jp-policy">[^<]*\b60\b', later) and re.search(r'id="jp-policy">[^<]*\b45\b', earlier)


def test_the_settings_screen_takes_a_decimal_comma_and_shows_what_is_in_force(as_user):
    client = as_user("hr.bkpsdm")
    response = client.post("/policysettingview/add", data={
        "csrf_token": csrf_token(client, "/policysettingview/add"), "key": "rating_above_from", "value": "112,5",
        "effective_from": "2026-01-02", "reason": "Perbup Bulungan (uji)"})
    assert response.status_code == 302, response.get_data(as_text=True)
    with database() as session:
        assert session.scalars(select(PolicySetting.value)).one() == "112.5"
        entry = session.scalars(select(AuditEntry).where(AuditEntry.entity == "PolicySetting")
                                .order_by(AuditEntry.id.desc())).first()
        assert entry.username == "hr.bkpsdm" and entry.changes["value"] == {"after": "112.5"}
    page = client.get("/policysettingview/list/").get_data(as_text=True)
    in_force = re.search(r'data-policy="rating_above_from">(.*?)</tr>', page, re.S).group(1)
    assert "112,5 %" in in_force and "2026" in in_force  # since 2 January 2026, in words


def test_the_dialogue_cadence_until_one_is_agreed_follows_the_policy(app, hr):
    with database() as session:
        running = session.scalars(select(Period).where(Period.status == "running")).first()
        start = running.start_date
    assert _post(hr, key="dialogue_cadence_months", value="3", effective_from=start.isoformat()).status_code == 201
    with database():
        assert dialogue.default_cadence(start + dt.timedelta(days=40)) == 3
        assert dialogue.default_cadence(start - dt.timedelta(days=40)) == 1  # the year before keeps monthly


def test_a_shorter_form_lifetime_refuses_a_form_left_open_longer(app, hr, skm, monkeypatch):
    citizen = app.test_client()
    issued = citizen.get(f"/api/v1/public/survey/{skm['code']}/form-token").json
    assert issued["expires_in"] == 12 * 3600
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    setting = _post(hr, key="survey_form_hours", value="1", effective_from=yesterday)
    assert setting.status_code == 201, setting.json
    two_hours_later = int(time.time()) + 2 * 3600
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda signer: two_hours_later)
    answers = {"form_token": issued["form_token"], **{f"u{number}": 3 for number in range(1, 10)}}
    before = count(SurveyResponse)
    refused = citizen.post(f"/api/v1/public/survey/{skm['code']}?_l_=en", json=answers,
                           environ_base={"REMOTE_ADDR": "10.21.0.1"})
    assert refused.status_code == 400 and refused.json["field"] == "form_token"
    assert count(SurveyResponse) == before
    with database() as session:  # back to the regulation's default: two hours are within twelve
        session.execute(delete(PolicySetting))
        session.commit()
    accepted = citizen.post(f"/api/v1/public/survey/{skm['code']}", json=answers,
                            environ_base={"REMOTE_ADDR": "10.21.0.1"})
    assert accepted.status_code == 201, accepted.json
