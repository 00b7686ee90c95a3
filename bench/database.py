"""Databases for the benchmarks: scratch ones made and dropped around one figure, and the large one.

A backend is SQLite (files in a temporary folder) or a PostgreSQL server, where every database the
bench makes is named `shared_load_bench_*`. Scratch databases are dropped when their figure ends.
The large database (`large`) is kept between runs on PostgreSQL, because filling it is the slow
part: a later run that finds it filled to the same size reuses it and says so.

The large database holds the bulk demo organisation (`python -m tracker demo --bulk`,
tracker/demo_bulk.py: the three demo accounts, units, reporting lines, entries, check-ins,
supporters, about one request a clinician a year, conversations), then two bench clinicians: one
with 3 years × 5 entries a day and tags (`heavy@bench.example`), one with none
(`empty@bench.example`). Every account that can sign in has the password `PASSWORD`.

Scratch databases get "filler" clinicians written with set-based SQL (`INSERT … SELECT` over a
generated series), with entries, trained supporters and open requests as a figure needs them.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from db.models import Interaction, Person, SupportRequest, Tag, Unit

PASSWORD = "benchmark password 1"  # every bench account; the bench databases hold made-up people only
PREFIX = "shared_load_bench_"
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
HEAVY_EMAIL, EMPTY_EMAIL = "heavy@bench.example", "empty@bench.example"
DAYS, PER_DAY = 3 * 365, 5  # the heavy person: 3 years × 5 entries a day
PROFESSIONS = ("physician", "nurse", "resident", "allied health", "therapist")
UNITS = ("Bench ICU", "Bench Emergency", "Bench Surgery", "Bench Medicine", "Bench Paediatrics", "Bench Oncology")

Log = Callable[[str], None]


@dataclass(frozen=True)
class Backend:
    """Where scratch and large databases live. `label` names it in every row."""

    label: str  # "SQLite" or "PostgreSQL"
    workdir: Path  # SQLite files (and server logs)
    server: str | None = None  # PostgreSQL: a URL on the server (any database), else None
    large_url: str | None = None  # --url: use this database as the large one

    @property
    def postgres(self) -> bool:
        return self.server is not None


@dataclass(frozen=True)
class Size:
    people: int  # in the organisation
    interactions: int  # rows in `interactions` (the bulk loader's people log a random number: about)


@dataclass(frozen=True)
class Large:
    url: str
    interactions: int
    people: int  # everybody in `people`
    requests: int
    heavy_id: int
    empty_id: int
    heavy_entries: int
    reused: bool
    kept: bool  # stays after the run (PostgreSQL)
    fill_seconds: float


def postgres_reachable(url: str) -> bool:
    engine = create_engine(make_url(url).set(database="postgres"), connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except OperationalError:
        return False
    finally:
        engine.dispose()


def server_version(url: str) -> str:
    """The database server's own version line (SQLite: the library's)."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "postgresql":
                return conn.scalar(text("SHOW server_version"))
            return "SQLite " + conn.scalar(text("SELECT sqlite_version()"))
    finally:
        engine.dispose()


# ---- scratch databases ---------------------------------------------------------------------------


@contextmanager
def scratch(backend: Backend, name: str) -> Iterator[str]:
    """A new, empty database for one figure; dropped (or deleted) afterwards, whatever happens."""
    suffix = f"{name}_{uuid.uuid4().hex[:8]}"
    if not backend.postgres:
        path = backend.workdir / f"{suffix}.db"
        try:
            yield f"sqlite:///{path}"
        finally:
            for leftover in backend.workdir.glob(f"{suffix}.db*"):
                leftover.unlink()
        return
    database = PREFIX + suffix
    _create(backend.server, database)
    try:
        yield make_url(backend.server).set(database=database).render_as_string(hide_password=False)
    finally:
        _drop(backend.server, database)


