"""Inputs take what people type: a decimal comma in every number field, check boxes that may stay unticked,
a refused form that keeps every value, and an evaluation window that must match its kind."""
import html
import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.models import Unit
from app.models.evaluation import Evaluation
from app.models.planning import OrganizationIndicator, WorkPlan, WorkResult
from app.parsing import parse_decimal
from tests.conftest import csrf_token
from tests.english import english_browser
from tests.helpers import database, employee_of, first_id


@pytest.mark.parametrize("typed, number", [
    ("5,5", Decimal("5.5")), ("1.234,5", Decimal("1234.5")), ("5.5", Decimal("5.5")), ("-0,25", Decimal("-0.25")),
    (" 12 ", Decimal("12")), (",5", Decimal("0.5")), ("1 000,75", Decimal("1000.75")),
    ("abc", None), ("1,2,3", None), ("1.2.3", None), ("1e5", None), ("NaN", None), ("", None), ("٣", None),
])
def test_numbers_as_people_write_them(typed, number):
    assert parse_decimal(typed) == number


def form_values(page: str) -> dict:
    """What the browser would send for the page's form as it stands (inputs, ticked boxes, selects)."""
    values = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name, value = re.search(r'name="([^"]*)"', tag), re.search(r'value="([^"]*)"', tag)
        if name is None or ('type="checkbox"' in tag and "checked" not in tag):
            continue
        values[name.group(1)] = html.unescape(value.group(1)) if value else ""
    for name, options in re.findall(r'<select[^>]*name="([^"]*)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option selected value="([^"]*)"|<option value="([^"]*)" selected', options)
        if chosen:
            values[name] = chosen.group(1) or chosen.group(2)
    return values


def edit(client, url, **changes):
    page = client.get(url).get_data(as_text=True)
    values = {**form_values(page), "csrf_token": csrf_token(client, url), **changes}
    return client.post(url, data={name: value for name, value in values.items() if value is not None})


def test_a_decimal_comma_is_saved_and_a_non_number_is_refused_keeping_what_was_typed(as_user):
    client = english_browser(as_user("admin.disdik"))
    indicator_id = first_id(OrganizationIndicator, "DISDIKBUD")
    url = f"/organizationindicatorview/edit/{indicator_id}"
    assert 'inputmode="decimal"' in client.get(url).get_data(as_text=True)

    assert edit(client, url, target="97,25", baseline="1.234,5").status_code == 302
    with database() as session:
        indicator = session.get(OrganizationIndicator, indicator_id)
        assert (indicator.target, indicator.baseline) == (Decimal("97.25"), Decimal("1234.5"))
    assert 'value="97.25"' in client.get(url).get_data(as_text=True)  # English: shown as it is read again

    refused = edit(client, url, target="sembilan puluh", name="Renamed on a refused form")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "Not a number: write it like 5,5." in page
    assert 'value="sembilan puluh"' in page and 'value="Renamed on a refused form"' in page
    with database() as session:
        indicator = session.get(OrganizationIndicator, indicator_id)
        assert indicator.target == Decimal("97.25") and indicator.name != "Renamed on a refused form"


def test_a_save_a_use_case_refuses_answers_400_with_the_reason_and_keeps_the_form(as_user):
    client = english_browser(as_user("pegawai.disdik"))
    employee_id = employee_of("pegawai.disdik")[0]
    with database() as session:
        plan = session.scalar(select(WorkPlan).where(WorkPlan.employee_id == employee_id,
                                                     WorkPlan.status == "approved").order_by(WorkPlan.id))
        result_id, description = plan.results[0].id, plan.results[0].description
    refused = edit(client, f"/workresultview/edit/{result_id}", description="Changed in a locked SKP")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400  # FAB redirected to the list and dropped what was typed
    assert "This SKP is approved and locked" in page and "Changed in a locked SKP" in page
    with database() as session:
        assert session.get(WorkResult, result_id).description == description


def test_an_unticked_box_saves_false(as_user):
    client = as_user("admin.disdik")
    with database() as session:
        unit_id = session.scalar(select(Unit.id).where(Unit.serves_public.is_(True), Unit.code.like("DISDIKBUD%"))
                                 .order_by(Unit.id))
    url = f"/unitview/edit/{unit_id}"
    page = client.get(url).get_data(as_text=True)
    box = re.search(r'<input[^>]*name="serves_public"[^>]*>', page).group(0)
    assert "required" not in box
    assert edit(client, url, serves_public=None).status_code == 302
    with database() as session:
        assert session.get(Unit, unit_id).serves_public is False


def test_an_evaluation_window_longer_than_its_kind_is_refused_and_the_form_keeps_it(as_user):
    client = english_browser(as_user("penilai.disdik"))
    evaluator_id = employee_of("penilai.disdik")[0]
    with database() as session:
        plan_id = session.scalar(select(WorkPlan.id).where(WorkPlan.evaluator_id == evaluator_id,
                                                           WorkPlan.status == "approved").order_by(WorkPlan.id))
        before = session.scalar(select(func.count()).select_from(Evaluation))
    token = csrf_token(client, "/evaluationview/new")
    refused = client.post("/evaluationview/new", data={
        "csrf_token": token, "work_plan_id": str(plan_id), "kind": "MONTHLY", "window_start": "2026-01-01",
        "window_end": "2026-12-31"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "A monthly evaluation covers one calendar month" in page
    assert '<option value="MONTHLY" selected>' in page
    assert 'value="2026-01-01"' in page and 'value="2026-12-31"' in page
    assert f'<option value="{plan_id}" selected>' in page
    annual = client.post("/evaluationview/new", data={
        "csrf_token": token, "work_plan_id": str(plan_id), "kind": "ANNUAL", "window_start": "2025-07-01",
        "window_end": "2026-06-30"}).get_data(as_text=True)
    assert '<option value="ANNUAL" selected>' in annual  # not reset to the first kind
    with database() as session:
        assert session.scalar(select(func.count()).select_from(Evaluation)) == before
