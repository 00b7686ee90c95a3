"""Reads of the person's own check-ins: this week's status and the history for My trends."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import CheckIn
from tracker.domain import Actor
from tracker.policy import Action
from tracker.queries.program import program_settings
from tracker.scoring import brs_band, checkin_due
from tracker.services.boundary import authorize


@dataclass(frozen=True)
class CheckInRow:
    submitted_on: date
    brs_score: float
    brs_band: str
    burnout: int
    load: int


@dataclass(frozen=True)
class CheckInStatus:
    due: bool
    this_week: CheckInRow | None
    latest: CheckInRow | None


def status(db: Session, actor: Actor) -> CheckInStatus:
    """Due when this ISO week (in the person's own calendar) has no check-in yet — or, with the
    program's fortnightly cadence, when neither this week nor the week before has one."""
    authorize(db, actor, Action.READ_CHECKINS)
    today = actor.today()
    year, week, _ = today.isocalendar()
    latest = db.scalar(
        select(CheckIn)
        .where(CheckIn.person_id == actor.id)
        .order_by(CheckIn.submitted_on.desc(), CheckIn.id.desc())
        .limit(1)
    )
    latest_week = (latest.iso_year, latest.iso_week) if latest is not None else None
    this_week = latest if latest_week == (year, week) else None
    due = checkin_due(latest_week, today, program_settings(db).checkin_cadence)
    return CheckInStatus(due=due, this_week=row(this_week), latest=row(latest))


def history(db: Session, actor: Actor, *, since: date | None = None) -> list[CheckInRow]:
    """The person's own check-ins, oldest first (at most one per week, so never a large list)."""
    authorize(db, actor, Action.READ_CHECKINS)
    query = select(CheckIn).where(CheckIn.person_id == actor.id).order_by(CheckIn.submitted_on)
    if since is not None:
        query = query.where(CheckIn.submitted_on >= since)
    return [row(c) for c in db.scalars(query)]


def row(checkin: CheckIn | None) -> CheckInRow | None:
    if checkin is None:
        return None
    return CheckInRow(
        submitted_on=checkin.submitted_on,
        brs_score=checkin.brs_score,
        brs_band=brs_band(checkin.brs_score),
        burnout=checkin.burnout,
        load=checkin.load,
    )
