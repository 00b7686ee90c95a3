"""The demo's drifting clinician: the private early warning, My trends and the check-in, in Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import (
    DEMO_PASSWORD,
    DESKTOP,
    PHONE,
    assert_no_exception,
    click,
    main,
    new_context,
    open_nav_link,
    running_demo,
    sign_in,
)
from tests.e2e.test_screenshots import shoot

pytestmark = pytest.mark.e2e

DRIFTING = "clinician@demo.example"
STEADY = "coordinator@demo.example"


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    with running_demo(tmp_path_factory, "demo", people=16) as server:
        yield server


def charts(page):
    return main(page).locator('[data-testid="stVegaLiteChart"]')


def test_drifting_clinician_sees_the_prompt_and_three_charts(browser, demo_server):
    with new_context(browser, DESKTOP) as context:
        page = context.new_page()
        sign_in(page, demo_server.base, DRIFTING, DEMO_PASSWORD)
        expect(main(page).get_by_text("Your load seems heavier lately")).to_be_visible()
        click(main(page).get_by_role("button", name="Ask for a shared-load conversation"))
        expect(main(page).get_by_role("heading", name="Ask for a conversation")).to_be_visible()
        expect(main(page)).to_contain_text("trained peer")
        open_nav_link(page, "My trends")
        expect(main(page).get_by_role("heading", name="My trends")).to_be_visible()
        expect(charts(page).first).to_be_visible()
        assert charts(page).count() >= 3
        expect(main(page).get_by_text("Your load seems heavier lately")).to_be_visible()
        assert_no_exception(page)


def test_steady_clinician_gets_no_prompt(browser, demo_server):
    with new_context(browser, DESKTOP) as context:
        page = context.new_page()
        sign_in(page, demo_server.base, STEADY, DEMO_PASSWORD)
        assert main(page).get_by_text("Your load seems heavier lately").count() == 0
        open_nav_link(page, "My trends")
        expect(charts(page).first).to_be_visible()
        assert main(page).get_by_text("Your load seems heavier lately").count() == 0
        assert_no_exception(page)


@pytest.mark.parametrize("viewport, suffix", [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_screenshots_of_trends_and_check_in(browser, demo_server, viewport, suffix):
    with new_context(browser, viewport) as context:
        page = context.new_page()
        sign_in(page, demo_server.base, DRIFTING, DEMO_PASSWORD)
        shoot(page, f"home-warning-{suffix}.png")
        open_nav_link(page, "My trends")
        expect(charts(page).first).to_be_visible()
        shoot(page, f"trends-{suffix}.png")
        open_nav_link(page, "Check-in")
        expect(main(page).get_by_role("heading", name="Weekly check-in")).to_be_visible()
        shoot(page, f"check-in-{suffix}.png")
