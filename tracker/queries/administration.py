"""Reads for the administration pages: people, units, tags and the audit log. No private data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AuditEvent, Person, Tag, Unit
from tracker import throttle
from tracker.domain import Actor
from tracker.policy import Action
from tracker.services.boundary import authorize


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
    failed_sign_ins: int = 0  # consecutive; at tracker.throttle.LOCK_AFTER the account is locked

    @property
    def sign_in_locked(self) -> bool:
        return throttle.locked(self.failed_sign_ins)


@dataclass(frozen=True)
class NamedRow:
    id: int
    name: str
    active: bool


@dataclass(frozen=True)
class AuditRow:
    at: datetime
    actor: str | None
    action: str
    target: str | None
    detail: str | None


def list_people(db: Session, actor: Actor) -> list[PersonRow]:
    authorize(db, actor, Action.LIST_PEOPLE)
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
            failed_sign_ins=p.failed_sign_ins,
        )
        for p in people
    ]


def list_units(db: Session, actor: Actor, *, include_closed: bool = False) -> list[NamedRow]:
    authorize(db, actor, Action.LIST_PEOPLE)
    query = select(Unit).order_by(Unit.name)
    if not include_closed:
        query = query.where(Unit.active)
    return [NamedRow(u.id, u.name, u.active) for u in db.scalars(query)]


def list_tags(db: Session, actor: Actor) -> list[NamedRow]:
    """All tags, retired ones included, for the administrator's tag list."""
    authorize(db, actor, Action.MANAGE_LISTS)
    return [NamedRow(t.id, t.name, not t.retired) for t in db.scalars(select(Tag).order_by(Tag.name))]


def audit_log(db: Session, actor: Actor, *, limit: int = 200) -> list[AuditRow]:
    """The newest privileged actions, with names as they were when each happened.

    The log holds no private content, so reading it is not audited."""
    authorize(db, actor, Action.READ_AUDIT_LOG)
    events = db.scalars(select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit))
    return [
        AuditRow(
            at=event.at,
            actor=event.actor_name or "system",
            action=event.action,
            target=event.target_name or (f"{event.target_type} {event.target_id}" if event.target_type else None),
            detail=event.detail,
        )
        for event in events
    ]
