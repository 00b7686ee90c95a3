"""Reminders a person chose: setting them on Account, and sending the ones that are due.

The rule (when, how often, what one message mentions) is `tracker/reminders.py`; this module
stores the choice and writes each due reminder as a notification — in the app, and by e-mail where
SMTP is configured (`tracker/notify.py`).

Sending runs from two places, like a person would expect: the sweep (`services/sweeps.run_sweeps`,
every round of the notification sender, so an e-mail leaves at the chosen time even when nobody
has the app open), and, for the signed-in person only, when Home or Notifications is shown
(`bring_mine`), so an installation without e-mail still shows the reminder in the app. Both may
run at the same moment: a reminder is written only by whoever first inserts its
(person, local date) row in `reminders_sent` (`INSERT … ON CONFLICT DO NOTHING`), so there is
never a second one that day and never an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import case, exists, func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from db.models import CheckIn, Person, ReminderPreference, ReminderSent, RoleGrant, utcnow
from tracker.domain import Actor, Role
from tracker.notify import NotificationKind, notify
from tracker.policy import Action
from tracker.queries.program import program_settings
from tracker.reminders import Due, ReminderChoice, clean_choice, due, next_check
from tracker.scoring import checkin_due
from tracker.services.boundary import action

BATCH = 1000  # people looked at per round at most; the sender's next round (seconds later) takes the rest


@dataclass(frozen=True)
class ReminderRound:
    looked_at: int
    sent: int


def set_reminders(
    db: Session,
    actor: Actor,
    *,
    token: str,
    log_daily: object,
    checkin_weekly: object,
    at: object,
    checkin_weekday: object,
    now: datetime | None = None,
) -> ReminderChoice:
    """Store the actor's choice (validated here, whatever the form sent). The first reminder comes
    at the next chosen time of day, never at once."""
    choice = clean_choice(log_daily=log_daily, checkin_weekly=checkin_weekly, at=at, checkin_weekday=checkin_weekday)
    now = now or utcnow()
    with action(db, actor, Action.SET_REMINDERS, token=token) as act:
        if act.already_done:
            return choice
        person = db.get(Person, actor.id)
        row = db.get(ReminderPreference, actor.id) or ReminderPreference(person_id=actor.id)
        row.log_daily, row.checkin_weekly = choice.log_daily, choice.checkin_weekly
        row.remind_at, row.checkin_weekday = choice.at, choice.checkin_weekday
        row.next_check_at = next_check(choice, now=now, zone=person.timezone)
        row.updated_at = now
        db.add(row)
        db.flush()
        act.done(actor.id)
    return choice


def send_due(db: Session, *, now: datetime, person_id: int | None = None) -> ReminderRound:
    """Inside the caller's action: write every reminder due at `now` (for one person, or for everyone
    whose chosen time has come), and move each person looked at to their next chosen time."""
    query = select(ReminderPreference, Person).join(Person).where(ReminderPreference.next_check_at <= now)
    if person_id is not None:
        query = query.where(ReminderPreference.person_id == person_id)
    rows = db.execute(query.order_by(ReminderPreference.next_check_at).limit(BATCH)).all()
    if not rows:
        return ReminderRound(0, 0)
    ids = [preference.person_id for preference, _person in rows]
    clinicians = set(
        db.scalars(select(RoleGrant.person_id).where(RoleGrant.person_id.in_(ids), RoleGrant.role == Role.CLINICIAN))
    )
    latest_week = dict(
        db.execute(
            select(CheckIn.person_id, func.max(CheckIn.iso_year * 100 + CheckIn.iso_week))
            .where(CheckIn.person_id.in_(ids))
            .group_by(CheckIn.person_id)
        ).all()
    )
    last = {
        pid: (any_day, checkin_day)
        for pid, any_day, checkin_day in db.execute(
            select(
                ReminderSent.person_id,
                func.max(ReminderSent.local_date),
                func.max(case((ReminderSent.checkin, ReminderSent.local_date))),
            )
            .where(ReminderSent.person_id.in_(ids))
            .group_by(ReminderSent.person_id)
        )
    }
    cadence = program_settings(db).checkin_cadence
    sent = 0
    for preference, person in rows:
        choice = ReminderChoice(
            preference.log_daily, preference.checkin_weekly, preference.remind_at, preference.checkin_weekday
        )
        local = now.astimezone(ZoneInfo(person.timezone))
        week = latest_week.get(person.id)
        last_any, last_checkin = last.get(person.id, (None, None))
        reminder = (
            due(
                choice,
                now=local.replace(tzinfo=None),
                last_reminded_on=last_any,
                last_checkin_reminder_on=last_checkin,
                checkin_due=checkin_due(divmod(week, 100) if week else None, local.date(), cadence),
            )
            if person.active and person.id in clinicians
            else None
        )
        if reminder is not None and _claim_the_day(db, person.id, local.date(), reminder):
            notification = notify(db, person.id, _kind(reminder))
            if notification is not None:
                db.flush()
                db.execute(
                    update(ReminderSent)
                    .where(ReminderSent.person_id == person.id, ReminderSent.local_date == local.date())
                    .values(notification_id=notification.id)
                )
            sent += 1
        preference.next_check_at = next_check(choice, now=now, zone=person.timezone)
    db.flush()
    return ReminderRound(len(rows), sent)


def bring_mine(db: Session, actor: Actor, *, now: datetime | None = None) -> bool:
    """When the person opens Home or Notifications: their reminder, if one is due now (True then).
    Without e-mail there is no sender, so this is what brings an in-app reminder at all."""
    now = now or utcnow()
    waiting = select(exists().where(ReminderPreference.person_id == actor.id, ReminderPreference.next_check_at <= now))
    if not db.scalar(waiting):  # the usual case: one indexed look-up, nothing written
        return False
    with action(db, actor, Action.READ_NOTIFICATIONS) as act:
        found = send_due(db, now=now, person_id=actor.id)
        act.done()
    return found.sent > 0


def _claim_the_day(db: Session, person_id: int, local_date, reminder: Due) -> bool:
    """Insert the (person, local date) row unless it exists; True when this call inserted it."""
    insert = postgresql_insert if db.get_bind().dialect.name == "postgresql" else sqlite_insert
    claimed = db.execute(
        insert(ReminderSent)
        .values(
            person_id=person_id, local_date=local_date, log=reminder.log, checkin=reminder.checkin, created_at=utcnow()
        )
        .on_conflict_do_nothing(index_elements=["person_id", "local_date"])
        .returning(ReminderSent.person_id)
    ).first()
    return claimed is not None


def _kind(reminder: Due) -> NotificationKind:
    if reminder.log and reminder.checkin:
        return NotificationKind.REMINDER_LOG_AND_CHECKIN
    return NotificationKind.REMINDER_LOG if reminder.log else NotificationKind.REMINDER_CHECKIN
