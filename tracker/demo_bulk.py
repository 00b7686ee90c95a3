"""The demo organisation at the product's full scale: `python -m tracker demo --bulk`.

`tracker/demo.py` plans every entry in Python, which is right for a demo of 40 people and far too
slow for the brief's 10,000 clinicians × 3 years (about 55 million interactions). This module
generates the same kind of organisation with NumPy, a few million rows at a time, and writes it
with PostgreSQL's binary COPY (`db/pgcopy.py`) or, on SQLite, batched `executemany` inserts.

What it generates, by the same rules as the small demo where one exists:

* People: the three named accounts (admin@, coordinator@ and clinician@demo.example, whose last
  three weeks drift toward draining and whose newest check-ins cross the cut-offs), a senior per
  20 units, one lead per unit (about 100 people a unit), members reporting to their unit's lead,
  a few coordinators. Every account has the demo password, hashed once.
* Interactions: each clinician works most weekdays and some weekends, logs on most days worked,
  and has their own mean number of entries (a gamma spread around `--per-day` a calendar day,
  default 5, so 10,000 people × 1,095 days give the brief's 55 million), their own baseline and
  spread of ratings, good and bad days, holidays, and for about one in seven a drift toward
  draining over the last weeks. Ratings −3..3, dates within the history (never in the future,
  never before 2000), times of day from the person's shift, the two trust answers, tags from the
  small demo's weights (by unit, sign and strength of the rating) and now and then one of the small
  demo's reflections. Rows are written in the order they would have been logged (by time, people
  interleaved), so a person's entries are spread over the table as in real life.
* Weekly check-ins on the person's usual weekday (one in eight never checks in), supporters (30 %
  of clinicians, topics, capacity, trained, paused), about one request a clinician a year over the
  history with their conversations, feedback and declined pairs in life-cycle states that fit their
  age, and the engine's proposals for the newest requests.

On PostgreSQL the load is one transaction: the big tables are truncated (so COPY can FREEZE: rows
are written already visible to everyone, and no vacuum has to rewrite them later), their secondary
indexes and foreign keys are dropped, the rows copied, then the indexes built and the keys
validated once each — measured on this machine for 2 million rows, 5.9 s against 10.4 s with the
index kept during the COPY, and the gap grows with the table. Sequences are set past the ids used.
"""

from __future__ import annotations

import queue
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import numpy as np
from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from db import pgcopy
from db.migrate import recreate
from db.models import (
    Match,
    Person,
    RequestTopic,
    RoleGrant,
    SupporterProfile,
    SupporterTopic,
    SupportRequest,
)
from tracker.audit import AuditKind, AuditRecord
from tracker.demo import (
    ADMIN_EMAIL,
    CLINICIAN_EMAIL,
    COORDINATOR_EMAIL,
    DRAINING_NOTES,
    DRAINING_TAGS,
    DRIFT_DAYS,
    DRIFT_MAX_DAYS_BACK,
    DRIFT_TAGS,
    FIRST_NAMES,
    FULFILLING_NOTES,
    FULFILLING_TAGS,
    LAST_NAMES,
    LEAVE_MAX_DAYS,
    MAX_DAYS,
    MEMBER_PROFESSIONS,
    MIN_DAYS,
    MIN_PEOPLE,
    NEUTRAL_NOTES,
    NEUTRAL_TAGS,
    REFUSE_NON_EMPTY,
    UNITS,
    _ensure_tags,
    _ensure_units,
)
from tracker.domain import DEFAULT_TAGS, TIMES_OF_DAY, Role
from tracker.errors import Conflict, ValidationError
from tracker.passwords import hash_password
from tracker.policy import Action
from tracker.queries.match_input import engine_proposals, matching_input
from tracker.services.boundary import action
from tracker.validation import clean_new_password

MAX_PEOPLE = 100_000
ENTRIES_PER_DAY = 5.0  # a calendar day, on average over people: the brief's 5 a day
MAX_ENTRIES_A_DAY = 20
REQUESTS_PER_YEAR = 1.0  # per clinician: the outcomes module's working figure at the brief's scale
PEOPLE_PER_UNIT = 100
UNITS_PER_SENIOR = 20
ROWS_PER_CHUNK = 1_000_000  # interactions generated and written at a time (about 150 MB of arrays)
SUPPORTER_SHARE, TRAINED_SHARE, PAUSED_SHARE = 0.3, 0.75, 0.1
PROFESSIONS = tuple(MEMBER_PROFESSIONS)  # nurse, physician, resident, allied health, therapist
SHIFT_PROFESSIONS = (0, 2)  # nurse, resident
# Parts of the day per shift (day, late, night), the hour an entry is logged, as in tracker/demo.py.
SHIFT_PARTS = np.array([[0.55, 0.45, 0, 0], [0, 0.4, 0.6, 0], [0, 0, 0.3, 0.7]])
LOGGED_HOURS = np.array([10, 15, 20, 23, 12])  # morning … night, then no time of day
NOTES = (*FULFILLING_NOTES, *DRAINING_NOTES, *NEUTRAL_NOTES)
# How many tags an entry carries, by strength of the rating (0, ±1, ±2..3): cumulative shares of 0..3.
TAG_COUNTS = np.cumsum([[0.5, 0.4, 0.1, 0.0], [0.25, 0.55, 0.2, 0.0], [0.1, 0.45, 0.35, 0.1]], axis=1)
BIG_TABLES = ("interactions", "interaction_tags", "check_ins")


@dataclass(frozen=True)
class Org:
    """Everyone, as parallel arrays; index 0 is the administrator and supervisors come first."""

    emails: list[str]
    names: list[str]
    roles: list[tuple[str, ...]]
    profession: np.ndarray  # index into PROFESSIONS, -1 none
    unit: np.ndarray  # index into units, -1 none
    supervisor: np.ndarray  # index into people, -1 none
    units: tuple[str, ...]
    unit_style: np.ndarray  # index into demo.UNITS, per unit
    senior: np.ndarray  # bool
    clinician: np.ndarray  # bool
    named_clinician: int
    named_coordinator: int


