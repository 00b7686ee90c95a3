"""Asking for a shared-load conversation, and withdrawing the ask. The seeker's own actions.

A request's life: open → proposed → approved → scheduled → met → closed, or declined / withdrawn /
expired. This module moves it out of and back into `open`; the coordinator's decisions are in
services/queue.py and the two people's steps in services/conversations.py.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Person, SupportRequest, Tag, utcnow
from tracker.domain import Actor, RequestDraft, as_utc
from tracker.errors import NotAllowed, ValidationError
from tracker.notify import NotificationKind, notify, notify_coordinators
from tracker.policy import Action, Resource, own
from tracker.services.boundary import action, not_yours
from tracker.validation import clean_request, is_id

REQUEST = "request"
LIVE = ("open", "proposed", "approved", "scheduled")  # not yet met, so it can still be withdrawn
IN_PROGRESS = (*LIVE, "met")


def ask(db: Session, actor: Actor, draft: RequestDraft) -> int:
    """Open a request. One at a time: a person whose request is still in progress is told so."""
    with action(db, actor, Action.ASK_FOR_CONVERSATION, token=draft.token) as act:
        if act.already_done:
            return act.result_id
        usable = set(db.scalars(select(Tag.id).where(~Tag.retired)))
        clean = clean_request(draft, usable_tag_ids=usable)
        if db.scalar(
            select(SupportRequest.id).where(SupportRequest.seeker_id == actor.id, SupportRequest.status.in_(LIVE))
        ):
            raise ValidationError("You already have a request in progress; you can see it under My conversations.")
        person = db.get(Person, actor.id)
        request = SupportRequest(
            seeker_id=actor.id,
            status="open",
            urgency=clean.urgency,
            same_profession=clean.same_profession,
            not_my_unit=clean.not_my_unit,
            load_before=clean.load_before,
            note_for_coordinator=clean.note_for_coordinator,
            seeker_unit_id=person.unit_id,
            seeker_profession=person.profession,
        )
        request.topics = list(db.scalars(select(Tag).where(Tag.id.in_(clean.topic_ids))))
        db.add(request)
        db.flush()
        notify_coordinators(db, NotificationKind.NEW_REQUEST, request.id)
        act.done(request.id)
    return act.result_id


def withdraw(db: Session, actor: Actor, request_id: int) -> None:
    """The seeker ends their request while it is not yet met. Withdrawing twice changes nothing."""
    request = find(db, request_id)
    with action(db, actor, Action.WITHDRAW_REQUEST, resource=resource(request)) as act:
        request = exists(request)
        if request.status == "withdrawn":
            act.already_done = True
            return
        if request.status not in LIVE:
            raise ValidationError("This request has already ended and can no longer be withdrawn.")
        if any(m.status == "scheduled" and as_utc(m.meeting_at) <= utcnow() for m in request.matches):
            raise ValidationError("The meeting time has passed: please tell us how it went instead.")
        for match in request.matches:
            if match.status in ("proposed", "approved", "scheduled"):
                if match.status != "proposed":
                    notify(db, match.supporter_id, NotificationKind.MATCH_DECLINED, request.id)
                match.status = "withdrawn"
        request.status, request.ended_at, request.updated_at = "withdrawn", utcnow(), utcnow()
        act.done(request.id)


def find(db: Session, request_id: int) -> SupportRequest | None:
    return db.get(SupportRequest, request_id) if is_id(request_id) else None


def resource(request: SupportRequest | None) -> Resource:
    return own(REQUEST, request.seeker_id) if request is not None and request.seeker_id else Resource(REQUEST)


def exists(request: SupportRequest | None) -> SupportRequest:
    if request is None or request.seeker_id is None:
        raise NotAllowed(not_yours(Resource(REQUEST)))
    return request
