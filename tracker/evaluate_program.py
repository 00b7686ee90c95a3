"""`python -m tracker evaluate-program`: the whole program on a simulated organisation.

The demo generator builds an organisation (seeded) whose people drift as real clinicians do; the
early warning is evaluated for everyone through the same query the Home page uses; people who
see the prompt ask for a conversation with a chance `ask_chance`; a share of the others offer
support and are trained; the coordinator runs the engine and approves everything it proposes;
each pair agrees a time and meets (the coordinator's review is stamped 2 to 30 hours after the
ask, as a daily review would); each side's feedback follows a simulated effect (the load
after is the load before times a factor drawn from `effect_range`, "half the weight" in the
middle). All of it goes through the services, as people would do it.

It prints what a program lead would quote — requests per 100 clinicians per month, median time
to match, share met, median load ratio — and checks that the outcomes table (the coordinator's
page) and `python -m tracker outcomes` give exactly the simulation's own ground truth for the
total, and each other's cells. Exit code 1 if they disagree.
"""

from __future__ import annotations

import argparse
import io
import random
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from statistics import median

from sqlalchemy import select

from db.models import Match, Person, RoleGrant, SupportRequest
from tracker.app import open_database
from tracker.demo import COORDINATOR_EMAIL, fill_demo
from tracker.domain import RequestDraft, Role
from tracker.outcomes_cli import print_outcomes
from tracker.policy import Action
from tracker.queries import entries, trends
from tracker.queries.outcomes import outcome_table
from tracker.services import auth, conversations, requests, supporters
from tracker.services import queue as decisions
from tracker.services.boundary import action

PASSWORD = "evaluate the program"
PROGRAM_DAYS = 30  # requests are spread over the last month
REVIEW_HOURS = 30  # a coordinator reviews within about a day


@dataclass(frozen=True)
class Figures:
    clinicians: int
    warned: int
    requests: int
    met: int
    median_hours_to_match: float | None
    median_load_ratio: float | None
    matches: bool  # the outcomes table and the CLI agree with the ground truth

    @property
    def requests_per_100_per_month(self) -> float:
        return round(100 * self.requests / self.clinicians * 30 / PROGRAM_DAYS, 1) if self.clinicians else 0.0

    @property
    def share_met(self) -> float:
        return round(self.met / self.requests, 3) if self.requests else 0.0


def simulate(
    *,
    people: int = 200,
    days: int = 90,
    seed: int = 7,
    ask_chance: float = 0.6,
    supporter_share: float = 0.25,
    effect_range: tuple[float, float] = (0.3, 0.7),
    database: Path | None = None,
) -> Figures:
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as folder:
        path = database or Path(folder) / "program.db"
        engine, factory = open_database(f"sqlite:///{path}")
        try:
            with factory() as db:
                fill_demo(db, password=PASSWORD, people=people, days=days, seed=seed, peer_program=False)
                return _run(db, rng, ask_chance, supporter_share, effect_range)
        finally:
            engine.dispose()


