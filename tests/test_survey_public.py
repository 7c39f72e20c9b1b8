"""The public SKM survey as a citizen meets it: phone form, app JSON, "not answered", replay protection,
refusals, results, poster, limits."""
import re

import pytest

from app.models.survey import SurveyResponse
from tests.conftest import csrf_token
from tests.helpers import count, database

PHONE = {"User-Agent": "Mozilla/5.0 (Linux; Android 10; Redmi 9A) AppleWebKit/537.36 Mobile Safari/537.36"}


def answers(**changes):
    values = {f"u{number}": (number % 4) + 1 for number in range(1, 10)}
    values.update(changes)
    return {key: value for key, value in values.items() if value is not None}


def form_token_of(html):
    return re.search(r'name="form_token" value="([^"]+)"', html).group(1)


def post_json(app, code, payload, address="10.1.2.3", language=None, token=True):
    """An app's submission with a fresh one-time form token (``token=False``: none, or the given one)."""
    client = app.test_client()
    if token is True:
        token = client.get(f"/api/v1/public/survey/{code}/form-token").json.get("form_token")  # none: unknown unit
    query = f"?_l_={language}" if language else ""
    body = {**payload, "form_token": token} if token and isinstance(payload, dict) else payload
    return client.post(f"/api/v1/public/survey/{code}{query}", json=body, headers=PHONE,
                       environ_base={"REMOTE_ADDR": address})


def test_phone_submits_the_html_form_with_csrf_token(app, skm):
    client = app.test_client()
    page = client.get(f"/survey/{skm['code']}", headers=PHONE)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'name="viewport"' in html and "Bagaimana pendapat Saudara" in html  # Indonesian by default
    assert "Sangat mahal" in html and "Dikelola dengan baik" in html  # U4 and U8 have their own labels
    assert skm["officer_name"] in html
    # Every element may be left unanswered, visibly ("Tidak menjawab"), and still has to be chosen.
    assert len(re.findall(r'type="radio" name="u\d" value="0"', html)) == 9
    before = count(SurveyResponse, unit_id=skm["unit_id"])
    token = csrf_token(client, f"/survey/{skm['code']}")
    response = client.post(f"/survey/{skm['code']}", headers=PHONE, environ_base={"REMOTE_ADDR": "10.9.9.1"},
                           data={"csrf_token": token, "form_token": form_token_of(html), **answers(),
                                 "sex": "F", "age_band": "30-39",
                                 "suggestion": "Antrean cepat, terima kasih.", "officer_id": str(skm["officer_id"])})
    assert response.status_code == 303 and "/thanks" in response.headers["Location"]
    assert count(SurveyResponse, unit_id=skm["unit_id"]) == before + 1
    assert "Thank you" in client.get(response.headers["Location"]).get_data(as_text=True) or \
        "Terima kasih" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_html_form_without_csrf_token_is_refused(app, skm):
    before = count(SurveyResponse)
    response = app.test_client().post(f"/survey/{skm['code']}", data=answers())
    assert response.status_code == 400
    assert count(SurveyResponse) == before


def test_html_form_shows_the_reason_and_keeps_the_answers(app, skm):
    client = app.test_client()
    html = client.get(f"/survey/{skm['code']}").get_data(as_text=True)
    token = csrf_token(client, f"/survey/{skm['code']}")
    before = count(SurveyResponse)
    response = client.post(f"/survey/{skm['code']}", data={"csrf_token": token, "form_token": form_token_of(html),
                                                          **answers(u3=None)})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "U3" in html and "Waktu Penyelesaian" in html and 'role="alert"' in html
    assert re.search(r'name="u1" value="2"[^>]*checked', html)
    assert count(SurveyResponse) == before


def test_english_switch(app, skm):
    client = app.test_client()
    html = client.get(f"/survey/{skm['code']}?lang=en").get_data(as_text=True)
    assert "What is your opinion" in html and 'lang="en"' in html and "Not answered" in html
    html = client.get(f"/survey/{skm['code']}?lang=id").get_data(as_text=True)
    assert "Bagaimana pendapat Saudara" in html


