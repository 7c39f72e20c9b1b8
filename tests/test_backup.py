"""`flask backup create` / `flask backup restore`: the whole database and the stored files in one archive,
restored on a fresh instance (SQLite here; PostgreSQL too when TEST_DATABASE_URL is set) with the same record
counts, file hashes, signed documents and an intact audit chain."""
import hashlib
import io
import json
import os
import tarfile
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.services.backup import BackupError, restore_backup
from tests.conftest import POSTGRES_URL
from tests.test_integrity import make_signed_document

EVIDENCE = b"foto kegiatan \x00\x01 bukti"


def table_counts(url_or_engine) -> dict[str, int]:
    engine = sa.create_engine(url_or_engine) if isinstance(url_or_engine, str) else url_or_engine
    metadata = sa.MetaData()
    with engine.connect() as connection:
        metadata.reflect(bind=connection)
        counts = {name: connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
                  for name, table in metadata.tables.items() if name != "alembic_version"}
    if isinstance(url_or_engine, str):
        engine.dispose()
    return counts


def file_hashes(root: Path) -> dict[str, str]:
    return {path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(root.rglob("*")) if path.is_file()}


@pytest.fixture(scope="module")
def archive(app, tmp_path_factory):
    """A backup of the test database with an evidence file and a signed document in it."""
    evidence = Path(app.config["UPLOAD_FOLDER"]) / "activity" / "backup-test" / "bukti.jpg"
    evidence.parent.mkdir(parents=True, exist_ok=True)
    evidence.write_bytes(EVIDENCE)
    make_signed_document()
    path = tmp_path_factory.mktemp("backup") / "sikinerja.tar.gz"
    result = app.test_cli_runner().invoke(args=["backup", "create", str(path)])
    assert result.exit_code == 0, result.output
    assert "Backup written" in result.output
    with app.app_context():
        source_counts = table_counts(db.engine)
    return path, source_counts


def fresh_instance(tmp_path, database_url):
    """A new application on an empty database migrated to the current schema, as `make run` would set up."""
    from flask_migrate import upgrade

    from app import create_app

    fresh = create_app(SQLALCHEMY_DATABASE_URI=database_url, TESTING=True, SERVER_NAME="localhost",
                       UPLOAD_FOLDER=str(tmp_path / "uploads"))
    fresh.instance_path = str(tmp_path)
    with fresh.app_context():
        upgrade()
    return fresh


def restore_and_compare(app, archive, fresh, tmp_path):
    path, source_counts = archive
    result = fresh.test_cli_runner().invoke(args=["backup", "restore", str(path)])
    assert result.exit_code == 0, result.output
    assert "signed documents verified" in result.output
    with fresh.app_context():
        assert table_counts(db.engine) == source_counts
        assert table_counts(db.engine)["employee"] > 0
    assert file_hashes(tmp_path / "uploads") == file_hashes(Path(app.config["UPLOAD_FOLDER"]))
    assert (tmp_path / "uploads" / "activity" / "backup-test" / "bukti.jpg").read_bytes() == EVIDENCE
    assert (tmp_path / "signing" / "demo-ca" / "root.pem").is_file()  # signed PDFs still verify here
    verified = fresh.test_cli_runner().invoke(args=["audit", "verify"])
    assert verified.exit_code == 0, verified.output
    # A restore ends the sessions of the backup's time (they may have ended since): such a cookie is anonymous.
    with tarfile.open(path) as tar:
        account = json.loads(tar.extractfile("data/ab_user.jsonl").readline())
    browser = fresh.test_client()
    browser.set_cookie("session", fresh.session_interface.get_signing_serializer(fresh).dumps(
        {"_user_id": f"{account['id']}:{account['session_epoch']}", "_fresh": True}))
    assert "/login" in browser.get("/users/userinfo/").headers.get("Location", "")
    return fresh


def test_manifest_lists_counts_and_hashes(app, archive):
    from alembic.script import ScriptDirectory

    from app.extensions import migrate

    path, source_counts = archive
    with tarfile.open(path) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        names = set(tar.getnames())
    assert manifest["tables"] == source_counts
    with app.app_context():
        head = ScriptDirectory.from_config(migrate.get_config()).get_current_head()
    assert manifest["schema_revision"] == head
    assert "files/uploads/activity/backup-test/bukti.jpg" in manifest["sha256"]
    assert set(manifest["sha256"]) == names - {"manifest.json"}


