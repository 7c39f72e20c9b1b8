"""A unit's kiosk: registered by the unit's admin with a one-time link, it accepts every citizen in a row —
also thirty identical all-"4" answers — and its responses are counted as kiosk responses."""
import re

import pytest

from app.models.survey import SurveyKiosk, SurveyResponse
from tests.conftest import csrf_token
from tests.helpers import count, database

ALL_FOUR = {f"U{number}": 4 for number in range(1, 10)}


def _api_login(app, username):
    client = app.test_client()
    response = client.post("/api/v1/security/login",
                           json={"username": username, "password": "Sikinerja#2026", "provider": "db"})
    return client, {"Authorization": f"Bearer {response.json['access_token']}"}


@pytest.fixture(scope="module")
def kiosk(app, skm):
    """A kiosk of the test counter, created and given a registration link by Dinkes's agency admin."""
    client, headers = _api_login(app, "admin.dinkes")
    created = client.post("/api/v1/surveykiosk/", headers=headers,
                          json={"unit": skm["unit_id"], "name": "Loket pendaftaran", "active": True})
    assert created.status_code == 201, created.get_data(as_text=True)
    kiosk_id = created.json["id"]
    issued = client.post(f"/api/v1/surveykiosk/{kiosk_id}/registration", headers=headers)
    assert issued.status_code == 200 and f"/survey/kiosk/{issued.json['registration_code']}" in issued.json["link"]
    return {"id": kiosk_id, "code": issued.json["registration_code"], "api": (client, headers)}


@pytest.fixture(scope="module")
def device(app, kiosk, skm):
    """The tablet at the counter, registered through the link (its cookie holds the kiosk's token)."""
    client = app.test_client()
    page = client.get(f"/survey/kiosk/{kiosk['code']}")
    assert page.status_code == 200 and "Loket pendaftaran" in page.get_data(as_text=True)
    registered = client.post(f"/survey/kiosk/{kiosk['code']}",
                             data={"csrf_token": csrf_token(client, f"/survey/kiosk/{kiosk['code']}")})
    assert registered.status_code == 303 and registered.headers["Location"].endswith(f"/survey/{skm['code']}")
    cookie = client.get_cookie("sikinerja_kiosk", path="/survey/")
    assert cookie is not None and cookie.http_only
    return {"client": client, "token": cookie.value}


def test_a_kiosk_accepts_thirty_identical_answers_in_a_row(app, device, skm):
    client = device["client"]
    before = count(SurveyResponse, unit_id=skm["unit_id"], channel="kiosk")
    for _ in range(30):
        html = client.get(f"/survey/{skm['code']}").get_data(as_text=True)
        token = re.search(r'name="form_token" value="([^"]+)"', html).group(1)
        response = client.post(f"/survey/{skm['code']}", environ_base={"REMOTE_ADDR": "10.20.0.1"}, data={
            "csrf_token": re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1),
            "form_token": token, **{code.lower(): "4" for code in ALL_FOUR}})
        assert response.status_code == 303
    assert count(SurveyResponse, unit_id=skm["unit_id"], channel="kiosk") == before + 30
    # Kiosk mode: the thank-you page returns to a new form by itself.
    thanks = client.get(f"/survey/{skm['code']}/thanks").get_data(as_text=True)
    assert 'http-equiv="refresh"' in thanks and f"/survey/{skm['code']}" in thanks


def test_a_kiosk_app_sends_with_its_device_token(app, device, kiosk, skm):
    before = count(SurveyResponse, kiosk_id=kiosk["id"])
    for _ in range(3):
        response = app.test_client().post(f"/api/v1/public/survey/{skm['code']}", json={"answers": ALL_FOUR},
                                          headers={"X-Kiosk-Token": device["token"]})
        assert response.status_code == 201, response.json
    assert count(SurveyResponse, kiosk_id=kiosk["id"]) == before + 3


def test_the_registration_link_works_once(app, kiosk, device):
    client = app.test_client()
    assert client.get(f"/survey/kiosk/{kiosk['code']}").status_code == 404
    reply = client.post("/api/v1/public/survey/kiosk?_l_=en", json={"code": kiosk["code"]})
    assert reply.status_code == 400 and "not valid" in reply.json["message"]


def test_a_kiosk_token_is_no_pass_to_another_unit(app, device, skm):
    before = count(SurveyResponse)
    response = app.test_client().post(f"/api/v1/public/survey/{skm['closed_code']}?_l_=en",
                                      json={"answers": ALL_FOUR}, headers={"X-Kiosk-Token": device["token"]})
    assert response.status_code == 400 and response.json["field"] == "kiosk"
    assert count(SurveyResponse) == before


def test_another_agency_cannot_see_or_register_the_kiosk(api_as, kiosk):
    client, headers = api_as("admin.disdik")
    assert client.get(f"/api/v1/surveykiosk/{kiosk['id']}", headers=headers).status_code == 404
    assert client.post(f"/api/v1/surveykiosk/{kiosk['id']}/registration", headers=headers).status_code == 404


def test_a_new_link_or_deactivation_ends_the_device(app, kiosk, device, skm):
    client, headers = kiosk["api"]
    assert client.put(f"/api/v1/surveykiosk/{kiosk['id']}", headers=headers, json={"active": False}).status_code == 200
    try:
        response = app.test_client().post(f"/api/v1/public/survey/{skm['code']}", json={"answers": ALL_FOUR},
                                          headers={"X-Kiosk-Token": device["token"]})
        # An ordinary client now: it needs the web form's one-time token.
        assert response.status_code == 400 and response.json["field"] == "form_token"
        refused = client.post(f"/api/v1/surveykiosk/{kiosk['id']}/registration", headers=headers)
        assert refused.status_code == 400
    finally:
        client.put(f"/api/v1/surveykiosk/{kiosk['id']}", headers=headers, json={"active": True})
    with database() as session:
        assert session.get(SurveyKiosk, kiosk["id"]).token_hash is not None


def test_the_unit_report_counts_responses_per_channel(app, kiosk, device, skm):
    client, headers = kiosk["api"]
    report = client.get(f"/api/v1/ikm/{skm['unit_id']}/{skm['periods']['open']}", headers=headers).json
    assert report["channels"]["kiosk"] >= 30 and set(report["channels"]) == {"web", "kiosk", "paper"}
