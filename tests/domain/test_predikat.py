from decimal import Decimal

import pytest

from app.domain.messages import DomainError
from app.domain.predikat import Predikat, Rating, employee_predikat, suggest_work_result_rating

ABOVE, MEETS, BELOW = Rating.ABOVE_EXPECTATION, Rating.MEETS_EXPECTATION, Rating.BELOW_EXPECTATION


def test_rating_codes_and_labels():
    assert [(int(r), r.label) for r in Rating] == [
        (1, "Di Atas Ekspektasi"), (2, "Sesuai Ekspektasi"), (3, "Di Bawah Ekspektasi")]


def test_predikat_codes_and_labels():
    assert [(int(p), p.label) for p in Predikat] == [
        (1, "Sangat Baik"), (2, "Baik"), (3, "Butuh Perbaikan"), (4, "Kurang/Misconduct"),
        (5, "Sangat Kurang")]


# Rows hasil kerja, columns perilaku: PermenPANRB 6/2022.
@pytest.mark.parametrize("work_result,behaviour,label", [
    (ABOVE, BELOW, "Kurang/Misconduct"),
    (ABOVE, MEETS, "Baik"),
    (ABOVE, ABOVE, "Sangat Baik"),
    (MEETS, BELOW, "Kurang/Misconduct"),
    (MEETS, MEETS, "Baik"),
    (MEETS, ABOVE, "Baik"),
    (BELOW, BELOW, "Sangat Kurang"),
    (BELOW, MEETS, "Butuh Perbaikan"),
    (BELOW, ABOVE, "Butuh Perbaikan"),
])
def test_predikat_matrix(work_result, behaviour, label):
    assert employee_predikat(work_result, behaviour).label == label
    # SIASN codes work as well as members
    assert employee_predikat(int(work_result), int(behaviour)).label == label


def test_matrix_is_not_symmetric():
    assert employee_predikat(ABOVE, BELOW) is Predikat.POOR
    assert employee_predikat(BELOW, ABOVE) is Predikat.NEEDS_IMPROVEMENT


@pytest.mark.parametrize("work_result,behaviour,field", [
    (0, 2, "work_result"), (4, 2, "work_result"), (True, 2, "work_result"),
    (2, 4, "behaviour"), (2, None, "behaviour"), (2, "2", "behaviour"),
])
def test_unknown_rating_is_refused(work_result, behaviour, field):
    with pytest.raises(DomainError) as caught:
        employee_predikat(work_result, behaviour)
    assert caught.value.field == field


@pytest.mark.parametrize("achievement_percent,expected", [
    (150, ABOVE), (110, ABOVE), ("109.99", MEETS), (100, MEETS), (90, MEETS),
    ("89.99", BELOW), (0, BELOW), (-5, BELOW), (110.0, ABOVE), (Decimal("90.00"), MEETS),
])
def test_suggested_work_result_rating_default_thresholds(achievement_percent, expected):
    assert suggest_work_result_rating(achievement_percent) is expected


def test_suggested_rating_thresholds_are_configurable():
    assert suggest_work_result_rating(100, above_from=100, meets_from=80) is ABOVE
    assert suggest_work_result_rating(80, above_from=100, meets_from=80) is MEETS
    assert suggest_work_result_rating(79, above_from=100, meets_from=80) is BELOW
    assert suggest_work_result_rating(95, above_from=95, meets_from=95) is ABOVE


def test_suggested_rating_thresholds_must_be_in_order():
    with pytest.raises(DomainError) as caught:
        suggest_work_result_rating(100, above_from=90, meets_from=110)
    assert caught.value.field == "meets_from"
