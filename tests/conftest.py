"""Shared fixtures: one fresh database per backend per test run, emptied between tests.

The service tests run against SQLite and PostgreSQL (TEST_DATABASE_URL). Each run creates its
own PostgreSQL database and drops it afterwards; an unreachable server is an error, not a skip.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from db.engine import make_engine, session_factory
from db.migrate import upgrade
from db.models import Base
from tracker.app import seed_tags
from tracker.domain import Actor
from tracker.services import auth, people

PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BACKENDS = ["sqlite", "postgresql"]
PASSWORD = "a long test password"


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashing():
    """argon2id with tiny costs: the same code path, a fraction of the time per test."""
    from argon2 import PasswordHasher

    from tracker import passwords

    original = passwords._hasher
    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    passwords._hasher = original


def pg_admin_url() -> str:
    return os.environ.get("TEST_DATABASE_URL") or PG_DEFAULT


@contextmanager
def scratch_postgresql_database(prefix: str = "shared_load_test") -> Iterator[str]:
    """A new, empty PostgreSQL database named `prefix_<random>`, dropped (even while in use) at the end."""
    admin_url = make_url(pg_admin_url())
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    maintenance = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with maintenance.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with maintenance.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        maintenance.dispose()


@pytest.fixture(scope="session")
def postgresql_database() -> Iterator[str]:
    """A fresh PostgreSQL database for this test run, dropped at the end."""
    with scratch_postgresql_database() as url:
        yield url


@pytest.fixture(scope="session")
def sqlite_database(tmp_path_factory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'shared_load.db'}"


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request) -> str:
    return request.getfixturevalue(f"{request.param}_database")


@pytest.fixture(scope="session")
def _engines() -> Iterator[dict]:
    engines: dict = {}
    yield engines
    for engine in engines.values():
        engine.dispose()


@pytest.fixture
def engine(database_url, _engines):
    """A migrated engine; every table is emptied after each test."""
    if database_url not in _engines:
        _engines[database_url] = make_engine(database_url)
        upgrade(_engines[database_url])
    engine = _engines[database_url]
    yield engine
    empty(engine)


def empty(engine) -> None:
    """Every table emptied between tests. The audit log is append-only (migration 0007): its
    triggers are set aside inside the same transaction, which only a test may do."""
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            conn.execute(text("ALTER TABLE audit_events ENABLE TRIGGER USER"))
        else:
            triggers = conn.execute(
                text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_events'")
            ).all()
            for name, _sql in triggers:
                conn.execute(text(f"DROP TRIGGER {name}"))
            for table in tables:
                conn.execute(text(f"DELETE FROM {table}"))
            for _name, sql in triggers:
                conn.execute(text(sql))


@pytest.fixture
def db(engine) -> Iterator[Session]:
    factory = session_factory(engine)
    with factory() as session:
        seed_tags(session)
        yield session


@pytest.fixture
def administrator(db) -> Actor:
    return auth.create_first_administrator(
        db,
        name="Ada Admin",
        email="ada@example.org",
        password=PASSWORD,
        repeated=PASSWORD,
        setup_code=auth.new_setup_code(db),
    )


@pytest.fixture
def make_person(db, administrator):
    """Create a person through the administrator's own service, with a known password."""

    def make(name: str = "Cleo Clinician", *, roles=("clinician",), **fields) -> Actor:
        email = fields.pop("email", f"{name.split()[0].lower()}.{uuid.uuid4().hex[:6]}@example.org")
        invitation = people.invite_person(
            db, administrator, token=uuid.uuid4().hex, display_name=name, email=email, roles=set(roles), **fields
        )
        actor = auth.sign_in(db, email=email, password=invitation.temporary_password)
        return auth.change_password(db, actor, current=invitation.temporary_password, new=PASSWORD, repeated=PASSWORD)

    return make


@pytest.fixture
def clinician(make_person) -> Actor:
    return make_person("Cleo Clinician")


def token() -> str:
    return uuid.uuid4().hex


ROOT = Path(__file__).resolve().parent.parent
