"""Per service unit and month, the running tally of the included survey responses (issue 21).

A year's IKM per unit — the leaders' home page, the recognition wall, the best-unit candidates — summed a
million responses on every request; ``SurveyMonthTotal`` holds per unit and month (WITA) what the IKM counts
(respondents; per element the sum of the answers and how many answered), so those figures sum twelve rows per
unit. A period's own IKM still counts its responses (a period need not start on the 1st).

Like the leaders' running totals (``app.services.performance_totals``) the tally watches the session, so that
every path that writes responses keeps it — the web form and the kiosk (a Core INSERT through the session),
paper forms typed in one by one or in a batch, responses excluded or included again by HR, scripts:

* before a flush, what the changed rows held is noted; after it, each row's old contribution is taken off
  and its new one added (a new row only adds, an excluded row contributes nothing);
* an INSERT, UPDATE or DELETE through ``session.execute`` is counted around the statement;
* the counts are added in key order with one upsert, so two writers never deadlock and both count.

``rebuild`` recounts everything after a bulk load past the session (the province generator, the migration
that created the table).
"""
from __future__ import annotations

import datetime as dt
import functools
from sqlalchemy import Date, cast, func, literal_column, select
from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db
from app.models.audit import utcnow
from app.models.survey import ANSWER_COLUMNS, SurveyMonthTotal, SurveyResponse
from app.services import local_time, survey
from app.services.flushed_rows import KeptTally

TOTAL = SurveyMonthTotal.__table__
RESPONSES = SurveyResponse.__table__
_KEY_FIELDS = ("agency_id", "unit_id", "submitted_at", "excluded")
_FIELDS = _KEY_FIELDS + ANSWER_COLUMNS
_COUNTS = ("respondents",) + tuple(f"{column}_{part}" for column in ANSWER_COLUMNS for part in ("sum", "count"))


def _contribution(values: dict) -> tuple[tuple, list[int]] | None:
    """What one response adds to its unit's month: None when it counts nowhere (excluded)."""
    if values.get("excluded") or None in (values.get("agency_id"), values.get("unit_id")):
        return None
    counts = [1]
    for column in ANSWER_COLUMNS:
        answer = values.get(column)
        counts += [answer or 0, int(answer is not None)]
    return (values["agency_id"], values["unit_id"], local_time.local_date(values.get("submitted_at") or utcnow()).replace(day=1)), counts


def _add(deltas: dict, values: dict, sign: int) -> None:
    contribution = _contribution(values)
    if contribution is not None:
        key, counts = contribution
        total = deltas.setdefault(key, [0] * len(_COUNTS))
        for index, count in enumerate(counts):
            total[index] += sign * count


def _apply(connection, deltas: dict) -> None:
    """Add ``{(agency, unit, month): counts}`` to the tally in key order, in the caller's transaction."""
    rows = [dict(zip(("agency_id", "unit_id", "month") + _COUNTS, key + tuple(counts)))
            for key, counts in sorted(deltas.items()) if any(counts)]
    if not rows:
        return
    connection.execute(_upsert(connection.dialect.name), rows)


@functools.cache
def _upsert(dialect_name: str):
    """The statement that adds a row of counts to the tally, built once: a survey submission runs it each time."""
    statement = (postgresql if dialect_name == "postgresql" else sqlite).insert(TOTAL)
    return statement.on_conflict_do_update(
        index_elements=[TOTAL.c.agency_id, TOTAL.c.unit_id, TOTAL.c.month],
        set_={name: TOTAL.c[name] + statement.excluded[name] for name in _COUNTS})


# --- reading ------------------------------------------------------------------------------------------

def month_tallies(group_column, first: dt.date, last: dt.date, *conditions) -> dict[object, survey.Tally]:
    """Per value of ``group_column`` (a column of ``SurveyMonthTotal``), the tally of the included responses
    submitted from the first day of ``first``'s month to the last day of ``last``'s (WITA)."""
    if first.day != 1 or (last + dt.timedelta(days=1)).day != 1:
        raise ValueError(f"the tally is kept per month: {first}..{last} is not whole months")
    statement = (select(group_column, *(func.sum(TOTAL.c[name]) for name in _COUNTS))
                 .where(TOTAL.c.month >= first, TOTAL.c.month <= last, *conditions)
                 .group_by(group_column).having(func.sum(TOTAL.c.respondents) > 0))
    return {row[0]: survey.tally_of(row[1:]) for row in db.session.execute(statement)}


# --- keeping it ---------------------------------------------------------------------------------------

def _local_month_sql(connection):
    """The first day of the local month of ``submitted_at``, in SQL (WITA keeps one offset all year, without
    daylight saving)."""
    offset = local_time.zone().utcoffset(dt.datetime(2000, 1, 1))
    seconds = int(offset.total_seconds())
    if connection.dialect.name == "postgresql":
        return cast(func.date_trunc("month", RESPONSES.c.submitted_at
                                    + literal_column(f"interval '{seconds} seconds'")), Date)
    return func.date(RESPONSES.c.submitted_at, f"{seconds:+d} seconds", "start of month")


def rebuild(connection) -> None:
    """Recount the whole tally from the responses (after a bulk load that wrote past the session)."""
    month = _local_month_sql(connection).label("month")
    connection.execute(TOTAL.delete())
    connection.execute(TOTAL.insert().from_select(
        ["agency_id", "unit_id", "month", *_COUNTS],
        select(RESPONSES.c.agency_id, RESPONSES.c.unit_id, month, *survey.tally_columns())
        .where(RESPONSES.c.excluded.is_(False))
        .group_by(RESPONSES.c.agency_id, RESPONSES.c.unit_id, month)))


install = KeptTally(SurveyResponse, _FIELDS, _add, _apply).install
