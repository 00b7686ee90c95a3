"""Sign-in sessions kept on the server: a reload keeps a sign-in, and ending one is real.

Every sign-in (password or single sign-on) starts a row in `sign_in_sessions`. The browser holds
the session's random id in an HttpOnly, SameSite=Lax cookie (Secure over https); the table keeps
only its SHA-256, so a copy of the table opens no account, and a session can be listed and ended
from anywhere.

How the cookie reaches the browser: a Streamlit script cannot set cookies, so the sign-in (an
ordinary Streamlit form, with its throttling and plain-words refusals) starts the session with a
one-time handoff code (kept as a hash, valid for 60 seconds). The page's script posts that code
to the app's own route (`tracker/web.py`, same origin only), which calls `claim`: only then is the
session's id made, set in the cookie and its hash stored. The id never exists anywhere else.

A session is over when it is ended (`end`, `end_all`, `end_sessions`: signing out, "sign out
everywhere", a password change or reset, a deactivation), after its absolute lifetime, or when
unused for longer than the idle timeout (both program settings). Its last use is written at most
once a minute (`TOUCH_EVERY`), so an active person costs one small write a minute, not one a click.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from db.models import SignInSession, utcnow
from tracker.audit import AuditKind, AuditRecord, sessions_ended
from tracker.domain import Actor, as_utc
from tracker.policy import Action
from tracker.queries.program import program_settings
from tracker.services.boundary import action
from tracker.validation import is_id

COOKIE = "shared_load_session"
KINDS = ("password", "sso")
HANDOFF_VALID = timedelta(seconds=60)
KEPT_AFTER_ENDING = timedelta(days=1)  # an ended session's row, then `remove_over` deletes it
TOUCH_EVERY = timedelta(minutes=1)
SECRET_CHARS = (40, 60)  # secrets.token_urlsafe(32) is 43 characters; anything far off is not ours

SIGNED_OUT = "signed out"
SIGNED_OUT_EVERYWHERE = "signed out everywhere"
PASSWORD_CHANGED = "password changed"
PASSWORD_RESET = "password reset"
DEACTIVATED = "account deactivated"


@dataclass(frozen=True)
class Started:
    """A new session: its row id (for the signed-in Streamlit session) and the one-time handoff
    code the browser exchanges for its cookie."""

    session_id: int
    handoff: str


@dataclass(frozen=True)
class Claimed:
    """What the browser's cookie gets: the session's new random id, and when the session ends at
    the latest (the cookie's own expiry)."""

    token: str
    expires_at: datetime


@dataclass(frozen=True)
class Found:
    """The session a browser named, as of `now`: live (`ended_at` None) or over since `ended_at`."""

    session_id: int
    person_id: int
    kind: str
    ended_at: datetime | None
    last_used_at: datetime
    handoff_pending: bool  # the browser has not claimed its cookie yet, and still may


def _digest(secret: str) -> str:
    """What the table keeps of a session id or handoff code. Both are 256-bit random values, so a
    fast hash is enough: there is nothing to guess."""
    return hashlib.sha256(secret.encode()).hexdigest()


def _over_since(
    *,
    last_used_at: datetime,
    expires_at: datetime,
    ended_at: datetime | None,
    idle: timedelta,
    now: datetime,
) -> datetime | None:
    """When a session ended, or None while it is live: ended, past its lifetime, or idle too long."""
    moments = [m for m in (ended_at, expires_at, last_used_at + idle) if m is not None and m <= now]
    return min(moments) if moments else None


def remove_over(db: Session, *, now: datetime, idle: timedelta) -> int:
    """Delete the sessions that have been over for `KEPT_AFTER_ENDING` (the rule of `_over_since`,
    in SQL): ended, past their lifetime, or idle. Run by the sweeps inside their transaction; the
    person's list of sign-ins shows live sessions only, so the table holds about a day of them."""
    cutoff = now - KEPT_AFTER_ENDING
    result = db.execute(
        delete(SignInSession).where(
            or_(
                SignInSession.ended_at < cutoff,
                SignInSession.expires_at < cutoff,
                SignInSession.last_used_at < cutoff - idle,
            )
        )
    )
    return result.rowcount or 0


def start(db: Session, actor: Actor, *, kind: str = "password", now: datetime | None = None) -> Started:
    """A new session for a person who has just signed in (the sign-in itself is audited)."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind of sign-in: {kind!r}")
    now = now or utcnow()
    handoff = secrets.token_urlsafe(32)
    lifetime = timedelta(hours=program_settings(db).session_lifetime_hours)
    with action(db, actor, Action.START_SESSION) as act:
        row = SignInSession(
            person_id=actor.id,
            kind=kind,
            handoff_hash=_digest(handoff),
            handoff_until=now + HANDOFF_VALID,
            created_at=now,
            last_used_at=now,
            expires_at=now + lifetime,
        )
        db.add(row)
        db.flush()
        act.done(row.id)
    return Started(row.id, handoff)


def claim(db: Session, handoff: object, *, now: datetime | None = None) -> Claimed | None:
    """Exchange a handoff code, once and within a minute, for the session's new random id (for the
    cookie); None for anything else. The id's hash replaces the code's in the row."""
    if not _plausible(handoff):
        return None
    now = now or utcnow()
    with action(db, None, Action.CLAIM_SESSION) as act:
        code = _digest(handoff)
        row = db.scalar(select(SignInSession).where(SignInSession.handoff_hash == code))
        if row is None or row.ended_at is not None or as_utc(row.handoff_until) < now:
            act.already_done = True
            return None
        token = secrets.token_urlsafe(32)
        claimed = db.execute(  # only if the code is still there: two claims at once give one cookie
            update(SignInSession)
            .where(SignInSession.id == row.id, SignInSession.handoff_hash == code, SignInSession.ended_at.is_(None))
            .values(token_hash=_digest(token), handoff_hash=None, handoff_until=None)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:
            act.already_done = True
            return None
        act.done(row.id)
    return Claimed(token, as_utc(row.expires_at))


def names_session(db: Session, token: object, session_id: int) -> bool:
    """Whether a cookie names this session (0: names none we know), so that clearing a cookie in
    one browser tab never drops the newer sign-in of another tab."""
    row_id = (
        db.scalar(select(SignInSession.id).where(SignInSession.token_hash == _digest(token)))
        if _plausible(token)
        else None
    )
    return (row_id or 0) == session_id


def find(
    db: Session, *, session_id: int | None = None, token: object = None, now: datetime | None = None
) -> Found | None:
    """The session a Streamlit session remembers (`session_id`) or a cookie names (`token`)."""
    now = now or utcnow()
    if session_id is not None:
        row = db.get(SignInSession, session_id) if is_id(session_id) else None
    elif _plausible(token):
        row = db.scalar(select(SignInSession).where(SignInSession.token_hash == _digest(token)))
    else:
        row = None
    if row is None:
        return None
    idle = timedelta(minutes=program_settings(db).idle_timeout_minutes)
    last_used = as_utc(row.last_used_at)
    ended = _over_since(
        last_used_at=last_used, expires_at=as_utc(row.expires_at), ended_at=as_utc(row.ended_at), idle=idle, now=now
    )
    pending = row.handoff_hash is not None and as_utc(row.handoff_until) >= now
    return Found(row.id, row.person_id, row.kind, ended, last_used, pending)


def touch(db: Session, actor: Actor, *, now: datetime | None = None) -> None:
    """Note that the actor's session is in use. Callers ask only once a minute (`TOUCH_EVERY`, from
    `Found.last_used_at`), so an active person costs one small write a minute, not one a click."""
    if actor.session_id is None:
        return
    now = now or utcnow()
    with action(db, actor, Action.KEEP_SESSION) as act:
        db.execute(
            update(SignInSession)
            .where(SignInSession.id == actor.session_id, SignInSession.person_id == actor.id)
            .values(last_used_at=now)
            .execution_options(synchronize_session=False)
        )
        act.done(actor.session_id)


def end(db: Session, actor: Actor, *, now: datetime | None = None) -> None:
    """Sign out: the actor's own session (the one they act from) ends on the server."""
    now = now or utcnow()
    with action(db, actor, Action.SIGN_OUT) as act:
        ended = 0
        if actor.session_id is not None:
            ended = end_sessions(db, actor.id, SIGNED_OUT, now=now, only=actor.session_id)
        if not ended:
            act.already_done = True  # already over: nothing to end, nothing to record
            return
        act.done(actor.session_id, audit=AuditRecord(AuditKind.SIGNED_OUT, "person", actor.id))


