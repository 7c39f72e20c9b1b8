"""Backup and restore: the whole database and the stored files in one tar.gz, portable between SQLite and
PostgreSQL.

The archive holds

* ``manifest.json`` — format, schema revision, record count per table, SHA-256 of every member;
* ``data/<table>.jsonl`` — every row of every table, one JSON object per line, in primary-key order
  (dates ISO 8601, decimals as text, binary as base64), read from one consistent snapshot;
* ``files/<root>/<path>`` — the stored files (uploads: evidence, imports, bulk-job results; the signing
  trust anchors).

A restore goes into an instance whose schema is migrated to the same revision: it checks every member's
hash before writing anything, loads the tables in dependency order in ONE transaction, ends every session
the restored accounts had, then compares the record counts with the manifest and each signed PDF with the
SHA-256 recorded when it was signed; any difference rolls the whole load back.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json
import os
import tarfile
import tempfile
import warnings
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path, PurePosixPath

import sqlalchemy as sa

FORMAT = 1
MANIFEST = "manifest.json"
BATCH_SIZE = 1000
SCHEMA_VERSION_TABLE = "alembic_version"


class BackupError(Exception):
    """The archive cannot be restored here (wrong schema, damaged member, target not empty, mismatch)."""


@dataclass
class Manifest:
    revision: str | None
    tables: dict[str, int]
    hashes: dict[str, str]
    created_at: str
    source_database: str

    def to_json(self) -> bytes:
        return json.dumps({"format": FORMAT, "created_at": self.created_at, "source_database": self.source_database,
                           "schema_revision": self.revision, "tables": self.tables, "sha256": self.hashes},
                          indent=2, sort_keys=True).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> "Manifest":
        data = json.loads(raw)
        if data.get("format") != FORMAT:
            raise BackupError(f"unknown backup format {data.get('format')!r}")
        return cls(data["schema_revision"], data["tables"], data["sha256"], data["created_at"],
                   data["source_database"])


# --- values ---------------------------------------------------------------------------------------

def _encode(value):
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (bytes, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def _decoder(column_type):
    """How a JSON value goes back into a column of the TARGET database's type."""
    if isinstance(column_type, sa.DateTime):
        return dt.datetime.fromisoformat
    if isinstance(column_type, sa.Date):
        return dt.date.fromisoformat
    if isinstance(column_type, sa.Time):
        return dt.time.fromisoformat
    if isinstance(column_type, sa.LargeBinary):
        return base64.b64decode
    if isinstance(column_type, sa.Numeric) and not isinstance(column_type, sa.Float):
        return Decimal
    return None


def _decode_row(row: dict, decoders: dict) -> dict:
    return {key: (decoders[key](value) if value is not None and decoders.get(key) else value)
            for key, value in row.items()}


# --- schema -----------------------------------------------------------------------------------------

def _reflect(connection) -> tuple[list[sa.Table], str | None]:
    metadata = sa.MetaData()
    metadata.reflect(bind=connection)
    with warnings.catch_warnings():  # a cycle of foreign keys is fine: its columns are loaded afterwards
        warnings.simplefilter("ignore", sa.exc.SAWarning)
        tables = [table for table in metadata.sorted_tables if table.name != SCHEMA_VERSION_TABLE]
    revision = None
    if SCHEMA_VERSION_TABLE in metadata.tables:
        revision = connection.execute(sa.select(metadata.tables[SCHEMA_VERSION_TABLE].c.version_num)).scalar()
    return tables, revision


def _key_columns(table: sa.Table):
    return list(table.primary_key.columns) or list(table.columns)


def _later_references(table: sa.Table, loaded: set[str]) -> tuple[list[str], list[str]]:
    """Foreign-key columns whose target may not be there yet when a row is inserted: those pointing at a table
    not loaded yet, and those pointing into the table itself (rows go in key order, so only a reference to a
    later row must wait). They are written NULL and set once every table is loaded."""
    forward = [fk.parent.name for fk in table.foreign_keys
               if fk.column.table.name != table.name and fk.column.table.name not in loaded]
    inward = [fk.parent.name for fk in table.foreign_keys if fk.column.table.name == table.name]
    return forward, inward


