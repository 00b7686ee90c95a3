"""What every figure shares: the row it produces, what it is handed, and how time is taken.

Two things compared are timed alternately (a, b, a, b, …) after one warm-up of each, so a change
in the machine's load during the run touches both alike; a figure's ratio is of medians (or of
95th percentiles, where the figure says so).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bench.database import Backend, Large, Log, Size


@dataclass(frozen=True)
class Figure:
    """One printed row: `measured` in words, `ratio` (None when the goal is not a ratio)."""

    name: str
    measured: str
    ratio: float | None
    goal: str
    passed: bool
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class Context:
    """What a figure is handed. `backend` is None for a figure that needs no database."""

    quick: bool
    log: Log
    backend: Backend | None = None
    size: Size | None = None  # of the large database on this backend
    options: dict[str, Any] = field(default_factory=dict)  # e.g. log_count, repeat
    larges: dict[str, Large] = field(default_factory=dict)  # built once per backend, shared by figures

    @property
    def label(self) -> str:
        return self.backend.label if self.backend else ""

    def large(self) -> Large:
        """The large database on this backend, filled the first time a figure asks for it."""
        from bench.database import large

        assert self.backend is not None and self.size is not None
        if self.backend.label not in self.larges:
            self.log(
                f"  {self.backend.label}: large database ({self.size.people:,} people, "
                f"≥ {self.size.interactions:,} interactions)…"
            )
            found = large(self.backend, self.size, self.log, mode="quick" if self.quick else "full")
            how = "reused from an earlier run" if found.reused else f"filled in {found.fill_seconds:.0f} s"
            kept = "kept for later runs" if found.kept else "deleted after the run"
            self.log(f"  {self.backend.label}: large database {how}, {found.interactions:,} interactions; {kept}")
            self.larges[self.backend.label] = found
        return self.larges[self.backend.label]

    def option(self, name: str, default: Any) -> Any:
        value = self.options.get(name)
        return default if value is None else value


def seconds(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def alternating(
    repeat: int,
    first: Callable[[], object],
    second: Callable[[], object],
    *,
    warm_up: tuple[Callable[[], object], ...] | None = None,
) -> tuple[list, list]:
    """Times of `first` and `second`, run alternately `repeat` times each after one warm-up of each
    (or of `warm_up`, where one run of `first` costs too much to spend on warming up)."""
    for work in (first, second) if warm_up is None else warm_up:
        work()
    a, b = [], []
    for _ in range(repeat):
        a.append(seconds(first))
        b.append(seconds(second))
    return a, b


def median(values: list[float]) -> float:
    return statistics.median(values)


def p95(values: list[float]) -> float:
    """The 95th percentile (linear between the two nearest ranks)."""
    ordered = sorted(values)
    rank = 0.95 * (len(ordered) - 1)
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def ms(value: float) -> str:
    return f"{value * 1000:,.1f} ms" if value < 0.1 else f"{value * 1000:,.0f} ms"


def ratio_figure(name: str, *, a: float, b: float, a_words: str, b_words: str, goal: float, **details) -> Figure:
    """A figure whose ratio is a / b against a goal of at most `goal`."""
    ratio = a / b if b > 0 else float("inf")
    return Figure(
        name=name,
        measured=f"{a_words} {ms(a)} vs {b_words} {ms(b)}",
        ratio=ratio,
        goal=f"≤ {goal:g}×",
        passed=ratio <= goal,
        details={"a_seconds": a, "b_seconds": b, **details},
    )