def end_all(db: Session, actor: Actor, *, now: datetime | None = None) -> int:
    """Sign out everywhere: every open session of the actor ends, this one too. Returns how many."""
    now = now or utcnow()
    with action(db, actor, Action.SIGN_OUT_EVERYWHERE) as act:
        ended = end_sessions(db, actor.id, SIGNED_OUT_EVERYWHERE, now=now)
        act.done(
            actor.id,
            audit=AuditRecord(AuditKind.SIGNED_OUT_EVERYWHERE, "person", actor.id, detail=sessions_ended(ended)),
        )
    return ended


def end_sessions(
    db: Session,
    person_id: int,
    reason: str,
    *,
    now: datetime | None = None,
    keep: int | None = None,
    only: int | None = None,
) -> int:
    """End a person's open sessions inside the caller's action (no commit here): all of them, all
    but `keep`, or `only` one. Returns how many were still open (not ended, within their lifetime)."""
    now = now or utcnow()
    statement = update(SignInSession).where(
        SignInSession.person_id == person_id, SignInSession.ended_at.is_(None), SignInSession.expires_at > now
    )
    if keep is not None:
        statement = statement.where(SignInSession.id != keep)
    if only is not None:
        statement = statement.where(SignInSession.id == only)
    result = db.execute(
        statement.values(ended_at=now, end_reason=reason, handoff_hash=None, handoff_until=None).execution_options(
            synchronize_session=False
        )
    )
    return result.rowcount or 0


def _plausible(secret: object) -> bool:
    low, high = SECRET_CHARS
    return isinstance(secret, str) and low <= len(secret) <= high and secret.isascii()
