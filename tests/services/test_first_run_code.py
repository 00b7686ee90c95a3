"""The first administrator needs the one-time setup code printed in the server's terminal, and the
command line never takes a password from argv."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from db.engine import make_engine
from db.models import Person, SetupCode
from tests.conftest import PASSWORD
from tracker.__main__ import main
from tracker.errors import ValidationError
from tracker.services import auth

CODE = re.compile(r"setup code:\s+([A-Z0-9]{4}(?:-[A-Z0-9]{4}){3})")


def create(db, code):
    return auth.create_first_administrator(
        db, name="Ada", email="ada@example.org", password=PASSWORD, repeated=PASSWORD, setup_code=code
    )


@pytest.mark.parametrize("typed", ["", "AAAA-BBBB-CCCC-DDDD", None, "x" * 10_000])
def test_the_first_administrator_needs_the_setup_code(db, typed):
    auth.new_setup_code(db)
    with pytest.raises(ValidationError, match="setup code is not right"):
        create(db, typed)
    assert auth.needs_first_administrator(db)


def test_a_setup_code_works_once_and_then_every_code_is_gone(db):
    first, second = auth.new_setup_code(db), auth.new_setup_code(db)  # e.g. two replicas started
    assert first != second
    assert create(db, f" {second.lower()} ").display_name == "Ada"  # case and spaces do not matter
    assert db.scalar(select(func.count()).select_from(SetupCode)) == 0
    assert auth.new_setup_code(db) is None  # someone exists: no more codes


def test_the_setup_code_is_stored_only_as_a_hash(db):
    code = auth.new_setup_code(db)
    stored = db.scalar(select(SetupCode.code_hash))
    assert code.replace("-", "") not in stored and len(stored) == 64


@pytest.fixture
def empty_sqlite(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'new.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    return url


def count_people(url) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(Person)).scalar_one()
    finally:
        engine.dispose()


def test_migrate_prints_a_setup_code_that_the_first_run_accepts(empty_sqlite, capsys):
    assert main(["migrate"]) == 0
    printed = CODE.search(capsys.readouterr().err)
    assert printed
    from tracker.app import open_database

    engine, factory = open_database(empty_sqlite, announce=False)
    with factory() as db:
        create(db, printed.group(1))
    engine.dispose()
    assert main(["migrate"]) == 0
    assert not CODE.search(capsys.readouterr().err)  # someone exists: nothing to claim


def test_create_admin_reads_the_password_from_the_environment(empty_sqlite, monkeypatch, capsys):
    monkeypatch.setenv("SHARED_LOAD_ADMIN_PASSWORD", PASSWORD)
    assert main(["create-admin", "--name", "Ada Admin", "--email", "ada@example.org"]) == 0
    assert "First administrator created" in capsys.readouterr().out
    assert count_people(empty_sqlite) == 1
    assert main(["create-admin", "--name", "Eve", "--email", "eve@example.org"]) == 2  # only the first
    with pytest.raises(SystemExit):  # there is no --password to put it in the process list
        main(["create-admin", "--name", "Eve", "--email", "eve@example.org", "--password", PASSWORD])


def test_create_admin_without_the_variable_and_without_a_terminal_refuses(empty_sqlite, monkeypatch, capsys):
    monkeypatch.delenv("SHARED_LOAD_ADMIN_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert main(["create-admin", "--name", "Ada", "--email", "ada@example.org"]) == 2
    assert "SHARED_LOAD_ADMIN_PASSWORD" in capsys.readouterr().err


def test_create_admin_asks_for_the_password_twice_at_a_prompt(empty_sqlite, monkeypatch):
    monkeypatch.delenv("SHARED_LOAD_ADMIN_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    typed = iter([PASSWORD, PASSWORD])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(typed))
    assert main(["create-admin", "--name", "Ada", "--email", "ada@example.org"]) == 0
    assert count_people(empty_sqlite) == 1


def test_demo_reads_its_password_from_the_environment(empty_sqlite, monkeypatch, capsys):
    monkeypatch.setenv("SHARED_LOAD_DEMO_PASSWORD", PASSWORD)
    assert main(["demo", "--people", "8", "--days", "49"]) == 0
    assert "Demo organisation ready" in capsys.readouterr().out
    assert count_people(empty_sqlite) == 8
