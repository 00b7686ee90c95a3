"""What the matching engine needs, read from the database as plain data (tracker/match_score.py).

Aggregates in SQL: a supporter's conversations this month and their own recent balance arrive as
one row per supporter. The reporting line is walked in memory over (id, supervisor) pairs, two
integers per person. A supporter's balance enters only as the private `draining` flag, which the
score turns into a penalty without a reason text: it is never shown to anyone.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Interaction, Match, Person, RequestTopic, SupporterProfile, SupporterTopic, SupportRequest, Tag
from tracker.domain import as_utc
from tracker.match_score import PairScore, Rules, Seeker, Supporter, pair_score, score_array
from tracker.matching import optimal_pairs
from tracker.queries.program import program_settings

# States in which a conversation uses one of the supporter's places for the month it was approved.
USES_CAPACITY = ("approved", "scheduled", "met", "closed")
HELPFUL = 4  # of 5: an earlier conversation rated this or higher counts as helpful
BALANCE_DAYS = 14  # the supporter's own recent balance: their last two weeks


@dataclass(frozen=True)
class MatchingInput:
    seekers: list[Seeker]
    supporters: list[Supporter]
    rules: Rules
    topic_names: dict[int, str]


def engine_proposals(given: MatchingInput) -> list[tuple[Seeker, Supporter, PairScore]]:
    """The engine's run over this input: the optimal pairs, each explained (pure; no database)."""
    score = score_array(given.seekers, given.supporters, given.rules)
    pairs = optimal_pairs(score, [supporter.places_left for supporter in given.supporters])
    return [
        (
            given.seekers[i],
            given.supporters[j],
            pair_score(given.seekers[i], given.supporters[j], given.rules, given.topic_names),
        )
        for i, j in pairs
    ]


def month_start(now: datetime) -> datetime:
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def matching_input(db: Session, *, now: datetime, request_ids: list[int] | None = None) -> MatchingInput:
    """Open requests (or the given ones) as seekers, every person with a supporter profile as a supporter."""
    settings = program_settings(db)
    topic_names = dict(db.execute(select(Tag.id, Tag.name)).all())
    requests_query = select(SupportRequest).where(SupportRequest.seeker_id.is_not(None))
    if request_ids is None:
        requests_query = requests_query.where(SupportRequest.status == "open")
    else:
        requests_query = requests_query.where(SupportRequest.id.in_(request_ids))
    requests = db.scalars(requests_query.order_by(SupportRequest.created_at, SupportRequest.id)).all()
    request_topics = _grouped(db.execute(select(RequestTopic.request_id, RequestTopic.tag_id)))
    supervisors = dict(db.execute(select(Person.id, Person.supervisor_id)).all())
    declined = _grouped(
        db.execute(
            select(SupportRequest.seeker_id, Match.supporter_id)
            .join(Match, Match.request_id == SupportRequest.id)
            .where(Match.status == "declined", Match.supporter_id.is_not(None))
        )
    )
    seekers = [
        Seeker(
            request_id=r.id,
            person_id=r.seeker_id,
            topic_ids=frozenset(request_topics.get(r.id, ())),
            urgency=r.urgency,
            waiting_days=max(0.0, (now - as_utc(r.created_at)).total_seconds() / 86400),
            profession=r.seeker_profession,
            unit_id=r.seeker_unit_id,
            same_profession=r.same_profession,
            not_my_unit=r.not_my_unit,
            line=frozenset(reporting_line(r.seeker_id, supervisors)),
            declined_with=frozenset(declined.get(r.seeker_id, ())),
        )
        for r in requests
    ]
    return MatchingInput(seekers, supporters(db, now=now), Rules(settings.supporters_must_be_trained), topic_names)


def supporters(db: Session, *, now: datetime) -> list[Supporter]:
    """Every person with a supporter profile, with this month's use and their private draining flag."""
    used = dict(
        db.execute(
            select(Match.supporter_id, func.count())
            .where(Match.status.in_(USES_CAPACITY), Match.approved_at >= month_start(now))
            .group_by(Match.supporter_id)
        ).all()
    )
    since = (now - timedelta(days=BALANCE_DAYS)).date()
    balance = dict(
        db.execute(
            select(Interaction.person_id, func.sum(Interaction.rating))
            .join(SupporterProfile, SupporterProfile.person_id == Interaction.person_id)
            .where(Interaction.occurred_on >= since)
            .group_by(Interaction.person_id)
        ).all()
    )
    topics = _grouped(db.execute(select(SupporterTopic.person_id, SupporterTopic.tag_id)))
    helpful = _grouped(
        db.execute(
            select(Match.supporter_id, SupportRequest.seeker_id)
            .join(SupportRequest, SupportRequest.id == Match.request_id)
            .where(Match.seeker_helpful >= HELPFUL, SupportRequest.seeker_id.is_not(None))
        )
    )
    rows = db.execute(
        select(SupporterProfile, Person)
        .join(Person, Person.id == SupporterProfile.person_id)
        .where(Person.active)
        .order_by(Person.display_name, Person.id)
    ).all()
    return [
        Supporter(
            person_id=person.id,
            name=person.display_name,
            topic_ids=frozenset(topics.get(person.id, ())),
            profession=person.profession,
            unit_id=person.unit_id,
            trained=profile.trained,
            active=profile.active,
            capacity=profile.capacity_per_month,
            used_this_month=int(used.get(person.id, 0)),
            draining=(balance.get(person.id) or 0) < 0,
            helpful_before=frozenset(helpful.get(person.id, ())),
        )
        for profile, person in rows
    ]


def reporting_line(person_id: int, supervisors: dict[int, int | None]) -> set[int]:
    """Everyone above the person (any depth) and everyone below them (any depth)."""
    line: set[int] = set()
    boss = supervisors.get(person_id)
    while boss is not None and boss not in line and boss != person_id:
        line.add(boss)
        boss = supervisors.get(boss)
    reports: dict[int, list[int]] = defaultdict(list)
    for person, supervisor in supervisors.items():
        if supervisor is not None:
            reports[supervisor].append(person)
    below, frontier = set(), [person_id]
    while frontier:
        current = frontier.pop()
        for report in reports.get(current, ()):
            if report not in below and report != person_id:
                below.add(report)
                frontier.append(report)
    return line | below


def _grouped(rows) -> dict[int, list[int]]:
    grouped: dict[int, list[int]] = defaultdict(list)
    for key, value in rows:
        grouped[key].append(value)
    return grouped
