"""The audit log is a hash chain: `flask audit verify` names the first entry changed or removed behind the
application's back, and nothing in the application can change an entry."""
import pytest
from sqlalchemy import delete, select, text, update

from app.extensions import db
from app.models import AuditEntry, Unit
from app.services.audit import GENESIS_HASH, entry_hash
from tests.conftest import POSTGRES_URL
from tests.helpers import database, first_id


def verify(app):
    return app.test_cli_runner().invoke(args=["audit", "verify"])


def raw_sql(app, statement, **params):
    """SQL sent straight to the database, as someone with the database file or a psql session would."""
    with app.app_context(), db.engine.begin() as connection:
        return connection.execute(text(statement), params)


def last_entries(count):
    with database() as session:
        entries = list(reversed(session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(count)).all()))
        session.expunge_all()  # read them after the session is gone
        return entries


def test_the_seeded_log_verifies(app):
    result = verify(app)
    assert result.exit_code == 0, result.output
    assert "hash chain intact" in result.output


def test_each_new_entry_links_to_the_one_before(app, api_as):
    client, headers = api_as("admin.disdik")  # the login itself is an entry (record_event)
    unit = first_id(Unit, "DISDIKBUD")
    name = client.get(f"/api/v1/unit/{unit}", headers=headers).json["result"]["name"]
    assert client.put(f"/api/v1/unit/{unit}", json={"name": name + " "}, headers=headers).status_code == 200
    client.put(f"/api/v1/unit/{unit}", json={"name": name}, headers=headers)
    entries = last_entries(3)
    assert [entry.action for entry in entries][-2:] == ["update", "update"]
    for before, after in zip(entries, entries[1:]):
        assert after.prev_hash == before.entry_hash
        assert after.entry_hash == entry_hash(after, after.prev_hash)
    with database() as session:
        assert session.scalars(select(AuditEntry.prev_hash).order_by(AuditEntry.id)).first() == GENESIS_HASH


@pytest.mark.skipif(bool(POSTGRES_URL), reason="PostgreSQL refuses the tampering itself (next test)")
def test_a_changed_entry_is_named_by_verify(app):
    victim = last_entries(5)[0]
    original = raw_sql(app, "SELECT changes FROM audit_entry WHERE id = :id", id=victim.id).scalar_one()
    raw_sql(app, "UPDATE audit_entry SET changes = :changes WHERE id = :id",
            changes='{"name": {"before": "Dinas", "after": "forged"}}', id=victim.id)
    try:
        result = verify(app)
        assert result.exit_code == 1
        assert f"broken at entry {victim.id}" in result.output
        assert "content was changed" in result.output
    finally:
        raw_sql(app, "UPDATE audit_entry SET changes = :changes WHERE id = :id", changes=original, id=victim.id)
    assert verify(app).exit_code == 0


@pytest.mark.skipif(bool(POSTGRES_URL), reason="PostgreSQL refuses the tampering itself (next test)")
def test_a_removed_entry_is_named_by_verify(app):
    victim, successor = last_entries(6)[:2]
    columns = ("id", "created_at", "user_id", "username", "ip_address", "action", "entity", "entity_id", "summary",
               "changes", "prev_hash", "entry_hash")
    row = raw_sql(app, f"SELECT {', '.join(columns)} FROM audit_entry WHERE id = :id", id=victim.id).mappings().one()
    raw_sql(app, "DELETE FROM audit_entry WHERE id = :id", id=victim.id)
    try:
        result = verify(app)
        assert result.exit_code == 1
        assert f"broken at entry {successor.id}" in result.output
        assert "removed" in result.output
    finally:
        raw_sql(app, f"INSERT INTO audit_entry ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})",
                **dict(row))
    assert verify(app).exit_code == 0


@pytest.mark.skipif(not POSTGRES_URL, reason="the append-only trigger exists on PostgreSQL")
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
    assert verify(app).exit_code == 0