@dataclass(frozen=True)
class Habits:
    """Each person's way of working and logging (arrays over people), as in tracker/demo.Habits."""

    rate: np.ndarray  # mean entries on a day logged (weekday; a weekend day has 0.6 of it)
    weekday_work: np.ndarray
    weekend_work: np.ndarray
    logs_when_working: np.ndarray
    shift_worker: np.ndarray
    baseline: np.ndarray
    spread: np.ndarray
    day_to_day: np.ndarray
    drift_from: np.ndarray  # day index, or a day past the end for nobody
    drift_depth: np.ndarray
    drift_speed: np.ndarray
    leave_from: np.ndarray
    leave_days: np.ndarray
    answers_trust: np.ndarray
    writes_notes: np.ndarray
    checks_in: np.ndarray
    checkin_weekday: np.ndarray
    resilience: np.ndarray
    burnout_bias: np.ndarray
    crosses_when_drifted: np.ndarray

    def drift_progress(self, person: np.ndarray, day: np.ndarray, last_day: int) -> np.ndarray:
        """0 before the person's drift starts, rising to 1 at its full depth (demo.Course)."""
        start = self.drift_from[person]
        span = np.maximum(1, last_day - start)
        return np.clip((day - start) / span * self.drift_speed[person], 0.0, 1.0) * (day >= start)

    def mean_on(self, person: np.ndarray, day: np.ndarray, last_day: int) -> np.ndarray:
        return self.baseline[person] - self.drift_depth[person] * self.drift_progress(person, day, last_day)


class Progress:
    """One line on stderr, rewritten at most twice a second: rows written, share done, rows a second."""

    def __init__(self, label: str, total: int, *, show: bool = True, stream=None) -> None:
        self.label, self.total, self.done, self.show = label, max(1, total), 0, show
        self.stream = stream if stream is not None else sys.stderr
        self.started = self.shown = time.perf_counter()

    def add(self, rows: int) -> None:
        self.done += rows
        now = time.perf_counter()
        if self.show and now - self.shown >= 0.5:
            self.shown = now
            self._line(now)

    def finish(self) -> float:
        """Seconds since the start; the line is completed."""
        now = time.perf_counter()
        if self.show:
            self._line(now)
            self.stream.write("\n")
            self.stream.flush()
        return now - self.started

    def _line(self, now: float) -> None:
        rate = self.done / max(now - self.started, 1e-9)
        share = min(1.0, self.done / self.total)
        bar = "#" * round(share * 30)
        self.stream.write(
            f"\r{self.label} [{bar:<30}] {self.done:>12,} / {self.total:,} {share:6.1%} {rate:>10,.0f} rows/s"
        )
        self.stream.flush()


@dataclass
class Counts:
    people: int = 0
    units: int = 0
    interactions: int = 0
    tag_links: int = 0
    check_ins: int = 0
    supporters: int = 0
    requests: int = 0
    conversations: int = 0
    seconds: float = 0.0
    interaction_seconds: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return self.people + self.interactions + self.tag_links + self.check_ins + self.requests + self.conversations


def check_size(people: int, days: int, per_day: float) -> None:
    if not isinstance(people, int) or not MIN_PEOPLE <= people <= MAX_PEOPLE:
        raise ValidationError(f"The bulk demo needs between {MIN_PEOPLE} and {MAX_PEOPLE:,} people.")
    if not isinstance(days, int) or not MIN_DAYS <= days <= MAX_DAYS:
        raise ValidationError(f"The demo history needs between {MIN_DAYS} and {MAX_DAYS:,} days.")
    if not 0 < per_day <= 12:
        raise ValidationError("Entries a day must be more than 0 and at most 12.")


def fill_bulk_demo(
    db: Session,
    *,
    password: str,
    people: int = 10_000,
    days: int = 1095,
    seed: int = 7,
    per_day: float = ENTRIES_PER_DAY,
    reset: bool = False,
    today: date | None = None,
    now: datetime | None = None,
    progress: bool = False,
) -> Counts:
    """Fill an empty database (or, with `reset`, a recreated one) with the bulk demo organisation.

    One transaction through the action boundary (audited like the small demo); on any error
    nothing is stored. Returns what was written and how long it took."""
    password = clean_new_password(password)
    check_size(people, days, per_day)
    now = now or datetime.now(UTC)
    today = today or now.date()
    if not reset and db.scalar(select(Person.id).limit(1)) is not None:
        raise ValidationError(REFUSE_NON_EMPTY)
    password_hash = hash_password(password)  # argon2id is slow on purpose: once for everyone
    if reset:
        db.rollback()
        db.expunge_all()
        recreate(db.get_bind())
    started = time.perf_counter()
    rng = np.random.default_rng(seed)
    org_rng, habit_rng, count_rng, entry_rng, checkin_rng, peer_rng = rng.spawn(6)
    first_day = today - timedelta(days=days - 1)
    org = plan_org(org_rng, people)
    habits = plan_habits(habit_rng, org, days, per_day=per_day)
    counts = entry_counts(count_rng, habits, org, first_day, days)
    written = Counts(people=people, units=len(org.units))
    lap = _Laps(written.phases)
    try:
        with action(db, None, Action.FILL_DEMO) as act:
            writer = _PostgresWriter(db) if db.get_bind().dialect.name == "postgresql" else _SqliteWriter(db)
            writer.prepare()
            ids, unit_ids = _write_org(db, org, password_hash, first_day, writer.next_id("people"))
            tag_ids = np.array([_ensure_tags(db)[name] for name in DEFAULT_TAGS])
            tick = Progress("interactions", int(counts.sum()), show=progress)
            chunks = interaction_chunks(entry_rng, habits, org, counts, first_day, now, writer.next_id("interactions"))
            for entries, links in _prefetched(chunks):
                writer.interactions(entries, ids, tag_ids, links)
                written.interactions += len(entries["day"])
                written.tag_links += len(links[0])
                tick.add(len(entries["day"]))
            written.interaction_seconds = tick.finish()
            lap("people and interactions")
            check_ins = plan_check_ins(checkin_rng, habits, org, first_day, today, now)
            writer.check_ins(check_ins, ids, writer.next_id("check_ins"))
            written.check_ins = len(check_ins["day"])
            lap("check-ins")
            writer.finish()
            lap("indexes and keys")
            supporters, requests, matches = _write_peer_support(
                db, peer_rng, org, ids, unit_ids, tag_ids, first_day, now
            )
            writer.set_sequences()  # before the engine's proposals, which take their ids from the sequence
            proposed = [r["id"] for r in requests if r["status"] == "proposed"]
            proposals = _propose(db, proposed, int(ids[org.named_coordinator]), now)
            written.supporters, written.requests, written.conversations = supporters, len(requests), matches + proposals
            detail = f"{people} people, {len(org.units)} units, {days} days, seed {seed}, bulk"
            act.done(audit=AuditRecord(AuditKind.DEMO_FILLED, detail=detail))
        lap("peer support and commit")
    except Conflict:
        if db.scalar(select(Person.id).limit(1)) is not None:
            raise ValidationError(REFUSE_NON_EMPTY) from None
        raise
    _analyze(db)
    lap("vacuum and analyze")
    written.seconds = time.perf_counter() - started
    return written


