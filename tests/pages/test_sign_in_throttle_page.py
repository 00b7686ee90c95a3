"""Throttled sign-in on the screen: the wait in plain words, and the administrator's unlock."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD
from tests.pages.conftest import shown
from tracker import throttle
from tracker.errors import SignInFailed
from tracker.services import auth


def fail_five_times(db, email: str) -> None:
    for _ in range(throttle.FREE_ATTEMPTS):
        with pytest.raises(SignInFailed):
            auth.sign_in(db, email=email, password="not the password")


def test_after_five_failures_the_right_password_shows_when_to_try_again(open_app, db, clinician):
    fail_five_times(db, clinician.email)
    at = open_app()
    email, password = at.text_input
    email.input(clinician.email)
    password.input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception
    message = shown(at.error[0].value)
    assert message.startswith("Too many failed sign-ins for this account. Please wait ")
    assert message.endswith(" seconds and try again.")
    assert "person_id" not in at.session_state


def test_administrator_unlocks_sign_in_on_the_people_page(open_page, db, administrator, clinician):
    fail_five_times(db, clinician.email)
    at = open_page("admin.people", administrator)
    chooser = next(s for s in at.selectbox if s.label == "Person")
    chooser.select_index(next(i for i, o in enumerate(chooser.options) if clinician.email in o)).run()
    assert "5 failed sign-ins in a row" in " ".join(c.value for c in at.caption)
    next(b for b in at.button if b.label == "Unlock sign-in").click().run()
    assert not at.exception
    assert auth.sign_in(db, email=clinician.email, password=PASSWORD).id == clinician.id
