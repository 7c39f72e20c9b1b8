"""An evaluation's window matches its kind (PermenPANRB 6/2022: monthly, quarterly, annual)."""
from datetime import date

import pytest

from app.domain.evaluation_windows import check_window
from app.domain.messages import DomainError


@pytest.mark.parametrize("kind, start, end", [
    ("MONTHLY", date(2026, 5, 1), date(2026, 5, 31)),
    ("MONTHLY", date(2026, 5, 15), date(2026, 5, 31)),  # appointed mid-month
    ("QUARTERLY", date(2026, 10, 1), date(2026, 12, 31)),
    ("ANNUAL", date(2026, 1, 1), date(2026, 12, 31)),
    ("ANNUAL", date(2026, 7, 1), date(2026, 12, 31)),
])
def test_a_window_within_its_kind_is_accepted(kind, start, end):
    check_window(kind, start, end)


@pytest.mark.parametrize("kind, start, end, says", [
    ("MONTHLY", date(2026, 1, 1), date(2026, 12, 31), "monthly"),  # the issue: a "monthly" year
    ("MONTHLY", date(2026, 5, 20), date(2026, 6, 10), "monthly"),
    ("QUARTERLY", date(2026, 3, 1), date(2026, 4, 30), "quarter"),
    ("QUARTERLY", date(2025, 10, 1), date(2026, 12, 31), "quarter"),
    ("ANNUAL", date(2025, 7, 1), date(2026, 6, 30), "annual"),
    ("ANNUAL", date(2026, 6, 30), date(2026, 6, 1), "end after it starts"),
])
def test_a_window_longer_than_its_kind_is_refused(kind, start, end, says):
    with pytest.raises(DomainError) as refused:
        check_window(kind, start, end)
    assert says in str(refused.value) and refused.value.field == "window_end"
