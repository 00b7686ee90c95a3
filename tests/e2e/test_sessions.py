"""Server-side sign-in sessions through the real server and Chromium (tracker/services/sessions.py).

A password sign-in survives a reload through the HttpOnly session cookie that the app's own route
(pages/ui/cookie.py) sets; signing out ends the session on the server, so an old copy of the cookie
opens nothing; "Sign out everywhere" in one browser ends the other's session; the route refuses a
request that does not come from the app's own pages.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import replace
from datetime import timedelta

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import select

from db.models import SignInSession, utcnow
from tests.e2e.conftest import (
    SIGN_OUT,
    assert_no_exception,
    click,
    main,
    new_context,
    open_app,
    open_nav_link,
    sign_in,
    sign_in_form_only,
    sign_out,
    submit_sign_in,
    wait_for_app,
)
from tracker.domain import InteractionDraft
from tracker.queries import entries
from tracker.services import interactions, sessions

pytestmark = pytest.mark.e2e

COOKIE = sessions.COOKIE


def session_cookie(context: BrowserContext, timeout: float = 15.0) -> dict:
    """The session cookie once the page has handed it over (a moment after signing in)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [c for c in context.cookies() if c["name"] == COOKIE]
        if found:
            return found[0]
        time.sleep(0.1)
    raise AssertionError(f"no {COOKIE} cookie after signing in: {context.cookies()}")


