"""My data: everything the app holds about me, as one download (erasing it is services/mydata.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import (
    CheckIn,
    Interaction,
    Match,
    Person,
    ReminderPreference,
    ReminderSent,
    SignInSession,
    SupportRequest,
    Unit,
)
from tracker.domain import Actor
from tracker.export import build_zip
from tracker.policy import Action
from tracker.reminders import WEEKDAYS
from tracker.services.boundary import authorize

INTERACTION_COLUMNS = (
    "date",
    "time_of_day",
    "rating",
    "tags",
    "felt_trusted",
    "showed_humanity",
    "reflection",
    "logged_at",
)
REQUEST_COLUMNS = (
    "asked_at",
    "status",
    "urgency",
    "topics",
    "load_before",
    "line_for_coordinator",
    "load_after",
    "helpful",
)
SUPPORTED_COLUMNS = ("approved_at", "status", "meeting_at", "my_load_after", "wanted_support_myself")
CHECKIN_COLUMNS = ("submitted_on", "brs_answers", "brs_score", "burnout", "load")


def export(db: Session, actor: Actor) -> bytes:
    """A zip of CSV files and one JSON file with every record the app holds about the actor.

    Streams the person's own entries in date order; one person's history is bounded
    (a few thousand rows a year), unlike the table it lives in.
    """
    authorize(db, actor, Action.EXPORT_MY_DATA)
    person = db.get(Person, actor.id)
    unit = db.get(Unit, person.unit_id) if person.unit_id else None
    entries = [
        {
            "date": i.occurred_on,
            "time_of_day": i.time_of_day,
            "rating": i.rating,
            "tags": sorted(t.name for t in i.tags),
            "felt_trusted": i.felt_trusted,
            "showed_humanity": i.showed_humanity,
            "reflection": i.note,
            "logged_at": i.created_at,
        }
        for i in db.scalars(
            select(Interaction)
            .where(Interaction.person_id == actor.id)
            .order_by(Interaction.occurred_on, Interaction.id)
        )
    ]
    checks = [
        {c: getattr(row, c) for c in CHECKIN_COLUMNS}
        for row in db.scalars(select(CheckIn).where(CheckIn.person_id == actor.id).order_by(CheckIn.submitted_on))
    ]
    profile = {
        "name": person.display_name,
        "email": person.email,
        "roles": sorted(g.role for g in person.roles),
        "unit": unit.name if unit else None,
        "profession": person.profession,
        "time_zone": person.timezone,
        "account_created": person.created_at,
        "exported_at": datetime.now(UTC),
    }
    asked, supported = _peer_support(db, actor)
    reminders = _reminders(db, actor)
    sign_ins = _sign_ins(db, actor)
    return build_zip(
        {
            "interactions": (INTERACTION_COLUMNS, entries),
            "check-ins": (CHECKIN_COLUMNS, checks),
            "requests": (REQUEST_COLUMNS, asked),
            "conversations-supported": (SUPPORTED_COLUMNS, supported),
            "profile": (tuple(profile), [profile]),
        },
        {
            "profile": profile,
            "interactions": entries,
            "check_ins": checks,
            "requests": asked,
            "conversations_supported": supported,
            "reminders": reminders,
            "sign_ins": sign_ins,
        },
    )


def _sign_ins(db: Session, actor: Actor) -> list[dict]:
    """Where and when I signed in, as the server keeps it (a day after a session ends, it is gone):
    how, since when, last used, until when, and how it ended. Never the cookie or its hash."""
    rows = db.scalars(
        select(SignInSession).where(SignInSession.person_id == actor.id).order_by(SignInSession.created_at)
    )
    return [
        {
            "how": row.kind,
            "signed_in_at": row.created_at,
            "last_used_at": row.last_used_at,
            "expires_at": row.expires_at,
            "ended_at": row.ended_at,
            "ended_because": row.end_reason,
        }
        for row in rows
    ]


def _reminders(db: Session, actor: Actor) -> dict:
    """The reminders I chose (none chosen: both off) and the local days one came."""
    chosen = db.get(ReminderPreference, actor.id)
    sent = db.scalars(select(ReminderSent).where(ReminderSent.person_id == actor.id).order_by(ReminderSent.local_date))
    return {
        "daily_log_reminder": bool(chosen and chosen.log_daily),
        "weekly_checkin_reminder": bool(chosen and chosen.checkin_weekly),
        "time_of_day": chosen.remind_at.strftime("%H:%M") if chosen else None,
        "checkin_weekday": WEEKDAYS[chosen.checkin_weekday] if chosen else None,
        "sent": [{"date": r.local_date, "log": r.log, "check_in": r.checkin} for r in sent],
    }


def _peer_support(db: Session, actor: Actor) -> tuple[list[dict], list[dict]]:
    """My requests with my feedback, and the conversations I supported with my own feedback."""
    asked = []
    for request in db.scalars(
        select(SupportRequest).where(SupportRequest.seeker_id == actor.id).order_by(SupportRequest.id)
    ):
        met = next((m for m in request.matches if m.seeker_feedback_at is not None), None)
        asked.append(
            {
                "asked_at": request.created_at,
                "status": request.status,
                "urgency": request.urgency,
                "topics": sorted(t.name for t in request.topics),
                "load_before": request.load_before,
                "line_for_coordinator": request.note_for_coordinator,
                "load_after": met.seeker_load_after if met else None,
                "helpful": met.seeker_helpful if met else None,
            }
        )
    supported = [
        {
            "approved_at": m.approved_at,
            "status": m.status,
            "meeting_at": m.meeting_at,
            "my_load_after": m.supporter_load_after,
            "wanted_support_myself": m.supporter_wants_support,
        }
        for m in db.scalars(
            select(Match).where(Match.supporter_id == actor.id, Match.approved_at.is_not(None)).order_by(Match.id)
        )
    ]
    return asked, supported
