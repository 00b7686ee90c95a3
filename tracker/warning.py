"""Private early warning: is the person's recent balance clearly below their own usual pattern?

Method: an EWMA control chart from statistical process control (Roberts 1959; Lucas & Saccucci
1990, Technometrics 32:1-12) with lambda = 0.25 and a one-sided LOWER limit at L = 2.8 standard
deviations of the EWMA. Pure: the caller passes the daily balances and `today`.

The settings sit inside the published ranges (lambda 0.05-0.25 and L about 2.7-3.0 in Lucas &
Saccucci's tables; Montgomery, Introduction to Statistical Quality Control, ch. 9) and were chosen
by measurement against the product's two bars, at most 1 false alarm per person-year and a median
delay of at most 10 days after a one-SD drop (300 simulated people, seed 7):

    lambda 0.20, L 3.0: 0.55 false alarms, median 11 days  (misses the delay bar)
    lambda 0.20, L 2.8: 0.78 false alarms, median 10 days  (no margin)
    lambda 0.25, L 2.8: 0.84 false alarms, median  9 days  <- used
    lambda 0.30, L 2.8: 0.89 false alarms, median  9 days
    lambda 0.40, L 3.0: 0.65 false alarms, median 11 days

Decisions, each measured with `python -m tracker evaluate-warning` (tracker/evaluate_warning.py):

* Only days WITH entries exist here. The EWMA advances one step per day with entries and does not
  move on days without any (weekends, leave, days the person did not log). Inventing a zero for
  those days would drag the line towards "neutral" and turn every holiday into a signal, so a
  long gap changes nothing by itself.
* The line is the plain EWMA of the daily balance, but the judgement is count-adjusted: the
  baseline is the person's usual rating per entry times their (smoothed) recent number of
  entries, and the spread is that of `balance - entries * usual rating per entry` on baseline
  days. A busy day with many mildly fulfilling entries is not a better day, and a quiet day is not
  a worse one. It is also the most sensitive daily statistic for a drop in the rating per entry
  (it weighs each day by its entries). Measured (600 simulated people, seed 7): median detection
  delay 11 days with the adjustment, 13 days on the raw daily sum and 13 on the per-entry mean,
  at 0.56, 0.36 and 0.55 false alarms per person-year.
* Baseline: the person's own days with entries BEFORE a monitoring window of the latest 15 days
  with entries (about three working weeks), at most 120 of them (about six months). The EWMA
  keeps 0.75**15 = 1.3 % of its weight beyond the window, so the baseline is not contaminated by
  the change it should detect, and it follows slow changes in life (a new job) within months.
  While history is short the monitoring window shrinks so the baseline always has MIN_DAYS days.
* Estimates are the plain mean (ratio of sums) and standard deviation. The median/MAD were
  measured and rejected: with a varying number of entries a day the daily values are a scale
  mixture, the MAD understates the spread the EWMA actually averages: false alarms went from 0.56
  to 1.01 per person-year (over the bar) to gain one day of median delay.
* Sigma of the EWMA is the asymptotic sigma * sqrt(lambda / (2 - lambda)); after the MIN_DAYS
  steps needed before any judgement, the exact time-varying factor differs from it by < 0.1 %.
* The spread has a floor of one rating step, so a person who always rates alike is not alarmed
  by a single ordinary day.
* What lambda = 0.2 and L = 3 would allow: even knowing each simulated person's true mean and spread,
  this chart's median delay for a one-SD drop is 10 days (0.27 false alarms per person-year),
  because people log on about 0.6 of calendar days. Estimating from the person's own history
  costs one day more; window lengths (monitoring 10-25, baseline 60-250 days) changed nothing
  measurable.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

import numpy as np

from tracker.errors import ValidationError

MIN_DAYS = 20
LAMBDA = 0.25
L = 2.8
MONITOR_DAYS = 15
BASELINE_MAX_DAYS = 120
STALE_AFTER_DAYS = 14
MIN_SPREAD = 1.0
MAX_RATING = 3

# Asymptotic standard deviation of the EWMA in units of the daily spread (Lucas & Saccucci 1990).
EWMA_SIGMA_FACTOR = math.sqrt(LAMBDA / (2 - LAMBDA))


@dataclass(frozen=True)
class DayBalance:
    """One local date with at least one entry: the sum of its signed ratings and how many there were."""

    day: date
    balance: int
    entries: int


@dataclass(frozen=True)
class TrendPoint:
    day: date
    balance: int
    smoothed: float
    baseline: float | None
    lower_limit: float | None


@dataclass(frozen=True)
class Assessment:
    status: Literal["ok", "alarm", "insufficient"]
    reason: str
    points: tuple[TrendPoint, ...]
    baseline: float | None
    lower_limit: float | None
    days_with_entries: int


def assess(days: Sequence[DayBalance], today: date) -> Assessment:
    """Judge the person's current state against their own earlier weeks.

    Every day up to `today` gets a chart point; a day dated after `today` cannot have happened
    yet and is left out, so the answer for a given `today` never depends on later data.
    """
    known = _checked(days, today)
    points = trend_points(known)
    count = len(points)
    if count < MIN_DAYS:
        return Assessment(
            status="insufficient",
            reason=(f"We need at least {MIN_DAYS} days with entries to know your usual pattern; you have {count}."),
            points=points,
            baseline=None,
            lower_limit=None,
            days_with_entries=count,
        )
    latest = points[-1]
    return Assessment(
        status="alarm" if alarm_now(latest, today) else "ok",
        reason=_reason(latest, today),
        points=points,
        baseline=latest.baseline,
        lower_limit=latest.lower_limit,
        days_with_entries=count,
    )


def alarm_now(latest: TrendPoint, today: date) -> bool:
    """The one alarm rule: the latest smoothed balance is below its limit, and the data is recent.

    Stale data (last entry more than STALE_AFTER_DAYS ago) never alarms: it says nothing about now.
    """
    if latest.lower_limit is None or _days_since(latest, today) > STALE_AFTER_DAYS:
        return False
    return latest.smoothed < latest.lower_limit


def trend_points(days: Sequence[DayBalance]) -> tuple[TrendPoint, ...]:
    """Chart points for days sorted by date, each computed only from that day and earlier ones.

    Being causal is what lets the evaluation replay a year day by day from one computation.
    """
    if not days:
        return ()
    balance = np.array([d.balance for d in days], dtype=np.int64)
    entries = np.array([d.entries for d in days], dtype=np.int64)
    smoothed_balance = ewma(balance)
    smoothed_entries = ewma(entries)
    per_entry, spread = _baselines(balance, entries)
    points = []
    for i, d in enumerate(days):
        if math.isnan(per_entry[i]):
            baseline = lower = None
        else:
            baseline = float(per_entry[i] * smoothed_entries[i])
            lower = baseline - L * float(spread[i]) * EWMA_SIGMA_FACTOR
        points.append(TrendPoint(d.day, d.balance, float(smoothed_balance[i]), baseline, lower))
    return tuple(points)


def ewma(values: np.ndarray) -> np.ndarray:
    """z_i = lambda * x_i + (1 - lambda) * z_(i-1), starting at the first value.

    Starting at the first value instead of a baseline mean matters only for the first few days,
    which are never judged (MIN_DAYS), and keeps every point computable without a baseline.
    """
    smoothed = np.empty(len(values), dtype=float)
    level = float(values[0])
    for i, value in enumerate(values):
        level = LAMBDA * float(value) + (1 - LAMBDA) * level
        smoothed[i] = level
    return smoothed


def baseline_window(count: int) -> tuple[int, int]:
    """Half-open index range of the baseline days for the point at index `count - 1`.

    The baseline ends before the latest MONITOR_DAYS days; while history is short, the monitoring
    window shrinks so that the baseline always holds at least MIN_DAYS days.
    """
    monitored = min(MONITOR_DAYS, max(count - MIN_DAYS, 0))
    end = count - monitored
    return max(end - BASELINE_MAX_DAYS, 0), end


def _baselines(balance: np.ndarray, entries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per point: usual rating per entry and the spread of count-adjusted daily balances.

    Computed from running sums, so the whole series costs O(days). NaN where fewer than
    MIN_DAYS days exist yet.
    """
    n = len(balance)

    def running(values: np.ndarray) -> np.ndarray:
        return np.concatenate(([0], np.cumsum(values)))

    sum_b, sum_n = running(balance), running(entries)
    sum_bb, sum_bn, sum_nn = running(balance * balance), running(balance * entries), running(entries * entries)
    per_entry = np.full(n, np.nan)
    spread = np.full(n, np.nan)
    for i in range(MIN_DAYS - 1, n):
        lo, hi = baseline_window(i + 1)
        rate = (sum_b[hi] - sum_b[lo]) / (sum_n[hi] - sum_n[lo])
        # Residuals balance - rate * entries sum to zero by construction of `rate`.
        squares = (sum_bb[hi] - sum_bb[lo]) - 2 * rate * (sum_bn[hi] - sum_bn[lo]) + rate**2 * (sum_nn[hi] - sum_nn[lo])
        sd = math.sqrt(max(squares, 0.0) / (hi - lo - 1))
        per_entry[i] = rate
        spread[i] = max(sd, MIN_SPREAD)
    return per_entry, spread


