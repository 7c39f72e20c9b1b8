"""The shared pieces: errors, numbers, dates, labelled enums, and the package's purity."""
import ast
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

import app.domain
from app.domain.dates import anniversary, completed_years
from app.domain.enums import LabelledIntEnum, LabelledStrEnum, coerce_member
from app.domain.messages import N_, DomainError
from app.domain.numbers import round_half_up, to_decimal, whole_number

DOMAIN_DIR = Path(app.domain.__file__).parent


def test_n_marks_without_changing():
    assert N_("Some text") == "Some text"


def test_domain_error_carries_template_params_and_field():
    error = DomainError(N_("%(value)s is not a valid choice"), field="kind", value="X")
    assert isinstance(error, ValueError)
    assert (error.message, error.params, error.field) == (
        "%(value)s is not a valid choice", {"value": "X"}, "kind")
    assert str(error) == "X is not a valid choice"
    assert str(DomainError("Plain")) == "Plain"
    assert str(DomainError("100%% sure")) == "100% sure"


def test_every_message_is_a_literal_without_a_bare_percent():
    # the extraction tool only sees literal N_("…"); gettext(msg) % params needs %% or %(x)s
    for path in DOMAIN_DIR.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "N_":
                assert len(node.args) == 1 and isinstance(node.args[0], ast.Constant), path
                text = node.args[0].value
                assert text.replace("%%", "").replace("%(", "").count("%") == 0, text


def test_domain_imports_nothing_outside_itself_but_the_standard_library():
    allowed = {"__future__", "calendar", "collections", "dataclasses", "datetime", "decimal", "enum",
               "fractions", "math", "re", "types", "typing"}
    for path in DOMAIN_DIR.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module]
            else:
                continue
            for name in names:
                assert name.startswith("app.domain") or name.split(".")[0] in allowed, (path, name)


@pytest.mark.parametrize("value,expected", [
    (1, "1"), ("2.50", "2.50"), (" 3 ", "3"), (0.1, "0.1"), (Decimal("7"), "7"), ("1e2", "1E+2"),
])
def test_to_decimal(value, expected):
    assert str(to_decimal(value, field="x")) == expected


@pytest.mark.parametrize("value", ["", "1,5", "abc", "nan", "-inf", float("nan"), True, None, b"1"])
def test_to_decimal_refuses(value):
    with pytest.raises(DomainError) as caught:
        to_decimal(value, field="amount")
    assert caught.value.field == "amount"


@pytest.mark.parametrize("value,places,expected", [
    ("2.5", 0, "3"), ("3.5", 0, "4"), ("-2.5", 0, "-3"),
    ("1.005", 2, "1.01"), ("1.0049", 2, "1.00"),
])
def test_round_half_up(value, places, expected):
    assert str(round_half_up(Decimal(value), places)) == expected


def test_whole_number():
    assert whole_number(3, field="n", message="m", minimum=1, maximum=3) == 3
    for bad in (0, 4, 2.0, True, "2", None):
        with pytest.raises(DomainError) as caught:
            whole_number(bad, field="n", message="%(minimum)s..%(maximum)s", minimum=1, maximum=3)
        assert (caught.value.field, str(caught.value)) == ("n", "1..3")


@pytest.mark.parametrize("start,years,expected", [
    (date(1986, 9, 26), 18, date(2004, 9, 26)),
    (date(1988, 2, 29), 18, date(2006, 3, 1)),
    (date(1988, 2, 29), 4, date(1992, 2, 29)),
])
def test_anniversary(start, years, expected):
    assert anniversary(start, years) == expected


@pytest.mark.parametrize("start,on,years", [
    (date(2000, 3, 1), date(2010, 2, 28), 9),
    (date(2000, 3, 1), date(2010, 3, 1), 10),
    (date(2000, 3, 1), date(1999, 3, 1), 0),
    (date(2000, 3, 1), date(2000, 3, 1), 0),
    (date(2000, 12, 31), date(2001, 12, 30), 0),
    (date(2000, 12, 31), date(2001, 12, 31), 1),
])
def test_completed_years(start, on, years):
    assert completed_years(start, on) == years


class Colour(LabelledIntEnum):
    RED = 1, "Merah"
    BLUE = 2, "Biru"


class Letter(LabelledStrEnum):
    A = "A", "Alfa"


def test_labelled_enums():
    assert (Colour(1), Colour.RED.label, Colour.RED == 1, Colour.BLUE.value) == (
        Colour.RED, "Merah", True, 2)
    assert (Letter("A"), Letter.A.label, Letter.A == "A") == (Letter.A, "Alfa", True)


@pytest.mark.parametrize("value", [3, True, "1", None])
def test_coerce_member_refuses(value):
    with pytest.raises(DomainError) as caught:
        coerce_member(Colour, value, field="colour")
    assert caught.value.field == "colour"
    assert coerce_member(Colour, 2, field="colour") is Colour.BLUE