def _maintenance(server: str) -> Engine:
    return create_engine(make_url(server).set(database="postgres"), isolation_level="AUTOCOMMIT")


def _create(server: str, database: str) -> None:
    engine = _maintenance(server)
    with engine.connect() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": database}):
            conn.execute(text(f'CREATE DATABASE "{database}"'))
    engine.dispose()


def _drop(server: str, database: str) -> None:
    engine = _maintenance(server)
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
    engine.dispose()


# ---- the large database --------------------------------------------------------------------------


def large(backend: Backend, size: Size, log: Log, *, mode: str) -> Large:
    """The large database of this size, filled now or found filled by an earlier run."""
    from tracker.app import open_database

    kept = backend.postgres or backend.large_url is not None
    if backend.large_url:
        url = backend.large_url
    elif backend.postgres:
        url = make_url(backend.server).set(database=f"{PREFIX}large_{mode}").render_as_string(hide_password=False)
        _create(backend.server, make_url(url).database)
    else:
        url = f"sqlite:///{backend.workdir / f'large-{mode}.db'}"
    started = time.perf_counter()
    try:
        engine, factory = open_database(url, announce=False)
    except Exception as error:  # e.g. a kept database migrated by a schema that has changed since
        if not (backend.postgres and not backend.large_url):
            raise
        log(f"  {backend.label}: the kept large database cannot be migrated ({type(error).__name__}); rebuilding it")
        _drop(backend.server, make_url(url).database)
        _create(backend.server, make_url(url).database)
        engine, factory = open_database(url, announce=False)
    try:
        found = _filled(factory, size)
        reused = found is not None
        if not reused:
            _make_room(engine, factory, url, ours=not backend.large_url)
            organisation(engine, factory, size, log, label=backend.label)
            found = _filled(factory, size)
            if found is None:
                raise RuntimeError("the large database was filled but does not hold what was asked for")
        heavy, empty, total, people, requests, mine = found
    finally:
        engine.dispose()
    return Large(
        url=url,
        interactions=total,
        people=people,
        requests=requests,
        heavy_id=heavy,
        empty_id=empty,
        heavy_entries=mine,
        reused=reused,
        kept=kept,
        fill_seconds=0.0 if reused else time.perf_counter() - started,
    )


def _filled(factory: sessionmaker[Session], size: Size) -> tuple | None:
    """(heavy, empty, interactions, people, requests, heavy's entries) when filled to `size`."""
    with factory() as db:
        heavy = db.scalar(select(Person.id).where(Person.email == HEAVY_EMAIL))
        empty = db.scalar(select(Person.id).where(Person.email == EMPTY_EMAIL))
        if heavy is None or empty is None:
            return None
        people = db.scalar(select(func.count()).select_from(Person))
        if people < size.people:
            return None
        total = db.scalar(select(func.count()).select_from(Interaction))
        if total < size.interactions * 0.95:  # the bulk loader's people log a random number of entries
            return None
        requests = db.scalar(select(func.count()).select_from(SupportRequest))
        mine = db.scalar(select(func.count()).select_from(Interaction).where(Interaction.person_id == heavy))
    return heavy, empty, total, people, requests, mine


def _make_room(engine: Engine, factory: sessionmaker[Session], url: str, *, ours: bool) -> None:
    """An empty database stays; the bench's own (named by it, or holding its heavy clinician) is
    recreated; anything else is refused, so a real installation given by mistake is never touched."""
    from db.migrate import recreate

    with factory() as db:
        anybody = db.scalar(select(Person.id).limit(1))
        mine = db.scalar(select(Person.id).where(Person.email == HEAVY_EMAIL))
    if anybody is None:
        return
    if not ours and mine is None:
        shown = make_url(url).render_as_string(hide_password=True)
        raise RuntimeError(f"{shown} holds people but is not a bench database; give an empty one")
    recreate(engine)


