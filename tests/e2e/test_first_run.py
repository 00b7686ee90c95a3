"""An empty installation offers one thing: creating the first administrator, with the one-time
setup code the server printed in its terminal."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import (
    PASSWORD,
    SIGN_OUT,
    assert_no_exception,
    click,
    main,
    nav_titles,
    navigation,
    open_app,
    wait_for_app,
)

pytestmark = pytest.mark.e2e


def setup_code_in(server) -> str:
    """The code as the person who started the server reads it: in the terminal (the server's log)."""
    deadline = time.monotonic() + 15
    while not (found := re.search(r"setup code:\s+([A-Z0-9]{4}(?:-[A-Z0-9]{4}){3})", server.log())):
        assert time.monotonic() < deadline, "no setup code in the server's log"
        time.sleep(0.2)
    return found.group(1)


def test_first_run_offers_only_the_administrator_form(fresh_server, page):
    open_app(page, fresh_server.base)
    form = main(page)
    expect(form.get_by_role("heading", name="Welcome to Shared Load")).to_be_visible()
    expect(form).to_contain_text("Create the first administrator")
    for label in ("Setup code", "Your name", "E-mail", "Password", "Password again"):
        expect(form.get_by_label(label, exact=True)).to_be_visible()
    assert navigation(page).count() == 0
    assert page.get_by_role("button", name="Sign in", exact=True).count() == 0
    assert page.get_by_role("button", name=SIGN_OUT).count() == 0
    assert_no_exception(page)

    form.get_by_label("Setup code", exact=True).fill("AAAA-BBBB-CCCC-DDDD")  # a visitor's guess
    form.get_by_label("Your name", exact=True).fill("Ada Lovelace")
    form.get_by_label("E-mail", exact=True).fill("ada@example.org")
    form.get_by_label("Password", exact=True).fill(PASSWORD)
    form.get_by_label("Password again", exact=True).fill(PASSWORD)
    click(form.get_by_role("button", name="Create administrator"))
    expect(form.get_by_test_id("stAlert")).to_contain_text("That setup code is not right.")
    assert page.get_by_role("button", name=SIGN_OUT).count() == 0

    form.get_by_label("Setup code", exact=True).fill(setup_code_in(fresh_server).lower())  # case does not matter
    click(form.get_by_role("button", name="Create administrator"))

    expect(page.get_by_role("button", name=SIGN_OUT)).to_be_visible()
    wait_for_app(page)
    expect(main(page).get_by_role("heading", name="Log an interaction")).to_be_visible()  # a clinician too
    assert {"Home", "People", "Units", "Tags", "Audit log", "Account"} <= set(nav_titles(page))
    expect(page.locator('[data-testid="stSidebar"]')).to_contain_text("Signed in as Ada Lovelace")
    assert_no_exception(page)
