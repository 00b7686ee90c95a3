"""The demo organisation: units, reporting lines and months of history, so a newcomer sees everything.

`plan_demo` is pure: it turns a seed and a date into plain data (who works where, what each person
logged, their weekly check-ins), the same for the same seed and `today`. `fill_demo` writes that
plan in one transaction with bulk inserts, so 40 people over 90 days take seconds on SQLite and
PostgreSQL alike.

Three accounts are always there, with the password the caller chose:
admin@demo.example (administrator), coordinator@demo.example (coordinator and clinician) and
clinician@demo.example, a clinician whose last three weeks drift clearly toward draining and whose
newest check-ins cross the published cut-offs, so the early warning has something to show.
"""

from __future__ import annotations

import math
import random
import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from db.migrate import recreate
from db.models import CheckIn, Interaction, InteractionTag, Person, RoleGrant, Tag, Unit
from tracker.audit import AuditKind, AuditRecord
from tracker.demo_peer import write_peer_support
from tracker.domain import DEFAULT_TAGS, Role
from tracker.errors import Conflict, ValidationError
from tracker.passwords import hash_password
from tracker.policy import Action
from tracker.scoring import BRS_REVERSED_ITEMS, CheckInAnswers, score_checkin
from tracker.services.boundary import action
from tracker.validation import clean_new_password

ADMIN_EMAIL = "admin@demo.example"
COORDINATOR_EMAIL = "coordinator@demo.example"
CLINICIAN_EMAIL = "clinician@demo.example"

MIN_PEOPLE, MAX_PEOPLE = 8, 2000  # 8 = the three named accounts, one senior, four unit leads
# Four weeks of usual days, so the early warning has a baseline, then the demo clinician's drift.
MIN_DAYS, MAX_DAYS = 49, 1100

# How many days at the end of the demo clinician's history drift toward draining.
DRIFT_DAYS = 21
# Other drifting people start 14 to 42 days before today; a holiday lasts up to 12 days.
DRIFT_MAX_DAYS_BACK = 42
LEAVE_MAX_DAYS = 12

REFUSE_NON_EMPTY = (
    "This database already has people in it. Run again with --reset to replace everything with the demo organisation."
)

# Names are combined first × last from these fixed lists; the seed decides the pairs.
FIRST_NAMES = (
    "Aisha",
    "Amara",
    "Anna",
    "Ben",
    "Carmen",
    "Chloe",
    "Daniel",
    "Elif",
    "Emma",
    "Farah",
    "Felix",
    "Freya",
    "Grace",
    "Hana",
    "Hugo",
    "Ines",
    "Ingrid",
    "Isaac",
    "Jamal",
    "Jonas",
    "Julia",
    "Kai",
    "Keiko",
    "Kofi",
    "Laila",
    "Lena",
    "Leo",
    "Liam",
    "Lucia",
    "Malik",
    "Marco",
    "Maya",
    "Mei",
    "Nadia",
    "Noah",
    "Olivia",
    "Omar",
    "Pablo",
    "Ravi",
    "Rosa",
    "Ruth",
    "Samir",
    "Sara",
    "Sofia",
    "Tariq",
    "Thomas",
    "Uma",
    "Victor",
    "Yusuf",
    "Zoe",
)
LAST_NAMES = (
    "Abbott",
    "Adeyemi",
    "Andersen",
    "Bauer",
    "Bianchi",
    "Brennan",
    "Castillo",
    "Chen",
    "Costa",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Fontaine",
    "Garcia",
    "Haddad",
    "Hansen",
    "Ibrahim",
    "Ivanova",
    "Jansen",
    "Kaur",
    "Keller",
    "Kim",
    "Kowalski",
    "Larsen",
    "Lopez",
    "Mensah",
    "Moreau",
    "Murphy",
    "Nakamura",
    "Novak",
    "Nwosu",
    "Olsen",
    "Patel",
    "Petrov",
    "Quinn",
    "Rossi",
    "Santos",
    "Schmidt",
    "Silva",
    "Singh",
    "Sullivan",
    "Tanaka",
    "Torres",
    "Varga",
    "Walsh",
    "Weber",
    "Wright",
    "Yilmaz",
    "Zhang",
    "Ziegler",
)

