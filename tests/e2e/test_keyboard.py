"""Keyboard only: sign in, log an interaction and sign out with Tab, Shift+Tab, Space, Enter and
the arrow keys (and typing into text boxes), with the focus visible at every step.

The test moves focus as a person would, one key at a time, never by clicking or by calling
`focus()`; each control it stops on must show where the focus is: an outline or a box shadow on
the focused element or on the box drawn around it (BaseWeb draws an input's ring on its wrapper).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import (
    SIGN_OUT,
    assert_no_exception,
    main,
    navigation,
    open_app,
    rerun_after,
    sign_in_form_only,
    wait_for_app,
)
from tracker.queries import entries as entry_queries

pytestmark = pytest.mark.e2e

MAX_TABS = 80  # more presses than any page here has controls before the one wanted
FOCUS_TRANSITION_MS = 300  # Streamlit's focus styles fade in
PRIMARY = "rgb(39, 105, 92)"  # .streamlit/config.toml primaryColor #27695c: a focused text box's border

# The focused element's accessible text, and whether a focus indicator shows on it or on one of
# its three nearest ancestors: an outline with a width, a box shadow, or (how BaseWeb marks a
# focused text box) a border in the primary colour.
_FOCUS_JS = """
(primary) => {
  const chain = [];
  const el = document.activeElement;
  if (!el || el === document.body) return {name: "", visible: false, tag: ""};
  const name = (el.getAttribute("aria-label") || el.labels?.[0]?.innerText || el.innerText || "").trim();
  let visible = false;
  for (let node = el, depth = 0; node && depth < 4 && !visible; node = node.parentElement, depth++) {
    const style = getComputedStyle(node);
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
    const ring = style.borderTopStyle !== "none" && style.borderTopColor === primary;
    visible = outline || (style.boxShadow && style.boxShadow !== "none") || ring;
    chain.push(`${node.tagName} outline=${style.outlineStyle} ${style.outlineWidth} shadow=${style.boxShadow}`
               + ` border=${style.borderTopStyle} ${style.borderTopColor}`);
  }
  return {name, visible, tag: el.tagName.toLowerCase(), role: el.getAttribute("role") || "", chain};
}
"""


def focused(page: Page) -> dict:
    return page.evaluate(_FOCUS_JS, PRIMARY)


def assert_focus_visible(page: Page) -> dict:
    """The focus indicator, once its transition (Streamlit's are 200 ms) has run."""
    page.wait_for_timeout(FOCUS_TRANSITION_MS)
    now = focused(page)
    assert now["visible"], f"focus is not visible on {now}"
    return now


def tab_to(page: Page, matches, *, backwards: bool = False) -> dict:
    """Press Tab (or Shift+Tab) until the focused element `matches`; it must show its focus."""
    seen = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        now = focused(page)
        seen.append(now["name"][:40])
        if matches(now):
            return assert_focus_visible(page)
    raise AssertionError(f"no matching control within {MAX_TABS} presses; focus went through {seen}")


def named(text: str):
    return lambda now: now["name"] == text


def stored(server, person) -> list[entry_queries.Entry]:
    with server.session() as session:
        return entry_queries.recent(session, server.actor(person), limit=100)


def test_sign_in_log_and_sign_out_with_the_keyboard_only(seeded_server, page):
    person = seeded_server.new_person("Kit Keys")
    open_app(page, seeded_server.base)
    sign_in_form_only(page)

    # Sign in: type into the two boxes, Enter submits the form.
    tab_to(page, lambda now: now["tag"] == "input" and "E-mail" in now["name"])
    page.keyboard.type(person.email)
    tab_to(page, lambda now: now["tag"] == "input" and now["name"].startswith("Password"))
    page.keyboard.type(person.password)
    rerun_after(page, lambda: page.keyboard.press("Enter"))
    expect(page.get_by_role("button", name=SIGN_OUT)).to_be_visible()
    wait_for_app(page)

    # Open Log from the navigation (the focus may start anywhere: go back to the sidebar first).
    expect(navigation(page)).to_be_visible()
    tab_to(page, lambda now: now["tag"] == "a" and now["name"].endswith("Log an interaction"), backwards=True)
    rerun_after(page, lambda: page.keyboard.press("Enter"))
    expect(main(page).get_by_role("heading", name="Log an interaction")).to_be_visible()

    # Rate: Tab into the rating group, arrows to "+2 Fulfilling", Space chooses it.
    rating = main(page).get_by_role("radio", name="+2 Fulfilling", exact=True)
    tab_to(page, lambda now: now["role"] == "radio")
    for _ in range(8):
        if focused(page)["name"] == "+2 Fulfilling":
            break
        page.keyboard.press("ArrowRight")
    assert focused(page)["name"] == "+2 Fulfilling", focused(page)
    assert_focus_visible(page)
    page.keyboard.press("Space")
    expect(rating).to_have_attribute("aria-checked", "true")

    # Save: Tab to the button, Enter.
    tab_to(page, named("Save"))
    rerun_after(page, lambda: page.keyboard.press("Enter"))
    expect(page.get_by_test_id("stToast").filter(has_text="Saved")).to_be_visible()
    assert [entry.rating for entry in stored(seeded_server, person)] == [2]
    assert_no_exception(page)

    # Sign out: back to the sidebar's button, Enter.
    tab_to(page, lambda now: now["tag"] == "button" and now["name"].endswith("Sign out"), backwards=True)
    rerun_after(page, lambda: page.keyboard.press("Enter"))
    sign_in_form_only(page)
