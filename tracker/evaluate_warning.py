"""Measure the early warning on simulated clinicians: false alarms and how fast a real drop is seen.

Each simulated person has their own usual rating per entry and spread, works weekdays (a few
weekend days, a few sick days, about three blocks of leave a year) and logs 0-8 entries on a
working day. Ratings are a normal draw around the person's mean, rounded and clipped to -3..+3.

(a) False alarms: a stable year per person, judged every calendar day as `today` advances; an
    episode is an alarm that starts after the state was not an alarm the day before.
(b) Detection delay: the same person and the same random draws, except that from a random day
    (after at least BASELINE_CALENDAR_DAYS) the mean rating per entry drops so that the expected
    daily balance falls by ONE standard deviation of that person's daily balance. The delay is
    the calendar days from the drop to the first day judged "alarm"; a drop never detected
    counts as an infinite delay, so it raises the percentiles instead of vanishing from them.

The daily judgement replays assess() exactly: trend points are causal (a point depends only on
that day and earlier ones), so one computation per series plus the shared `alarm_now` rule gives
what assess(days_up_to_today, today) would say each day; a unit test checks the equivalence.
"""

from __future__ import annotations

import argparse
import math
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from scipy.optimize import brentq
from scipy.stats import binom, norm

from tracker.warning import MIN_DAYS, DayBalance, alarm_now, trend_points

FALSE_ALARM_BAR = 1.0
MEDIAN_DELAY_BAR = 10.0
DETECTION_HORIZON_DAYS = 60
BASELINE_CALENDAR_DAYS = 120
MAX_ENTRIES = 8
RATINGS = np.arange(-3, 4)
START = date(2024, 1, 1)


@dataclass(frozen=True)
class Person:
    """One simulated clinician's habits; `entries[t]` is how many entries they log on day t."""

    mean_rating: float
    spread: float
    log_chance: float
    entries: np.ndarray
    draws: np.ndarray


@dataclass(frozen=True)
class WarningReport:
    people: int
    years: float
    seed: int
    false_alarms_per_person_year: float
    median_delay_days: float
    p90_delay_days: float
    detected_within_60_days: float

    @property
    def false_alarms_pass(self) -> bool:
        return self.false_alarms_per_person_year <= FALSE_ALARM_BAR

    @property
    def median_delay_pass(self) -> bool:
        return self.median_delay_days <= MEDIAN_DELAY_BAR

    @property
    def passes(self) -> bool:
        return self.false_alarms_pass and self.median_delay_pass


def evaluate(people: int = 200, years: float = 1.0, seed: int = 7) -> WarningReport:
    """Simulate `people` clinicians for `years` each; deterministic for a seed."""
    calendar_days = round(365 * years)
    latest_drop = calendar_days - DETECTION_HORIZON_DAYS
    if latest_drop <= BASELINE_CALENDAR_DAYS:
        raise ValueError(f"Simulate at least {BASELINE_CALENDAR_DAYS + DETECTION_HORIZON_DAYS + 1} days.")
    false_alarms = 0
    delays = []
    for stream in np.random.SeedSequence(seed).spawn(people):
        rng = np.random.default_rng(stream)
        person = simulate_person(rng, calendar_days)
        stable = judge_every_day(daily_balances(person), calendar_days)
        false_alarms += count_episodes(stable)
        drop_day = int(rng.integers(BASELINE_CALENDAR_DAYS, latest_drop + 1))
        dropped = daily_balances(person, drop_day=drop_day, dropped_mean=dropped_mean_rating(person))
        delays.append(first_alarm_delay(judge_every_day(dropped, calendar_days), drop_day))
    delay = np.array(delays, dtype=float)
    return WarningReport(
        people=people,
        years=years,
        seed=seed,
        false_alarms_per_person_year=false_alarms / (people * years),
        median_delay_days=float(np.percentile(delay, 50, method="inverted_cdf")),
        p90_delay_days=float(np.percentile(delay, 90, method="inverted_cdf")),
        detected_within_60_days=float(np.mean(delay <= DETECTION_HORIZON_DAYS)),
    )


def simulate_person(rng: np.random.Generator, calendar_days: int) -> Person:
    """Draw one person's habits and their whole calendar of entry counts and rating noise."""
    mean_rating = float(np.clip(rng.normal(0.5, 0.6), -1.0, 2.0))
    spread = float(rng.uniform(0.8, 1.8))
    log_chance = float(rng.uniform(0.15, 0.6))  # 1.2 to 4.8 entries on an average working day
    weekend_chance = float(rng.uniform(0.0, 0.15))
    weekday = (START.weekday() + np.arange(calendar_days)) % 7
    working = (weekday < 5) & (rng.random(calendar_days) > 0.02)
    working |= (weekday >= 5) & (rng.random(calendar_days) < weekend_chance)
    for _ in range(rng.poisson(3 * calendar_days / 365)):
        first = int(rng.integers(calendar_days))
        working[first : first + int(rng.integers(3, 16))] = False
    entries = np.where(working, rng.binomial(MAX_ENTRIES, log_chance, calendar_days), 0)
    draws = rng.standard_normal(int(entries.sum()))
    return Person(mean_rating, spread, log_chance, entries, draws)


