"""The reminders the person chose (Account): off unless chosen."""

from __future__ import annotations

from sqlalchemy.orm import Session

from db.models import ReminderPreference
from tracker.domain import Actor
from tracker.policy import Action
from tracker.reminders import ReminderChoice
from tracker.services.boundary import authorize


def my_reminders(db: Session, actor: Actor) -> ReminderChoice:
    authorize(db, actor, Action.READ_REMINDERS)
    row = db.get(ReminderPreference, actor.id)
    if row is None:
        return ReminderChoice()
    return ReminderChoice(row.log_daily, row.checkin_weekly, row.remind_at, row.checkin_weekday)
