"""Survey periods are named as Indonesians name them (issue 20): "Triwulan IV 2026", "Semester I 2026",
"2026" — but only when the dates are that part of the year; any other span is named by its dates."""
import datetime as dt

import pytest
from flask_babel import force_locale

from app.formatting import period_name
from app.models.survey import SurveyPeriod


@pytest.mark.parametrize("kind, start, end, name", [
    ("QUARTER", dt.date(2026, 10, 1), dt.date(2026, 12, 31), "Triwulan IV 2026"),
    ("QUARTER", dt.date(2026, 1, 1), dt.date(2026, 3, 31), "Triwulan I 2026"),
    ("SEMESTER", dt.date(2026, 1, 1), dt.date(2026, 6, 30), "Semester I 2026"),
    ("SEMESTER", dt.date(2026, 7, 1), dt.date(2026, 12, 31), "Semester II 2026"),
    ("YEAR", dt.date(2026, 1, 1), dt.date(2026, 12, 31), "2026"),
    # Called a quarter, but not one of the calendar's: its dates, not "Triwulan IV 2026".
    ("QUARTER", dt.date(2026, 11, 2), dt.date(2027, 1, 31), "02-11-2026 – 31-01-2027"),
    ("QUARTER", dt.date(2026, 10, 1), dt.date(2026, 12, 30), "01-10-2026 – 30-12-2026"),
    ("SEMESTER", dt.date(2026, 4, 1), dt.date(2026, 9, 30), "01-04-2026 – 30-09-2026"),
    ("YEAR", dt.date(2026, 7, 1), dt.date(2027, 6, 30), "01-07-2026 – 30-06-2027"),
])
def test_a_period_is_named_by_its_part_of_the_year(app, kind, start, end, name):
    with app.test_request_context(), force_locale("id"):
        assert period_name(kind, start, end) == name
        assert SurveyPeriod(kind=kind, start_date=start, end_date=end).name == name


def test_the_english_names(app):
    with app.test_request_context(), force_locale("en"):
        assert period_name("QUARTER", dt.date(2026, 10, 1), dt.date(2026, 12, 31)) == "Quarter IV 2026"
