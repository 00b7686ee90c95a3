"""Reads for the person's own peer-support screens: my requests and conversations, my supporter
profile, my notifications, and the calendar invitation of a scheduled conversation.

What each side sees: the seeker sees their own request whole (topics, urgency, load before) and,
once approved, the supporter's name and profession. The supporter sees an approved conversation's
topics and the seeker's name and profession — never the load figures, never the line written for
the coordinator.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from icalendar import Calendar, Event
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Match, Notification, Person, SupporterProfile, SupportRequest, utcnow
from tracker.domain import Actor, as_utc
from tracker.errors import NotAllowed
from tracker.notify import WORDING, NotificationKind
from tracker.policy import Action, Resource
from tracker.services.boundary import about_conversation, authorize, not_yours
from tracker.validation import is_id

MEETING_MINUTES = 30
SHOWN_TO_SUPPORTER = ("approved", "scheduled", "met", "closed")


@dataclass(frozen=True)
class Peer:
    name: str
    profession: str | None


@dataclass(frozen=True)
class Conversation:
    """One request as one of its two people sees it."""

    request_id: int
    match_id: int | None
    role: str  # "seeker" or "supporter"
    status: str
    topics: tuple[str, ...]
    urgency: str | None  # the seeker's own view only
    load_before: int | None  # the seeker's own view only
    asked_at: datetime
    peer: Peer | None  # the other person, once approved
    meeting_at: datetime | None
    meeting_proposed_by_me: bool
    meeting_accepted: bool
    my_feedback_given: bool
    load_after: int | None  # the seeker's own view only
    time_changes: int = 0  # how many times a meeting time was proposed
    decline_reason: str | None = None  # the seeker's own view: why a coordinator closed the request

    @property
    def can_withdraw(self) -> bool:
        return self.role == "seeker" and self.status in ("open", "proposed", "approved", "scheduled")

    def feedback_open(self, now: datetime) -> bool:
        return (
            self.status in ("scheduled", "met")
            and not self.my_feedback_given
            and self.meeting_at is not None
            and self.meeting_at <= now
        )


@dataclass(frozen=True)
class Profile:
    active: bool
    trained: bool
    capacity_per_month: int
    topic_ids: tuple[int, ...]
    topics: tuple[str, ...]


@dataclass(frozen=True)
class NotificationRow:
    id: int
    kind: str
    request_id: int | None
    text: str
    at: datetime
    unread: bool


def my_conversations(db: Session, actor: Actor) -> list[Conversation]:
    """My requests (as seeker) and the conversations I support, newest first."""
    authorize(db, actor, Action.READ_REQUEST)
    mine = db.scalars(
        select(SupportRequest).where(SupportRequest.seeker_id == actor.id).order_by(SupportRequest.id.desc())
    ).all()
    supporting = db.scalars(
        select(Match)
        .where(Match.supporter_id == actor.id, Match.status.in_(SHOWN_TO_SUPPORTER))
        .order_by(Match.id.desc())
    ).all()
    people = _people(db, {m.supporter_id for r in mine for m in r.matches} | {m.request.seeker_id for m in supporting})
    views = [_as_seeker(r, people, actor) for r in mine]
    views += [_as_supporter(m, people, actor) for m in supporting]
    return sorted(views, key=lambda v: v.asked_at, reverse=True)


def conversation(db: Session, actor: Actor, match_id: int) -> Conversation:
    """One conversation of mine (either side); refused — and audited — for anyone else's."""
    match = db.get(Match, match_id) if is_id(match_id) else None
    authorize(db, actor, Action.READ_REQUEST, about_conversation(match))
    mine = (c for c in my_conversations(db, actor) if match and match.request_id == c.request_id)
    found = next(mine, None)
    if found is None:
        raise NotAllowed(not_yours(Resource("conversation")))
    return found


