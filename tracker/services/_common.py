"""What every service needs: the role check, the audit trail and the idempotency guard."""
from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.models import AuditEvent, FormSubmission, Person
from tracker.domain import Actor, Role
from tracker.errors import NotAllowed
from tracker.validation import clean_token


def require(actor: Actor, role: Role) -> None:
    if not actor.has(role):
        raise NotAllowed("You do not have access to this. If you think you should, ask your administrator.")


def audit(
    db: Session,
    actor: Actor | None,
    action: str,
    *,
    target_type: str | None = None,
    target_id: int | None = None,
    detail: str | None = None,
) -> None:
    """Record a privileged action in the caller's transaction (committed with the change itself)."""
    db.add(
        AuditEvent(
            actor_id=actor.id if actor else None,
            action=action,
            target_type=target_type,
            target_id=target_id,
            detail=detail[:500] if detail else None,
        )
    )


def earlier_result(db: Session, token: str) -> FormSubmission | None:
    """The earlier submission of this form, if it was already processed."""
    return db.get(FormSubmission, clean_token(token))


def remember(db: Session, token: str, actor: Actor | None, action: str, result_id: int | None) -> None:
    """Mark a form token as processed inside the caller's transaction."""
    db.add(FormSubmission(token=token, person_id=actor.id if actor else None, action=action, result_id=result_id))


def commit_once(db: Session, token: str) -> bool:
    """Commit; False if a concurrent submit of the same form won the race (nothing of ours stored)."""
    try:
        db.commit()
    except IntegrityError:
        db.rollback()
        if db.scalar(select(FormSubmission.token).where(FormSubmission.token == token)):
            return False
        raise
    return True


def touch(db: Session, actor: Actor) -> None:
    """Mark the actor's own data as changed, so their cached trends are recomputed at once."""
    db.execute(update(Person).where(Person.id == actor.id).values(data_version=Person.data_version + 1))


def data_version(db: Session, actor: Actor) -> str:
    """Opaque and never reused: a new account that gets an old id (SQLite reuses ids after a
    reset) still gets a new version, so no cache can show it someone else's data."""
    created_at, version = db.execute(
        select(Person.created_at, Person.data_version).where(Person.id == actor.id)
    ).one()
    return f"{created_at.isoformat()}#{version}"
