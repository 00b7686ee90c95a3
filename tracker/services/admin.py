"""Administration: people, roles, units and the tag list. Every action is audited.

Administrators manage accounts; nothing here reads anyone's entries or notes.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from db.models import AuditEvent, Person, RoleGrant, Tag, Unit
from tracker.domain import Actor, Role
from tracker.errors import ValidationError
from tracker.passwords import hash_password, temporary_password
from tracker.services._common import audit, commit_once, earlier_result, remember, require
from tracker.validation import clean_email, clean_name, clean_profession


@dataclass(frozen=True)
class PersonRow:
    id: int
    display_name: str
    email: str
    roles: tuple[str, ...]
    unit_id: int | None
    unit: str | None
    profession: str | None
    supervisor_id: int | None
    supervisor: str | None
    active: bool


@dataclass(frozen=True)
class NamedRow:
    id: int
    name: str
    active: bool


@dataclass(frozen=True)
class Invitation:
    person_id: int
    temporary_password: str | None  # None when this was a repeated submit of the same form


@dataclass(frozen=True)
class AuditRow:
    at: datetime
    actor: str | None
    action: str
    target: str | None
    detail: str | None


# ---- people -------------------------------------------------------------------------------


def list_people(db: Session, actor: Actor) -> list[PersonRow]:
    require(actor, Role.ADMINISTRATOR)
    people = db.scalars(select(Person).order_by(Person.display_name)).all()
    names = {p.id: p.display_name for p in people}
    units = {u.id: u.name for u in db.scalars(select(Unit))}
    return [
        PersonRow(
            id=p.id,
            display_name=p.display_name,
            email=p.email,
            roles=tuple(sorted(g.role for g in p.roles)),
            unit_id=p.unit_id,
            unit=units.get(p.unit_id),
            profession=p.profession,
            supervisor_id=p.supervisor_id,
            supervisor=names.get(p.supervisor_id),
            active=p.active,
        )
        for p in people
    ]


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
    require(actor, Role.ADMINISTRATOR)
    earlier = earlier_result(db, token)
    if earlier is not None:
        return Invitation(person_id=earlier.result_id, temporary_password=None)
    display_name, email = clean_name(display_name), clean_email(email)
    clean_roles = _clean_roles(roles)
    profession = clean_profession(profession)
    _check_unit(db, unit_id)
    if db.scalar(select(Person.id).where(Person.email == email)):
        raise ValidationError("Someone with this e-mail address already has an account.")
    if supervisor_id is not None and db.get(Person, supervisor_id) is None:
        raise ValidationError("The chosen supervisor does not exist.")
    password = temporary_password()
    person = Person(
        email=email,
        display_name=display_name,
        password_hash=hash_password(password),
        must_change_password=True,
        unit_id=unit_id,
        profession=profession,
        supervisor_id=supervisor_id,
    )
    person.roles = [RoleGrant(role=r) for r in sorted(clean_roles)]
    db.add(person)
    db.flush()
    audit(db, actor, "person invited", target_type="person", target_id=person.id, detail=f"roles: {', '.join(sorted(clean_roles))}")
    remember(db, token, actor, "invite person", person.id)
    if not commit_once(db, token):
        return Invitation(person_id=earlier_result(db, token).result_id, temporary_password=None)
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
    require(actor, Role.ADMINISTRATOR)
    person = _person(db, person_id)
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
    if changes:
        audit(db, actor, "person updated", target_type="person", target_id=person.id, detail="; ".join(changes))
    db.commit()


def set_person_active(db: Session, actor: Actor, person_id: int, *, active: bool) -> None:
    """Deactivate (cannot sign in; their data stays) or reactivate an account."""
    require(actor, Role.ADMINISTRATOR)
    person = _person(db, person_id)
    if person.active == active:
        return
    if not active:
        if person.id == actor.id:
            raise ValidationError("You cannot deactivate your own account.")
        _keep_an_administrator(db, person)
    person.active = active
    audit(db, actor, "person reactivated" if active else "person deactivated", target_type="person", target_id=person.id)
    db.commit()


def reset_password(db: Session, actor: Actor, person_id: int, *, token: str) -> str | None:
    """A new temporary password (shown once); None if this form was already processed."""
    require(actor, Role.ADMINISTRATOR)
    if earlier_result(db, token) is not None:
        return None
    person = _person(db, person_id)
    password = temporary_password()
    person.password_hash = hash_password(password)
    person.must_change_password = True
    audit(db, actor, "password reset", target_type="person", target_id=person.id)
    remember(db, token, actor, "reset password", person.id)
    return password if commit_once(db, token) else None


def _person(db: Session, person_id: int) -> Person:
    person = db.get(Person, person_id) if isinstance(person_id, int) else None
    if person is None:
        raise ValidationError("That person does not exist.")
    return person


def _clean_roles(roles: set[str]) -> set[str]:
    valid = {r.value for r in Role}
    roles = set(roles or ())
    if not roles:
        raise ValidationError("Please give the person at least one role.")
    if not roles <= valid:
        raise ValidationError("Unknown role. The roles are clinician, coordinator and administrator.")
    return roles


def _check_unit(db: Session, unit_id: int | None) -> None:
    if unit_id is None:
        return
    unit = db.get(Unit, unit_id) if isinstance(unit_id, int) else None
    if unit is None or not unit.active:
        raise ValidationError("The chosen unit does not exist or is closed.")


def _check_supervisor(db: Session, person: Person, supervisor_id: int | None) -> None:
    """A reporting line must be a chain, never a loop (matching walks it)."""
    current = supervisor_id
    seen = set()
    while current is not None:
        if current == person.id:
            raise ValidationError("That supervisor would make a loop in the reporting line.")
        if current in seen:
            break
        seen.add(current)
        boss = db.get(Person, current) if isinstance(current, int) else None
        if boss is None:
            raise ValidationError("The chosen supervisor does not exist.")
        current = boss.supervisor_id


def _keep_an_administrator(db: Session, person: Person) -> None:
    """Refuse a change that would leave nobody able to administer the installation."""
    if not any(g.role == Role.ADMINISTRATOR for g in person.roles):
        return
    others = db.scalar(
        select(func.count())
        .select_from(RoleGrant)
        .join(Person)
        .where(RoleGrant.role == Role.ADMINISTRATOR, Person.active, Person.id != person.id)
    )
    if not others:
        raise ValidationError("This is the last active administrator; make someone else an administrator first.")


# ---- units --------------------------------------------------------------------------------


def list_units(db: Session, actor: Actor, *, include_closed: bool = False) -> list[NamedRow]:
    require(actor, Role.ADMINISTRATOR)
    query = select(Unit).order_by(Unit.name)
    if not include_closed:
        query = query.where(Unit.active)
    return [NamedRow(u.id, u.name, u.active) for u in db.scalars(query)]


def create_unit(db: Session, actor: Actor, *, token: str, name: str) -> int:
    return _create_named(db, actor, Unit, token=token, name=name, noun="unit", max_chars=120)


def rename_unit(db: Session, actor: Actor, unit_id: int, *, name: str) -> None:
    _rename_named(db, actor, Unit, unit_id, name=name, noun="unit", max_chars=120)


def set_unit_active(db: Session, actor: Actor, unit_id: int, *, active: bool) -> None:
    require(actor, Role.ADMINISTRATOR)
    unit = _named(db, Unit, unit_id, "That unit does not exist.")
    if unit.active == active:
        return
    unit.active = active
    audit(db, actor, "unit reopened" if active else "unit closed", target_type="unit", target_id=unit.id)
    db.commit()


# ---- tags ---------------------------------------------------------------------------------


def list_tags(db: Session, actor: Actor) -> list[NamedRow]:
    """All tags, retired ones included, for the administrator's tag list."""
    require(actor, Role.ADMINISTRATOR)
    return [NamedRow(t.id, t.name, not t.retired) for t in db.scalars(select(Tag).order_by(Tag.name))]