def invitation(db: Session, actor: Actor, match_id: int) -> bytes:
    """An .ics invitation for a scheduled conversation, built with icalendar. It names the peer and
    nothing else: no topics, no figures (a calendar is often shared)."""
    view = conversation(db, actor, match_id)
    if view.status != "scheduled" or view.meeting_at is None:
        raise NotAllowed("This conversation has no agreed meeting time yet.")
    calendar = Calendar()
    calendar.add("prodid", "-//Shared Load//Shared-load conversation//EN")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", f"shared-load-conversation-{view.match_id}@shared-load")
    event.add("dtstamp", utcnow())
    # A re-proposed time is the same event, changed: calendars update it when the sequence grows.
    event.add("sequence", view.time_changes)
    event.add("dtstart", view.meeting_at)
    event.add("dtend", view.meeting_at + timedelta(minutes=MEETING_MINUTES))
    event.add("summary", f"Shared-load conversation with {view.peer.name if view.peer else 'a peer'}")
    event.add("description", "A confidential peer-support conversation, arranged in Shared Load.")
    calendar.add_component(event)
    return calendar.to_ical()


def supporter_profile(db: Session, actor: Actor) -> Profile | None:
    authorize(db, actor, Action.EDIT_SUPPORTER_PROFILE)
    profile = db.get(SupporterProfile, actor.id)
    if profile is None:
        return None
    topics = sorted(profile.topics, key=lambda t: t.name)
    return Profile(
        profile.active,
        profile.trained,
        profile.capacity_per_month,
        tuple(t.id for t in topics),
        tuple(t.name for t in topics),
    )


def notifications(db: Session, actor: Actor, *, limit: int = 50) -> list[NotificationRow]:
    authorize(db, actor, Action.READ_NOTIFICATIONS)
    rows = db.scalars(
        select(Notification)
        .where(Notification.person_id == actor.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(limit)
    )
    return [
        NotificationRow(
            n.id, n.kind, n.request_id, WORDING[NotificationKind(n.kind)], as_utc(n.created_at), n.read_at is None
        )
        for n in rows
    ]


def unread_count(db: Session, actor: Actor) -> int:
    authorize(db, actor, Action.READ_NOTIFICATIONS)
    return db.scalar(
        select(func.count())
        .select_from(Notification)
        .where(Notification.person_id == actor.id, Notification.read_at.is_(None))
    )


def _people(db: Session, ids: set[int | None]) -> dict[int, Peer]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    rows = db.execute(select(Person.id, Person.display_name, Person.profession).where(Person.id.in_(ids)))
    return {pid: Peer(name, profession) for pid, name, profession in rows}


def _as_seeker(request: SupportRequest, people: dict[int, Peer], actor: Actor) -> Conversation:
    match = next((m for m in reversed(request.matches) if m.status in SHOWN_TO_SUPPORTER), None)
    return Conversation(
        request_id=request.id,
        match_id=match.id if match else None,
        role="seeker",
        status=request.status,
        topics=tuple(sorted(t.name for t in request.topics)),
        urgency=request.urgency,
        load_before=request.load_before,
        asked_at=as_utc(request.created_at),
        peer=people.get(match.supporter_id) if match else None,
        meeting_at=as_utc(match.meeting_at) if match else None,
        meeting_proposed_by_me=bool(match and match.meeting_proposed_by_id == actor.id),
        meeting_accepted=bool(match and match.meeting_accepted),
        my_feedback_given=bool(match and match.seeker_feedback_at),
        load_after=match.seeker_load_after if match else None,
        time_changes=match.meeting_version if match else 0,
        decline_reason=request.decline_reason if request.status == "declined" else None,
    )


def _as_supporter(match: Match, people: dict[int, Peer], actor: Actor) -> Conversation:
    request = match.request
    return Conversation(
        request_id=request.id,
        match_id=match.id,
        role="supporter",
        status=match.status,
        topics=tuple(sorted(t.name for t in request.topics)),
        urgency=None,
        load_before=None,
        asked_at=as_utc(request.created_at),
        peer=people.get(request.seeker_id),
        meeting_at=as_utc(match.meeting_at),
        meeting_proposed_by_me=match.meeting_proposed_by_id == actor.id,
        meeting_accepted=match.meeting_accepted,
        my_feedback_given=match.supporter_feedback_at is not None,
        load_after=None,
        time_changes=match.meeting_version,
    )
