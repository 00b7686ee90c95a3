from dataclasses import replace
from datetime import timedelta

import numpy as np
import pytest

from tracker.evaluate_warning import (
    START,
    WarningReport,
    daily_balance_moments,
    daily_balances,
    dropped_mean_rating,
    evaluate,
    expected_rating,
    format_report,
    judge_every_day,
    main,
    simulate_person,
)
from tracker.warning import assess


@pytest.fixture(scope="module")
def small_run() -> WarningReport:
    return evaluate(people=40, years=1.0, seed=7)


def test_small_run_meets_the_loose_bars(small_run):
    assert small_run.false_alarms_per_person_year <= 1.5
    assert small_run.median_delay_days <= 12
    assert small_run.detected_within_60_days >= 0.9


def test_same_seed_gives_the_same_report():
    assert evaluate(people=10, years=1.0, seed=7) == evaluate(people=10, years=1.0, seed=7)
    assert evaluate(people=5, years=1.0, seed=8) != evaluate(people=5, years=1.0, seed=9)


def test_daily_replay_matches_assess_called_every_day():
    """The evaluation's one-pass replay must say what assess() says each day with the data known then."""
    person = simulate_person(np.random.default_rng(3), 200)
    days = daily_balances(person, drop_day=90, dropped_mean=dropped_mean_rating(person))
    replay = judge_every_day(days, 200)
    for t in range(200):
        today = START + timedelta(days=t)
        known = [d for d in days if d.day <= today]
        assert (assess(known, today).status == "alarm") == replay[t], t
    assert replay.any()


def test_simulated_drop_is_one_sd_of_the_daily_balance():
    person = simulate_person(np.random.default_rng(5), 365)
    mean_entries, balance_sd = daily_balance_moments(person)
    before = expected_rating(person.mean_rating, person.spread) * mean_entries
    after = expected_rating(dropped_mean_rating(person), person.spread) * mean_entries
    assert before - after == pytest.approx(balance_sd)


def test_simulated_person_works_mostly_weekdays_with_0_to_8_entries():
    person = simulate_person(np.random.default_rng(1), 365)
    weekdays = np.array([(START + timedelta(days=t)).weekday() for t in range(365)])
    assert person.entries.min() == 0 and person.entries.max() <= 8
    assert (person.entries[weekdays < 5] > 0).mean() > 3 * (person.entries[weekdays >= 5] > 0).mean()
    ratings_fit = all(abs(d.balance) <= 3 * d.entries for d in daily_balances(person))
    assert ratings_fit


def test_report_marks_each_bar(small_run):
    good = replace(small_run, false_alarms_per_person_year=0.31, median_delay_days=7.0, p90_delay_days=14.0)
    text = format_report(good)
    assert "false alarms per person-year: 0.31 (bar ≤ 1) PASS" in text
    assert "median detection delay: 7 days (bar ≤ 10) PASS" in text
    assert "90th percentile delay: 14 days" in text
    bad = replace(good, false_alarms_per_person_year=1.2, median_delay_days=float("inf"))
    assert "(bar ≤ 1) FAIL" in format_report(bad)
    assert "median detection delay: never (not detected) (bar ≤ 10) FAIL" in format_report(bad)
    assert good.passes and not bad.passes


def test_main_exit_code_follows_the_bars(capsys):
    code = main(["--people", "3", "--years", "0.6", "--seed", "2"])
    out = capsys.readouterr().out
    assert "false alarms per person-year" in out
    assert code == (0 if out.count("PASS") == 2 else 1)


def test_too_short_a_simulation_is_refused():
    with pytest.raises(ValueError):
        evaluate(people=1, years=0.4)
