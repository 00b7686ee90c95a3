"""Names and tags people typed show exactly as typed in the browser, and the browser fetches nothing.

A person named like a Markdown image and link would otherwise make every page that shows their
name fetch `https://example.org/p.png` and offer a "Session expired" link to another site.
"""

from __future__ import annotations

import re
import uuid
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import (
    FIRST_ADMINISTRATOR,
    Person,
    assert_no_exception,
    headings,
    invite_with_password,
    main,
    open_nav_link,
    open_sidebar,
    sign_in,
)
from tracker.domain import Role
from tracker.services import named_lists

pytestmark = pytest.mark.e2e

MARKDOWN_NAME = "![x](https://example.org/p.png) [Session expired](https://example.org)"
MARKDOWN_TAG = "[Debrief](https://example.org/tag) :smile: www.example.org"
WORD_JOINER = "\u2060"  # invisible; pages.ui.text.literal puts it where Streamlit would autolink


def visible(text: str) -> str:
    return text.replace(WORD_JOINER, "")


@pytest.fixture
def markdown_person(seeded_server) -> Person:
    person = Person(
        MARKDOWN_NAME, f"markdown.{uuid.uuid4().hex[:8]}@example.org", frozenset({Role.ADMINISTRATOR, Role.CLINICIAN})
    )
    administrator = seeded_server.actor(FIRST_ADMINISTRATOR)
    with seeded_server.session() as session:
        invite_with_password(session, administrator, person)
        named_lists.create_tag(session, administrator, token=uuid.uuid4().hex, name=MARKDOWN_TAG)
    return person


def no_foreign_image_or_link(page) -> None:
    assert page.locator('img[src*="example.org"]').count() == 0, page.url
    assert page.locator('a[href*="example.org"]').count() == 0, page.url
    assert page.locator('a[href^="mailto:"]').count() == 0, page.url
    assert_no_exception(page)


def test_a_markdown_name_shows_literally_and_nothing_is_fetched(seeded_server, page, markdown_person):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    sign_in(page, seeded_server.base, markdown_person.email, markdown_person.password)
    open_sidebar(page)
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar).to_contain_text("Signed in as")
    assert f"Signed in as {MARKDOWN_NAME}" in visible(sidebar.inner_text())
    open_nav_link(page, "Home")  # a clinician lands on Log; Home greets them by name
    assert visible(headings(page)[0]) == "Hello, ![x](https://example.org/p.png)"
    no_foreign_image_or_link(page)

    open_nav_link(page, "Account")
    expect(main(page).get_by_role("heading", name="Account")).to_be_visible()
    shown = visible(main(page).inner_text())
    assert f"Signed in as {MARKDOWN_NAME} ({markdown_person.email})." in shown, shown
    no_foreign_image_or_link(page)

    open_nav_link(page, "Log an interaction")
    expect(main(page).get_by_role("heading", name="Log an interaction")).to_be_visible()
    main(page).get_by_text("Add details").click()  # the tags are folded under "Add details"
    expect(main(page).get_by_role("textbox", name=re.compile("Private reflection"))).to_be_visible()
    assert MARKDOWN_TAG in visible(main(page).inner_text())  # a tag pill, shown as typed
    no_foreign_image_or_link(page)

    for title in ("People", "Audit log"):  # the name in tables and choosers
        open_nav_link(page, title)
        expect(main(page).get_by_role("heading", name=title)).to_be_visible()
        no_foreign_image_or_link(page)

    fetched = [url for url in requested if (urlparse(url).hostname or "").endswith("example.org")]
    assert fetched == [], fetched
