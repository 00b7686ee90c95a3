"""Logging interactions against a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from db.models import AuditEvent, Interaction
from tests.conftest import token
from tracker.domain import InteractionDraft
from tracker.errors import NotAllowed, PossibleIdentifier, ValidationError
from tracker.queries import entries
from tracker.services import interactions, named_lists


def draft(actor, **fields) -> InteractionDraft:
    values = {"token": token(), "occurred_on": actor.today(), "rating": 2, "time_of_day": "morning"}
    values.update(fields)
    return InteractionDraft(**values)


def count(db) -> int:
    return db.scalar(select(func.count()).select_from(Interaction))


def test_log_stores_the_entry_with_its_tags(db, clinician):
    tags = entries.tag_options(db)[:2]
    interactions.log(
        db, clinician, draft(clinician, tag_ids=(tags[0].id, tags[1].id), note="A good talk", felt_trusted=2)
    )
    [entry] = entries.recent(db, clinician)
    assert entry.rating == 2
    assert set(entry.tags) == {tags[0].name, tags[1].name}
    assert entry.note == "A good talk"
    assert entry.felt_trusted == 2


def test_double_submit_stores_one_row(db, clinician):
    same = draft(clinician)
    first = interactions.log(db, clinician, same)
    second = interactions.log(db, clinician, same)
    assert first == second
    assert count(db) == 1


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"rating": 4}, "-3"),
        ({"rating": -4}, "-3"),
        ({"rating": None}, "how the interaction left you"),
        ({"rating": True}, "-3"),
        ({"time_of_day": "midnight"}, "time of day"),
        ({"felt_trusted": 5}, "trust questions"),
        ({"note": "x" * 2001}, "limit is 2,000"),
        ({"token": "<script>"}, "expired"),
    ],
)
def test_bad_input_is_refused_and_stores_nothing(db, clinician, fields, message):
    with pytest.raises(ValidationError, match=message):
        interactions.log(db, clinician, draft(clinician, **fields))
    assert count(db) == 0


def test_future_date_is_refused(db, clinician):
    with pytest.raises(ValidationError, match="future"):
        interactions.log(db, clinician, draft(clinician, occurred_on=clinician.today() + timedelta(days=1)))
    assert count(db) == 0


def test_unknown_and_retired_tags_are_refused(db, clinician, administrator):
    tag = entries.tag_options(db)[0]
    named_lists.set_tag_retired(db, administrator, tag.id, retired=True)
    for tag_id in (tag.id, 999_999):
        with pytest.raises(ValidationError, match="not available"):
            interactions.log(db, clinician, draft(clinician, tag_ids=(tag_id,)))
    assert count(db) == 0


def test_retired_tag_stays_on_old_entries_and_survives_an_edit(db, clinician, administrator):
    tag = entries.tag_options(db)[0]
    entry_id = interactions.log(db, clinician, draft(clinician, tag_ids=(tag.id,)))
    named_lists.set_tag_retired(db, administrator, tag.id, retired=True)
    assert tag.id not in {t.id for t in entries.tag_options(db)}
    interactions.update(db, clinician, entry_id, draft(clinician, tag_ids=(tag.id,), rating=-1))
    [entry] = entries.recent(db, clinician)
    assert entry.tags == (tag.name,) and entry.rating == -1


def test_identifier_like_note_needs_save_anyway(db, clinician):
    note = "MRN 12345678 was scared"
    with pytest.raises(PossibleIdentifier) as raised:
        interactions.log(db, clinician, draft(clinician, note=note))
    assert "a record number" in raised.value.kinds
    assert count(db) == 0
    interactions.log(db, clinician, draft(clinician, note=note, save_anyway=True))
    assert count(db) == 1


def test_clinician_cannot_touch_another_persons_entry(db, clinician, make_person):
    other = make_person("Olly Other")
    theirs = draft(other, note="mine")
    entry_id = interactions.log(db, other, theirs)
    with pytest.raises(NotAllowed, match="does not exist or is not yours"):
        interactions.update(db, clinician, entry_id, draft(clinician))
    with pytest.raises(NotAllowed, match="does not exist or is not yours"):
        interactions.delete(db, clinician, entry_id)
    with pytest.raises(ValidationError, match="expired"):  # someone else's form token is a forgery
        interactions.log(db, clinician, draft(clinician, token=theirs.token))
    assert entries.recent(db, clinician) == []
    assert [e.note for e in entries.recent(db, other)] == ["mine"]


def test_reaching_for_another_persons_entry_is_audited(db, clinician, make_person):
    other = make_person("Olly Other")
    entry_id = interactions.log(db, other, draft(other, note="mine"))
    with pytest.raises(NotAllowed):
        interactions.delete(db, clinician, entry_id)
    event = db.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
    assert (event.action, event.actor_id, event.target_id) == (
        "access to someone else's data refused",
        clinician.id,
        other.id,
    )
    assert event.target_name == "Olly Other" and "mine" not in (event.detail or "")


def test_a_token_from_another_form_is_refused(db, clinician):
    from tracker.scoring import CheckInAnswers
    from tracker.services import checkins

    first = draft(clinician)
    interactions.log(db, clinician, first)
    with pytest.raises(ValidationError, match="expired"):
        checkins.submit(db, clinician, token=first.token, answers=CheckInAnswers(brs=(3,) * 6, burnout=2, load=4))


def test_owner_deletes_own_entry_and_a_second_delete_is_harmless(db, clinician):
    entry_id = interactions.log(db, clinician, draft(clinician))
    interactions.delete(db, clinician, entry_id)
    interactions.delete(db, clinician, entry_id)
    assert count(db) == 0


def test_administrator_without_clinician_role_cannot_log(db, make_person):
    boss = make_person("Abe Admin", roles=("administrator",))
    with pytest.raises(NotAllowed):
        interactions.log(db, boss, draft(boss))
    with pytest.raises(NotAllowed):
        entries.recent(db, boss)
