"""Server-side validation of a logged interaction, including forged widget values."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.domain import NOTE_MAX_CHARS, TIMES_OF_DAY, InteractionDraft
from tracker.errors import PossibleIdentifier, ValidationError
from tracker.validation import clean_email, clean_interaction, clean_new_password

TODAY = date(2026, 11, 25)
TAGS = {1, 2, 3}


def draft(**fields) -> InteractionDraft:
    values = {"token": "a" * 32, "occurred_on": TODAY, "rating": 1}
    values.update(fields)
    return InteractionDraft(**values)


@given(
    rating=st.integers(-3, 3),
    days_ago=st.integers(0, 3650),
    time_of_day=st.sampled_from([None, *TIMES_OF_DAY]),
    tags=st.lists(st.sampled_from(sorted(TAGS)), max_size=3),
    trust=st.sampled_from([None, 0, 1, 2]),
)
def test_every_valid_draft_is_accepted_unchanged(rating, days_ago, time_of_day, tags, trust):
    clean = clean_interaction(
        draft(
            rating=rating,
            occurred_on=TODAY - timedelta(days=days_ago),
            time_of_day=time_of_day,
            tag_ids=tuple(tags),
            felt_trusted=trust,
            showed_humanity=trust,
        ),
        today=TODAY,
        usable_tag_ids=TAGS,
    )
    assert clean.rating == rating
    assert clean.occurred_on <= TODAY
    assert set(clean.tag_ids) == set(tags) and len(clean.tag_ids) == len(set(tags))


@given(st.one_of(st.integers().filter(lambda r: not -3 <= r <= 3), st.floats(), st.text(), st.booleans()))
def test_any_rating_outside_the_scale_is_refused(rating):
    with pytest.raises(ValidationError):
        clean_interaction(draft(rating=rating), today=TODAY, usable_tag_ids=TAGS)


@given(st.integers(1, 5000))
def test_future_dates_are_refused(days_ahead):
    with pytest.raises(ValidationError, match="future"):
        clean_interaction(draft(occurred_on=TODAY + timedelta(days=days_ahead)), today=TODAY, usable_tag_ids=TAGS)


@given(st.integers().filter(lambda t: t not in TAGS))
def test_unknown_tag_ids_are_refused(tag_id):
    with pytest.raises(ValidationError, match="tags"):
        clean_interaction(draft(tag_ids=(tag_id,)), today=TODAY, usable_tag_ids=TAGS)


@given(
    st.text(min_size=NOTE_MAX_CHARS + 1, max_size=NOTE_MAX_CHARS + 50).filter(lambda s: len(s.strip()) > NOTE_MAX_CHARS)
)
def test_notes_over_the_limit_are_refused(note):
    with pytest.raises(ValidationError, match="limit"):
        clean_interaction(draft(note=note), today=TODAY, usable_tag_ids=TAGS)


def test_blank_note_is_stored_as_none_and_note_is_trimmed():
    assert clean_interaction(draft(note="   "), today=TODAY, usable_tag_ids=TAGS).note is None
    assert clean_interaction(draft(note="  ok  "), today=TODAY, usable_tag_ids=TAGS).note == "ok"


def test_identifier_needs_save_anyway():
    with pytest.raises(PossibleIdentifier):
        clean_interaction(draft(note="call 555-123-4567"), today=TODAY, usable_tag_ids=TAGS)
    clean = clean_interaction(draft(note="call 555-123-4567", save_anyway=True), today=TODAY, usable_tag_ids=TAGS)
    assert clean.note == "call 555-123-4567"


@pytest.mark.parametrize("token", ["", "short", "x" * 65, "bad token!", None, 12345678])
def test_forged_form_tokens_are_refused(token):
    with pytest.raises(ValidationError, match="expired"):
        clean_interaction(draft(token=token), today=TODAY, usable_tag_ids=TAGS)


@pytest.mark.parametrize("email", ["", "no-at-sign", "a@b", "two@@example.org", "sp ace@example.org", None])
def test_bad_emails_are_refused(email):
    with pytest.raises(ValidationError):
        clean_email(email)


def test_email_is_normalised():
    assert clean_email("  Ann.Smith@Example.ORG ") == "ann.smith@example.org"


def test_passwords_must_be_long_and_repeated_identically():
    with pytest.raises(ValidationError, match="at least"):
        clean_new_password("short", "short")
    with pytest.raises(ValidationError, match="not the same"):
        clean_new_password("long enough one", "long enough two")
    assert clean_new_password("long enough one", "long enough one") == "long enough one"


@pytest.mark.parametrize("bad", ["\x00", "\u202e", "\u200b", "\x07", "\ud800"])
def test_names_and_notes_with_unshowable_characters_are_refused(bad):
    from tracker.validation import clean_name

    with pytest.raises(ValidationError, match="cannot be stored or shown"):
        clean_name(f"Team{bad}debrief", what="tag name")
    with pytest.raises(ValidationError, match="cannot be stored or shown"):
        clean_interaction(draft(note=f"felt{bad}heavy"), today=TODAY, usable_tag_ids=TAGS)


def test_a_note_keeps_its_line_breaks_and_emoji():
    note = "long day\n\tthen a quiet moment 🙂"
    assert clean_interaction(draft(note=note), today=TODAY, usable_tag_ids=TAGS).note == note


def test_dates_before_2000_are_refused():
    from datetime import date

    with pytest.raises(ValidationError, match="before"):
        clean_interaction(draft(occurred_on=date(1, 1, 1)), today=TODAY, usable_tag_ids=TAGS)
