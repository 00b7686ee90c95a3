"""Process-wide wiring shared by the Streamlit app and the CLI: one engine, migrated once."""

from __future__ import annotations

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from db.engine import make_engine, session_factory
from db.migrate import upgrade
from db.models import Tag
from tracker.domain import DEFAULT_TAGS
from tracker.errors import Conflict
from tracker.policy import Action
from tracker.services.boundary import action


def open_database(url: str | None = None) -> tuple[Engine, sessionmaker[Session]]:
    """Engine for DATABASE_URL (or the embedded SQLite), migrated to head, with the starter tags."""
    engine = make_engine(url)
    upgrade(engine)
    factory = session_factory(engine)
    with factory() as db:
        seed_tags(db)
    return engine, factory


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
