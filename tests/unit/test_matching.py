import math

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker import matching
from tracker.matching import greedy_pairs, optimal_pairs, prepared_costs

INF = math.inf
NAN = math.nan


def total(score: np.ndarray, pairs: list[tuple[int, int]]) -> float:
    return float(sum(score[i, j] for i, j in pairs))


def oracle(score: np.ndarray, capacity: list[int]) -> tuple[int, float]:
    """networkx's blossom matching on the capacity-expanded graph: (pairs, total score).

    Only allowed cells become edges. Weights are shifted to be positive; with the number of pairs
    fixed by maxcardinality=True, a common shift changes every candidate's total alike.
    """
    seekers, supporters = score.shape
    allowed = np.isfinite(score)
    shift = 1.0 - float(score[allowed].min()) if allowed.any() else 0.0
    graph = nx.Graph()
    for i in range(seekers):
        for j in range(supporters):
            if allowed[i, j]:
                for place in range(min(capacity[j], seekers)):
                    graph.add_edge(("seeker", i), ("place", j, place), weight=float(score[i, j]) + shift)
    matching = nx.max_weight_matching(graph, maxcardinality=True)
    pairs = [(a[1], b[1]) if a[0] == "seeker" else (b[1], a[1]) for a, b in matching]
    return len(pairs), total(score, pairs)


def assert_follows_the_rules(score: np.ndarray, capacity: list[int], pairs: list[tuple[int, int]]) -> None:
    seekers = [i for i, _ in pairs]
    assert seekers == sorted(seekers), "pairs are sorted by seeker"
    assert len(set(seekers)) == len(seekers), "each seeker at most once"
    for i, j in pairs:
        assert type(i) is int and type(j) is int
        assert np.isfinite(score[i, j]), f"forbidden pair {(i, j)} proposed"
    for j, places in enumerate(capacity):
        assert sum(1 for _, s in pairs if s == j) <= places, f"supporter {j} over capacity"


@st.composite
def instances(draw, max_seekers: int = 6, max_supporters: int = 5) -> tuple[np.ndarray, list[int]]:
    seekers = draw(st.integers(0, max_seekers))
    supporters = draw(st.integers(0, max_supporters))
    cell = st.one_of(
        st.floats(-10, 10, allow_nan=False, allow_infinity=False),
        st.integers(-3, 3).map(float),  # ties, which are where greedy and tie-breaking go wrong
        st.sampled_from([-INF, NAN]),
    )
    score = np.array(draw(st.lists(cell, min_size=seekers * supporters, max_size=seekers * supporters)))
    capacity = draw(st.lists(st.integers(0, 3), min_size=supporters, max_size=supporters))
    return score.reshape(seekers, supporters), capacity


@settings(max_examples=150, deadline=None)
@given(instances())
def test_optimal_pairs_match_the_most_seekers_then_the_best_total(instance):
    score, capacity = instance
    pairs = optimal_pairs(score, capacity)
    assert_follows_the_rules(score, capacity, pairs)
    count, best = oracle(score, capacity)
    assert len(pairs) == count
    assert total(score, pairs) == pytest.approx(best, abs=1e-6)


@settings(max_examples=100, deadline=None)
@given(instances(max_seekers=9), st.integers(1, 4))
def test_banded_and_threaded_preparation_matches_the_oracle(instance, band_rows):
    """Small bands and the two-thread split forced on small matrices: the path 2,000 x 2,000 takes."""
    score, capacity = instance
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(matching, "BAND_ROWS", band_rows)
        patch.setattr(matching, "THREADED_CELLS", 0)
        patch.setattr(matching.os, "cpu_count", lambda: 2)
        pairs = optimal_pairs(score, capacity)
    assert_follows_the_rules(score, capacity, pairs)
    count, best = oracle(score, capacity)
    assert len(pairs) == count
    assert total(score, pairs) == pytest.approx(best, abs=1e-6)


def test_positive_infinity_in_the_lower_half_is_refused_on_the_threaded_path(monkeypatch):
    monkeypatch.setattr(matching, "BAND_ROWS", 1)
    monkeypatch.setattr(matching, "THREADED_CELLS", 0)
    monkeypatch.setattr(matching.os, "cpu_count", lambda: 2)
    score = np.zeros((6, 2))
    score[5, 1] = INF
    with pytest.raises(ValueError, match=r"\+inf"):
        optimal_pairs(score, [1, 1])


@settings(max_examples=150, deadline=None)
@given(instances())
def test_greedy_follows_the_rules_and_never_beats_the_optimum(instance):
    score, capacity = instance
    greedy = greedy_pairs(score, capacity)
    assert_follows_the_rules(score, capacity, greedy)
    optimal = optimal_pairs(score, capacity)
    assert len(greedy) <= len(optimal)
    if len(greedy) == len(optimal):
        assert total(score, greedy) <= total(score, optimal) + 1e-9


def test_greedy_leaves_a_seeker_waiting_that_the_optimum_serves():
    # Seeker 0 takes supporter 0 first; seeker 1 may only meet supporter 0.
    score = np.array([[10.0, 9.0], [8.0, -INF]])
    assert greedy_pairs(score, [1, 1]) == [(0, 0)]
    assert optimal_pairs(score, [1, 1]) == [(0, 1), (1, 0)]


