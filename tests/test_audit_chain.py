"""The audit log is a hash chain anchored outside itself: `flask audit verify` names the first entry changed or
removed behind the application's back, a log cut short or emptied, and an anchor moved to match; nothing in the
application can change an entry, and PostgreSQL refuses the same through SQL."""
import datetime as dt

import pytest
from sqlalchemy import delete, select, text, update

from app.extensions import db
from app.models import AuditEntry, Unit
from app.models.activity import Holiday
from app.models.audit import AuditAnchor
from app.services.audit import GENESIS_HASH, entry_hash
from tests.conftest import POSTGRES_URL
from tests.helpers import count, database, first_id, versioned

ENTRY_COLUMNS = ("id", "created_at", "user_id", "username", "ip_address", "action", "entity", "entity_id", "summary",
                 "changes", "prev_hash", "entry_hash")
ANCHOR_COLUMNS = ("id", "entry_count", "head_id", "head_hash", "seal")
sqlite_only = pytest.mark.skipif(bool(POSTGRES_URL), reason="PostgreSQL refuses this tampering itself")
postgres_only = pytest.mark.skipif(not POSTGRES_URL, reason="the guarding triggers exist on PostgreSQL")


def verify(app):
    return app.test_cli_runner().invoke(args=["audit", "verify"])


def raw_sql(app, statement, **params):
    """SQL sent straight to the database, as someone with the database file or a psql session would."""
    with app.app_context(), db.engine.begin() as connection:
        return connection.execute(text(statement), params)


def raw_rows(app, table, columns):
    with app.app_context(), db.engine.connect() as connection:
        return [dict(row) for row in connection.execute(text(f"SELECT {', '.join(columns)} FROM {table} ORDER BY id"))
                .mappings()]


def last_entries(number):
    with database() as session:
        entries = list(reversed(session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(number)).all()))
        session.expunge_all()  # read them after the session is gone
        return entries


def anchor():
    with database() as session:
        row = session.get(AuditAnchor, 1)
        session.expunge_all()
        return row


@pytest.fixture()
def tampered_log(app):
    """The log and its anchor put back exactly as they were after a test tampers with them (SQLite)."""
    entries, anchors = raw_rows(app, "audit_entry", ENTRY_COLUMNS), raw_rows(app, "audit_anchor", ANCHOR_COLUMNS)
    yield
    with app.app_context(), db.engine.begin() as connection:
        for table, columns, rows in (("audit_entry", ENTRY_COLUMNS, entries), ("audit_anchor", ANCHOR_COLUMNS, anchors)):
            connection.execute(text(f"DELETE FROM {table}"))
            connection.execute(text(f"INSERT INTO {table} ({', '.join(columns)}) "
                                    f"VALUES ({', '.join(':' + column for column in columns)})"), rows)
    assert verify(app).exit_code == 0


@pytest.fixture()
def anchor_key(app):
    """Set this instance's AUDIT_ANCHOR_KEY for one test (None: derived from SECRET_KEY); afterwards the
    original key, and the anchor sealed with it if the log matches it."""
    original = app.config.get("AUDIT_ANCHOR_KEY")

    def set_key(key):
        app.config["AUDIT_ANCHOR_KEY"] = key

    yield set_key
    set_key(original)
    app.test_cli_runner().invoke(args=["audit", "reseal"])


def rename_a_unit(api_as):
    """Two audited changes through the API (and the login before them): three new entries."""
    client, headers = api_as("admin.disdik")
    unit = first_id(Unit, "DISDIKBUD")
    name = client.get(f"/api/v1/unit/{unit}", headers=headers).json["result"]["name"]
    assert client.put(f"/api/v1/unit/{unit}", json=versioned({"name": name + " "}, Unit, unit),
                      headers=headers).status_code == 200
    assert client.put(f"/api/v1/unit/{unit}", json=versioned({"name": name}, Unit, unit),
                      headers=headers).status_code == 200


def test_the_seeded_log_verifies(app):
    result = verify(app)
    assert result.exit_code == 0, result.output
    assert "hash chain intact" in result.output


def test_each_new_entry_links_to_the_one_before_and_moves_the_anchor(app, api_as):
    rename_a_unit(api_as)  # the login itself is an entry (record_event)
    entries = last_entries(3)
    assert [entry.action for entry in entries][-2:] == ["update", "update"]
    for before, after in zip(entries, entries[1:]):
        assert after.prev_hash == before.entry_hash
        assert after.entry_hash == entry_hash(after, after.prev_hash)
    with database() as session:
        assert session.scalars(select(AuditEntry.prev_hash).order_by(AuditEntry.id)).first() == GENESIS_HASH
    head = anchor()
    assert (head.entry_count, head.head_id, head.head_hash) == (count(AuditEntry), entries[-1].id,
                                                                entries[-1].entry_hash)
    result = verify(app)
    assert result.exit_code == 0, result.output
    assert f"OK: {head.entry_count} entries" in result.output


