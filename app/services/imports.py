"""Importing units, positions and employees from the spreadsheets HR already has (SIASN exports, registers).

Two steps. ``preview`` reads the upload, keeps the parsed rows server-side under
a random token bound to the user, and tells per row what would happen: create,
update, unchanged or rejected (with the reason). ``confirm`` plans the same rows
again against the database as it is then, and writes every create and update in
ONE transaction: either the whole file is in, or nothing is. Re-importing a file
that is already in finds every row unchanged and writes nothing.

Scope: a row may only create or change data of an agency the user may write
(``UserScope.can_write_agency``); other rows are rejected with that reason.
An empty optional cell leaves the stored value as it is: an export without
e-mail addresses must not erase the ones already typed in.
"""
from __future__ import annotations

import json
import os
import secrets
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app, g, has_request_context, request
from sqlalchemy import select
from sqlalchemy.orm import lazyload

from app.domain.imports import (
    EMPLOYEE_COLUMNS,
    POSITION_COLUMNS,
    UNIT_COLUMNS,
    cell_date,
    cell_text,
    employment_type_of,
    full_name,
    golongan_of,
    map_columns,
    printable,
    refuse_control_characters,
    yes_no_of,
)
from app.domain.messages import N_, DomainError
from app.domain.nip import parse_nip
from app.extensions import db
from app.formatting import decimal
from app.models import Agency, Employee, Position, Rank, Unit
from app.models.audit import utcnow
from app.models.organization import UNIT_KINDS, PositionKind
from app.security.guards import ensure_writable
from app.security.scope import UserScope, current_scope
from app.services import master_data
from app.services.audit import append_entries
from app.services.import_files import Row, read_table
from app.services.transaction import ConcurrentChange, acting_user, run_in_transaction

CREATE, UPDATE, UNCHANGED, REJECTED = "create", "update", "unchanged", "rejected"
STATUSES = (CREATE, UPDATE, UNCHANGED, REJECTED)
MAX_ROWS = 50_000
FLUSH_EVERY = 500
_TOKEN_LENGTH = 24


class ImportNotFound(DomainError):
    """The token names no upload of this user (expired, already imported, or someone else's)."""


@dataclass
class RowPlan:
    """What one spreadsheet row would do; ``values`` hold resolved ids, ready to write."""

    line: int
    key: str
    label: str
    status: str = UNCHANGED
    error: DomainError | None = None
    changes: list[str] = field(default_factory=list)
    values: dict = field(default_factory=dict)
    existing: object = None
    # Saved as planned, but worth a look before confirming (e.g. a position someone else holds).
    warnings: list[DomainError] = field(default_factory=list)


@dataclass
class ImportPlan:
    kind: str
    filename: str
    rows: list[RowPlan]

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(row.status for row in self.rows)
        return {status: counted.get(status, 0) for status in STATUSES}


# --- reading the upload ----------------------------------------------------------------------------

def parse_rows(table: Iterable[tuple[int, Row]], kind: str) -> list[tuple[int, dict[str, str]]]:
    """(spreadsheet line, field → cell text) for every non-empty row under the header (the first non-empty row).

    ``table`` is read lazily (app.services.import_files): reading stops at the row cap, so a sheet of a
    million rows costs no more than one of MAX_ROWS. The cap counts the lines below the header as the
    spreadsheet numbers them, blank ones included.
    """
    importer = IMPORTERS[kind]
    columns, header_line, rows = None, 1, []
    for line, row in table:
        if line - header_line > MAX_ROWS:
            raise DomainError(N_("A file may hold at most %(count)s rows; split it into several files."),
                              field="file", count=decimal(MAX_ROWS, 0))
        if columns is None:
            if any(cell_text(value) for value in row.values()):
                header_line = line
                columns = map_columns([row.get(index) for index in range(max(row) + 1)], importer.columns)
            continue
        cells = {name: cell_text(row.get(index)) for name, index in columns.items()}
        if any(cells.values()):
            rows.append((line, cells))
    if columns is None:
        raise DomainError(N_("The file is empty."), field="file")
    return rows


# --- resolving names to rows -------------------------------------------------------------------------

