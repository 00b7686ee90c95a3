"""Erasing my data (GDPR-style): everything private of the person, in one transaction."""

from __future__ import annotations

import secrets

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from db.engine import checkpoint_wal
from db.models import (
    CheckIn,
    FormSubmission,
    Interaction,
    InteractionTag,
    Match,
    Notification,
    OutboxMessage,
    Person,
    ReminderPreference,
    ReminderSent,
    SupporterProfile,
    SupportRequest,
    utcnow,
)
from tracker.audit import AuditKind, AuditRecord
from tracker.domain import Actor
from tracker.notify import NotificationKind, notify
from tracker.policy import Action
from tracker.services.boundary import action
from tracker.services.queue import decline
from tracker.services.requests import LIVE


def erase(db: Session, actor: Actor) -> None:
    """Delete every interaction, check-in and note of the actor in one transaction.

    The audit trail records that an erase happened, never what was erased. The account itself
    stays (an administrator deactivates accounts), so the person can start afresh. Nothing is
    left to recover: SQLite zeroes deleted content (`secure_delete`, db/engine.py) and its
    write-ahead log, which still holds earlier copies of the pages, is checkpointed and emptied.
    """
    with action(db, actor, Action.ERASE_MY_DATA) as act:
        erase_private_history(db, actor.id)
        act.done(actor.id, audit=AuditRecord.about_person(AuditKind.PERSONAL_DATA_ERASED, db.get(Person, actor.id)))
    checkpoint_wal(db.get_bind())


def erase_private_history(db: Session, person_id: int) -> None:
    """The part of an erase shared with starting afresh after a reset: inside the caller's action.

    The data version (the key of the person's cached trends) becomes a new random value: a counter
    would tell how many entries the person once wrote, and no cache entry of the erased data can
    ever be asked for again."""
    db.execute(update(Person).where(Person.id == person_id).values(data_version=secrets.randbelow(2**30)))
    mine = select(Interaction.id).where(Interaction.person_id == person_id)
    db.execute(delete(InteractionTag).where(InteractionTag.interaction_id.in_(mine)))
    db.execute(delete(Interaction).where(Interaction.person_id == person_id))
    db.execute(delete(CheckIn).where(CheckIn.person_id == person_id))
    db.execute(delete(FormSubmission).where(FormSubmission.person_id == person_id))
    # The reminders chosen and the days they came (which would tell when a check-in was not done);
    # the reminder notifications go with every other notification below.
    db.execute(delete(ReminderSent).where(ReminderSent.person_id == person_id))
    db.execute(delete(ReminderPreference).where(ReminderPreference.person_id == person_id))
    _anonymise_peer_support(db, person_id)


def _anonymise_peer_support(db: Session, person_id: int) -> None:
    """Requests and conversations lose the person, not the peer's side: the other person keeps
    their own feedback, and outcomes keep anonymous counts. A request still in progress ends; a
    conversation the person was to support goes back to the queue for the seeker."""
    for request in db.scalars(select(SupportRequest).where(SupportRequest.seeker_id == person_id)):
        if request.status in LIVE:
            for match in request.matches:
                if match.status in ("proposed", "approved", "scheduled"):
                    if match.status != "proposed":
                        notify(db, match.supporter_id, NotificationKind.MATCH_DECLINED, request.id)
                    match.status = "withdrawn"
            request.status, request.ended_at = "withdrawn", utcnow()
        request.seeker_id, request.note_for_coordinator = None, None
    for match in db.scalars(select(Match).where(Match.supporter_id == person_id)):
        if match.status in ("proposed", "approved", "scheduled"):
            decline(db, match, "the supporter left the program")
        match.supporter_id = None
    profile = db.get(SupporterProfile, person_id)
    if profile is not None:
        db.delete(profile)
    db.execute(
        delete(OutboxMessage).where(
            OutboxMessage.notification_id.in_(select(Notification.id).where(Notification.person_id == person_id)),
            OutboxMessage.state == "pending",
        )
    )
    db.execute(delete(Notification).where(Notification.person_id == person_id))