# --- backup -------------------------------------------------------------------------------------------

def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def snapshot(engine):
    """A connection reading one consistent state of the whole database (roll it back and close it after)."""
    connection = engine.connect()
    if engine.dialect.name == "postgresql":
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        connection.begin()
    elif engine.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN")  # pysqlite starts no transaction for reads by itself
    return connection


def create_backup(engine, file_roots: dict[str, Path], archive_path: Path) -> Manifest:
    """Write the database and the files under ``file_roots`` (name → folder) into ``archive_path``."""
    tables_count, hashes = {}, {}
    with tempfile.TemporaryDirectory(prefix="sikinerja-backup-") as work:
        work = Path(work)
        (work / "data").mkdir()
        connection = snapshot(engine)
        try:
            tables, revision = _reflect(connection)
            for table in tables:
                target = work / "data" / f"{table.name}.jsonl"
                rows = 0
                with open(target, "w", encoding="utf-8") as out:
                    result = connection.execution_options(yield_per=BATCH_SIZE).execute(
                        sa.select(table).order_by(*_key_columns(table)))
                    for row in result.mappings():
                        out.write(json.dumps({key: _encode(value) for key, value in row.items()},
                                             ensure_ascii=False, separators=(",", ":")) + "\n")
                        rows += 1
                tables_count[table.name] = rows
                hashes[f"data/{table.name}.jsonl"] = _sha256_file(target)
        finally:
            connection.rollback()
            connection.close()
        files = []
        for root_name, root in file_roots.items():
            root = Path(root)
            if not root.is_dir():
                continue
            for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink()):
                member = f"files/{root_name}/{path.relative_to(root).as_posix()}"
                hashes[member] = _sha256_file(path)
                files.append((path, member))
        manifest = Manifest(revision, tables_count, hashes, dt.datetime.now(dt.timezone.utc).isoformat(),
                            engine.dialect.name)
        archive_path = Path(archive_path)
        archive_path.parent.mkdir(parents=True, exist_ok=True)
        partial = archive_path.with_name(archive_path.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            _add_bytes(archive, MANIFEST, manifest.to_json())
            for table in tables_count:
                archive.add(work / "data" / f"{table}.jsonl", arcname=f"data/{table}.jsonl")
            for path, member in files:
                archive.add(path, arcname=member)
        os.replace(partial, archive_path)  # a crash leaves no half-written archive under the real name
    return manifest


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(dt.datetime.now().timestamp())
    archive.addfile(info, io.BytesIO(data))


# --- restore -------------------------------------------------------------------------------------------

def _safe_member_path(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts:
        raise BackupError(f"unsafe path in archive: {name}")
    return path


def _read_verified(archive: tarfile.TarFile, manifest: Manifest) -> None:
    """Every member is listed in the manifest with the right hash, and every listed member is there."""
    seen = set()
    for member in archive.getmembers():
        if member.name == MANIFEST or member.isdir():
            continue
        _safe_member_path(member.name)
        if not member.isfile():
            raise BackupError(f"unexpected member type in archive: {member.name}")
        expected = manifest.hashes.get(member.name)
        if expected is None:
            raise BackupError(f"{member.name} is not listed in the manifest")
        digest = hashlib.sha256()
        stream = archive.extractfile(member)
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
        if digest.hexdigest() != expected:
            raise BackupError(f"{member.name} is damaged: its SHA-256 does not match the manifest")
        seen.add(member.name)
    missing = set(manifest.hashes) - seen
    if missing:
        raise BackupError(f"missing from the archive: {', '.join(sorted(missing))}")


def _quoted(connection, name: str) -> str:
    return connection.dialect.identifier_preparer.quote(name)


def _empty_target(connection, tables: list[sa.Table], replace: bool) -> None:
    occupied = [table.name for table in tables
                if connection.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first()]
    if not occupied:
        return
    if not replace:
        raise BackupError(f"the target database already holds data ({', '.join(occupied[:5])}…); restore into a "
                          "freshly migrated database or pass --replace")
    if connection.dialect.name == "postgresql":
        # TRUNCATE fires no row triggers (the audit log's append-only ones), but the audit tables refuse
        # TRUNCATE itself: the restore lifts that guard for its own TRUNCATE only, inside its transaction.
        guards = _truncate_guards(connection, tables)
        for table, trigger in guards:
            connection.exec_driver_sql(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
        names = ", ".join(_quoted(connection, table.name) for table in tables)
        connection.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        for table, trigger in guards:
            connection.exec_driver_sql(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")
    else:
        for table in reversed(tables):
            connection.execute(table.delete())


def _truncate_guards(connection, tables: list[sa.Table]) -> list[tuple[str, str]]:
    """(table, trigger) of the triggers that fire on TRUNCATE of ``tables`` (PostgreSQL), quoted."""
    truncate_bit = 1 << 5  # TRIGGER_TYPE_TRUNCATE in pg_trigger.tgtype
    rows = connection.execute(sa.text(
        "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "WHERE NOT t.tgisinternal AND t.tgtype & :bit <> 0 AND pg_table_is_visible(c.oid) "
        "AND c.relname = ANY(:names)"), {"bit": truncate_bit, "names": [table.name for table in tables]})
    return [(_quoted(connection, table), _quoted(connection, trigger)) for table, trigger in rows]


def _load_table(connection, archive, table: sa.Table, loaded: set[str]) -> list[tuple[dict, dict]]:
    """Insert a table's rows; return (key, later-references) pairs to set once every table is loaded."""
    decoders = {column.name: _decoder(column.type) for column in table.columns}
    forward, inward = _later_references(table, loaded)
    keys = [column.name for column in _key_columns(table)]
    pending, batch = [], []
    stream = io.TextIOWrapper(archive.extractfile(f"data/{table.name}.jsonl"), encoding="utf-8")
    for line in stream:
        row = _decode_row(json.loads(line), decoders)
        unknown = set(row) - set(table.columns.keys())
        if unknown:
            raise BackupError(f"{table.name}: columns {', '.join(sorted(unknown))} do not exist here")
        own_key = row[keys[0]] if len(keys) == 1 else None
        references = {name: row[name] for name in forward if row.get(name) is not None}
        references.update({name: row[name] for name in inward if row.get(name) is not None
                           and (own_key is None or not row[name] < own_key)})
        if references:
            pending.append(({key: row[key] for key in keys}, references))
            row = {**row, **{name: None for name in references}}
        batch.append(row)
        if len(batch) >= BATCH_SIZE:
            connection.execute(table.insert(), batch)
            batch = []
    if batch:
        connection.execute(table.insert(), batch)
    return pending


def _reset_sequences(connection, tables: list[sa.Table]) -> None:
    """PostgreSQL hands out ids from sequences that a restore with explicit ids leaves behind."""
    for table in tables:
        keys = list(table.primary_key.columns)
        if len(keys) != 1 or not isinstance(keys[0].type, sa.Integer):
            continue
        name, column = _quoted(connection, table.name), _quoted(connection, keys[0].name)
        connection.execute(sa.text(
            f"SELECT setval(pg_get_serial_sequence(:table, :column), COALESCE(MAX({column}), 1), "
            f"MAX({column}) IS NOT NULL) FROM {name}"), {"table": table.name, "column": keys[0].name})


def _end_restored_sessions(connection, tables: list[sa.Table]) -> None:
    """A restore winds every account's session epoch back to the backup's, and with it would revive the sessions
    that logging out or a new password ended since: end them all (everyone signs in again after a restore)."""
    users = next((table for table in tables if table.name == "ab_user"), None)
    if users is not None and "session_epoch" in users.c:
        connection.execute(users.update().values(session_epoch=users.c.session_epoch + 1))


def _check_counts(connection, tables: list[sa.Table], manifest: Manifest) -> None:
    for table in tables:
        count = connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
        if count != manifest.tables[table.name]:
            raise BackupError(f"{table.name}: {count} records restored, the backup holds "
                              f"{manifest.tables[table.name]}")


def _check_signed_documents(connection, tables: list[sa.Table]) -> int:
    """Each restored signed PDF still has the SHA-256 recorded when it was signed."""
    by_name = {table.name: table for table in tables}
    document, content = by_name.get("signed_document"), by_name.get("signed_document_content")
    if document is None or content is None:
        return 0
    checked = 0
    rows = connection.execute(sa.select(document.c.code, document.c.sha256, content.c.pdf)
                              .join(content, content.c.document_id == document.c.id))
    for code, recorded, pdf in rows:
        if hashlib.sha256(bytes(pdf)).hexdigest() != recorded:
            raise BackupError(f"signed document {code}: its PDF does not match the SHA-256 recorded at signing")
        checked += 1
    return checked


@dataclass
class RestoreReport:
    manifest: Manifest
    records: int
    files: int
    signed_documents: int


def restore_backup(engine, file_roots: dict[str, Path], archive_path: Path, replace: bool = False) -> RestoreReport:
    """Load ``archive_path`` into the database behind ``engine`` and the folders of ``file_roots``."""
    with tarfile.open(archive_path, "r:gz") as archive:
        try:
            manifest = Manifest.from_json(archive.extractfile(MANIFEST).read())
        except KeyError:
            raise BackupError("this is not a SiKinerja backup (no manifest.json)") from None
        _read_verified(archive, manifest)
        unknown_roots = {PurePosixPath(name).parts[1] for name in manifest.hashes if name.startswith("files/")} \
            - set(file_roots)
        if unknown_roots:
            raise BackupError(f"no folder configured for stored files of kind {', '.join(sorted(unknown_roots))}")
        with engine.begin() as connection:
            tables, revision = _reflect(connection)
            if revision != manifest.revision:
                raise BackupError(f"the backup is of schema revision {manifest.revision}, this database is at "
                                  f"{revision}; migrate it to the backup's revision first")
            missing = set(manifest.tables) - {table.name for table in tables}
            if missing:
                raise BackupError(f"tables missing here: {', '.join(sorted(missing))}")
            tables = [table for table in tables if table.name in manifest.tables]
            _empty_target(connection, tables, replace)
            loaded, deferred = set(), []
            for table in tables:
                deferred.extend((table, key, values) for key, values in _load_table(connection, archive, table, loaded))
                loaded.add(table.name)
            for table, key, values in deferred:
                connection.execute(table.update().where(*(table.c[name] == value for name, value in key.items()))
                                   .values(**values))
            if connection.dialect.name == "postgresql":
                _reset_sequences(connection, tables)
            _end_restored_sessions(connection, tables)
            _check_counts(connection, tables, manifest)
            signed = _check_signed_documents(connection, tables)
        files = _restore_files(archive, manifest, file_roots)
    return RestoreReport(manifest, sum(manifest.tables.values()), files, signed)


def _restore_files(archive: tarfile.TarFile, manifest: Manifest, file_roots: dict[str, Path]) -> int:
    restored = 0
    for name, expected in manifest.hashes.items():
        path = _safe_member_path(name)
        if path.parts[0] != "files":
            continue
        root_name, relative = path.parts[1], PurePosixPath(*path.parts[2:])
        target = Path(file_roots[root_name]) / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        data = archive.extractfile(name).read()
        if hashlib.sha256(data).hexdigest() != expected:
            raise BackupError(f"{name} is damaged: its SHA-256 does not match the manifest")
        target.write_bytes(data)
        restored += 1
    return restored
