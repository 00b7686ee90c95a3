"""Nothing lost: many writers at once through the service, and a writer killed mid-write, on SQLite
(WAL) and PostgreSQL.

- 20 writers (threads, each with its own engine and a session per submit, as each page run opens
  one) log 200 interactions each through `services/interactions.log`, two writers per person (one
  person on two devices): exactly 4,000 rows, each written once, none missing, and no error — no
  "database is locked" — reaches a writer.
- A writer process logs in a loop and prints each form token once the service has returned (the
  commit is acknowledged); it is killed with SIGKILL after some acknowledgements, three times. The
  database then passes its integrity check (SQLite `PRAGMA integrity_check`, foreign keys; on
  PostgreSQL amcheck's B-tree checks of the tables' indexes, and the rows read back consistent), and
  every acknowledged write is there, its token claimed once and its row with it.

Run as a module, this file is the killed writer: `python -m tests.services.test_concurrent_writers
URL PERSON_ID`.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter

from sqlalchemy import event, func, select, text

from db.engine import make_engine, session_factory
from db.models import FormSubmission, Interaction, Person
from tests.conftest import ROOT
from tracker.domain import InteractionDraft
from tracker.policy import Action
from tracker.services import auth, interactions

WRITERS, EACH, PEOPLE = 20, 200, 10
KILLS, ACKS_BEFORE_KILL = 3, 25
WRITING = "writing"  # the killed writer says so just before each write


def draft(actor, note: str) -> InteractionDraft:
    return InteractionDraft(
        token=uuid.uuid4().hex, occurred_on=actor.today(), rating=random.choice((-2, -1, 1, 2)), note=note
    )


def test_twenty_writers_at_once_lose_nothing_and_duplicate_nothing(db, database_url, make_person):
    people = [make_person(f"Writer {n}") for n in range(PEOPLE)]
    ready = threading.Barrier(WRITERS)
    errors: list[str] = []
    acknowledged: Counter = Counter()

    def writer(n: int) -> None:
        engine = impatient(make_engine(database_url))
        factory = session_factory(engine)
        me = people[n % PEOPLE]
        try:
            ready.wait(timeout=60)
            for i in range(EACH):
                with factory() as session:
                    interactions.log(session, me, draft(me, f"writer {n} entry {i}"))
                acknowledged[n] += 1
        except Exception as error:  # noqa: BLE001 - every error that reaches a writer is the finding
            errors.append(f"writer {n}: {type(error).__name__}: {error}"[:300])
        finally:
            engine.dispose()

    started = time.monotonic()
    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    elapsed = time.monotonic() - started
    assert errors == []
    assert sum(acknowledged.values()) == WRITERS * EACH

    db.expire_all()
    notes = Counter(db.scalars(select(Interaction.note)))
    assert sum(notes.values()) == WRITERS * EACH
    assert set(notes) == {f"writer {n} entry {i}" for n in range(WRITERS) for i in range(EACH)}
    assert max(notes.values()) == 1  # none written twice
    claimed = db.scalar(
        select(func.count()).select_from(FormSubmission).where(FormSubmission.action == Action.LOG_INTERACTION.value)
    )
    assert claimed == WRITERS * EACH  # one token per submit, each claimed once
    per_person = dict(db.execute(select(Interaction.person_id, func.count()).group_by(Interaction.person_id)).all())
    assert per_person == {p.id: WRITERS * EACH // PEOPLE for p in people}
    print(f"{WRITERS} writers x {EACH} on {db.get_bind().dialect.name}: {elapsed:.1f} s")


def impatient(engine):
    """SQLite gives up on a taken write lock after 0.2 s instead of 15: waiting writers poll, and a
    writer of this process must never need to (db/engine.one_writer), so no caller meets "database is
    locked" however long the others take."""
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", lambda dbapi, _record: dbapi.execute("PRAGMA busy_timeout=200"))
    return engine


def test_a_writer_killed_mid_write_leaves_a_sound_database_with_every_acknowledged_write(db, database_url, make_person):
    me = make_person("Kim Killed")
    acknowledged: list[str] = []
    for _ in range(KILLS):
        acknowledged += run_and_kill(database_url, me.id)
    assert len(acknowledged) >= KILLS * ACKS_BEFORE_KILL

    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
                assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
            else:
                check_postgresql_indexes(conn)
    finally:
        engine.dispose()

    db.expire_all()
    claims = dict(
        db.execute(
            select(FormSubmission.token, FormSubmission.result_id).where(FormSubmission.person_id == me.id)
        ).all()
    )
    assert set(acknowledged) <= set(claims)  # every acknowledged write is there
    rows = {i.id: i for i in db.scalars(select(Interaction).where(Interaction.person_id == me.id))}
    assert all(claims[token] in rows for token in acknowledged)  # with its entry
    assert set(claims.values()) == set(rows)  # and nothing half-written: each claim has its row, each row a claim
    assert db.get(Person, me.id).data_version == len(rows)  # the version moved with each entry, never without


def run_and_kill(url: str, person_id: int) -> list[str]:
    """Start a writer, read its acknowledged tokens, SIGKILL it while it writes; the tokens read."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.services.test_concurrent_writers", url, str(person_id)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    acknowledged: list[str] = []
    try:
        for line in child.stdout:
            if line.startswith(WRITING):
                if len(acknowledged) >= ACKS_BEFORE_KILL:  # it has begun its next write: kill it inside
                    time.sleep(random.uniform(0, 0.005))
                    break
                continue
            acknowledged.append(line.strip())
        assert child.poll() is None, child.stderr.read()[-2000:]
        child.send_signal(signal.SIGKILL)
        rest, _ = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    acknowledged += [line for line in rest.split() if line != WRITING]  # committed before the kill landed
    assert child.returncode == -signal.SIGKILL
    return acknowledged


def check_postgresql_indexes(conn) -> None:
    """amcheck's B-tree checks on every index of the written tables (contrib ships with PostgreSQL),
    and the rows read back: the table and its indexes agree."""
    available = conn.exec_driver_sql("SELECT 1 FROM pg_available_extensions WHERE name = 'amcheck'").first()
    if available:
        conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS amcheck")
        indexes = conn.execute(
            text(
                "SELECT c.oid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "JOIN pg_class t ON t.oid = i.indrelid JOIN pg_am a ON a.oid = c.relam "
                "WHERE t.relname IN ('interactions', 'form_submissions', 'people') AND a.amname = 'btree'"
            )
        ).scalars()
        checked = 0
        for oid in indexes:
            conn.execute(text("SELECT bt_index_check(:oid, true)"), {"oid": oid})
            checked += 1
        assert checked >= 3
    seq = conn.exec_driver_sql("SELECT count(*) FROM interactions").scalar()
    by_index = conn.exec_driver_sql(
        "SELECT count(*) FROM (SELECT person_id, occurred_on, rating FROM interactions "
        "ORDER BY person_id, occurred_on, rating) AS sorted"
    ).scalar()
    assert seq == by_index
    conn.commit()


def write_until_killed(url: str, person_id: int) -> None:
    """The killed writer: log, then print the token (flushed) once the service has returned."""
    engine = make_engine(url)
    factory = session_factory(engine)
    with factory() as session:
        me = auth.current_actor(session, person_id)
    n = 0
    while True:
        form = draft(me, f"before the kill {n}")
        print(WRITING, flush=True)
        with factory() as session:
            interactions.log(session, me, form)
        print(form.token, flush=True)
        n += 1


if __name__ == "__main__":
    write_until_killed(sys.argv[1], int(sys.argv[2]))
