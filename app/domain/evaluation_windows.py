"""The window an evaluation covers must be one of its kind (PermenPANRB 6/2022, annex Bab IV; RULES §13).

Periodic evaluations are monthly or quarterly, the annual one covers the year of the SKP: a monthly
evaluation lies within one calendar month, a quarterly one within one calendar quarter (January–March,
April–June, July–September, October–December), an annual one within one calendar year. A window may be
shorter than its kind (an employee appointed or moved mid-month), never longer.
"""
from __future__ import annotations

from datetime import date

from app.domain.messages import N_, DomainError

MONTHLY, QUARTERLY, ANNUAL = "MONTHLY", "QUARTERLY", "ANNUAL"

_SAME_SPAN = {
    MONTHLY: (lambda day: (day.year, day.month),
              N_("A monthly evaluation covers one calendar month: the window must start and end in the same "
                 "month.")),
    QUARTERLY: (lambda day: (day.year, (day.month - 1) // 3),
                N_("A quarterly evaluation covers one quarter (January–March, April–June, July–September or "
                   "October–December): the window must start and end in the same quarter.")),
    ANNUAL: (lambda day: day.year,
             N_("An annual evaluation covers one year: the window must start and end in the same year.")),
}


def check_window(kind: str, start: date, end: date) -> None:
    """Refuse (DomainError on ``window_end``) a window that ends before it starts or spans more than its kind."""
    if end < start:
        raise DomainError(N_("The window must end after it starts."), field="window_end")
    span, message = _SAME_SPAN[kind]
    if span(start) != span(end):
        raise DomainError(message, field="window_end")
