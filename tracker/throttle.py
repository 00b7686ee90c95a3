"""Sign-in throttling: how long an account waits after consecutive failed sign-ins. Pure.

NIST SP 800-63B §5.2.2 asks verifiers to limit consecutive failed attempts on one account to at
most 100, and allows a growing delay between attempts instead of an early lockout; the OWASP
authentication cheat sheet recommends the same. The settings chosen here:

| consecutive failures | next attempt allowed |
|---|---|
| 1–4 | at once (a typo or two costs nothing) |
| 5 | 30 s after the last failure |
| 6, 7, … | the wait doubles each time (60 s, 120 s, …) |
| 12 and more | one hour (the cap) |
| 100 | never, until an administrator unlocks the account |

With these, a guesser gets about 35 attempts on one account in the first day and 24 a day after
that, so the lock comes after about four days of steady guessing, while a person who mistypes a
few times never waits. The count lives in the
database (`people.failed_sign_ins`), so it holds across replicas; a success resets it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

FREE_ATTEMPTS = 5
FIRST_WAIT = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=1)
LOCK_AFTER = 100


def wait_after(failures: int) -> timedelta:
    """The wait after `failures` consecutive failures (zero while attempts are free)."""
    if failures < FREE_ATTEMPTS:
        return timedelta(0)
    doublings = min(failures - FREE_ATTEMPTS, 20)  # 2**20 × 30 s is far past the cap already
    return min(FIRST_WAIT * 2**doublings, LONGEST_WAIT)


def locked(failures: int) -> bool:
    """At `LOCK_AFTER` consecutive failures only an administrator can open the account again."""
    return failures >= LOCK_AFTER


def next_attempt_at(failures: int, last_failure: datetime | None) -> datetime | None:
    """When the account may try again; None when it may try now (or is locked: see `locked`)."""
    wait = wait_after(failures)
    if not wait or last_failure is None:
        return None
    return last_failure + wait


def waiting_words(until: datetime, now: datetime) -> str:
    """'30 seconds', '2 minutes', '1 hour': how long until the next attempt, rounded up."""
    seconds = max(1, int((until - now).total_seconds() + 0.999))
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = -(-seconds // 60)
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    return "1 hour"
