"""Logging interactions: the clinician's own, private entries. Only the owner reads or changes them."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Interaction, Tag, utcnow
from tracker.domain import Actor, InteractionDraft, Role
from tracker.errors import NotAllowed
from tracker.services._common import require, touch
from tracker.validation import CleanInteraction, clean_interaction, clean_token

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

def log(db: Session, actor: Actor, draft: InteractionDraft) -> int:
    """Store one interaction for the actor. Idempotent: the same form token stores one row."""
    require(actor, Role.CLINICIAN)
    token = clean_token(draft.token)
    existing = db.scalar(select(Interaction).where(Interaction.form_token == token))
    if existing is not None:
        return _own(existing, actor).id
    clean = clean_interaction(draft, today=actor.today(), usable_tag_ids=_active_tag_ids(db))
    interaction = Interaction(person_id=actor.id, form_token=token)
    _apply(db, interaction, clean)
    db.add(interaction)
    touch(db, actor)
    try:
        db.commit()
    except Exception:
        db.rollback()
        # A double click raced us to the UNIQUE form token: the other request stored the row.
        existing = db.scalar(select(Interaction).where(Interaction.form_token == token))
        if existing is None:
            raise
        return _own(existing, actor).id
    return interaction.id

def recent(db: Session, actor: Actor, *, limit: int = 10) -> list[Entry]:
    """The actor's own newest entries, newest first."""
    require(actor, Role.CLINICIAN)
    rows = db.scalars(
        select(Interaction)
        .where(Interaction.person_id == actor.id)
        .order_by(Interaction.occurred_on.desc(), Interaction.id.desc())
        .limit(limit)
    )
    return [_entry(i) for i in rows]

def update(db: Session, actor: Actor, interaction_id: int, draft: InteractionDraft) -> None:
    """Change one of the actor's own entries. Tags it already carries stay usable even if retired."""
    require(actor, Role.CLINICIAN)
    interaction = _owned(db, actor, interaction_id)
    usable = _active_tag_ids(db) | {t.id for t in interaction.tags}
    clean = clean_interaction(draft, today=actor.today(), usable_tag_ids=usable)
    _apply(db, interaction, clean)
    interaction.updated_at = utcnow()
    touch(db, actor)
    db.commit()

def delete(db: Session, actor: Actor, interaction_id: int) -> None:
    """Delete one of the actor's own entries. Deleting twice is not an error."""
    require(actor, Role.CLINICIAN)
    interaction = db.get(Interaction, interaction_id) if isinstance(interaction_id, int) else None
    if interaction is None:
        return
    db.delete(_own(interaction, actor))
    touch(db, actor)
    db.commit()

def _owned(db: Session, actor: Actor, interaction_id: int) -> Interaction:
    interaction = db.get(Interaction, interaction_id) if isinstance(interaction_id, int) else None
    if interaction is None:
        raise NotAllowed("That entry does not exist or is not yours.")
    return _own(interaction, actor)

def _own(interaction: Interaction, actor: Actor) -> Interaction:
    # Same words as a missing entry: nobody learns whether someone else's entry exists.
    if interaction.person_id != actor.id:
        raise NotAllowed("That entry does not exist or is not yours.")
    return interaction

def _active_tag_ids(db: Session) -> set[int]:
    return set(db.scalars(select(Tag.id).where(~Tag.retired)))

def _apply(db: Session, interaction: Interaction, clean: CleanInteraction) -> None:
    interaction.occurred_on = clean.occurred_on
    interaction.time_of_day = clean.time_of_day
    interaction.rating = clean.rating
    interaction.felt_trusted = clean.felt_trusted
    interaction.showed_humanity = clean.showed_humanity
    interaction.note = clean.note
    interaction.tags = list(db.scalars(select(Tag).where(Tag.id.in_(clean.tag_ids)))) if clean.tag_ids else []

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
