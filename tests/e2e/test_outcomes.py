"""Program outcomes and program settings in Chromium, on the demo organisation.

The demo at 70 people and 90 days (seed 7) has about 15 requests from 15 people in the period: by
unit, one unit (5 people) is shown and the other four say "fewer than 5" — so the coordinator sees
real figures for the whole program and suppressed cells at once.
"""

from __future__ import annotations

import csv
import io

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

COORDINATOR = "coordinator@demo.example"
ADMINISTRATOR = "admin@demo.example"


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    with running_demo(tmp_path_factory, "demo-outcomes", people=70) as server:
        yield server


def open_outcomes(page, server) -> None:
    sign_in(page, server.base, COORDINATOR, DEMO_PASSWORD)
    open_nav_link(page, "Outcomes")
    expect(main(page).get_by_role("heading", name="Program outcomes")).to_be_visible()
    expect(main(page).locator('[data-testid="stVegaLiteChart"]').first).to_be_visible()
    assert_no_exception(page)


def test_coordinator_sees_the_figures_and_a_suppressed_cell(browser, demo_server):
    with new_context(browser, DESKTOP) as context:
        page = context.new_page()
        open_outcomes(page, demo_server)
        metrics = main(page).locator('[data-testid="stMetric"]')
        expect(metrics.filter(has_text="Requests")).to_be_visible()
        expect(metrics.filter(has_text="Load after ÷ before (median)")).to_be_visible()
        expect(main(page)).to_contain_text("against the goal of 0.5")
        expect(main(page)).to_contain_text("Not drawn, to protect small groups")

        # The table is drawn on a canvas; its CSV holds exactly what it shows.
        with page.expect_download() as download:
            main(page).get_by_role("button", name="Download CSV").last.click()
        rows = list(csv.DictReader(io.StringIO(download.value.path().read_text())))
        hidden = [row for row in rows if row["People"] in ("fewer than 5", "hidden to protect a small group")]
        assert hidden, rows
        for row in hidden:
            assert {value for column, value in row.items() if column not in ("Unit", "People")} == {"—"}, row
        whole = next(row for row in rows if row["Unit"] == "Whole program")
        assert int(whole["People"]) >= 5 and whole["Requests"].isdigit()
        assert_no_exception(page)  # the download did not rerun the page (no extra audited view)

        click(main(page).get_by_role("radio", name="Month", exact=True))
        expect(main(page).get_by_role("heading", name="Over time")).to_be_visible()
        assert_no_exception(page)


@pytest.mark.parametrize("viewport, suffix", [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_screenshots_of_outcomes(browser, demo_server, viewport, suffix):
    with new_context(browser, viewport) as context:
        page = context.new_page()
        open_outcomes(page, demo_server)
        shoot(page, f"outcomes-{suffix}.png")


def test_screenshot_of_program_settings(browser, demo_server):
    with new_context(browser, DESKTOP) as context:
        page = context.new_page()
        sign_in(page, demo_server.base, ADMINISTRATOR, DEMO_PASSWORD)
        open_nav_link(page, "Program settings")
        expect(main(page).get_by_role("heading", name="Program settings")).to_be_visible()
        expect(main(page).get_by_role("spinbutton", name="Minimum group size (people)")).to_have_value("5")
        shoot(page, "settings-desktop.png")
