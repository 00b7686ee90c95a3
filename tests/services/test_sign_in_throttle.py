"""Throttled sign-in (NIST SP 800-63B §5.2.2): counted per account in the database, a growing wait,
a lock at 100 that only an administrator lifts, the same answer for unknown e-mails, all audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from db.models import AuditEvent, Person, utcnow
from tests.conftest import PASSWORD
from tracker import throttle
from tracker.audit import AuditKind
from tracker.errors import NotAllowed, SignInFailed, SignInThrottled
from tracker.services import auth, people

WRONG = "not the password at all"


def fail(db, email: str, times: int, now, step=timedelta(0)):
    """`times` wrong passwords, each `step` after the one before (past any wait when step is large)."""
    for _ in range(times):
        with pytest.raises(SignInFailed) as refused:
            auth.sign_in(db, email=email, password=WRONG, now=now)
        assert not isinstance(refused.value, SignInThrottled)
        now += step
    return now


def events(db, kind: AuditKind) -> list[AuditEvent]:
    return list(db.scalars(select(AuditEvent).where(AuditEvent.action == kind.value).order_by(AuditEvent.id)))


def test_the_wait_starts_at_30_seconds_after_5_failures_and_doubles_up_to_an_hour():
    assert [throttle.wait_after(n).total_seconds() for n in range(4, 13)] == [
        0,
        30,
        60,
        120,
        240,
        480,
        960,
        1920,
        3600,
    ]
    assert throttle.wait_after(99) == timedelta(hours=1)
    assert not throttle.locked(99) and throttle.locked(100)


def test_five_failures_are_free_then_even_the_right_password_waits(db, clinician):
    now = utcnow()
    fail(db, clinician.email, 5, now)
    with pytest.raises(SignInThrottled, match="Please wait 30 seconds and try again") as refused:
        auth.sign_in(db, email=clinician.email, password=PASSWORD, now=now)
    assert refused.value.retry_at == now + timedelta(seconds=30)
    # Ten seconds later the message says how long is left.
    with pytest.raises(SignInThrottled, match="20 seconds"):
        auth.sign_in(db, email=clinician.email, password=PASSWORD, now=now + timedelta(seconds=10))
    assert (
        auth.sign_in(db, email=clinician.email, password=PASSWORD, now=now + timedelta(seconds=30)).id == clinician.id
    )


def test_each_further_failure_doubles_the_wait(db, clinician):
    now = fail(db, clinician.email, 5, utcnow())
    now = fail(db, clinician.email, 1, now + timedelta(seconds=30))  # the 6th, allowed: now 60 s
    with pytest.raises(SignInThrottled, match="wait 1 minute and"):
        auth.sign_in(db, email=clinician.email, password=PASSWORD, now=now)
    with pytest.raises(SignInThrottled, match="wait 1 second and"):
        auth.sign_in(db, email=clinician.email, password=PASSWORD, now=now + timedelta(seconds=59))
    assert auth.sign_in(db, email=clinician.email, password=PASSWORD, now=now + timedelta(seconds=60))


def test_a_refused_attempt_during_the_wait_does_not_make_the_wait_longer(db, clinician):
    now = fail(db, clinician.email, 5, utcnow())
    for seconds in (1, 2, 3):
        with pytest.raises(SignInThrottled):
            auth.sign_in(db, email=clinician.email, password=WRONG, now=now + timedelta(seconds=seconds))
    assert db.scalar(select(Person.failed_sign_ins).where(Person.id == clinician.id)) == 5


def test_a_success_resets_the_count(db, clinician):
    now = fail(db, clinician.email, 4, utcnow())
    auth.sign_in(db, email=clinician.email, password=PASSWORD, now=now)
    fail(db, clinician.email, 4, now)  # four more are free again
    assert auth.sign_in(db, email=clinician.email, password=PASSWORD, now=now).id == clinician.id


def test_100_failures_lock_the_account_until_an_administrator_unlocks_it(db, administrator, clinician):
    now = fail(db, clinician.email, throttle.LOCK_AFTER, utcnow(), step=timedelta(hours=1))
    for later in (now, now + timedelta(days=30)):
        with pytest.raises(SignInThrottled, match="locked") as refused:
            auth.sign_in(db, email=clinician.email, password=PASSWORD, now=later)
        assert refused.value.retry_at is None
    [row] = [p for p in people_rows(db, administrator) if p.id == clinician.id]
    assert row.sign_in_locked

    people.unlock_sign_in(db, administrator, clinician.id)
    assert auth.sign_in(db, email=clinician.email, password=PASSWORD, now=now).id == clinician.id
    [unlocked] = events(db, AuditKind.SIGN_IN_UNLOCKED)
    assert (unlocked.actor_id, unlocked.target_id) == (administrator.id, clinician.id)
    assert unlocked.detail == "after 100 failed sign-ins"


def people_rows(db, administrator):
    from tracker.queries.administration import list_people

    return list_people(db, administrator)


def test_only_an_administrator_can_unlock(db, clinician, make_person):
    other = make_person("Olga Other")
    with pytest.raises(NotAllowed):
        people.unlock_sign_in(db, clinician, other.id)


def test_an_administrators_reset_lets_the_new_password_be_tried_at_once(db, administrator, clinician):
    fail(db, clinician.email, 5, utcnow())
    temporary = people.reset_password(db, administrator, clinician.id, token="reset-after-failures")
    assert auth.sign_in(db, email=clinician.email, password=temporary).must_change_password


def test_unknown_email_gets_the_same_answer_and_an_audit_event_without_target(db, clinician):
    with pytest.raises(SignInFailed) as unknown:
        auth.sign_in(db, email="nobody@example.org", password=WRONG)
    with pytest.raises(SignInFailed) as wrong:
        auth.sign_in(db, email=clinician.email, password=WRONG)
    assert type(unknown.value) is type(wrong.value) and str(unknown.value) == str(wrong.value)
    first, second = events(db, AuditKind.SIGN_IN_FAILED)
    assert (first.actor_id, first.target_type, first.target_id, first.target_name) == (None, None, None, None)
    assert "nobody" not in (first.detail or "")
    assert (second.target_type, second.target_id) == ("person", clinician.id)


def test_unknown_email_and_known_account_each_verify_one_hash(db, clinician, monkeypatch):
    """The same timing: both paths verify one argon2 hash (a dummy one for an unknown e-mail) and
    write one audit event."""
    verified = []
    original = auth.verify_password
    monkeypatch.setattr(
        auth, "verify_password", lambda stored, typed: verified.append(stored) or original(stored, typed)
    )
    for email in ("nobody@example.org", clinician.email):
        with pytest.raises(SignInFailed):
            auth.sign_in(db, email=email, password=WRONG)
    assert len(verified) == 2 and verified[0] is None and verified[1].startswith("$argon2id$")


def test_a_successful_sign_in_is_an_audit_event(db, clinician):
    auth.sign_in(db, email=clinician.email, password=PASSWORD)
    latest = events(db, AuditKind.SIGNED_IN)[-1]
    assert (latest.actor_id, latest.target_id) == (clinician.id, clinician.id)


def test_an_overlong_password_is_refused_and_counted_like_a_wrong_one(db, clinician):
    with pytest.raises(SignInFailed):
        auth.sign_in(db, email=clinician.email, password=PASSWORD + "x" * (auth.PASSWORD_MAX_CHARS + 1))
    assert db.scalar(select(Person.failed_sign_ins).where(Person.id == clinician.id)) == 1
