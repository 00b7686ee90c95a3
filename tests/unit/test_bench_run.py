"""`python -m tracker bench`: the registry, the printed rows and the JSON results (bench/run.py).

Fake figures stand in for the real ones, except in the smoke test, which runs the real "log an
interaction" figure through the command line on SQLite with a handful of saves.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bench import run
from bench.measure import Figure, alternating, p95
from tests.conftest import ROOT

ISSUE_FIGURES = {"log", "writers", "trends", "outcomes", "matching", "queue", "memory"}


def fake(name: str, ratio: float, goal: float):
    def measure(context) -> Figure:
        return Figure(
            name=name,
            measured=f"{ratio * 10:.0f} ms vs 10 ms",
            ratio=ratio,
            goal=f"≤ {goal:g}×",
            passed=ratio <= goal,
            details={"quick": context.quick},
        )

    return run.Spec(measure, "none")


def broken(context) -> Figure:
    raise RuntimeError("the page raised: boom")


@pytest.fixture
def sqlite_only(tmp_path) -> list[str]:
    """Arguments that keep a run on one SQLite file (no database server needed)."""
    return ["--quick", "--url", f"sqlite:///{tmp_path / 'bench.db'}", "--results-dir", str(tmp_path / "results")]


def test_the_registry_holds_every_figure_of_the_issue():
    assert set(run.FIGURES) == ISSUE_FIGURES
    assert {spec.databases for spec in run.FIGURES.values()} <= {"each", "one", "none"}
    assert all(callable(spec.measure) for spec in run.FIGURES.values())


def test_prints_one_row_per_figure_and_exits_0_even_when_a_goal_is_short(monkeypatch, capsys, tmp_path, sqlite_only):
    monkeypatch.setattr(run, "FIGURES", {"fast": fake("fast thing", 1.25, 2), "slow": fake("slow thing", 4.5, 3)})

    assert run.main(sqlite_only) == 0

    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["figure", "measured", "ratio", "goal", "result"]
    fast = next(line for line in lines if line.startswith("fast thing"))
    slow = next(line for line in lines if line.startswith("slow thing"))
    assert fast.split()[-4:] == ["1.25×", "≤", "2×", "pass"]
    assert slow.split()[-4:] == ["4.50×", "≤", "3×", "short"]
    assert fast.index("1.25×") == slow.index("4.50×")  # columns line up


def test_writes_the_results_and_the_machine_as_json(monkeypatch, capsys, tmp_path, sqlite_only):
    monkeypatch.setattr(run, "FIGURES", {"fast": fake("fast thing", 1.25, 2), "slow": fake("slow thing", 4.5, 3)})

    run.main([*sqlite_only, "--only", "slow"])

    (path,) = (tmp_path / "results").glob("*-quick.json")
    assert f"Results: {path}" in capsys.readouterr().out
    document = json.loads(path.read_text())
    assert document["mode"] == "quick"
    (figure,) = document["figures"]
    assert figure["key"] == "slow" and figure["name"] == "slow thing"
    assert figure["ratio"] == 4.5 and figure["goal"] == "≤ 3×"
    assert figure["passed"] is False and figure["result"] == "short"
    assert figure["details"] == {"quick": True}
    machine = document["machine"]
    for key in ("platform", "cpu_model", "cpu_count", "memory_total", "python", "numpy", "scipy", "sqlalchemy"):
        assert machine[key], key
    assert machine["streamlit"] and machine["git_commit"]
    assert machine["database_servers"]["SQLite"].startswith("SQLite 3.")


def test_a_figure_that_cannot_be_measured_is_a_row_of_its_own_and_exit_status_2(
    monkeypatch, capsys, tmp_path, sqlite_only
):
    monkeypatch.setattr(run, "FIGURES", {"broken": run.Spec(broken, "none"), "fast": fake("fast thing", 1.0, 2)})

    assert run.main(sqlite_only) == 2

    out = capsys.readouterr().out
    broken_row = next(line for line in out.splitlines() if line.startswith("broken"))
    assert "RuntimeError: the page raised: boom" in broken_row and broken_row.endswith("error")
    assert any(line.startswith("fast thing") and line.endswith("pass") for line in out.splitlines())
    (path,) = (tmp_path / "results").glob("*.json")
    results = {f["key"]: f for f in json.loads(path.read_text())["figures"]}
    assert results["broken"]["result"] == "error" and "boom" in results["broken"]["error"]


def test_p95_and_alternating_timing():
    assert p95(list(range(1, 101))) == pytest.approx(95.05)
    assert p95([3.0]) == 3.0
    order = []
    a, b = alternating(2, lambda: order.append("a"), lambda: order.append("b"))
    assert order == ["a", "b", "a", "b", "a", "b"]  # one warm-up each, then alternating
    assert len(a) == len(b) == 2


def test_the_log_figure_through_the_command_line(tmp_path):
    """The real figure on SQLite with 5 saves of each kind: the row is printed, the JSON written."""
    results = tmp_path / "results"
    done = subprocess.run(
        [sys.executable, "-m", "tracker", "bench", "--quick", "--url", f"sqlite:///{tmp_path / 'bench.db'}"]
        + ["--only", "log", "--log-count", "5", "--results-dir", str(results)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    row = next(line for line in done.stdout.splitlines() if line.startswith("log an interaction (SQLite)"))
    assert "service p95" in row and "n = 5 each)" in row and "≤ 2×" in row
    assert row.split()[-1] in ("pass", "short")
    (path,) = results.glob("*-quick.json")
    (figure,) = json.loads(path.read_text())["figures"]
    assert figure["key"] == "log" and figure["database"] == "SQLite"
    assert figure["ratio"] > 0 and figure["details"]["count"] == 5
