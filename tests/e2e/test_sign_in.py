"""Signing in and out: one message for every failure, a clean way out, deactivation applies at once."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import (
    CLINICIAN,
    FIRST_ADMINISTRATOR,
    SIGN_OUT,
    assert_no_exception,
    main,
    new_context,
    open_app,
    open_nav_link,
    sign_in,
    sign_in_form_only,
    sign_out,
    submit_sign_in,
)
from tracker.errors import SignInFailed
from tracker.services import people

pytestmark = pytest.mark.e2e

ONE_MESSAGE = str(SignInFailed())


def failed_sign_in_message(page, email: str, password: str) -> str:
    submit_sign_in(page, email, password)
    alert = main(page).get_by_test_id("stAlert")
    expect(alert).to_have_count(1)
    message = alert.inner_text().strip()
    sign_in_form_only(page)
    return message


def test_wrong_password_gives_one_message(seeded_server, page):
    open_app(page, seeded_server.base)
    wrong_password = failed_sign_in_message(page, CLINICIAN.email, CLINICIAN.password + " nope")
    unknown_email = failed_sign_in_message(page, "nobody.here@example.org", CLINICIAN.password)
    empty = failed_sign_in_message(page, "", "")
    assert wrong_password == unknown_email == empty == ONE_MESSAGE
    expect(main(page).get_by_label("E-mail")).to_be_visible()


def test_sign_out_returns_to_sign_in(seeded_server, page):
    sign_in(page, seeded_server.base, CLINICIAN.email, CLINICIAN.password)
    expect(main(page).get_by_role("heading", name="Log an interaction")).to_be_visible()  # where clinicians land
    sign_out(page)
    sign_in_form_only(page)
    assert "Log an interaction" not in main(page).inner_text()
    # Signing in again works in the same browser tab.
    submit_sign_in(page, CLINICIAN.email, CLINICIAN.password)
    expect(page.get_by_role("button", name=SIGN_OUT)).to_be_visible()
    assert_no_exception(page)


def test_deactivated_person_cannot_sign_in(seeded_server, page, browser):
    person = seeded_server.new_person("Dana Departed")
    sign_in(page, seeded_server.base, person.email, person.password)  # active: works

    with seeded_server.session() as session:
        departed = seeded_server.actor(person)
        people.set_person_active(session, seeded_server.actor(FIRST_ADMINISTRATOR), departed.id, active=False)

    # The open session ends at its next step: the person is reloaded on every run.
    open_nav_link(page, "Home")  # they landed on Log
    sign_in_form_only(page)

    # A new sign-in gets the same message as a wrong password.
    second = new_context(browser)
    try:
        other = second.new_page()
        open_app(other, seeded_server.base)
        assert failed_sign_in_message(other, person.email, person.password) == ONE_MESSAGE
    finally:
        second.close()
