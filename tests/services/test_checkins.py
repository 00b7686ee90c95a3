"""Weekly check-ins against a real database."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from db.models import CheckIn
from tests.conftest import token
from tracker.errors import NotAllowed, ValidationError
from tracker.queries import checkin_history
from tracker.scoring import CheckInAnswers
from tracker.services import checkins
from tracker.services.checkins import AlreadyCheckedIn

STEADY = CheckInAnswers(brs=(4, 2, 4, 2, 4, 2), burnout=1, load=3)
STRAINED = CheckInAnswers(brs=(2, 4, 2, 4, 2, 4), burnout=4, load=9)


def stored(db) -> int:
    return db.scalar(select(func.count()).select_from(CheckIn))


def test_check_in_is_due_until_done_this_week(db, clinician):
    assert checkin_history.status(db, clinician).due
    checkins.submit(db, clinician, token=token(), answers=STEADY)
    status = checkin_history.status(db, clinician)
    assert not status.due
    assert status.this_week.brs_score == 4.0 and status.this_week.brs_band == "normal"


def test_second_check_in_in_a_week_needs_confirmation_then_replaces(db, clinician):
    checkins.submit(db, clinician, token=token(), answers=STEADY)
    with pytest.raises(AlreadyCheckedIn):
        checkins.submit(db, clinician, token=token(), answers=STRAINED)
    assert checkin_history.status(db, clinician).this_week.load == 3
    checkins.submit(db, clinician, token=token(), answers=STRAINED, replace=True)
    assert stored(db) == 1
    row = checkin_history.status(db, clinician).this_week
    assert (row.brs_score, row.burnout, row.load) == (2.0, 4, 9)


def test_resubmitted_form_stores_one_check_in(db, clinician):
    same = token()
    first = checkins.submit(db, clinician, token=same, answers=STEADY)
    assert checkins.submit(db, clinician, token=same, answers=STEADY) == first
    assert stored(db) == 1


@pytest.mark.parametrize(
    "answers, message",
    [
        (CheckInAnswers(brs=(4, 2, None, 2, 4, 2), burnout=1, load=3), "(?i)statement 3"),
        (CheckInAnswers(brs=(4, 2, 6, 2, 4, 2), burnout=1, load=3), "(?i)statement 3"),
        (CheckInAnswers(brs=(4, 2, 4), burnout=1, load=3), "6 statements"),
        (CheckInAnswers(brs=STEADY.brs, burnout=None, load=3), "burnout"),
        (CheckInAnswers(brs=STEADY.brs, burnout=7, load=3), "burnout"),
        (CheckInAnswers(brs=STEADY.brs, burnout=1, load=11), "0 to 10"),
        (CheckInAnswers(brs=STEADY.brs, burnout=1, load=None), "0 to 10"),
    ],
)
def test_bad_answers_are_refused_and_store_nothing(db, clinician, answers, message):
    with pytest.raises(ValidationError, match=message):
        checkins.submit(db, clinician, token=token(), answers=answers)
    assert stored(db) == 0


def test_check_ins_are_private_to_the_clinician_role(db, make_person):
    boss = make_person("Abe Admin", roles=("administrator",))
    with pytest.raises(NotAllowed):
        checkins.submit(db, boss, token=token(), answers=STEADY)
    with pytest.raises(NotAllowed):
        checkin_history.history(db, boss)
