"""Logging an interaction in the browser: stored once, shown literally, identifiers flagged first.

Each test signs in as a clinician of its own (invited through the services while the server
runs), so counting that person's rows counts exactly what the test stored.
"""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import (
    assert_no_exception,
    click,
    main,
    rerun_after,
    sign_in,
    wait_for_app,
)
from tracker.queries import entries as entry_queries

pytestmark = pytest.mark.e2e

REFLECTION = "Stayed with her family after the news. **bold** <b>html</b>"
IDENTIFIER_LIKE = "Call 555-123-4567 tomorrow"


@pytest.fixture
def clinician(seeded_server, page):
    """A clinician of this test's own, signed in on the log page's own URL (where they land)."""
    person = seeded_server.new_person("Lee Logger")
    sign_in(page, seeded_server.base, person.email, person.password, path="log")
    expect(main(page).get_by_role("heading", name="Log an interaction")).to_be_visible()
    return person


def stored(server, person) -> list[entry_queries.Entry]:
    with server.session() as session:
        return entry_queries.recent(session, server.actor(person), limit=100)


def settled_count(server, person, *, expected: int, quiet_s: float = 1.5, timeout_s: float = 20.0) -> int:
    """The person's row count once it has reached `expected` (or the timeout) and then held still."""
    deadline = time.monotonic() + timeout_s
    count = len(stored(server, person))
    while count < expected and time.monotonic() < deadline:
        time.sleep(0.1)
        count = len(stored(server, person))
    quiet_until = time.monotonic() + quiet_s
    while time.monotonic() < quiet_until:
        time.sleep(0.1)
        count = len(stored(server, person))
    return count


def add_details(page) -> None:
    """Open the form's "Add details" fold (tags, trust questions, reflection, another date)."""
    fold = main(page).get_by_test_id("stExpander").filter(has_text="Add details")
    if not fold.locator("details").first.evaluate("(d) => d.open"):
        fold.get_by_text("Add details").click()
    expect(main(page).get_by_role("textbox", name=re.compile("Private reflection"))).to_be_visible()


def fill_form(page, *, rating: str = "+2 Fulfilling", tags: tuple[str, ...] = (), note: str = "") -> None:
    form = main(page)
    form.get_by_role("radio", name=rating, exact=True).click()
    expect(form.get_by_role("radio", name=rating, exact=True)).to_have_attribute("aria-checked", "true")
    if tags or note:
        add_details(page)
    for tag in tags:
        form.get_by_role("button", name=tag, exact=True).click()
        expect(form.get_by_role("button", name=tag, exact=True)).to_have_attribute("aria-pressed", "true")
    if note:
        form.get_by_role("textbox", name=re.compile("Private reflection")).fill(note)


def save_button(page):
    return main(page).get_by_role("button", name="Save", exact=True)


def entries(page):
    """The entries under "Your recent entries": one line each, a tap opens details, Edit and Delete."""
    return main(page).get_by_test_id("stExpander").filter(has_not_text="Add details")


def toast(page):
    return page.get_by_test_id("stToast").filter(has_text="Saved")


def test_clinician_logs_an_interaction_and_sees_it(seeded_server, page, clinician):
    fill_form(page, rating="+2 Fulfilling", tags=("Gratitude",), note=REFLECTION)
    click(save_button(page))

    expect(toast(page)).to_be_visible()
    expect(main(page).get_by_role("heading", name="Your recent entries")).to_be_visible()
    expect(entries(page)).to_have_count(1)
    line = entries(page).first.locator("summary")
    expect(line).to_contain_text("+2 Fulfilling")  # one line: rating word, date, tags
    expect(line).to_contain_text("Gratitude")
    line.click()  # a tap on the entry shows the rest, with Edit and Delete
    expect(entries(page).first.get_by_role("button", name="Edit", exact=True)).to_be_visible()
    expect(entries(page).first.get_by_role("button", name="Delete", exact=True)).to_be_visible()
    note = main(page).get_by_test_id("stText").filter(has_text="Stayed with her family")
    expect(note).to_have_count(1)
    expect(note).to_have_text(REFLECTION)  # the asterisks and the tag are shown as typed
    assert note.locator("b, strong").count() == 0
    assert main(page).locator("b", has_text="html").count() == 0
    assert main(page).locator("strong", has_text="bold").count() == 0
    expect(entries(page).first).to_contain_text("Stayed with her family")  # the note is the entry's
    assert_no_exception(page)

    [entry] = stored(seeded_server, clinician)
    assert (entry.rating, entry.tags, entry.note) == (2, ("Gratitude",), REFLECTION)


def _dblclick(page):
    save_button(page).dblclick()


def _two_rapid_clicks(page):
    save = save_button(page)
    save.click()
    save.click()


@pytest.mark.parametrize("double_click", [_dblclick, _two_rapid_clicks], ids=["dblclick", "two-rapid-clicks"])
def test_double_click_on_save_stores_one_row(seeded_server, page, clinician, double_click):
    fill_form(page, rating="-2 Draining", tags=("Conflict with family",))
    rerun_after(page, lambda: double_click(page))

    assert settled_count(seeded_server, clinician, expected=1) == 1
    wait_for_app(page)
    assert_no_exception(page)
    expect(entries(page)).to_have_count(1)


def test_identifier_like_text_needs_save_anyway(seeded_server, page, clinician):
    fill_form(page, rating="-1 A bit draining", note=IDENTIFIER_LIKE)
    click(save_button(page))

    warning = main(page).get_by_test_id("stAlert").filter(has_text="patient identifier")
    expect(warning).to_be_visible()
    # the fold stays open: the person sees the text the check is about
    expect(main(page).get_by_role("textbox", name=re.compile("Private reflection"))).to_have_value(IDENTIFIER_LIKE)
    expect(warning).to_contain_text("a phone number")
    assert stored(seeded_server, clinician) == []
    assert toast(page).count() == 0

    save_anyway = main(page).get_by_role("checkbox", name=re.compile("Save anyway"))
    expect(save_anyway).to_have_count(1)
    main(page).get_by_text(re.compile(r"^Save anyway")).click()
    expect(save_anyway).to_be_checked()
    click(save_button(page))

    expect(toast(page)).to_be_visible()
    [entry] = stored(seeded_server, clinician)
    assert (entry.rating, entry.note) == (-1, IDENTIFIER_LIKE)
    assert_no_exception(page)
