"""The audit log is append-only: the database itself refuses to change or delete an event, on
SQLite and PostgreSQL, whatever code asks; emptying an installation recreates the schema."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from db.models import AuditEvent
from tests.conftest import PASSWORD
from tracker.demo import fill_demo
from tracker.services import mydata


def count(db) -> int:
    return db.scalar(select(func.count()).select_from(AuditEvent))


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_events SET detail = 'rewritten'",
        "UPDATE audit_events SET actor_id = NULL",
        "DELETE FROM audit_events",
    ],
)
def test_the_database_refuses_to_change_or_delete_audit_events(db, administrator, statement):
    before = count(db)
    assert before > 0
    with pytest.raises(DBAPIError, match="append-only"):
        db.execute(text(statement))
    db.rollback()
    assert count(db) == before
    assert db.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.detail == "rewritten")) == 0


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)  # SQLite has no TRUNCATE
def test_postgresql_refuses_truncate_too(db, administrator):
    with pytest.raises(DBAPIError, match="append-only"):
        db.execute(text("TRUNCATE audit_events"))
    db.rollback()
    assert count(db) > 0


def test_erasing_my_data_keeps_the_audit_trail(db, clinician):
    before = count(db)
    mydata.erase(db, clinician)
    assert count(db) == before + 1  # the erase itself is recorded; nothing earlier went


def test_demo_reset_recreates_the_database_and_the_log_stays_append_only(db, administrator):
    assert count(db) > 0  # the first administrator's creation
    fill_demo(db, password=PASSWORD, people=8, days=49, seed=7, reset=True)
    assert [e.action for e in db.scalars(select(AuditEvent))] == ["demo organisation created"]
    with pytest.raises(DBAPIError, match="append-only"):
        db.execute(text("DELETE FROM audit_events"))
    db.rollback()