def _checked(days: Sequence[DayBalance], today: date) -> list[DayBalance]:
    """Sort by date, leave out days after today, and refuse input no real log could produce."""
    known = sorted((d for d in days if d.day <= today), key=lambda d: d.day)
    for previous, current in zip(known, known[1:], strict=False):
        if previous.day == current.day:
            raise ValidationError(f"The daily balances list {current.day.isoformat()} twice.")
    for d in known:
        if isinstance(d.entries, bool) or not isinstance(d.entries, int) or d.entries < 1:
            raise ValidationError(f"{d.day.isoformat()} is listed without entries; only days with entries count.")
        if isinstance(d.balance, bool) or not isinstance(d.balance, int) or abs(d.balance) > MAX_RATING * d.entries:
            raise ValidationError(f"The balance of {d.day.isoformat()} does not fit its {d.entries} entries.")
    return known


def _days_since(point: TrendPoint, today: date) -> int:
    return (today - point.day).days


def _reason(latest: TrendPoint, today: date) -> str:
    """Gentle plain words for the person alone: what we see, never a diagnosis."""
    since = _days_since(latest, today)
    if since > STALE_AFTER_DAYS:
        return (
            f"Your last entry was {since} days ago, so there is nothing recent to compare with your "
            "usual pattern. Time away does not count against you."
        )
    if alarm_now(latest, today):
        return "Your recent days have been clearly more draining than usual for you."
    if latest.smoothed >= latest.baseline:
        return "Your recent days are at or above your usual balance."
    return "Your recent days are a little below your usual balance, within your normal ups and downs."
