"""The coordinator's decisions: run the engine, approve, swap a supporter, decline a pair or a request.

Every decision is an audited action. The engine proposes over all open requests at once
(`tracker.matching.optimal_pairs` on `tracker.match_score.score_array`); a re-run replaces the
proposals not yet approved and keeps approved pairs, whose places already count against their
supporters' capacity this month (queries/match_input.py). A declined pair is never proposed again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Match, Person, SupporterProfile, SupportRequest, utcnow
from tracker.audit import AuditKind, AuditRecord
from tracker.domain import Actor
from tracker.errors import ValidationError
from tracker.match_score import PairScore, pair_score
from tracker.notify import NotificationKind, notify
from tracker.policy import Action
from tracker.queries.match_input import USES_CAPACITY, engine_proposals, matching_input, month_start
from tracker.services.boundary import about_pair, action
from tracker.services.requests import find as find_request
from tracker.services.requests import resource as request_resource
from tracker.validation import clean_line, is_id


@dataclass(frozen=True)
class ProposalRun:
    open_requests: int
    proposed: int


def propose_matches(db: Session, actor: Actor, *, now: datetime | None = None) -> ProposalRun:
    """Run the engine over every open request; replaces earlier proposals that were not approved."""
    now = now or utcnow()
    with action(db, actor, Action.DECIDE_MATCH) as act:
        earlier = db.scalars(select(Match).where(Match.status == "proposed")).all()
        already_told = {m.request_id for m in earlier}
        for match in earlier:
            match.request.status = "open"
            db.delete(match)
        db.flush()
        given = matching_input(db, now=now)
        pairs = engine_proposals(given)
        for seeker, supporter, judged in pairs:
            request = db.get(SupportRequest, seeker.request_id)
            db.add(_match(request, supporter.person_id, judged, actor))
            request.status, request.updated_at = "proposed", now
            if request.id not in already_told:
                notify(db, request.seeker_id, NotificationKind.MATCH_PROPOSED, request.id)
        detail = f"{len(pairs)} pairs proposed for {len(given.seekers)} open requests"
        act.done(audit=AuditRecord(AuditKind.MATCHES_PROPOSED, detail=detail))
    return ProposalRun(open_requests=len(given.seekers), proposed=len(pairs))


def approve(db: Session, actor: Actor, match_id: int) -> None:
    """Approve one proposed pair: both people are told and can agree on a time."""
    with action(db, actor, Action.DECIDE_MATCH, resource=about_pair(db, match_id)) as act:
        match = _match_in(db, match_id, ("proposed",), "Only a proposed pair can be approved.")
        _approve(db, match, actor)
        act.done(match.id, audit=_about(db, AuditKind.MATCH_APPROVED, match))


def approve_all(db: Session, actor: Actor) -> int:
    """Approve every proposed pair; returns how many."""
    with action(db, actor, Action.DECIDE_MATCH) as act:
        proposed = db.scalars(select(Match).where(Match.status == "proposed").order_by(Match.id)).all()
        if not proposed:
            act.already_done = True
            return 0
        for match in proposed:
            _approve(db, match, actor)
        act.done(len(proposed), audit=[_about(db, AuditKind.MATCH_APPROVED, m) for m in proposed])
    return len(proposed)


def swap_supporter(db: Session, actor: Actor, match_id: int, supporter_id: int, *, now: datetime | None = None) -> None:
    """Give a proposed pair another supporter, who must be allowed under every hard rule."""
    now = now or utcnow()
    with action(db, actor, Action.DECIDE_MATCH, resource=about_pair(db, match_id)) as act:
        match = _match_in(db, match_id, ("proposed",), "Only a proposed pair can get another supporter.")
        if match.supporter_id == supporter_id:
            act.already_done = True
            return
        judged = judge(db, match.request_id, supporter_id, now=now)
        if not judged.allowed:
            raise ValidationError(f"That supporter cannot be proposed: {judged.blocked_by}.")
        before = _name(db, match.supporter_id)
        match.supporter_id, match.score, match.reasons = supporter_id, judged.total, "\n".join(judged.reasons())
        match.proposed_by_id, match.proposed_at = actor.id, now
        record = _about(db, AuditKind.MATCH_SWAPPED, match, f"instead of {before}")
        act.done(match.id, audit=record)


def decline_pair(db: Session, actor: Actor, match_id: int, *, reason: str) -> None:
    """Decline a proposed or approved pair with a reason: the request goes back to open and this
    pair is never proposed again."""
    with action(db, actor, Action.DECIDE_MATCH, resource=about_pair(db, match_id)) as act:
        reason = clean_line(reason, required=True)
        match = _match_in(db, match_id, ("proposed", "approved"), "This pair can no longer be declined.")
        was_approved = match.status == "approved"
        decline(db, match, reason)
        if was_approved:
            notify(db, match.supporter_id, NotificationKind.MATCH_DECLINED, match.request_id)
        act.done(match.id, audit=_about(db, AuditKind.MATCH_DECLINED, match, reason))


def decline_request(db: Session, actor: Actor, request_id: int, *, reason: str) -> None:
    """Decline a request that peer support cannot serve (for example, it needs other help)."""
    about = request_resource(find_request(db, request_id))
    with action(db, actor, Action.DECIDE_MATCH, resource=about) as act:
        reason = clean_line(reason, required=True)
        request = db.get(SupportRequest, request_id) if is_id(request_id) else None
        if request is None or request.status not in ("open", "proposed"):
            raise ValidationError("Only a request that is open or proposed can be declined.")
        for match in request.matches:
            if match.status == "proposed":
                db.delete(match)
        request.status, request.decline_reason, request.ended_at = "declined", reason, utcnow()
        notify(db, request.seeker_id, NotificationKind.REQUEST_DECLINED, request.id)
        act.done(request.id, audit=AuditRecord(AuditKind.REQUEST_DECLINED, "request", request.id, None, reason))


def judge(db: Session, request_id: int, supporter_id: int, *, now: datetime) -> PairScore:
    """The score and reasons of one request with one supporter, under today's rules and capacity."""
    given = matching_input(db, now=now, request_ids=[request_id])
    supporter = next((s for s in given.supporters if s.person_id == supporter_id), None)
    if not given.seekers or supporter is None:
        raise ValidationError("That supporter cannot be proposed: they have not offered to support peers.")
    return pair_score(given.seekers[0], supporter, given.rules, given.topic_names)