def organisation(engine: Engine, factory: sessionmaker[Session], size: Size, log: Log, *, label: str) -> None:
    """Fill an empty, migrated database: the bulk demo organisation of `size` (`python -m tracker demo
    --bulk`: over 3 years for the full size, over one year for the quick ones, so that the year of
    outcomes holds about one request per clinician), then the two bench clinicians."""
    from tracker.demo import ADMIN_EMAIL
    from tracker.demo_bulk import fill_bulk_demo

    days = 1095 if size.interactions >= 5_000_000 else 365
    with factory() as db:
        written = fill_bulk_demo(
            db, password=PASSWORD, people=size.people, days=days, per_day=size.interactions / (size.people * days)
        )
    rate = written.interactions / max(written.interaction_seconds, 1e-9)
    log(
        f"  {label}: bulk demo, {written.people:,} people, {written.interactions:,} interactions over {days} days, "
        f"{written.requests:,} requests in {written.seconds:.0f} s ({rate:,.0f} interactions/s)"
    )
    with factory() as db:
        administrator = _actor(db, ADMIN_EMAIL)
        heavy = invite(db, administrator, HEAVY_EMAIL, "Heavy Bench", roles={"clinician"})
        invite(db, administrator, EMPTY_EMAIL, "Empty Bench", roles={"clinician"})
    with engine.begin() as conn:
        entries(conn, heavy.id, DAYS * PER_DAY, tags=True)
    analyze(engine)


def _actor(db: Session, email: str):
    from tracker.services import auth

    return auth.current_actor(db, db.scalar(select(Person.id).where(Person.email == email)))


def invite(db: Session, administrator, email: str, name: str, *, roles: set[str]):
    """A person invited through the administrator's service, who then chose `PASSWORD`."""
    from tracker.services import auth, people

    invitation = people.invite_person(
        db, administrator, token=uuid.uuid4().hex, display_name=name, email=email, roles=roles
    )
    person = auth.sign_in(db, email=email, password=invitation.temporary_password)
    return auth.change_password(db, person, current=invitation.temporary_password, new=PASSWORD, repeated=PASSWORD)


def integers(dialect: str, name: str, upto: int) -> str:
    """A FROM clause yielding 1..upto as column `n`, on either database."""
    if dialect == "postgresql":
        return f"generate_series(1, {int(upto)}) AS {name}(n)"
    return (
        f"(WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < {int(upto)}) "
        f"SELECT n FROM s) AS {name}"
    )


def days_before(dialect: str, days: str) -> str:
    """The date `days` (an SQL integer expression) before :today."""
    if dialect == "postgresql":
        return f"(CAST(:today AS DATE) - ({days}))"
    return f"date(:today, '-' || ({days}) || ' days')"


def hours_from(dialect: str, moment: str, hours: str) -> str:
    """The timestamp `hours` (an SQL integer expression, may be negative) after `moment`."""
    if dialect == "postgresql":
        return f"({moment} + make_interval(hours => ({hours})))"
    return f"datetime({moment}, (({hours})) || ' hours')"


def _now(dialect: str) -> str:
    return "CAST(:now AS TIMESTAMPTZ)" if dialect == "postgresql" else "datetime(:now)"


def _times() -> dict[str, str]:
    now = datetime.now(UTC).replace(microsecond=0)
    return {"today": now.date().isoformat(), "now": now.strftime("%Y-%m-%d %H:%M:%S")}


def entries(conn: Connection, person_id: int, count: int, *, tags: bool = False) -> None:
    """`count` entries for one person, 5 a day back from today; with tags on two in three."""
    _insert_entries(conn, f"SELECT {int(person_id)} AS pid", count)
    if tags:
        tag_ids = conn.scalars(select(Tag.id).order_by(Tag.id)).all()
        conn.execute(
            text(
                "INSERT INTO interaction_tags (interaction_id, tag_id) "
                f"SELECT i.id, t.id FROM interactions i JOIN tags t ON t.id = {min(tag_ids)} + (i.id % {len(tag_ids)}) "
                f"WHERE i.person_id = {int(person_id)} AND i.id % 3 <> 0"
            )
        )


