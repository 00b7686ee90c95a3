"""Sign-in, the first administrator and passwords, on a real database."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from db.models import Person
from tests.conftest import PASSWORD, token
from tracker.domain import Role
from tracker.errors import SignInFailed, ValidationError
from tracker.services import auth, people


def test_empty_installation_offers_the_first_administrator_once(db):
    assert auth.needs_first_administrator(db)
    code = auth.new_setup_code(db)
    first = auth.create_first_administrator(
        db, name="Ada", email="ada@example.org", password=PASSWORD, repeated=PASSWORD, setup_code=code
    )
    assert first.has(Role.ADMINISTRATOR) and first.has(Role.CLINICIAN)
    assert not auth.needs_first_administrator(db)
    with pytest.raises(ValidationError, match="already exists"):
        auth.create_first_administrator(
            db, name="Eve", email="eve@example.org", password=PASSWORD, repeated=PASSWORD, setup_code=code
        )


def test_password_is_stored_as_argon2id_never_in_clear(db, administrator):
    stored = db.scalar(select(Person.password_hash).where(Person.id == administrator.id))
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


def test_wrong_password_and_unknown_email_give_the_same_message(db, administrator):
    with pytest.raises(SignInFailed) as wrong_password:
        auth.sign_in(db, email="ada@example.org", password="not the password")
    with pytest.raises(SignInFailed) as unknown:
        auth.sign_in(db, email="nobody@example.org", password=PASSWORD)
    assert str(wrong_password.value) == str(unknown.value)


def test_sign_in_ignores_email_case_and_spaces(db, administrator):
    assert auth.sign_in(db, email="  ADA@example.org ", password=PASSWORD).id == administrator.id


def test_deactivated_person_cannot_sign_in_and_their_data_stays(db, administrator, clinician):
    people.set_person_active(db, administrator, clinician.id, active=False)
    with pytest.raises(SignInFailed):
        auth.sign_in(db, email=clinician.email, password=PASSWORD)
    assert auth.current_actor(db, clinician.id) is None
    assert db.get(Person, clinician.id) is not None


def test_invited_person_must_change_the_temporary_password(db, administrator):
    invitation = people.invite_person(
        db, administrator, token=token(), display_name="Nia Nurse", email="nia@example.org", roles={"clinician"}
    )
    actor = auth.sign_in(db, email="nia@example.org", password=invitation.temporary_password)
    assert actor.must_change_password
    with pytest.raises(ValidationError, match="current password"):
        auth.change_password(db, actor, current="wrong", new=PASSWORD, repeated=PASSWORD)
    changed = auth.change_password(db, actor, current=invitation.temporary_password, new=PASSWORD, repeated=PASSWORD)
    assert not changed.must_change_password
    with pytest.raises(SignInFailed):
        auth.sign_in(db, email="nia@example.org", password=invitation.temporary_password)


def test_sso_maps_a_verified_email_to_an_active_account(db, administrator):
    assert auth.sign_in_with_sso(db, email="Ada@Example.org", email_verified=True).id == administrator.id
    with pytest.raises(SignInFailed, match="single sign-on"):
        auth.sign_in_with_sso(db, email="stranger@example.org", email_verified=True)


@pytest.mark.parametrize("claim", [False, "false", "true", 0, 1, None, "yes"])
def test_sso_accepts_an_email_only_when_the_provider_says_verified_is_true(db, administrator, claim):
    with pytest.raises(SignInFailed):
        auth.sign_in_with_sso(db, email="ada@example.org", email_verified=claim)


def test_sso_trusts_an_unverified_email_only_from_a_provider_marked_trusted(db, administrator):
    assert (
        auth.sign_in_with_sso(db, email="ada@example.org", email_verified=None, trust_email=True).id == administrator.id
    )


def test_sso_links_the_provider_identity_and_follows_it_afterwards(db, administrator, clinician):
    iss = "https://sso.example.org"
    first = auth.sign_in_with_sso(db, email="ada@example.org", email_verified=True, issuer=iss, subject="sub-ada")
    assert first.id == administrator.id
    # Linked: the same (issuer, subject) finds the account even without a usable e-mail claim.
    assert auth.sign_in_with_sso(db, email=None, issuer=iss, subject="sub-ada").id == administrator.id
    # Another identity at the provider claiming the linked account's e-mail is refused.
    with pytest.raises(SignInFailed):
        auth.sign_in_with_sso(db, email="ada@example.org", email_verified=True, issuer=iss, subject="sub-mallory")


def test_sso_never_asks_an_invited_person_for_a_local_password(db, administrator):
    invitation = people.invite_person(
        db, administrator, token=token(), display_name="Sami", email="sami@example.org", roles={"clinician"}
    )
    assert invitation.temporary_password
    assert not auth.sign_in_with_sso(db, email="sami@example.org", email_verified=True).must_change_password


def test_browser_time_zone_is_remembered_and_checked(db, clinician):
    assert auth.set_timezone(db, clinician, "Europe/Berlin").timezone == "Europe/Berlin"
    with pytest.raises(ValidationError):
        auth.set_timezone(db, clinician, "Mars/Olympus")
