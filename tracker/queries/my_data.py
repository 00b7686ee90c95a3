"""My data: everything the app holds about me, as one download (erasing it is services/mydata.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import CheckIn, Interaction, Person, Unit
from tracker.domain import Actor
from tracker.export import build_zip
from tracker.policy import Action
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
    return build_zip(
        {
            "interactions": (INTERACTION_COLUMNS, entries),
            "check-ins": (CHECKIN_COLUMNS, checks),
            "profile": (tuple(profile), [profile]),
        },
        {"profile": profile, "interactions": entries, "check_ins": checks},
    )
