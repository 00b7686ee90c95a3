"""Notifications: what is waiting for a person, in the app and (through the outbox) by e-mail.

A notification stores a kind and a request id, never a name, a topic or a figure; the app words
it when it is shown. Its e-mail is written to the outbox in the same transaction as the change it
announces (the caller's action), and says only that something is waiting, with a link. The
sender (`tracker/mail.py`, `python -m tracker send-notifications`) delivers the outbox.
"""

from __future__ import annotations

import os
import uuid
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Notification, OutboxMessage, Person, RoleGrant
from tracker.domain import Role

DEFAULT_APP_URL = "http://localhost:8501"
SUBJECT = "Something is waiting for you in Shared Load"


class NotificationKind(StrEnum):
    NEW_REQUEST = "new_request"  # coordinators
    REQUEST_OVERDUE = "request_overdue"  # coordinators
    MATCH_PROPOSED = "match_proposed"  # seeker: a peer is being found
    MATCH_APPROVED = "match_approved"  # seeker and supporter
    MATCH_DECLINED = "match_declined"  # seeker: back in the queue
    MEETING_PROPOSED = "meeting_proposed"  # the other person
    MEETING_ACCEPTED = "meeting_accepted"  # the one who proposed
    FEEDBACK_DUE = "feedback_due"  # both, after the meeting time
    REQUEST_EXPIRED = "request_expired"  # seeker
    REQUEST_DECLINED = "request_declined"  # seeker: peer support cannot serve this request
    # Reminders the person asked for on Account (tracker/reminders.py), at most one a day.
    REMINDER_LOG = "reminder_log"
    REMINDER_CHECKIN = "reminder_checkin"
    REMINDER_LOG_AND_CHECKIN = "reminder_log_checkin"


WORDING = {
    NotificationKind.NEW_REQUEST: "A new request for a shared-load conversation is waiting in the queue.",
    NotificationKind.REQUEST_OVERDUE: "A request has waited longer than the response target.",
    NotificationKind.MATCH_PROPOSED: "A peer supporter is being proposed for your request.",
    NotificationKind.MATCH_APPROVED: "A shared-load conversation was approved: agree on a time.",
    NotificationKind.MATCH_DECLINED: "A proposed conversation did not go ahead; your request is back in the queue.",
    NotificationKind.MEETING_PROPOSED: "A meeting time was proposed for your conversation.",
    NotificationKind.MEETING_ACCEPTED: "Your proposed meeting time was accepted.",
    NotificationKind.FEEDBACK_DUE: "How did your conversation go? Your short feedback is due.",
    NotificationKind.REQUEST_EXPIRED: "Your request was open for a long time without a match and has expired.",
    NotificationKind.REQUEST_DECLINED: "A coordinator closed your request; you can see why under My conversations.",
    # Only what the person asked for: nothing about their entries, trends, check-ins or warning.
    NotificationKind.REMINDER_LOG: "A reminder you asked for: log how today's interactions left you.",
    NotificationKind.REMINDER_CHECKIN: "A reminder you asked for: time for your check-in.",
    NotificationKind.REMINDER_LOG_AND_CHECKIN: (
        "A reminder you asked for: log how today's interactions left you, and time for your check-in."
    ),
}
REMINDER_KINDS = frozenset(
    {NotificationKind.REMINDER_LOG, NotificationKind.REMINDER_CHECKIN, NotificationKind.REMINDER_LOG_AND_CHECKIN}
)
REMINDER_SUBJECT = "A reminder you asked for from Shared Load"


def app_url() -> str:
    return (os.environ.get("SHARED_LOAD_URL") or DEFAULT_APP_URL).rstrip("/")


def email_body() -> str:
    """The whole e-mail: nothing about who, what or how heavy — only that something is waiting."""
    return (
        "Hello,\n\n"
        "something is waiting for you in Shared Load. Open it here:\n"
        f"{app_url()}/notifications\n\n"
        "This e-mail says nothing more on purpose: what you share in Shared Load stays in Shared Load.\n"
    )


def reminder_email_body() -> str:
    """A reminder's e-mail says only that it is one the person asked for (not which: mail passes
    other servers), where to find it, and where to turn reminders off."""
    return (
        "Hello,\n\n"
        "a reminder you asked for from Shared Load. Open it here:\n"
        f"{app_url()}/notifications\n\n"
        f"To change or stop your reminders, open Account: {app_url()}/account\n"
    )


def notify(
    db: Session, person_id: int | None, kind: NotificationKind, request_id: int | None = None
) -> Notification | None:
    """Add a notification — and, when SMTP_URL is configured, its e-mail — to the caller's
    transaction (nothing for a missing or inactive person). Returns the notification, flushed
    when an e-mail was queued."""
    if person_id is None:
        return None
    person = db.get(Person, person_id)
    if person is None or not person.active:
        return None
    notification = Notification(person_id=person_id, kind=kind.value, request_id=request_id)
    db.add(notification)
    if not os.environ.get("SMTP_URL"):
        return notification  # no e-mail configured: nothing to queue (switching it on later sends no backlog)
    db.flush()
    reminder = kind in REMINDER_KINDS
    db.add(
        OutboxMessage(
            notification_id=notification.id,
            to_address=person.email,
            subject=REMINDER_SUBJECT if reminder else SUBJECT,
            body=reminder_email_body() if reminder else email_body(),
            message_id=f"<{uuid.uuid4().hex}@shared-load>",
        )
    )
    return notification


def notify_coordinators(db: Session, kind: NotificationKind, request_id: int | None = None) -> None:
    coordinators = db.scalars(
        select(Person.id).join(RoleGrant).where(RoleGrant.role == Role.COORDINATOR, Person.active)
    ).all()
    for coordinator_id in coordinators:
        notify(db, coordinator_id, kind, request_id)