# Private reflections: plausible, and free of anything that could identify a patient.
FULFILLING_NOTES = (
    "The family thanked the whole team before they went home.",
    "We finally found a plan that worked, and you could see the relief.",
    "Took a few extra minutes to sit down and listen; it made all the difference.",
    "A patient I looked after weeks ago came back to say hello.",
    "Explained something to a student and watched it click.",
    "Good teamwork today, everyone pulled together.",
    "Shared a laugh with a frightened patient and the room changed.",
    "Hard news, but the family said they felt heard.",
    "Small win, but it reminded me why I do this.",
    "A quiet, peaceful end with the family around; I was glad to be part of it.",
    "Someone said I made a difficult day easier for them.",
    "Felt properly useful today.",
)
DRAINING_NOTES = (
    "Could not give this patient the time they needed; that stays with me.",
    "The family was angry with us and I took most of it.",
    "Another death on the shift and no time to pause before the next one.",
    "Felt pushed toward something I did not think was right.",
    "Stayed late again and missed dinner at home.",
    "Was shouted at while trying to help; still shaky.",
    "Too many patients, not enough hands.",
    "I keep replaying the decision we made today.",
    "Hard to switch off after this one.",
    "Asked to cover yet another extra shift and said yes again.",
    "Felt alone with a difficult decision.",
    "Not sure I did enough. Tired of feeling that way.",
)
NEUTRAL_NOTES = (
    "Busy but manageable.",
    "Routine day, nothing stood out.",
    "Long handover, mostly paperwork.",
    "Mixed feelings about how that conversation went.",
    "Tired, but okay.",
    "Hard to tell how that one landed.",
)

# Which tags go with which kind of interaction (relative weights).
FULFILLING_TAGS = {
    "Gratitude": 3.0,
    "Moment of connection": 3.0,
    "Breakthrough": 2.0,
    "Teaching moment": 1.5,
    "Breaking bad news": 0.3,
    "Patient death": 0.2,
}
DRAINING_TAGS = {
    "Moral distress": 2.5,
    "Conflict with family": 2.5,
    "Patient death": 2.0,
    "Boundary strain": 2.0,
    "Breaking bad news": 2.0,
    "Aggression or threat": 1.0,
}
NEUTRAL_TAGS = {
    "Teaching moment": 1.5,
    "Breaking bad news": 0.8,
    "Boundary strain": 0.8,
    "Moment of connection": 0.6,
    "Conflict with family": 0.5,
    "Gratitude": 0.4,
}
# The demo clinician's drift is visible in the tags too.
DRIFT_TAGS = {"Moral distress": 3.0, "Patient death": 2.5, "Boundary strain": 3.0}


@dataclass(frozen=True)
class UnitStyle:
    """What working in a unit tends to feel like: a small shift of the mean and typical tags."""

    name: str
    mean: float
    spread: float
    tag_boosts: dict[str, float] = field(default_factory=dict)


UNITS = (
    UnitStyle("Emergency Department", -0.10, 0.2, {"Aggression or threat": 3.0, "Conflict with family": 1.3}),
    UnitStyle("Intensive Care", -0.15, 0.1, {"Moral distress": 1.6, "Patient death": 1.6, "Breaking bad news": 1.3}),
    UnitStyle("Oncology", 0.0, 0.0, {"Breaking bad news": 2.0, "Moment of connection": 1.3}),
    UnitStyle("Paediatrics", 0.15, 0.0, {"Conflict with family": 1.5, "Breakthrough": 1.3}),
    UnitStyle("Medical Ward", -0.05, 0.0, {"Boundary strain": 1.5, "Teaching moment": 1.3}),
    UnitStyle("Palliative Care", 0.10, -0.1, {"Patient death": 3.0, "Moment of connection": 1.5, "Gratitude": 1.2}),
)

