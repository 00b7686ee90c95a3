"""My open sign-ins, for Account: where I am still signed in (tracker/services/sessions.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import SignInSession, utcnow
from tracker.domain import Actor, as_utc
from tracker.policy import Action
from tracker.queries.program import program_settings
from tracker.services.boundary import authorize


@dataclass(frozen=True)
class OpenSignIn:
    kind: str  # "password" or "sso"
    started_at: datetime
    last_used_at: datetime
    this_one: bool  # the session the person is looking from


def my_sign_ins(db: Session, actor: Actor, *, now: datetime | None = None) -> list[OpenSignIn]:
    """The actor's sessions that are still live (not ended, not idle, within their lifetime), the
    most recently used first. Only times and how: never where from (no addresses are kept)."""
    authorize(db, actor, Action.READ_SIGN_INS)
    now = now or utcnow()
    idle = timedelta(minutes=program_settings(db).idle_timeout_minutes)
    rows = db.execute(
        select(SignInSession.id, SignInSession.kind, SignInSession.created_at, SignInSession.last_used_at)
        .where(
            SignInSession.person_id == actor.id,
            SignInSession.ended_at.is_(None),
            SignInSession.expires_at > now,
            SignInSession.last_used_at > now - idle,
        )
        .order_by(SignInSession.last_used_at.desc(), SignInSession.id.desc())
    ).all()
    return [
        OpenSignIn(kind, as_utc(created_at), as_utc(last_used_at), session_id == actor.session_id)
        for session_id, kind, created_at, last_used_at in rows
    ]