def daily_balances(person: Person, drop_day: int | None = None, dropped_mean: float = 0.0) -> list[DayBalance]:
    """The person's days with entries; from `drop_day` on, ratings centre on `dropped_mean`.

    Both scenarios use the same draws, so before the drop they are the very same series.
    """
    active = np.flatnonzero(person.entries)
    counts = person.entries[active]
    day_of_entry = np.repeat(active, counts)
    mean = np.full(len(day_of_entry), person.mean_rating)
    if drop_day is not None:
        mean[day_of_entry >= drop_day] = dropped_mean
    ratings = np.clip(np.rint(mean + person.spread * person.draws), -3, 3).astype(int)
    sums = np.add.reduceat(ratings, np.concatenate(([0], np.cumsum(counts)[:-1])))
    return [
        DayBalance(START + timedelta(days=int(t)), int(b), int(n))
        for t, b, n in zip(active, sums, counts, strict=False)
    ]


def rating_distribution(mean: float, spread: float) -> np.ndarray:
    """Probabilities of -3..+3 for a normal rating rounded to the nearest step and clipped."""
    edges = np.concatenate(([-np.inf], RATINGS[:-1] + 0.5, [np.inf]))
    return np.diff(norm.cdf((edges - mean) / spread))


def expected_rating(mean: float, spread: float) -> float:
    return float(rating_distribution(mean, spread) @ RATINGS)


def daily_balance_moments(person: Person) -> tuple[float, float]:
    """Exact mean entries and standard deviation of the daily balance over days with entries."""
    counts = np.arange(1, MAX_ENTRIES + 1)
    weight = binom.pmf(counts, MAX_ENTRIES, person.log_chance)
    weight /= weight.sum()
    probabilities = rating_distribution(person.mean_rating, person.spread)
    rating_mean = float(probabilities @ RATINGS)
    rating_var = float(probabilities @ (RATINGS - rating_mean) ** 2)
    mean_entries = float(weight @ counts)
    var_entries = float(weight @ (counts - mean_entries) ** 2)
    return mean_entries, math.sqrt(mean_entries * rating_var + var_entries * rating_mean**2)


def dropped_mean_rating(person: Person) -> float:
    """The mean rating per entry at which the expected daily balance is one SD lower.

    Solved on the rounded and clipped scale, so clipping at -3 cannot shrink the drop.
    """
    mean_entries, balance_sd = daily_balance_moments(person)
    target = expected_rating(person.mean_rating, person.spread) - balance_sd / mean_entries
    return brentq(lambda m: expected_rating(m, person.spread) - target, -30.0, person.mean_rating)


def judge_every_day(days: list[DayBalance], calendar_days: int) -> np.ndarray:
    """Alarm or not on each calendar day, as assess() would say with only the data known then."""
    points = trend_points(days)
    alarms = np.zeros(calendar_days, dtype=bool)
    latest = -1
    for t in range(calendar_days):
        today = START + timedelta(days=t)
        while latest + 1 < len(points) and points[latest + 1].day <= today:
            latest += 1
        alarms[t] = latest + 1 >= MIN_DAYS and alarm_now(points[latest], today)
    return alarms


def count_episodes(alarms: np.ndarray) -> int:
    """Alarms that start on a day after a day without alarm (or on the first day)."""
    return int(alarms[0]) + int(np.sum(alarms[1:] & ~alarms[:-1]))


def first_alarm_delay(alarms: np.ndarray, drop_day: int) -> float:
    hits = np.flatnonzero(alarms[drop_day:])
    return float(hits[0]) if len(hits) else math.inf


def format_report(r: WarningReport) -> str:
    def verdict(ok: bool) -> str:
        return "PASS" if ok else "FAIL"

    return "\n".join(
        [
            f"early-warning evaluation: {r.people} simulated people, {r.years:g} year(s) each, seed {r.seed}",
            f"false alarms per person-year: {r.false_alarms_per_person_year:.2f} "
            f"(bar ≤ {FALSE_ALARM_BAR:g}) {verdict(r.false_alarms_pass)}",
            f"median detection delay: {_days(r.median_delay_days)} (bar ≤ {MEDIAN_DELAY_BAR:g}) "
            f"{verdict(r.median_delay_pass)}",
            f"90th percentile delay: {_days(r.p90_delay_days)}",
            f"detected within {DETECTION_HORIZON_DAYS} days: {r.detected_within_60_days:.0%}",
        ]
    )


def _days(value: float) -> str:
    return "never (not detected)" if math.isinf(value) else f"{value:g} days"


def main(argv: list[str] | None = None) -> int:
    """Print the report; exit 0 only if both bars pass."""
    parser = argparse.ArgumentParser(prog="python -m tracker evaluate-warning", description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--years", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    report = evaluate(people=args.people, years=args.years, seed=args.seed)
    print(format_report(report))
    return 0 if report.passes else 1


if __name__ == "__main__":
    raise SystemExit(main())