class Catalogue:
    """The agencies, units, positions, ranks and kinds, indexed by code and by name, read once per plan."""

    def __init__(self):
        self.agencies = db.session.scalars(select(Agency)).all()
        self.units = db.session.scalars(select(Unit).options(lazyload("*"))).all()
        self.positions = db.session.scalars(select(Position).options(lazyload("*"))).all()
        self.ranks = db.session.scalars(select(Rank)).all()
        self.position_kinds = db.session.scalars(select(PositionKind)).all()
        self.agency_by = _index(self.agencies, lambda a: (a.code, a.name, a.short_name))
        self.unit_by_code = {unit.code.upper(): unit for unit in self.units}
        self.position_by_code = {position.code.upper(): position for position in self.positions}
        self.position_by_id = {position.id: position for position in self.positions}
        self.units_by_name = _group(self.units, lambda u: (u.agency_id, u.name.lower()))
        self.positions_by_name = _group(self.positions, lambda p: (p.agency_id, p.name.lower()))
        self.kind_by = _index(self.position_kinds, lambda k: (k.code, k.name))
        self.rank_by = {(rank.employment_type, key.lower()): rank for rank in self.ranks
                        for key in (rank.golongan, rank.pangkat) if key}

    def agency(self, text: str) -> Agency:
        agency = self.agency_by.get(text.lower())
        if agency is None:
            raise DomainError(N_("No agency \"%(value)s\"."), field="agency", value=text)
        return agency

    def unit(self, text: str, agency: Agency | None) -> Unit:
        unit = self.unit_by_code.get(text.upper())
        if unit is not None and (agency is None or unit.agency_id == agency.id):
            return unit
        if agency is None:
            matches = [u for u in self.units if u.name.lower() == text.lower()]
        else:
            matches = self.units_by_name.get((agency.id, text.lower()), [])
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise DomainError(N_("Several units are named \"%(value)s\": give the agency or the unit code."),
                              field="unit", value=text)
        raise DomainError(N_("No unit \"%(value)s\" in this agency."), field="unit", value=text)

    def position(self, text: str, agency: Agency, unit: Unit | None) -> Position:
        position = self.position_by_code.get(text.upper())
        if position is not None and position.agency_id == agency.id:
            return position
        matches = self.positions_by_name.get((agency.id, text.lower()), [])
        if len(matches) > 1 and unit is not None:
            matches = [p for p in matches if p.unit_id == unit.id] or matches
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise DomainError(N_("Several positions are named \"%(value)s\": use the position code."),
                              field="position", value=text)
        raise DomainError(N_("No position \"%(value)s\" in %(agency)s: import the positions first."),
                          field="position", value=text, agency=agency.name)

    def rank(self, text: str, employment_type: str) -> Rank:
        rank = self.rank_by.get((employment_type, (golongan_of(text) or text).lower()))
        if rank is not None:
            return rank
        raise DomainError(N_("No %(kind)s rank \"%(value)s\"."), field="rank", value=text, kind=employment_type)

    def position_kind(self, text: str) -> PositionKind:
        kind = self.kind_by.get(text.lower())
        if kind is None:
            raise DomainError(N_("No position kind \"%(value)s\"."), field="kind", value=text)
        return kind


def _index(rows, keys):
    index = {}
    for row in rows:
        for key in keys(row):
            if key:
                index.setdefault(key.lower(), row)
    return index


def _group(rows, key):
    groups = defaultdict(list)
    for row in rows:
        groups[key(row)].append(row)
    return groups


def _ensure_agency_writable(agency_id: int | None, scope: UserScope) -> None:
    if not scope.can_write_agency(agency_id):
        raise DomainError(N_("You may only import data of the agencies you manage."), field="agency")


# --- one importer per kind ---------------------------------------------------------------------------

