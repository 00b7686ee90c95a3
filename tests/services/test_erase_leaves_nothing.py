"""Erase leaves nothing recoverable: on SQLite the erased words are in neither the database file nor
its write-ahead log, and the person's data version becomes a new random value (both databases)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select, text

from db.models import Person
from tests.conftest import token
from tracker.domain import InteractionDraft
from tracker.services import auth, interactions, mydata, people

SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # SQLite's own files


def sqlite_files(engine) -> tuple[Path, Path]:
    assert engine.dialect.name == "sqlite"
    database = Path(engine.url.database)
    return database, database.with_name(database.name + "-wal")


def file_bytes(path: Path) -> bytes:
    """The file's bytes, read by another process: closing any descriptor of a SQLite file in this
    process would release the POSIX locks its connections hold (a documented SQLite hazard), and
    later tests that share the database with other processes would then see a broken WAL."""
    if not path.exists():
        return b""
    reader = "import sys; sys.stdout.buffer.write(open(sys.argv[1], 'rb').read())"
    return subprocess.run([sys.executable, "-c", reader, str(path)], capture_output=True, check=True).stdout


def write_entries(db, actor, note: str, count: int = 30) -> None:
    for _ in range(count):
        interactions.log(db, actor, InteractionDraft(token=token(), occurred_on=actor.today(), rating=-2, note=note))


@SQLITE_ONLY
def test_every_sqlite_connection_runs_with_secure_delete(engine):
    sqlite_files(engine)
    for _ in range(3):
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA secure_delete")).scalar_one() == 1


@SQLITE_ONLY
def test_an_erased_reflection_is_in_neither_the_database_file_nor_the_log(engine, db, clinician):
    database, log = sqlite_files(engine)
    secret = "Quokka-Reflection-7f3a9c"
    write_entries(db, clinician, secret)
    assert secret.encode() in file_bytes(database) + file_bytes(log)
    mydata.erase(db, clinician)
    assert secret.encode() not in file_bytes(database)
    assert not log.exists() or log.stat().st_size == 0  # checkpointed and truncated


@SQLITE_ONLY
def test_starting_afresh_after_a_reset_leaves_nothing_either(engine, db, administrator, clinician):
    database, log = sqlite_files(engine)
    secret = "Wombat-Reflection-2b8e41"
    write_entries(db, clinician, secret, count=5)
    temporary = people.reset_password(db, administrator, clinician.id, token=token())
    signed_in = auth.sign_in(db, email=clinician.email, password=temporary)
    fresh = "my fresh password"
    signed_in = auth.change_password(db, signed_in, current=temporary, new=fresh, repeated=fresh)
    auth.restart_history(db, signed_in, confirm=auth.RESTART_WORD)
    assert secret.encode() not in file_bytes(database)
    assert not log.exists() or log.stat().st_size == 0


def test_erase_replaces_the_data_version_with_a_new_random_value(db, clinician):
    write_entries(db, clinician, "a note", count=3)
    versions = []
    for _ in range(3):
        before = db.scalar(select(Person.data_version).where(Person.id == clinician.id))
        mydata.erase(db, clinician)
        after = db.scalar(select(Person.data_version).where(Person.id == clinician.id))
        assert after not in (before, before + 1)  # not a counter that tells how much was written
        versions.append(after)
    assert len(set(versions)) == 3
