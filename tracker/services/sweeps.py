"""Time-driven steps nobody clicks: expiring stale requests, feedback due, overdue requests, and the
reminders people chose (services/reminders.py).

Run by the notification sender on every round and by every app server every few minutes
(tracker/sweeper.py); each run is idempotent (a notification already sent for the same request and
person is not repeated). On PostgreSQL a transaction-level advisory lock lets one sweep run at a
time: a replica that finds another replica sweeping skips its round.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, select, text
from sqlalchemy.orm import Session

from db.models import Match, Notification, Person, RoleGrant, SupportRequest, utcnow
from tracker.domain import Role
from tracker.notify import NotificationKind, notify
from tracker.policy import Action
from tracker.queries.program import program_settings
from tracker.services import reminders, sessions
from tracker.services.boundary import action


@dataclass(frozen=True)
class SweepReport:
    expired: int
    feedback_due: int
    overdue: int
    reminders: int = 0
    sessions_removed: int = 0
    skipped: bool = False  # another sweep held the lock (PostgreSQL)


SWEEP_LOCK = 0x5348_4C53  # the advisory lock's key: "SHLS"


def run_sweeps(db: Session, *, now: datetime | None = None) -> SweepReport:
    now = now or utcnow()
    settings = program_settings(db)
    with action(db, None, Action.RUN_SWEEPS) as act:
        if db.get_bind().dialect.name == "postgresql" and not db.scalar(
            text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": SWEEP_LOCK}
        ):
            act.done()
            return SweepReport(expired=0, feedback_due=0, overdue=0, skipped=True)
        stale = db.scalars(
            select(SupportRequest).where(
                SupportRequest.status == "open",
                SupportRequest.created_at < now - timedelta(days=settings.request_expiry_days),
            )
        ).all()
        for request in stale:
            request.status, request.ended_at, request.updated_at = "expired", now, now
            notify(db, request.seeker_id, NotificationKind.REQUEST_EXPIRED, request.id)
        due = 0
        met_time = db.scalars(
            select(Match).where(Match.status.in_(("scheduled", "met")), Match.meeting_at <= now)
        ).all()
        for match in met_time:
            waiting = [
                person
                for person, given in (
                    (match.request.seeker_id, match.seeker_feedback_at),
                    (match.supporter_id, match.supporter_feedback_at),
                )
                if given is None
            ]
            for person in waiting:
                if _not_yet(db, person, NotificationKind.FEEDBACK_DUE, match.request_id):
                    notify(db, person, NotificationKind.FEEDBACK_DUE, match.request_id)
                    due += 1
        overdue = 0
        late = db.scalars(
            select(SupportRequest).where(
                SupportRequest.status == "open",
                SupportRequest.created_at < now - timedelta(hours=settings.response_target_hours),
            )
        ).all()
        coordinators = db.scalars(
            select(Person.id).join(RoleGrant).where(RoleGrant.role == Role.COORDINATOR, Person.active)
        ).all()
        for request in late:
            for coordinator in coordinators:
                if _not_yet(db, coordinator, NotificationKind.REQUEST_OVERDUE, request.id):
                    notify(db, coordinator, NotificationKind.REQUEST_OVERDUE, request.id)
                    overdue += 1
        reminded = reminders.send_due(db, now=now)
        removed = sessions.remove_over(db, now=now, idle=timedelta(minutes=settings.idle_timeout_minutes))
        act.done()
    return SweepReport(
        expired=len(stale), feedback_due=due, overdue=overdue, reminders=reminded.sent, sessions_removed=removed
    )


def _not_yet(db: Session, person_id: int | None, kind: NotificationKind, request_id: int) -> bool:
    if person_id is None:
        return False
    return not db.scalar(
        select(
            exists().where(
                Notification.person_id == person_id,
                Notification.kind == kind.value,
                Notification.request_id == request_id,
            )
        )
    )
