"""Server-side validation of every user input. Widget limits are not a security boundary."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from tracker.domain import NOTE_MAX_CHARS, PROFESSIONS, RATING_LABELS, TIMES_OF_DAY, TRUST_ANSWERS, InteractionDraft
from tracker.errors import PossibleIdentifier, ValidationError
from tracker.identifiers import find_identifiers

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PASSWORD_MIN_CHARS = 10
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


def _is_int(value: object) -> bool:
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
    if not isinstance(draft.occurred_on, date):
        raise ValidationError("Please choose the date of the interaction.")
    if draft.occurred_on > today:
        raise ValidationError("The date cannot be in the future.")
    if not _is_int(draft.rating) or draft.rating not in RATING_LABELS:
        raise ValidationError(
            "Please choose how the interaction left you, from -3 (very draining) to +3 (very fulfilling)."
        )
    if draft.time_of_day is not None and draft.time_of_day not in TIMES_OF_DAY:
        raise ValidationError("The time of day must be morning, afternoon, evening or night.")
    tag_ids = tuple(dict.fromkeys(draft.tag_ids or ()))
    if any(not _is_int(t) or t not in usable_tag_ids for t in tag_ids):
        raise ValidationError("One of the chosen tags is not available any more. Please choose again.")
    for answer in (draft.felt_trusted, draft.showed_humanity):
        if answer is not None and (not _is_int(answer) or answer not in TRUST_ANSWERS):
            raise ValidationError("Please answer the trust questions with No, Somewhat or Yes.")
    note = clean_note(draft.note, save_anyway=draft.save_anyway)
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
    kinds = find_identifiers(note)
    if kinds and not save_anyway:
        raise PossibleIdentifier(kinds)
    return note


def clean_email(email: object) -> str:
    if not isinstance(email, str) or not EMAIL.match(email.strip()) or len(email.strip()) > 254:
        raise ValidationError("Please enter a valid e-mail address.")
    return email.strip().lower()


def clean_name(name: object, *, what: str = "name", max_chars: int = 120) -> str:
    if not isinstance(name, str) or not name.strip():
        raise ValidationError(f"Please enter a {what}.")
    name = " ".join(name.split())
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