class _Laps:
    """Seconds per phase of the load, for the summary (where the time goes)."""

    def __init__(self, phases: dict[str, float]) -> None:
        self.phases, self.last = phases, time.perf_counter()

    def __call__(self, phase: str) -> None:
        now = time.perf_counter()
        self.phases[phase] = now - self.last
        self.last = now


def summary(written: Counts, days: int) -> str:
    rate = written.interactions / max(written.interaction_seconds, 1e-9)
    overall = written.rows / max(written.seconds, 1e-9)
    return (
        f"Bulk demo ready: {written.people:,} people in {written.units:,} units, {written.interactions:,} interactions "
        f"({written.tag_links:,} tag links) over {days:,} days, {written.check_ins:,} check-ins, "
        f"{written.supporters:,} supporters, {written.requests:,} requests, {written.conversations:,} conversations.\n"
        f"Loaded in {written.seconds:,.0f} s: interactions at {rate:,.0f} rows/s, "
        f"{overall:,.0f} rows/s over everything (tag links included, indexes and keys built).\n"
        f"Phases: {', '.join(f'{name} {seconds:,.1f} s' for name, seconds in written.phases.items())}.\n"
        f"Sign in as {ADMIN_EMAIL}, {COORDINATOR_EMAIL} or {CLINICIAN_EMAIL} with the password you chose."
    )


# ---- the organisation -------------------------------------------------------------------------


