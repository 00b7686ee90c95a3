"""Offering to support peers: opting in with topics and a monthly capacity, pausing, resuming.
A coordinator marks a supporter as trained."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Person, SupporterProfile, Tag, utcnow
from tracker.audit import AuditKind, AuditRecord
from tracker.domain import Actor
from tracker.errors import ValidationError
from tracker.policy import Action
from tracker.services.boundary import about_person, action
from tracker.validation import clean_bool, clean_tag_ids, is_id, is_int

CAPACITY_RANGE = range(1, 9)  # conversations a month


def save_profile(db: Session, actor: Actor, *, topic_ids: tuple[int, ...], capacity_per_month: int) -> None:
    """Opt in (or change topics and capacity). Saving the same profile again changes nothing."""
    with action(db, actor, Action.EDIT_SUPPORTER_PROFILE) as act:
        usable = set(db.scalars(select(Tag.id).where(~Tag.retired)))
        topics = clean_tag_ids(topic_ids, usable, what="topic")
        if not topics:
            raise ValidationError("Please choose at least one topic you are comfortable talking about.")
        if not is_int(capacity_per_month) or capacity_per_month not in CAPACITY_RANGE:
            raise ValidationError("Please choose a capacity of 1 to 8 conversations a month.")
        profile = db.get(SupporterProfile, actor.id)
        if profile is None:
            profile = SupporterProfile(person_id=actor.id, active=True, trained=False)
            db.add(profile)
        profile.capacity_per_month = capacity_per_month
        profile.topics = list(db.scalars(select(Tag).where(Tag.id.in_(topics))))
        profile.updated_at = utcnow()
        act.done(actor.id)


def set_paused(db: Session, actor: Actor, *, paused: bool) -> None:
    """Pause (no new proposals; conversations already approved go on) or resume."""
    with action(db, actor, Action.EDIT_SUPPORTER_PROFILE) as act:
        profile = db.get(SupporterProfile, actor.id)
        if profile is None:
            raise ValidationError("You have not offered to support peers yet.")
        profile.active, profile.updated_at = not clean_bool(paused), utcnow()
        act.done(actor.id)


def mark_trained(db: Session, actor: Actor, person_id: int, *, trained: bool) -> None:
    """A coordinator records that a supporter completed (or no longer holds) the training."""
    with action(db, actor, Action.MARK_SUPPORTER_TRAINED, resource=about_person(person_id)) as act:
        profile = db.get(SupporterProfile, person_id) if is_id(person_id) else None
        if profile is None:
            raise ValidationError("That person has not offered to support peers.")
        if profile.trained == clean_bool(trained):
            act.already_done = True
            return
        profile.trained, profile.updated_at = bool(trained), utcnow()
        kind = AuditKind.SUPPORTER_TRAINED if trained else AuditKind.SUPPORTER_UNTRAINED
        act.done(person_id, audit=AuditRecord.about_person(kind, db.get(Person, person_id)))