def test_a_created_row_is_logged_with_its_id(app):
    """A new row's entry names the row: its id is known once the flush wrote it, on both databases."""
    with database() as session:
        holiday = Holiday(date=dt.date(2031, 8, 17), name="Hari Kemerdekaan (uji log)")
        session.add(holiday)
        session.commit()
        created = session.scalar(select(AuditEntry).where(AuditEntry.entity == "Holiday",
                                                          AuditEntry.action == "create")
                                 .order_by(AuditEntry.id.desc()))
        assert created is not None and created.entity_id == str(holiday.id)


@sqlite_only
def test_a_changed_entry_is_named_by_verify(app, tampered_log):
    victim = last_entries(5)[0]
    raw_sql(app, "UPDATE audit_entry SET changes = :changes WHERE id = :id",
            changes='{"name": {"before": "Dinas", "after": "forged"}}', id=victim.id)
    result = verify(app)
    assert result.exit_code == 1
    assert f"broken at entry {victim.id}" in result.output
    assert "content was changed" in result.output


@sqlite_only
def test_a_removed_entry_is_named_by_verify(app, tampered_log):
    victim, successor = last_entries(6)[:2]
    raw_sql(app, "DELETE FROM audit_entry WHERE id = :id", id=victim.id)
    result = verify(app)
    assert result.exit_code == 1
    assert f"broken at entry {successor.id}" in result.output
    assert "removed" in result.output


@sqlite_only
def test_cutting_off_the_newest_entries_is_named_by_verify(app, tampered_log):
    kept, *cut = last_entries(4)
    raw_sql(app, "DELETE FROM audit_entry WHERE id > :id", id=kept.id)
    assert count(AuditEntry) == anchor().entry_count - 3
    result = verify(app)
    assert result.exit_code == 1
    assert f"chain cut after entry {kept.id}" in result.output
    assert f"up to entry {cut[-1].id}" in result.output


@sqlite_only
def test_an_emptied_log_is_named_by_verify(app, tampered_log):
    raw_sql(app, "DELETE FROM audit_entry")
    result = verify(app)
    assert result.exit_code == 1
    assert "chain cut after entry 0" in result.output
    assert "emptied" in result.output


@sqlite_only
def test_the_application_goes_on_from_the_anchor_so_a_cut_stays_visible(app, api_as, tampered_log):
    kept = last_entries(4)[0]
    raw_sql(app, "DELETE FROM audit_entry WHERE id > :id", id=kept.id)
    rename_a_unit(api_as)
    first_new = last_entries(3)[0]
    result = verify(app)
    assert result.exit_code == 1
    assert f"broken at entry {first_new.id}" in result.output  # its link names the head that was cut off
    assert "removed" in result.output


@sqlite_only
def test_a_log_rewritten_with_fresh_hashes_is_named_by_verify(app, tampered_log):
    entries = last_entries(5)
    entries[0].summary = "forged"
    previous = entries[0].prev_hash
    for entry in entries:  # every hash after the forged entry recomputed: links and contents all match again
        entry.prev_hash, entry.entry_hash = previous, entry_hash(entry, previous)
        previous = entry.entry_hash
        raw_sql(app, "UPDATE audit_entry SET summary = :summary, prev_hash = :prev_hash, entry_hash = :entry_hash "
                     "WHERE id = :id", summary=entry.summary, prev_hash=entry.prev_hash, entry_hash=entry.entry_hash,
                id=entry.id)
    result = verify(app)
    assert result.exit_code == 1
    assert f"broken at entry {entries[-1].id}" in result.output
    assert "rewritten" in result.output


@sqlite_only
def test_an_entry_added_behind_the_applications_back_is_named_by_verify(app, tampered_log):
    head = last_entries(1)[0]
    forged = {"created_at": head.created_at, "user_id": None, "username": "admin", "ip_address": None,
              "action": "delete", "entity": "Employee", "entity_id": "1", "summary": "forged", "changes": {}}
    forged_hash = entry_hash(forged, head.entry_hash)  # the chain's hash is no secret: the link is right
    raw_sql(app, "INSERT INTO audit_entry (created_at, username, action, entity, entity_id, summary, changes, "
                 "prev_hash, entry_hash) VALUES (:created_at, 'admin', 'delete', 'Employee', '1', 'forged', '{}', "
                 ":prev_hash, :entry_hash)", created_at=head.created_at.isoformat(sep=" "), prev_hash=head.entry_hash,
            entry_hash=forged_hash)
    result = verify(app)
    assert result.exit_code == 1
    assert f"broken at entry {last_entries(1)[0].id}" in result.output
    assert "did not write it" in result.output