class EmployeeImporter:
    """Employees by NIP (RULES §1): the NIP is validated part by part, birth date, sex and TMT CPNS follow."""

    columns = EMPLOYEE_COLUMNS
    model = Employee
    parents_in_file = False

    def existing(self) -> dict:
        """The stored employees as plain rows (20,000 ORM objects would cost seconds); writes load their rows."""
        columns = [getattr(Employee, name) for name in ("id", "nip", "employment_type", "name", "agency_id",
                                                         "unit_id", "position_id", "rank_id", "email", "phone",
                                                         "tmt_position")]
        return {row.nip: row for row in db.session.execute(select(*columns))}

    def resolve(self, cells: dict, catalogue: Catalogue, plan: RowPlan, file_codes=frozenset()) -> dict:
        declared = employment_type_of(cells.get("employment_type", ""), None)
        number = parse_nip(cells["nip"], declared)
        plan.key = number.number
        name = full_name(cells.get("front_title", ""), cells["name"], cells.get("back_title", ""))
        if not cells["name"]:
            raise DomainError(N_("The name is empty."), field="name")
        plan.label = name
        agency = catalogue.agency(cells["agency"]) if cells.get("agency") else None
        unit_text = cells.get("unit_code") or cells.get("unit")
        unit = catalogue.unit(unit_text, agency) if unit_text else None
        if unit is None:
            raise DomainError(N_("The unit is empty."), field="unit")
        agency = agency or next(a for a in catalogue.agencies if a.id == unit.agency_id)
        values = {"nip": number.number, "employment_type": str(number.employment_type), "name": name[:150],
                  "agency_id": agency.id, "unit_id": unit.id}
        position_text = cells.get("position_code") or cells.get("position")
        if position_text:
            values["position_id"] = catalogue.position(position_text, agency, unit).id
        if cells.get("rank"):
            values["rank_id"] = catalogue.rank(cells["rank"], str(number.employment_type)).id
        for name_ in ("email", "phone"):
            if cells.get(name_):
                values[name_] = cells[name_]
        if cells.get("tmt_position"):
            values["tmt_position"] = cell_date(cells["tmt_position"], "tmt_position")
        return values

    @staticmethod
    def holders(existing: dict) -> dict:
        """Who holds each position now: position id → (NIP, name)."""
        return {row.position_id: (row.nip, row.name) for row in existing.values() if row.position_id}

    @staticmethod
    def warn(plan: RowPlan, values: dict, holders: dict, catalogue: Catalogue) -> None:
        """A position held by someone else (in the database or on an earlier row of the file) is warned
        about: the import would put two people in one position. The row itself is the holder's own record
        when the NIP is the same."""
        position_id = values.get("position_id")
        holder = holders.get(position_id)
        if holder is not None and holder[0] != values["nip"]:
            plan.warnings.append(DomainError(
                N_("The position %(position)s is already held by %(holder)s (%(nip)s)."), field="position",
                position=catalogue.position_by_id[position_id].name, holder=holder[1], nip=holder[0]))
        if position_id is not None:
            holders[position_id] = (values["nip"], values["name"])

    def link(self, item, values, created) -> None:
        """Relationships from ids (the checks compare relationship objects, not FK columns)."""
        item.agency = db.session.get(Agency, values["agency_id"])
        item.unit = db.session.get(Unit, values["unit_id"])
        if "position_id" in values:
            item.position = db.session.get(Position, values["position_id"])
        if "rank_id" in values:
            item.rank = db.session.get(Rank, values["rank_id"])

    check = staticmethod(master_data.check_employee)


class _CodedImporter:
    """Units and positions: matched by their code; a parent may be a row of the same file."""

    parents_in_file = True

    def existing(self):
        return {row.code.upper(): row for row in db.session.scalars(select(self.model).options(lazyload("*")))}

    def _parent_code(self, cells: dict, catalogue_codes: dict, file_codes: set) -> str:
        code = cells["parent"].upper()
        if code not in catalogue_codes and code not in file_codes:
            raise DomainError(N_("No parent with code \"%(value)s\" in the database or in this file."),
                              field="parent", value=cells["parent"])
        return code

    def link(self, item, values, created) -> None:
        item.agency = db.session.get(Agency, values["agency_id"])
        code = values.get("parent_code")
        if code is not None:
            item.parent = created.get(code) or db.session.scalar(
                select(self.model).where(self.model.code == code))


class UnitImporter(_CodedImporter):
    columns = UNIT_COLUMNS
    model = Unit
    check = staticmethod(master_data.check_unit)

    def resolve(self, cells, catalogue: Catalogue, plan: RowPlan, file_codes=frozenset()) -> dict:
        plan.key, plan.label = cells["code"].upper(), cells["name"]
        agency = catalogue.agency(cells["agency"])
        values = {"code": plan.key, "name": cells["name"][:200], "agency_id": agency.id}
        if cells.get("kind"):
            kinds = {text.lower(): code for code, label in UNIT_KINDS for text in (code, str(label))}
            if cells["kind"].lower() not in kinds:
                raise DomainError(N_("No unit kind \"%(value)s\"."), field="kind", value=cells["kind"])
            values["kind"] = kinds[cells["kind"].lower()]
        if cells.get("serves_public"):
            values["serves_public"] = yes_no_of(cells["serves_public"])
        if cells.get("parent"):
            values["parent_code"] = self._parent_code(cells, catalogue.unit_by_code, file_codes)
        return values


