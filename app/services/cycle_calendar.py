"""A period's deadlines (issue 23; rules in app.domain.cycle_deadlines): what HR Admin set, or the regulation's
defaults while HR has set none; HR adjusts them (``set_deadlines``, audited); and the rules that read them where
an act happens: an objection is filed in time (``ensure_objection_allowed``) and decided by a day
(``objection_decision_due_on``). The reminders and hand-offs that
keep time by these deadlines are app.services.cycle.

Each public use-case is one transaction (DomainError with an English N_ message on refusal, nothing written).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app.domain import cycle_deadlines as rules
from app.domain.messages import N_, DomainError
from app.extensions import db
from app.formatting import long_date
from app.models.cycle import CycleDeadline
from app.models.planning import Period
from app.parsing import parse_whole_number
from app.security import acts
from app.services import local_time
from app.services.activity import holidays_between
from app.services.transaction import ConcurrentChange, run_in_transaction

# Holidays are read for the period and the months after it in which its last deadlines fall.
_DEADLINE_MARGIN = dt.timedelta(days=120)
DEADLINE_FIELDS = tuple(rules.CycleDeadlines.__dataclass_fields__)


def _commit(work):
    return run_in_transaction(work, ConcurrentChange(N_(
        "Someone else changed these deadlines at the same time; reload them and try again.")))


def deadlines_of(period: Period) -> CycleDeadline:
    """The stored deadlines of the period, or (unsaved) the regulation's defaults for its year."""
    stored = db.session.scalar(select(CycleDeadline).where(CycleDeadline.period_id == period.id))
    if stored is not None:
        return stored
    default = rules.default_deadlines(period.year)
    return CycleDeadline(period_id=period.id, **_fields(default))


def _fields(deadlines: rules.CycleDeadlines) -> dict:
    return {name: getattr(deadlines, name) for name in DEADLINE_FIELDS}


def parse_deadline_values(raw) -> dict:
    """The deadline fields a form or a JSON body sends (others ignored; empty ones left out): the SKP date as
    YYYY-MM-DD, the counts as whole numbers. Refuses (DomainError on the field) what is neither."""
    values = {}
    for name in DEADLINE_FIELDS:
        value = raw.get(name)
        if value is None or value == "":
            continue
        if name == "skp_due":
            try:
                values[name] = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value).strip())
            except ValueError:
                raise DomainError(N_("Give a date (for example 2026-03-31)."), field=name) from None
            continue
        number = parse_whole_number(value.strip() if isinstance(value, str) else value)
        if number is None:
            raise DomainError(N_("A deadline must be a whole number of working days from 1 to %(max)d."),
                              field=name, max=rules.MAX_DEADLINE_DAYS)
        values[name] = number
    return values


def set_deadlines(period: Period, values: dict) -> CycleDeadline:
    """HR Admin sets the period's deadlines (``values``: any of DEADLINE_FIELDS, parsed by the caller); the
    others keep their current value. Checked by the rule; the change is audited like every change."""
    def work():
        if not acts.is_hr_administrator():
            raise DomainError(N_("Only HR administrators may change the deadlines of a period."))
        if not values:  # an empty save would store the defaults as if someone had chosen them
            raise DomainError(N_("Give at least one deadline to change."))
        row = deadlines_of(period)
        proposed = rules.CycleDeadlines(**{**_fields(row.as_rule()), **values})
        rules.check_deadlines(proposed, period.start_date, period.end_date)
        for name, value in _fields(proposed).items():
            setattr(row, name, value)
        db.session.add(row)
        return row
    return _commit(work)


def calendar_of(period: Period) -> set[dt.date]:
    """The holidays a deadline of the period can be counted over (the period and the months after it)."""
    return holidays_between(period.start_date - dt.timedelta(days=31), period.end_date + _DEADLINE_MARGIN)


def ensure_objection_allowed(evaluation, day: dt.date) -> None:
    """An objection (keberatan) is filed within the period's objection days after the employee received the
    evaluation (Format D.1.3; RULES §13); an evaluation the evaluator's superior made after a hand-off takes none,
    that result being final (annex A.11). Raises DomainError on ``objection``."""
    if evaluation.hand_off is not None:
        raise DomainError(N_("The evaluator's superior made this evaluation after its deadline passed; that result "
                             "is final and takes no objection."), field="objection")
    received = local_time.local_date(evaluation.submitted_at)
    if received is None:
        return
    deadlines = deadlines_of(evaluation.period).as_rule()
    due = rules.objection_due(received, deadlines, calendar_of(evaluation.period))
    if day > due:
        raise DomainError(N_("An objection is filed within %(days)d working days after receipt; that time ended on "
                             "%(date)s."), field="objection", days=deadlines.objection_days, date=long_date(due))


def objection_decision_due_on(evaluation) -> dt.date | None:
    """The day by which the superior decides the evaluation's objection: the period's decision days after the
    employee filed it on acknowledging (Format D.1.3; RULES §13); None without an objection."""
    filed = local_time.local_date(evaluation.acknowledged_at)
    if not evaluation.objection or filed is None:
        return None
    return rules.objection_decision_due(filed, deadlines_of(evaluation.period).as_rule(), calendar_of(evaluation.period))
