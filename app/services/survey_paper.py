"""Paper SKM questionnaires typed in by the unit's staff (PermenPANRB 14/2017; RULES §8).

* ``enter_paper_form`` — one form from the keyboard screen, stored in one transaction;
* ``preview_batch`` / ``confirm_batch`` — a spreadsheet of forms (one row per respondent, U1..U9 as
  columns, blank = not answered), read by the one import reader (app.services.import_files), planned
  per row (to enter / already entered / rejected and why) and written in ONE transaction.

Each form is stored with its number and date and the channel "paper"; its period is the unit's open
survey period that contains the form's date, and a number is entered once per period. Staff entries
are audited (the ORM's audit listener) like any other staff change.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import secrets
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app, has_request_context, request
from sqlalchemy import select

from app.domain.ikm import require_an_answer
from app.domain.imports import cell_date, cell_text, map_columns, printable, refuse_control_characters
from app.domain.messages import N_, DomainError
from app.domain.paper_survey import (
    ANSWER_FIELDS,
    PAPER_COLUMNS,
    paper_age_band,
    paper_answer,
    paper_choice,
    paper_sex,
)
from app.extensions import db
from app.formatting import decimal
from app.models import Unit
from app.models.audit import utcnow
from app.models.survey import (
    AGE_BANDS,
    EDUCATIONS,
    OCCUPATIONS,
    PAPER,
    PAPER_NUMBER_MAX_LENGTH,
    SERVICE_USED_MAX_LENGTH,
    SUGGESTION_MAX_LENGTH,
    SurveyPeriod,
    SurveyResponse,
)
from app.security.guards import OutOfScope, ensure_writable
from app.security.scope import current_scope, scoped_select
from app.services.audit import append_entries
from app.services.import_files import read_table
from app.services.transaction import ConcurrentChange, acting_user, run_in_transaction

ENTER, ENTERED, REJECTED = "enter", "entered", "rejected"
MAX_BATCH_ROWS = 5_000
_TOKEN_LENGTH = 24


class BatchNotFound(DomainError):
    """The token names no batch of this user (expired, already saved, or someone else's)."""


# --- the unit and its periods --------------------------------------------------------------------

def writable_units() -> list[Unit]:
    """The units serving the public whose paper forms the user may enter (Agency Admin: own agencies)."""
    scope = current_scope()
    units = db.session.scalars(scoped_select(Unit).where(Unit.serves_public.is_(True), Unit.active.is_(True))
                               .order_by(Unit.name)).all()
    return [unit for unit in units if scope.can_write_agency(unit.agency_id)]


def writable_unit(unit_id: int) -> Unit:
    """The unit, if it serves the public and the user may enter its paper forms; else a DomainError."""
    unit = db.session.execute(scoped_select(Unit).where(Unit.id == unit_id)).scalar_one_or_none()
    if unit is None or not unit.serves_public:
        raise DomainError(N_("There is no such service unit in your agencies."), field="unit")
    if not current_scope().can_write_agency(unit.agency_id):
        raise OutOfScope(N_("You may only add or change data of the agencies you manage."), field="agency")
    return unit


class _Periods:
    """The unit's survey periods, read once: which open one holds a form's date."""

    def __init__(self, unit: Unit):
        self.periods = db.session.scalars(select(SurveyPeriod).where(SurveyPeriod.unit_id == unit.id)).all()

    def of(self, day: dt.date) -> SurveyPeriod:
        period = next((p for p in self.periods if p.start_date <= day <= p.end_date), None)
        if period is None:
            raise DomainError(N_("The unit has no survey period on %(date)s; create the period first."),
                              field="date", date=day.strftime("%d-%m-%Y"))
        if not period.is_open:
            raise DomainError(N_("The survey period %(period)s is closed: its figures no longer change."),
                              field="date", period=period.name)
        return period


def _entered_numbers(unit: Unit) -> set[tuple[int, str]]:
    return {(period_id, number.upper()) for period_id, number in db.session.execute(
        select(SurveyResponse.period_id, SurveyResponse.paper_number)
        .where(SurveyResponse.unit_id == unit.id, SurveyResponse.paper_number.is_not(None)))}


# --- one form ------------------------------------------------------------------------------------

_EDUCATION = {key: code for code, label in EDUCATIONS for key in (code.lower(), str(label).lower())}
_OCCUPATION = {key: code for code, label in OCCUPATIONS for key in (code.lower(), str(label).lower())}
_AGE_BANDS = tuple(code for code, _ in AGE_BANDS)


def _limited(cells: Mapping[str, str], name: str, maximum: int) -> str | None:
    value = cells.get(name, "").strip()
    if len(value) > maximum:
        raise DomainError(N_("At most %(maximum)s characters."), field=name, maximum=maximum)
    return value or None


def paper_values(cells: Mapping[str, str], today: dt.date) -> dict:
    """The columns of one paper form from its cells (texts by field of PAPER_COLUMNS), or a DomainError
    naming the first wrong one. The period is not resolved here."""
    refuse_control_characters(dict(cells), PAPER_COLUMNS)
    number = cells.get("number", "").strip()
    if not number:
        raise DomainError(N_("Give the number written on the form."), field="number")
    if len(number) > PAPER_NUMBER_MAX_LENGTH:
        raise DomainError(N_("At most %(maximum)s characters."), field="number", maximum=PAPER_NUMBER_MAX_LENGTH)
    day = cell_date(cells.get("date", ""), "date")
    if day is None:
        raise DomainError(N_("Give the date the form was filled in."), field="date")
    if day > today:
        raise DomainError(N_("The date of the form lies in the future."), field="date")
    answers = {name: paper_answer(cells.get(name, ""), name.upper()) for name in ANSWER_FIELDS}
    require_an_answer({name.upper(): answer for name, answer in answers.items()})
    return {
        "paper_number": number, "paper_date": day, **answers,
        "sex": paper_sex(cells.get("sex", "")),
        "age_band": paper_age_band(cells.get("age", ""), _AGE_BANDS),
        "education": paper_choice(cells.get("education", ""), "education", _EDUCATION),
        "occupation": paper_choice(cells.get("occupation", ""), "occupation", _OCCUPATION),
        "service_used": _limited(cells, "service_used", SERVICE_USED_MAX_LENGTH),
        "suggestion": _limited(cells, "suggestion", SUGGESTION_MAX_LENGTH),
    }


def _already_entered(number: str, period: SurveyPeriod) -> DomainError:
    return DomainError(N_("Form %(number)s is already entered for %(period)s."), field="number", number=number,
                       period=period.name)


def _response(unit: Unit, period: SurveyPeriod, values: dict, now: dt.datetime) -> SurveyResponse:
    response = SurveyResponse(unit=unit, period=period, channel=PAPER, submitted_at=now, excluded=False, **values)
    ensure_writable(response)
    return response


def enter_paper_form(unit_id: int, cells: Mapping[str, str], *, now: dt.datetime | None = None) -> SurveyResponse:
    """Store one paper form typed in by staff; refused (nothing stored) with the reason naming the field."""
    now = now or utcnow()

    def work():
        unit = writable_unit(unit_id)
        values = paper_values(cells, now.date())
        period = _Periods(unit).of(values["paper_date"])
        if (period.id, values["paper_number"].upper()) in _entered_numbers(unit):
            raise _already_entered(values["paper_number"], period)
        response = _response(unit, period, values, now)
        db.session.add(response)
        db.session.flush()
        return response
    return run_in_transaction(work, ConcurrentChange(N_("Someone entered forms meanwhile; try again.")))


# --- a batch from a spreadsheet ------------------------------------------------------------------

@dataclass
class BatchRow:
    line: int
    number: str
    status: str = ENTER
    error: DomainError | None = None
    values: dict = field(default_factory=dict)
    period: SurveyPeriod | None = None


@dataclass
class BatchPlan:
    unit: Unit
    filename: str
    rows: list[BatchRow]

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(row.status for row in self.rows)
        return {status: counted.get(status, 0) for status in (ENTER, ENTERED, REJECTED)}


def parse_batch(table: Iterable) -> list[tuple[int, dict[str, str]]]:
    """(spreadsheet line, field → cell text) of every non-empty row under the header row."""
    columns, rows = None, []
    for line, row in table:
        if columns is None:
            if any(cell_text(value) for value in row.values()):
                columns = map_columns([row.get(index) for index in range(max(row) + 1)], PAPER_COLUMNS)
            continue
        cells = {name: cell_text(row.get(index)) for name, index in columns.items()}
        if any(cells.values()):
            rows.append((line, cells))
            if len(rows) > MAX_BATCH_ROWS:
                raise DomainError(N_("A file may hold at most %(count)s forms; split it into several files."),
                                  field="file", count=decimal(MAX_BATCH_ROWS, 0))
    if columns is None:
        raise DomainError(N_("The file is empty."), field="file")
    return rows


def plan_batch(unit: Unit, filename: str, rows: list[tuple[int, dict[str, str]]],
               today: dt.date) -> BatchPlan:
    """Per row: to enter, already entered (same number in the same period) or rejected with the reason."""
    periods, entered, seen = _Periods(unit), _entered_numbers(unit), {}
    plans = []
    for line, cells in rows:
        plan = BatchRow(line=line, number=printable(cells.get("number", "")))
        plans.append(plan)
        try:
            values = paper_values(cells, today)
            period = periods.of(values["paper_date"])
            key = (period.id, values["paper_number"].upper())
            if key in seen:
                raise DomainError(N_("The same form number is already on row %(line)d."), field="number",
                                  line=seen[key])
            seen[key] = line
            plan.values, plan.period = values, period
            plan.status = ENTERED if key in entered else ENTER
        except DomainError as error:
            plan.status, plan.error = REJECTED, error
    return BatchPlan(unit, filename, plans)


def _folder() -> Path:
    # Next to the master-data imports: app.services.imports forgets uploads there after a day.
    folder = Path(current_app.config["UPLOAD_FOLDER"]) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _path(token: str) -> Path:
    if not isinstance(token, str) or len(token) != _TOKEN_LENGTH * 2 \
            or not all(c in "0123456789abcdef" for c in token):
        raise BatchNotFound(N_("This upload is no longer available; upload the file again."), field="file")
    return _folder() / f"paper-{token}.json"


def preview_batch(unit_id: int, data: bytes, filename: str) -> tuple[str, BatchPlan]:
    """Read the upload, keep its rows server-side for this user and plan them; writes nothing to the database."""
    unit = writable_unit(unit_id)
    rows = parse_batch(read_table(data, filename or ""))
    token = secrets.token_hex(_TOKEN_LENGTH)
    name = os.path.basename(filename or "")
    _path(token).write_text(json.dumps({"user_id": getattr(acting_user(), "id", None), "unit_id": unit.id,
                                        "filename": name, "rows": rows}), encoding="utf-8")
    return token, plan_batch(unit, name, rows, utcnow().date())


def _kept(token: str) -> dict:
    path = _path(token)
    kept = json.loads(path.read_text(encoding="utf-8")) if path.exists() else None
    if kept is None or kept["user_id"] != getattr(acting_user(), "id", None):
        raise BatchNotFound(N_("This upload is no longer available; upload the file again."), field="file")
    return kept


def kept_batch(token: str) -> BatchPlan:
    """The plan of a kept upload against the database as it is now; only its uploader may read it."""
    kept = _kept(token)
    return plan_batch(writable_unit(kept["unit_id"]), kept["filename"], [tuple(row) for row in kept["rows"]],
                      utcnow().date())


def confirm_batch(token: str, *, now: dt.datetime | None = None) -> dict[str, int]:
    """Enter every row planned "to enter" in ONE transaction, then forget the upload; returns the counts."""
    now = now or utcnow()

    def work():
        plan = kept_batch(token)
        db.session.add_all([_response(plan.unit, row.period, row.values, now)
                            for row in plan.rows if row.status == ENTER])
        db.session.flush()
        user = acting_user()
        counts = plan.counts
        # One entry for the batch as a whole, next to the per-form entries the flush has written.
        append_entries(db.session.connection(), [{
            "created_at": now, "user_id": getattr(user, "id", None),
            "username": getattr(user, "username", "system"),
            "ip_address": request.remote_addr if has_request_context() else None, "action": "import",
            "entity": "SurveyResponse", "entity_id": None,
            "summary": f"{plan.filename} ({plan.unit.code}): "
                       + ", ".join(f"{count} {status}" for status, count in counts.items())[:150],
            "changes": {"file": plan.filename, "unit": plan.unit.code, "counts": counts}}])
        return counts
    counts = run_in_transaction(work, ConcurrentChange(N_("Someone entered forms meanwhile; try again.")))
    _path(token).unlink(missing_ok=True)
    return counts
