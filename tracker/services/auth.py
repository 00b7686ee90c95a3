"""Sign-in, the first administrator, and passwords. One message for every failed sign-in."""
from __future__ import annotations

from dataclasses import replace
from functools import cache
from zoneinfo import available_timezones

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Person, RoleGrant
from tracker.domain import Actor, Role
from tracker.errors import SignInFailed, ValidationError
from tracker.passwords import hash_password, needs_rehash, verify_password
from tracker.services._common import audit
from tracker.validation import clean_email, clean_name, clean_new_password


def to_actor(person: Person) -> Actor:
    return Actor(
        id=person.id,
        email=person.email,
        display_name=person.display_name,
        roles=frozenset(Role(g.role) for g in person.roles),
        timezone=person.timezone,
        must_change_password=person.must_change_password,
    )


def needs_first_administrator(db: Session) -> bool:
    """True only on an empty installation: then the app offers to create the first administrator."""
    return not db.scalar(select(func.count()).select_from(Person))


def create_first_administrator(db: Session, *, name: str, email: str, password: str, repeated: str) -> Actor:
    """Create the first administrator (also a clinician, so they can use the app themselves)."""
    name, email = clean_name(name), clean_email(email)
    password = clean_new_password(password, repeated)
    # Re-checked under the write: a second browser racing the first form gets a clear refusal.
    if not needs_first_administrator(db):
        raise ValidationError("An administrator already exists. Please sign in.")
    person = Person(email=email, display_name=name, password_hash=hash_password(password))
    person.roles = [RoleGrant(role=Role.ADMINISTRATOR), RoleGrant(role=Role.CLINICIAN)]
    db.add(person)
    db.flush()
    audit(db, None, "first administrator created", target_type="person", target_id=person.id)
    db.commit()
    return to_actor(person)


def sign_in(db: Session, *, email: str, password: str) -> Actor:
    """The actor for a correct e-mail and password of an active account; SignInFailed otherwise."""
    if not isinstance(email, str) or not isinstance(password, str):
        raise SignInFailed()
    person = db.scalar(select(Person).where(Person.email == email.strip().lower()))
    ok = verify_password(person.password_hash if person else None, password)
    if not ok or person is None or not person.active:
        raise SignInFailed()
    if needs_rehash(person.password_hash):
        person.password_hash = hash_password(password)
        db.commit()
    return to_actor(person)


SSO_REFUSED = "Your single sign-on identity does not match an active account here."


def sign_in_with_sso(db: Session, *, email: str | None, email_verified: bool | None = None) -> Actor:
    """The identity provider vouches for the e-mail; the person must exist and be active here.

    An e-mail the provider itself marks as unverified is refused: anyone could have typed it.
    (Providers that send no `email_verified` claim, as many hospital directories do, are trusted.)
    A person signed in this way never needs a local password, so no password change is asked.
    """
    if not email or email_verified is False:
        raise SignInFailed(SSO_REFUSED)
    person = db.scalar(select(Person).where(Person.email == email.strip().lower()))
    if person is None or not person.active:
        raise SignInFailed(SSO_REFUSED)
    return replace(to_actor(person), must_change_password=False)


def current_actor(db: Session, person_id: int) -> Actor | None:
    """Reload the signed-in person on every page run, so a deactivation or role change applies at once."""
    person = db.get(Person, person_id)
    if person is None or not person.active:
        return None
    return to_actor(person)


def change_password(db: Session, actor: Actor, *, current: str, new: str, repeated: str) -> Actor:
    person = db.get(Person, actor.id)
    if person is None or not verify_password(person.password_hash, current or ""):
        raise ValidationError("Your current password is not correct.")
    new = clean_new_password(new, repeated)
    if new == current:
        raise ValidationError("Please choose a password different from the current one.")
    person.password_hash = hash_password(new)
    person.must_change_password = False
    db.commit()
    return to_actor(person)


def set_timezone(db: Session, actor: Actor, timezone: str) -> Actor:
    """Remember the browser's time zone so 'today' is the clinician's today."""
    if timezone not in _known_timezones():
        raise ValidationError("Unknown time zone.")
    person = db.get(Person, actor.id)
    person.timezone = timezone
    db.commit()
    return to_actor(person)


@cache
def _known_timezones() -> frozenset[str]:
    return frozenset(available_timezones())
