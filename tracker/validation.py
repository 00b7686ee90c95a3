"""Server-side validation of every user input. Widget limits are not a security boundary."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from tracker.domain import (
    LINE_MAX_CHARS,
    NOTE_MAX_CHARS,
    PROFESSIONS,
    RATING_LABELS,
    TIMES_OF_DAY,
    TRUST_ANSWERS,
    URGENCIES,
    InteractionDraft,
    RequestDraft,
)
from tracker.errors import PossibleIdentifier, ValidationError
from tracker.identifiers import find_identifiers

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PASSWORD_MIN_CHARS = 10
EARLIEST_DATE = date(2000, 1, 1)  # no real entry is older; a year-1 date breaks date arithmetic downstream
TOKEN = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


@dataclass(frozen=True)
class CleanInteraction:
    occurred_on: date
    rating: int
    time_of_day: str | None
    tag_ids: tuple[int, ...]
    felt_trusted: int | None
    showed_humanity: int | None
    note: str | None


def _unshowable(text: str, allowed: str = "") -> bool:
    """Control, format (right-to-left overrides, zero-width), surrogate and private-use characters:
    PostgreSQL refuses NUL outright, and the others make a name or a tag read as something else."""
    return any(c not in allowed and unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co") for c in text)


def is_plain(value: object, *, max_chars: int) -> bool:
    """Text of 1 to max_chars characters with nothing that cannot be stored or shown (no NUL, no
    control or format characters): safe to compare with a column, or to store."""
    return isinstance(value, str) and 0 < len(value) <= max_chars and not _unshowable(value)


def is_id(value: object) -> bool:
    """A row id a form could hold: a positive integer that fits the database's column (INTEGER:
    32 bits on PostgreSQL, where a larger one is an error, not a missing row)."""
    return is_int(value) and 0 < value < 2**31  # type: ignore[operator]


def is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def clean_token(token: object) -> str:
    if not isinstance(token, str) or not TOKEN.match(token):
        raise ValidationError("This form has expired. Please reload the page and try again.")
    return token


def clean_interaction(draft: InteractionDraft, *, today: date, usable_tag_ids: set[int]) -> CleanInteraction:
    """Check one logged interaction; raise ValidationError naming the first problem in plain words.

    `usable_tag_ids` are the tags the person may attach now (active ones, plus those already on the
    entry when editing), so a retired or invented tag id is refused.
    """
    clean_token(draft.token)
    if not isinstance(draft.occurred_on, date) or isinstance(draft.occurred_on, datetime):
        raise ValidationError("Please choose the date of the interaction.")
    if draft.occurred_on > today:
        raise ValidationError("The date cannot be in the future.")
    if draft.occurred_on < EARLIEST_DATE:
        raise ValidationError(f"The date cannot be before {EARLIEST_DATE:%d %B %Y}.")
    if not is_int(draft.rating) or draft.rating not in RATING_LABELS:
        raise ValidationError(
            "Please choose how the interaction left you, from -3 (very draining) to +3 (very fulfilling)."
        )
    if draft.time_of_day is not None and draft.time_of_day not in TIMES_OF_DAY:
        raise ValidationError("The time of day must be morning, afternoon, evening or night.")
    if not isinstance(draft.tag_ids, (tuple, list)) or not all(is_int(t) for t in draft.tag_ids):
        raise ValidationError("Please choose the tags from the list.")
    tag_ids = tuple(dict.fromkeys(draft.tag_ids))
    if any(t not in usable_tag_ids for t in tag_ids):
        raise ValidationError("One of the chosen tags is not available any more. Please choose again.")
    for answer in (draft.felt_trusted, draft.showed_humanity):
        if answer is not None and (not is_int(answer) or answer not in TRUST_ANSWERS):
            raise ValidationError("Please answer the trust questions with No, Somewhat or Yes.")
    note = clean_note(draft.note, save_anyway=clean_bool(draft.save_anyway))
    return CleanInteraction(
        occurred_on=draft.occurred_on,
        rating=draft.rating,
        time_of_day=draft.time_of_day,
        tag_ids=tag_ids,
        felt_trusted=draft.felt_trusted,
        showed_humanity=draft.showed_humanity,
        note=note,
    )


def clean_note(note: str | None, *, save_anyway: bool) -> str | None:
    if note is None:
        return None
    if not isinstance(note, str):
        raise ValidationError("The reflection must be text.")
    note = note.strip()
    if not note:
        return None
    if len(note) > NOTE_MAX_CHARS:
        raise ValidationError(f"The reflection is {len(note):,} characters; the limit is {NOTE_MAX_CHARS:,}.")
    if _unshowable(note, allowed="\n\t"):
        raise ValidationError("The reflection holds characters that cannot be stored or shown.")
    kinds = find_identifiers(note)
    if kinds and not save_anyway:
        raise PossibleIdentifier(kinds)
    return note


def clean_email(email: object) -> str:
    if not isinstance(email, str) or not EMAIL.match(email.strip()) or len(email.strip()) > 254 or _unshowable(email):
        raise ValidationError("Please enter a valid e-mail address.")
    return email.strip().lower()


def clean_bool(value: object, words: str = "Please answer yes or no.") -> bool:
    """A yes-or-no answer: True or False, never a value that merely looks true ("no", 1, [0])."""
    if not isinstance(value, bool):
        raise ValidationError(words)
    return value


def clean_day(value: object, *, what: str = "date") -> date:
    """A calendar day (a date, not a date and time) from EARLIEST_DATE on."""
    if not isinstance(value, date) or isinstance(value, datetime):
        raise ValidationError(f"Please choose the {what}.")
    if value < EARLIEST_DATE:
        raise ValidationError(f"The {what} cannot be before {EARLIEST_DATE:%d %B %Y}.")
    return value


def clean_name(name: object, *, what: str = "name", max_chars: int = 120) -> str:
    if not isinstance(name, str) or not name.strip():
        raise ValidationError(f"Please enter a {what}.")
    name = " ".join(name.split())
    if _unshowable(name):
        raise ValidationError(f"The {what} holds characters that cannot be stored or shown.")
    if len(name) > max_chars:
        raise ValidationError(f"The {what} can be at most {max_chars} characters.")
    return name


def clean_new_password(password: object, repeated: object | None = None) -> str:
    if not isinstance(password, str) or len(password) < PASSWORD_MIN_CHARS:
        raise ValidationError(f"The password must have at least {PASSWORD_MIN_CHARS} characters.")
    if len(password) > 256:
        raise ValidationError("The password can be at most 256 characters.")
    if repeated is not None and password != repeated:
        raise ValidationError("The two passwords are not the same.")
    return password


def clean_profession(profession: object) -> str | None:
    if profession in (None, ""):
        return None
    if profession not in PROFESSIONS:
        raise ValidationError("Please choose a profession from the list.")
    return profession  # type: ignore[return-value]


@dataclass(frozen=True)
class CleanRequest:
    topic_ids: tuple[int, ...]
    urgency: str
    load_before: int
    same_profession: bool
    not_my_unit: bool
    note_for_coordinator: str | None


def clean_request(draft: RequestDraft, *, usable_tag_ids: set[int]) -> CleanRequest:
    """Check a request for a conversation; the line for the coordinator gets the identifier check too."""
    topic_ids = clean_tag_ids(draft.topic_ids, usable_tag_ids, what="topic")
    if not topic_ids:
        raise ValidationError("Please choose at least one topic you would like to talk about.")
    if not isinstance(draft.urgency, str) or draft.urgency not in URGENCIES:
        raise ValidationError("Please choose how soon: this week, soon or when possible.")
    load = clean_load(draft.load_before)
    if not isinstance(draft.same_profession, bool) or not isinstance(draft.not_my_unit, bool):
        raise ValidationError("Please answer the preferences with yes or no.")
    line = clean_line(draft.note_for_coordinator, what="line for the coordinator")
    save_anyway = clean_bool(draft.save_anyway)
    if line and not save_anyway and (kinds := find_identifiers(line)):
        raise PossibleIdentifier(kinds)
    return CleanRequest(topic_ids, draft.urgency, load, draft.same_profession, draft.not_my_unit, line)


def clean_load(value: object, *, what: str = "load") -> int:
    """How heavy the load feels, 0 (none) to 10 (as heavy as it gets)."""
    if not is_int(value) or not 0 <= value <= 10:
        raise ValidationError(f"Please give the {what} as a whole number from 0 to 10.")
    return value  # type: ignore[return-value]


def clean_helpful(value: object) -> int:
    if not is_int(value) or not 1 <= value <= 5:
        raise ValidationError("Please say how helpful it was, from 1 (not at all) to 5 (very).")
    return value  # type: ignore[return-value]


def clean_line(text: object, *, what: str = "reason", required: bool = False) -> str | None:
    """One short line of free text (a reason, a line for the coordinator): trimmed, bounded, printable."""
    if text is None or (isinstance(text, str) and not text.strip()):
        if required:
            raise ValidationError(f"Please give a {what}.")
        return None
    if not isinstance(text, str):
        raise ValidationError(f"The {what} must be text.")
    text = " ".join(text.split())
    if len(text) > LINE_MAX_CHARS:
        raise ValidationError(f"The {what} can be at most {LINE_MAX_CHARS} characters.")
    if _unshowable(text):
        raise ValidationError(f"The {what} holds characters that cannot be shown.")
    return text


def clean_meeting_time(when: object, *, now: datetime) -> datetime:
    """A meeting time: a real moment (time-zone aware), in the future, within a year."""
    if not isinstance(when, datetime) or when.tzinfo is None:
        raise ValidationError("Please choose a date and a time for the meeting.")
    if when <= now:
        raise ValidationError("The meeting time must be in the future.")
    if when > now + timedelta(days=366):
        raise ValidationError("The meeting time must be within the next year.")
    return when.astimezone(UTC)  # every stored time is UTC


def clean_tag_ids(tag_ids: object, usable: set[int], *, what: str) -> tuple[int, ...]:
    if not isinstance(tag_ids, (tuple, list)) or not all(is_int(t) for t in tag_ids):
        raise ValidationError(f"Please choose each {what} from the list.")
    if not set(tag_ids) <= usable:
        raise ValidationError(f"Please choose each {what} from the list.")
    return tuple(sorted(set(tag_ids)))