def plan_org(rng: np.random.Generator, people: int) -> Org:
    unit_count = 4 if people < 30 else 5 if people < 60 else max(6, people // PEOPLE_PER_UNIT)
    # A senior needs leads to supervise; with 8 people there is room for one only (as in the small demo).
    seniors = 1 if people < 20 else max(2, unit_count // UNITS_PER_SENIOR)
    styles = np.arange(unit_count) % len(UNITS)
    units = tuple(
        UNITS[s].name if u < len(UNITS) else f"{UNITS[s].name} {u // len(UNITS) + 1}" for u, s in enumerate(styles)
    )
    emails, names, roles = [ADMIN_EMAIL], ["Robin Hale"], [(Role.ADMINISTRATOR.value,)]
    profession, unit, supervisor = [-1], [-1], [-1]
    clinician = (Role.CLINICIAN.value,)
    first = rng.integers(0, len(FIRST_NAMES), people)
    last = rng.integers(0, len(LAST_NAMES), people)

    def add(index: int, role: tuple[str, ...], job: int, where: int, boss: int) -> int:
        given, family = FIRST_NAMES[first[index]], LAST_NAMES[last[index]]
        emails.append(f"{given.lower()}.{family.lower()}.{index}@demo.example")
        names.append(f"{given} {family}")
        roles.append(role)
        profession.append(job)
        unit.append(where)
        supervisor.append(boss)
        return len(emails) - 1

    physician, nurse = PROFESSIONS.index("physician"), PROFESSIONS.index("nurse")
    senior_ids = [add(s, clinician, physician if s % 2 == 0 else nurse, s % unit_count, -1) for s in range(seniors)]
    leads = []
    for u in range(unit_count):
        job = physician if u % 2 == 0 else nurse
        # Physicians lead every other unit and report to a medical senior; nurses to a nursing one.
        fitting = [s for s in senior_ids if profession[s] == job] or senior_ids
        leads.append(add(seniors + u, clinician, job, u, fitting[u % len(fitting)]))
    oncology, intensive_care = 2 % unit_count, 1 % unit_count
    emails.append(COORDINATOR_EMAIL)
    names.append("Priya Raman")
    roles.append((Role.CLINICIAN.value, Role.COORDINATOR.value))
    profession.append(nurse)
    unit.append(oncology)
    supervisor.append(leads[oncology])
    named_coordinator = len(emails) - 1
    emails.append(CLINICIAN_EMAIL)
    names.append("Sam Okafor")
    roles.append(clinician)
    profession.append(nurse)
    unit.append(intensive_care)
    supervisor.append(leads[intensive_care])
    named_clinician = len(emails) - 1
    members = people - len(emails)
    member_units = rng.permutation(np.arange(members) % unit_count)
    jobs = rng.choice(len(PROFESSIONS), size=members, p=list(MEMBER_PROFESSIONS.values()))
    # As in the small demo (one in 15) for a small organisation; a large one has a team of about 1 in 500.
    wanted = max(0, min(people // 15 - 1, 1 + people // 500))
    coordinators = set(rng.choice(members, size=min(members, wanted), replace=False).tolist())
    for m in range(members):
        role = (*clinician, Role.COORDINATOR.value) if m in coordinators else clinician
        add(seniors + unit_count + m, role, int(jobs[m]), int(member_units[m]), leads[member_units[m]])
    profession_array = np.array(profession)
    return Org(
        emails=emails,
        names=names,
        roles=roles,
        profession=profession_array,
        unit=np.array(unit),
        supervisor=np.array(supervisor),
        units=units,
        unit_style=styles,
        senior=np.isin(np.arange(people), senior_ids),
        clinician=np.arange(people) > 0,
        named_clinician=named_clinician,
        named_coordinator=named_coordinator,
    )


def plan_habits(rng: np.random.Generator, org: Org, days: int, *, per_day: float = ENTRIES_PER_DAY) -> Habits:
    n = len(org.emails)
    last = days - 1
    shift = np.isin(org.profession, SHIFT_PROFESSIONS)
    style = np.where(org.unit >= 0, org.unit_style[np.maximum(org.unit, 0)], 0)
    unit_mean = np.array([u.mean for u in UNITS])[style]
    unit_spread = np.array([u.spread for u in UNITS])[style]
    weekday_work = np.where(shift, rng.uniform(0.7, 0.85, n), rng.uniform(0.85, 0.95, n))
    weekend_work = np.where(shift, rng.uniform(0.1, 0.25, n), rng.uniform(0.0, 0.08, n))
    logs = rng.uniform(0.75, 0.97, n)
    # Each person's own mean a calendar day, then what that means on a day they log.
    mine = per_day * rng.gamma(8.0, 1 / 8.0, n)
    logged_share = (5 * weekday_work + 2 * 0.6 * weekend_work) / 7 * logs
    drifting = rng.random(n) < 0.15
    days_back = rng.integers(14, max(15, min(DRIFT_MAX_DAYS_BACK, last - 7) + 1), n)
    leave = (rng.random(n) < 0.3) & (last - DRIFT_MAX_DAYS_BACK - LEAVE_MAX_DAYS > 0)
    habits = {
        "rate": mine / logged_share,
        "weekday_work": weekday_work,
        "weekend_work": weekend_work,
        "logs_when_working": logs,
        "shift_worker": shift,
        "baseline": np.clip(rng.normal(0.55, 0.45, n), -0.6, 1.5) + unit_mean,
        "spread": rng.uniform(0.9, 1.5, n) + unit_spread,
        "day_to_day": np.full(n, 0.3),
        "drift_from": np.where(drifting, last - days_back, days + 1),
        "drift_depth": np.where(drifting, rng.uniform(1.4, 2.4, n), 0.0),
        "drift_speed": np.ones(n),
        # Holidays are over before any drift can begin, so they never hide one.
        "leave_from": np.where(
            leave, rng.integers(0, max(1, last - DRIFT_MAX_DAYS_BACK - LEAVE_MAX_DAYS), n), days + 1
        ),
        "leave_days": rng.integers(5, LEAVE_MAX_DAYS, n),
        "answers_trust": rng.uniform(0.75, 0.97, n),
        "writes_notes": rng.uniform(0.02, 0.18, n),
        "checks_in": np.where(rng.random(n) < 0.12, 0.0, rng.uniform(0.6, 0.95, n)),
        "checkin_weekday": rng.integers(0, 5, n),
        "resilience": rng.normal(0.0, 0.3, n),
        "burnout_bias": rng.normal(0.0, 0.3, n),
        "crosses_when_drifted": np.zeros(n, dtype=bool),
    }
    # Nobody works or logs but clinicians.
    for name in ("rate", "weekday_work", "weekend_work", "checks_in"):
        habits[name] = np.where(org.clinician, habits[name], 0.0)
    # The named accounts log steadily, so their charts are full and their story is clear (demo._named_habits).
    for person, baseline in ((org.named_coordinator, 1.0), (org.named_clinician, 0.8)):
        values = {
            "rate": 4.0,
            "weekday_work": 0.95,
            "weekend_work": 0.1,
            "logs_when_working": 1.0,
            "shift_worker": True,
            "baseline": baseline,
            "spread": 0.8,
            "day_to_day": 0.15,
            "drift_from": days + 1,
            "drift_depth": 0.0,
            "leave_from": days + 1,
            "answers_trust": 0.9,
            "writes_notes": 0.12,
            "checks_in": 0.9,
            "checkin_weekday": 4,
        }
        for name, value in values.items():
            habits[name][person] = value
    drifts = org.named_clinician
    habits["drift_from"][drifts] = last - (DRIFT_DAYS - 1)
    habits["drift_depth"][drifts], habits["drift_speed"][drifts] = 2.7, 3.0
    habits["writes_notes"][drifts], habits["checks_in"][drifts] = 0.25, 1.0
    habits["crosses_when_drifted"][drifts] = True
    habits["resilience"][org.named_coordinator], habits["burnout_bias"][org.named_coordinator] = 0.5, -0.5
    habits["resilience"][drifts] = habits["burnout_bias"][drifts] = 0.0
    return Habits(**habits)


# ---- interactions -----------------------------------------------------------------------------


def entry_counts(rng: np.random.Generator, habits: Habits, org: Org, first_day: date, days: int) -> np.ndarray:
    """Entries per person and day (people × days, small integers): work, logging, leave, Poisson."""
    n = len(org.emails)
    counts = np.zeros((n, days), dtype=np.int8)
    weekday = (np.datetime64(first_day, "D") + np.arange(days)).astype("datetime64[D]").view("int64")
    weekday = (weekday + 3) % 7 < 5  # 1970-01-01 was a Thursday
    for start in range(0, days, 64):
        span = slice(start, min(days, start + 64))
        week = weekday[span]
        day = np.arange(span.start, span.stop)
        works = rng.random((n, len(day))) < np.where(week, habits.weekday_work[:, None], habits.weekend_work[:, None])
        logs = rng.random((n, len(day))) < habits.logs_when_working[:, None]
        away = (day >= habits.leave_from[:, None]) & (day < (habits.leave_from + habits.leave_days)[:, None])
        mean = habits.rate[:, None] * np.where(week, 1.0, 0.6)
        drawn = np.minimum(MAX_ENTRIES_A_DAY, rng.poisson(mean))
        counts[:, span] = np.where(works & logs & ~away, drawn, 0)
    return counts


def interaction_chunks(
    rng: np.random.Generator,
    habits: Habits,
    org: Org,
    counts: np.ndarray,
    first_day: date,
    now: datetime,
    first_id: int,
) -> Iterator[tuple[dict[str, np.ndarray], tuple[np.ndarray, np.ndarray]]]:
    """Interactions a few weeks at a time, in the order they were logged; with their tag links
    (interaction id, index into DEFAULT_TAGS)."""
    n, days = counts.shape
    last = days - 1
    per_day = max(1, int(counts.sum(axis=0).mean()))
    span = max(1, ROWS_PER_CHUNK // per_day)
    weights = _tag_log_weights()
    style = np.where(org.unit >= 0, org.unit_style[np.maximum(org.unit, 0)], 0)
    day0 = np.datetime64(first_day, "D")
    latest = np.datetime64(now.replace(tzinfo=None), "us")
    next_id = first_id
    for start in range(0, days, span):
        day_cells, person_cells = np.nonzero(counts[:, start : start + span].T)
        day_cells = day_cells + start
        cell_counts = counts[person_cells, day_cells].astype(np.int64)
        # A day is good or bad as a whole; a shift worker's shift decides the parts of the day.
        day_mean = habits.mean_on(person_cells, day_cells, last) + rng.normal(0.0, habits.day_to_day[person_cells])
        shift = np.where(
            habits.shift_worker[person_cells],
            np.searchsorted([0.7, 0.88], rng.random(len(day_cells)), side="right"),
            np.where(rng.random(len(day_cells)) < 0.05, 1, 0),
        )
        drifted = habits.drift_progress(person_cells, day_cells, last) > 0
        person = np.repeat(person_cells, cell_counts)
        day = np.repeat(day_cells, cell_counts)
        rows = len(person)
        rating = np.clip(np.rint(rng.normal(np.repeat(day_mean, cell_counts), habits.spread[person])), -3, 3)
        rating = rating.astype(np.int16)
        parts = SHIFT_PARTS[np.repeat(shift, cell_counts)].cumsum(axis=1)
        part = (rng.random(rows)[:, None] >= parts).sum(axis=1)
        part = np.where(rng.random(rows) < 0.06, -1, np.minimum(part, 3))
        minute = rng.integers(0, 3_600_000_000, rows).astype("timedelta64[us]")
        logged = (day0 + day).astype("datetime64[us]") + (LOGGED_HOURS[part] * 3_600_000_000).astype("timedelta64[us]")
        logged = np.minimum(logged + minute, latest)
        answered = rng.random(rows) < habits.answers_trust[person]
        trusted = np.clip(np.rint(1.1 + 0.3 * rating + rng.normal(0.0, 0.55, rows)), 0, 2).astype(np.int16)
        humanity = np.clip(np.rint(1.0 + 0.25 * rating + rng.normal(0.0, 0.6, rows)), 0, 2).astype(np.int16)
        kind = np.sign(rating)  # -1 draining, 0 neutral, 1 fulfilling
        offered = np.select([kind > 0, kind < 0], [0, len(FULFILLING_NOTES)], len(FULFILLING_NOTES + DRAINING_NOTES))
        choices = np.select([kind != 0], [len(FULFILLING_NOTES)], len(NEUTRAL_NOTES))
        note = np.where(
            rng.random(rows) < habits.writes_notes[person], offered + (rng.random(rows) * choices).astype(int), -1
        )
        strength = np.minimum(np.abs(rating), 2)
        how_many = (rng.random(rows)[:, None] >= TAG_COUNTS[strength]).sum(axis=1)
        keys = weights[style[person], kind + 1, np.repeat(drifted, cell_counts).astype(int)]
        keys = keys + rng.gumbel(size=keys.shape).astype(np.float32)  # weighted draws without repeats
        ranked = np.argsort(-keys, axis=1)[:, :3]
        # The order they were logged in: by time, people interleaved.
        order = np.lexsort((rng.random(rows), logged))
        ids = next_id + np.arange(rows)
        next_id += rows
        entries = {
            "id": ids,
            "person": person[order],
            "day": day0 + day[order],
            "part": part[order],
            "rating": rating[order],
            "trusted": trusted[order],
            "humanity": humanity[order],
            "answered": answered[order],
            "note": note[order],
            "logged": logged[order],
        }
        chosen = np.arange(3)[None, :] < how_many[order][:, None]
        links = (np.broadcast_to(ids[:, None], chosen.shape)[chosen], ranked[order][chosen])
        yield entries, links


def _tag_log_weights() -> np.ndarray:
    """log weight of each tag, by unit style × kind (draining, neutral, fulfilling) × drifted."""
    table = np.full((len(UNITS), 3, 2, len(DEFAULT_TAGS)), -np.inf, dtype=np.float32)
    for s, unit in enumerate(UNITS):
        for k, base in enumerate((DRAINING_TAGS, NEUTRAL_TAGS, FULFILLING_TAGS)):
            for drifted in (0, 1):
                for tag, weight in base.items():
                    boost = unit.tag_boosts.get(tag, 1.0) * (DRIFT_TAGS.get(tag, 1.0) if drifted else 1.0)
                    table[s, k, drifted, DEFAULT_TAGS.index(tag)] = np.log(weight * boost)
    return table


def _prefetched(chunks: Iterator, depth: int = 2) -> Iterator:
    """The next chunk is generated on a second thread while this one is written (NumPy and the
    socket both release the GIL), so the generator and the database work at the same time."""
    waiting: queue.Queue = queue.Queue(maxsize=depth)
    done = object()

    def produce() -> None:
        try:
            for chunk in chunks:
                waiting.put(chunk)
        except BaseException as error:  # handed to the consumer, raised there
            waiting.put(error)
        waiting.put(done)

    threading.Thread(target=produce, daemon=True).start()
    while (item := waiting.get()) is not done:
        if isinstance(item, BaseException):
            raise item
        yield item


# ---- check-ins --------------------------------------------------------------------------------


def plan_check_ins(
    rng: np.random.Generator, habits: Habits, org: Org, first_day: date, today: date, now: datetime
) -> dict[str, np.ndarray]:
    """At most one a week per person, on their usual weekday (clipped to the history), as in demo.py."""
    days = (today - first_day).days + 1
    last = days - 1
    monday = -first_day.weekday()
    mondays = np.arange(monday, last + 1, 7)
    person, week = np.meshgrid(np.arange(len(org.emails)), mondays, indexing="ij")
    person, week = person.ravel(), week.ravel()
    day = np.clip(week + habits.checkin_weekday[person], 0, last)
    keep = rng.random(len(person)) < habits.checks_in[person]
    person, day = person[keep], day[keep]
    rows = len(person)
    mean = habits.mean_on(person, day, last)
    resilience = 3.3 + 0.45 * mean + habits.resilience[person] + rng.normal(0.0, 0.2, rows)
    scored = np.clip(np.rint(rng.normal(resilience[:, None], 0.55, (rows, 6))), 1, 5).astype(np.int64)
    burnout = np.clip(np.rint(rng.normal(2.2 - 0.55 * mean + habits.burnout_bias[person], 0.5)), 1, 5)
    load = np.clip(np.rint(rng.normal(4.8 - 1.3 * mean, 1.1)), 0, 10)
    # The named clinician's story: once the drift has set in, the check-ins say so too.
    crossed = habits.crosses_when_drifted[person] & (habits.drift_progress(person, day, last) >= 0.5)
    scored[crossed] = np.array([2, 2, 2, 2, 3, 2])
    burnout[crossed], load[crossed] = np.maximum(burnout[crossed], 3), np.maximum(load[crossed], 8)
    answers = scored.copy()
    answers[:, 1::2] = 6 - scored[:, 1::2]  # items 2, 4 and 6 are worded negatively
    text_answers = np.full((rows, 11), ord(","), dtype=np.uint8)
    text_answers[:, 0::2] = answers + ord("0")
    iso = np.array([(first_day + timedelta(days=int(d))).isocalendar()[:2] for d in range(days)])
    dates = np.datetime64(first_day, "D") + day
    latest = np.datetime64(now.replace(tzinfo=None), "us")
    return {
        "person": person,
        "day": dates,
        "iso_year": iso[day, 0],
        "iso_week": iso[day, 1],
        "answers": text_answers.view("S11").ravel(),
        "brs_score": np.round(scored.mean(axis=1), 4),
        "burnout": burnout.astype(np.int16),
        "load": load.astype(np.int16),
        "logged": np.minimum(dates.astype("datetime64[us]") + np.timedelta64(17, "h"), latest),
    }


# ---- people, supporters, requests and conversations -------------------------------------------


def _write_org(
    db: Session, org: Org, password_hash: str, first_day: date, first_id: int
) -> tuple[np.ndarray, np.ndarray]:
    """People and their roles (Core inserts with our own ids); returns each person's id and each unit's."""
    unit_ids = _ensure_units(db, org.units)
    unit_id = np.array([unit_ids[name] for name in org.units])
    ids = first_id + np.arange(len(org.emails))
    joined = datetime.combine(first_day - timedelta(days=1), datetime.min.time().replace(hour=9), tzinfo=UTC)
    data_version = int(np.random.default_rng().integers(0, 2**30))  # see demo._write: a fresh trends cache key
    rows = [
        {
            "id": int(ids[i]),
            "email": org.emails[i],
            "display_name": org.names[i],
            "password_hash": password_hash,
            "must_change_password": False,
            "active": True,
            "profession": PROFESSIONS[org.profession[i]] if org.profession[i] >= 0 else None,
            "unit_id": int(unit_id[org.unit[i]]) if org.unit[i] >= 0 else None,
            "supervisor_id": int(ids[org.supervisor[i]]) if org.supervisor[i] >= 0 else None,
            "timezone": "UTC",
            "created_at": joined,
            "data_version": data_version,
        }
        for i in range(len(org.emails))
    ]
    for batch in range(0, len(rows), 5000):
        db.execute(insert(Person.__table__), rows[batch : batch + 5000])
    grants = [{"person_id": int(ids[i]), "role": role} for i in range(len(rows)) for role in org.roles[i]]
    db.execute(insert(RoleGrant.__table__), grants)
    return ids, unit_id


def _write_peer_support(
    db: Session,
    rng: np.random.Generator,
    org: Org,
    ids: np.ndarray,
    unit_ids: np.ndarray,
    tag_ids: np.ndarray,
    first_day: date,
    now: datetime,
) -> tuple[int, list[dict], int]:
    """Supporters, and a history of requests with their conversations: (supporters, requests, matches).
    Requests planned as proposed get the engine's proposal afterwards (`_propose`)."""
    n = len(org.emails)
    named = {org.named_clinician, org.named_coordinator}
    others = np.array([p for p in range(n) if org.clinician[p] and p not in named])
    # Seniors stand above everyone in their reporting line, so they would be blocked for almost all.
    pool = others[~org.senior[others]]
    supporters = rng.choice(pool, size=max(3, round(len(pool) * SUPPORTER_SHARE)), replace=False)
    active = rng.random(len(supporters)) > PAUSED_SHARE
    joined = datetime.combine(first_day - timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    db.execute(
        insert(SupporterProfile.__table__),
        [
            {
                "person_id": int(ids[p]),
                "active": bool(active[i]),
                "trained": bool(rng.random() < TRAINED_SHARE),
                "capacity_per_month": int(rng.choice((1, 2, 2, 3, 4))),
                "created_at": joined,
            }
            for i, p in enumerate(supporters)
        ],
    )
    db.execute(
        insert(SupporterTopic.__table__),
        [
            {"person_id": int(ids[p]), "tag_id": int(t)}
            for p in supporters
            for t in rng.choice(tag_ids, size=int(rng.integers(2, 5)), replace=False)
        ],
    )
    coordinators = [i for i in range(n) if Role.COORDINATOR.value in org.roles[i]]
    start = datetime.combine(first_day, datetime.min.time(), tzinfo=UTC)
    span_hours = max(1.0, (now - start).total_seconds() / 3600 - 1)
    total = max(len(others) // 3, round(REQUESTS_PER_YEAR * len(others) * span_hours / (24 * 365)))
    asked_hours = np.sort(rng.uniform(0, span_hours, total))
    age = span_hours - asked_hours
    status = _status_by_age(rng, age)
    # A person has one request in progress at a time; the named clinician has none, so they can ask.
    in_progress = np.isin(status, ("open", "proposed", "approved", "scheduled", "met"))
    seeker = rng.choice(others, size=total)
    seeker[in_progress] = rng.choice(others, size=int(in_progress.sum()), replace=False)
    supportive = supporters[active]
    first_request = int(db.scalar(select(func.coalesce(func.max(SupportRequest.id), 0)))) + 1
    first_match = int(db.scalar(select(func.coalesce(func.max(Match.id), 0)))) + 1
    requests, topics, matches = [], [], []
    # The named clinician's one earlier conversation, which helped (demo_peer: chart 6 of My trends).
    plan = [(int(s), float(h), str(st)) for s, h, st in zip(seeker, asked_hours, status, strict=True)]
    plan.append((org.named_clinician, span_hours - 24 * float(rng.integers(12, 40)), "closed"))
    for offset, (who, hour, state) in enumerate(plan):
        asked = start + timedelta(hours=hour)
        request_id = first_request + offset
        load_before = int(rng.integers(4, 10))
        urgency = str(rng.choice(("this_week", "soon", "soon", "when_possible")))
        request = {
            "id": request_id,
            "seeker_id": int(ids[who]),
            "status": state,
            "urgency": urgency,
            "same_profession": bool(rng.random() < 0.3),
            "not_my_unit": bool(rng.random() < 0.5),
            "load_before": load_before,
            "note_for_coordinator": rng.choice((None, None, "Evenings suit me best.", "Happy to meet online.")),
            "seeker_unit_id": int(unit_ids[org.unit[who]]),
            "seeker_profession": PROFESSIONS[org.profession[who]],
            "decline_reason": "No supporter fits this request this month." if state == "declined" else None,
            "created_at": asked,
            "updated_at": None,
            "approved_at": None,
            "ended_at": None,
        }
        requests.append(request)
        topics.extend(
            {"request_id": request_id, "tag_id": int(t)}
            for t in rng.choice(tag_ids, size=int(rng.integers(1, 4)), replace=False)
        )
        if state in ("open", "proposed", "expired", "withdrawn", "declined"):
            # Proposals come from the engine below; an ended request without a match has its end.
            if state in ("expired", "withdrawn", "declined"):
                request["ended_at"] = min(now, asked + timedelta(days=14 if state == "expired" else 2))
            continue
        fitting = supportive[org.unit[supportive] != org.unit[who]]
        helper = int(rng.choice(fitting)) if len(fitting) else int(rng.choice(supportive))
        matches.append(
            _conversation(rng, request, int(ids[helper]), coordinators, ids, first_match + len(matches), now)
        )
        if rng.random() < 0.05 and len(fitting) > 1:  # an earlier pair the coordinator declined
            other = int(rng.choice(fitting[fitting != helper]))
            matches.append(
                {
                    **_blank_match(first_match + len(matches), request_id, int(ids[other])),
                    "status": "declined",
                    "decline_reason": "Not the right fit for this request.",
                    "proposed_at": asked + timedelta(minutes=30),
                    "proposed_by_id": int(ids[rng.choice(coordinators)]) if coordinators else None,
                }
            )
    for table, rows in ((SupportRequest, requests), (RequestTopic, topics), (Match, matches)):
        for batch in range(0, len(rows), 5000):
            db.execute(insert(table.__table__), rows[batch : batch + 5000])
    return len(supporters), requests, len(matches)


def _status_by_age(rng: np.random.Generator, age_hours: np.ndarray) -> np.ndarray:
    """Life-cycle states that fit a request's age: the newest open or proposed, then approved and
    scheduled, then met and closed; some expire, are withdrawn or declined."""
    stages = (
        (24, ("open", "proposed"), (0.75, 0.25)),
        (72, ("open", "proposed", "approved", "scheduled"), (0.1, 0.15, 0.45, 0.3)),
        (
            14 * 24,
            ("approved", "scheduled", "met", "closed", "withdrawn", "declined"),
            (0.1, 0.35, 0.15, 0.3, 0.05, 0.05),
        ),
        (np.inf, ("closed", "met", "expired", "withdrawn", "declined"), (0.78, 0.04, 0.08, 0.06, 0.04)),
    )
    status = np.empty(len(age_hours), dtype=object)
    younger = 0.0
    for upto, states, shares in stages:
        here = (age_hours >= younger) & (age_hours < upto)
        status[here] = rng.choice(states, size=int(here.sum()), p=shares)
        younger = upto
    return status.astype(str)


def _blank_match(match_id: int, request_id: int, supporter_id: int) -> dict:
    return {
        "id": match_id,
        "request_id": request_id,
        "supporter_id": supporter_id,
        "status": "proposed",
        "score": 0.0,
        "reasons": "earlier conversation (demo history)",
        "proposed_by_id": None,
        "reviewed_by_id": None,
        "decline_reason": None,
        "proposed_at": None,
        "approved_at": None,
        "meeting_at": None,
        "meeting_proposed_by_id": None,
        "meeting_accepted": False,
        "meeting_version": 0,
        "seeker_load_after": None,
        "seeker_helpful": None,
        "seeker_feedback_at": None,
        "supporter_load_after": None,
        "supporter_wants_support": None,
        "supporter_feedback_at": None,
    }


def _conversation(
    rng: np.random.Generator, request: dict, supporter_id: int, coordinators: list[int], ids, match_id: int, now
) -> dict:
    """The match of an approved request, carried as far as the request's state says."""
    state, asked = request["status"], request["created_at"]
    room = max(1.0, (now - asked).total_seconds() / 3600 - 1)
    to_match = min(room * 0.5, float(rng.lognormal(np.log(16), 0.6)))  # hours from asking to approval
    approved = asked + timedelta(hours=to_match)
    reviewer = int(ids[rng.choice(coordinators)]) if coordinators else None
    match = {
        **_blank_match(match_id, request["id"], supporter_id),
        "status": state,
        "score": round(float(rng.uniform(3, 14)), 2),
        "proposed_by_id": reviewer,
        "reviewed_by_id": reviewer,
        "proposed_at": asked + timedelta(hours=to_match * 0.6),
        "approved_at": approved,
    }
    request["approved_at"] = request["updated_at"] = approved
    if state == "approved":
        return match
    if state == "scheduled":
        meeting = max(
            approved + timedelta(days=int(rng.integers(1, 6))), now + timedelta(hours=int(rng.integers(2, 72)))
        )
    else:  # met or closed: the meeting is behind them
        meeting = min(approved + timedelta(days=float(rng.uniform(1, 5))), now - timedelta(hours=1))
    match.update(meeting_at=meeting, meeting_proposed_by_id=supporter_id, meeting_accepted=True, meeting_version=1)
    if state == "scheduled":
        return match
    # About half the weight, with the spread real conversations have (demo_peer).
    seeker_side = state == "closed" or rng.random() < 0.5
    if seeker_side:
        match.update(
            seeker_load_after=int(np.clip(round(request["load_before"] * rng.uniform(0.3, 0.9)), 0, 10)),
            seeker_helpful=int(rng.choice((3, 4, 4, 5, 5))),
            seeker_feedback_at=min(now, meeting + timedelta(hours=3)),
        )
    if state == "closed" or not seeker_side:
        match.update(
            supporter_load_after=int(rng.integers(2, 7)),
            supporter_wants_support=bool(rng.random() < 0.1),
            supporter_feedback_at=min(now, meeting + timedelta(hours=5)),
        )
    request["updated_at"] = max(match["seeker_feedback_at"] or meeting, match["supporter_feedback_at"] or meeting)
    if state == "closed":
        request["ended_at"] = request["updated_at"]
    return match


def _propose(db: Session, request_ids: list[int], coordinator_id: int | None, now: datetime) -> int:
    """The engine's proposals for the requests planned as proposed; one it cannot pair stays open."""
    if not request_ids:
        return 0
    given = matching_input(db, now=now, request_ids=request_ids)
    paired = engine_proposals(given)
    for seeker, supporter, judged in paired:
        db.execute(
            insert(Match.__table__).values(
                request_id=seeker.request_id,
                supporter_id=supporter.person_id,
                status="proposed",
                score=judged.total,
                reasons="\n".join(judged.reasons()),
                proposed_by_id=coordinator_id,
                proposed_at=now - timedelta(minutes=30),
                meeting_accepted=False,
                meeting_version=0,
            )
        )
    unpaired = set(request_ids) - {seeker.request_id for seeker, _s, _j in paired}
    if unpaired:
        db.execute(
            SupportRequest.__table__.update().where(SupportRequest.__table__.c.id.in_(unpaired)).values(status="open")
        )
    return len(paired)


# ---- writers ----------------------------------------------------------------------------------


class _Writer:
    def __init__(self, db: Session) -> None:
        self.db = db

    def prepare(self) -> None:
        pass

    def next_id(self, table: str) -> int:
        return int(self.db.execute(text(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")).scalar_one())

    def finish(self) -> None:
        pass

    def set_sequences(self) -> None:
        pass


class _PostgresWriter(_Writer):
    """Binary COPY into the big tables, their secondary indexes and foreign keys rebuilt after."""

    def prepare(self) -> None:
        conn = self.db.connection()
        # Index builds sort in memory when they can; only this transaction's setting.
        conn.execute(text("SET LOCAL maintenance_work_mem = '1GB'"))
        # Empty already (no people, so no entries); truncating them in this transaction lets COPY FREEZE.
        conn.execute(text(f"TRUNCATE {', '.join(BIG_TABLES)}"))
        names = {"tables": list(BIG_TABLES)}
        self.keys = conn.execute(
            text(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE contype = 'f' AND conrelid::regclass::text = ANY(:tables) ORDER BY conname"
            ),
            names,
        ).all()
        self.indexes = conn.execute(
            text(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(:tables) "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname) ORDER BY 1"
            ),
            names,
        ).all()
        for table, name, _definition in self.keys:
            conn.execute(text(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"'))
        for name, _definition in self.indexes:
            conn.execute(text(f'DROP INDEX "{name}"'))
        self.raw = conn.connection.driver_connection

    def interactions(self, entries: dict, ids: np.ndarray, tag_ids: np.ndarray, links) -> None:
        self._send(
            "interactions",
            "id, person_id, occurred_on, time_of_day, rating, felt_trusted, showed_humanity, note, created_at",
            [
                pgcopy.int4(entries["id"]),
                pgcopy.int4(ids[entries["person"]]),
                pgcopy.date(entries["day"]),
                pgcopy.Words(entries["part"], TIMES_OF_DAY),
                pgcopy.int2(entries["rating"]),
                pgcopy.int2(entries["trusted"], ~entries["answered"]),
                pgcopy.int2(entries["humanity"], ~entries["answered"]),
                pgcopy.Words(entries["note"], NOTES),
                pgcopy.timestamptz(entries["logged"]),
            ],
        )
        self._send(
            "interaction_tags", "interaction_id, tag_id", [pgcopy.int4(links[0]), pgcopy.int4(tag_ids[links[1]])]
        )

    def _send(self, table: str, columns: str, values: list) -> None:
        if not len(values[0].values):
            return
        data = pgcopy.encode(values)
        with self.raw.cursor() as cursor:
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY, FREEZE)") as copy:
                copy.write(pgcopy.HEADER)
                for start in range(0, len(data), 1 << 22):
                    copy.write(data[start : start + (1 << 22)])
                copy.write(pgcopy.TRAILER)

    def check_ins(self, rows: dict, ids: np.ndarray, first_id: int) -> None:
        self._send(
            "check_ins",
            "id, person_id, submitted_on, iso_year, iso_week, brs_answers, brs_score, burnout, load, created_at",
            [
                pgcopy.int4(first_id + np.arange(len(rows["day"]))),
                pgcopy.int4(ids[rows["person"]]),
                pgcopy.date(rows["day"]),
                pgcopy.int4(rows["iso_year"]),
                pgcopy.int4(rows["iso_week"]),
                pgcopy.Fixed(rows["answers"]),
                pgcopy.float8(rows["brs_score"]),
                pgcopy.int2(rows["burnout"]),
                pgcopy.int2(rows["load"]),
                pgcopy.timestamptz(rows["logged"]),
            ],
        )

    def finish(self) -> None:
        """Indexes built and foreign keys validated once, over the whole table."""
        conn = self.db.connection()
        for _name, definition in self.indexes:
            conn.execute(text(definition))
        for table, name, definition in self.keys:
            conn.execute(text(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'))

    def set_sequences(self) -> None:
        conn = self.db.connection()
        for table in ("people", "units", "interactions", "check_ins", "support_requests", "matches"):
            conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
                )
            )


class _SqliteWriter(_Writer):
    """Batched `executemany` on the session's connection, values in SQLAlchemy's SQLite formats."""

    BATCH = 50_000

    def interactions(self, entries: dict, ids: np.ndarray, tag_ids: np.ndarray, links) -> None:
        parts = np.array([*TIMES_OF_DAY, None], dtype=object)
        notes = np.array([*NOTES, None], dtype=object)
        answered = entries["answered"].tolist()
        columns = (
            entries["id"].tolist(),
            ids[entries["person"]].tolist(),
            _sqlite_dates(entries["day"]),
            parts[entries["part"]].tolist(),
            entries["rating"].tolist(),
            [v if a else None for v, a in zip(entries["trusted"].tolist(), answered, strict=True)],
            [v if a else None for v, a in zip(entries["humanity"].tolist(), answered, strict=True)],
            notes[entries["note"]].tolist(),
            _sqlite_moments(entries["logged"]),
        )
        self._many(
            "INSERT INTO interactions (id, person_id, occurred_on, time_of_day, rating, felt_trusted, "
            "showed_humanity, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            columns,
        )
        self._many(
            "INSERT INTO interaction_tags (interaction_id, tag_id) VALUES (?, ?)",
            (links[0].tolist(), tag_ids[links[1]].tolist()),
        )

    def check_ins(self, rows: dict, ids: np.ndarray, first_id: int) -> None:
        columns = (
            (first_id + np.arange(len(rows["day"]))).tolist(),
            ids[rows["person"]].tolist(),
            _sqlite_dates(rows["day"]),
            rows["iso_year"].tolist(),
            rows["iso_week"].tolist(),
            [a.decode() for a in rows["answers"].tolist()],
            rows["brs_score"].tolist(),
            rows["burnout"].tolist(),
            rows["load"].tolist(),
            _sqlite_moments(rows["logged"]),
        )
        self._many(
            "INSERT INTO check_ins (id, person_id, submitted_on, iso_year, iso_week, brs_answers, brs_score, "
            "burnout, load, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            columns,
        )

    def _many(self, sql: str, columns: tuple) -> None:
        rows = list(zip(*columns, strict=True))
        conn = self.db.connection()
        for start in range(0, len(rows), self.BATCH):
            conn.exec_driver_sql(sql, rows[start : start + self.BATCH])


def _sqlite_dates(days: np.ndarray) -> list[str]:
    return np.datetime_as_string(days.astype("datetime64[D]")).tolist()


def _sqlite_moments(moments: np.ndarray) -> list[str]:
    """As SQLAlchemy stores a DateTime on SQLite: 'YYYY-MM-DD HH:MM:SS.ffffff' (UTC)."""
    return np.strings.replace(np.datetime_as_string(moments.astype("datetime64[us]"), unit="us"), "T", " ").tolist()


def _analyze(db: Session) -> None:
    """Fresh planner statistics, so the first page views already get the plans measured in docs/SCALING.md."""
    engine = db.get_bind()
    db.close()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if engine.dialect.name == "postgresql":
            # Every table: the big ones were copied frozen (nothing to do but statistics); the others
            # get their visibility maps, so index-only scans on them skip the heap from the start.
            conn.execute(text("VACUUM (ANALYZE)"))
        else:
            conn.execute(text("ANALYZE"))
