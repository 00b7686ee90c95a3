"""The person's notifications: reading the list marks it read."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Notification, utcnow
from tracker.domain import Actor
from tracker.policy import Action
from tracker.services.boundary import action


def mark_all_read(db: Session, actor: Actor) -> None:
    with action(db, actor, Action.READ_NOTIFICATIONS) as act:
        unread = db.scalars(
            select(Notification).where(Notification.person_id == actor.id, Notification.read_at.is_(None))
        ).all()
        if not unread:
            act.already_done = True
            return
        for note in unread:
            note.read_at = utcnow()
        act.done()
