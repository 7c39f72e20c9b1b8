"""Each unit's survey tally per month (issue 21) stays equal to the responses counted the long way after every
path that writes responses: the public form's JSON submission, a paper form typed in, a batch of paper forms,
HR excluding and including responses, and scripts through the session (a bulk insert, a bulk update, a bulk
delete, an attribute changed on a loaded response). A response sent at 00:30 WITA on 1 February counts in
February, though it is still January in UTC. The leaders' home IKM per unit and the recognition ranking read
the tally and give what the responses give, within the scope."""
import datetime as dt

import flask
import pytest
from sqlalchemy import delete, insert, or_, select, update

from app.models.security import UserAccount
from app.models.survey import ANSWER_COLUMNS, SurveyMonthTotal, SurveyResponse
from app.security.scope import current_scope, read_filter
from app.services import home, local_time, recognition, survey, survey_totals
from tests.conftest import csrf_token
from tests.helpers import database
from tests.test_paper_forms import _entry, _upload
from tests.test_survey_public import answers, post_json

COUNTS = ("respondents",) + tuple(f"{column}_{part}" for column in ANSWER_COLUMNS for part in ("sum", "count"))


def the_long_way(session) -> dict:
    """Per (agency, unit, month WITA) the included responses' counts, from the responses themselves."""
    zone = local_time.zone()
    totals = {}
    for row in session.execute(select(SurveyResponse.__table__).where(SurveyResponse.excluded.is_(False))):
        local = row.submitted_at.replace(tzinfo=dt.timezone.utc).astimezone(zone).date()
        counts = totals.setdefault((row.agency_id, row.unit_id, local.replace(day=1)), [0] * len(COUNTS))
        counts[0] += 1
        for index, column in enumerate(ANSWER_COLUMNS):
            answer = getattr(row, column)
            counts[1 + 2 * index] += answer or 0
            counts[2 + 2 * index] += answer is not None
    return {key: counts for key, counts in totals.items()}


def kept(session) -> dict:
    return {(row.agency_id, row.unit_id, row.month): [getattr(row, name) for name in COUNTS]
            for row in session.scalars(select(SurveyMonthTotal)) if row.respondents}


def assert_exact(step: str):
    with database() as session:
        assert kept(session) == the_long_way(session), step