def create_tag(db: Session, actor: Actor, *, token: str, name: str) -> int:
    return _create_named(db, actor, Tag, token=token, name=name, noun="tag", max_chars=60)


def rename_tag(db: Session, actor: Actor, tag_id: int, *, name: str) -> None:
    """Renaming changes the label on every entry that carries the tag, old ones included."""
    _rename_named(db, actor, Tag, tag_id, name=name, noun="tag", max_chars=60)


def set_tag_retired(db: Session, actor: Actor, tag_id: int, *, retired: bool) -> None:
    """A retired tag cannot be chosen for new entries; old entries keep it."""
    require(actor, Role.ADMINISTRATOR)
    tag = _named(db, Tag, tag_id, "That tag does not exist.")
    if tag.retired == retired:
        return
    tag.retired = retired
    audit(db, actor, "tag retired" if retired else "tag restored", target_type="tag", target_id=tag.id)
    db.commit()


def _create_named(db: Session, actor: Actor, model, *, token: str, name: str, noun: str, max_chars: int) -> int:
    """Add a unit or a tag: the two administrator-managed lists share these rules."""
    require(actor, Role.ADMINISTRATOR)
    earlier = earlier_result(db, token)
    if earlier is not None:
        return earlier.result_id
    name = clean_name(name, what=f"{noun} name", max_chars=max_chars)
    _unique_name(db, model, name, f"A {noun} with this name already exists.")
    row = model(name=name)
    db.add(row)
    db.flush()
    audit(db, actor, f"{noun} created", target_type=noun, target_id=row.id, detail=name)
    remember(db, token, actor, f"create {noun}", row.id)
    return row.id if commit_once(db, token) else earlier_result(db, token).result_id


