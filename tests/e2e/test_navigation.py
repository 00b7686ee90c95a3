"""Each role's navigation holds its pages and no others; every one of them opens cleanly."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import (
    ADMINISTRATOR,
    CLINICIAN,
    COORDINATOR,
    DESKTOP,
    FIRST_ADMINISTRATOR,
    PHONE,
    SIGN_OUT,
    assert_no_exception,
    click,
    close_page_not_found,
    headings,
    link_path,
    main,
    nav_links,
    nav_titles,
    new_context,
    open_app,
    open_nav_link,
    rerun_after,
    sidebar_is_open,
    sign_in,
    sign_in_form_only,
    submit_sign_in,
    wait_for_app,
)

pytestmark = pytest.mark.e2e

SIDEBAR_OPEN_JS = "document.querySelector('[data-testid=\"stSidebarContent\"]').getBoundingClientRect().right > 0"

ADMIN_PAGES = {"People", "Units", "Tags", "Audit log", "Program settings"}
CLINICIAN_PAGES = {"Log an interaction", "Ask for a conversation", "My conversations", "Support a peer"}
COORDINATOR_PAGES = {"Review queue", "Outcomes"}
EVERYONE = {"Home", "Notifications", "Account"}

# person → (must be in the navigation, must not be)
EXPECTED = {
    "administrator only": (ADMINISTRATOR, EVERYONE | ADMIN_PAGES, CLINICIAN_PAGES | COORDINATOR_PAGES),
    "clinician": (CLINICIAN, EVERYONE | CLINICIAN_PAGES, ADMIN_PAGES | COORDINATOR_PAGES),
    "coordinator and clinician": (COORDINATOR, EVERYONE | CLINICIAN_PAGES | COORDINATOR_PAGES, ADMIN_PAGES),
    "administrator and clinician": (
        FIRST_ADMINISTRATOR,
        EVERYONE | ADMIN_PAGES | CLINICIAN_PAGES,
        COORDINATOR_PAGES,
    ),
}


def declared_titles(roles) -> list[str]:
    """The navigation the app declares for these roles, in order (pages added later included)."""
    from pages.ui.navigation import pages_for

    return [spec.title for specs in pages_for(roles).values() for spec in specs]


@pytest.mark.parametrize("who", list(EXPECTED))
def test_every_role_sees_only_its_pages_and_each_opens_cleanly(seeded_server, page, who):
    person, required, forbidden = EXPECTED[who]
    sign_in(page, seeded_server.base, person.email, person.password)
    titles = nav_titles(page)
    assert required <= set(titles), f"{who} misses {required - set(titles)} in {titles}"
    assert not forbidden & set(titles), f"{who} sees {forbidden & set(titles)}"
    assert titles == declared_titles(person.roles)
    assert len(titles) == len(set(titles)), titles

    links = nav_links(page)
    paths = {title: link_path(links.nth(i)) for i, title in enumerate(titles)}
    for title in titles:
        open_nav_link(page, title)
        assert urlparse(page.url).path == paths[title], f"{title} opened {page.url}"
        assert not close_page_not_found(page), f"{title}: page not found"
        assert_no_exception(page)
        assert headings(page), f"{title} shows no heading"
        expect(page.get_by_role("button", name=SIGN_OUT)).to_be_visible()


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_choosing_a_page_closes_the_sidebar_on_a_phone_only(seeded_server, browser, width):
    """On a phone the sidebar covers the page: after choosing a page it gets out of the way (the
    app's own links do it, pages/ui/menu.py). On a desktop it stays, beside the page."""
    phone = width == "phone"
    context = new_context(browser, PHONE if phone else DESKTOP)
    try:
        page = context.new_page()
        sign_in(page, seeded_server.base, CLINICIAN.email, CLINICIAN.password)
        for title, heading in (("My trends", "My trends"), ("Home", "Hello, Cleo"), ("Account", "Account")):
            open_nav_link(page, title)  # opens the sidebar first where it is closed
            expect(main(page).get_by_role("heading", name=heading)).to_be_visible()
            if phone:
                page.wait_for_function(f"() => !({SIDEBAR_OPEN_JS})")
            assert sidebar_is_open(page) is not phone, f"{width}: sidebar {'open' if phone else 'closed'} on {title}"
    finally:
        context.close()


def test_clinician_cannot_open_an_admin_page_by_url(seeded_server, page):
    # A full load of /people is a new Streamlit session: signed out, it shows the sign-in only.
    open_app(page, seeded_server.url("people"))
    close_page_not_found(page)  # Streamlit's one-time notice if this is the server's first request
    sign_in_form_only(page)
    assert "People" not in headings(page)

    # Signing in on that URL lands the clinician on a page they may see, never on People.
    submit_sign_in(page, CLINICIAN.email, CLINICIAN.password)
    expect(page.get_by_role("button", name=SIGN_OUT)).to_be_visible()
    wait_for_app(page)
    close_page_not_found(page)
    assert_people_page_not_shown(page)  # a clinician lands on Log, the page they use most
    expect(main(page).get_by_role("heading", name="Log an interaction")).to_be_visible()
    assert urlparse(page.url).path == "/log", page.url
    assert_no_exception(page)
    assert not ADMIN_PAGES & set(nav_titles(page))

    # Navigating to /people inside the signed-in session (the browser's history, no reload) makes
    # the app rerun for that URL: it answers with Home, still signed in (the landing was once).
    rerun_after(
        page,
        lambda: page.evaluate(
            "() => { history.pushState({}, '', '/people'); dispatchEvent(new PopStateEvent('popstate')); }"
        ),
    )
    close_page_not_found(page)
    assert_lands_on_home(page)
    expect(page.get_by_role("button", name=SIGN_OUT)).to_be_visible()


def assert_lands_on_home(page) -> None:
    assert_people_page_not_shown(page)
    expect(main(page).get_by_role("heading", name="Hello, Cleo")).to_be_visible()
    assert urlparse(page.url).path == "/", page.url
    assert_no_exception(page)


def assert_people_page_not_shown(page) -> None:
    assert "People" not in headings(page), headings(page)
    assert page.locator('[data-testid="stDataFrame"]').count() == 0
    assert page.get_by_text("Invite a person").count() == 0
    assert page.get_by_text(ADMINISTRATOR.email).count() == 0


def test_account_offers_reminders_and_saves_a_choice(seeded_server, page):
    """Account holds the clinician's Reminders (off by default); turning one on is saved."""
    from db.models import ReminderPreference

    sign_in(page, seeded_server.base, CLINICIAN.email, CLINICIAN.password)
    open_nav_link(page, "Account")
    expect(main(page).get_by_role("heading", name="Reminders")).to_be_visible()
    assert_no_exception(page)
    remind_to_log = main(page).get_by_role("switch", name="Remind me to log, Monday to Friday")
    expect(remind_to_log).not_to_be_checked()
    main(page).get_by_text("Remind me to log, Monday to Friday").click()  # the switch's label, as a person taps it
    expect(remind_to_log).to_be_checked()
    click(main(page).get_by_role("button", name="Save reminders"))
    expect(page.get_by_test_id("stToast").filter(has_text="Reminders saved")).to_be_visible()
    assert_no_exception(page)
    person = seeded_server.actor(CLINICIAN)
    with seeded_server.session() as session:
        chosen = session.get(ReminderPreference, person.id)
        assert (chosen.log_daily, chosen.checkin_weekly) == (True, False)
