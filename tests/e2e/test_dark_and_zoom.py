"""Dark mode and large text, measured on every page of every role of the demo organisation.

Dark: the browser says it prefers dark (`color_scheme="dark"`); the app must then be dark (its
background and sidebar, not only some widgets) and pass axe-core's WCAG A/AA rules with no serious
or critical violation, at desktop and phone widths, folds open too.

Large text: 200 % zoom on a 390 × 844 phone. Browser zoom makes CSS pixels larger: the page is laid
out in a 195 × 422 CSS-pixel window with two device pixels per CSS pixel, and that is what this
emulates (viewport 195 × 422, `device_scale_factor=2`). Measured on this app: the page then sees
`innerWidth` 195 and `devicePixelRatio` 2, as in a zoomed browser. `document.body.style.zoom = 2`
was measured too and not chosen: the page still sees `innerWidth` 390 and `devicePixelRatio` 1, so
media queries and Streamlit's own width measurements answer for a 390 px phone, not for a zoomed
one. On every page: no horizontal scroll, and no visible text cut off — no element that hides its
overflow (or ends it with an ellipsis) holding text wider than itself, and no part of a page that
scrolls sideways except data grids, which WCAG 1.4.10 allows to (two-dimensional content).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import (
    DESKTOP,
    PHONE,
    ROOT,
    assert_no_exception,
    close_page_not_found,
    close_sidebar,
    headings,
    main,
    nav_titles,
    new_context,
    open_app,
    open_nav_link,
    running_demo,
    sidebar_is_open,
    sign_in,
    wait_for_app,
)
from tests.e2e.test_accessibility import DEMO_PASSWORD, FAILING_IMPACTS, ROLES, open_folds, report, violations
from tests.e2e.test_screenshots import shoot
from tracker.demo import CLINICIAN_EMAIL

pytestmark = pytest.mark.e2e

WIDTHS = {"desktop": DESKTOP, "phone": PHONE}
ZOOMED_PHONE = {"width": PHONE["width"] // 2, "height": PHONE["height"] // 2}  # 390 × 844 at 200 %
SCREENSHOTS = ROOT / "docs" / "screenshots"

# WCAG relative luminance of an element's computed colour (0 black ... 1 white).
_LUMINANCE_JS = """
([selector, property]) => {
  const element = document.querySelector(selector);
  if (!element) return null;
  const [r, g, b] = getComputedStyle(element)[property].match(/[\\d.]+/g).slice(0, 3).map(Number);
  const linear = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}