class PositionImporter(_CodedImporter):
    columns = POSITION_COLUMNS
    model = Position
    check = staticmethod(master_data.check_position)

    def resolve(self, cells, catalogue: Catalogue, plan: RowPlan, file_codes=frozenset()) -> dict:
        plan.key, plan.label = cells["code"].upper(), cells["name"]
        agency = catalogue.agency(cells["agency"]) if cells.get("agency") else None
        unit = catalogue.unit(cells["unit"], agency)
        values = {"code": plan.key, "name": cells["name"][:200], "agency_id": unit.agency_id, "unit_id": unit.id,
                  "kind_id": catalogue.position_kind(cells["kind"]).id}
        if cells.get("parent"):
            values["parent_code"] = self._parent_code(cells, catalogue.position_by_code, file_codes)
        return values

    def link(self, item, values, created) -> None:
        super().link(item, values, created)
        item.unit = db.session.get(Unit, values["unit_id"])
        item.kind = db.session.get(PositionKind, values["kind_id"])


IMPORTERS = {"employee": EmployeeImporter(), "unit": UnitImporter(), "position": PositionImporter()}


def _current_values(item, values: dict) -> dict:
    """The stored values of the fields the file sets; the parent is compared by its code."""
    current = {name: getattr(item, name) for name in values if name != "parent_code"}
    if "parent_code" in values:
        current["parent_code"] = item.parent.code.upper() if item.parent is not None else None
    return current


# --- planning and applying ---------------------------------------------------------------------------

def plan_rows(kind: str, filename: str, rows, scope: UserScope | None = None) -> ImportPlan:
    """Decide per row: create, update, unchanged or rejected (with the DomainError saying why)."""
    scope = scope or current_scope()
    importer = IMPORTERS[kind]
    catalogue = Catalogue()
    existing = importer.existing()
    holders = importer.holders(existing) if hasattr(importer, "holders") else None
    file_codes = {cells.get("code", "").upper() for _, cells in rows} if kind != "employee" else set()
    seen: dict[str, int] = {}
    plans = []
    for line, cells in rows:
        plan = RowPlan(line=line, key=printable(cells.get("nip") or cells.get("code", "")),
                       label=printable(cells.get("name", "")))
        plans.append(plan)
        try:
            refuse_control_characters(cells, importer.columns)
            values = importer.resolve(cells, catalogue, plan, file_codes)
            if plan.key in seen:
                raise DomainError(N_("The same number or code is already on row %(line)d."), field="key",
                                  line=seen[plan.key])
            seen[plan.key] = line
            current = existing.get(plan.key)
            if current is not None:
                _ensure_agency_writable(current.agency_id, scope)
            _ensure_agency_writable(values["agency_id"], scope)
            plan.values, plan.existing = values, current
            if current is None:
                plan.status = CREATE
            else:
                stored = _current_values(current, values)
                plan.changes = [name for name, value in values.items() if stored[name] != value]
                plan.status = UPDATE if plan.changes else UNCHANGED
            if holders is not None:
                importer.warn(plan, values, holders, catalogue)
        except DomainError as error:
            plan.status, plan.error, plan.values = REJECTED, error, {}
    return ImportPlan(kind, filename, plans)


class ImportFailed(DomainError):
    """A row could not be written at confirm time; the whole import was rolled back."""


def apply_plan(plan: ImportPlan, scope: UserScope, progress=None) -> dict[str, int]:
    """Write every create and update of ``plan`` in the current transaction; the caller commits.

    Each row goes through the same checks as a form (scope, master-data consistency, NIP). A row
    refused here raises ImportFailed naming the line, and the caller rolls everything back.
    """
    importer = IMPORTERS[plan.kind]
    work = [row for row in plan.rows if row.status in (CREATE, UPDATE)]
    created: dict[str, object] = {}
    written = []
    for done, row in enumerate(work, start=1):
        item = db.session.get(importer.model, row.existing.id) if row.status == UPDATE else importer.model(active=True)
        for name, value in row.values.items():
            if not name.endswith("_id") and name != "parent_code":
                setattr(item, name, value)
        importer.link(item, row.values, created)
        if not importer.parents_in_file:
            _check_row(importer, item, row, scope)
        if row.status == CREATE:
            db.session.add(item)
            created[row.key] = item
        written.append((item, row))
        if done % FLUSH_EVERY == 0:
            db.session.flush()
            if progress:
                progress(done, len(work))
    if importer.parents_in_file:
        # A parent may come later in the file than its children: link and check once every row exists.
        for item, row in written:
            importer.link(item, row.values, created)
            _check_row(importer, item, row, scope)
    db.session.flush()
    counts = plan.counts
    user = acting_user()
    # One entry for the import as a whole, next to the per-row entries the flush has written.
    append_entries(db.session.connection(), [{
        "created_at": utcnow(), "user_id": getattr(user, "id", None),
        "username": getattr(user, "username", "system"), "ip_address": request.remote_addr if has_request_context()
        else None, "action": "import", "entity": importer.model.__name__, "entity_id": None,
        "summary": f"{plan.filename}: " + ", ".join(f"{count} {status}" for status, count in counts.items())[:200],
        "changes": {"file": plan.filename, "counts": counts}}])
    if progress:
        progress(len(work), len(work))
    return counts


