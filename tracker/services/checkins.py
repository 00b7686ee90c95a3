"""Weekly check-ins: validated scales, one per person per ISO week, private to the person."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import CheckIn
from tracker.domain import Actor
from tracker.errors import ValidationError
from tracker.policy import Action
from tracker.scoring import CheckInAnswers, CheckInScore, score_checkin
from tracker.services.boundary import action
from tracker.validation import clean_bool


class AlreadyCheckedIn(ValidationError):
    """This ISO week already has a check-in; submitting again replaces it only when confirmed."""


def submit(db: Session, actor: Actor, *, token: str, answers: CheckInAnswers, replace: bool = False) -> int:
    """Store this week's check-in. A repeated submit of the same form stores nothing new;
    a second check-in in the same week replaces the first only with `replace=True`."""
    with action(db, actor, Action.SUBMIT_CHECKIN, token=token) as act:
        if act.already_done:
            return act.result_id
        if not isinstance(answers, CheckInAnswers):
            raise ValidationError("Please answer the check-in's questions.")
        score = score_checkin(answers)
        replace = clean_bool(replace, "Please confirm whether this check-in replaces this week's.")
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
        _fill(checkin, answers, score, today)
        db.add(checkin)
        db.flush()
        act.done(checkin.id)
    return act.result_id


def _fill(checkin: CheckIn, answers: CheckInAnswers, score: CheckInScore, today: date) -> None:
    checkin.submitted_on = today
    checkin.brs_answers = ",".join(str(a) for a in answers.brs)
    checkin.brs_score = round(score.brs_score, 4)
    checkin.burnout = score.burnout
    checkin.load = score.load
