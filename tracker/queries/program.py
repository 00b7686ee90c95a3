"""The program's settings as every service reads them: the stored row, or the defaults."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from db.models import ProgramSettings


@dataclass(frozen=True)
class Settings:
    response_target_hours: int = 24
    request_expiry_days: int = 14
    supporters_must_be_trained: bool = True
    min_group_size: int = 5
    checkin_cadence: str = "weekly"
    sso_creates_clinicians: bool = False
    idle_timeout_minutes: int = 30  # a shared ward computer left open does not stay signed in
    session_lifetime_hours: int = 12  # however busy, a sign-in lasts at most a long shift


def program_settings(db: Session) -> Settings:
    row = db.get(ProgramSettings, 1)
    if row is None:
        return Settings()
    return Settings(
        response_target_hours=row.response_target_hours,
        request_expiry_days=row.request_expiry_days,
        supporters_must_be_trained=row.supporters_must_be_trained,
        min_group_size=max(5, row.min_group_size),
        checkin_cadence=row.checkin_cadence,
        sso_creates_clinicians=row.sso_creates_clinicians,
        idle_timeout_minutes=row.idle_timeout_minutes,
        session_lifetime_hours=row.session_lifetime_hours,
    )
