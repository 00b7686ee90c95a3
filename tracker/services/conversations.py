"""The two people's steps in an approved conversation: a time, the meeting, and each side's feedback.

Transitions are checked here, never skipped: approved → scheduled (one proposes a time, the other
accepts) → met (the first feedback, only after the meeting time) → closed (both gave feedback).
A supporter may decline an approved conversation with a reason: the request returns to the queue
and the pair is never proposed again. Feedback comes once from each of the two people.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from db.models import Match, utcnow
from tracker.domain import Actor, as_utc
from tracker.errors import NotAllowed, ValidationError
from tracker.notify import NotificationKind, notify
from tracker.policy import Action, Resource
from tracker.services.boundary import about_conversation, action, not_yours
from tracker.services.queue import decline
from tracker.validation import clean_helpful, clean_line, clean_load, clean_meeting_time, is_id

CONVERSATION = "conversation"
ACTIVE = ("approved", "scheduled", "met")


def propose_time(db: Session, actor: Actor, match_id: int, when: datetime, *, now: datetime | None = None) -> None:
    """Either person proposes a meeting time; the other is asked to accept it."""
    now = now or utcnow()
    match = _find(db, match_id)
    with action(db, actor, Action.ACT_IN_CONVERSATION, resource=about_conversation(match)) as act:
        match = _active(match, ("approved", "scheduled"), "A time can be proposed only before the meeting.")
        when = clean_meeting_time(when, now=now)
        match.meeting_at, match.meeting_proposed_by_id, match.meeting_accepted = when, actor.id, False
        match.meeting_version = (match.meeting_version or 0) + 1
        match.status = match.request.status = "approved"
        notify(db, _other(match, actor), NotificationKind.MEETING_PROPOSED, match.request_id)
        act.done(match.id)


def accept_time(db: Session, actor: Actor, match_id: int) -> None:
    """The other person accepts the proposed time: the conversation is scheduled."""
    match = _find(db, match_id)
    with action(db, actor, Action.ACT_IN_CONVERSATION, resource=about_conversation(match)) as act:
        match = _active(match, ("approved", "scheduled"), "This conversation has no time to accept.")
        if match.meeting_at is None:
            raise ValidationError("No meeting time has been proposed yet.")
        if match.meeting_proposed_by_id == actor.id:
            raise ValidationError("The other person accepts the time you proposed.")
        if match.meeting_accepted:
            act.already_done = True
            return
        match.meeting_accepted = True
        match.status = match.request.status = "scheduled"
        notify(db, match.meeting_proposed_by_id, NotificationKind.MEETING_ACCEPTED, match.request_id)
        act.done(match.id)


def decline_as_supporter(db: Session, actor: Actor, match_id: int, *, reason: str) -> None:
    """The supporter cannot take this conversation after all; the request goes back to the queue."""
    match = _find(db, match_id)
    with action(db, actor, Action.ACT_IN_CONVERSATION, resource=about_conversation(match)) as act:
        match = _active(match, ("approved", "scheduled"), "This conversation can no longer be declined.")
        if match.supporter_id != actor.id:
            raise ValidationError("Only the supporter can decline a conversation; you can withdraw your request.")
        decline(db, match, clean_line(reason, required=True))
        act.done(match.id)


def seeker_feedback(
    db: Session, actor: Actor, match_id: int, *, load_after: int, helpful: int, now: datetime | None = None
) -> None:
    """The seeker's load after (0-10) and how helpful it was (1-5): once, after the meeting time."""
    match = _find(db, match_id)
    with action(db, actor, Action.ACT_IN_CONVERSATION, resource=about_conversation(match)) as act:
        match = _ready_for_feedback(match, now or utcnow())
        if match.request.seeker_id != actor.id:
            raise ValidationError("This feedback form is for the person who asked for the conversation.")
        if match.seeker_feedback_at is not None:
            raise ValidationError("You already gave your feedback on this conversation. Thank you.")
        match.seeker_load_after, match.seeker_helpful = clean_load(load_after), clean_helpful(helpful)
        match.seeker_feedback_at = utcnow()
        _after_feedback(match)
        act.done(match.id)


def supporter_feedback(
    db: Session, actor: Actor, match_id: int, *, load_after: int, wants_support: bool, now: datetime | None = None
) -> None:
    """The supporter's own load after (0-10), and whether they would like support themselves."""
    match = _find(db, match_id)
    with action(db, actor, Action.ACT_IN_CONVERSATION, resource=about_conversation(match)) as act:
        match = _ready_for_feedback(match, now or utcnow())
        if match.supporter_id != actor.id:
            raise ValidationError("This feedback form is for the supporter.")
        if match.supporter_feedback_at is not None:
            raise ValidationError("You already gave your feedback on this conversation. Thank you.")
        if not isinstance(wants_support, bool):
            raise ValidationError("Please say whether you would like support yourself.")
        match.supporter_load_after, match.supporter_wants_support = clean_load(load_after), wants_support
        match.supporter_feedback_at = utcnow()
        _after_feedback(match)
        act.done(match.id)


def _after_feedback(match: Match) -> None:
    """The first feedback means the two met; both mean the conversation is closed."""
    both = match.seeker_feedback_at is not None and match.supporter_feedback_at is not None
    match.status = match.request.status = "closed" if both else "met"
    match.request.updated_at = utcnow()
    if both:
        match.request.ended_at = utcnow()


def _ready_for_feedback(match: Match | None, now: datetime) -> Match:
    match = _active(match, ("scheduled", "met"), "Feedback opens once a meeting time has been agreed.")
    if match.meeting_at is None or as_utc(match.meeting_at) > now:
        raise ValidationError("Feedback opens after the meeting time.")
    return match


def _find(db: Session, match_id: int) -> Match | None:
    return db.get(Match, match_id) if is_id(match_id) else None


def _active(match: Match | None, states: tuple[str, ...], refusal: str) -> Match:
    if match is None or match.status not in ACTIVE:
        raise NotAllowed(not_yours(Resource(CONVERSATION)))
    if match.status not in states:
        raise ValidationError(refusal)
    return match


def _other(match: Match, actor: Actor) -> int | None:
    return match.supporter_id if actor.id == match.request.seeker_id else match.request.seeker_id
