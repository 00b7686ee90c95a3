"""Optimal matching of seekers to supporters: as many conversations as the rules allow, then the best ones.

Method: a rectangular linear assignment (Jonker & Volgenant's shortest augmenting path as
implemented by Crouse, IEEE TAES 52(4):1679-1696, 2016; `scipy.optimize.linear_sum_assignment`)
on the capacity-expanded matrix: supporter j's column is repeated min(capacity[j], ...) times, so
"each supporter at most capacity[j] times" becomes "each column at most once". Pure: the caller
passes the score matrix (tracker/match_score.py builds it) and the capacities.

The promise, in this order:

1. The number of pairs is the largest any set of allowed pairs can reach (maximum cardinality).
   A seeker left waiting because the engine preferred a better-scoring pair for someone else is
   a worse outcome than two good-enough conversations.
2. Among all sets of that size, the total score is the largest (a global optimum, not greedy).

Decisions, measured with `PYTHONPATH=. .venv/bin/python bench/matching.py` (2,000 seekers x
2,000 supporters, capacity 2, 10 % forbidden pairs, uniform scores, seed 7, medians of 9 runs on
a 2-core development machine shared with other test runs, so figures move by 10-20 %):

* Solver: dense `linear_sum_assignment`, not the sparse `min_weight_full_bipartite_matching`
  (LAPJVsp). The sparse solver raises unless every seeker can be matched, so for maximum
  cardinality it needs one dummy column per seeker, and its input must be built from the dense
  matrix the score module produces. Building and solving it took about 250 ms against 50 ms for
  the whole of `optimal_pairs`; even with 90 % of pairs forbidden it took 55 ms against 47 ms. The
  hard rules forbid few pairs (reporting line, own unit, earlier declines; paused, full or
  untrained supporters drop out whole, see below), so the matrix is dense in practice.
* Maximum cardinality first, by a lexicographic weight. An allowed cell weighs
  B + (score - low), with spread = high - low over the allowed scores and B = (p + 1) * spread,
  where p = min(seekers, expanded columns) bounds the number of pairs; a forbidden cell weighs
  0. A set of k allowed pairs weighs between k*B and k*(B + spread), and
  (k + 1) * B > k * (B + spread) whenever B > k * spread, so one more pair always outweighs any
  difference in scores. Every full assignment is an allowed matching plus forbidden filler cells,
  which are dropped afterwards; among maximum matchings the lift is the same, so the total score
  decides. Forbidden cells get a finite weight because the solver refuses a matrix where no full
  assignment avoids infinities. Weights are passed as costs (their negatives) with the default
  `maximize=False`: the same matrix negated with `maximize=True` took 88 ms against 34 ms.
* Numerical bound: cell weights are at most (p + 2) * spread, so each carries the score to
  about (p + 2) * spread * 2**-52. Scores closer than that may be treated as equal, and the total
  is optimal to within roughly p**2 * spread * 2**-52: for 2,000 pairs about 1e-9 of the spread,
  far below any difference a coordinator could care about. The weights are computed as
  -score - constant; IEEE subtraction rounds the result, not the operands, so a large common
  offset in the scores (1e9 + small differences) costs no precision. Scores spanning more than
  about 1e300 are refused.
* Capacity is clipped at the number of seekers the supporter may serve at all (allowed cells in
  its column, never more than the seekers), and seekers with no allowed supporter are left out
  before solving, so the expanded matrix holds no column or row that cannot be used. A paused
  or untrained supporter costs the solver nothing.
* Preparation works in bands of 64 rows (1 MB of scores at 2,000 supporters) so each band stays
  in the core's cache while several operations run on it: one survey pass (per band: the allowed
  cells counted per supporter and per seeker, the lowest and highest allowed score; no allowed
  matrix is kept) and one writing pass (cost of the band, then copied to each further capacity
  level while still in cache). Each cell of the scores is read from memory twice and the expanded
  matrix is written once. Large matrices are split over two threads (NumPy releases the GIL
  inside each operation). Supporters are ordered by usable places, most first, so level r of the
  expansion is a prefix of the columns. What is left is mostly the kernel handing out and zeroing
  the 64 MB of fresh memory the expanded matrix needs (a fresh 64 MB write took 7.8 ms here, a
  warm one 2.5 ms).
  Measured with bench/matching.py on the quiet 2-core development machine (medians of 15):
  `optimal_pairs` 58-64 ms against 43-44 ms for the bare solver on the matrix it prepares, 1.36-1.44x
  (goal 1.5x); `prepared_costs` 14-18 ms. Before: whole-matrix passes 25 ms (1.50-1.67x), the same
  bands on one thread 22 ms, bands with a kept 4 MB allowed matrix 18-21 ms (1.44-1.67x). The bare
  solver on a naive expansion of the raw scores (np.repeat) took 71-75 ms: this column order and
  weighting solve faster. Tried and dropped: masked reductions (`np.fmin.reduce(where=...)`, 13 ms
  for the lowest score alone), `np.subtract(where=allowed)` into a zeroed matrix (26 ms), supporters'
  copies side by side (a strided broadcast write, 19 ms), overlapping the page faults of the new
  matrix with the survey on a second thread (memory bandwidth, not the core, was the limit), and
  keeping the expanded matrix between runs (64 MB held for a run a day). On a realistic matrix
  from `score_array` the ties make the solver take 0.3-1 s and the preparation vanishes in it.
* Ties are broken by the solver, deterministically for a given input and SciPy version.

`greedy_pairs` is the first-come baseline (each seeker in turn takes their best remaining
supporter). It is used only by the benchmark and the tests to show what the optimum buys.
"""

