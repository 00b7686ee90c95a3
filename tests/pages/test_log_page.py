"""The log page: the 15-second form, the identifier check, the recent list, editing and deleting."""

from __future__ import annotations

import uuid

from tracker.domain import InteractionDraft
from tracker.queries import entries
from tracker.services import interactions


def test_form_has_everything_a_clinician_needs(open_page, clinician):
    at = open_page("me.log", clinician)
    assert not at.exception
    assert at.title[0].value == "Log an interaction"
    assert "Never enter patient identifiers" in at.caption[0].value
    assert len(at.pills) == 2  # rating, tags
    assert at.pills[0].options[0] == "-3 Very draining" and at.pills[0].options[-1] == "+3 Very fulfilling"
    assert [s.label for s in at.segmented_control] == [
        "Time of day",
        "I felt trusted by the patient",
        "I let my own humanity show",
    ]
    assert at.date_input[0].value == clinician.today()


def test_minimal_entry_is_a_rating_and_save_with_details_folded(open_page, db, clinician):
    at = open_page("me.log", clinician)
    [details] = at.expander
    assert details.label.startswith("Add details")
    assert [p.label for p in details.pills] == ["Tags (optional)"]  # the rating stays outside the fold
    assert [t.label for t in details.text_area] == ["Private reflection (optional, only you can read it)"]
    assert "Never enter patient identifiers" in details.caption[0].value  # said where text is typed
    at.pills[0].set_value(1)
    at.button[0].click().run()
    [entry] = entries.recent(db, clinician)
    assert (entry.rating, entry.occurred_on, entry.tags) == (1, clinician.today(), ())
    assert entry.time_of_day is not None  # defaulted from the clock


def test_home_offers_the_same_quick_log(open_page, db, clinician):
    at = open_page("me.home", clinician)
    assert not at.exception
    assert at.pills[0].label == "How did the interaction leave you?"
    assert at.expander[0].label.startswith("Add details")
    at.pills[0].set_value(-1)
    next(b for b in at.button if b.label == "Save").click().run()
    assert not at.exception
    assert [e.rating for e in entries.recent(db, clinician)] == [-1]
    assert at.pills[0].value is None  # a fresh form for the next entry


def test_recent_entry_is_one_line_with_edit_and_delete_behind_a_tap(open_page, db, clinician):
    gratitude = next(t.id for t in entries.tag_options(db) if t.name == "Gratitude")
    interactions.log(
        db,
        clinician,
        InteractionDraft(
            token=uuid.uuid4().hex, occurred_on=clinician.today(), rating=2, time_of_day="night", tag_ids=(gratitude,)
        ),
    )
    at = open_page("me.log", clinician)
    [entry] = [e for e in at.expander if not e.label.startswith("Add details")]
    assert entry.label == f"**+2 Fulfilling** · {clinician.today():%a %d %b} · night · Gratitude"
    assert {b.label for b in entry.button} == {"Edit", "Delete"}


def test_saving_stores_one_entry_and_shows_it_literally(open_page, db, clinician):
    at = open_page("me.log", clinician)
    at.pills[0].set_value(2)
    at.text_area[0].input("**bold** <b>html</b>")
    at.button[0].click().run()
    assert not at.exception
    [entry] = entries.recent(db, clinician)
    assert entry.rating == 2 and entry.note == "**bold** <b>html</b>"
    assert "**bold** <b>html</b>" in [t.value for t in at.text]
    assert at.pills[0].value is None  # a fresh form for the next entry


def test_missing_rating_is_refused_and_nothing_is_stored(open_page, db, clinician):
    at = open_page("me.log", clinician)
    at.button[0].click().run()
    assert "how the interaction left you" in at.error[0].value
    assert entries.recent(db, clinician) == []


def test_identifier_needs_save_anyway(open_page, db, clinician):
    at = open_page("me.log", clinician)
    at.pills[0].set_value(-1)
    at.text_area[0].input("Her son called from 555-123-4567")
    at.button[0].click().run()
    assert "a phone number" in at.warning[0].value
    assert entries.recent(db, clinician) == []
    at.checkbox[0].check()
    at.button[0].click().run()
    assert [e.rating for e in entries.recent(db, clinician)] == [-1]


def test_owner_edits_and_deletes_an_entry(open_page, db, clinician):
    interactions.log(db, clinician, InteractionDraft(token=uuid.uuid4().hex, occurred_on=clinician.today(), rating=1))
    at = open_page("me.log", clinician)
    at.button(key=f"edit:{entries.recent(db, clinician)[0].id}").click().run()
    next(p for p in at.pills if p.key.startswith("edit:") and p.key.endswith(":rating")).set_value(-2)
    next(b for b in at.button if b.label == "Save changes").click().run()
    assert not at.exception
    assert [e.rating for e in entries.recent(db, clinician)] == [-2]
