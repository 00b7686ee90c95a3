"""The time-driven steps run inside the app server too, so they happen without e-mail configured.

The notification sender (`python -m tracker send-notifications`, started by ./run-app only when
SMTP_URL is set) sweeps on every round. Without it, nothing would expire a stale request, say
that feedback is due, tell coordinators a request is overdue or write the reminders people chose.
So every app server runs `run_sweeps` every few minutes on a thread of its own, started and
stopped with the server (`streamlit_app.py`, the st.App lifespan).

Several replicas, or a replica and the sender, may sweep at the same moment: on PostgreSQL only
one of them does the work (`run_sweeps` takes a transaction-level advisory lock and the others
skip); on SQLite there is one server by design (`python -m tracker check` says so), and each step
is idempotent. A failed round is logged in plain words (the error's type only: nothing private)
and the next round tries again.
"""

from __future__ import annotations

import logging
import os
import random
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager

from sqlalchemy.orm import Session

log = logging.getLogger("shared_load.sweeper")

INTERVAL_VARIABLE = "SHARED_LOAD_SWEEP_SECONDS"
DEFAULT_INTERVAL = 300.0


def interval_from_env() -> float:
    """Seconds between rounds (SHARED_LOAD_SWEEP_SECONDS; 0 turns the in-app sweeper off)."""
    raw = os.environ.get(INTERVAL_VARIABLE, "").strip()
    try:
        value = float(raw) if raw else DEFAULT_INTERVAL
    except ValueError:
        log.warning("%s is not a number of seconds; using %.0f", INTERVAL_VARIABLE, DEFAULT_INTERVAL)
        return DEFAULT_INTERVAL
    return max(value, 0.0)


OpenSession = Callable[[], AbstractContextManager[Session]]


class Sweeper:
    """A daemon thread that runs the sweeps in a session from `open_session` at once and then
    every `interval` seconds (± 10 %, so replicas started together drift apart) until `stop()`."""

    def __init__(
        self, open_session: OpenSession, interval: float, sweep: Callable[[OpenSession], None] | None = None
    ) -> None:
        self._open_session = open_session
        self._interval = interval
        self._sweep = sweep or sweep_once
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="shared-load-sweeper", daemon=True)

    def start(self) -> Sweeper:
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self._sweep(self._open_session)
            except Exception as error:  # a failed round must not end the thread; the next one retries
                log.error("sweep failed (%s); trying again in %.0f s", type(error).__name__, self._interval)
            self._stop.wait(self._interval * random.uniform(0.9, 1.1))


def sweep_once(open_session: OpenSession) -> None:
    """One round, in a session of its own (the e-mail sender's rounds call this too)."""
    from tracker.services.sweeps import run_sweeps

    with open_session() as session:
        report = run_sweeps(session)
    if report.expired or report.feedback_due or report.overdue or report.reminders or report.sessions_removed:
        log.info("sweep: %s", report)
