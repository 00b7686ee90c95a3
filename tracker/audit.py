"""Typed audit events: what happened, to what, named as it was at the time.

The audit trail answers "who did what to whom, and when" for every privileged action and every
refused reach for someone else's data. It never holds private content (ratings, notes, loads).
Names are copied into the event when it is written, so renaming a person, a unit or a tag
later does not rewrite history.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from db.models import Person, Tag, Unit


class AuditKind(StrEnum):
    FIRST_ADMINISTRATOR_CREATED = "first administrator created"
    DEMO_FILLED = "demo organisation created"
    BACKUP_MADE = "backup made"
    BACKUP_RESTORED = "database restored from a backup"
    PERSON_INVITED = "person invited"
    PERSON_UPDATED = "person updated"
    PERSON_DEACTIVATED = "person deactivated"
    PERSON_REACTIVATED = "person reactivated"
    PASSWORD_RESET = "password reset"
    UNIT_CREATED = "unit created"
    UNIT_RENAMED = "unit renamed"
    UNIT_CLOSED = "unit closed"
    UNIT_REOPENED = "unit reopened"
    TAG_CREATED = "tag created"
    TAG_RENAMED = "tag renamed"
    TAG_RETIRED = "tag retired"
    TAG_RESTORED = "tag restored"
    PERSONAL_DATA_ERASED = "personal data erased"
    HISTORY_UNSEALED = "history unsealed after a password reset"
    HISTORY_RESTARTED = "history started afresh after a password reset"
    ACCESS_REFUSED = "access to someone else's data refused"
    # peer support (the conversations issue)
    QUEUE_VIEWED = "coordinator's queue viewed"
    MATCHES_PROPOSED = "matches proposed"
    MATCH_APPROVED = "match approved"
    MATCH_SWAPPED = "supporter swapped"
    MATCH_DECLINED = "match declined"
    REQUEST_DECLINED = "request declined"
    SUPPORTER_TRAINED = "supporter marked trained"
    SUPPORTER_UNTRAINED = "supporter training mark removed"
    OUTCOMES_VIEWED = "program outcomes viewed"
    SETTINGS_CHANGED = "program settings changed"
    PERSON_CREATED_BY_SSO = "person created at first single sign-on"
    # sign-in (the trust issue): every attempt, so a guessing attack shows in the log
    SIGNED_IN = "signed in"
    SIGNED_IN_WITH_SSO = "signed in with single sign-on"
    SIGN_IN_FAILED = "sign-in failed"
    SIGN_IN_UNLOCKED = "sign-in unlocked"
    SIGNED_OUT = "signed out"
    SIGNED_OUT_EVERYWHERE = "signed out everywhere"
    PASSWORD_CHANGED = "password changed"


@dataclass(frozen=True)
class AuditRecord:
    """One event, ready for the boundary to write with the actor's name as it is now."""

    kind: AuditKind
    target_type: str | None = None
    target_id: int | None = None
    target_name: str | None = None
    detail: str | None = None

    @classmethod
    def about_person(cls, kind: AuditKind, person: Person, detail: str | None = None) -> AuditRecord:
        return cls(kind, "person", person.id, person.display_name, detail)

    @classmethod
    def about_list_item(cls, kind: AuditKind, row: Unit | Tag, noun: str, detail: str | None = None) -> AuditRecord:
        return cls(kind, noun, row.id, row.name, detail)

    @classmethod
    def sign_in_failed(cls, person: Person | None, detail: str) -> AuditRecord:
        """A failed sign-in names its account when the e-mail is known; for an unknown e-mail it
        records no target and never the typed address (it may be a password typed in the wrong field)."""
        if person is None:
            return cls(AuditKind.SIGN_IN_FAILED, detail=detail)
        return cls.about_person(AuditKind.SIGN_IN_FAILED, person, detail)

    @classmethod
    def refused(cls, what: str, owner_id: int | None) -> AuditRecord:
        return cls(AuditKind.ACCESS_REFUSED, "person" if owner_id is not None else None, owner_id, None, what)


def sessions_ended(count: int) -> str:
    """The detail of an action that ended a person's open sign-in sessions (tracker/services/sessions.py)."""
    return f"{count} open session{'' if count == 1 else 's'} ended"
