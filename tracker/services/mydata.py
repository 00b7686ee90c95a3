"""Erasing my data (GDPR-style): everything private of the person, in one transaction."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from db.models import CheckIn, FormSubmission, Interaction, InteractionTag, Person
from tracker.audit import AuditKind, AuditRecord
from tracker.domain import Actor
from tracker.policy import Action
from tracker.services.boundary import action


def erase(db: Session, actor: Actor) -> None:
    """Delete every interaction, check-in and note of the actor in one transaction.

    The audit trail records that an erase happened, never what was erased. The account itself
    stays (an administrator deactivates accounts), so the person can start afresh.
    """
    with action(db, actor, Action.ERASE_MY_DATA) as act:
        erase_private_history(db, actor.id)
        act.done(actor.id, audit=AuditRecord.about_person(AuditKind.PERSONAL_DATA_ERASED, db.get(Person, actor.id)))


def erase_private_history(db: Session, person_id: int) -> None:
    """The part of an erase shared with starting afresh after a reset: inside the caller's action."""
    mine = select(Interaction.id).where(Interaction.person_id == person_id)
    db.execute(delete(InteractionTag).where(InteractionTag.interaction_id.in_(mine)))
    db.execute(delete(Interaction).where(Interaction.person_id == person_id))
    db.execute(delete(CheckIn).where(CheckIn.person_id == person_id))
    db.execute(delete(FormSubmission).where(FormSubmission.person_id == person_id))
