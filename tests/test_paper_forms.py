"""Paper questionnaires: the unit's staff type them in one screen per form, or import a batch from CSV
(preview, then one transaction); skipped answers count as RULES §8 says, and the IKM of 100 forms is
the one computed by hand."""
import datetime as dt
import io
import random
import re
from decimal import Decimal
from fractions import Fraction

import pytest
from sqlalchemy import select

from app.models.survey import SurveyResponse
from app.services import survey, survey_paper
from tests.conftest import csrf_token
from tests.helpers import count, database

TODAY = dt.date.today()
CODES = [f"U{number}" for number in range(1, 10)]


def _forms(number=100, seed=17):
    """100 forms with about one answer in eight left blank, dated over the last four weeks."""
    generator = random.Random(seed)
    forms = []
    for index in range(number):
        answers = {code: generator.choice((1, 2, 3, 3, 4, 4)) for code in CODES}
        for code in CODES:
            if generator.random() < 0.12:
                answers[code] = None
        if all(answer is None for answer in answers.values()):
            answers["U1"] = 3
        forms.append({"number": f"KRT-{index + 1:03d}", "date": TODAY - dt.timedelta(days=generator.randrange(28)),
                      "answers": answers, "sex": generator.choice(("L", "P", "")), "age": generator.choice(("", "34", "61"))})
    return forms


def _csv(forms, extra_rows=()):
    lines = ["Nomor;Tanggal;" + ";".join(CODES) + ";Jenis Kelamin;Umur;Saran"]
    for form in forms:
        cells = ["" if form["answers"][code] is None else str(form["answers"][code]) for code in CODES]
        lines.append(";".join([form["number"], form["date"].strftime("%d-%m-%Y"), *cells, form["sex"], form["age"],
                               ""]))
    lines += extra_rows
    return ("\n".join(lines) + "\n").encode("utf-8-sig")


def _by_hand(forms):
    """NRR_u = Σ answers_u / respondents who answered u; IKM = Σ NRR_u / 9; value = IKM × 25 (RULES §8)."""
    nrr = {}
    for code in CODES:
        given = [form["answers"][code] for form in forms if form["answers"][code] is not None]
        nrr[code] = Fraction(sum(given), len(given))
    value = sum(nrr.values(), Fraction(0)) / 9 * 25
    return nrr, Decimal(value.numerator) / Decimal(value.denominator)


