"""Through the real server: after five failed sign-ins even the right password waits, in plain words."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_no_exception, main, open_app, sign_in_form_only, submit_sign_in
from tracker import throttle
from tracker.errors import SignInFailed
from tracker.services import auth

pytestmark = pytest.mark.e2e


def test_after_five_failures_the_right_password_is_told_when_to_try_again(seeded_server, page):
    person = seeded_server.new_person("Tess Throttled")
    with seeded_server.session() as session:
        for _ in range(throttle.FREE_ATTEMPTS):
            with pytest.raises(SignInFailed):
                auth.sign_in(session, email=person.email, password="not the password")
    open_app(page, seeded_server.base)
    submit_sign_in(page, person.email, person.password)
    alert = main(page).get_by_test_id("stAlert")
    expect(alert).to_contain_text("Too many failed sign-ins for this account. Please wait")
    expect(alert).to_contain_text("seconds and try again.")
    sign_in_form_only(page)
    assert_no_exception(page)