"""

# What a person could not read without scrolling sideways or at all (see the module docstring).
_CUT_OFF_JS = """
() => {
  const visible = (el) => {
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return style.display !== 'none' && style.visibility !== 'hidden' && box.width > 0 && box.height > 0;
  };
  const name = (el) => {
    const parts = [];
    for (let a = el; a && parts.length < 3; a = a.parentElement) {
      if (a.dataset && a.dataset.testid) parts.push(a.dataset.testid);
    }
    return `${el.tagName.toLowerCase()} in ${parts.join(' < ') || 'page'}`;
  };
  const found = [];
  const sidebar = document.querySelector('[data-testid="stSidebarContent"]');
  const sidebarShut = !sidebar || sidebar.getBoundingClientRect().right <= 0;
  for (const el of document.querySelectorAll('[data-testid="stApp"] *')) {
    if ((sidebarShut && sidebar && sidebar.contains(el)) || !visible(el)) continue;
    if (el.clientWidth <= 2) continue;  // visually hidden on purpose ("Skip to main content" until focused)
    const style = getComputedStyle(el);
    const text = (el.innerText || '').trim();
    const wider = el.scrollWidth > el.clientWidth + 1;
    if (!wider) continue;
    const hides = ['hidden', 'clip'].includes(style.overflowX) || style.textOverflow === 'ellipsis';
    const scrolls = ['auto', 'scroll'].includes(style.overflowX);
    if (hides && text) {
      found.push(`${name(el)}: "${text.slice(0, 40)}" ${el.scrollWidth} px of text in ${el.clientWidth}`);
    } else if (scrolls && !el.closest('[data-testid="stDataFrame"]')) {
      found.push(`${name(el)} scrolls sideways: ${el.scrollWidth} px in ${el.clientWidth} ("${text.slice(0, 40)}")`);
    }
  }
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    devicePixelRatio: window.devicePixelRatio,
    cutOff: found,
  };
}
"""


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    with running_demo(tmp_path_factory, "demo-dark-zoom", people=40) as server:
        yield server


def luminance(page, selector: str, property: str = "backgroundColor") -> float | None:
    return page.evaluate(_LUMINANCE_JS, [selector, property])


def assert_dark(page, where: str) -> None:
    """The page itself is dark (Streamlit's dark background #171614 is 0.008), its text light."""
    background = luminance(page, '[data-testid="stApp"]')
    assert background is not None and background < 0.05, f"{where}: background luminance {background}"
    text = luminance(page, '[data-testid="stMain"] :is(h1, h2, p)', "color")
    assert text is not None and text > 0.5, f"{where}: text luminance {text}"
    sidebar = luminance(page, '[data-testid="stSidebar"]')
    assert sidebar is None or sidebar < 0.05, f"{where}: sidebar luminance {sidebar}"


def pages_of(page, base: str, email: str):
    """Sign in, then open every page in the person's navigation; yields each page's title."""
    sign_in(page, base, email, DEMO_PASSWORD)
    yield "after sign-in"
    for title in nav_titles(page):
        open_nav_link(page, title)
        close_page_not_found(page)
        wait_for_app(page)
        assert_no_exception(page)
        yield title


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("role", list(ROLES))
def test_dark_preference_gives_a_dark_app_without_serious_axe_violations(demo_server, browser, role, width):
    context = new_context(browser, WIDTHS[width], color_scheme="dark")
    page = context.new_page()
    found: list[dict] = []
    seen = 0
    try:
        open_app(page, demo_server.base)
        assert_dark(page, "sign-in")
        found += violations(page, f"{role} {width} sign-in (dark)")
        for title in pages_of(page, demo_server.base, ROLES[role]):
            where = f"{role} {width} {title} (dark)"
            if width == "phone" and sidebar_is_open(page):
                close_sidebar(page)
            assert_dark(page, where)
            found += violations(page, where)
            if open_folds(page):
                found += violations(page, f"{where}, folds open")
            seen += 1
    finally:
        context.close()
    print(f"\n{role} at {width}, dark: {seen} pages\n{report(found)}")
    failing = [v for v in found if v["impact"] in FAILING_IMPACTS]
    assert not failing, f"{len(failing)} serious or critical axe violations in the dark theme\n{report(failing)}"
    assert seen > 3


@pytest.mark.parametrize("role", list(ROLES))
def test_200_percent_zoom_on_a_phone_needs_no_sideways_scroll_and_cuts_no_text(demo_server, browser, role):
    context = new_context(browser, ZOOMED_PHONE, device_scale_factor=2)
    page = context.new_page()
    problems: list[str] = []
    seen = 0

    def measure(where: str) -> None:
        measured = page.evaluate(_CUT_OFF_JS)
        assert (measured["innerWidth"], measured["devicePixelRatio"]) == (195, 2)  # what 200 % zoom gives
        if measured["scrollWidth"] > measured["innerWidth"]:
            problems.append(f"{where}: the page scrolls sideways ({measured['scrollWidth']} px in 195)")
        problems.extend(f"{where}: {cut}" for cut in measured["cutOff"])

    try:
        open_app(page, demo_server.base)
        measure("sign-in")
        for title in pages_of(page, demo_server.base, ROLES[role]):
            if sidebar_is_open(page):
                close_sidebar(page)  # a person closes it to read the page
            measure(title)
            if open_folds(page):
                measure(f"{title}, folds open")
            seen += 1
    finally:
        context.close()
    assert not problems, "at 200 % zoom on a 390 px phone:\n" + "\n".join(problems)
    assert seen > 3


@pytest.mark.parametrize("size", list(WIDTHS))
def test_dark_screenshots_of_home_and_log(demo_server, browser, size):
    """docs/screenshots/*-dark-*.png, looked at when they change (README, "Screenshots")."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = new_context(browser, WIDTHS[size], color_scheme="dark")
    try:
        page = context.new_page()
        sign_in(page, demo_server.base, CLINICIAN_EMAIL, DEMO_PASSWORD)
        expect(main(page).get_by_role("heading", name="Log an interaction")).to_be_visible()
        shoot(page, f"log-dark-{size}.png")
        open_nav_link(page, "Home")
        assert headings(page)[0].startswith("Hello")
        assert_dark(page, "Home")
        shoot(page, f"home-dark-{size}.png")
    finally:
        context.close()
    for name in ("log", "home"):
        assert (SCREENSHOTS / f"{name}-dark-{size}.png").stat().st_size > 10_000