def _check_row(importer, item, row: RowPlan, scope: UserScope) -> None:
    try:
        ensure_writable(item, scope)
        importer.check(item)
    except DomainError as error:
        raise ImportFailed(N_("Row %(line)d: %(reason)s"), field="file", line=row.line,
                           reason=str(error)) from error


# --- the upload between preview and confirm ----------------------------------------------------------

KEPT_HOURS = 24


def _folder() -> Path:
    folder = Path(current_app.config["UPLOAD_FOLDER"]) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _forget_stale_uploads() -> None:
    """Uploads previewed but never confirmed hold personal data: they are kept for a day only."""
    limit = time.time() - KEPT_HOURS * 3600
    for path in _folder().iterdir():
        if path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)


def _path(token: str, suffix: str = ".json") -> Path:
    if len(token) != _TOKEN_LENGTH * 2 or not all(c in "0123456789abcdef" for c in token):
        raise ImportNotFound(N_("This upload is no longer available; upload the file again."), field="file")
    return _folder() / f"{token}{suffix}"


def preview(kind: str, stream, filename: str) -> tuple[str, ImportPlan]:
    """Read the upload, keep its rows server-side for this user, and plan them. Writes nothing to the database.

    The plan is kept too, so showing the preview again (paging through statuses) does not plan 20,000 rows
    again; ``confirm`` does plan again, against the database as it is then.
    """
    if kind not in IMPORTERS:
        raise DomainError(N_("Choose what the file holds."), field="kind")
    rows = parse_rows(read_table(stream.read(), filename or ""), kind)
    _forget_stale_uploads()
    token = secrets.token_hex(_TOKEN_LENGTH)
    user = acting_user()
    stored = {"user_id": getattr(user, "id", None), "kind": kind, "filename": os.path.basename(filename),
              "rows": rows}
    plan = plan_rows(kind, stored["filename"], rows)
    _path(token).write_text(json.dumps(stored), encoding="utf-8")
    _path(token, ".plan.json").write_text(json.dumps([
        [row.line, row.key, row.label, row.status, row.changes,
         [row.error.message, row.error.params] if row.error else None,
         [[warning.message, warning.params] for warning in row.warnings]] for row in plan.rows],
        default=str), encoding="utf-8")
    return token, plan


def previewed(token: str) -> ImportPlan:
    """The plan shown at upload time (for the preview page); only its uploader may read it."""
    stored = _stored(token)
    rows = json.loads(_path(token, ".plan.json").read_text(encoding="utf-8"))
    return ImportPlan(stored["kind"], stored["filename"], [
        RowPlan(line=line, key=key, label=label, status=status, changes=changes,
                error=DomainError(error[0], **error[1]) if error else None,
                warnings=[DomainError(message, **params) for message, params in warnings])
        for line, key, label, status, changes, error, warnings in rows])


def load(token: str) -> ImportPlan:
    """The plan of a kept upload, computed against the database as it is now; only its uploader may load it."""
    stored = _stored(token)
    return plan_rows(stored["kind"], stored["filename"], [tuple(row) for row in stored["rows"]])


def _stored(token: str) -> dict:
    path = _path(token)
    user = acting_user()
    if not path.exists():
        raise ImportNotFound(N_("This upload is no longer available; upload the file again."), field="file")
    stored = json.loads(path.read_text(encoding="utf-8"))
    if stored["user_id"] != getattr(user, "id", None):
        raise ImportNotFound(N_("This upload is no longer available; upload the file again."), field="file")
    return stored


def confirm(token: str, progress=None) -> dict[str, int]:
    """Write the kept upload in one transaction, then forget it (a second confirm finds nothing)."""
    plan = load(token)
    scope = current_scope()
    counts = run_in_transaction(lambda: apply_plan(plan, scope, progress),
                                ConcurrentChange(N_("Someone changed these records meanwhile; try again.")))
    _path(token).unlink(missing_ok=True)
    _path(token, ".plan.json").unlink(missing_ok=True)
    return counts


