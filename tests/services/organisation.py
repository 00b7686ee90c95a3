"""A small organisation built through the services, for the privacy walk and the bad-input tests.

Everyone's private content carries a marker a test can look for: entry reflections say
`NOTE-<first name>`, a request's line for the coordinator says `LINE-<first name>`.

    Alice (clinician, ICU)     entries, a check-in; asked R1, scheduled with Bob (M1)
    Bob (clinician, trained supporter, Oncology)  entries, a check-in; supports M1 and M3
    Dana (clinician, ICU)      asked R2, proposed to Sid (M2, not yet approved)
    Erin (clinician, ICU)      asked R3, met Bob, both gave feedback (M3, closed)
    Mallory (clinician)        one entry and a check-in of her own; no conversation
    Sid (clinician, trained supporter, Oncology)  no entries
    Cora (coordinator only), Abe (administrator only), Ada (the first administrator, also a clinician)
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from db.engine import make_engine
from db.models import Base, Interaction, Match, utcnow
from tracker.domain import Actor, InteractionDraft, RequestDraft
from tracker.queries import entries
from tracker.scoring import CheckInAnswers
from tracker.services import checkins, conversations, interactions, named_lists, requests, supporters
from tracker.services import queue as decisions


def token() -> str:
    return uuid.uuid4().hex


@dataclass
class Organisation:
    people: dict[str, Actor]
    units: dict[str, int]
    tags: dict[str, int]
    entries: dict[str, list[int]]  # first name -> entry ids
    requests: dict[str, int]  # R1, R2, R3
    matches: dict[str, int]  # M1, M2, M3
    now: datetime  # a fixed "now" after M1's meeting time, for the functions that take one
    notes: dict[str, list[str]] = field(default_factory=dict)

    def __getitem__(self, first_name: str) -> Actor:
        return self.people[first_name]

    @property
    def ids(self) -> dict[int, str]:
        return {actor.id: name for name, actor in self.people.items()}


def build(db: Session, administrator: Actor, make_person) -> Organisation:
    """Build the organisation above, through the services only (times moved by direct updates)."""
    units = {name: named_lists.create_unit(db, administrator, token=token(), name=name) for name in ("ICU", "Oncology")}
    tags = {t.name: t.id for t in entries.tag_options(db)}
    people = {
        "Alice": make_person("Alice Able", unit_id=units["ICU"], profession="nurse"),
        "Bob": make_person("Bob Baker", unit_id=units["Oncology"], profession="physician"),
        "Dana": make_person("Dana Dean", unit_id=units["ICU"], profession="resident"),
        "Erin": make_person("Erin Eve", unit_id=units["ICU"], profession="nurse"),
        "Mallory": make_person("Mallory Moss", unit_id=units["ICU"], profession="nurse"),
        "Sid": make_person("Sid Stone", unit_id=units["Oncology"], profession="therapist"),
        "Cora": make_person("Cora Coord", roles=("coordinator",)),
        "Abe": make_person("Abe Admin", roles=("administrator",)),
        "Ada": administrator,
    }
    org = Organisation(people, units, tags, {}, {}, {}, now=utcnow())
    ratings = {"Alice": (3, -2, -3), "Bob": (2, -1), "Mallory": (1,), "Ada": (-1,)}
    tag_cycle = [tags["Patient death"], tags["Gratitude"], tags["Moral distress"]]
    for name, scores in ratings.items():
        person = people[name]
        org.entries[name], org.notes[name] = [], []
        for day, rating in enumerate(scores, start=1):
            note = f"NOTE-{name}-{day} a reflection"
            draft = InteractionDraft(
                token=token(),
                occurred_on=person.today() - timedelta(days=day),
                rating=rating,
                time_of_day=("morning", "evening", "night")[day % 3],
                tag_ids=(tag_cycle[day % 3],),
                felt_trusted=day % 3,
                showed_humanity=(day + 1) % 3,
                note=note,
            )
            org.entries[name].append(interactions.log(db, person, draft))
            org.notes[name].append(note)
    for name, brs in (("Alice", (2, 4, 2, 4, 2, 4)), ("Bob", (4, 2, 4, 2, 4, 2)), ("Mallory", (3,) * 6)):
        checkins.submit(db, people[name], token=token(), answers=CheckInAnswers(brs=brs, burnout=3, load=7))

    cora, bob, sid = people["Cora"], people["Bob"], people["Sid"]
    supporters.save_profile(db, bob, topic_ids=(tags["Gratitude"], tags["Patient death"]), capacity_per_month=4)
    supporters.save_profile(db, sid, topic_ids=(tags["Teaching moment"],), capacity_per_month=2)
    for supporter in (bob, sid):
        supporters.mark_trained(db, cora, supporter.id, trained=True)

    def ask(name: str, topic: str, load: int) -> int:
        draft = RequestDraft(
            token=token(),
            topic_ids=(tags[topic],),
            urgency="soon",
            load_before=load,
            note_for_coordinator=f"LINE-{name} mornings suit me",
        )
        return requests.ask(db, people[name], draft)

    def approved_match(request_id: int) -> int:
        decisions.propose_matches(db, cora)
        match_id = db.scalar(select(Match.id).where(Match.request_id == request_id, Match.status == "proposed"))
        decisions.approve(db, cora, match_id)
        return match_id

    # R3: Erin and Bob met and both gave feedback (closed).
    org.requests["R3"] = ask("Erin", "Gratitude", 8)
    org.matches["M3"] = m3 = approved_match(org.requests["R3"])
    conversations.propose_time(db, bob, m3, utcnow() + timedelta(days=1))
    conversations.accept_time(db, people["Erin"], m3)
    db.get(Match, m3).meeting_at = utcnow() - timedelta(days=1)  # time passes
    db.commit()
    conversations.seeker_feedback(db, people["Erin"], m3, load_after=3, helpful=5)
    conversations.supporter_feedback(db, bob, m3, load_after=4, wants_support=True)
    # R1: Alice and Bob agreed on a time (scheduled, tomorrow).
    org.requests["R1"] = ask("Alice", "Patient death", 9)
    org.matches["M1"] = m1 = approved_match(org.requests["R1"])
    conversations.propose_time(db, bob, m1, utcnow() + timedelta(days=1))
    conversations.accept_time(db, people["Alice"], m1)
    # R2: Dana's request is proposed to Sid, not yet approved.
    org.requests["R2"] = ask("Dana", "Teaching moment", 6)
    decisions.propose_matches(db, cora)
    org.matches["M2"] = db.scalar(select(Match.id).where(Match.request_id == org.requests["R2"]))
    org.now = utcnow() + timedelta(days=2)  # after M1's meeting: feedback would be open
    db.expire_all()
    assert db.get(Match, org.matches["M2"]).supporter_id == sid.id
    assert db.scalar(select(Interaction.id).where(Interaction.person_id == people["Alice"].id).limit(1))
    return org


# ---- sessions whose commits are rolled back, and what a call changed ----------------------------


@pytest.fixture
def isolated(engine):
    """Sessions on one connection inside an outer transaction: the boundary's commits are savepoints,
    and rolling the outer transaction back leaves the organisation exactly as it was."""
    own = make_engine(engine.url.render_as_string(hide_password=False))
    if own.dialect.name == "sqlite":  # let the driver's transactions be SQLAlchemy's (savepoints)

        @event.listens_for(own, "connect")
        def _no_driver_transactions(dbapi_connection, _record):
            dbapi_connection.isolation_level = None

        @event.listens_for(own, "begin")
        def _begin(conn):
            conn.exec_driver_sql("BEGIN")

    @contextmanager
    def session() -> Iterator[Session]:
        with own.connect() as conn:
            outer = conn.begin()
            db = Session(bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False)
            try:
                yield db
            finally:
                db.close()
                outer.rollback()

    yield session
    own.dispose()


@contextmanager
def watching_writes(db: Session) -> Iterator[list[str]]:
    """The statements that may have changed something, sent on this session's connection while
    the block runs (no statement that writes: nothing changed, no snapshot needed)."""
    connection = db.connection()
    seen: list[str] = []

    def note(_conn, _cursor, statement, _parameters, _context, _executemany):
        if not statement.lstrip().upper().startswith(("SELECT", "SAVEPOINT", "RELEASE", "ROLLBACK", "PRAGMA")):
            seen.append(statement)

    event.listen(connection, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(connection, "before_cursor_execute", note)


def snapshot(db: Session) -> dict[str, dict[tuple, dict]]:
    """Every row of every table, as the driver gives it (plain SQL: this runs thousands of times)."""
    db.flush()
    connection = db.connection()
    tables = {}
    if connection.dialect.name == "postgresql":  # one round trip: each table as a JSON array
        names = [table.name for table in Base.metadata.sorted_tables]
        parts = ", ".join(f"(SELECT coalesce(json_agg(t), '[]') FROM {name} t)" for name in names)
        arrays = connection.exec_driver_sql(f"SELECT {parts}").one()
        for table, rows in zip(Base.metadata.sorted_tables, arrays, strict=True):
            key = [c.name for c in table.primary_key.columns]
            tables[table.name] = {tuple(r[k] for k in key): r for r in rows}
        return tables
    for table in Base.metadata.sorted_tables:
        key = [c.name for c in table.primary_key.columns]
        result = connection.exec_driver_sql(f"SELECT * FROM {table.name}")
        columns = list(result.keys())
        rows = [dict(zip(columns, row, strict=True)) for row in result]
        tables[table.name] = {tuple(r[k] for k in key): r for r in rows}
    return tables


def changes(before: dict, after: dict) -> list[tuple[str, str, dict, dict | None]]:
    """(table, "insert"/"update"/"delete", row, the row before an update) for every row that differs."""
    found = []
    for table in before.keys() | after.keys():
        old, new = before.get(table, {}), after.get(table, {})
        for key in old.keys() | new.keys():
            if key not in old:
                found.append((table, "insert", new[key], None))
            elif key not in new:
                found.append((table, "delete", old[key], None))
            elif old[key] != new[key]:
                found.append((table, "update", new[key], old[key]))
    return found