def test_greedy_total_is_strictly_lower_with_the_same_number_of_pairs():
    score = np.array([[10.0, 9.0], [9.0, 1.0]])
    greedy, optimal = greedy_pairs(score, [1, 1]), optimal_pairs(score, [1, 1])
    assert len(greedy) == len(optimal) == 2
    assert total(score, greedy) == 11.0
    assert total(score, optimal) == 18.0


def test_one_more_pair_outweighs_any_score_difference():
    score = np.array([[1e12, 0.0], [0.0, -INF]])
    assert optimal_pairs(score, [1, 1]) == [(0, 1), (1, 0)]


def test_small_differences_survive_a_large_common_offset():
    score = np.array([[1e9 + 0.01, 1e9], [1e9 + 0.02, 1e9]])
    assert optimal_pairs(score, [1, 1]) == [(0, 1), (1, 0)]


def test_a_supporter_takes_up_to_their_capacity():
    score = np.array([[5.0, 1.0], [4.0, 1.0], [3.0, 1.0]])
    assert optimal_pairs(score, [2, 5]) == [(0, 0), (1, 0), (2, 1)]
    assert optimal_pairs(score, [3, 0]) == [(0, 0), (1, 0), (2, 0)]


def test_more_seekers_than_places_keeps_the_best_seekers():
    score = np.array([[1.0], [7.0], [3.0]])
    assert optimal_pairs(score, [2]) == [(1, 0), (2, 0)]


def test_nan_marks_a_forbidden_pair_like_minus_infinity():
    score = np.array([[NAN, 1.0], [5.0, -INF]])
    assert optimal_pairs(score, [1, 1]) == [(0, 1), (1, 0)]


def test_a_negative_score_is_still_a_pair():
    assert optimal_pairs(np.array([[-5.0]]), [1]) == [(0, 0)]


@pytest.mark.parametrize(
    "score, capacity",
    [
        (np.empty((0, 3)), [1, 1, 1]),  # no seekers
        (np.empty((3, 0)), []),  # no supporters
        (np.ones((3, 2)), [0, 0]),  # nobody has capacity
        (np.full((3, 2), -INF), [2, 2]),  # every pair forbidden
        (np.full((2, 2), NAN), [1, 1]),
    ],
)
def test_nothing_to_match_gives_no_pairs(score, capacity):
    assert optimal_pairs(score, capacity) == []
    assert greedy_pairs(score, capacity) == []
    assert prepared_costs(score, capacity) is None


def test_capacity_beyond_the_number_of_seekers_is_clipped():
    score = np.array([[1.0, 2.0], [3.0, 4.0]])
    costs, seekers, columns = prepared_costs(score, [10**9, 10**9])
    assert costs.shape == (2, 4)
    assert optimal_pairs(score, [10**9, 10**9]) == [(0, 1), (1, 1)]


def test_unusable_rows_and_columns_are_left_out_of_the_solver():
    score = np.array([[-INF, 1.0, -INF], [-INF, -INF, -INF], [2.0, 3.0, -INF]])
    costs, seekers, columns = prepared_costs(score, [1, 3, 2])
    assert seekers.tolist() == [0, 2]  # seeker 1 may meet nobody
    assert sorted(columns.tolist()) == [0, 1, 1]  # supporter 1 may serve only two seekers, supporter 2 none
    assert optimal_pairs(score, [1, 3, 2]) == [(0, 1), (2, 1)]


def test_numpy_integer_capacities_are_accepted():
    assert optimal_pairs(np.array([[1.0, 2.0]]), np.array([1, 1], dtype=np.int32)) == [(0, 1)]


@pytest.mark.parametrize(
    "score, capacity, words",
    [
        (np.ones(3), [1, 1, 1], "2-D"),
        (np.ones((2, 2, 2)), [1, 1], "2-D"),
        (np.array([[1.0, INF]]), [1, 1], "+inf"),
        (np.ones((2, 2)), [1], "capacity has 1 entries for 2 supporters"),
        (np.ones((2, 2)), [1, -1], "non-negative integers"),
        (np.ones((2, 2)), [1, 1.5], "non-negative integers"),
        (np.ones((2, 2)), [1, True], "non-negative integers"),
    ],
)
def test_bad_input_is_refused_with_its_reason(score, capacity, words):
    for solve in (optimal_pairs, greedy_pairs):
        with pytest.raises(ValueError, match=words.replace("+", r"\+")):
            solve(score, capacity)


@pytest.mark.parametrize(
    "capacity",
    [np.array([1.0, 1.0]), np.array([1, -1]), np.array([[1, 1]]), np.array([True, True])],
)
def test_a_bad_capacity_array_is_refused(capacity):
    with pytest.raises(ValueError, match="non-negative integers"):
        optimal_pairs(np.ones((2, 2)), capacity)


def test_scores_too_far_apart_to_compare_are_refused():
    with pytest.raises(ValueError, match="too wide a range"):
        optimal_pairs(np.array([[1e308, -1e308]]), [1, 1])
