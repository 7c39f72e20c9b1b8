"""A training completion entered as the duration a certificate states ("270 menit", issue 20): its JP come
from the minutes-per-JP policy of the completion's year, stay exact, and follow that policy when HR Admin
changes it for an open year (the 20-JP compliance with them); a closed year never changes; bad input is
refused with its reason and nothing is written."""
import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import delete, select

from app.domain.messages import DomainError
from app.domain.training import jp_from_minutes, training_minutes
from app.models import TrainingKind
from app.models.policy import PolicySetting
from app.models.training import TrainingParticipation, TrainingProgramme
from tests.conftest import csrf_token
from tests.english import InEnglish, english_browser
from tests.helpers import agency_id, count, database, employee_of

OPEN_YEAR = 2035  # no performance period of the demo or another test starts then: open
CLOSED_YEAR = 2025  # the demo's closed performance year


def _programme(session, code, year):
    kind = session.scalar(select(TrainingKind).where(TrainingKind.code == "BIMBINGAN_TEKNIS"))
    programme = TrainingProgramme(code=code, name=f"Bimtek Menit {year}", kind=kind, organiser="BKPSDM",
                                  start_date=dt.date(year, 3, 2), end_date=dt.date(year, 3, 4), jp=Decimal(24))
    session.add(programme)
    return programme


@pytest.fixture()
def programmes():
    """A programme of the open year and one of the closed year; removed afterwards with their participation
    and every policy setting."""
    with database() as session:
        ids = {year: _programme(session, f"TEST-MENIT-{year}", year) for year in (OPEN_YEAR, CLOSED_YEAR)}
        session.commit()
        ids = {year: programme.id for year, programme in ids.items()}
    yield ids
    with database() as session:
        session.execute(delete(TrainingParticipation).where(TrainingParticipation.programme_id.in_(ids.values())))
        session.execute(delete(TrainingProgramme).where(TrainingProgramme.id.in_(ids.values())))
        session.execute(delete(PolicySetting))
        session.commit()


def _record(hr, programme_id, username, **body):
    client, headers = hr
    _id, nip, _position = employee_of(username)
    completed = {"status": "completed", "certificate_number": f"MENIT/{nip[-4:]}", **body}
    return client.post(f"/api/v1/training/programme/{programme_id}/participation", headers=headers,
                       json={"nip": nip, **completed})


def _jp(programme_id, username):
    with database() as session:
        return session.scalar(select(TrainingParticipation.jp_earned).where(
            TrainingParticipation.programme_id == programme_id,
            TrainingParticipation.employee_id == employee_of(username)[0]))


def _compliant_in_dinkes(hr, year):
    client, headers = hr
    rows = client.get(f"/api/v1/training/compliance?year={year}", headers=headers).json["result"]
    return next(row["compliant"] for row in rows if row["agency"]["id"] == agency_id("DINKES"))


def _set_minutes_per_jp(hr, value, effective_from):
    client, headers = hr
    return client.post("/api/v1/policysetting/", headers=headers, json={
        "key": "minutes_per_jp", "value": value, "effective_from": effective_from, "reason": "Perbup uji"})


@pytest.fixture()
def hr(api_as):
    client, headers = api_as("hr.bkpsdm")
    return InEnglish(client), headers


def test_a_duration_becomes_exact_jp_with_the_policy():
    assert jp_from_minutes(training_minutes("270")) == Decimal("6.00")
    assert jp_from_minutes(training_minutes(270), minutes_per_jp=60) == Decimal("4.50")
    assert jp_from_minutes(training_minutes("100"), minutes_per_jp=45) == Decimal("2.22")  # cut, never rounded up


def test_minutes_follow_the_policy_of_an_open_year_and_the_compliance_with_them(hr, programmes):
    programme = programmes[OPEN_YEAR]
    compliant_before = _compliant_in_dinkes(hr, OPEN_YEAR)
    answer = _record(hr, programme, "pegawai.disdik", completed_on=f"{OPEN_YEAR}-03-04", minutes=270)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.json["result"]["jp_earned"] == 6 and answer.json["result"]["minutes"] == 270
    # 900 minutes are exactly 20 JP at 45 minutes: pegawai.dinkes reaches the yearly minimum.
    assert _record(hr, programme, "pegawai.dinkes", completed_on=f"{OPEN_YEAR}-03-04",
                   minutes="900").status_code == 200
    assert _jp(programme, "pegawai.dinkes") == Decimal(20)
    assert _compliant_in_dinkes(hr, OPEN_YEAR) == compliant_before + 1

    assert _set_minutes_per_jp(hr, "60", f"{OPEN_YEAR}-01-01").status_code == 201
    assert _jp(programme, "pegawai.disdik") == Decimal("4.5")
    assert _jp(programme, "pegawai.dinkes") == Decimal(15)
    assert _compliant_in_dinkes(hr, OPEN_YEAR) == compliant_before
    client, headers = hr
    _id, nip, _position = employee_of("pegawai.dinkes")
    below = client.get(f"/api/v1/training/compliance?year={OPEN_YEAR}", headers=headers).json["result"]
    person = next(b for row in below for b in row["below"] if b["nip"] == nip)
    assert person["jp"] == 15 and person["missing"] == 5

    # Removing the setting brings the regulation's 45 minutes back.
    with database() as session:
        setting_id = session.scalar(select(PolicySetting.id).where(PolicySetting.key == "minutes_per_jp"))
    assert client.delete(f"/api/v1/policysetting/{setting_id}", headers=headers).status_code == 200
    assert _jp(programme, "pegawai.disdik") == Decimal(6) and _jp(programme, "pegawai.dinkes") == Decimal(20)


