"""Backup and restore (`python -m tracker backup PATH` / `restore PATH`) round-trip every row of
every table, on SQLite (online backup API) and PostgreSQL (pg_dump / pg_restore).

Each test works in scratch databases of its own (a file under tmp_path; a PostgreSQL database
created and dropped here), because a restore replaces a whole database."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace

import pytest
from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.engine import make_url

from db.models import AuditEvent, Base, Interaction, Person, Tag
from tests.conftest import PASSWORD, ROOT, pg_admin_url, token
from tracker.app import open_database
from tracker.audit import AuditKind
from tracker.backup import backup, libpq_connection, restore
from tracker.demo import ADMIN_EMAIL, CLINICIAN_EMAIL, COORDINATOR_EMAIL, fill_demo
from tracker.domain import InteractionDraft, RequestDraft
from tracker.errors import ValidationError
from tracker.queries.program import program_settings
from tracker.services import auth, interactions, mydata, requests, settings

ScratchFactory = Callable[[], str]


@pytest.fixture(params=["sqlite", "postgresql"])
def scratch(request, tmp_path) -> Iterator[ScratchFactory]:
    """Makes new, empty databases of one kind; every PostgreSQL one is dropped afterwards."""
    made: list[str] = []
    engines: list[Engine] = []
    admin_url = make_url(pg_admin_url())
    maintenance = create_engine(admin_url, isolation_level="AUTOCOMMIT")

    def make() -> str:
        if request.param == "sqlite":
            return f"sqlite:///{tmp_path / f'{uuid.uuid4().hex[:8]}.db'}"
        name = f"shared_load_backup_{uuid.uuid4().hex[:10]}"
        with maintenance.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        made.append(name)
        return admin_url.set(database=name).render_as_string(hide_password=False)

    make.engines = engines  # type: ignore[attr-defined]
    yield make
    for engine in engines:
        engine.dispose()
    with maintenance.connect() as conn:
        for name in made:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    maintenance.dispose()


def open_scratch(scratch: ScratchFactory, url: str):
    engine, factory = open_database(url, announce=False)
    scratch.engines.append(engine)  # type: ignore[attr-defined]
    return engine, factory


def everything(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of every table (and the schema version), in primary-key order."""
    with engine.connect() as conn:
        rows = {
            table.name: [tuple(row) for row in conn.execute(select(table).order_by(*table.primary_key.columns))]
            for table in Base.metadata.sorted_tables
        }
        rows["alembic_version"] = [tuple(row) for row in conn.execute(text("SELECT version_num FROM alembic_version"))]
    return rows


# Every table the installation fills in use (the one-time setup code is gone once the first
# administrator exists; tables added later are compared all the same).
FILLED = (
    "alembic_version",
    "people",
    "role_grants",
    "units",
    "tags",
    "interactions",
    "interaction_tags",
    "check_ins",
    "form_submissions",
    "audit_events",
    "program_settings",
    "supporter_profiles",
    "supporter_topics",
    "support_requests",
    "request_topics",
    "matches",
    "notifications",
    "outbox",
)


@pytest.fixture(autouse=True)
def _mail_configured(monkeypatch):
    """With SMTP_URL set, notifications queue e-mails too, so the outbox has rows (nothing is sent)."""
    monkeypatch.setenv("SMTP_URL", "smtp://mail.example.org:587")


def fill(factory) -> None:
    """The demo organisation (entries, check-ins, requests, conversations, notifications), plus a
    request, an entry and a settings change through the services, so form tokens are there too."""
    with factory() as db:
        fill_demo(db, password=PASSWORD, people=10, days=60, seed=11)
        administrator = auth.sign_in(db, email=ADMIN_EMAIL, password=PASSWORD)
        settings.update_settings(db, administrator, replace(program_settings(db), response_target_hours=48))
        clinician = auth.sign_in(db, email=CLINICIAN_EMAIL, password=PASSWORD)
        interactions.log(
            db,
            clinician,
            InteractionDraft(token=token(), occurred_on=clinician.today(), rating=-2, note="A hard family meeting."),
        )
        coordinator = auth.sign_in(db, email=COORDINATOR_EMAIL, password=PASSWORD)
        requests.ask(
            db,
            coordinator,
            RequestDraft(token=token(), topic_ids=(db.scalar(select(Tag.id).limit(1)),), urgency="soon", load_before=7),
        )


