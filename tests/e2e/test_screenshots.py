"""Screenshots for the docs, taken from the real app: a desktop and a phone width, full page.

They are written to docs/screenshots/ on every run, so they always show the current app.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import (
    CLINICIAN,
    DESKTOP,
    FIRST_ADMINISTRATOR,
    PHONE,
    ROOT,
    assert_no_exception,
    close_sidebar,
    headings,
    main,
    new_context,
    open_app,
    open_nav_link,
    sign_in,
    sign_out,
    wait_for_app,
)
from tracker.domain import InteractionDraft
from tracker.queries import entries
from tracker.services import interactions

pytestmark = pytest.mark.e2e

SCREENSHOTS = ROOT / "docs" / "screenshots"

# A few entries so the log page shows what a clinician sees after a week of use.
ENTRIES = [
    (0, "afternoon", 2, ("Gratitude", "Moment of connection"), 2, 2, "She remembered my name from last year."),
    (1, "night", -3, ("Patient death",), 1, 2, "Long resuscitation. Went home without talking to anyone."),
    (2, "morning", -1, ("Conflict with family",), 0, 1, None),
    (4, "evening", 1, ("Teaching moment",), None, None, "Explained the plan to a student and the patient at once."),
]


@pytest.fixture(scope="module")
def with_entries(seeded_server):
    clinician = seeded_server.actor(CLINICIAN)
    with seeded_server.session() as session:
        tag_ids = {t.name: t.id for t in entries.tag_options(session)}
        for days_ago, time_of_day, rating, tags, trusted, humanity, note in ENTRIES:
            interactions.log(
                session,
                clinician,
                InteractionDraft(
                    token=uuid.uuid4().hex,
                    occurred_on=clinician.today() - timedelta(days=days_ago),
                    time_of_day=time_of_day,
                    rating=rating,
                    tag_ids=tuple(tag_ids[t] for t in tags),
                    felt_trusted=trusted,
                    showed_humanity=humanity,
                    note=note,
                ),
            )
    return seeded_server


def shoot(page, name: str) -> None:
    """A full-page PNG. Streamlit scrolls inside its own container, so the window is made as tall
    as the content first (a plain full_page screenshot would stop at the first screen)."""
    wait_for_app(page)
    expect(page.get_by_test_id("stToast")).to_have_count(0, timeout=10_000)  # no passing toast
    assert_no_exception(page)
    if page.viewport_size["width"] < 600:
        close_sidebar(page)  # on a phone it covers the page; a person closes it to read on
    viewport = page.viewport_size
    height = page.evaluate(
        """() => Math.max(...['[data-testid="stMain"]', '[data-testid="stAppViewContainer"]',
                              '[data-testid="stSidebarContent"]']
            .map((s) => document.querySelector(s)).filter(Boolean).map((e) => e.scrollHeight),
            document.documentElement.scrollHeight)"""
    )
    page.set_viewport_size({"width": viewport["width"], "height": max(viewport["height"], height)})
    try:
        wait_for_app(page)
        page.screenshot(path=SCREENSHOTS / name, full_page=True, animations="disabled")
    finally:
        page.set_viewport_size(viewport)


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_screenshots(with_entries, browser, size):
    server = with_entries
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = new_context(browser, viewport=DESKTOP if size == "desktop" else PHONE)
    try:
        page = context.new_page()
        open_app(page, server.base)
        shoot(page, f"sign-in-{size}.png")

        sign_in(page, server.base, CLINICIAN.email, CLINICIAN.password, path="log")
        recent = main(page).get_by_test_id("stExpander").filter(has_not_text="Add details")
        expect(recent).to_have_count(len(ENTRIES))  # one line each
        shoot(page, f"log-{size}.png")
        open_nav_link(page, "Home")
        assert headings(page)[0].startswith("Hello")
        shoot(page, f"home-{size}.png")

        sign_out(page)
        sign_in(page, server.base, FIRST_ADMINISTRATOR.email, FIRST_ADMINISTRATOR.password, path="people")
        expect(main(page).get_by_test_id("stDataFrame")).to_be_visible()
        shoot(page, f"people-{size}.png")
    finally:
        context.close()
    for name in ("sign-in", "log", "home", "people"):
        assert (SCREENSHOTS / f"{name}-{size}.png").stat().st_size > 10_000