def test_json_endpoint_stores_a_response(app, skm):
    before = count(SurveyResponse, unit_id=skm["unit_id"])
    response = post_json(app, skm["code"], {"answers": {f"U{n}": 3 for n in range(1, 10)},
                                                   "education": "SMA", "service_used": "Pendaftaran"},
                         address="10.9.9.3")
    assert response.status_code == 201, response.json
    assert count(SurveyResponse, unit_id=skm["unit_id"]) == before + 1
    with database() as session:
        stored = session.get(SurveyResponse, response.json["id"])
        assert len(stored.client_hash) == 64 and "10.9.9.3" not in stored.client_hash  # only a salted hash
        assert stored.u1 == 3 and stored.education == "SMA"


def test_a_skipped_element_is_stored_as_not_answered(app, skm):
    response = post_json(app, skm["code"], {"answers": {**{f"U{n}": 4 for n in range(1, 10)}, "U3": None, "U8": 0}},
                         address="10.9.9.4")
    assert response.status_code == 201, response.json
    with database() as session:
        stored = session.get(SurveyResponse, response.json["id"])
        assert (stored.u3, stored.u8, stored.u4) == (None, None, 4) and stored.channel == "web"


def test_the_form_accepts_not_answered(app, skm):
    client = app.test_client()
    html = client.get(f"/survey/{skm['code']}").get_data(as_text=True)
    response = client.post(f"/survey/{skm['code']}", environ_base={"REMOTE_ADDR": "10.9.9.5"}, data={
        "csrf_token": csrf_token(client, f"/survey/{skm['code']}"), "form_token": form_token_of(html),
        **answers(u5="0", u9="0")})
    assert response.status_code == 303
    with database() as session:
        stored = session.query(SurveyResponse).order_by(SurveyResponse.id.desc()).first()
        assert stored.u5 is None and stored.u9 is None and stored.u1 == 2


REFUSALS = [
    ("answer 5", lambda s: answers(u2=5), "u2", "1, 2, 3"),
    ("missing U3", lambda s: answers(u3=None), "u3", "U3"),
    ("nothing answered", lambda s: {f"u{n}": 0 for n in range(1, 10)}, "u1", "at least one"),
    ("officer from another unit", lambda s: answers(officer_id=s["foreign_officer_id"]), "officer_id", "officer"),
    ("5,000-character suggestion", lambda s: answers(suggestion="x" * 5000), "suggestion", "1000"),
    ("honeypot filled", lambda s: answers(website="http://spam.example"), "website", "automated"),
    ("unknown profile choice", lambda s: answers(education="PhD-99"), "education", "choices"),
]


@pytest.mark.parametrize("name,payload,field,words", REFUSALS, ids=[r[0] for r in REFUSALS])
def test_refusal_has_a_clear_message_and_stores_nothing(app, skm, name, payload, field, words):
    before = count(SurveyResponse)
    response = post_json(app, skm["code"], payload(skm), address="10.9.8.1", language="en")
    assert response.status_code == 400
    assert response.json["field"] == field
    assert words.lower() in response.json["message"].lower()
    assert count(SurveyResponse) == before


def test_refusal_is_in_indonesian_by_default(app, skm):
    response = post_json(app, skm["code"], answers(u3=None), address="10.9.8.2")
    assert response.status_code == 400 and response.json["field"] == "u3"
    assert "Waktu Penyelesaian" in response.json["message"]


@pytest.mark.parametrize("which,status", [("unknown", 404), ("inactive", 404), ("closed", 400)])
def test_unit_or_period_that_takes_no_answers(app, skm, which, status):
    code = {"unknown": "NO-SUCH-UNIT", "inactive": skm["inactive_code"], "closed": skm["closed_code"]}[which]
    before = count(SurveyResponse)
    response = post_json(app, code, answers())
    assert response.status_code == status
    assert response.json["message"]
    assert count(SurveyResponse) == before
    assert app.test_client().get(f"/survey/{code}").status_code in (200, 404)


