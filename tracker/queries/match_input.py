"""What the matching engine needs, read from the database as plain data (tracker/match_score.py).

Aggregates in SQL: a supporter's conversations this month and their own recent balance arrive as
one row per supporter. The reporting line is walked in memory over (id, supervisor) pairs, two
integers per person. A supporter's balance enters only as the private `draining` flag, which the
score turns into a penalty without a reason text: it is never shown to anyone.

Measured on the 55-million-entry bulk demo (10,000 people, 2,998 supporters, 30,000 requests; see
docs/SCALING.md): reading requests and supporters as ORM objects pulled in their topics, matches
and roles through selectin loads, and the topics, declined pairs and helpful meetings of every
request ever made — 2.5 s per queue view. Plain columns, and history only for the seekers at hand:
0.45 s on the 2-core machine under load, 0.15-0.2 s of it the supporters' two-week balance (one
index range per supporter).
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
    requests_query = select(
        SupportRequest.id,
        SupportRequest.seeker_id,
        SupportRequest.urgency,
        SupportRequest.created_at,
        SupportRequest.seeker_profession,
        SupportRequest.seeker_unit_id,
        SupportRequest.same_profession,
        SupportRequest.not_my_unit,
    ).where(SupportRequest.seeker_id.is_not(None))
    if request_ids is None:
        requests_query = requests_query.where(SupportRequest.status == "open")
    else:
        requests_query = requests_query.where(SupportRequest.id.in_(request_ids))
    requests = db.execute(requests_query.order_by(SupportRequest.created_at, SupportRequest.id)).all()
    asking = {request.id for request in requests}
    seeker_ids = {request.seeker_id for request in requests}
    request_topics = _grouped(
        db.execute(select(RequestTopic.request_id, RequestTopic.tag_id).where(RequestTopic.request_id.in_(asking)))
    )
    supervisors = dict(db.execute(select(Person.id, Person.supervisor_id)).all())
    reports = _reports_of(supervisors)
    declined = _grouped(
        db.execute(
            select(SupportRequest.seeker_id, Match.supporter_id)
            .join(Match, Match.request_id == SupportRequest.id)
            .where(Match.status == "declined", Match.supporter_id.is_not(None))
            .where(SupportRequest.seeker_id.in_(seeker_ids))
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
            line=frozenset(reporting_line(r.seeker_id, supervisors, reports)),
            declined_with=frozenset(declined.get(r.seeker_id, ())),
        )
        for r in requests
    ]
    rules = Rules(settings.supporters_must_be_trained)
    return MatchingInput(seekers, supporters(db, now=now, seeker_ids=seeker_ids), rules, topic_names)


def supporters(db: Session, *, now: datetime, seeker_ids: set[int] | None = None) -> list[Supporter]:
    """Every person with a supporter profile, with this month's use and their private draining flag.

    `helpful_before` holds the seekers an earlier meeting with the supporter helped: only those
    among `seeker_ids` when given (all that the score asks about), else everyone."""
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
    helped = (
        select(Match.supporter_id, SupportRequest.seeker_id)
        .join(SupportRequest, SupportRequest.id == Match.request_id)
        .where(Match.seeker_helpful >= HELPFUL, SupportRequest.seeker_id.is_not(None))
    )
    if seeker_ids is not None:
        helped = helped.where(SupportRequest.seeker_id.in_(seeker_ids))
    helpful = _grouped(db.execute(helped))
    profile = SupporterProfile
    rows = db.execute(
        select(
            Person.id,
            Person.display_name,
            Person.profession,
            Person.unit_id,
            profile.trained,
            profile.active,
            profile.capacity_per_month,
        )
        .join(Person, Person.id == profile.person_id)
        .where(Person.active)
        .order_by(Person.display_name, Person.id)
    ).all()
    return [
        Supporter(
            person_id=row.id,
            name=row.display_name,
            topic_ids=frozenset(topics.get(row.id, ())),
            profession=row.profession,
            unit_id=row.unit_id,
            trained=row.trained,
            active=row.active,
            capacity=row.capacity_per_month,
            used_this_month=int(used.get(row.id, 0)),
            draining=(balance.get(row.id) or 0) < 0,
            helpful_before=frozenset(helpful.get(row.id, ())),
        )
        for row in rows
    ]


def reporting_line(
    person_id: int, supervisors: dict[int, int | None], reports: dict[int, list[int]] | None = None
) -> set[int]:
    """Everyone above the person (any depth) and everyone below them (any depth). `reports` is
    `_reports_of(supervisors)`, made once for many people (it walks everyone)."""
    line: set[int] = set()
    boss = supervisors.get(person_id)
    while boss is not None and boss not in line and boss != person_id:
        line.add(boss)
        boss = supervisors.get(boss)
    if reports is None:
        reports = _reports_of(supervisors)
    below, frontier = set(), [person_id]
    while frontier:
        current = frontier.pop()
        for report in reports.get(current, ()):
            if report not in below and report != person_id:
                below.add(report)
                frontier.append(report)
    return line | below


def _reports_of(supervisors: dict[int, int | None]) -> dict[int, list[int]]:
    """Each supervisor's direct reports."""
    reports: dict[int, list[int]] = defaultdict(list)
    for person, supervisor in supervisors.items():
        if supervisor is not None:
            reports[supervisor].append(person)
    return reports


def _grouped(rows) -> dict[int, list[int]]:
    grouped: dict[int, list[int]] = defaultdict(list)
    for key, value in rows:
        grouped[key].append(value)
    return grouped
