"""evaluate-program, run small: the outcomes table and the command line give the simulation's truth."""

from __future__ import annotations

from tracker.evaluate_program import main, simulate


def test_small_program_matches_its_ground_truth():
    figures = simulate(people=60, days=60, seed=3, effect_range=(0.5, 0.5))
    assert figures.matches
    assert figures.requests > 0 and figures.met == figures.requests
    assert figures.median_load_ratio is not None and 0.4 <= figures.median_load_ratio <= 0.6
    assert 2 <= figures.median_hours_to_match <= 30


def test_command_prints_the_figures_and_exits_zero(capsys):
    assert main(["--people", "40", "--days", "60", "--seed", "5"]) == 0
    printed = capsys.readouterr().out
    assert "requests per 100 clinicians per month" in printed and "match the simulation: yes" in printed