MEMBER_PROFESSIONS = {"nurse": 0.40, "physician": 0.18, "resident": 0.17, "allied health": 0.15, "therapist": 0.10}
SHIFT_WORKERS = frozenset({"nurse", "resident"})
# Parts of the day each shift's entries fall in (weights).
SHIFTS = {
    "day": {"morning": 0.55, "afternoon": 0.45},
    "late": {"afternoon": 0.4, "evening": 0.6},
    "night": {"evening": 0.3, "night": 0.7},
}
LOGGED_HOUR = {"morning": 10, "afternoon": 15, "evening": 20, "night": 23, None: 12}


# ---- the plan: plain data -------------------------------------------------------------------


@dataclass(frozen=True)
class DemoPerson:
    email: str
    display_name: str
    roles: tuple[str, ...]
    profession: str | None
    unit: str | None
    supervisor: str | None  # the supervisor's e-mail


@dataclass(frozen=True)
class DemoEntry:
    email: str
    occurred_on: date
    time_of_day: str | None
    rating: int
    tags: tuple[str, ...]
    felt_trusted: int | None
    showed_humanity: int | None
    note: str | None


@dataclass(frozen=True)
class DemoCheckIn:
    email: str
    submitted_on: date
    brs: tuple[int, ...]
    burnout: int
    load: int


@dataclass(frozen=True)
class DemoPlan:
    units: tuple[str, ...]
    people: tuple[DemoPerson, ...]
    entries: tuple[DemoEntry, ...]
    check_ins: tuple[DemoCheckIn, ...]
    first_day: date


@dataclass(frozen=True)
class Course:
    """How interactions tend to leave one clinician: a baseline mean, a spread, maybe a drift down."""

    baseline: float
    spread: float
    drift_from: date | None = None
    drift_depth: float = 0.0
    # 1: the mean falls steadily until today; 3: it reaches the full depth a third of the way there.
    drift_speed: float = 1.0

    def drift_progress(self, day: date, today: date) -> float:
        """0 before the drift starts, rising to 1 once it has reached its full depth."""
        if self.drift_from is None or day < self.drift_from:
            return 0.0
        span = max(1, (today - self.drift_from).days)
        return min(1.0, (day - self.drift_from).days / span * self.drift_speed)

    def mean_on(self, day: date, today: date) -> float:
        return self.baseline - self.drift_depth * self.drift_progress(day, today)


@dataclass(frozen=True)
class Habits:
    """One clinician's working pattern and logging habits."""

    course: Course
    unit: UnitStyle
    shift_worker: bool
    weekday_work: float  # chance of working a given weekday
    weekend_work: float
    entries_per_day: float  # on a worked weekday; fewer on a weekend
    logs_when_working: float  # chance of logging anything on a worked day
    answers_trust: float
    writes_notes: float
    checks_in: float  # chance of a check-in in a given week; 0 = never
    checkin_weekday: int
    day_to_day: float  # spread of the good-day / bad-day shift of the mean
    resilience: float  # shifts the BRS answers
    burnout_bias: float
    leave: frozenset[date] = frozenset()
    drift_tags: bool = False
    always_crosses_when_drifted: bool = False


def plan_demo(*, people: int = 40, days: int = 90, seed: int = 7, today: date) -> DemoPlan:
    """The whole demo organisation as plain data; the same seed and `today` give the same plan."""
    check_size(people, days)
    rng = random.Random(seed)
    first_day = today - timedelta(days=days - 1)
    units = _units_for(people)
    staff, habits = _staff(rng, people, units, first_day, today)
    entries: list[DemoEntry] = []
    check_ins: list[DemoCheckIn] = []
    for person in staff:
        person_habits = habits.get(person.email)
        if person_habits is None:
            continue
        entries.extend(_history(rng, person, person_habits, first_day, today))
        check_ins.extend(_check_ins(rng, person, person_habits, first_day, today))
    return DemoPlan(
        units=tuple(u.name for u in units),
        people=tuple(staff),
        entries=tuple(entries),
        check_ins=tuple(check_ins),
        first_day=first_day,
    )


def check_size(people: int, days: int) -> None:
    if not isinstance(people, int) or not MIN_PEOPLE <= people <= MAX_PEOPLE:
        raise ValidationError(f"The demo organisation needs between {MIN_PEOPLE} and {MAX_PEOPLE:,} people.")
    if not isinstance(days, int) or not MIN_DAYS <= days <= MAX_DAYS:
        raise ValidationError(f"The demo history needs between {MIN_DAYS} and {MAX_DAYS:,} days.")