def change_and_erase(factory) -> None:
    """What happens after a backup: new entries, an erase, a new person."""
    with factory() as db:
        clinician = auth.sign_in(db, email=CLINICIAN_EMAIL, password=PASSWORD)
        interactions.log(db, clinician, InteractionDraft(token=token(), occurred_on=clinician.today(), rating=3))
        mydata.erase(db, auth.sign_in(db, email=COORDINATOR_EMAIL, password=PASSWORD))
        auth.change_password(
            db, clinician, current=PASSWORD, new="another long password", repeated="another long password"
        )


def test_backup_and_restore_round_trip_every_row_of_every_table(scratch, tmp_path):
    url = scratch()
    engine, factory = open_scratch(scratch, url)
    fill(factory)
    original = everything(engine)
    # The tables hold rows, so the comparison below means something.
    assert not [name for name in FILLED if not original[name]]

    written = backup(url, tmp_path / "shared-load.backup")
    assert written.startswith(f"Backup written to {tmp_path / 'shared-load.backup'}")
    assert (tmp_path / "shared-load.backup").stat().st_mode & 0o777 == 0o600  # it holds everything
    backed_up = everything(engine)
    [made] = backed_up["audit_events"][len(original["audit_events"]) :]  # the backup itself is audited
    assert made[_column(AuditEvent, "action")] == AuditKind.BACKUP_MADE.value

    change_and_erase(factory)
    changed = everything(engine)
    assert changed["interactions"] != original["interactions"]
    assert changed["people"] != original["people"]

    with pytest.raises(ValidationError, match="has 10 people in it.*--force"):
        restore(url, tmp_path / "shared-load.backup")
    assert everything(engine) == changed  # refused: nothing changed

    assert restore(url, tmp_path / "shared-load.backup", force=True) == (
        f"Database restored from {tmp_path / 'shared-load.backup'} (10 people)."
    )
    restored = everything(engine)
    [restore_event] = restored["audit_events"][len(original["audit_events"]) :]
    assert restore_event[_column(AuditEvent, "action")] == AuditKind.BACKUP_RESTORED.value
    assert restore_event[_column(AuditEvent, "actor_id")] is None  # an operator's action on the server
    restored["audit_events"] = restored["audit_events"][: len(original["audit_events"])]
    for table in original:
        assert restored[table] == original[table], table

    # The restored database works: the old password signs in again, new rows get new ids.
    with factory() as db:
        clinician = auth.sign_in(db, email=CLINICIAN_EMAIL, password=PASSWORD)
        new_id = interactions.log(
            db, clinician, InteractionDraft(token=token(), occurred_on=clinician.today(), rating=1)
        )
        assert new_id > max(row[0] for row in original["interactions"])
    # The audit log is still append-only after a restore.
    with engine.begin() as conn, pytest.raises(Exception, match="append-only"):
        conn.execute(text("DELETE FROM audit_events"))


def test_restore_into_a_new_empty_database_needs_no_force(scratch, tmp_path):
    url = scratch()
    engine, factory = open_scratch(scratch, url)
    fill(factory)
    original = everything(engine)
    backup(url, tmp_path / "copy.backup")

    elsewhere = scratch()  # a new server: not even migrated
    assert restore(elsewhere, tmp_path / "copy.backup").endswith("(10 people).")
    other_engine, _ = open_scratch(scratch, elsewhere)
    copied = everything(other_engine)
    copied["audit_events"] = copied["audit_events"][: len(original["audit_events"])]
    assert copied == original


