"""Export and erase of a person's own data."""

from __future__ import annotations

import io
import json
import zipfile

from sqlalchemy import func, select

from db.models import AuditEvent, CheckIn, Interaction
from tests.conftest import token
from tracker.domain import InteractionDraft
from tracker.queries import entries, my_data
from tracker.scoring import CheckInAnswers
from tracker.services import checkins, interactions, mydata


def test_export_holds_my_entries_and_neutralises_formulas(db, clinician, make_person):
    interactions.log(
        db,
        clinician,
        InteractionDraft(token=token(), occurred_on=clinician.today(), rating=-2, note='=HYPERLINK("x") felt awful'),
    )
    other = make_person("Olly Other")
    interactions.log(db, other, InteractionDraft(token=token(), occurred_on=other.today(), rating=3, note="not yours"))
    checkins.submit(db, clinician, token=token(), answers=CheckInAnswers(brs=(3,) * 6, burnout=2, load=4))
    archive = zipfile.ZipFile(io.BytesIO(my_data.export(db, clinician)))
    assert set(archive.namelist()) == {
        "interactions.csv",
        "check-ins.csv",
        "requests.csv",
        "conversations-supported.csv",
        "profile.csv",
        "my-data.json",
    }
    csv_text = archive.read("interactions.csv").decode()
    assert "'=HYPERLINK" in csv_text and "not yours" not in csv_text
    everything = json.loads(archive.read("my-data.json"))
    assert everything["profile"]["email"] == clinician.email
    assert [e["rating"] for e in everything["interactions"]] == [-2]
    assert len(everything["check_ins"]) == 1


def test_erase_deletes_only_my_data_and_audits_that_it_happened(db, clinician, make_person):
    other = make_person("Olly Other")
    for actor in (clinician, other):
        interactions.log(
            db,
            actor,
            InteractionDraft(
                token=token(),
                occurred_on=actor.today(),
                rating=1,
                note="private",
                tag_ids=(entries.tag_options(db)[0].id,),
            ),
        )
        checkins.submit(db, actor, token=token(), answers=CheckInAnswers(brs=(3,) * 6, burnout=2, load=4))
    mydata.erase(db, clinician)
    count = lambda model, person: db.scalar(select(func.count()).select_from(model).where(model.person_id == person.id))  # noqa: E731
    assert count(Interaction, clinician) == 0 and count(CheckIn, clinician) == 0
    assert count(Interaction, other) == 1 and count(CheckIn, other) == 1
    event = db.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
    assert (event.action, event.target_id) == ("personal data erased", clinician.id)
    assert event.detail is None


def test_export_lists_my_sign_ins_and_never_their_secrets(db, clinician, make_person):
    from db.models import SignInSession
    from tracker.services import sessions

    started = sessions.start(db, clinician)
    cookie = sessions.claim(db, started.handoff).token
    sessions.start(db, make_person("Olly Other"))
    everything = json.loads(zipfile.ZipFile(io.BytesIO(my_data.export(db, clinician))).read("my-data.json"))
    [mine] = everything["sign_ins"]
    assert mine["how"] == "password" and mine["ended_at"] is None
    stored = db.get(SignInSession, started.session_id)
    raw = json.dumps(everything)
    assert cookie not in raw and started.handoff not in raw and stored.token_hash not in raw