from __future__ import annotations

import numbers
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import numpy as np
from scipy.optimize import linear_sum_assignment

__all__ = ["greedy_pairs", "optimal_pairs", "prepared_costs"]

T = TypeVar("T")
BAND_ROWS = 64  # rows worked on together; see _in_bands
THREADED_CELLS = 1_000_000  # below this, a second thread costs more than it saves
POSITIVE_INFINITY = "score holds +inf; mark forbidden pairs with -inf or NaN"


def optimal_pairs(score: np.ndarray, capacity: Sequence[int]) -> list[tuple[int, int]]:
    """The (seeker, supporter) pairs that match the most seekers, then maximise the total score.

    `score[i, j]` is the score of seeker i with supporter j; -inf or NaN marks a forbidden pair.
    `capacity[j]` is how many seekers supporter j may take in this run. Each seeker appears at
    most once, each supporter at most `capacity[j]` times, no forbidden pair ever. Sorted by
    seeker. Raises ValueError for a matrix that is not 2-D, holds +inf, or capacities that are
    not one non-negative integer per supporter.
    """
    prepared = prepared_costs(score, capacity)
    if prepared is None:
        return []
    costs, seekers, columns = prepared
    rows, cols = linear_sum_assignment(costs)
    # Forbidden filler cells cost exactly 0; every allowed cell costs at most -B < 0.
    kept = costs[rows, cols] < 0
    return list(zip(seekers[rows[kept]].tolist(), columns[cols[kept]].tolist(), strict=True))


