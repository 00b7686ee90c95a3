"""Reads for the administration pages: people, units, tags and the audit log. No private data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import pandas as pd
from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session

from db.models import AuditEvent, Person, Tag, Unit
from tracker import throttle
from tracker.audit import AuditKind
from tracker.domain import Actor, as_utc
from tracker.errors import ValidationError
from tracker.export import table_csv
from tracker.policy import Action
from tracker.services.boundary import authorize
from tracker.validation import clean_name, is_int


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


AUDIT_PAGE_SIZE = 50
AUDIT_EXPORT_LIMIT = 100_000  # newest first; a wider export asks for narrower dates
AUDIT_COLUMNS = ("When (UTC)", "Who", "What", "On", "Detail")
SYSTEM = "system"  # who acted when nobody was signed in (the installation, the command line)


@dataclass(frozen=True)
class AuditFilter:
    """What the administrator narrows the log to; every field optional. Days are UTC, both inclusive."""

    who: str | None = None  # the actor's name contains this, any case; "system" finds the installation's own
    kind: AuditKind | str | None = None
    since: date | None = None
    until: date | None = None


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    total: int  # events matching the filter
    page: int  # 1-based, within 1..pages
    pages: int  # at least 1, even when nothing matches
    page_size: int


@dataclass(frozen=True)
class AuditExport:
    csv: bytes
    rows: int  # in the file
    total: int  # matching the filter; more than `rows` when the export was cut at AUDIT_EXPORT_LIMIT


def audit_log(db: Session, actor: Actor, filters: AuditFilter | None = None, *, limit: int = 200) -> list[AuditRow]:
    """The newest privileged actions matching `filters`, with names as they were when each happened.

    The log holds no private content, so reading it is not audited (policy: READ_AUDIT_LOG)."""
    authorize(db, actor, Action.READ_AUDIT_LOG)
    conditions = _audit_conditions(filters or AuditFilter())
    return _audit_rows(db, _newest_first(conditions).limit(limit))


def audit_page(
    db: Session, actor: Actor, filters: AuditFilter | None = None, *, page: int = 1, page_size: int = AUDIT_PAGE_SIZE
) -> AuditPage:
    """One page of the filtered log, newest first, and how many events match — both counted and cut
    in SQL (COUNT, LIMIT/OFFSET on the `at` index), never the whole log in memory. A page number
    past either end shows the first or the last page."""
    authorize(db, actor, Action.READ_AUDIT_LOG)
    if not is_int(page_size) or not 1 <= page_size <= 500:
        raise ValidationError("A page shows 1 to 500 events.")
    if not is_int(page):
        raise ValidationError("The page number must be a whole number.")
    conditions = _audit_conditions(filters or AuditFilter())
    total = db.scalar(select(func.count()).select_from(AuditEvent).where(*conditions)) or 0
    pages = max(1, -(-total // page_size))
    page = min(max(page, 1), pages)
    rows = _audit_rows(db, _newest_first(conditions).limit(page_size).offset((page - 1) * page_size))
    return AuditPage(rows=rows, total=total, page=page, pages=pages, page_size=page_size)


def audit_export(db: Session, actor: Actor, filters: AuditFilter | None = None) -> AuditExport:
    """The filtered log as CSV (formula cells neutralised, `tracker.export.table_csv`), newest first,
    at most AUDIT_EXPORT_LIMIT events. Not audited, like reading the log (policy: READ_AUDIT_LOG)."""
    authorize(db, actor, Action.READ_AUDIT_LOG)
    conditions = _audit_conditions(filters or AuditFilter())
    total = db.scalar(select(func.count()).select_from(AuditEvent).where(*conditions)) or 0
    rows = _audit_rows(db, _newest_first(conditions).limit(AUDIT_EXPORT_LIMIT))
    return AuditExport(csv=table_csv(audit_table(rows)), rows=len(rows), total=total)


def audit_table(rows: list[AuditRow]) -> pd.DataFrame:
    """The rows as the page shows them and the export writes them."""
    return pd.DataFrame(
        [(r.at.strftime("%Y-%m-%d %H:%M"), r.actor, r.action, r.target, r.detail) for r in rows],
        columns=list(AUDIT_COLUMNS),
    )


def _audit_conditions(filters: AuditFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.who is not None and not (isinstance(filters.who, str) and not filters.who.strip()):
        who = clean_name(filters.who, what="name to search for")
        match = AuditEvent.actor_name.icontains(who, autoescape=True)
        conditions.append(or_(match, AuditEvent.actor_name.is_(None)) if who.casefold() in SYSTEM else match)
    if filters.kind is not None and filters.kind != "":
        try:
            kind = AuditKind(filters.kind)
        except ValueError:
            raise ValidationError("Please choose a kind of event from the list.") from None
        conditions.append(AuditEvent.action == kind.value)
    for day in (filters.since, filters.until):
        if day is not None and (not isinstance(day, date) or isinstance(day, datetime)):
            raise ValidationError("Please choose a day.")
    if filters.since is not None and filters.until is not None and filters.since > filters.until:
        raise ValidationError("The first day is after the last day.")
    if filters.since is not None:
        conditions.append(AuditEvent.at >= datetime.combine(filters.since, time.min, UTC))
    if filters.until is not None and filters.until < date.max:
        conditions.append(AuditEvent.at < datetime.combine(filters.until + timedelta(days=1), time.min, UTC))
    return conditions


def _newest_first(conditions: list[ColumnElement[bool]]) -> Select:
    columns = (AuditEvent.at, AuditEvent.actor_name, AuditEvent.action, AuditEvent.target_type, AuditEvent.target_id)
    return (
        select(*columns, AuditEvent.target_name, AuditEvent.detail)
        .where(*conditions)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )


def _audit_rows(db: Session, query: Select) -> list[AuditRow]:
    """Plain rows, not ORM objects: an export of 100,000 events loads in a fraction of the time."""
    return [
        AuditRow(
            at=as_utc(event.at).astimezone(UTC),  # PostgreSQL answers in its session's time zone
            actor=event.actor_name or SYSTEM,
            action=event.action,
            target=event.target_name or (f"{event.target_type} {event.target_id}" if event.target_type else None),
            detail=event.detail,
        )
        for event in db.execute(query)
    ]
