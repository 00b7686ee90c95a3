"""An administrator's password reset never lets the administrator into a clinician's private data."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from db.models import Interaction, Person, utcnow
from tests.conftest import PASSWORD, token
from tracker.domain import InteractionDraft
from tracker.errors import HistorySealed, NotAllowed, SignInFailed, ValidationError
from tracker.queries import checkin_history, entries, my_data, trends
from tracker.scoring import CheckInAnswers
from tracker.services import auth, checkins, interactions, mydata, people, sessions

ADMIN_CHOSEN = "the administrator chose this"


def private_reads(db, actor):
    """Every way a signed-in person reads or changes their private history."""
    return [
        lambda: entries.recent(db, actor),
        lambda: trends.my_trends(db, actor, days=90),
        lambda: trends.home_status(db, actor),
        lambda: checkin_history.status(db, actor),
        lambda: checkin_history.history(db, actor),
        lambda: my_data.export(db, actor),
        lambda: interactions.log(
            db, actor, InteractionDraft(token=token(), occurred_on=actor.today(), rating=1, time_of_day="morning")
        ),
        lambda: mydata.erase(db, actor),
    ]


@pytest.fixture
def diary(db, clinician):
    note = "I cried in the car after the code"
    interactions.log(
        db, clinician, InteractionDraft(token=token(), occurred_on=clinician.today(), rating=-3, note=note)
    )
    checkins.submit(db, clinician, token=token(), answers=CheckInAnswers(brs=(2,) * 6, burnout=4, load=9))
    return note


def test_administrator_cannot_reach_entries_through_a_reset(db, administrator, clinician, diary):
    temporary = people.reset_password(db, administrator, clinician.id, token=token())
    # The administrator signs in with the temporary password: only choosing a password is allowed.
    as_clinician = auth.sign_in(db, email=clinician.email, password=temporary)
    assert as_clinician.must_change_password
    for read in private_reads(db, as_clinician):
        with pytest.raises(NotAllowed):
            read()
    # ...and after choosing one, the history is sealed.
    as_clinician = auth.change_password(db, as_clinician, current=temporary, new=ADMIN_CHOSEN, repeated=ADMIN_CHOSEN)
    assert as_clinician.history_sealed
    for read in private_reads(db, as_clinician):
        with pytest.raises(HistorySealed):
            read()
    with pytest.raises(ValidationError):
        auth.unseal_history(db, as_clinician, previous_password=ADMIN_CHOSEN)
    # A second reset keeps the seal on the password only the clinician knows.
    again = people.reset_password(db, administrator, clinician.id, token=token())
    after = auth.change_password(
        db,
        auth.sign_in(db, email=clinician.email, password=again),
        current=again,
        new="another admin pick",
        repeated="another admin pick",
    )
    with pytest.raises(ValidationError):
        auth.unseal_history(db, after, previous_password=ADMIN_CHOSEN)
    with pytest.raises(HistorySealed):
        entries.recent(db, after)


def test_the_clinician_unseals_with_the_previous_password_and_sees_when_the_reset_happened(
    db, administrator, clinician, diary
):
    temporary = people.reset_password(db, administrator, clinician.id, token=token())
    signed_in = auth.sign_in(db, email=clinician.email, password=temporary)
    signed_in = auth.change_password(
        db, signed_in, current=temporary, new="my fresh password", repeated="my fresh password"
    )
    assert signed_in.password_reset_at is not None
    assert abs(signed_in.password_reset_at.replace(tzinfo=None) - utcnow().replace(tzinfo=None)) < timedelta(minutes=1)
    unsealed = auth.unseal_history(db, signed_in, previous_password=PASSWORD)
    assert not unsealed.history_sealed
    assert [e.note for e in entries.recent(db, unsealed)] == [diary]


def test_starting_afresh_erases_the_sealed_history(db, administrator, clinician, diary):
    temporary = people.reset_password(db, administrator, clinician.id, token=token())
    signed_in = auth.sign_in(db, email=clinician.email, password=temporary)
    signed_in = auth.change_password(
        db, signed_in, current=temporary, new="my fresh password", repeated="my fresh password"
    )
    with pytest.raises(ValidationError):
        auth.restart_history(db, signed_in, confirm="yes")
    fresh = auth.restart_history(db, signed_in, confirm=auth.RESTART_WORD)
    assert entries.recent(db, fresh) == [] and checkin_history.history(db, fresh) == []


def test_a_reset_ends_every_open_session(db, administrator, clinician):
    phone, desk = (sessions.start(db, clinician, kind="password") for _ in range(2))
    assert auth.signed_in(db, session_id=phone.session_id).actor is not None
    people.reset_password(db, administrator, clinician.id, token=token())
    assert auth.signed_in(db, session_id=phone.session_id).actor is None
    assert auth.signed_in(db, session_id=desk.session_id).actor is None


def test_a_temporary_password_expires(db, administrator, clinician):
    temporary = people.reset_password(db, administrator, clinician.id, token=token())
    person = db.get(Person, clinician.id)
    person.temporary_until = utcnow() - timedelta(minutes=1)
    db.commit()
    with pytest.raises(SignInFailed, match="expired"):
        auth.sign_in(db, email=clinician.email, password=temporary)


def test_a_person_without_private_data_is_not_sealed(db, administrator, clinician):
    temporary = people.reset_password(db, administrator, clinician.id, token=token())
    signed_in = auth.sign_in(db, email=clinician.email, password=temporary)
    signed_in = auth.change_password(
        db, signed_in, current=temporary, new="my fresh password", repeated="my fresh password"
    )
    assert not signed_in.history_sealed and entries.recent(db, signed_in) == []


def test_single_sign_on_people_have_no_password_to_reset(db, administrator, clinician):
    auth.sign_in_with_sso(
        db, email=clinician.email, email_verified=True, issuer="https://sso.example.org", subject="cleo"
    )
    with pytest.raises(ValidationError, match="single sign-on"):
        people.reset_password(db, administrator, clinician.id, token=token())
    assert db.scalar(select(Person.must_change_password).where(Person.id == clinician.id)) is False


def test_no_administrator_action_or_read_returns_a_clinicians_private_content(db, administrator, clinician, diary):
    """Every administration service and query, run by an administrator: the clinician's note, rating
    and check-in never appear in anything returned, and reaching for them directly is refused."""
    from tracker.queries import administration
    from tracker.services import named_lists

    returned = [
        administration.list_people(db, administrator),
        administration.list_units(db, administrator, include_closed=True),
        administration.list_tags(db, administrator),
        named_lists.create_unit(db, administrator, token=token(), name="Ward 9"),
        people.update_person(
            db,
            administrator,
            clinician.id,
            display_name="Cleo C",
            roles={"clinician"},
            unit_id=None,
            profession=None,
            supervisor_id=None,
        ),
        people.reset_password(db, administrator, clinician.id, token=token()),
        administration.audit_log(db, administrator),
        my_data.export(db, administrator),  # the administrator's own data (they are a clinician too)
        entries.recent(db, administrator),
    ]
    assert diary not in repr(returned) and "car after the code" not in repr(returned)
    with pytest.raises(NotAllowed):
        interactions.delete(db, administrator, db.scalar(select(Interaction.id)))
    assert db.scalar(select(Interaction.note)) == diary