def _run(db, rng: random.Random, ask_chance: float, supporter_share: float, effect_range) -> Figures:
    now = datetime.now(UTC)
    coordinator = auth.sign_in(db, email=COORDINATOR_EMAIL, password=PASSWORD)
    clinicians = [
        auth.to_actor(p)
        for p in db.scalars(select(Person).join(RoleGrant).where(RoleGrant.role == Role.CLINICIAN).order_by(Person.id))
    ]
    topics = [t.id for t in entries.tag_options(db)]
    warned = [c for c in clinicians if trends.home_status(db, c)[0].prompt]
    seekers = [c for c in warned if rng.random() < ask_chance]
    calm = [c for c in clinicians if c not in warned]
    offering = rng.sample(calm, max(1, round(len(clinicians) * supporter_share))) if calm else []
    for person in offering:
        supporters.save_profile(db, person, topic_ids=tuple(rng.sample(topics, 4)), capacity_per_month=3)
        supporters.mark_trained(db, coordinator, person.id, trained=True)

    by_person = {}
    for person in seekers:
        draft = RequestDraft(
            token=f"evaluate{person.id:08d}",
            topic_ids=tuple(rng.sample(topics, rng.randint(1, 2))),
            urgency=rng.choice(("this_week", "soon", "when_possible")),
            load_before=rng.randint(4, 10),
        )
        request_id = requests.ask(db, person, draft)
        asked = now - timedelta(days=rng.uniform(2, PROGRAM_DAYS - 1))
        with time_passes(db):
            db.get(SupportRequest, request_id).created_at = asked
        by_person[request_id] = person

    decisions.propose_matches(db, coordinator, now=now)
    decisions.approve_all(db, coordinator)
    actors = {c.id: c for c in clinicians}
    truth_hours, truth_ratios, met = [], [], 0
    for match in db.scalars(select(Match).where(Match.status == "approved").order_by(Match.id)).all():
        seeker, helper = by_person[match.request_id], actors[match.supporter_id]
        # The coordinator reviews the queue during the day: the approval lands a few hours after the
        # ask (the engine ran once here for all of them, so its own timestamp says nothing).
        reviewed = _utc(match.request.created_at) + timedelta(hours=rng.uniform(2, REVIEW_HOURS))
        with time_passes(db):
            match.approved_at = match.request.approved_at = reviewed
        conversations.propose_time(db, helper, match.id, now + timedelta(days=1))
        conversations.accept_time(db, seeker, match.id)
        with time_passes(db):
            match.meeting_at = now - timedelta(minutes=5)  # the meeting happened
        before = match.request.load_before
        after = max(0, min(10, round(before * rng.uniform(*effect_range))))
        conversations.seeker_feedback(db, seeker, match.id, load_after=after, helpful=rng.randint(3, 5))
        conversations.supporter_feedback(db, helper, match.id, load_after=rng.randint(2, 6), wants_support=False)
        request = match.request
        truth_hours.append((_utc(match.approved_at) - _utc(request.created_at)).total_seconds() / 3600)
        if before > 0:
            truth_ratios.append(after / before)
        met += 1

    since, until = (now - timedelta(days=PROGRAM_DAYS + 5)).date(), (now + timedelta(days=1)).date()
    agree = True
    for by in ("unit", "profession", "month"):
        table = outcome_table(db, by=by, since=since, until=until)
        printed = io.StringIO()
        print_outcomes(db, by=by, since=since, until=until, form="csv", out=printed)
        lines = printed.getvalue().strip().splitlines()[1:]
        agree &= lines == [",".join(row.csv()) for row in table.rows]
        total = table.total
        if not total.suppressed:
            agree &= total.measures["requests"] == len(by_person) and total.measures["met"] == met
            agree &= total.measures["median_hours_to_match"] == _round(truth_hours, 1)
            agree &= total.measures["load_ratio"] == _round(truth_ratios, 2)
    return Figures(
        clinicians=len(clinicians),
        warned=len(warned),
        requests=len(by_person),
        met=met,
        median_hours_to_match=_round(truth_hours, 1),
        median_load_ratio=_round(truth_ratios, 2),
        matches=agree,
    )


@contextmanager
def time_passes(db) -> Iterator[None]:
    """The simulation moves a timestamp nobody can move through a page (an ask made days ago, a
    meeting that has taken place): a system action of its own, committed by the boundary."""
    with action(db, None, Action.SIMULATE) as act:
        yield
        act.done()


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _round(values: list[float], digits: int) -> float | None:
    return round(median(values), digits) if values else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tracker evaluate-program")
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    figures = simulate(people=args.people, days=args.days, seed=args.seed)
    print(f"Simulated organisation: {figures.clinicians} clinicians, {figures.warned} saw the early warning")
    print(f"requests per 100 clinicians per month: {figures.requests_per_100_per_month}")
    print(f"median time to match: {figures.median_hours_to_match} hours")
    print(f"share met: {figures.share_met:.0%} ({figures.met} of {figures.requests})")
    print(f"median load after / before: {figures.median_load_ratio} (goal 0.5, half the weight)")
    print("outcomes page and command line match the simulation: " + ("yes" if figures.matches else "NO"))
    return 0 if figures.matches else 1
