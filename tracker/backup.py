"""Backup and restore of the whole database: `python -m tracker backup PATH` / `restore PATH`.

An operator's action on the server (policy scope SYSTEM), so both are audited: a backup is a copy
of every reflection leaving the database, a restore replaces everything.

- **SQLite**: the online backup API (`sqlite3.Connection.backup`, all pages in one step), so a
  backup is one consistent snapshot even while the app writes (WAL lets writers go on meanwhile).
  The copy is checked (`PRAGMA integrity_check`), switched out of WAL so it is one self-contained
  file, and moved into place only when complete. A restore copies the backup's pages over the
  live file the same way: the database is replaced as a whole, never row by row, so the audit
  log's append-only triggers (migration 0007) have nothing to refuse.
- **PostgreSQL**: `pg_dump --format=custom` and `pg_restore --clean --if-exists --single-transaction`
  (the PostgreSQL client tools must be installed, at the server's major version or newer). The
  restore drops and recreates every object of the dump in one transaction: it either replaces
  everything or changes nothing. The password goes to the tools through `PGPASSWORD`, never
  their command line, and is never printed.

A backup file is created readable by its owner only (mode 0600): it holds everything. An
existing file is never overwritten without `--force`. A restore refuses to replace a database
that has people in it without `--force`, and says so. After a restore the database is migrated
to the newest schema (a backup from an older version is brought up to date) and one audit event
records the restore; events written after the backup was made are gone with everything else.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from sqlalchemy import Engine, func, inspect, select
from sqlalchemy.engine import URL, make_url

from db.engine import checkpoint_wal, make_engine, session_factory
from db.migrate import upgrade
from db.models import AuditEvent, Person
from tracker.audit import AuditKind, AuditRecord
from tracker.errors import SharedLoadError, ValidationError
from tracker.policy import Action
from tracker.services.boundary import action

FORCE_HINT = "run again with --force"


class BackupFailed(SharedLoadError):
    """The backup or restore tool failed; its message names the cause without any password."""


def backup(url: str, target: Path, *, force: bool = False) -> str:
    """Copy the whole database at `url` into the file `target`; returns a line to print."""
    target = Path(target)
    if target.exists() and not force:
        raise ValidationError(f"{target} already exists. Choose another file, or {FORCE_HINT} to replace it.")
    if target.is_dir():
        raise ValidationError(f"{target} is a folder. Give the name of the backup file to write.")
    if not target.parent.is_dir():
        raise ValidationError(f"The folder {target.parent} does not exist.")
    parsed = make_url(url)
    with _partial(target) as partial:
        if parsed.get_backend_name() == "sqlite":
            _sqlite_backup(_sqlite_file(parsed), partial)
        else:
            _pg_dump(parsed, partial)
        os.replace(partial, target)
    engine = make_engine(url)
    try:
        people = _people(engine)
        if inspect(engine).has_table(AuditEvent.__tablename__):  # a database the app has migrated
            _audit(engine, Action.BACK_UP, AuditRecord(AuditKind.BACKUP_MADE, detail=f"to {target.resolve()}"))
    finally:
        engine.dispose()
    return f"Backup written to {target} ({target.stat().st_size:,} bytes, {people} people)."


def restore(url: str, source: Path, *, force: bool = False) -> str:
    """Replace everything in the database at `url` with the backup in `source`; returns a line to print."""
    source = Path(source)
    if not source.is_file():
        raise ValidationError(f"There is no backup file at {source}.")
    parsed = make_url(url)
    sqlite = parsed.get_backend_name() == "sqlite"
    if sqlite:
        _check_sqlite_backup(source)
    else:
        _check_pg_archive(source)
    engine = make_engine(url)
    try:
        people = _people(engine)
        if people and not force:
            raise ValidationError(
                f"This database has {people} {'person' if people == 1 else 'people'} in it, and restoring replaces "
                f"everything in it with the backup. Nothing was changed; {FORCE_HINT} to replace it."
            )
        if sqlite:
            engine.dispose()  # no pooled connection of ours holds the file while its pages are replaced
            _sqlite_restore(source, _sqlite_file(parsed))
        else:
            engine.dispose()
            _pg_restore(parsed, source)
        upgrade(engine)
        _audit(engine, Action.RESTORE_BACKUP, AuditRecord(AuditKind.BACKUP_RESTORED, detail=f"from {source.resolve()}"))
        checkpoint_wal(engine)
        restored = _people(engine)
    finally:
        engine.dispose()
    return f"Database restored from {source} ({restored} people)."


# ---- SQLite ---------------------------------------------------------------------------------------


def _sqlite_file(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise ValidationError("An in-memory SQLite database cannot be backed up or restored.")
    return Path(url.database)


def _sqlite_backup(database: Path, partial: Path) -> None:
    if not database.is_file():
        raise ValidationError(f"There is no database at {database} to back up.")
    with closing(sqlite3.connect(database, timeout=15)) as live, closing(sqlite3.connect(partial)) as copy:
        live.backup(copy)  # pages=-1: every page in one step, one consistent snapshot
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        _integrity(copy, partial)


def _check_sqlite_backup(source: Path) -> None:
    try:
        with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as backup_db:
            _integrity(backup_db, source)
            tables = {row[0] for row in backup_db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError:
        raise ValidationError(f"{source} is not an SQLite backup of Shared Load.") from None
    if not {"people", "alembic_version", "audit_events"} <= tables:
        raise ValidationError(f"{source} is not an SQLite backup of Shared Load.")


def _sqlite_restore(source: Path, database: Path) -> None:
    database.parent.mkdir(parents=True, exist_ok=True)
    with (
        closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as backup_db,
        closing(sqlite3.connect(database, timeout=15)) as live,
    ):
        live.execute("PRAGMA busy_timeout=15000")
        # The backup API writes the backup's pages over the live file in one transaction: readers
        # see either the old database or the restored one, and the app's connections pick up the
        # new content at their next transaction.
        backup_db.backup(live)
        live.execute("PRAGMA journal_mode=WAL")
        _integrity(live, database)


def _integrity(connection: sqlite3.Connection, path: Path) -> None:
    result = connection.execute("PRAGMA integrity_check").fetchone()
    if not result or result[0] != "ok":
        raise BackupFailed(f"{path} failed SQLite's integrity check.")


# ---- PostgreSQL -----------------------------------------------------------------------------------


def _pg_dump(url: URL, partial: Path) -> None:
    _run_pg("pg_dump", url, ["--format=custom", f"--file={partial}"])


def _pg_restore(url: URL, source: Path) -> None:
    _run_pg(
        "pg_restore",
        url,
        ["--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error", str(source)],
    )


def _check_pg_archive(source: Path) -> None:
    tool = _tool("pg_restore")
    listing = subprocess.run([tool, "--list", str(source)], capture_output=True, text=True, check=False)
    if listing.returncode != 0 or " TABLE public people " not in listing.stdout:
        raise ValidationError(f"{source} is not a PostgreSQL backup of Shared Load (made by pg_dump --format=custom).")


def _run_pg(name: str, url: URL, arguments: list[str]) -> None:
    """Run a client tool against `url`: the connection by keywords, the password in the environment."""
    conninfo, environment = libpq_connection(url)
    done = subprocess.run(
        [_tool(name), "--no-password", f"--dbname={conninfo}", *arguments],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        message = (done.stderr.strip().splitlines() or ["no message"])[-1]
        if url.password:
            message = message.replace(str(url.password), "***")
        raise BackupFailed(f"{name} failed: {message}")


def libpq_connection(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq connection string for `url` without its password, and an environment carrying it.

    The command line of a process is visible to every user of the machine, its environment only
    to the same user."""
    keywords = {"host": url.host, "port": url.port, "dbname": url.database, "user": url.username}
    keywords.update({key: value for key, value in url.query.items() if isinstance(value, str)})
    conninfo = " ".join(f"{key}={_quoted(str(value))}" for key, value in keywords.items() if value is not None)
    environment = {key: value for key, value in os.environ.items() if key != "PGPASSWORD"}
    if url.password:
        environment["PGPASSWORD"] = str(url.password)
    return conninfo, environment


def _quoted(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupFailed(f"{name} was not found. Install the PostgreSQL client tools (Debian: postgresql-client).")
    return found


# ---- both -----------------------------------------------------------------------------------------


@contextmanager
def _partial(target: Path) -> Iterator[Path]:
    """A new, empty file beside `target`, readable by its owner only; removed unless moved into place."""
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        yield partial
    finally:
        partial.unlink(missing_ok=True)


def _people(engine: Engine) -> int:
    """How many people the database holds; 0 for a database without the table (new or empty)."""
    if not inspect(engine).has_table(Person.__tablename__):
        return 0
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(Person)) or 0


def _audit(engine: Engine, what: Action, record: AuditRecord) -> None:
    with session_factory(engine)() as db:
        with action(db, None, what) as act:
            act.done(audit=record)
