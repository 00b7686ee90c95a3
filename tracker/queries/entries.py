"""Reads for the log page: the tags one can choose and the person's own recent entries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Interaction, Tag
from tracker.domain import Actor
from tracker.policy import Action
from tracker.services.boundary import authorize


@dataclass(frozen=True)
class TagOption:
    id: int
    name: str


@dataclass(frozen=True)
class Entry:
    """One of the person's own entries, as the log page shows it."""

    id: int
    occurred_on: date
    time_of_day: str | None
    rating: int
    tag_ids: tuple[int, ...]
    tags: tuple[str, ...]
    felt_trusted: int | None
    showed_humanity: int | None
    note: str | None


def tag_options(db: Session) -> list[TagOption]:
    """The tags a clinician can choose now (retired ones are hidden from new entries)."""
    return [TagOption(t.id, t.name) for t in db.scalars(select(Tag).where(~Tag.retired).order_by(Tag.name))]


def recent(db: Session, actor: Actor, *, limit: int = 10) -> list[Entry]:
    """The actor's own newest entries, newest first."""
    authorize(db, actor, Action.READ_ENTRIES)
    rows = db.scalars(
        select(Interaction)
        .where(Interaction.person_id == actor.id)
        .order_by(Interaction.occurred_on.desc(), Interaction.id.desc())
        .limit(limit)
    )
    return [_entry(i) for i in rows]


def _entry(i: Interaction) -> Entry:
    tags = sorted(i.tags, key=lambda t: t.name)
    return Entry(
        id=i.id,
        occurred_on=i.occurred_on,
        time_of_day=i.time_of_day,
        rating=i.rating,
        tag_ids=tuple(t.id for t in tags),
        tags=tuple(t.name for t in tags),
        felt_trusted=i.felt_trusted,
        showed_humanity=i.showed_humanity,
        note=i.note,
    )