def _insert_entries(conn: Connection, people_sql: str, per_person: int) -> None:
    dialect = conn.dialect.name
    day = days_before(dialect, f"(e.n - 1) / {PER_DAY}")
    conn.execute(
        text(
            "INSERT INTO interactions (person_id, occurred_on, time_of_day, rating, created_at) "
            f"SELECT p.pid, {day}, "
            "CASE (e.n + p.pid) % 4"
            " WHEN 0 THEN 'morning' WHEN 1 THEN 'afternoon' WHEN 2 THEN 'evening' ELSE 'night' END, "
            f"((e.n * 7 + p.pid * 3) % 7) - 3, {_now(dialect)} "
            f"FROM ({people_sql}) AS p CROSS JOIN {integers(dialect, 'e', per_person)}"
        ),
        _times(),
    )


def fillers(
    engine: Engine, people: int, *, per_person: int, log: Log, label: str, chunk_rows: int = 2_000_000
) -> list[int]:
    """`people` filler clinicians (unit, profession, clinician role), each with `per_person` entries,
    written in chunks of about `chunk_rows` entries so the progress shows. Returns their ids."""
    dialect = engine.dialect.name
    with engine.begin() as conn:
        unit_ids = _units(conn)
        first = (conn.scalar(text("SELECT max(id) FROM people")) or 0) + 1
        unit = " ".join(f"WHEN {i} THEN {unit_id}" for i, unit_id in enumerate(unit_ids))
        profession = " ".join(f"WHEN {i} THEN '{name}'" for i, name in enumerate(PROFESSIONS))
        conn.execute(
            text(
                "INSERT INTO people (id, email, display_name, password_hash, must_change_password, active, timezone,"
                " data_version, created_at, profession, unit_id) "
                f"SELECT {first} + f.n - 1, 'filler' || f.n || '@bench.example', 'Filler ' || f.n, NULL, false, true,"
                f" 'UTC', 0, {hours_from(dialect, _now(dialect), '-24 * 1500')}, "
                f"CASE f.n % {len(PROFESSIONS)} {profession} END, CASE f.n % {len(unit_ids)} {unit} END "
                f"FROM {integers(dialect, 'f', people)}"
            ),
            _times(),
        )
        conn.execute(
            text(
                "INSERT INTO role_grants (person_id, role) "
                f"SELECT id, 'clinician' FROM people WHERE id >= {first} AND email LIKE 'filler%'"
            )
        )
        if dialect == "postgresql":
            conn.execute(text("SELECT setval(pg_get_serial_sequence('people', 'id'), (SELECT max(id) FROM people))"))
    ids = list(range(first, first + people))
    if per_person <= 0:
        return ids
    step = max(1, chunk_rows // per_person)
    total, started = people * per_person, time.perf_counter()
    for start in range(0, people, step):
        with engine.begin() as conn:
            low, high = first + start, first + min(people, start + step) - 1
            _insert_entries(conn, f"SELECT id AS pid FROM people WHERE id BETWEEN {low} AND {high}", per_person)
        done = (min(people, start + step)) * per_person
        rate = done / max(time.perf_counter() - started, 1e-9)
        log(f"  {label}: {done:,} / {total:,} filler entries ({rate:,.0f} rows/s)")
    return ids


def person(conn: Connection, email: str, name: str, roles: tuple[str, ...]) -> int:
    """One account without a password (it cannot sign in; a figure acts as it through the services)."""
    person_id = conn.scalar(
        Person.__table__.insert()
        .values(email=email, display_name=name, must_change_password=False, active=True, timezone="UTC")
        .values(data_version=0, created_at=datetime.now(UTC) - timedelta(days=400))
        .returning(Person.__table__.c.id)
    )
    for role in roles:
        conn.execute(text("INSERT INTO role_grants (person_id, role) VALUES (:p, :r)"), {"p": person_id, "r": role})
    return person_id


def _units(conn: Connection) -> list[int]:
    have = {name for (name,) in conn.execute(select(Unit.name))}
    for name in UNITS:
        if name not in have:
            conn.execute(Unit.__table__.insert().values(name=name, active=True))
    return list(conn.scalars(select(Unit.id).where(Unit.name.in_(UNITS)).order_by(Unit.id)))


def _filler_index() -> str:
    """A filler's 0-based number, from its e-mail (fillers' ids are consecutive, but this needs no id)."""
    return "(p.id - (SELECT min(id) FROM people WHERE email LIKE 'filler%'))"


def supporters(conn: Connection, *, every: int, capacity: int = 2) -> int:
    """Every `every`-th filler (number ≡ 0 mod every) a trained, active supporter with two topics."""
    dialect = conn.dialect.name
    tag_ids = conn.scalars(select(Tag.id).order_by(Tag.id)).all()
    low, count = min(tag_ids), len(tag_ids)
    conn.execute(
        text(
            "INSERT INTO supporter_profiles (person_id, active, trained, capacity_per_month, created_at) "
            f"SELECT p.id, true, true, {int(capacity)}, {hours_from(dialect, _now(dialect), '-24 * 400')} "
            f"FROM people p WHERE p.email LIKE 'filler%' AND {_filler_index()} % {every} = 0"
        ),
        _times(),
    )
    for shift in (0, 3):
        conn.execute(
            text(
                "INSERT INTO supporter_topics (person_id, tag_id) "
                f"SELECT s.person_id, {low} + ((s.person_id + {shift}) % {count}) FROM supporter_profiles s "
                "JOIN people p ON p.id = s.person_id WHERE p.email LIKE 'filler%'"
            )
        )
    return conn.scalar(text("SELECT count(*) FROM supporter_profiles"))


def _request_columns() -> str:
    return (
        "INSERT INTO support_requests (seeker_id, status, urgency, same_profession, not_my_unit, load_before,"
        " seeker_unit_id, seeker_profession, created_at, approved_at, ended_at) "
    )


def _topics_for_new_requests(conn: Connection, since_id: int) -> None:
    tag_ids = conn.scalars(select(Tag.id).order_by(Tag.id)).all()
    conn.execute(
        text(
            "INSERT INTO request_topics (request_id, tag_id) "
            f"SELECT r.id, {min(tag_ids)} + (r.id % {len(tag_ids)}) FROM support_requests r WHERE r.id > {since_id}"
        )
    )


def open_requests(conn: Connection, count: int, *, every: int) -> None:
    """`count` open requests, one each from the first fillers who are not supporters, asked 1 to 71
    hours ago."""
    dialect = conn.dialect.name
    i = _filler_index()
    before = conn.scalar(text("SELECT coalesce(max(id), 0) FROM support_requests"))
    created = hours_from(dialect, _now(dialect), f"-(1 + {i} % 71)")
    seekers = (
        f"SELECT p.id FROM people p WHERE p.email LIKE 'filler%' AND {i} % {every} <> 0 ORDER BY p.id LIMIT {count}"
    )
    conn.execute(
        text(
            _request_columns() + "SELECT p.id, 'open', "
            f"CASE {i} % 3 WHEN 0 THEN 'this_week' WHEN 1 THEN 'soon' ELSE 'when_possible' END, "
            f"{i} % 4 = 0, {i} % 2 = 0, 5 + {i} % 5, p.unit_id, p.profession, {created}, NULL, NULL "
            f"FROM people p WHERE p.id IN ({seekers})"
        ),
        _times(),
    )
    _topics_for_new_requests(conn, before)


def analyze(engine: Engine) -> None:
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE"))


def today() -> date:
    return datetime.now(UTC).date()
