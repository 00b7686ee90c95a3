"""Weekly check-ins: validated scales, one per person per ISO week, private to the person."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.models import CheckIn
from tracker.domain import Actor, Role
from tracker.errors import ValidationError
from tracker.scoring import CheckInAnswers, CheckInScore, brs_band, score_checkin
from tracker.services._common import require, touch
from tracker.validation import clean_token


class AlreadyCheckedIn(ValidationError):
    """This ISO week already has a check-in; submitting again replaces it only when confirmed."""


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
    """Due when this ISO week (in the person's own calendar) has no check-in yet."""
    require(actor, Role.CLINICIAN)
    year, week, _ = actor.today().isocalendar()
    latest = db.scalar(
        select(CheckIn).where(CheckIn.person_id == actor.id).order_by(CheckIn.submitted_on.desc(), CheckIn.id.desc()).limit(1)
    )
    this_week = latest if latest is not None and (latest.iso_year, latest.iso_week) == (year, week) else None
    return CheckInStatus(due=this_week is None, this_week=_row(this_week), latest=_row(latest))


def submit(db: Session, actor: Actor, *, token: str, answers: CheckInAnswers, replace: bool = False) -> int:
    """Store this week's check-in. A repeated submit of the same form stores nothing new;
    a second check-in in the same week replaces the first only with `replace=True`."""
    require(actor, Role.CLINICIAN)
    token = clean_token(token)
    earlier = db.scalar(select(CheckIn).where(CheckIn.form_token == token))
    if earlier is not None and earlier.person_id == actor.id:
        return earlier.id
    score = score_checkin(answers)
    today = actor.today()
    year, week, _ = today.isocalendar()
    existing = db.scalar(
        select(CheckIn).where(CheckIn.person_id == actor.id, CheckIn.iso_year == year, CheckIn.iso_week == week)
    )
    if existing is not None and not replace:
        raise AlreadyCheckedIn(
            f"You already checked in this week (on {existing.submitted_on:%A %d %B}). "
            "Confirm that this one should replace it."
        )
    checkin = existing or CheckIn(person_id=actor.id, iso_year=year, iso_week=week)
    _fill(checkin, answers, score, today, token)
    db.add(checkin)
    touch(db, actor)
    try:
        db.commit()
    except IntegrityError:
        db.rollback()
        raise ValidationError("This check-in was just saved from another window. Please reload the page.") from None
    return checkin.id


def history(db: Session, actor: Actor, *, since: date | None = None) -> list[CheckInRow]:
    """The person's own check-ins, oldest first (at most one per week, so never a large list)."""
    require(actor, Role.CLINICIAN)
    query = select(CheckIn).where(CheckIn.person_id == actor.id).order_by(CheckIn.submitted_on)
    if since is not None:
        query = query.where(CheckIn.submitted_on >= since)
    return [_row(c) for c in db.scalars(query)]


def _fill(checkin: CheckIn, answers: CheckInAnswers, score: CheckInScore, today: date, token: str) -> None:
    checkin.submitted_on = today
    checkin.brs_answers = ",".join(str(a) for a in answers.brs)
    checkin.brs_score = round(score.brs_score, 4)
    checkin.burnout = score.burnout
    checkin.load = score.load
    checkin.form_token = token


def _row(checkin: CheckIn | None) -> CheckInRow | None:
    if checkin is None:
        return None
    return CheckInRow(
        submitted_on=checkin.submitted_on,
        brs_score=checkin.brs_score,
        brs_band=brs_band(checkin.brs_score),
        burnout=checkin.burnout,
        load=checkin.load,
    )
