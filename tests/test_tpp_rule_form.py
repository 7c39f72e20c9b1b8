"""The year's TPP rule set as a form HR fills in (issue 23): numbers as Indonesians type them, a message at each
wrong field, 400 and nothing written on bad input, the typed values kept; REST keeps its JSON body."""
import pytest
from sqlalchemy import delete, select

from app.models.tpp import TppRuleSet
from app.services import tpp
from tests.conftest import csrf_token
from tests.helpers import count, database

HR, AGENCY_ADMIN = "hr.bkpsdm", "admin.disdik"
YEAR = 2031                     # a year no other test gives a rule set
PAGE = f"/allowance/admin?month={YEAR}-01"


def filled_form(**changes) -> dict:
    """The page's fields as an HR officer types the common regional rules."""
    form = {
        "year": str(YEAR), "month": f"{YEAR}-01", "reason": "Perbup Bulungan Nomor 12 Tahun 2031",
        "performance_percent": "60", "discipline_percent": "40", "measure": "activity",
        "activity_minutes_per_day": "300", "starts": "07:30", "ends": "16:00", "friday_ends": "16:30",
        "predikat_1": "100", "predikat_2": "100", "predikat_3": "80", "predikat_4": "60", "predikat_5": "40",
        "base_kind": ["PELAKSANA", "PELAKSANA", "AHLI_PERTAMA", ""], "base_rank": ["", "III/a", "", ""],
        "base_amount": ["1.500.000", "Rp 1.750.000", "3.000.000", ""],
        "late_first": ["1", "31", "61", ""], "late_last": ["30", "60", "", ""],
        "late_percent": ["0,5", "1", "1,25", ""],
        "early_first": ["1", ""], "early_last": ["", ""], "early_percent": ["1,5", ""],
        "absent_percent": "2,5", "missing_in_percent": "1,5", "missing_out_percent": "1.5",
        "leave_SAKIT": "0,5", "discipline_cap_percent": "100", "cutoff_day": "5",
        "hold_without_approved_skp": "1",
    }
    form.update(changes)
    return form


@pytest.fixture()
def clean_year():
    yield
    with database() as session:
        session.execute(delete(TppRuleSet).where(TppRuleSet.year == YEAR))
        session.commit()


def post(browser, **changes):
    return browser.post("/allowance/rules", data={**filled_form(**changes), "csrf_token": csrf_token(browser, PAGE)})


def test_the_page_shows_the_rules_as_fields_in_indonesian_writing(as_user):
    text = as_user(HR).get(PAGE).get_data(as_text=True)
    assert 'name="rules"' not in text                               # no JSON text area any more
    assert 'name="base_amount" value="2.500.000"' in text           # the defaults, thousands with dots
    assert 'name="late_percent" value="0,5"' in text and 'name="late_last" value=""' in text
    assert 'value="PELAKSANA" selected' in text


def test_hr_saves_what_an_indonesian_types_as_the_next_version(as_user, clean_year):
    answer = post(as_user(HR))
    assert answer.status_code == 302, answer.get_data(as_text=True)
    with database() as session:
        [saved] = session.scalars(select(TppRuleSet).where(TppRuleSet.year == YEAR)).all()
        data, version, reason = saved.data, saved.version, saved.reason
    assert version == 1 and reason.startswith("Perbup Bulungan")
    assert data["base_amounts"] == [{"position_kind": "PELAKSANA", "rank": None, "amount": 1_500_000},
                                    {"position_kind": "PELAKSANA", "rank": "III/a", "amount": 1_750_000},
                                    {"position_kind": "AHLI_PERTAMA", "rank": None, "amount": 3_000_000}]
    assert data["late_tiers"] == [[1, 30, "0.5"], [31, 60, "1"], [61, None, "1.25"]]
    assert data["early_tiers"] == [[1, None, "1.5"]]
    assert (data["absent_percent"], data["missing_out_percent"], data["leave_percent"]) == ("2.5", "1.5",
                                                                                           {"SAKIT": "0.5"})
    assert data["hold_without_approved_skp"] is True and data["cutoff_day"] == 5
    rules = tpp.parse_rules(data)
    assert rules.absent_percent == 2.5 and rules.late_tiers[2].last is None
    shown = as_user(HR).get(PAGE).get_data(as_text=True)
    assert 'value="1.750.000"' in shown and 'value="III/a" selected' in shown


@pytest.mark.parametrize("changes, field", [
    ({"base_amount": ["1.500.000", "satu juta", "3.000.000", ""]}, "base_amounts"),
    ({"base_amount": ["1,5", "1.750.000", "3.000.000", ""]}, "base_amounts"),      # not whole rupiah
    ({"absent_percent": "tiga"}, "absent_percent"),
    ({"performance_percent": "70"}, "discipline_percent"),                        # 70 + 40 is not 100
    ({"late_first": ["1", "35", "61", ""]}, "late_tiers"),                         # a gap after minute 30
    ({"late_last": ["30", "60", "90", ""]}, "late_tiers"),                         # no open-ended last tier
    ({"cutoff_day": "31"}, "cutoff_day"),
    ({"discipline_cap_percent": "150"}, "discipline_cap_percent"),
    ({"starts": "tujuh"}, "schedule"),
    ({"reason": "  "}, "reason"),
])
def test_bad_input_answers_400_with_the_message_at_its_field_and_writes_nothing(as_user, clean_year, changes,
                                                                                field):
    before = count(TppRuleSet)
    answer = post(as_user(HR), **changes)
    text = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert f'id="problem-{field}"' in text
    assert count(TppRuleSet) == before
    typed = next(value for value in changes.values())
    for value in typed if isinstance(typed, list) else [typed]:
        if value.strip():
            assert f'value="{value}"' in text                       # what was typed is still there


def test_every_wrong_field_is_named_at_once(as_user, clean_year):
    text = post(as_user(HR), absent_percent="tiga", cutoff_day="lima",
                base_amount=["x", "1.750.000", "3.000.000", ""]).get_data(as_text=True)
    assert all(f'id="problem-{field}"' in text for field in ("absent_percent", "cutoff_day", "base_amounts"))


def test_an_agency_admin_cannot_save_a_rule_set(as_user, clean_year):
    answer = post(as_user(AGENCY_ADMIN))
    assert answer.status_code == 403
    assert count(TppRuleSet, year=YEAR) == 0


def test_rest_keeps_its_json_body(api_as, clean_year):
    client, headers = api_as(HR)
    refused = client.post(f"/api/v1/allowance/rules/{YEAR}?_l_=id", headers=headers,
                          json={"rules": {**tpp.DEMO_RULES, "cutoff_day": 40}, "reason": "Perbup"})
    assert refused.status_code == 400 and refused.json["message"]
    assert count(TppRuleSet, year=YEAR) == 0
    saved = client.post(f"/api/v1/allowance/rules/{YEAR}", headers=headers,
                        json={"rules": tpp.DEMO_RULES, "reason": "Perbup"})
    assert saved.status_code == 201 and saved.json["result"]["version"] == 1
    read = client.get(f"/api/v1/allowance/rules/{YEAR}", headers=headers).json["result"]
    assert read["rules"]["base_amounts"][0]["amount"] == tpp.DEMO_RULES["base_amounts"][0]["amount"]
