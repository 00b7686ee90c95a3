"""After an administrator's reset: the person sees when it happened, and only they can unseal."""

from __future__ import annotations

from tests.conftest import PASSWORD, token
from tracker.domain import InteractionDraft
from tracker.services import auth, interactions, people

CHOSEN = "a password after the reset"


def reset_and_choose(db, administrator, clinician):
    interactions.log(db, clinician, InteractionDraft(token=token(), occurred_on=clinician.today(), rating=-2))
    temporary = people.reset_password(db, administrator, clinician.id, token=token())
    signed_in = auth.sign_in(db, email=clinician.email, password=temporary)
    return auth.change_password(db, signed_in, current=temporary, new=CHOSEN, repeated=CHOSEN)


def test_sealed_person_sees_only_the_seal_with_the_reset_time(open_app, db, administrator, clinician):
    sealed = reset_and_choose(db, administrator, clinician)
    at = open_app(sealed, "log")
    assert not at.exception
    assert [t.value for t in at.title] == ["Your private history is sealed"]
    assert "An administrator reset your password on" in at.info[0].value
    assert not any("Log an interaction" in t.value for t in at.title)


def test_the_previous_password_unseals_and_another_is_refused(open_app, db, administrator, clinician):
    sealed = reset_and_choose(db, administrator, clinician)
    at = open_app(sealed)
    password_box = next(t for t in at.text_input if t.label == "Your previous password")
    password_box.input(CHOSEN)
    at.button[0].click().run()
    assert "not the password you had before" in at.error[0].value
    password_box = next(t for t in at.text_input if t.label == "Your previous password")
    password_box.input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception
    assert at.title[0].value == "Hello, Cleo"
