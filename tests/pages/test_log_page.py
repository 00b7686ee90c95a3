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
