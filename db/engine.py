"""Engine and sessions. SQLite gets WAL, foreign keys, a busy timeout and secure delete; PostgreSQL
uses psycopg 3."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = f"sqlite:///{PROJECT_ROOT / 'data' / 'shared_load.db'}"


def database_url() -> str:
    """DATABASE_URL if set, else the embedded SQLite file under data/."""
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(url: str | None = None) -> Engine:
    """An engine that never puts statement parameters into error messages: they may hold a
    private reflection, and Streamlit logs every uncaught exception (hide_parameters=True)."""
    url = url or database_url()
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            _private_file(Path(path))
        engine = create_engine(url, connect_args={"timeout": 15}, hide_parameters=True)
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True, hide_parameters=True)
    event.listen(engine, "handle_error", _without_row_values)
    return engine


def _private_file(path: Path) -> None:
    """A new database folder and file readable by this user only (`python -m tracker check`
    reports anything wider). SQLite gives its -wal and -shm files the database file's mode."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        pass


def _without_row_values(context: ExceptionContext) -> DBAPIError | None:
    """PostgreSQL's own message quotes the failing row ("DETAIL: Failing row contains (…)"), which
    may be a private note: keep only its first line. The error keeps its type and SQLSTATE."""
    error, original = context.sqlalchemy_exception, context.original_exception
    if not isinstance(error, DBAPIError) or original is None or "\n" not in str(original):
        return None
    original.args = (str(original).split("\n", 1)[0],)
    return type(error)(
        context.statement,
        None,
        original,
        hide_parameters=True,
        connection_invalidated=error.connection_invalidated,
    )


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=15000")
    # Deleted content is overwritten with zeros, not left in free pages where a copy of the file
    # (a backup, a lost laptop) would still show an erased reflection. A per-connection setting.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


_WRITERS: dict[str, threading.RLock] = {}
_WRITERS_GUARD = threading.Lock()


def one_writer(bind: Engine | Connection) -> AbstractContextManager:
    """SQLite: a lock per database file that the actions of this process queue on (PostgreSQL: none).

    SQLite lets one transaction write at a time, and a writer that finds it taken polls until its
    busy timeout; the polling is not fair, so under many writers one can lose the race again and
    again and reach its caller as "database is locked" (measured: 20 threads x 200 entries on the
    loaded 2-core machine, one writer in 4,000 gave up after 15 s). Within the process, threads block
    on this lock instead of polling, and the holder never meets another writer of the process; the
    busy timeout still covers other processes (the notification sender, the command line).
    Reentrant: an action inside another one goes on."""
    if bind.dialect.name != "sqlite":
        return nullcontext()
    key = os.path.abspath(bind.engine.url.database or ":memory:")
    with _WRITERS_GUARD:
        return _WRITERS.setdefault(key, threading.RLock())


def checkpoint_wal(engine: Engine) -> None:
    """SQLite: copy the write-ahead log into the database file and truncate it to nothing.

    Called after an erase: until then the log still holds earlier copies of the erased pages. The
    TRUNCATE mode waits (busy timeout) for readers of older snapshots; if one outlasts it, the log
    is emptied at a later checkpoint instead. Not for PostgreSQL: there, deleted rows stay in the
    table's files until (auto)vacuum reuses their space."""
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session that rolls back on any error and always closes."""
    session = factory()
    try:
        yield session
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
