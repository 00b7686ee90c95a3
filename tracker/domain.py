"""The vocabulary of the product: roles, professions, the rating scale, the acting person."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo


class Role(StrEnum):
    CLINICIAN = "clinician"
    COORDINATOR = "coordinator"
    ADMINISTRATOR = "administrator"


PROFESSIONS = ("physician", "nurse", "resident", "allied health", "therapist")
TIMES_OF_DAY = ("morning", "afternoon", "evening", "night")

# One signed scale: how the interaction left the clinician.
RATING_LABELS = {
    -3: "Very draining",
    -2: "Draining",
    -1: "A bit draining",
    0: "Neutral",
    1: "A bit fulfilling",
    2: "Fulfilling",
    3: "Very fulfilling",
}

# The two trust questions are answered on a three-step scale.
TRUST_ANSWERS = {0: "No", 1: "Somewhat", 2: "Yes"}
TRUST_QUESTIONS = {
    "felt_trusted": "I felt trusted by the patient",
    "showed_humanity": "I let my own humanity show",
}

NOTE_MAX_CHARS = 2000


def as_utc(moment: datetime | None) -> datetime | None:
    """Every stored time is UTC; SQLite hands it back without its time zone."""
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


def time_of_day(hour: int) -> str:
    """The log form's default: the part of the day a local clock hour falls in."""
    if 6 <= hour < 12:
        return "morning"
    if 12 <= hour < 17:
        return "afternoon"
    if 17 <= hour < 22:
        return "evening"
    return "night"


# The curated starting list; administrators add, rename and retire tags later.
DEFAULT_TAGS = (
    "Breaking bad news",
    "Patient death",
    "Conflict with family",
    "Gratitude",
    "Breakthrough",
    "Moral distress",
    "Boundary strain",
    "Moment of connection",
    "Aggression or threat",
    "Teaching moment",
)


@dataclass(frozen=True)
class Actor:
    """The signed-in person as services see them: who they are and what they may do."""

    id: int
    email: str
    display_name: str
    roles: frozenset[Role]
    timezone: str = "UTC"
    must_change_password: bool = False
    # Sealed after an administrator's password reset until the person unseals it (see services/auth.py).
    history_sealed: bool = False
    password_reset_at: datetime | None = None
    # The sign-in session this person acts from (tracker/services/sessions.py); None outside one
    # (the command line, tests that call services directly).
    session_id: int | None = None

    def has(self, role: Role) -> bool:
        return role in self.roles

    def now(self) -> datetime:
        """The person's own local time: entries are dated in the clinician's day, not the server's."""
        return datetime.now(ZoneInfo(self.timezone))

    def today(self) -> date:
        return self.now().date()


@dataclass(frozen=True)
class InteractionDraft:
    """What the log form sends. Nothing here is trusted until `validation.clean_interaction`."""

    token: str
    occurred_on: date | None
    rating: int | None
    time_of_day: str | None = None
    tag_ids: tuple[int, ...] = field(default_factory=tuple)
    felt_trusted: int | None = None
    showed_humanity: int | None = None
    note: str | None = None
    save_anyway: bool = False


# ---- peer support ------------------------------------------------------------------------------

URGENCIES = {"this_week": "This week", "soon": "Soon", "when_possible": "When possible"}
LINE_MAX_CHARS = 300  # the optional line for the coordinator, and a reason for declining


@dataclass(frozen=True)
class RequestDraft:
    """What the "Ask for a conversation" form sends; checked by `validation.clean_request`."""

    token: str
    topic_ids: tuple[int, ...]
    urgency: str | None
    load_before: int | None
    same_profession: bool = False
    not_my_unit: bool = False
    note_for_coordinator: str | None = None
    save_anyway: bool = False  # the person checked: the line holds no patient identifier