def prepared_costs(score: np.ndarray, capacity: Sequence[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """The expanded cost matrix `optimal_pairs` solves, and where its rows and columns come from.

    Returns (costs, seekers, columns): `costs[r, c]` is the cost of seeker `seekers[r]` with
    supporter `columns[c]`; allowed cells cost -(B + score - low), forbidden cells 0 (see the
    module docstring). None when no allowed pair exists. Public so the benchmark can time the
    bare solver on exactly this matrix.
    """
    score, capacity_array = _checked(score, capacity)
    if score.size == 0:
        return None
    servable, has_any, low, high = _survey(score)
    # Clip capacity at what the supporter could use: the seekers they may serve at all.
    usable = np.minimum(capacity_array, servable)
    if not usable.any():
        return None
    seekers = np.flatnonzero(has_any)
    # Supporters with the most usable places first, so expansion level r (every supporter with
    # more than r places) is a prefix of the columns.
    order = np.argsort(-usable, kind="stable")
    usable = usable[order]
    if len(seekers) < score.shape[0] or np.any(order[1:] < order[:-1]):
        score = score[np.ix_(seekers, order)]
    spread = (high - low) or 1.0
    lift = (min(len(seekers), int(usable.sum())) + 1) * spread
    # cost = floor - score = -(lift + score - low), in [-(lift + spread), -lift]. IEEE subtraction
    # rounds the result, not the operands, so a large common offset in the scores costs no
    # precision here; the rounding of `floor` moves every allowed cell alike.
    floor = low - lift
    if not (np.isfinite(lift) and np.isfinite(floor)):
        raise ValueError("the scores span too wide a range to compare; rescale them")
    # levels[r]: how many supporters have more than r usable places (usable is sorted, most first).
    levels = len(usable) - np.searchsorted(usable[::-1], np.arange(usable[0]), side="right")
    columns = np.concatenate([order[:width] for width in levels])
    costs = np.empty((score.shape[0], int(levels.sum())))
    first = int(levels[0])

    def expand(start: int, stop: int) -> None:
        # fmax(score, floor) turns -inf and NaN into `floor` and leaves allowed scores (>= low >
        # floor) alone, so floor - that is the cost of an allowed cell and exactly 0 for a
        # forbidden one. The first level is computed once and copied while it is in cache.
        block = costs[start:stop, :first]
        np.fmax(score[start:stop, :first], floor, out=block)
        np.subtract(floor, block, out=block)
        offset = first
        for width in levels[1:]:
            costs[start:stop, offset : offset + width] = block[:, :width]
            offset += width

    _in_bands(score.shape[0], score.shape[1], expand)
    return costs, seekers, columns


def greedy_pairs(score: np.ndarray, capacity: Sequence[int]) -> list[tuple[int, int]]:
    """First come, first served: seekers in index order each take their best allowed supporter left.

    Ties go to the lowest supporter index. The baseline the optimum is measured against; never
    used to propose matches.
    """
    score, capacity_array = _checked(score, capacity)
    if np.isposinf(score).any():
        raise ValueError(POSITIVE_INFINITY)
    left = capacity_array.copy()
    pairs = []
    for seeker, row in enumerate(score):
        open_cells = np.isfinite(row) & (left > 0)
        if not open_cells.any():
            continue
        supporter = int(np.argmax(np.where(open_cells, row, -np.inf)))
        left[supporter] -= 1
        pairs.append((seeker, supporter))
    return pairs


def _checked(score: np.ndarray, capacity: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """The score as a float matrix and the capacities as int64. Raises ValueError saying what is
    wrong with the input (the values of the scores are looked at by `_survey`)."""
    matrix = np.asarray(score, dtype=np.float64)
    if matrix.ndim != 2:
        raise ValueError(f"score must be a 2-D seekers x supporters array, got {matrix.ndim} dimension(s)")
    if isinstance(capacity, np.ndarray):  # checked whole: a Python loop would cost more than the rest
        capacity_array = capacity
        if capacity.ndim != 1 or capacity.dtype.kind not in "iu" or (capacity < 0).any():
            raise ValueError(f"capacity must hold non-negative integers, got a {capacity.dtype} array")
    else:
        values = list(capacity)
        for value in values:
            if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
                raise ValueError(f"capacity must hold non-negative integers, got {value!r}")
        capacity_array = np.array(values, dtype=np.int64)
    if len(capacity_array) != matrix.shape[1]:
        raise ValueError(f"capacity has {len(capacity_array)} entries for {matrix.shape[1]} supporters")
    return matrix, capacity_array.astype(np.int64, copy=False)


def _survey(score: np.ndarray) -> tuple[np.ndarray, np.ndarray, float, float]:
    """One pass over the scores: how many seekers each supporter may serve, which seekers any
    supporter may serve, and the lowest and highest allowed score.

    Low and high are NaN when no pair is allowed. Raises ValueError for +inf.
    """

    def look(start: int, stop: int) -> tuple[np.ndarray, np.ndarray, float, float]:
        band = score[start:stop]
        allowed = np.isfinite(band)
        with np.errstate(invalid="ignore"):
            marked = band - band  # 0, or NaN where the score is infinite or NaN
        marked += band  # the score, or NaN: what fmin skips
        # fmax skips NaN and -inf never wins, so this is the highest allowed score unless +inf is there.
        return (
            allowed.sum(axis=0, dtype=np.int32),
            allowed.any(axis=1),
            float(np.fmin.reduce(marked, axis=None)),
            float(np.fmax.reduce(band, axis=None)),
        )

    counts, rows, lows, highs = zip(*_in_bands(score.shape[0], score.shape[1], look), strict=True)
    high = float(np.fmax.reduce(highs))
    if high == np.inf:
        raise ValueError(POSITIVE_INFINITY)
    return np.sum(counts, axis=0, dtype=np.int32), np.concatenate(rows), float(np.fmin.reduce(lows)), high


def _in_bands(rows: int, width: int, work: Callable[[int, int], T]) -> list[T]:
    """`work(start, stop)` over bands of `BAND_ROWS` rows, in order; on two threads for a large matrix.

    A band (64 rows of 2,000 scores: 1 MB) stays in the core's cache while several operations
    run on it, so each cell is read from memory once. NumPy releases the GIL inside each
    operation, so a second thread takes the lower half of the rows on a second core.
    """

    def run(first: int, last: int) -> list[T]:
        return [work(start, min(start + BAND_ROWS, last)) for start in range(first, last, BAND_ROWS)]

    if rows * width < THREADED_CELLS or rows < 2 * BAND_ROWS or (os.cpu_count() or 1) < 2:
        return run(0, rows)
    middle = (rows // 2 + BAND_ROWS - 1) // BAND_ROWS * BAND_ROWS
    with ThreadPoolExecutor(max_workers=1) as helper:
        lower = helper.submit(run, middle, rows)
        upper = run(0, middle)
        return upper + lower.result()
