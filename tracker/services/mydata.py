"""My data: everything the app holds about me, as a download, and erasing it (GDPR-style)."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from db.models import CheckIn, FormSubmission, Interaction, InteractionTag, Person, Unit
from tracker.domain import Actor
from tracker.export import build_zip
from tracker.services._common import audit, touch

INTERACTION_COLUMNS = ("date", "time_of_day", "rating", "tags", "felt_trusted", "showed_humanity", "reflection", "logged_at")
CHECKIN_COLUMNS = ("submitted_on", "brs_answers", "brs_score", "burnout", "load")


def export(db: Session, actor: Actor) -> bytes:
    """A zip of CSV files and one JSON file with every record the app holds about the actor.

    Streams the person's own entries in date order; one person's history is bounded
    (a few thousand rows a year), unlike the table it lives in.
    """
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
            select(Interaction).where(Interaction.person_id == actor.id).order_by(Interaction.occurred_on, Interaction.id)
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
        "exported_at": datetime.now(timezone.utc),
    }
    return build_zip(
        {"interactions": (INTERACTION_COLUMNS, entries), "check-ins": (CHECKIN_COLUMNS, checks), "profile": (tuple(profile), [profile])},
        {"profile": profile, "interactions": entries, "check_ins": checks},
    )


def erase(db: Session, actor: Actor) -> None:
    """Delete every interaction, check-in and note of the actor in one transaction.

    The audit trail records that an erase happened, never what was erased. The account itself
    stays (an administrator deactivates accounts), so the person can start afresh.
    """
    mine = select(Interaction.id).where(Interaction.person_id == actor.id)
    db.execute(delete(InteractionTag).where(InteractionTag.interaction_id.in_(mine)))
    db.execute(delete(Interaction).where(Interaction.person_id == actor.id))
    db.execute(delete(CheckIn).where(CheckIn.person_id == actor.id))
    db.execute(delete(FormSubmission).where(FormSubmission.person_id == actor.id))
    touch(db, actor)
    audit(db, actor, "personal data erased", target_type="person", target_id=actor.id)
    db.commit()
