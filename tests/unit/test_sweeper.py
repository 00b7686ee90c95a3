"""The in-app sweeper's thread: sweeps at once, again and again, survives a failed round, stops."""

from __future__ import annotations

import logging
import threading
from contextlib import nullcontext

import pytest

from tracker import sweeper


def test_it_sweeps_at_once_then_every_interval_and_a_failed_round_does_not_end_it(caplog):
    calls: list[int] = []
    third = threading.Event()

    def sweep(open_session):
        calls.append(len(calls))
        if len(calls) == 1:
            raise RuntimeError("the database said something private: Dr X's note")
        if len(calls) >= 3:
            third.set()

    with caplog.at_level(logging.ERROR, logger="shared_load.sweeper"):
        running = sweeper.Sweeper(nullcontext, 0.01, sweep=sweep).start()
        assert third.wait(5), "the thread stopped after the failed round"
        running.stop()
    stopped_at = len(calls)
    threading.Event().wait(0.05)
    assert len(calls) == stopped_at  # stopped means stopped
    assert "sweep failed (RuntimeError)" in caplog.text
    assert "Dr X" not in caplog.text  # the error's words may be private; only its type is logged


@pytest.mark.parametrize(("value", "seconds"), [(None, 300.0), ("60", 60.0), ("0", 0.0), ("-5", 0.0), ("soon", 300.0)])
def test_the_interval_comes_from_the_environment(monkeypatch, value, seconds):
    if value is None:
        monkeypatch.delenv(sweeper.INTERVAL_VARIABLE, raising=False)
    else:
        monkeypatch.setenv(sweeper.INTERVAL_VARIABLE, value)
    assert sweeper.interval_from_env() == seconds