def test_closed_period_form_says_so(app, skm):
    html = app.test_client().get(f"/survey/{skm['closed_code']}?lang=en").get_data(as_text=True)
    assert "closed" in html and 'name="u1"' not in html


def test_identical_opinions_from_one_device_are_all_counted(app, skm):
    """Two citizens on one phone (or behind one office address) with the same opinion: both count."""
    before = count(SurveyResponse, unit_id=skm["unit_id"])
    for _ in range(3):
        assert post_json(app, skm["code"], answers(u1=1, u5=1), address="10.7.7.7").status_code == 201
    assert count(SurveyResponse, unit_id=skm["unit_id"]) == before + 3


def test_a_replayed_form_is_stored_once(app, skm):
    token = app.test_client().get(f"/api/v1/public/survey/{skm['code']}/form-token").json["form_token"]
    assert post_json(app, skm["code"], answers(), address="10.7.7.9", token=token).status_code == 201
    before = count(SurveyResponse)
    again = post_json(app, skm["code"], answers(u2=4), address="10.7.7.9", token=token)
    assert again.status_code == 409 and again.json["field"] == "duplicate"
    assert count(SurveyResponse) == before


def test_the_html_form_sent_twice_is_stored_once_and_thanks_twice(app, skm):
    client = app.test_client()
    html = client.get(f"/survey/{skm['code']}").get_data(as_text=True)
    data = {"csrf_token": csrf_token(client, f"/survey/{skm['code']}"), "form_token": form_token_of(html),
            **answers()}
    before = count(SurveyResponse)
    first = client.post(f"/survey/{skm['code']}", data=data, environ_base={"REMOTE_ADDR": "10.7.7.10"})
    second = client.post(f"/survey/{skm['code']}", data=data, environ_base={"REMOTE_ADDR": "10.7.7.10"})
    assert first.status_code == second.status_code == 303 and "/thanks" in second.headers["Location"]
    assert count(SurveyResponse) == before + 1


@pytest.mark.parametrize("token", [None, "forged.token.value", "another-unit"], ids=["none", "forged", "other unit"])
def test_a_submission_without_a_valid_form_token_is_refused(app, skm, token):
    if token == "another-unit":
        token = app.test_client().get(f"/api/v1/public/survey/{skm['closed_code']}/form-token").json["form_token"]
    before = count(SurveyResponse)
    response = post_json(app, skm["code"], answers(), address="10.7.7.11", token=token or False, language="en")
    assert response.status_code == 400 and response.json["field"] == "form_token"
    assert "fill it in again" in response.json["message"]
    assert count(SurveyResponse) == before


def test_submissions_are_rate_limited_per_client(app, skm):
    limiter = app.appbuilder.sm.limiter
    limiter.enabled = True
    try:
        limiter.reset()
        statuses = [post_json(app, skm["code"], {}, address="10.6.6.6").status_code for _ in range(35)]
        assert statuses[0] == 400 and statuses[-1] == 429
        assert post_json(app, skm["code"], {}, address="10.6.6.6").json["message"]
        # Another client is not blocked by the first one's flood.
        assert post_json(app, skm["code"], {}, address="10.6.6.7").status_code == 400
    finally:
        limiter.reset()
        limiter.enabled = False


def test_poster_has_an_inline_qr_code(app, skm):
    html = app.test_client().get(f"/survey/{skm['code']}/poster").get_data(as_text=True)
    assert "<svg" in html and f"/survey/{skm['code']}" in html
    assert not re.search(r'<script[^>]+src="(https?:)?//', html)  # nothing from another server (offline)


def test_english_form_shows_english_answer_labels(app, skm):
    client = app.test_client()
    english = client.get(f"/survey/{skm['code']}?lang=en").get_data(as_text=True)
    assert "Very expensive" in english and "Sangat mahal" not in english
    assert "Sangat mahal" in app.test_client().get(f"/survey/{skm['code']}").get_data(as_text=True)