def _rename_named(db: Session, actor: Actor, model, row_id: int, *, name: str, noun: str, max_chars: int) -> None:
    require(actor, Role.ADMINISTRATOR)
    row = _named(db, model, row_id, f"That {noun} does not exist.")
    name = clean_name(name, what=f"{noun} name", max_chars=max_chars)
    if row.name == name:
        return
    _unique_name(db, model, name, f"A {noun} with this name already exists.", exclude=row.id)
    audit(db, actor, f"{noun} renamed", target_type=noun, target_id=row.id, detail=f"{row.name} → {name}")
    row.name = name
    db.commit()


def _named(db: Session, model, row_id: int, missing: str):
    row = db.get(model, row_id) if isinstance(row_id, int) else None
    if row is None:
        raise ValidationError(missing)
    return row


def _unique_name(db: Session, model, name: str, message: str, exclude: int | None = None) -> None:
    query = select(model.id).where(func.lower(model.name) == name.lower())
    if exclude is not None:
        query = query.where(model.id != exclude)
    if db.scalar(query):
        raise ValidationError(message)


# ---- audit --------------------------------------------------------------------------------


def audit_log(db: Session, actor: Actor, *, limit: int = 200) -> list[AuditRow]:
    """The newest privileged actions. The log holds no private content, so reading it is not audited."""
    require(actor, Role.ADMINISTRATOR)
    who, whom = aliased(Person), aliased(Person)
    rows = db.execute(
        select(AuditEvent, who.display_name, whom.display_name)
        .outerjoin(who, who.id == AuditEvent.actor_id)
        .outerjoin(whom, (AuditEvent.target_type == "person") & (whom.id == AuditEvent.target_id))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(limit)
    )
    return [
        AuditRow(
            at=event.at,
            actor=actor_name or "system",
            action=event.action,
            target=target_name or (f"{event.target_type} {event.target_id}" if event.target_type else None),
            detail=event.detail,
        )
        for event, actor_name, target_name in rows
    ]
