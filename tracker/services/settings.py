"""Program settings, changed by administrators (audited). Each has a default that works unconfigured
(tracker/queries/program.py); the minimum group size can never go below 5."""

from __future__ import annotations

from sqlalchemy.orm import Session

from db.models import ProgramSettings
from tracker.audit import AuditKind, AuditRecord
from tracker.domain import Actor
from tracker.errors import ValidationError
from tracker.policy import MIN_GROUP_SIZE, Action
from tracker.queries.program import Settings
from tracker.services.boundary import action
from tracker.validation import is_int

CADENCES = ("weekly", "fortnightly")
LIMITS = {
    "response_target_hours": (1, 24 * 30, "The response target must be 1 to 720 hours."),
    "request_expiry_days": (1, 365, "Requests must expire after 1 to 365 days."),
    "min_group_size": (MIN_GROUP_SIZE, 100, f"The minimum group size must be {MIN_GROUP_SIZE} to 100 people."),
    "idle_timeout_minutes": (5, 480, "The idle timeout must be 5 to 480 minutes."),
    "session_lifetime_hours": (1, 24, "A sign-in must last 1 to 24 hours."),
}


def update_settings(db: Session, actor: Actor, wanted: Settings) -> None:
    """Store the settings; the audit event names each changed setting with its old and new value."""
    with action(db, actor, Action.CHANGE_SETTINGS) as act:
        for name, (low, high, message) in LIMITS.items():
            value = getattr(wanted, name)
            if not is_int(value) or not low <= value <= high:
                raise ValidationError(message)
        if wanted.idle_timeout_minutes > wanted.session_lifetime_hours * 60:
            raise ValidationError("The idle timeout cannot be longer than a sign-in lasts.")
        if wanted.checkin_cadence not in CADENCES:
            raise ValidationError("The check-in cadence is weekly or fortnightly.")
        for name in ("supporters_must_be_trained", "sso_creates_clinicians"):
            if not isinstance(getattr(wanted, name), bool):
                raise ValidationError("Please answer yes or no.")
        row = db.get(ProgramSettings, 1)
        if row is None:
            row = ProgramSettings(id=1, **Settings().__dict__)
            db.add(row)
        changes = [
            f"{name}: {getattr(row, name)} → {value}"
            for name, value in wanted.__dict__.items()
            if getattr(row, name) != value
        ]
        if not changes:
            act.already_done = True
            return
        for name, value in wanted.__dict__.items():
            setattr(row, name, value)
        act.done(
            1, audit=AuditRecord(AuditKind.SETTINGS_CHANGED, "settings", 1, "program settings", "; ".join(changes))
        )