def decline(db: Session, match: Match, reason: str) -> None:
    """A pair ends without a conversation; its request returns to the queue (shared with conversations)."""
    match.status, match.decline_reason = "declined", reason
    request = match.request
    request.status, request.approved_at, request.updated_at = "open", None, utcnow()
    notify(db, request.seeker_id, NotificationKind.MATCH_DECLINED, request.id)


def _approve(db: Session, match: Match, actor: Actor) -> None:
    now = utcnow()
    profile = db.get(SupporterProfile, match.supporter_id) if match.supporter_id else None
    used = db.scalar(
        select(func.count())
        .select_from(Match)
        .where(Match.supporter_id == match.supporter_id, Match.status.in_(USES_CAPACITY))
        .where(Match.approved_at >= month_start(now))
    )
    if profile is None or used >= profile.capacity_per_month:
        raise ValidationError(f"{_name(db, match.supporter_id)} has no place left this month; swap the supporter.")
    match.status, match.approved_at, match.reviewed_by_id = "approved", now, actor.id
    request = match.request
    request.status, request.approved_at, request.updated_at = "approved", now, now
    notify(db, request.seeker_id, NotificationKind.MATCH_APPROVED, request.id)
    notify(db, match.supporter_id, NotificationKind.MATCH_APPROVED, request.id)


def _match(request: SupportRequest, supporter_id: int, judged: PairScore, actor: Actor) -> Match:
    return Match(
        request_id=request.id,
        supporter_id=supporter_id,
        status="proposed",
        score=judged.total,
        reasons="\n".join(judged.reasons()),
        proposed_by_id=actor.id,
    )


def _match_in(db: Session, match_id: int, states: tuple[str, ...], refusal: str) -> Match:
    match = db.get(Match, match_id) if is_id(match_id) else None
    if match is None:
        raise ValidationError("That pair does not exist.")
    if match.status not in states:
        raise ValidationError(refusal)
    return match


def _name(db: Session, person_id: int | None) -> str:
    person = db.get(Person, person_id) if person_id else None
    return person.display_name if person else "a former supporter"


def _about(db: Session, kind: AuditKind, match: Match, detail: str | None = None) -> AuditRecord:
    """A decision about a pair names the request and the supporter, never the seeker's content."""
    text = f"request {match.request_id} with {_name(db, match.supporter_id)}"
    return AuditRecord(kind, "match", match.id, None, f"{text}: {detail}" if detail else text)