def test_backup_refuses_to_overwrite_a_file_without_force(scratch, tmp_path):
    url = scratch()
    open_scratch(scratch, url)
    existing = tmp_path / "keep.backup"
    existing.write_bytes(b"an earlier backup")
    with pytest.raises(ValidationError, match="already exists.*--force"):
        backup(url, existing)
    assert existing.read_bytes() == b"an earlier backup"
    backup(url, existing, force=True)
    assert existing.read_bytes() != b"an earlier backup"
    assert not list(tmp_path.glob(".*partial"))


def test_restore_refuses_a_file_that_is_not_a_backup(scratch, tmp_path):
    url = scratch()
    engine, factory = open_scratch(scratch, url)
    fill(factory)
    before = everything(engine)
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"not a backup at all" * 100)
    with pytest.raises(ValidationError, match="is not an? .*backup of Shared Load"):
        restore(url, junk, force=True)
    with pytest.raises(ValidationError, match="There is no backup file"):
        restore(url, tmp_path / "missing.backup", force=True)
    assert everything(engine) == before


def test_a_backup_taken_while_the_app_writes_is_one_consistent_snapshot(scratch, tmp_path):
    url = scratch()
    engine, factory = open_scratch(scratch, url)
    fill(factory)
    with factory() as db:
        clinician = auth.sign_in(db, email=CLINICIAN_EMAIL, password=PASSWORD)
    stop = threading.Event()
    written: list[int] = []

    def keep_writing() -> None:
        with factory() as db:
            while not stop.is_set() and len(written) < 2000:
                draft = InteractionDraft(token=token(), occurred_on=clinician.today(), rating=1)
                written.append(interactions.log(db, clinician, draft))

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        while len(written) < 20:
            stop.wait(0.01)
        backup(url, tmp_path / "busy.backup")
        during = len(written)
    finally:
        stop.set()
        writer.join()
    assert len(written) > during  # the writer went on while and after the backup was taken

    elsewhere = scratch()
    restore(elsewhere, tmp_path / "busy.backup")
    copy_engine, _ = open_scratch(scratch, elsewhere)
    with copy_engine.connect() as conn:
        ids = set(conn.scalars(select(Interaction.id).where(Interaction.person_id == clinician.id)))
        # Every entry in the copy was acknowledged, and the acknowledged ones form a prefix: no gaps.
        mine = [i for i in written if i in ids]
        assert mine == written[: len(mine)] and 20 <= len(mine) <= during + 1
        assert conn.scalar(select(func.count()).select_from(Person)) == 10


def test_postgresql_tools_get_the_password_through_the_environment_only():
    url = make_url("postgresql+psycopg://load:s3cret pass@db.example.org:6432/shared?sslmode=require")
    conninfo, environment = libpq_connection(url)
    assert "s3cret" not in conninfo
    assert conninfo == "host='db.example.org' port='6432' dbname='shared' user='load' sslmode='require'"
    assert environment["PGPASSWORD"] == "s3cret pass"
    assert "PGPASSWORD" not in libpq_connection(make_url("postgresql+psycopg://postgres@127.0.0.1/x"))[1]


def _column(model, name: str) -> int:
    return [c.name for c in model.__table__.columns].index(name)


def run_cli(*arguments: str, url: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "tracker", *arguments], env=environment, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("scratch", ["sqlite"], indirect=True)
def test_the_commands_say_what_they_did_and_refuse_in_plain_words(scratch, tmp_path):
    url = scratch()
    _engine, factory = open_scratch(scratch, url)
    fill(factory)
    path = tmp_path / "cli.backup"
    made = run_cli("backup", str(path), url=url)
    assert made.returncode == 0
    assert made.stdout.strip() == f"Backup written to {path} ({path.stat().st_size:,} bytes, 10 people)."
    again = run_cli("backup", str(path), url=url)
    assert again.returncode == 2 and "already exists" in again.stderr
    refused = run_cli("restore", str(path), url=url)
    assert refused.returncode == 2 and "has 10 people in it" in refused.stderr and "--force" in refused.stderr
    forced = run_cli("restore", str(path), "--force", url=url)
    assert (forced.returncode, forced.stdout.strip()) == (0, f"Database restored from {path} (10 people).")
