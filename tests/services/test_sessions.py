"""Sign-in sessions on the server (tracker/services/sessions.py), on SQLite and PostgreSQL.

Time is injected (`now=`), so idle and absolute expiry are checked to the minute without waiting.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from db.models import AuditEvent, SignInSession, utcnow
from tests.conftest import PASSWORD, token
from tracker.audit import AuditKind
from tracker.errors import ValidationError
from tracker.queries import sessions as sign_ins
from tracker.queries.program import Settings
from tracker.services import auth, people, sessions, settings
from tracker.services.sessions import COOKIE, HANDOFF_VALID

T0 = utcnow().replace(microsecond=0)  # a fixed clock: every call below passes `now`


def signed_in_with_cookie(db, actor, now=T0) -> str:
    """A sign-in as the browser completes it: the session started, its cookie claimed."""
    started = sessions.start(db, actor, now=now)
    claimed = sessions.claim(db, started.handoff, now=now)
    assert claimed is not None
    return claimed.token


def who(db, token, now):
    return auth.signed_in(db, token=token, now=now).actor


def audit_events(db, kind: AuditKind) -> list[AuditEvent]:
    return list(db.scalars(select(AuditEvent).where(AuditEvent.action == kind.value).order_by(AuditEvent.id)))


def test_a_claimed_cookie_signs_the_person_in_on_a_reload(db, clinician):
    token = signed_in_with_cookie(db, clinician)
    reloaded = who(db, token, T0 + timedelta(seconds=5))
    assert reloaded is not None and reloaded.id == clinician.id
    assert reloaded.session_id is not None


def test_only_hashes_are_stored_never_the_cookie_or_the_handoff_code(db, clinician):
    started = sessions.start(db, clinician, now=T0)
    row = db.get(SignInSession, started.session_id)
    assert row.handoff_hash == hashlib.sha256(started.handoff.encode()).hexdigest()
    assert row.token_hash is None  # the cookie's id does not exist before the browser claims it
    token = sessions.claim(db, started.handoff, now=T0).token
    db.expire_all()
    row = db.get(SignInSession, started.session_id)
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert row.handoff_hash is None
    # No column of any session row holds either secret, in any form the database could show.
    dump = " ".join(str(value) for line in db.execute(text("SELECT * FROM sign_in_sessions")).all() for value in line)
    assert token not in dump and started.handoff not in dump
    assert len(token) >= 43  # 256 random bits, URL-safe


def test_a_handoff_code_works_once_and_for_a_minute_only(db, clinician):
    started = sessions.start(db, clinician, now=T0)
    assert sessions.claim(db, started.handoff, now=T0 + HANDOFF_VALID + timedelta(seconds=1)) is None
    assert sessions.claim(db, started.handoff, now=T0) is not None
    assert sessions.claim(db, started.handoff, now=T0) is None  # used
    assert sessions.claim(db, "x" * 43, now=T0) is None
    assert sessions.claim(db, None, now=T0) is None


def test_an_unknown_or_forged_cookie_signs_nobody_in(db, clinician):
    signed_in_with_cookie(db, clinician)
    for forged in ("", "x" * 43, "a" * 10_000, None, 42, "\x00" * 43):
        assert who(db, forged, T0) is None
    assert auth.signed_in(db, session_id=2_000_000_001, now=T0).actor is None


def test_an_idle_session_ends_after_the_idle_timeout(db, clinician):
    token = signed_in_with_cookie(db, clinician)
    assert who(db, token, T0 + timedelta(minutes=29)) is not None  # used at 29 minutes: the clock restarts
    assert who(db, token, T0 + timedelta(minutes=58)) is not None
    assert who(db, token, T0 + timedelta(minutes=88, seconds=1)) is None  # 30 minutes and a second unused
    ended = auth.signed_in(db, token=token, now=T0 + timedelta(minutes=90))
    assert ended.session_id is not None and ended.ended_at == T0 + timedelta(minutes=88)


def test_the_idle_timeout_is_the_program_setting(db, administrator, clinician):
    settings.update_settings(db, administrator, replace(Settings(), idle_timeout_minutes=10))
    token = signed_in_with_cookie(db, clinician)
    assert who(db, token, T0 + timedelta(minutes=9)) is not None
    assert who(db, token, T0 + timedelta(minutes=19, seconds=1)) is None


def test_a_busy_session_still_ends_after_its_lifetime(db, clinician):
    token = signed_in_with_cookie(db, clinician)
    moment = T0
    while moment < T0 + timedelta(hours=12) - timedelta(minutes=20):
        moment += timedelta(minutes=20)
        assert who(db, token, moment) is not None
    assert who(db, token, T0 + timedelta(hours=12)) is None


def test_last_use_is_written_at_most_once_a_minute(db, clinician):
    token = signed_in_with_cookie(db, clinician)
    session_id = who(db, token, T0).session_id

    def last_used():
        db.expire_all()
        return db.get(SignInSession, session_id).last_used_at.replace(tzinfo=None)

    for seconds in (1, 20, 59):
        who(db, token, T0 + timedelta(seconds=seconds))
    assert last_used() == T0.replace(tzinfo=None)
    who(db, token, T0 + timedelta(seconds=61))
    assert last_used() == (T0 + timedelta(seconds=61)).replace(tzinfo=None)


def test_sign_out_ends_this_session_only_and_is_audited(db, clinician):
    phone, desk = signed_in_with_cookie(db, clinician), signed_in_with_cookie(db, clinician)
    sessions.end(db, who(db, phone, T0), now=T0)
    assert who(db, phone, T0) is None
    assert who(db, desk, T0) is not None
    [event] = audit_events(db, AuditKind.SIGNED_OUT)
    assert event.actor_id == clinician.id and event.target_id == clinician.id
    ended_id = db.scalar(select(SignInSession.id).where(SignInSession.ended_at.is_not(None)))
    for nothing_to_end in (None, ended_id):  # outside a session, or signing out twice
        sessions.end(db, replace(clinician, session_id=nothing_to_end), now=T0)
    assert len(audit_events(db, AuditKind.SIGNED_OUT)) == 1


def test_sign_out_everywhere_ends_every_session_of_the_person(db, clinician, make_person):
    other = make_person("Olga Other")
    phone, desk = signed_in_with_cookie(db, clinician), signed_in_with_cookie(db, clinician)
    theirs = signed_in_with_cookie(db, other)
    assert sessions.end_all(db, who(db, desk, T0), now=T0) == 2
    assert who(db, phone, T0) is None and who(db, desk, T0) is None
    assert who(db, theirs, T0) is not None  # nobody else's
    [event] = audit_events(db, AuditKind.SIGNED_OUT_EVERYWHERE)
    assert event.target_id == clinician.id and event.detail == "2 open sessions ended"


def test_a_password_change_ends_every_other_session(db, clinician):
    phone, desk = signed_in_with_cookie(db, clinician, utcnow()), signed_in_with_cookie(db, clinician, utcnow())
    here = who(db, desk, utcnow())
    changed = auth.change_password(
        db, here, current=PASSWORD, new="a new long password", repeated="a new long password"
    )
    assert changed.session_id == here.session_id
    now = utcnow()
    assert who(db, desk, now) is not None  # the session the change was made from goes on
    assert who(db, phone, now) is None
    assert audit_events(db, AuditKind.PASSWORD_CHANGED)[-1].detail == "1 open session ended"


def test_an_administrators_reset_ends_every_session_of_the_person(db, administrator, clinician):
    phone, desk = signed_in_with_cookie(db, clinician, utcnow()), signed_in_with_cookie(db, clinician, utcnow())
    people.reset_password(db, administrator, clinician.id, token=token())
    now = utcnow()
    assert who(db, phone, now) is None and who(db, desk, now) is None
    [event] = audit_events(db, AuditKind.PASSWORD_RESET)
    assert event.target_id == clinician.id and event.detail == "2 open sessions ended"


def test_deactivation_ends_every_session_and_reactivation_revives_none(db, administrator, clinician):
    token = signed_in_with_cookie(db, clinician, utcnow())
    people.set_person_active(db, administrator, clinician.id, active=False)
    people.set_person_active(db, administrator, clinician.id, active=True)
    assert who(db, token, utcnow()) is None
    [event] = audit_events(db, AuditKind.PERSON_DEACTIVATED)
    assert event.detail == "1 open session ended"
    assert db.get(SignInSession, who_was(db, token)).end_reason == sessions.DEACTIVATED


def who_was(db, token) -> int:
    return db.scalar(
        select(SignInSession.id).where(SignInSession.token_hash == hashlib.sha256(token.encode()).hexdigest())
    )


def test_an_ended_session_cannot_be_claimed_afterwards(db, clinician):
    started = sessions.start(db, clinician, now=T0)
    sessions.end_all(db, replace(clinician, session_id=started.session_id), now=T0)
    assert sessions.claim(db, started.handoff, now=T0) is None


def test_a_cookie_names_its_own_session_only(db, clinician):
    token = signed_in_with_cookie(db, clinician)
    session_id = who(db, token, T0).session_id
    assert sessions.names_session(db, token, session_id)
    assert not sessions.names_session(db, token, session_id + 1)
    assert sessions.names_session(db, "x" * 43, 0)  # a cookie we do not know names "none"
    assert COOKIE == "shared_load_session"


@pytest.mark.parametrize(
    ("idle", "hours", "words"),
    [(4, 12, "idle timeout"), (481, 12, "idle timeout"), (30, 0, "1 to 24 hours"), (120, 1, "cannot be longer")],
)
def test_session_settings_are_checked_on_the_server(db, administrator, idle, hours, words):
    wanted = replace(Settings(), idle_timeout_minutes=idle, session_lifetime_hours=hours)
    with pytest.raises(ValidationError, match=words):
        settings.update_settings(db, administrator, wanted)


def test_my_open_sign_ins_are_the_live_ones_and_mark_this_one(db, clinician, make_person):
    here, elsewhere, ended, idle = (sessions.start(db, clinician, now=T0) for _ in range(4))
    sessions.start(db, make_person("Olga Other"), now=T0)  # somebody else's
    sessions.end(db, replace(clinician, session_id=ended.session_id), now=T0)
    for session_id in (here.session_id, elsewhere.session_id):
        auth.signed_in(db, session_id=session_id, now=T0 + timedelta(minutes=20))  # in use; `idle` is not
    me = replace(clinician, session_id=here.session_id)
    listed = sign_ins.my_sign_ins(db, me, now=T0 + timedelta(minutes=40))
    assert sorted(s.this_one for s in listed) == [False, True]  # here and elsewhere; not ended, not idle
    assert {s.kind for s in listed} == {"password"}
    assert all(s.last_used_at == T0 + timedelta(minutes=20) for s in listed)


def test_the_sweep_removes_sessions_over_for_a_day_and_keeps_the_rest(db, clinician, administrator):
    from tracker.services.sweeps import run_sweeps

    live = signed_in_with_cookie(db, clinician)  # used a moment ago: kept
    ended_today = signed_in_with_cookie(db, clinician)
    sessions.end(db, who(db, ended_today, T0), now=T0)  # over, but less than a day: kept
    old_start = T0 - timedelta(days=3)
    signed_in_with_cookie(db, administrator, now=old_start)  # past its lifetime for two days: removed
    ended_long_ago = signed_in_with_cookie(db, clinician, now=old_start)
    sessions.end(db, who(db, ended_long_ago, old_start), now=old_start)  # removed
    before = db.scalar(select(text("count(*)")).select_from(SignInSession))
    assert before == 4

    report = run_sweeps(db, now=T0 + timedelta(minutes=1))
    assert report.sessions_removed == 2
    db.expire_all()
    left = db.scalars(select(SignInSession.person_id)).all()
    assert sorted(left) == [clinician.id, clinician.id]
    assert who(db, live, T0 + timedelta(minutes=1)).id == clinician.id
    assert run_sweeps(db, now=T0 + timedelta(minutes=2)).sessions_removed == 0
