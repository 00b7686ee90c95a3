"""Logging interactions: the clinician's own, private entries. Only the owner changes them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Interaction, Tag, utcnow
from tracker.domain import Actor, InteractionDraft
from tracker.errors import NotAllowed
from tracker.policy import Action, Resource, own
from tracker.services.boundary import action, not_yours
from tracker.validation import CleanInteraction, clean_interaction, is_id

ENTRY = "entry"


def log(db: Session, actor: Actor, draft: InteractionDraft) -> int:
    """Store one interaction for the actor. Idempotent: the same form token stores one row."""
    with action(db, actor, Action.LOG_INTERACTION, token=draft.token) as act:
        if act.already_done:
            return act.result_id
        clean = clean_interaction(draft, today=actor.today(), usable_tag_ids=_active_tag_ids(db))
        interaction = Interaction(person_id=actor.id)
        _apply(db, interaction, clean)
        db.add(interaction)
        db.flush()
        act.done(interaction.id)
    return act.result_id


def update(db: Session, actor: Actor, interaction_id: int, draft: InteractionDraft) -> None:
    """Change one of the actor's own entries. Tags it already carries stay usable even if retired."""
    interaction = _entry(db, interaction_id)
    with action(db, actor, Action.EDIT_INTERACTION, resource=_resource(interaction)) as act:
        _exists(interaction)
        usable = _active_tag_ids(db) | {t.id for t in interaction.tags}
        clean = clean_interaction(draft, today=actor.today(), usable_tag_ids=usable)
        _apply(db, interaction, clean)
        interaction.updated_at = utcnow()
        act.done(interaction.id)


def delete(db: Session, actor: Actor, interaction_id: int) -> None:
    """Delete one of the actor's own entries. Deleting twice is not an error."""
    interaction = _entry(db, interaction_id)
    with action(db, actor, Action.DELETE_INTERACTION, resource=_resource(interaction)) as act:
        if not is_id(interaction_id):  # a well-formed id may be gone already (a double tap); this never was one
            raise NotAllowed(not_yours(Resource(ENTRY)))
        if interaction is not None:
            db.delete(interaction)
        act.done(interaction_id)


def _entry(db: Session, interaction_id: int) -> Interaction | None:
    return db.get(Interaction, interaction_id) if is_id(interaction_id) else None


def _resource(interaction: Interaction | None) -> Resource:
    return own(ENTRY, interaction.person_id) if interaction is not None else Resource(ENTRY)


def _exists(interaction: Interaction | None) -> Interaction:
    if interaction is None:  # same words as someone else's entry: existence is not leaked
        raise NotAllowed(not_yours(Resource(ENTRY)))
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
