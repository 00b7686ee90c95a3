"""My trends and the early warning, aggregated in SQL, on both databases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event

from tests.conftest import token
from tracker.domain import InteractionDraft
from tracker.errors import NotAllowed
from tracker.queries import entries, trends
from tracker.scoring import CheckInAnswers
from tracker.services import checkins, interactions


def log(db, actor, days_ago: int, rating: int, *, time_of_day="morning", tag_ids=()):
    interactions.log(
        db,
        actor,
        InteractionDraft(
            token=token(),
            occurred_on=actor.today() - timedelta(days=days_ago),
            rating=rating,
            time_of_day=time_of_day,
            tag_ids=tuple(tag_ids),
        ),
    )


def test_empty_history_gives_empty_trends_and_no_warning(db, clinician):
    data = trends.my_trends(db, clinician, days=90)
    assert data.empty
    warning = trends.early_warning(db, clinician)
    assert not warning.prompt
    assert "20 days" in warning.note


def test_daily_balance_sums_ratings_per_day(db, clinician):
    log(db, clinician, 0, 2)
    log(db, clinician, 0, -3)
    log(db, clinician, 1, 1)
    daily = trends.my_trends(db, clinician, days=30).daily
    assert list(daily["balance"]) == [1, -1]
    assert list(daily["entries"]) == [1, 2]
    assert list(daily["fulfilling"]) == [1, 1] and list(daily["draining"]) == [0, 1]


def test_period_limits_rows_but_trend_uses_whole_history(db, clinician):
    log(db, clinician, 200, 3)
    log(db, clinician, 5, -1)
    assert len(trends.my_trends(db, clinician, days=30).daily) == 1
    assert len(trends.my_trends(db, clinician, days=None).daily) == 2


def test_weekly_split_counts_fulfilling_and_draining(db, clinician):
    for rating in (2, 3, -1):
        log(db, clinician, 0, rating)
    weekly = trends.my_trends(db, clinician, days=30).weekly
    assert weekly[["fulfilling", "draining"]].sum().tolist() == [2, 1]


def test_tags_with_fewer_than_three_entries_are_not_ranked(db, clinician):
    gratitude, death = entries.tag_options(db)[:2]
    for _ in range(3):
        log(db, clinician, 1, 3, tag_ids=[gratitude.id])
    log(db, clinician, 1, -3, tag_ids=[death.id])
    tags = trends.my_trends(db, clinician, days=30).tags.set_index("tag")
    assert tags.loc[gratitude.name, "ranked"] and tags.loc[gratitude.name, "mean_rating"] == 3
    assert not tags.loc[death.name, "ranked"]


def test_weekday_time_pattern_is_mean_rating(db, clinician):
    log(db, clinician, 7, 3, time_of_day="night")
    log(db, clinician, 7, -1, time_of_day="night")
    pattern = trends.my_trends(db, clinician, days=30).pattern
    [row] = pattern.to_dict("records")
    assert row["time_of_day"] == "night" and row["mean_rating"] == 1 and row["entries"] == 2


def test_someone_elses_entries_never_appear(db, clinician, make_person):
    other = make_person("Olly Other")
    log(db, other, 0, -3)
    assert trends.my_trends(db, clinician, days=None).empty


def test_only_clinicians_have_trends(db, make_person):
    boss = make_person("Abe Admin", roles=("administrator",))
    with pytest.raises(NotAllowed):
        trends.my_trends(db, boss, days=30)
    with pytest.raises(NotAllowed):
        trends.early_warning(db, boss)


def test_recent_low_check_in_prompts_a_conversation(db, clinician):
    checkins.submit(db, clinician, token=token(), answers=CheckInAnswers(brs=(2, 4, 2, 4, 2, 4), burnout=3, load=8))
    warning = trends.early_warning(db, clinician)
    assert warning.prompt
    assert any("resilience" in r for r in warning.reasons) and any("burnout" in r for r in warning.reasons)


def test_a_clear_drop_below_baseline_prompts_a_conversation(db, clinician):
    for days_ago in range(70, 0, -1):
        day = clinician.today() - timedelta(days=days_ago)
        if day.weekday() < 5:
            for rating in (2, 1, 2) if days_ago > 12 else (-2, -3, -2):
                log(db, clinician, days_ago, rating)
    warning = trends.early_warning(db, clinician)
    assert warning.prompt and warning.reasons


def test_trend_queries_return_aggregates_not_raw_rows(db, engine, clinician):
    """The database sends one row per day, not one per entry."""
    for _ in range(12):
        log(db, clinician, 0, 1)
    fetched = []
    listen = lambda conn, cursor, statement, params, context, executemany: fetched.append(statement)  # noqa: E731
    event.listen(engine, "after_cursor_execute", listen)
    try:
        data = trends.my_trends(db, clinician, days=30)
    finally:
        event.remove(engine, "after_cursor_execute", listen)
    assert list(data.daily["entries"]) == [12]
    interaction_reads = [s for s in fetched if "FROM interactions" in s]
    assert interaction_reads and all("GROUP BY" in s for s in interaction_reads)
