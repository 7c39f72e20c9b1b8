"""Rules of issue 8: Karya Satya at its 10/20/30-year boundaries, sanctions, the nomination workflow, award
periods, the 20 JP compliance share and completion checks (RULES §9–§10)."""
from datetime import date
from decimal import Decimal

import pytest

from app.domain.awards import (KaryaSatyaClass, SanctionLevel, award_period, ensure_eligible_or_excepted,
                               ensure_transition, heaviest_sanction, next_karya_satya_class, performer_score)
from app.domain.messages import DomainError
from app.domain.training import compliance, validate_completion, validate_score

TMT = date(2000, 3, 1)


@pytest.mark.parametrize("on, expected", [
    (date(2010, 2, 28), None), (date(2010, 3, 1), KaryaSatyaClass.X),
    (date(2020, 2, 29), KaryaSatyaClass.X), (date(2020, 3, 1), KaryaSatyaClass.XX),
    (date(2030, 2, 28), KaryaSatyaClass.XX), (date(2030, 3, 1), KaryaSatyaClass.XXX),
])
def test_karya_satya_boundaries(on, expected):
    assert next_karya_satya_class(TMT, on, None) is expected


def test_a_held_class_is_not_proposed_again_and_a_pppk_never():
    assert next_karya_satya_class(TMT, date(2012, 1, 1), None, {KaryaSatyaClass.X}) is None
    assert next_karya_satya_class(TMT, date(2021, 1, 1), None, {KaryaSatyaClass.X}) is KaryaSatyaClass.XX
    assert next_karya_satya_class(None, date(2021, 1, 1), None) is None


@pytest.mark.parametrize("levels, heaviest, eligible", [
    ([], None, True), (["ringan"], SanctionLevel.LIGHT, True), (["ringan", "sedang"], SanctionLevel.MEDIUM, False),
    (["Berat", "ringan"], SanctionLevel.HEAVY, False),
])
def test_the_heaviest_sanction_decides(levels, heaviest, eligible):
    assert heaviest_sanction(levels) is heaviest
    assert (next_karya_satya_class(TMT, date(2011, 1, 1), heaviest) is not None) is eligible


def test_workflow_steps():
    ensure_transition("nominated", "approved")
    ensure_transition("approved", "awarded")
    for status, target in (("nominated", "awarded"), ("awarded", "rejected"), ("rejected", "approved"),
                           ("awarded", "awarded")):
        with pytest.raises(DomainError, match="cannot become"):
            ensure_transition(status, target)


def test_an_ineligible_employee_needs_a_recorded_exception():
    ensure_eligible_or_excepted(True, None)
    ensure_eligible_or_excepted(False, "Keputusan Bupati: jasa luar biasa saat banjir 2026")
    with pytest.raises(DomainError, match="not eligible") as refused:
        ensure_eligible_or_excepted(False, "   ")
    assert refused.value.field == "exception_reason"


@pytest.mark.parametrize("text, monthly, expected", [
    ("2026", False, ("2026", date(2026, 1, 1), date(2026, 12, 31))),
    (" 2026-02 ", True, ("2026-02", date(2026, 2, 1), date(2026, 2, 28))),
    ("2026-12", True, ("2026-12", date(2026, 12, 1), date(2026, 12, 31))),
])
def test_award_periods(text, monthly, expected):
    assert award_period(text, monthly=monthly) == expected


@pytest.mark.parametrize("text, monthly", [("2026-13", True), ("2026", True), ("2026-11", False), ("", False),
                                           (None, False)])
def test_malformed_award_periods(text, monthly):
    with pytest.raises(DomainError, match="The period must be"):
        award_period(text, monthly=monthly)


def test_performer_score_puts_predikat_first():
    assert performer_score(1, 0, None) > performer_score(2, 1000, Decimal(4))
    assert performer_score(2, 1000, Decimal(4)) == Decimal("95.00")
    assert performer_score(3, 50, None) == Decimal("5.00")


def test_compliance_share_counts_twenty_jp_as_reached():
    figures = compliance([Decimal(20), Decimal("19.99"), 0, 35])
    assert (figures.employees, figures.compliant, figures.share) == (4, 2, Decimal("50.00"))
    assert compliance([]).share is None


def test_completion_rules():
    validate_completion(date(2026, 5, 11), date(2026, 5, 11), 30)
    with pytest.raises(DomainError, match="before the programme starts"):
        validate_completion(date(2026, 5, 11), date(2026, 5, 10), 30)
    for jp in (0, -4, None):
        with pytest.raises(DomainError, match="greater than zero"):
            validate_completion(date(2026, 5, 11), date(2026, 5, 15), jp)
    with pytest.raises(DomainError, match="completion date"):
        validate_completion(date(2026, 5, 11), None, 30)


def test_scores_lie_between_0_and_100():
    assert validate_score("87.5", field="post_score") == Decimal("87.5")
    assert validate_score("", field="post_score") is None
    with pytest.raises(DomainError, match="between 0 and 100"):
        validate_score(101, field="post_score")
