"""The demo organisation's peer-support program: supporters, a history of conversations with
feedback from both sides, open requests of different ages, and the engine's proposals.

Written inside `fill_demo`'s action, after the people and their histories, so that
`coordinator@demo.example` opens a full queue (one request overdue, one proposed pair, one
approved pair, several open requests to propose for) and `clinician@demo.example` finds one
earlier conversation under My conversations and in chart 6 of My trends — and nothing in
progress, so they can ask again from the early-warning prompt.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Match, Person, RoleGrant, SupporterProfile, SupportRequest, Tag
from tracker.domain import Role
from tracker.queries.match_input import engine_proposals, matching_input, reporting_line

SUPPORTER_SHARE = 0.3  # of clinicians who offer support
TRAINED_SHARE = 0.75
PAUSED_SHARE = 0.1
PAST_CONVERSATIONS = 10
OPEN_REQUEST_AGES_HOURS = (30, 7, 3, 50, 1)  # the first and the fourth are past the 24-hour target


def write_peer_support(db: Session, *, seed: int, today: date, clinician_email: str, coordinator_email: str) -> None:
    rng = random.Random(seed * 7919 + 11)
    now = datetime.combine(today, time(12), tzinfo=UTC)
    tags = {t.name: t.id for t in db.scalars(select(Tag).where(~Tag.retired))}
    people = db.scalars(
        select(Person).join(RoleGrant).where(RoleGrant.role == Role.CLINICIAN).order_by(Person.id)
    ).all()
    demo_clinician = next(p for p in people if p.email == clinician_email)
    others = [p for p in people if p.email not in (clinician_email, coordinator_email)]
    supervisors = dict(db.execute(select(Person.id, Person.supervisor_id)).all())
    coordinator = db.scalar(select(Person).where(Person.email == coordinator_email))

    supporters = rng.sample(others, max(3, round(len(others) * SUPPORTER_SHARE)))
    for person in supporters:
        profile = SupporterProfile(
            person_id=person.id,
            active=rng.random() > PAUSED_SHARE,
            trained=rng.random() < TRAINED_SHARE,
            capacity_per_month=rng.choice((1, 2, 2, 3, 4)),
            created_at=now - timedelta(days=100),
        )
        profile.topics = [db.get(Tag, tags[name]) for name in rng.sample(sorted(tags), rng.randint(2, 4))]
        db.add(profile)
    db.flush()

    seekers = [p for p in others if p not in supporters]
    past = [demo_clinician, *rng.sample(seekers, min(PAST_CONVERSATIONS - 1, len(seekers)))]
    for index, seeker in enumerate(past):
        supporter = _allowed_supporter(rng, seeker, supporters, supervisors)
        if supporter is None:
            continue
        asked = now - timedelta(days=rng.randint(12, 80), hours=rng.randint(0, 10))
        _past_conversation(db, rng, seeker, supporter, coordinator, tags, asked, demo=index == 0)

    askers = [p for p in seekers if p not in past][: len(OPEN_REQUEST_AGES_HOURS)]
    open_ids = []
    for seeker, hours in zip(askers, OPEN_REQUEST_AGES_HOURS, strict=False):
        request = _request(db, rng, seeker, tags, now - timedelta(hours=hours), status="open")
        db.add(request)
        db.flush()
        open_ids.append(request.id)
    _propose(db, coordinator, open_ids[:2], now)


def _allowed_supporter(rng, seeker: Person, supporters: list[Person], supervisors: dict) -> Person | None:
    line = reporting_line(seeker.id, supervisors)
    fitting = [s for s in supporters if s.id != seeker.id and s.id not in line and s.unit_id != seeker.unit_id]
    return rng.choice(fitting) if fitting else None


def _request(db: Session, rng, seeker: Person, tags: dict[str, int], asked: datetime, *, status: str) -> SupportRequest:
    request = SupportRequest(
        seeker_id=seeker.id,
        status=status,
        urgency=rng.choice(("this_week", "soon", "soon", "when_possible")),
        same_profession=rng.random() < 0.3,
        not_my_unit=rng.random() < 0.5,
        load_before=rng.randint(5, 9),
        note_for_coordinator=rng.choice((None, None, "Evenings suit me best.", "Happy to meet online.")),
        seeker_unit_id=seeker.unit_id,
        seeker_profession=seeker.profession,
        created_at=asked,
    )
    request.topics = [db.get(Tag, tags[name]) for name in rng.sample(sorted(tags), rng.randint(1, 3))]
    return request


def _past_conversation(db, rng, seeker, supporter, coordinator, tags, asked: datetime, *, demo: bool) -> None:
    request = _request(db, rng, seeker, tags, asked, status="closed")
    approved = asked + timedelta(hours=rng.randint(3, 30))
    meeting = approved + timedelta(days=rng.randint(1, 5), hours=rng.randint(0, 6))
    request.approved_at, request.ended_at = approved, meeting + timedelta(days=1)
    db.add(request)
    db.flush()
    # About half the weight, with the spread real conversations have; the demo clinician's helped.
    ratio = 0.45 if demo else rng.uniform(0.3, 0.9)
    db.add(
        Match(
            request_id=request.id,
            supporter_id=supporter.id,
            status="closed",
            score=0.0,
            reasons="earlier conversation (demo history)",
            proposed_by_id=coordinator.id if coordinator else None,
            reviewed_by_id=coordinator.id if coordinator else None,
            proposed_at=asked + timedelta(hours=1),
            approved_at=approved,
            meeting_at=meeting,
            meeting_proposed_by_id=supporter.id,
            meeting_accepted=True,
            seeker_load_after=max(0, round(request.load_before * ratio)),
            seeker_helpful=5 if demo else rng.choice((3, 4, 4, 5, 5)),
            seeker_feedback_at=meeting + timedelta(hours=3),
            supporter_load_after=rng.randint(2, 6),
            supporter_wants_support=rng.random() < 0.1,
            supporter_feedback_at=meeting + timedelta(hours=5),
        )
    )


def _propose(db: Session, coordinator: Person | None, request_ids: list[int], now: datetime) -> None:
    """The engine's proposal for two of the open requests; the first is then approved."""
    given = matching_input(db, now=now, request_ids=request_ids)
    for number, (seeker, supporter, judged) in enumerate(engine_proposals(given)):
        request = db.get(SupportRequest, seeker.request_id)
        approved = number == 0
        request.status = "approved" if approved else "proposed"
        request.approved_at = now if approved else None
        db.add(
            Match(
                request_id=request.id,
                supporter_id=supporter.person_id,
                status=request.status,
                score=judged.total,
                reasons="\n".join(judged.reasons()),
                proposed_by_id=coordinator.id if coordinator else None,
                reviewed_by_id=coordinator.id if coordinator and approved else None,
                proposed_at=now - timedelta(hours=1),
                approved_at=now if approved else None,
            )
        )