def test_restore_on_a_fresh_sqlite_instance(app, archive, tmp_path):
    fresh = fresh_instance(tmp_path, f"sqlite:///{tmp_path}/restored.db")
    restore_and_compare(app, archive, fresh, tmp_path)
    with fresh.app_context():
        # The restored instance works: a demo account signs in and sees its data.
        client = fresh.test_client()
        response = client.post("/api/v1/security/login", json={
            "username": "admin.disdik", "password": "Sikinerja#2026", "provider": "db"})
        assert response.status_code == 200
        token = {"Authorization": f"Bearer {response.json['access_token']}"}
        assert client.get("/api/v1/employee/", headers=token).json["count"] > 0
    # A second restore into the same, now filled, database is refused: nothing is mixed.
    again = fresh.test_cli_runner().invoke(args=["backup", "restore", str(archive[0])])
    assert again.exit_code == 1
    assert "already holds data" in again.output


@pytest.mark.skipif(not POSTGRES_URL, reason="needs TEST_DATABASE_URL (PostgreSQL)")
def test_restore_on_a_fresh_postgres_instance(app, archive, tmp_path):
    schema = f"restore_{uuid.uuid4().hex[:8]}"
    base = POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://", 1)
    admin = sa.create_engine(base)
    with admin.begin() as connection:
        connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
    separator = "&" if "?" in base else "?"
    try:
        fresh = fresh_instance(tmp_path, f"{base}{separator}options=-csearch_path%3D{schema}")
        restore_and_compare(app, archive, fresh, tmp_path)
        # --replace empties the tables with TRUNCATE, which the audit log refuses: the restore lifts that guard
        # for its own transaction only.
        replaced = fresh.test_cli_runner().invoke(args=["backup", "restore", "--replace", str(archive[0])])
        assert replaced.exit_code == 0, replaced.output
        assert fresh.test_cli_runner().invoke(args=["audit", "verify"]).exit_code == 0
        with fresh.app_context():
            with pytest.raises(sa.exc.DBAPIError, match="append-only"), db.engine.begin() as connection:
                connection.execute(sa.text("TRUNCATE audit_entry"))
            db.engine.dispose()
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def _copy_with(path: Path, target: Path, replace: dict[str, bytes]) -> Path:
    """The archive with some members' bytes replaced (the manifest left as it was)."""
    with tarfile.open(path) as source, tarfile.open(target, "w:gz") as out:
        for member in source.getmembers():
            data = replace.get(member.name, source.extractfile(member).read() if member.isfile() else None)
            info = tarfile.TarInfo(member.name)
            info.size = len(data or b"")
            out.addfile(info, io.BytesIO(data or b""))
    return target


def test_a_damaged_archive_restores_nothing(app, archive, tmp_path):
    damaged = _copy_with(archive[0], tmp_path / "damaged.tar.gz",
                         {"files/uploads/activity/backup-test/bukti.jpg": b"something else"})
    target = sa.create_engine(f"sqlite:///{tmp_path}/untouched.db")
    with app.app_context(), pytest.raises(BackupError, match="damaged"):
        restore_backup(target, {"uploads": tmp_path / "uploads", "signing": tmp_path / "signing"}, damaged)
    assert not (tmp_path / "uploads").exists()
    assert sa.inspect(target).get_table_names() == []


def test_an_archive_with_a_path_outside_its_folders_is_refused(app, archive, tmp_path):
    with tarfile.open(archive[0]) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    manifest["sha256"]["files/uploads/../../escaped.txt"] = hashlib.sha256(b"x").hexdigest()
    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(evil, "w:gz") as out:
        for name, data in (("manifest.json", json.dumps(manifest).encode()), ("files/uploads/../../escaped.txt", b"x")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            out.addfile(info, io.BytesIO(data))
    with app.app_context(), pytest.raises(BackupError, match="unsafe path"):
        restore_backup(sa.create_engine(f"sqlite:///{tmp_path}/x.db"), {"uploads": tmp_path / "u"}, evil)
    assert not (tmp_path.parent / "escaped.txt").exists()
    assert not os.path.exists(tmp_path / "x.db") or sa.inspect(sa.create_engine(f"sqlite:///{tmp_path}/x.db")) \
        .get_table_names() == []
