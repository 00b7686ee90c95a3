import random
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.errors import ValidationError
from tracker.warning import (
    MIN_DAYS,
    MONITOR_DAYS,
    STALE_AFTER_DAYS,
    DayBalance,
    assess,
    trend_points,
)

MONDAY = date(2024, 1, 1)
USUAL = [2, 4, 3, 1, 5, 3, 2, 4]  # a person whose days wobble around +3 with 2 entries each


def working_days(count: int, start: date = MONDAY) -> list[date]:
    """Consecutive weekdays: weekends have no entries, as for most clinicians."""
    days, day = [], start
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def series(balances: list[int], entries: int = 2, start: date = MONDAY) -> list[DayBalance]:
    return [DayBalance(d, b, entries) for d, b in zip(working_days(len(balances), start), balances, strict=False)]


def usual(count: int) -> list[int]:
    return [USUAL[i % len(USUAL)] for i in range(count)]


def statuses_day_by_day(days: list[DayBalance], until: date) -> dict[date, str]:
    out, today = {}, days[0].day
    while today <= until:
        out[today] = assess([d for d in days if d.day <= today], today).status
        today += timedelta(days=1)
    return out


def test_flat_series_never_alarms():
    days = series(usual(150))
    assert "alarm" not in statuses_day_by_day(days, days[-1].day + timedelta(days=20)).values()


def test_clear_drop_alarms_within_three_working_days():
    days = series(usual(60) + [-4] * 10)
    drop = days[60].day
    first_alarm = min(d for d, s in statuses_day_by_day(days, days[-1].day).items() if s == "alarm")
    assert drop <= first_alarm <= days[62].day
    result = assess(days, days[-1].day)
    assert result.status == "alarm"
    assert "more draining than usual" in result.reason
    assert result.points[-1].smoothed < result.lower_limit < result.baseline


def test_fewer_than_20_days_is_insufficient():
    days = series(usual(MIN_DAYS - 1))
    result = assess(days, days[-1].day)
    assert result.status == "insufficient"
    assert result.reason == "We need at least 20 days with entries to know your usual pattern; you have 19."
    assert result.baseline is None and result.lower_limit is None
    assert len(result.points) == MIN_DAYS - 1


def test_twenty_days_are_enough():
    days = series(usual(MIN_DAYS))
    result = assess(days, days[-1].day)
    assert result.status == "ok"
    assert result.baseline is not None and result.lower_limit < result.baseline


def test_stale_data_does_not_alarm():
    days = series(usual(60) + [-4] * 10)
    last = days[-1].day
    assert assess(days, last + timedelta(days=STALE_AFTER_DAYS)).status == "alarm"
    stale = assess(days, last + timedelta(days=STALE_AFTER_DAYS + 1))
    assert stale.status == "ok"
    assert f"{STALE_AFTER_DAYS + 1} days ago" in stale.reason


def test_long_gap_does_not_alarm_and_does_not_move_the_line():
    before, after = series(usual(60)), series(usual(30)[::-1], start=MONDAY + timedelta(days=200))
    days = before + after
    statuses = statuses_day_by_day(days, days[-1].day)
    assert "alarm" not in statuses.values()
    without_gap = series(usual(60) + usual(30)[::-1])
    assert [p.smoothed for p in trend_points(days)] == [p.smoothed for p in trend_points(without_gap)]


def test_points_cover_every_input_day_in_date_order():
    days = series(usual(45))
    shuffled = random.Random(3).sample(days, len(days))
    result = assess(shuffled, days[-1].day)
    assert [p.day for p in result.points] == [d.day for d in days]
    assert [p.balance for p in result.points] == [d.balance for d in days]
    assert all(p.baseline is None for p in result.points[: MIN_DAYS - 1])
    assert all(p.baseline is not None for p in result.points[MIN_DAYS - 1 :])


def test_days_after_today_are_left_out():
    days = series(usual(60) + [-4] * 10)
    today = days[59].day
    assert assess(days, today) == assess(days[:60], today)


def test_fewer_entries_with_the_usual_ratings_do_not_alarm():
    """A quieter week (fewer entries, same kind of ratings) is not a worse week."""
    busy = [DayBalance(d, 6, 4) for d in working_days(60)]
    quiet = [DayBalance(d, 2, 1) for d in working_days(10, start=busy[-1].day + timedelta(days=3))]
    assert assess(busy + quiet, quiet[-1].day).status == "ok"


def test_duplicate_day_is_refused():
    days = series(usual(25))
    with pytest.raises(ValidationError, match="twice"):
        assess(days + [days[3]], days[-1].day)


@pytest.mark.parametrize("bad", [DayBalance(MONDAY, 0, 0), DayBalance(MONDAY, 7, 2)])
def test_impossible_day_is_refused(bad):
    with pytest.raises(ValidationError):
        assess([bad], MONDAY)


def test_empty_input_is_insufficient():
    result = assess([], MONDAY)
    assert result.status == "insufficient" and result.points == () and result.days_with_entries == 0


def day_balances(min_size=MIN_DAYS, max_size=60):
    """Days with entries on random dates (gaps of 1 to 20 days) and any possible balance."""
    day = st.tuples(st.integers(1, 20), st.integers(1, 8), st.integers(-24, 24))
    return st.lists(day, min_size=min_size, max_size=max_size).map(_as_days)


def _as_days(raw: list[tuple[int, int, int]]) -> list[DayBalance]:
    out, day = [], MONDAY
    for gap, entries, balance in raw:
        day += timedelta(days=gap)
        out.append(DayBalance(day, max(-3 * entries, min(balance, 3 * entries)), entries))
    return out


@given(
    rating=st.integers(-3, 3),
    counts=st.lists(st.integers(1, 8), min_size=MIN_DAYS, max_size=60),
)
@settings(max_examples=40, deadline=None)
def test_same_rating_every_entry_never_alarms(rating, counts):
    days = [DayBalance(d, rating * n, n) for d, n in zip(working_days(len(counts)), counts, strict=False)]
    assert assess(days, days[-1].day).status == "ok"


@given(
    days=day_balances(min_size=MIN_DAYS + MONITOR_DAYS), lift=st.integers(1, 24), recent=st.integers(1, MONITOR_DAYS)
)
@settings(max_examples=40, deadline=None)
def test_raising_the_most_recent_days_never_creates_an_alarm(days, lift, recent):
    raised = days[:-recent] + [
        DayBalance(d.day, min(d.balance + lift, 3 * d.entries), d.entries) for d in days[-recent:]
    ]
    today = days[-1].day
    if assess(days, today).status == "ok":
        assert assess(raised, today).status == "ok"


@given(days=day_balances(), seed=st.integers(0, 1000))
@settings(max_examples=30, deadline=None)
def test_result_does_not_depend_on_input_order(days, seed):
    shuffled = random.Random(seed).sample(days, len(days))
    today = days[-1].day + timedelta(days=seed % 20)
    assert assess(shuffled, today) == assess(days, today)


@given(days=day_balances(), extra_gap=st.integers(1, 365), at=st.integers(1, MIN_DAYS - 1))
@settings(max_examples=30, deadline=None)
def test_a_gap_only_moves_dates_never_the_judgement(days, extra_gap, at):
    later = days[:at] + [DayBalance(d.day + timedelta(days=extra_gap), d.balance, d.entries) for d in days[at:]]
    original = assess(days, days[-1].day)
    moved = assess(later, later[-1].day)
    assert moved.status == original.status
    assert [(p.smoothed, p.lower_limit) for p in moved.points] == [(p.smoothed, p.lower_limit) for p in original.points]
