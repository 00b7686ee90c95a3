"""Process-wide wiring shared by the Streamlit app and the CLI: one engine, migrated once."""

from __future__ import annotations

import sys

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from db.engine import make_engine, session_factory
from db.migrate import upgrade
from db.models import Tag
from tracker.domain import DEFAULT_TAGS
from tracker.errors import Conflict
from tracker.policy import Action
from tracker.services import auth
from tracker.services.boundary import action


def open_database(
    url: str | None = None, *, announce: bool = True, new_setup_code: bool = False
) -> tuple[Engine, sessionmaker[Session]]:
    """Engine for DATABASE_URL (or the embedded SQLite), migrated to head, with the starter tags.

    On an installation with nobody in it, prints a one-time setup code to the terminal unless
    `announce` is off (see `announce_setup_code`)."""
    engine = make_engine(url)
    upgrade(engine)
    factory = session_factory(engine)
    with factory() as db:
        seed_tags(db)
        if announce:
            announce_setup_code(db, always=new_setup_code)
    return engine, factory


def announce_setup_code(db: Session, *, always: bool = False) -> str | None:
    """Print the code that creating the first administrator needs, while nobody exists yet.

    The terminal is the one place only whoever started the server reads, so this is what stops
    the first visitor of a new server from claiming it. Codes are kept only as hashes, so one
    printed earlier cannot be shown again: `./run-app` (through `python -m tracker migrate`)
    always prints a new one; a Streamlit process started on its own prints one only when none is
    waiting, so `./run-app` shows exactly one code."""
    if not auth.needs_first_administrator(db) or (not always and auth.setup_code_waiting(db)):
        return None
    code = auth.new_setup_code(db)
    if code:
        print(
            "\nShared Load has no accounts yet. To create the first administrator, open the app and enter\n"
            f"the one-time setup code:  {code}\n"
            "(or run: python -m tracker create-admin --name NAME --email EMAIL)\n",
            file=sys.stderr,
            flush=True,
        )
    return code


def seed_tags(db: Session) -> None:
    """The curated starting list, added once on an empty installation."""
    if db.scalar(select(Tag.id).limit(1)) is not None:
        return
    try:
        with action(db, None, Action.PREPARE_INSTALLATION) as act:
            db.add_all(Tag(name=name) for name in DEFAULT_TAGS)
            act.done()
    except Conflict:
        pass  # another process seeded the same list at the same moment