def test_every_write_keeps_the_tally_equal_to_the_long_way(app, as_user, skm):
    assert_exact("before")

    sent = post_json(app, skm["code"], {"answers": {**{f"U{n}": n % 4 + 1 for n in range(1, 10)}, "U3": None}},
                     address="10.44.0.1")
    assert sent.status_code == 201, sent.get_data(as_text=True)
    assert_exact("the public form's JSON submission (a Core INSERT)")

    admin = as_user("admin.dinkes")
    saved = _entry(admin, skm["unit_id"], number="TOT-001", u2="", u5="1")
    assert saved.status_code == 200 and 'id="saved"' in saved.get_data(as_text=True)
    assert_exact("a paper form typed in")

    forms = "\n".join(f"TOT-1{index:02d};{dt.date.today():%d-%m-%Y};4;3;2;1;4;3;2;1;{index % 4 + 1};;;"
                      for index in range(5))
    header = "Nomor;Tanggal;U1;U2;U3;U4;U5;U6;U7;U8;U9;Jenis kelamin;Usia;Saran\n"
    uploaded = _upload(admin, skm["paper_unit_id"], (header + forms).encode())
    assert uploaded.status_code == 302, uploaded.get_data(as_text=True)
    token = uploaded.headers["Location"].rsplit("/", 1)[1]
    confirmed = admin.post(f"/paper-survey/batch/{token}/confirm",
                           data={"csrf_token": csrf_token(admin, uploaded.headers["Location"])})
    assert confirmed.status_code == 302
    assert_exact("a batch of paper forms")

    with database() as session:
        targets = session.scalars(select(SurveyResponse.id).where(SurveyResponse.paper_number.like("TOT-1%"))
                                  .order_by(SurveyResponse.id)).all()[:2]
    hr = as_user("hr.bkpsdm")
    url = f"/surveyresponseview/exclude?ids={targets[0]}"
    hr.post("/surveyresponseview/exclude", data={"csrf_token": csrf_token(hr, url),
                                                 "ids": ",".join(map(str, targets)), "reason": "Uji penghitungan"})
    with database() as session:
        assert all(session.get(SurveyResponse, target).excluded for target in targets)
    assert_exact("two responses excluded by HR")
    hr.post("/surveyresponseview/action_post", data={"csrf_token": csrf_token(hr, url), "action": "include",
                                                     "rowid": [str(targets[0])]})
    assert_exact("one included again")

    # Scripts through the session. 1 February 00:30 WITA is 31 January 16:30 UTC: it counts in February.
    with database() as session:
        period = session.get(survey.SurveyPeriod, skm["periods"]["history"])
        february = (period.agency_id, period.unit_id, dt.date(2025, 2, 1))
        scripted = session.scalars(insert(SurveyResponse).returning(SurveyResponse.id), [
            {**answers(), "agency_id": period.agency_id, "unit_id": period.unit_id, "period_id": period.id,
             "client_hash": f"script-{index}", "submitted_at": moment}
            for index, moment in enumerate((dt.datetime(2025, 1, 31, 16, 30), dt.datetime(2025, 1, 31, 15, 59)))
        ]).all()
        session.commit()
    assert_exact("a bulk insert through the session")
    with database() as session:
        assert session.get(SurveyMonthTotal, february).respondents >= 1
        session.execute(update(SurveyResponse).where(SurveyResponse.id == scripted[0]).values(u1=1, u9=None))
        session.commit()
    assert_exact("a bulk update through the session")
    with database() as session:
        loaded = session.get(SurveyResponse, scripted[1])
        session.expire(loaded)
        loaded.submitted_at = dt.datetime(2025, 3, 2, 1, 0)
        loaded.u4 = 2
        session.commit()
    assert_exact("an expired response changed through the ORM")
    # The bulk delete takes away everything this test added, so that the paper-form tests find their unit empty.
    with database() as session:
        session.execute(delete(SurveyResponse).where(or_(
            SurveyResponse.id.in_([*scripted, sent.json["id"]]), SurveyResponse.paper_number.like("TOT-%"))))
        session.commit()
    assert_exact("a bulk delete through the session")

    with database() as session:
        before = kept(session)
        survey_totals.rebuild(session.connection())
        assert kept(session) == before, "the rebuild recounts what the writes kept"
        session.rollback()


def test_an_insert_whose_rows_the_tally_cannot_see_is_refused(app, skm):
    with database() as session:
        period = session.get(survey.SurveyPeriod, skm["periods"]["history"])
        with pytest.raises(ValueError, match="INSERT into survey_response through the session needs its rows"):
            session.execute(insert(SurveyResponse).values(
                **answers(), agency_id=period.agency_id, unit_id=period.unit_id, period_id=period.id))
        session.rollback()
    with pytest.raises(ValueError, match="whole months"):
        with app.app_context():
            survey_totals.month_tallies(SurveyMonthTotal.unit_id, dt.date(2026, 1, 2), dt.date(2026, 12, 31))


@pytest.mark.parametrize("username", ["sekda", "kadis.dinkes", "admin.disdik"])
def test_the_home_ikm_and_the_ranking_equal_what_the_responses_give(app, skm, username):
    with app.test_request_context(), database() as session:
        year = local_time.today().year
        flask.g.user = session.scalar(select(UserAccount).where(UserAccount.username == username))
        scope = current_scope()
        responses = read_filter(SurveyResponse, scope)
        counted = survey.tallies(SurveyResponse.unit_id,
                                 SurveyResponse.submitted_at >= local_time.utc_at_local_midnight(dt.date(year, 1, 1)),
                                 *([responses] if responses is not None else []))
        expected = sorted(((unit_id, figures.value) for unit_id, figures in
                           ((unit_id, survey.IkmFigures.of(tally)) for unit_id, tally in counted.items())
                           if figures.value is not None), key=lambda row: row[1])[:home.IKM_UNITS_SHOWN]
        shown = home.leader_home(scope, local_time.today()).ikm_units
        assert [(row["id"], row["value"]) for row in shown] == expected
        assert expected or username == "admin.disdik", "the demo has responses this year"
        ranked = recognition.unit_ranking(dt.date(year, 1, 1), dt.date(year, 12, 31))
        for unit, figures in ranked:
            assert figures.value == survey.IkmFigures.of(counted[unit.id]).value
