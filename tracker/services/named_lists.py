"""The administrator's named lists — units and tags — defined once and managed by the same rules.

A list item has a unique name (compared without case) and can be switched off without being
deleted: a closed unit keeps its people, a retired tag stays on the entries that carry it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Tag, Unit
from tracker.audit import AuditKind, AuditRecord
from tracker.domain import Actor
from tracker.errors import ValidationError
from tracker.policy import Action
from tracker.services.boundary import action
from tracker.validation import clean_bool, clean_name, is_id


@dataclass(frozen=True)
class NamedList:
    model: type[Unit] | type[Tag]
    noun: str
    max_chars: int
    created: AuditKind
    renamed: AuditKind
    switched_off: AuditKind
    switched_on: AuditKind

    def is_on(self, row: Unit | Tag) -> bool:
        return row.active if isinstance(row, Unit) else not row.retired

    def switch(self, row: Unit | Tag, on: bool) -> None:
        if isinstance(row, Unit):
            row.active = on
        else:
            row.retired = not on


UNITS = NamedList(
    Unit, "unit", 120, AuditKind.UNIT_CREATED, AuditKind.UNIT_RENAMED, AuditKind.UNIT_CLOSED, AuditKind.UNIT_REOPENED
)
TAGS = NamedList(
    Tag, "tag", 60, AuditKind.TAG_CREATED, AuditKind.TAG_RENAMED, AuditKind.TAG_RETIRED, AuditKind.TAG_RESTORED
)


def create(db: Session, actor: Actor, kind: NamedList, *, token: str, name: str) -> int:
    """Add an item; a repeated submit of the same form returns the first item."""
    with action(db, actor, Action.MANAGE_LISTS, token=token) as act:
        if act.already_done:
            return act.result_id
        name = clean_name(name, what=f"{kind.noun} name", max_chars=kind.max_chars)
        _unique_name(db, kind, name)
        row = kind.model(name=name)
        db.add(row)
        db.flush()
        act.done(row.id, audit=AuditRecord.about_list_item(kind.created, row, kind.noun, name))
    return act.result_id


def rename(db: Session, actor: Actor, kind: NamedList, row_id: int, *, name: str) -> None:
    """Rename an item; a tag's new name shows on every entry that carries it, old ones included."""
    with action(db, actor, Action.MANAGE_LISTS) as act:
        row = _row(db, kind, row_id)
        name = clean_name(name, what=f"{kind.noun} name", max_chars=kind.max_chars)
        if row.name == name:
            act.already_done = True
            return
        _unique_name(db, kind, name, exclude=row.id)
        record = AuditRecord.about_list_item(kind.renamed, row, kind.noun, f"{row.name} → {name}")
        row.name = name
        act.done(row.id, audit=record)


def switch(db: Session, actor: Actor, kind: NamedList, row_id: int, *, on: bool) -> None:
    """Close or reopen a unit, retire or restore a tag. Switching to the state it has changes nothing."""
    with action(db, actor, Action.MANAGE_LISTS) as act:
        row = _row(db, kind, row_id)
        if kind.is_on(row) == clean_bool(on):
            act.already_done = True
            return
        kind.switch(row, bool(on))
        act.done(
            row.id, audit=AuditRecord.about_list_item(kind.switched_on if on else kind.switched_off, row, kind.noun)
        )


# The page-facing names the administration pages call.
def create_unit(db: Session, actor: Actor, *, token: str, name: str) -> int:
    return create(db, actor, UNITS, token=token, name=name)


def rename_unit(db: Session, actor: Actor, unit_id: int, *, name: str) -> None:
    rename(db, actor, UNITS, unit_id, name=name)


def set_unit_active(db: Session, actor: Actor, unit_id: int, *, active: bool) -> None:
    switch(db, actor, UNITS, unit_id, on=active)


def create_tag(db: Session, actor: Actor, *, token: str, name: str) -> int:
    return create(db, actor, TAGS, token=token, name=name)


def rename_tag(db: Session, actor: Actor, tag_id: int, *, name: str) -> None:
    rename(db, actor, TAGS, tag_id, name=name)


def set_tag_retired(db: Session, actor: Actor, tag_id: int, *, retired: bool) -> None:
    """A retired tag cannot be chosen for new entries; old entries keep it."""
    switch(db, actor, TAGS, tag_id, on=not clean_bool(retired))


def _row(db: Session, kind: NamedList, row_id: int) -> Unit | Tag:
    row = db.get(kind.model, row_id) if is_id(row_id) else None
    if row is None:
        raise ValidationError(f"That {kind.noun} does not exist.")
    return row


def _unique_name(db: Session, kind: NamedList, name: str, exclude: int | None = None) -> None:
    query = select(kind.model.id).where(func.lower(kind.model.name) == name.lower())
    if exclude is not None:
        query = query.where(kind.model.id != exclude)
    if db.scalar(query):
        raise ValidationError(f"A {kind.noun} with this name already exists.")