@sqlite_only
def test_an_anchor_moved_to_match_a_cut_log_stays_broken_after_the_next_append(app, api_as, tampered_log):
    kept = last_entries(4)[0]
    raw_sql(app, "DELETE FROM audit_entry WHERE id > :id", id=kept.id)
    raw_sql(app, "UPDATE audit_anchor SET entry_count = entry_count - 3, head_id = :id, head_hash = :hash",
            id=kept.id, hash=kept.entry_hash)
    result = verify(app)
    assert result.exit_code == 1
    assert "seal does not match" in result.output
    rename_a_unit(api_as)  # an append must not seal the forged anchor afresh
    result = verify(app)
    assert result.exit_code == 1
    assert "seal does not match" in result.output


@postgres_only
def test_postgres_refuses_to_truncate_the_log_or_move_its_anchor_back(app):
    from sqlalchemy.exc import DBAPIError

    entries, head = count(AuditEntry), anchor()
    with pytest.raises(DBAPIError, match="append-only"):
        raw_sql(app, "TRUNCATE audit_entry")
    with pytest.raises(DBAPIError, match="only moves forward"):
        raw_sql(app, "TRUNCATE audit_anchor")
    with pytest.raises(DBAPIError, match="only moves forward"):
        raw_sql(app, "DELETE FROM audit_anchor")
    with pytest.raises(DBAPIError, match="only moves forward"):
        raw_sql(app, "UPDATE audit_anchor SET entry_count = entry_count - 3")
    assert count(AuditEntry) == entries
    assert anchor().seal == head.seal
    assert verify(app).exit_code == 0


@postgres_only
def test_postgres_refuses_to_update_or_delete_audit_rows(app):
    from sqlalchemy.exc import DBAPIError

    victim = last_entries(1)[0]
    with pytest.raises(DBAPIError, match="append-only"):
        raw_sql(app, "UPDATE audit_entry SET summary = 'forged' WHERE id = :id", id=victim.id)
    with pytest.raises(DBAPIError, match="append-only"):
        raw_sql(app, "DELETE FROM audit_entry WHERE id = :id", id=victim.id)


def test_bulk_statements_through_the_orm_are_refused(app):
    with database() as session:
        with pytest.raises(PermissionError):
            session.execute(update(AuditEntry).values(summary="forged"))
        with pytest.raises(PermissionError):
            session.execute(delete(AuditEntry).where(AuditEntry.id > 0))
        with pytest.raises(PermissionError):
            session.delete(session.scalars(select(AuditEntry)).first())
            session.flush()
    with database() as session:
        with pytest.raises(PermissionError):
            session.execute(update(AuditAnchor).values(entry_count=AuditAnchor.entry_count - 3))
        with pytest.raises(PermissionError):
            session.execute(delete(AuditAnchor))
        with pytest.raises(PermissionError):
            session.get(AuditAnchor, 1).entry_count -= 3
            session.flush()
    assert verify(app).exit_code == 0


def test_after_a_change_of_key_verify_fails_until_the_anchor_is_resealed(app, anchor_key):
    anchor_key("a new key for the audit anchor")
    result = verify(app)
    assert result.exit_code == 1
    assert "seal does not match" in result.output
    assert "flask audit reseal" in result.output
    resealed = app.test_cli_runner().invoke(args=["audit", "reseal"])
    assert resealed.exit_code == 0, resealed.output
    assert verify(app).exit_code == 0
    anchor_key(None)  # back to the session's key: the anchor is sealed with the new one now
    assert verify(app).exit_code == 1
    assert app.test_cli_runner().invoke(args=["audit", "reseal"]).exit_code == 0
    assert verify(app).exit_code == 0


@sqlite_only
def test_reseal_refuses_a_cut_log_and_changes_nothing(app, tampered_log, anchor_key):
    kept = last_entries(4)[0]
    raw_sql(app, "DELETE FROM audit_entry WHERE id > :id", id=kept.id)
    before = anchor()
    anchor_key("a new key for the audit anchor")
    result = app.test_cli_runner().invoke(args=["audit", "reseal"])
    assert result.exit_code == 1
    assert f"chain cut after entry {kept.id}" in result.output
    assert "Nothing resealed" in result.output
    after = anchor()
    assert (after.entry_count, after.head_hash, after.seal) == (before.entry_count, before.head_hash, before.seal)


@sqlite_only
def test_the_migration_anchors_an_existing_chain_at_its_newest_entry(app, tampered_log):
    from alembic.script import ScriptDirectory

    from app.extensions import migrate

    before = anchor()
    raw_sql(app, "DELETE FROM audit_anchor")  # the log as it stood before 0014_audit_anchor
    assert "anchor: it is missing" in verify(app).output
    with app.app_context():
        migration = ScriptDirectory.from_config(migrate.get_config()).get_revision("0014_audit_anchor").module
        with db.engine.begin() as connection:
            migration._anchor_existing_chain(connection)
    after = anchor()
    assert (after.entry_count, after.head_id, after.head_hash, after.seal) == (
        before.entry_count, before.head_id, before.head_hash, before.seal)
    assert verify(app).exit_code == 0
