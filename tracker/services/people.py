"""Administration of people: invite, change, deactivate, reset a password. Every action is audited.

Administrators manage accounts; nothing here reads anyone's entries or notes, and a reset never
lets the administrator into the account (see services/auth.py: the history is sealed).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import exists, func, select, update
from sqlalchemy.orm import Session

from db.models import CheckIn, Interaction, Person, RoleGrant, Unit, utcnow
from tracker.audit import AuditKind, AuditRecord, sessions_ended
from tracker.domain import Actor, Role
from tracker.errors import ValidationError
from tracker.passwords import hash_password, temporary_password
from tracker.policy import Action
from tracker.services import sessions
from tracker.services.boundary import about_person, action
from tracker.validation import clean_bool, clean_email, clean_name, clean_profession, is_id

INVITATION_VALID = timedelta(days=7)
RESET_VALID = timedelta(hours=72)


@dataclass(frozen=True)
class Invitation:
    person_id: int
    temporary_password: str | None  # None when this was a repeated submit of the same form


def invite_person(
    db: Session,
    actor: Actor,
    *,
    token: str,
    display_name: str,
    email: str,
    roles: set[str],
    unit_id: int | None = None,
    profession: str | None = None,
    supervisor_id: int | None = None,
) -> Invitation:
    """Create an account with a temporary password the person must change at first sign-in."""
    with action(db, actor, Action.INVITE_PERSON, token=token) as act:
        if act.already_done:
            return Invitation(person_id=act.result_id, temporary_password=None)
        display_name, email = clean_name(display_name), clean_email(email)
        clean_roles = _clean_roles(roles)
        profession = clean_profession(profession)
        _check_unit(db, unit_id)
        if db.scalar(select(Person.id).where(Person.email == email)):
            raise ValidationError("Someone with this e-mail address already has an account.")
        if supervisor_id is not None and (not is_id(supervisor_id) or db.get(Person, supervisor_id) is None):
            raise ValidationError("The chosen supervisor does not exist.")
        password = temporary_password()
        person = Person(
            email=email,
            display_name=display_name,
            password_hash=hash_password(password),
            must_change_password=True,
            temporary_until=utcnow() + INVITATION_VALID,
            unit_id=unit_id,
            profession=profession,
            supervisor_id=supervisor_id,
        )
        person.roles = [RoleGrant(role=r) for r in sorted(clean_roles)]
        db.add(person)
        db.flush()
        detail = f"roles: {', '.join(sorted(clean_roles))}"
        act.done(person.id, audit=AuditRecord.about_person(AuditKind.PERSON_INVITED, person, detail))
    if act.already_done:  # a concurrent submit of the same form won
        return Invitation(person_id=act.result_id, temporary_password=None)
    return Invitation(person_id=person.id, temporary_password=password)


def update_person(
    db: Session,
    actor: Actor,
    person_id: int,
    *,
    display_name: str,
    roles: set[str],
    unit_id: int | None,
    profession: str | None,
    supervisor_id: int | None,
) -> None:
    """Set name, roles, unit, profession and supervisor. Repeating the same update changes nothing."""
    with action(db, actor, Action.UPDATE_PERSON, resource=about_person(person_id)) as act:
        person = _person(db, person_id)
        old_name = person.display_name
        display_name = clean_name(display_name)
        clean_roles = _clean_roles(roles)
        profession = clean_profession(profession)
        _check_unit(db, unit_id)
        _check_supervisor(db, person, supervisor_id)
        if Role.ADMINISTRATOR not in clean_roles:
            _keep_an_administrator(db, person)
        changes = []
        if person.display_name != display_name:
            changes.append("name")
        old_roles = {g.role for g in person.roles}
        if old_roles != clean_roles:
            changes.append(f"roles: {', '.join(sorted(clean_roles))}")
            person.roles = [g for g in person.roles if g.role in clean_roles] + [
                RoleGrant(role=r) for r in sorted(clean_roles - old_roles)
            ]
        if person.unit_id != unit_id:
            changes.append("unit")
        if person.profession != profession:
            changes.append("profession")
        if person.supervisor_id != supervisor_id:
            changes.append("supervisor")
        person.display_name, person.unit_id = display_name, unit_id
        person.profession, person.supervisor_id = profession, supervisor_id
        if not changes:
            act.already_done = True
            return
        record = AuditRecord(AuditKind.PERSON_UPDATED, "person", person.id, old_name, "; ".join(changes))
        act.done(person.id, audit=record)


def set_person_active(db: Session, actor: Actor, person_id: int, *, active: bool) -> None:
    """Deactivate (cannot sign in; their data stays) or reactivate an account."""
    with action(db, actor, Action.SET_PERSON_ACTIVE, resource=about_person(person_id)) as act:
        person = _person(db, person_id)
        if person.active == clean_bool(active):
            act.already_done = True
            return
        if not active:
            if person.id == actor.id:
                raise ValidationError("You cannot deactivate your own account.")
            _keep_an_administrator(db, person)
        person.active = bool(active)
        if active:
            act.done(person.id, audit=AuditRecord.about_person(AuditKind.PERSON_REACTIVATED, person))
            return
        ended = sessions.end_sessions(db, person.id, sessions.DEACTIVATED)
        detail = sessions_ended(ended)
        act.done(person.id, audit=AuditRecord.about_person(AuditKind.PERSON_DEACTIVATED, person, detail))


def reset_password(db: Session, actor: Actor, person_id: int, *, token: str) -> str | None:
    """A new temporary password (shown once); None if this form was already processed.

    The password expires after 72 hours and only lets its holder choose a new one; every open
    session of the person ends; people who sign in through single sign-on have no password to
    reset. A person with private data finds it sealed until they unseal it with their previous
    password (services/auth.py) — so the administrator who knows the temporary one reads nothing.
    """
    with action(db, actor, Action.RESET_PASSWORD, resource=about_person(person_id), token=token) as act:
        if act.already_done:
            return None
        person = _person(db, person_id)
        if person.id == actor.id:
            raise ValidationError("To change your own password, use Account.")
        if person.password_hash is None or person.sso_subject is not None:
            raise ValidationError("This person signs in through single sign-on; their password is managed there.")
        if not person.history_sealed and not person.must_change_password and _has_private_data(db, person.id):
            person.sealed_password_hash = person.password_hash  # only the person knows this one
        password = temporary_password()
        now = utcnow()
        person.password_hash = hash_password(password)
        person.must_change_password = True
        person.temporary_until = now + RESET_VALID
        person.password_reset_at = now
        person.failed_sign_ins, person.last_failed_sign_in_at = 0, None  # the new password may be tried at once
        ended = sessions.end_sessions(db, person.id, sessions.PASSWORD_RESET, now=now)
        detail = sessions_ended(ended)
        act.done(person.id, audit=AuditRecord.about_person(AuditKind.PASSWORD_RESET, person, detail))
    return None if act.already_done else password


def unlock_sign_in(db: Session, actor: Actor, person_id: int) -> None:
    """Clear a person's failed sign-ins, lifting the lock at 100 (tracker/throttle.py) or a wait.

    Only an administrator can do this, so a guesser who reached the lock cannot simply wait it
    out; the person usually asks after they see the "locked" message. Unlocking an account with
    no failures changes nothing and is not audited."""
    with action(db, actor, Action.UNLOCK_SIGN_IN, resource=about_person(person_id)) as act:
        person = _person(db, person_id)
        if not person.failed_sign_ins:
            act.already_done = True
            return
        detail = f"after {person.failed_sign_ins} failed sign-ins"
        person.failed_sign_ins, person.last_failed_sign_in_at = 0, None
        act.done(person.id, audit=AuditRecord.about_person(AuditKind.SIGN_IN_UNLOCKED, person, detail))


def _has_private_data(db: Session, person_id: int) -> bool:
    return bool(
        db.scalar(select(exists().where(Interaction.person_id == person_id)))
        or db.scalar(select(exists().where(CheckIn.person_id == person_id)))
    )


def _person(db: Session, person_id: int) -> Person:
    person = db.get(Person, person_id) if is_id(person_id) else None
    if person is None:
        raise ValidationError("That person does not exist.")
    return person


def _clean_roles(roles: set[str]) -> set[str]:
    valid = {r.value for r in Role}
    if not isinstance(roles, (set, frozenset, list, tuple)) or not all(isinstance(r, str) for r in roles):
        raise ValidationError("Please choose the person's roles from the list.")
    roles = set(roles)
    if not roles:
        raise ValidationError("Please give the person at least one role.")
    if not roles <= valid:
        raise ValidationError("Unknown role. The roles are clinician, coordinator and administrator.")
    return roles


def _check_unit(db: Session, unit_id: int | None) -> None:
    if unit_id is None:
        return
    unit = db.get(Unit, unit_id) if is_id(unit_id) else None
    if unit is None or not unit.active:
        raise ValidationError("The chosen unit does not exist or is closed.")


def _check_supervisor(db: Session, person: Person, supervisor_id: int | None) -> None:
    """A reporting line must be a chain, never a loop (matching walks it)."""
    if supervisor_id is not None and not is_id(supervisor_id):
        raise ValidationError("The chosen supervisor does not exist.")
    current = supervisor_id
    seen = set()
    while current is not None:
        if current == person.id:
            raise ValidationError("That supervisor would make a loop in the reporting line.")
        if current in seen:
            break
        seen.add(current)
        boss = db.get(Person, current) if is_id(current) else None
        if boss is None:
            raise ValidationError("The chosen supervisor does not exist.")
        current = boss.supervisor_id


def _keep_an_administrator(db: Session, person: Person) -> None:
    """Refuse a change that would leave nobody able to administer the installation.

    Two administrators demoting or deactivating each other at the same moment would each count
    the other and both succeed, leaving none; so the count waits for `_lock_administrators`."""
    if not any(g.role == Role.ADMINISTRATOR for g in person.roles):
        return
    _lock_administrators(db)
    others = db.scalar(
        select(func.count())
        .select_from(RoleGrant)
        .join(Person)
        .where(RoleGrant.role == Role.ADMINISTRATOR, Person.active, Person.id != person.id)
    )
    if not others:
        raise ValidationError("This is the last active administrator; make someone else an administrator first.")


def _lock_administrators(db: Session) -> None:
    """Serialise changes that may remove an administrator, until this action commits or rolls back.

    PostgreSQL: lock the active administrators' rows (in id order, so two such changes never
    deadlock); a second change waits here, and its count, a new statement under READ COMMITTED,
    then sees what the first one committed. SQLite has one writer at a time, but its driver
    starts the transaction only at the first write, after the count was read: so begin with a
    write that changes nothing, which waits (busy timeout) for any other writer to commit first.
    """
    administrators = select(RoleGrant.person_id).where(RoleGrant.role == Role.ADMINISTRATOR)
    if db.get_bind().dialect.name == "postgresql":
        db.execute(
            select(Person.id).where(Person.id.in_(administrators), Person.active).order_by(Person.id).with_for_update()
        )
    else:
        db.execute(
            update(Person)
            .where(Person.id.in_(administrators))
            .values(active=Person.active)
            .execution_options(synchronize_session=False)
        )
