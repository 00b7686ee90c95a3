"""Program settings: administrators only, audited, validated; each setting does what it says."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from db.models import AuditEvent, CheckIn
from tests.conftest import token
from tracker.errors import NotAllowed, SignInFailed, ValidationError
from tracker.queries import checkin_history
from tracker.queries.program import Settings, program_settings
from tracker.scoring import CheckInAnswers
from tracker.services import auth, checkins
from tracker.services.settings import update_settings


def test_defaults_work_unconfigured(db):
    assert program_settings(db) == Settings()
    assert program_settings(db).min_group_size == 5 and program_settings(db).response_target_hours == 24


def test_administrator_changes_settings_and_the_change_is_audited(db, administrator):
    update_settings(db, administrator, replace(Settings(), response_target_hours=48, min_group_size=8))
    assert program_settings(db).response_target_hours == 48
    event = db.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
    assert event.action == "program settings changed" and "response_target_hours: 24 → 48" in event.detail


@pytest.mark.parametrize(
    "change, message",
    [
        ({"min_group_size": 4}, "minimum group size"),
        ({"min_group_size": True}, "minimum group size"),
        ({"response_target_hours": 0}, "response target"),
        ({"request_expiry_days": 400}, "expire"),
        ({"checkin_cadence": "daily"}, "cadence"),
        ({"supporters_must_be_trained": "yes"}, "yes or no"),
    ],
)
def test_bad_settings_are_refused_and_change_nothing(db, administrator, change, message):
    with pytest.raises(ValidationError, match=message):
        update_settings(db, administrator, replace(Settings(), **change))
    assert program_settings(db) == Settings()


def test_only_administrators_change_settings(db, clinician):
    with pytest.raises(NotAllowed):
        update_settings(db, clinician, Settings())


def test_fortnightly_cadence_is_not_due_the_week_after_a_check_in(db, administrator, clinician):
    checkins.submit(db, clinician, token=token(), answers=CheckInAnswers(brs=(3,) * 6, burnout=2, load=4))
    row = db.scalar(select(CheckIn))
    row.submitted_on -= timedelta(days=7)
    row.iso_year, row.iso_week = row.submitted_on.isocalendar()[:2]
    db.commit()
    assert checkin_history.status(db, clinician).due
    update_settings(db, administrator, replace(Settings(), checkin_cadence="fortnightly"))
    assert not checkin_history.status(db, clinician).due


def test_single_sign_on_creates_clinicians_only_when_the_program_says_so(db, administrator):
    who = {
        "email": "new.nurse@example.org",
        "email_verified": True,
        "issuer": "https://sso.example.org",
        "subject": "n1",
    }
    with pytest.raises(SignInFailed):
        auth.sign_in_with_sso(db, **who)
    update_settings(db, administrator, replace(Settings(), sso_creates_clinicians=True))
    created = auth.sign_in_with_sso(db, **who, name="Nia Nurse")
    assert created.display_name == "Nia Nurse" and {r.value for r in created.roles} == {"clinician"}
    assert auth.sign_in_with_sso(db, email=None, issuer=who["issuer"], subject="n1").id == created.id
    with pytest.raises(SignInFailed):  # an unverified e-mail still creates nothing
        auth.sign_in_with_sso(db, email="other@example.org", email_verified="true", issuer=who["issuer"], subject="n2")
    odd = auth.sign_in_with_sso(  # a name we would refuse from a person does not refuse the sign-in
        db, email="odd.one@example.org", email_verified=True, issuer=who["issuer"], subject="n3", name="Odd\x00One"
    )
    assert odd.display_name == "odd.one"