def _upload(client, unit_id, data, name="kuesioner.csv"):
    url = f"/paper-survey/unit/{unit_id}/import"
    return client.post(url, data={"csrf_token": csrf_token(client, url), "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_a_batch_of_100_paper_forms_gives_the_ikm_computed_by_hand(app, as_user, skm):
    forms = _forms()
    bad = [f"KRT-900;{TODAY:%d-%m-%Y};4;4;4;5;4;4;4;4;4;;;",           # U4 = 5: rejected, the rest goes in
           f"KRT-001;{TODAY:%d-%m-%Y};4;4;4;4;4;4;4;4;4;;;"]           # the number of row 2 again
    client = as_user("admin.dinkes")
    uploaded = _upload(client, skm["paper_unit_id"], _csv(forms, bad))
    assert uploaded.status_code == 302, uploaded.get_data(as_text=True)
    preview = client.get(uploaded.headers["Location"]).get_data(as_text=True)
    assert re.search(r'id="count-enter">[^<]*: 100<', preview) and re.search(r'id="count-rejected">[^<]*: 2<', preview)
    assert count(SurveyResponse, unit_id=skm["paper_unit_id"]) == 0  # the preview writes nothing
    token = uploaded.headers["Location"].rsplit("/", 1)[1]
    confirmed = client.post(f"/paper-survey/batch/{token}/confirm",
                            data={"csrf_token": csrf_token(client, uploaded.headers["Location"])})
    assert confirmed.status_code == 302
    assert count(SurveyResponse, unit_id=skm["paper_unit_id"], channel="paper") == 100

    nrr, value = _by_hand(forms)
    with app.app_context():
        report = survey.unit_ikm_report(skm["paper_unit_id"], skm["periods"]["paper"])
    figures = report.figures
    assert figures.respondents == 100 and report.channels == {"web": 0, "kiosk": 0, "paper": 100}
    scores = {score.element.code: score for score in figures.result.elements}
    assert any(score.respondents < 100 for score in scores.values())  # skipped answers are not counted
    for code in CODES:
        assert Fraction(scores[code].answers_sum, scores[code].respondents) == nrr[code]
    assert figures.value == value
    page = client.get(f"/ikm/unit/{skm['paper_unit_id']}/{skm['periods']['paper']}").get_data(as_text=True)
    shown = f"{value.quantize(Decimal('0.01'), 'ROUND_HALF_UP')}".replace(".", ",")
    assert f'id="ikm-value">{shown}<' in page

    # The same file again: every form is entered already, nothing is added.
    again = _upload(client, skm["paper_unit_id"], _csv(forms))
    assert re.search(r'id="count-entered">[^<]*: 100<', client.get(again.headers["Location"]).get_data(as_text=True))
    with database() as session:
        stored = session.scalars(select(SurveyResponse).where(SurveyResponse.paper_number == "KRT-001")).one()
        assert stored.paper_date == forms[0]["date"] and stored.client_hash is None


def test_a_failing_batch_writes_nothing(app, skm, monkeypatch):
    forms = _forms(5, seed=3)
    for form in forms:
        form["number"] = form["number"].replace("KRT", "GAGAL")
    before = count(SurveyResponse, unit_id=skm["paper_unit_id"])
    with app.app_context():  # the system acts: no request, no user
        token, plan = survey_paper.preview_batch(skm["paper_unit_id"], _csv(forms), "gagal.csv")
        assert plan.counts["enter"] == 5

        def broken_audit(*_args):
            raise RuntimeError("disk full")
        monkeypatch.setattr(survey_paper, "append_entries", broken_audit)
        with pytest.raises(RuntimeError):
            survey_paper.confirm_batch(token)
    assert count(SurveyResponse, unit_id=skm["paper_unit_id"]) == before


def test_a_file_without_the_element_columns_is_refused(as_user, skm):
    client = as_user("admin.dinkes")
    response = _upload(client, skm["paper_unit_id"], b"Nomor;Tanggal;U1\nA-1;01-12-2026;4\n")
    assert response.status_code == 400 and "U2" in response.get_data(as_text=True)


def _entry(client, unit_id, **values):
    url = f"/paper-survey/unit/{unit_id}"
    data = {"csrf_token": csrf_token(client, "/paper-survey/"), "number": "KB-017", "date": TODAY.isoformat(),
            **{code.lower(): "3" for code in CODES}, **values}
    return client.post(url, data=data)


def test_one_form_at_a_time_from_the_keyboard(as_user, skm):
    client = as_user("admin.dinkes")
    page = client.get(f"/paper-survey/unit/{skm['unit_id']}").get_data(as_text=True)
    assert 'inputmode="numeric"' in page and "survey/paper_entry.js" in page and "nonce=" in page
    before = count(SurveyResponse, unit_id=skm["unit_id"], channel="paper")
    saved = _entry(client, skm["unit_id"], u3="", u7="0", sex="P", age="34", suggestion="Formulir kertas.")
    html = saved.get_data(as_text=True)
    assert saved.status_code == 200 and 'id="saved"' in html
    assert 'value="KB-018"' in html  # the next form's number is filled in
    assert count(SurveyResponse, unit_id=skm["unit_id"], channel="paper") == before + 1
    with database() as session:
        stored = session.scalars(select(SurveyResponse).where(SurveyResponse.paper_number == "KB-017")).one()
        assert (stored.u3, stored.u7, stored.u1, stored.sex, stored.age_band) == (None, None, 3, "F", "30-39")
        assert stored.paper_date == TODAY and stored.channel == "paper"

    again = _entry(client, skm["unit_id"])
    assert again.status_code == 400 and "KB-017" in again.get_data(as_text=True)
    wrong = _entry(client, skm["unit_id"], number="KB-099", u2="7")
    assert wrong.status_code == 400 and 'has-error' in wrong.get_data(as_text=True)
    outside = _entry(client, skm["unit_id"], number="KB-100", date="2020-01-06")
    assert outside.status_code == 400
    assert count(SurveyResponse, unit_id=skm["unit_id"], channel="paper") == before + 1


def test_paper_forms_of_another_agency_cannot_be_entered(as_user, skm):
    client = as_user("admin.disdik")
    assert client.get(f"/paper-survey/unit/{skm['unit_id']}").status_code == 404
    assert _entry(client, skm["unit_id"], number="X-1").status_code == 404
    assert count(SurveyResponse, paper_number="X-1") == 0