def test_a_record_entered_in_jp_keeps_its_jp(hr, programmes):
    programme = programmes[OPEN_YEAR]
    assert _record(hr, programme, "pegawai.disdik", completed_on=f"{OPEN_YEAR}-03-04",
                   jp_earned="7.5").status_code == 200
    assert _set_minutes_per_jp(hr, "60", f"{OPEN_YEAR}-01-01").status_code == 201
    assert _jp(programme, "pegawai.disdik") == Decimal("7.5")


def test_a_closed_year_keeps_its_jp(app, hr, programmes):
    from app.services.policy import PolicyBook
    from app.services.training import follow_minutes_per_jp

    closed = programmes[CLOSED_YEAR]
    assert _record(hr, closed, "pegawai.dinkes", completed_on=f"{CLOSED_YEAR}-03-04",
                   minutes=270).status_code == 200
    refused = _set_minutes_per_jp(hr, "60", f"{CLOSED_YEAR}-01-01")
    assert refused.status_code == 400 and "closed period" in refused.json["message"]
    assert _set_minutes_per_jp(hr, "60", f"{OPEN_YEAR}-01-01").status_code == 201
    assert _jp(closed, "pegawai.dinkes") == Decimal(6)
    # Even a book of settings that would reach it leaves the closed year as it was computed.
    with app.app_context():
        from app.extensions import db

        book = PolicyBook()
        book.settings["minutes_per_jp"] = [(dt.date(CLOSED_YEAR - 1, 1, 1), "60")]
        follow_minutes_per_jp(book)
        db.session.commit()
    assert _jp(closed, "pegawai.dinkes") == Decimal(6)


@pytest.mark.parametrize("body, message", [
    ({"minutes": -270}, "duration cannot be negative"),
    ({"minutes": "270 menit"}, "270 menit is not a number"),
    ({"minutes": 0}, "longer than zero minutes"),
    ({"minutes": "12.5"}, "whole minutes"),
    ({"minutes": 270, "jp_earned": 6}, "not both"),
    ({"minutes": 100_000}, "at most 99999 minutes"),
], ids=["negative", "text", "zero", "part of a minute", "both", "too long"])
def test_bad_durations_are_refused_and_nothing_is_written(hr, programmes, body, message):
    answer = _record(hr, programmes[OPEN_YEAR], "pegawai.dinkes", completed_on=f"{OPEN_YEAR}-03-04", **body)
    assert answer.status_code == 400 and message in answer.json["message"]
    assert count(TrainingParticipation, programme_id=programmes[OPEN_YEAR]) == 0


def test_neither_jp_nor_minutes_takes_the_programmes_jp(hr, programmes):
    assert _record(hr, programmes[OPEN_YEAR], "pegawai.dinkes", completed_on=f"{OPEN_YEAR}-03-04").status_code == 200
    assert _jp(programmes[OPEN_YEAR], "pegawai.dinkes") == Decimal(24)


def test_the_form_takes_minutes_and_says_what_is_wrong(as_user, programmes):
    programme = programmes[OPEN_YEAR]
    browser = english_browser(as_user("hr.bkpsdm"))
    _id, nip, _position = employee_of("pegawai.dinkes")
    form = {"nip": nip, "status": "completed", "completed_on": f"{OPEN_YEAR}-03-04", "certificate_number": "F/1"}
    page = browser.post(f"/training/programme/{programme}/record", follow_redirects=True, data={
        "csrf_token": csrf_token(browser, f"/training/programme/{programme}"), **form, "minutes": "-45"})
    assert "The duration cannot be negative" in page.get_data(as_text=True)
    assert count(TrainingParticipation, programme_id=programme) == 0
    page = browser.post(f"/training/programme/{programme}/record", follow_redirects=True, data={
        "csrf_token": csrf_token(browser, f"/training/programme/{programme}"), **form, "minutes": "270"})
    assert "270 minutes" in page.get_data(as_text=True)
    assert _jp(programme, "pegawai.dinkes") == Decimal(6)


def test_the_domain_names_each_bad_duration():
    for value in ("-1", "abc", "0", "1.5", "100000"):
        with pytest.raises(DomainError):
            training_minutes(value)