# --- large files: confirm in the background, progress on disk so any worker can answer -------------
#
# The job's thread may die with its process (a restarted or killed worker, out of memory) without a word.
# So a companion thread touches a heartbeat file while the job's thread lives, and says "interrupted" if
# that thread ends without saying how; a heartbeat older than STALE_AFTER_SECONDS means the process is gone.
# Either way the job reads as failed — the transaction died with it, nothing was written — and the
# upload is kept, so the user can confirm again.

HEARTBEAT_SECONDS = 5
STALE_AFTER_SECONDS = 30
INTERRUPTED = N_("The import stopped unexpectedly (the server restarted or ran out of memory); nothing was "
                 "saved. You can save it again.")


def read_progress(token: str) -> dict | None:
    _stored_or_done(token)
    state = _progress(token)
    if state is not None and state["state"] == "running" and _heartbeat_age(token) > STALE_AFTER_SECONDS:
        return {**state, "state": "failed", "message": INTERRUPTED, "params": {}}
    return state


def _progress(token: str) -> dict | None:
    path = _path(token, ".progress.json")
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def _heartbeat_age(token: str) -> float:
    try:
        return time.time() - _path(token, ".heartbeat").stat().st_mtime
    except FileNotFoundError:
        return float("inf")


def _stored_or_done(token: str) -> None:
    progress_path = _path(token, ".progress.json")
    if progress_path.exists():
        owner = json.loads(progress_path.read_text(encoding="utf-8")).get("user_id")
        if owner == getattr(acting_user(), "id", None):
            return
        raise ImportNotFound(N_("This upload is no longer available; upload the file again."), field="file")
    _stored(token)


def _write_progress(token: str, user_id: int | None, **state) -> None:
    path = _path(token, ".progress.json")
    # One temporary file per thread: the job and its companion may both write.
    temporary = path.with_name(f"{path.name}.{threading.get_ident()}.tmp")
    temporary.write_text(json.dumps({"user_id": user_id, **state}), encoding="utf-8")
    temporary.replace(path)


def _claim(token: str) -> None:
    """Create the job's heartbeat file, or refuse: another job of this upload is alive.

    A heartbeat left by a dead process is taken over. Exclusive creation makes a double click start one job.
    """
    heartbeat = _path(token, ".heartbeat")
    if _heartbeat_age(token) > STALE_AFTER_SECONDS:
        heartbeat.unlink(missing_ok=True)
    try:
        os.close(os.open(heartbeat, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        raise DomainError(N_("This import is already running."), field="file") from None


def confirm_in_background(token: str) -> None:
    """Start ``confirm`` in a thread acting for this user (same scope, same audit name); poll read_progress."""
    _stored(token)
    _claim(token)
    app = current_app._get_current_object()
    user_id = getattr(acting_user(), "id", None)
    remote_address = g.get("import_remote_address")
    _write_progress(token, user_id, state="running", done=0, total=0)

    def run():
        with app.test_request_context(environ_base={"REMOTE_ADDR": remote_address or "127.0.0.1"}):
            g.user = app.appbuilder.sm.get_user_by_id(user_id)
            try:
                counts = confirm(token, lambda done, total: _write_progress(
                    token, user_id, state="running", done=done, total=total))
                _write_progress(token, user_id, state="done", counts=counts)
            except DomainError as error:
                _write_progress(token, user_id, state="failed", message=error.message, params=error.params)
            except Exception:  # noqa: BLE001 — the page must learn the job ended; the log keeps the trace
                current_app.logger.exception("import %s failed", token)
                _write_progress(token, user_id, state="failed",
                                message=N_("The import failed; nothing was written."), params={})
            finally:
                db.session.remove()

    def beat(job: threading.Thread):
        with app.app_context():
            heartbeat = _path(token, ".heartbeat")
            while job.is_alive():
                heartbeat.touch()
                job.join(HEARTBEAT_SECONDS)
            state = _progress(token)
            if state is None or state["state"] == "running":
                _write_progress(token, user_id, state="failed", message=INTERRUPTED, params={})
            heartbeat.unlink(missing_ok=True)

    job = threading.Thread(target=run, name=f"import-{token[:8]}", daemon=True)
    job.start()
    threading.Thread(target=beat, args=(job,), name=f"import-{token[:8]}-heartbeat", daemon=True).start()
