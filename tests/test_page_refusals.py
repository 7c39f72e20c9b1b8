"""The pages that run a use-case on a POST share one helper (app.views.base.AttemptsUseCases) and keep their own
statuses: an allowance page answers 403 outside the user's agencies, 409 when someone else came first and 400 for
a rule; a dialogue page 409 or 400, and shows a refusal of a stale save with what changed."""
import datetime as dt

import pytest

from app.domain.messages import DomainError
from app.models.attendance import AttendanceOutage
from app.security.guards import OutOfScope
from app.services.transaction import ConcurrentChange
from app.views.allowance import AllowanceView
from app.views.dialogue import DialogueView
from tests.conftest import csrf_token
from tests.helpers import count


def refused_with(error):
    def work():
        raise error
    return work


@pytest.mark.parametrize("view, error, status", [
    (AllowanceView, OutOfScope("Not your agency."), 403),
    (AllowanceView, ConcurrentChange("Someone else first."), 409),
    (AllowanceView, DomainError("A rule."), 400),
    (DialogueView, OutOfScope("Not your agency."), 400),
    (DialogueView, ConcurrentChange("Someone else first."), 409),
    (DialogueView, DomainError("A rule."), 400),
])
def test_a_refused_use_case_shows_the_page_again_with_the_views_status(app, view, error, status):
    with app.test_request_context("/", method="POST"):
        answer = view.__new__(view)._attempt(refused_with(error), "Saved.", "/back", lambda: "the page again")
    assert answer == ("the page again", status)


def test_a_use_case_that_succeeds_is_said_and_sends_the_person_on(app):
    from flask import get_flashed_messages

    with app.test_request_context("/", method="POST"):
        answer = AllowanceView.__new__(AllowanceView)._attempt(
            lambda: 7, lambda result: f"Version {result}.", lambda result: f"/calculation/{result}", lambda: "page")
        assert answer.status_code == 302 and answer.location == "/calculation/7"
        assert get_flashed_messages() == ["Version 7."]


def test_an_agency_admin_who_declares_an_outage_is_refused_403_and_nothing_is_written(as_user):
    """Outages are HR's (reference data): an Agency Admin's declaration is outside what they manage."""
    employee = as_user("admin.disdik")
    before = count(AttendanceOutage)
    refused = employee.post("/allowance/outage", data={
        "starts_on": dt.date(2026, 4, 6).isoformat(), "ends_on": dt.date(2026, 4, 7).isoformat(),
        "reason": "Mesin rusak", "csrf_token": csrf_token(employee, "/allowance/")})
    assert refused.status_code == 403
    assert count(AttendanceOutage) == before