def _units_for(people: int) -> tuple[UnitStyle, ...]:
    """4 units for a small demo, 5 for the default 40 people, 6 from 60 people on."""
    count = 4 if people < 30 else 5 if people < 60 else 6
    return UNITS[:count]


def _staff(
    rng: random.Random, people: int, units: tuple[UnitStyle, ...], first_day: date, today: date
) -> tuple[list[DemoPerson], dict[str, Habits]]:
    """Everyone in the organisation, listed so that a supervisor always comes before their reports."""
    seniors = 1 if people < 20 else 2
    names = iter(_names(rng, people - 3))  # the three named accounts have fixed names
    staff: list[DemoPerson] = []
    habits: dict[str, Habits] = {}
    clinician = (Role.CLINICIAN.value,)

    staff.append(DemoPerson(ADMIN_EMAIL, "Robin Hale", (Role.ADMINISTRATOR.value,), None, None, None))

    senior_titles = (("physician", units[0]), ("nurse", units[1]))
    senior_emails = []
    for profession, unit in senior_titles[:seniors]:
        display_name, email = next(names)
        senior_emails.append(email)
        staff.append(DemoPerson(email, display_name, clinician, profession, unit.name, None))
        habits[email] = _habits(rng, profession, unit, first_day, today)

    leads: dict[str, str] = {}
    for index, unit in enumerate(units):
        # Physicians lead every other unit and report to the medical senior; nurses to the nursing one.
        profession = "physician" if index % 2 == 0 else "nurse"
        senior = senior_emails[0] if profession == "physician" else senior_emails[-1]
        display_name, email = next(names)
        leads[unit.name] = email
        staff.append(DemoPerson(email, display_name, clinician, profession, unit.name, senior))
        habits[email] = _habits(rng, profession, unit, first_day, today)

    intensive_care, oncology = units[1], units[2]
    staff.append(
        DemoPerson(
            COORDINATOR_EMAIL,
            "Priya Raman",
            (Role.CLINICIAN.value, Role.COORDINATOR.value),
            "nurse",
            oncology.name,
            leads[oncology.name],
        )
    )
    # The coordinator is doing well: steady, fulfilling work and check-ins inside the normal bands.
    habits[COORDINATOR_EMAIL] = _named_habits(
        Course(baseline=1.0, spread=0.8), oncology, shift_worker=True, resilience=0.5, burnout_bias=-0.5
    )
    staff.append(
        DemoPerson(CLINICIAN_EMAIL, "Sam Okafor", clinician, "nurse", intensive_care.name, leads[intensive_care.name])
    )
    # From about +0.8 to about -1.9 within the first week of the last three weeks, with little
    # day-to-day noise. Measured over 300 seeds: the last 21 days average 2.2 below the days before,
    # and never less than 1.55 below, with 49, 60 or 90 days of history.
    drift = Course(
        baseline=0.8, spread=0.8, drift_from=today - timedelta(days=DRIFT_DAYS - 1), drift_depth=2.7, drift_speed=3.0
    )
    habits[CLINICIAN_EMAIL] = _named_habits(drift, intensive_care, shift_worker=True, drifting=True)

    members = list(names)
    unit_order = list(units)
    rng.shuffle(unit_order)
    professions = list(MEMBER_PROFESSIONS)
    weights = list(MEMBER_PROFESSIONS.values())
    # About one in seven members drifts toward draining, one in eight never checks in, and a few
    # more act as coordinators.
    drifting = set(rng.sample(range(len(members)), round(0.15 * len(members))))
    never_check_in = set(rng.sample(range(len(members)), round(0.12 * len(members))))
    coordinators = set(rng.sample(range(len(members)), max(0, people // 15 - 1)))
    for index, (display_name, email) in enumerate(members):
        unit = unit_order[index % len(unit_order)]
        profession = rng.choices(professions, weights)[0]
        roles = clinician + ((Role.COORDINATOR.value,) if index in coordinators else ())
        staff.append(DemoPerson(email, display_name, roles, profession, unit.name, leads[unit.name]))
        habits[email] = _habits(
            rng, profession, unit, first_day, today, drifting=index in drifting, checks_in=index not in never_check_in
        )
    return staff, habits


def _names(rng: random.Random, count: int) -> list[tuple[str, str]]:
    """`count` distinct (display name, e-mail) pairs, drawn without repeats from the fixed lists."""
    pairs = rng.sample(range(len(FIRST_NAMES) * len(LAST_NAMES)), count)
    names = []
    for pair in pairs:
        first, last = FIRST_NAMES[pair // len(LAST_NAMES)], LAST_NAMES[pair % len(LAST_NAMES)]
        names.append((f"{first} {last}", f"{first.lower()}.{last.lower()}@demo.example"))
    return names


def _habits(
    rng: random.Random,
    profession: str,
    unit: UnitStyle,
    first_day: date,
    today: date,
    *,
    drifting: bool = False,
    checks_in: bool = True,
) -> Habits:
    shift_worker = profession in SHIFT_WORKERS
    baseline = min(1.5, max(-0.6, rng.gauss(0.55, 0.45))) + unit.mean
    spread = rng.uniform(0.9, 1.5) + unit.spread
    course = Course(baseline, spread)
    if drifting:
        days_back = rng.randint(14, min(DRIFT_MAX_DAYS_BACK, (today - first_day).days - 7))
        course = Course(
            baseline, spread, drift_from=today - timedelta(days=days_back), drift_depth=rng.uniform(1.4, 2.4)
        )
    leave: frozenset[date] = frozenset()
    # Some take a holiday, over before any drift can begin so it never hides one.
    latest_leave_start = (today - first_day).days - DRIFT_MAX_DAYS_BACK - LEAVE_MAX_DAYS
    if latest_leave_start > 0 and rng.random() < 0.3:
        start = first_day + timedelta(days=rng.randint(0, latest_leave_start))
        leave = frozenset(start + timedelta(days=d) for d in range(rng.randint(5, LEAVE_MAX_DAYS)))
    return Habits(
        course=course,
        unit=unit,
        shift_worker=shift_worker,
        weekday_work=rng.uniform(0.7, 0.85) if shift_worker else rng.uniform(0.85, 0.95),
        weekend_work=rng.uniform(0.1, 0.25) if shift_worker else rng.uniform(0.0, 0.08),
        entries_per_day=rng.uniform(2.5, 5.0),
        logs_when_working=rng.uniform(0.75, 0.97),
        answers_trust=rng.uniform(0.75, 0.97),
        writes_notes=rng.uniform(0.02, 0.18),
        checks_in=rng.uniform(0.6, 0.95) if checks_in else 0.0,
        checkin_weekday=rng.randrange(5),
        day_to_day=0.3,
        resilience=rng.gauss(0.0, 0.3),
        burnout_bias=rng.gauss(0.0, 0.3),
        leave=leave,
    )


def _named_habits(
    course: Course,
    unit: UnitStyle,
    *,
    shift_worker: bool,
    drifting: bool = False,
    resilience: float = 0.0,
    burnout_bias: float = 0.0,
) -> Habits:
    """The named demo accounts log steadily, so their charts are full and their story is clear."""
    return Habits(
        course=course,
        unit=unit,
        shift_worker=shift_worker,
        weekday_work=0.95,
        weekend_work=0.1,
        entries_per_day=4.0,
        logs_when_working=1.0,
        answers_trust=0.9,
        writes_notes=0.25 if drifting else 0.12,
        checks_in=1.0 if drifting else 0.9,
        checkin_weekday=4,
        day_to_day=0.15,
        resilience=resilience,
        burnout_bias=burnout_bias,
        drift_tags=drifting,
        always_crosses_when_drifted=drifting,
    )


def _history(rng: random.Random, person: DemoPerson, habits: Habits, first_day: date, today: date) -> list[DemoEntry]:
    entries = []
    day = first_day
    while day <= today:
        weekday = day.weekday() < 5
        works = rng.random() < (habits.weekday_work if weekday else habits.weekend_work)
        if day not in habits.leave and works and rng.random() < habits.logs_when_working:
            count = min(8, _poisson(rng, habits.entries_per_day * (1.0 if weekday else 0.6)))
            shift = _shift(rng, habits.shift_worker)
            mean = habits.course.mean_on(day, today) + rng.gauss(0.0, habits.day_to_day)  # good and bad days
            boosts = dict(habits.unit.tag_boosts)
            if habits.drift_tags and habits.course.drift_progress(day, today) > 0:
                for tag, boost in DRIFT_TAGS.items():
                    boosts[tag] = boosts.get(tag, 1.0) * boost
            for _ in range(count):
                entries.append(_entry(rng, person.email, day, shift, mean, habits, boosts))
        day += timedelta(days=1)
    return entries


def _entry(
    rng: random.Random, email: str, day: date, shift: str, mean: float, habits: Habits, boosts: dict[str, float]
) -> DemoEntry:
    rating = max(-3, min(3, round(rng.gauss(mean, habits.course.spread))))
    time_of_day = _weighted(rng, SHIFTS[shift]) if rng.random() > 0.06 else None
    felt_trusted = showed_humanity = None
    if rng.random() < habits.answers_trust:
        felt_trusted = max(0, min(2, round(1.1 + 0.3 * rating + rng.gauss(0.0, 0.55))))
        showed_humanity = max(0, min(2, round(1.0 + 0.25 * rating + rng.gauss(0.0, 0.6))))
    note = None
    if rng.random() < habits.writes_notes:
        note = rng.choice(FULFILLING_NOTES if rating > 0 else DRAINING_NOTES if rating < 0 else NEUTRAL_NOTES)
    return DemoEntry(email, day, time_of_day, rating, _tags(rng, rating, boosts), felt_trusted, showed_humanity, note)


def _tags(rng: random.Random, rating: int, boosts: dict[str, float]) -> tuple[str, ...]:
    if rating == 0:
        base, how_many = NEUTRAL_TAGS, {0: 0.5, 1: 0.4, 2: 0.1}
    elif abs(rating) == 1:
        base, how_many = (FULFILLING_TAGS if rating > 0 else DRAINING_TAGS), {0: 0.25, 1: 0.55, 2: 0.2}
    else:
        base, how_many = (FULFILLING_TAGS if rating > 0 else DRAINING_TAGS), {0: 0.1, 1: 0.45, 2: 0.35, 3: 0.1}
    weights = {tag: weight * boosts.get(tag, 1.0) for tag, weight in base.items()}
    chosen = []
    for _ in range(_weighted(rng, how_many)):
        tag = _weighted(rng, weights)
        chosen.append(tag)
        del weights[tag]
    return tuple(chosen)


def _check_ins(
    rng: random.Random, person: DemoPerson, habits: Habits, first_day: date, today: date
) -> list[DemoCheckIn]:
    """At most one check-in per ISO week, on the person's usual weekday (or the nearest day in range)."""
    if habits.checks_in <= 0:
        return []
    check_ins = []
    monday = first_day - timedelta(days=first_day.weekday())
    while monday <= today:
        submitted_on = min(today, max(first_day, monday + timedelta(days=habits.checkin_weekday)))
        if rng.random() < habits.checks_in:
            mean = habits.course.mean_on(submitted_on, today)
            resilience = 3.3 + 0.45 * mean + habits.resilience + rng.gauss(0.0, 0.2)
            brs = tuple(_brs_answer(rng, resilience, item) for item in range(1, 7))
            burnout = max(1, min(5, round(rng.gauss(2.2 - 0.55 * mean + habits.burnout_bias, 0.5))))
            load = max(0, min(10, round(rng.gauss(4.8 - 1.3 * mean, 1.1))))
            if habits.always_crosses_when_drifted and habits.course.drift_progress(submitted_on, today) >= 0.5:
                # The story the demo tells: once the drift has set in, the check-ins say so too.
                brs = (2, 4, 2, 4, 3, 4) if rng.random() < 0.5 else (2, 4, 2, 3, 2, 4)
                burnout, load = max(burnout, 3), max(load, 8)
            check_ins.append(DemoCheckIn(person.email, submitted_on, brs, burnout, load))
        monday += timedelta(days=7)
    return check_ins


def _brs_answer(rng: random.Random, resilience: float, item: int) -> int:
    """An answer to one BRS statement from a person whose scored answers centre on `resilience`."""
    scored = max(1, min(5, round(rng.gauss(resilience, 0.55))))
    return 6 - scored if item in BRS_REVERSED_ITEMS else scored


def _shift(rng: random.Random, shift_worker: bool) -> str:
    if shift_worker:
        return _weighted(rng, {"day": 0.7, "late": 0.18, "night": 0.12})
    return "late" if rng.random() < 0.05 else "day"


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), list(weights.values()))[0]


def _poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method: fine for the small means of entries per day."""
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


# ---- writing the plan -----------------------------------------------------------------------


def fill_demo(
    db: Session,
    *,
    password: str,
    people: int = 40,
    days: int = 90,
    seed: int = 7,
    reset: bool = False,
    today: date | None = None,
    peer_program: bool = True,
) -> str:
    """Fill an empty database with the demo organisation; with `reset`, replace everything first.
    `peer_program=False` leaves out supporters, requests and conversations (evaluate-program runs
    its own).

    One transaction: on any error nothing is stored. With `reset`, the database is recreated first
    (every table dropped and migrated again: the audit log is append-only, so its rows cannot be
    deleted); an error after that leaves an empty installation. Returns a summary to print.
    """
    password = clean_new_password(password)
    check_size(people, days)
    today = today or datetime.now(UTC).date()  # demo accounts live in UTC
    if not reset and db.scalar(select(Person.id).limit(1)) is not None:
        raise ValidationError(REFUSE_NON_EMPTY)
    plan = plan_demo(people=people, days=days, seed=seed, today=today)
    # argon2id is slow on purpose: hash once, every demo account shares the chosen password.
    password_hash = hash_password(password)
    if reset:
        db.rollback()  # nothing of this session may hold a table while it is dropped
        db.expunge_all()
        recreate(db.get_bind())
    try:
        with action(db, None, Action.FILL_DEMO) as act:
            _write(db, plan, password_hash)
            if peer_program:
                write_peer_support(
                    db, seed=seed, today=today, clinician_email=CLINICIAN_EMAIL, coordinator_email=COORDINATOR_EMAIL
                )
            detail = f"{len(plan.people)} people, {len(plan.units)} units, {days} days, seed {seed}"
            act.done(audit=AuditRecord(AuditKind.DEMO_FILLED, detail=detail))
    except Conflict:
        # Another demo run (or the first sign-up) filled the database between our check and our write.
        if db.scalar(select(Person.id).limit(1)) is not None:
            raise ValidationError(REFUSE_NON_EMPTY) from None
        raise
    return (
        f"Demo organisation ready: {len(plan.people)} people in {len(plan.units)} units, "
        f"{len(plan.entries):,} interactions over {days} days, {len(plan.check_ins):,} check-ins.\n"
        f"Sign in as {ADMIN_EMAIL}, {COORDINATOR_EMAIL} or {CLINICIAN_EMAIL} with the password you chose."
    )


def _write(db: Session, plan: DemoPlan, password_hash: str) -> None:
    tag_ids = _ensure_tags(db)
    unit_ids = _ensure_units(db, plan.units)
    joined = _at(plan.first_day - timedelta(days=1), 9)
    # Trends are cached per person id and data version (account creation time + counter). A reset
    # demo re-creates the same people with the same ids and creation times, so a fresh counter keeps
    # a running app from showing the replaced organisation's cached trends.
    data_version = secrets.randbelow(2**30)
    person_ids: dict[str, int] = {}
    # The plan lists supervisors before their reports; flushing by depth gives each report its id.
    for tier in _by_depth(plan.people):
        rows = []
        for planned in tier:
            person = Person(
                email=planned.email,
                display_name=planned.display_name,
                password_hash=password_hash,
                must_change_password=False,
                profession=planned.profession,
                unit_id=unit_ids[planned.unit] if planned.unit else None,
                supervisor_id=person_ids[planned.supervisor] if planned.supervisor else None,
                created_at=joined,
                data_version=data_version,
            )
            person.roles = [RoleGrant(role=role) for role in planned.roles]
            rows.append(person)
        db.add_all(rows)
        db.flush()
        person_ids.update((p.email, p.id) for p in rows)

    now = datetime.now(UTC)
    interaction_rows = [
        {
            "person_id": person_ids[e.email],
            "occurred_on": e.occurred_on,
            "time_of_day": e.time_of_day,
            "rating": e.rating,
            "felt_trusted": e.felt_trusted,
            "showed_humanity": e.showed_humanity,
            "note": e.note,
            "created_at": min(now, _at(e.occurred_on, LOGGED_HOUR[e.time_of_day])),
        }
        for e in plan.entries
    ]
    if interaction_rows:
        # Core on the table, not the ORM's bulk path: measured for 7,000 rows, INSERT … RETURNING took
        # 0.3 s (SQLite) and 0.9 s (PostgreSQL) against 0.8 s and 1.5 s through the ORM.
        # sort_by_parameter_order makes the ids come back in the order of the rows.
        table = Interaction.__table__
        returning_ids = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        ids = db.execute(returning_ids, interaction_rows).scalars().all()
        links = [
            {"interaction_id": interaction_id, "tag_id": tag_ids[tag]}
            for interaction_id, entry in zip(ids, plan.entries, strict=True)
            for tag in entry.tags
        ]
        if links:
            db.execute(insert(InteractionTag.__table__), links)

    check_in_rows = []
    for planned in plan.check_ins:
        score = score_checkin(CheckInAnswers(brs=planned.brs, burnout=planned.burnout, load=planned.load))
        iso_year, iso_week, _ = planned.submitted_on.isocalendar()
        check_in_rows.append(
            {
                "person_id": person_ids[planned.email],
                "submitted_on": planned.submitted_on,
                "iso_year": iso_year,
                "iso_week": iso_week,
                "brs_answers": ",".join(str(a) for a in planned.brs),
                "brs_score": round(score.brs_score, 4),  # as services.checkins stores it
                "burnout": score.burnout,
                "load": score.load,
                "created_at": min(now, _at(planned.submitted_on, 17)),
            }
        )
    if check_in_rows:
        db.execute(insert(CheckIn.__table__), check_in_rows)


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def _ensure_tags(db: Session) -> dict[str, int]:
    """The curated starting tags (added where missing), by name; an existing tag is reused as it is."""
    existing = {t.name.lower(): t for t in db.scalars(select(Tag))}
    added = [Tag(name=name) for name in DEFAULT_TAGS if name.lower() not in existing]
    db.add_all(added)
    db.flush()
    existing.update((t.name.lower(), t) for t in added)
    return {name: existing[name.lower()].id for name in DEFAULT_TAGS}


def _ensure_units(db: Session, names: tuple[str, ...]) -> dict[str, int]:
    """The demo units; a unit of the same name left in a database without people is reused, open."""
    wanted = [name.lower() for name in names]
    existing = {u.name.lower(): u for u in db.scalars(select(Unit).where(func.lower(Unit.name).in_(wanted)))}
    for unit in existing.values():
        unit.active = True
    added = [Unit(name=name) for name in names if name.lower() not in existing]
    db.add_all(added)
    db.flush()
    existing.update((u.name.lower(), u) for u in added)
    return {name: existing[name.lower()].id for name in names}


def _by_depth(people: tuple[DemoPerson, ...]) -> list[list[DemoPerson]]:
    """People grouped by how far they are from the top of their reporting line."""
    supervisor_of = {p.email: p.supervisor for p in people}
    tiers: dict[int, list[DemoPerson]] = {}
    for person in people:
        depth, current = 0, person.supervisor
        while current is not None:
            depth += 1
            if depth > len(people):
                raise ValueError("the demo plan has a loop in a reporting line")
            current = supervisor_of[current]
        tiers.setdefault(depth, []).append(person)
    return [tiers[d] for d in sorted(tiers)]