def no_session_cookie(context: BrowserContext, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while any(c["name"] == COOKIE for c in context.cookies()):
        assert time.monotonic() < deadline, "the session cookie is still there after signing out"
        time.sleep(0.1)


def reload(page: Page) -> None:
    page.reload(wait_until="commit")
    wait_for_app(page)


def signed_in_on_log(page: Page) -> None:
    expect(main(page).get_by_role("heading", name="Log an interaction")).to_be_visible()
    expect(page.get_by_role("button", name=SIGN_OUT)).to_be_attached()
    assert_no_exception(page)


def post(url: str, body: bytes, headers: dict) -> int:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_reload_keeps_a_password_sign_in(seeded_server, context, page):
    person = seeded_server.new_person("Rita Reload")
    sign_in(page, seeded_server.base, person.email, person.password)
    signed_in_on_log(page)
    session_cookie(context)

    reload(page)
    signed_in_on_log(page)
    # A bookmarked page in a new tab of the same browser opens signed in too.
    other = context.new_page()
    open_app(other, seeded_server.url("account"))
    expect(main(other).get_by_role("heading", name="Account")).to_be_visible()


def test_the_session_cookie_is_http_only_and_same_site_lax(seeded_server, context, page):
    person = seeded_server.new_person("Hana Httponly")
    sign_in(page, seeded_server.base, person.email, person.password)
    cookie = session_cookie(context)
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Lax"
    assert cookie["secure"] is False  # plain http on 127.0.0.1; Secure whenever the app is reached over https
    assert cookie["path"] == "/"
    assert 11.9 * 3600 < cookie["expires"] - time.time() <= 12 * 3600  # ends with the session's lifetime
    assert COOKIE not in page.evaluate("document.cookie")  # no script on the page can read it
    # The database holds only its hash.
    with seeded_server.session() as db:
        stored = [value for row in db.query(SignInSession).all() for value in vars(row).values()]
    assert cookie["value"] not in [str(v) for v in stored]


def test_sign_out_ends_the_session_and_the_old_cookie_opens_nothing(seeded_server, browser, context, page):
    person = seeded_server.new_person("Otto Out")
    sign_in(page, seeded_server.base, person.email, person.password)
    old = session_cookie(context)

    sign_out(page)
    sign_in_form_only(page)
    no_session_cookie(context)  # the browser was asked to drop it
    reload(page)
    sign_in_form_only(page)

    # A copy of the old cookie, taken before signing out, no longer signs anyone in.
    thief = new_context(browser)
    try:
        thief.add_cookies([{key: old[key] for key in ("name", "value", "domain", "path")}])
        stolen = thief.new_page()
        open_app(stolen, seeded_server.base)
        sign_in_form_only(stolen)
    finally:
        thief.close()


def test_signing_in_again_after_a_reload_and_out_again_clears_the_new_cookie(seeded_server, context, page):
    """The page connected with the first cookie; signing out must drop the cookie the browser holds now."""
    person = seeded_server.new_person("Sven Second")
    sign_in(page, seeded_server.base, person.email, person.password)
    first = session_cookie(context)["value"]
    reload(page)  # signed in through the cookie
    signed_in_on_log(page)
    sign_out(page)
    no_session_cookie(context)
    submit_sign_in(page, person.email, person.password)
    assert session_cookie(context)["value"] != first
    sign_out(page)
    sign_in_form_only(page)
    no_session_cookie(context)


def test_sign_out_everywhere_ends_the_other_browsers_session(seeded_server, browser, context, page):
    person = seeded_server.new_person("Evan Everywhere")
    sign_in(page, seeded_server.base, person.email, person.password)
    session_cookie(context)
    other_context = new_context(browser)
    try:
        other = other_context.new_page()
        sign_in(other, seeded_server.base, person.email, person.password)
        session_cookie(other_context)

        open_nav_link(page, "Account")
        click(main(page).get_by_role("button", name="Sign out everywhere"))
        sign_in_form_only(page)

        # The other browser's open page signs out at its next step, and a reload stays signed out.
        open_nav_link(other, "Home")
        sign_in_form_only(other)
        reload(other)
        sign_in_form_only(other)
    finally:
        other_context.close()


def test_an_idle_session_signs_out(seeded_server, context, page):
    person = seeded_server.new_person("Ivy Idle")
    sign_in(page, seeded_server.base, person.email, person.password)
    session_cookie(context)
    with seeded_server.session() as db:  # 31 minutes without a click: past the 30-minute default
        actor = seeded_server.actor(person)
        for row in db.query(SignInSession).filter(SignInSession.person_id == actor.id):
            row.last_used_at = utcnow() - timedelta(minutes=31)
        db.commit()
    reload(page)
    sign_in_form_only(page)


def test_the_cookie_route_refuses_anything_but_the_apps_own_pages(seeded_server):
    """Login CSRF: another site cannot make a browser take a session, even with a valid code."""
    person = seeded_server.new_person("Carl Crosssite")
    with seeded_server.session() as db:
        handoff = sessions.start(db, seeded_server.actor(person)).handoff
    url = seeded_server.url("api/session")
    body = json.dumps({"handoff": handoff}).encode()
    ours = {"Origin": seeded_server.base, "Content-Type": "application/json"}
    refused = [
        {"Content-Type": "application/json"},  # no Origin at all
        {**ours, "Origin": "https://evil.example"},
        {**ours, "Sec-Fetch-Site": "cross-site"},
        {**ours, "Content-Type": "application/x-www-form-urlencoded"},  # what a cross-site form can send
    ]
    for headers in refused:
        assert post(url, body, headers) == 403, headers
    assert post(url, json.dumps({"handoff": "x" * 43}).encode(), ours) == 403  # not a code we gave
    assert post(url, body, ours) == 204  # the code still works for the app's own page, once
    assert post(url, body, ours) == 403


def _sign_in_with_an_entry(server, page, name: str):
    """A new clinician with one entry, signed in on Log; returns the person and their actor."""
    person = server.new_person(name)
    actor = server.actor(person)
    with server.session() as db:
        draft = InteractionDraft(token=uuid.uuid4().hex, occurred_on=actor.today(), rating=2)
        interactions.log(db, actor, draft)
    sign_in(page, server.base, person.email, person.password)
    return person, actor


def _signed_out_everywhere_meanwhile(server, actor) -> None:
    """Another browser of the person signs out everywhere while this one's dialog is open."""
    with server.session() as db:
        session_id = db.scalar(
            select(SignInSession.id).where(SignInSession.person_id == actor.id, SignInSession.ended_at.is_(None))
        )
        sessions.end_all(db, replace(actor, session_id=session_id))


def _ratings(server, actor) -> list[int]:
    with server.session() as db:
        return [entry.rating for entry in entries.recent(db, actor)]


def test_a_delete_dialog_of_an_ended_session_deletes_nothing(seeded_server, page):
    person, actor = _sign_in_with_an_entry(seeded_server, page, "Dora Dialog")
    entry = main(page).get_by_test_id("stExpander").filter(has_not_text="Add details").first
    entry.locator("summary").click()
    click(entry.get_by_role("button", name="Delete", exact=True))
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("This cannot be undone")

    _signed_out_everywhere_meanwhile(seeded_server, actor)
    click(dialog.get_by_role("button", name="Delete", exact=True))
    sign_in_form_only(page)
    assert _ratings(seeded_server, actor) == [2]

    # The same dialog in a live session does delete (so the check above could fail).
    sign_in(page, seeded_server.base, person.email, person.password)
    entry.locator("summary").click()
    click(entry.get_by_role("button", name="Delete", exact=True))
    click(page.get_by_role("dialog").get_by_role("button", name="Delete", exact=True))
    expect(main(page).get_by_test_id("stExpander").filter(has_not_text="Add details")).to_have_count(0)
    assert _ratings(seeded_server, actor) == []


def test_an_erase_dialog_of_an_ended_session_erases_nothing(seeded_server, page):
    _person, actor = _sign_in_with_an_entry(seeded_server, page, "Erin Erase")
    open_nav_link(page, "My data")
    click(main(page).get_by_role("button", name="Erase my data…"))
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Type ERASE to confirm").fill("ERASE")
    dialog.get_by_label("Type ERASE to confirm").press("Enter")
    expect(dialog.get_by_role("button", name="Erase everything")).to_be_enabled()

    _signed_out_everywhere_meanwhile(seeded_server, actor)
    click(dialog.get_by_role("button", name="Erase everything"))
    sign_in_form_only(page)
    assert _ratings(seeded_server, actor) == [2]
