"""An employee's own days of the month ("Hari kerja saya"): a day still to come is not listed, nor today while
nothing is recorded for it, so a day never reads "absent without reason" before it is over (tests/test_tpp.py:
today is listed once the arrival is in)."""
import datetime as dt

from flask import g

from app.services import tpp


def test_the_current_month_lists_the_working_days_over_and_not_today_without_a_mark(app, monkeypatch):
    wednesday = dt.date(2026, 12, 2)
    monkeypatch.setattr(tpp, "today", lambda: wednesday)
    with app.test_request_context():
        g.user = app.appbuilder.sm.find_user(username="pegawai.disdik")
        days = tpp.days_of(None, 2026, 12)
        whole_november = tpp.days_of(None, 2026, 11)
    assert [day.day for day in days] == [dt.date(2026, 12, 1)]  # the demo has no mark on Wednesday
    assert len(whole_november) == 21   # 21 weekdays, no holiday in the demo calendar for November 2026
