"""The action boundary: one double-submit guard, policy refusals, audit names, no leaks in errors."""

from __future__ import annotations

import logging
import threading
import uuid

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from db.engine import session_factory
from db.models import AuditEvent, CheckIn, Interaction
from tests.conftest import token
from tracker.domain import InteractionDraft
from tracker.errors import Conflict
from tracker.queries import administration
from tracker.scoring import CheckInAnswers
from tracker.services import checkins, interactions, people

ANSWERS = CheckInAnswers(brs=(3, 3, 3, 3, 3, 3), burnout=2, load=4)


def _race(engine, monkeypatch, module, name, call) -> tuple[list, list]:
    """Run `call(session)` in two threads that both pass the "already saved?" check before either
    writes: both wait for each other inside `module.name`, which every save calls after that check.
    The wait gives up after a moment, so a save that must wait for the other's commit still ends."""
    barrier = threading.Barrier(2)
    original = getattr(module, name)

    def meet_then(*args, **kwargs):
        try:
            barrier.wait(timeout=2)
        except threading.BrokenBarrierError:
            pass
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, meet_then)
    factory = session_factory(engine)
    results, errors = [], []

    def run():
        with factory() as session:
            try:
                results.append(call(session))
            except Exception as error:  # the defect: the loser saw a raw error
                errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


def test_concurrent_double_submit_of_an_interaction_stores_one_row_and_answers_both(engine, db, clinician, monkeypatch):
    draft = InteractionDraft(token=token(), occurred_on=clinician.today(), rating=1, time_of_day="morning")
    results, errors = _race(
        engine, monkeypatch, interactions, "clean_interaction", lambda s: interactions.log(s, clinician, draft)
    )
    assert errors == []
    assert len(results) == 2 and results[0] == results[1]
    assert db.scalar(select(func.count()).select_from(Interaction)) == 1


def test_concurrent_double_submit_of_a_checkin_stores_one_row_and_answers_both(engine, db, clinician, monkeypatch):
    same = token()
    results, errors = _race(
        engine,
        monkeypatch,
        checkins,
        "score_checkin",
        lambda s: checkins.submit(s, clinician, token=same, answers=ANSWERS),
    )
    assert errors == []
    assert len(results) == 2 and results[0] == results[1]
    assert db.scalar(select(func.count()).select_from(CheckIn)) == 1


def test_a_database_error_never_carries_a_private_note(engine):
    secret = f"private reflection {uuid.uuid4().hex}"
    with session_factory(engine)() as session:
        session.add(Interaction(person_id=1, occurred_on=None, rating=99, note=secret))
        with pytest.raises(IntegrityError) as raised:
            session.flush()
        session.rollback()
    assert secret not in str(raised.value)


def test_a_failed_save_logs_nothing_private(db, clinician, monkeypatch, caplog):
    """A database error inside a save becomes a plain Conflict; neither it nor any log line holds the note."""
    secret = f"private reflection {uuid.uuid4().hex}"
    real_clean = interactions.clean_interaction

    def let_a_bad_rating_through(draft, **kwargs):
        clean = real_clean(draft, **kwargs)
        return type(clean)(**{**clean.__dict__, "rating": 99})

    monkeypatch.setattr(interactions, "clean_interaction", let_a_bad_rating_through)
    draft = InteractionDraft(token=token(), occurred_on=clinician.today(), rating=1, note=secret)
    caplog.set_level(logging.DEBUG)
    with pytest.raises(Conflict) as raised:
        interactions.log(db, clinician, draft)
    logging.getLogger("streamlit").exception("as Streamlit logs an uncaught error", exc_info=raised.value)
    assert secret not in str(raised.value)
    assert secret not in caplog.text
    assert db.scalar(select(func.count()).select_from(Interaction)) == 0


def test_audit_keeps_names_as_they_were(db, administrator, make_person):
    nia = make_person("Nia Nurse")
    people.update_person(
        db,
        administrator,
        nia.id,
        display_name="Nia Renamed",
        roles={"clinician"},
        unit_id=None,
        profession=None,
        supervisor_id=None,
    )
    invited = db.scalar(select(AuditEvent).where(AuditEvent.action == "person invited", AuditEvent.target_id == nia.id))
    assert (invited.actor_name, invited.target_name) == ("Ada Admin", "Nia Nurse")
    rows = administration.audit_log(db, administrator)
    assert any(r.action == "person invited" and r.target == "Nia Nurse" for r in rows)
