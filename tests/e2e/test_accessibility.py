"""WCAG 2.2 AA, measured: axe-core on every page of every role, at desktop and phone widths.

axe-core (bundled by axe-playwright-python) runs the WCAG 2.0/2.1/2.2 A and AA rules on each
page once Streamlit has finished running it, on the demo organisation's realistic content. A
serious or critical violation anywhere fails the test, which lists each one (rule, impact,
element). Minor and moderate findings are printed, not failed on.
"""

from __future__ import annotations

from collections import Counter

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.conftest import (
    DESKTOP,
    PHONE,
    assert_no_exception,
    close_page_not_found,
    close_sidebar,
    nav_titles,
    new_context,
    open_nav_link,
    sidebar_is_open,
    sign_in,
    sqlite_url,
    start_server,
    wait_for_app,
)
from tracker.app import open_database
from tracker.demo import ADMIN_EMAIL, CLINICIAN_EMAIL, COORDINATOR_EMAIL, fill_demo

pytestmark = pytest.mark.e2e

DEMO_PASSWORD = "demo password 1"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
FAILING_IMPACTS = {"serious", "critical"}
ROLES = {"clinician": CLINICIAN_EMAIL, "coordinator": COORDINATOR_EMAIL, "administrator": ADMIN_EMAIL}
WIDTHS = {"desktop": DESKTOP, "phone": PHONE}

AXE = Axe()


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    """The demo organisation (`python -m tracker demo`): histories, requests, a queue, an audit log."""
    workdir = tmp_path_factory.mktemp("demo-a11y")
    url = sqlite_url(workdir)
    engine, factory = open_database(url)
    with factory() as session:
        fill_demo(session, password=DEMO_PASSWORD, people=40, days=90, seed=7)
    engine.dispose()
    server = start_server(url, workdir)
    yield server
    server.stop()


def violations(page, where: str) -> list[dict]:
    """axe-core's WCAG A/AA violations on the page as it stands, one row per element."""
    result = AXE.run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA}, "resultTypes": ["violations"]})
    return [
        {
            "where": where,
            "rule": v["id"],
            "impact": v["impact"],
            "target": " ".join(map(str, node["target"]))[-90:],
            "detail": _detail(node),
        }
        for v in result.response["violations"]
        for node in v["nodes"]
    ]


def charts_without_table(page) -> tuple[int, list[int]]:
    """How many charts the page draws, and which (by position) have no "Show as a table" fold
    after them within their own section (up to the next heading). Two charts of the same rows may
    share the table below the second; a chart that only a later section's table follows has none."""
    sequence = page.evaluate(
        """() => [...document.querySelectorAll(
              '[data-testid="stMain"] :is([data-testid="stVegaLiteChart"], [data-testid="stExpander"], h1, h2, h3)'
            )].map((el) => {
              if (el.dataset.testid === "stVegaLiteChart") return "chart";
              if (el.dataset.testid === "stExpander") {
                return el.querySelector("summary")?.innerText.includes("Show as a table") ? "table" : "fold";
              }
              return "heading";
            })"""
    )
    charts = [i for i, kind in enumerate(sequence) if kind == "chart"]
    untabled = []
    for n, position in enumerate(charts):
        after = (kind for kind in sequence[position + 1 :] if kind in ("table", "heading"))
        if next(after, "end") != "table":
            untabled.append(n)
    return len(charts), untabled


def open_folds(page) -> int:
    """Open every closed expander in the main area (as a tap on each would); how many there were."""
    opened = page.evaluate(
        """() => { const closed = [...document.querySelectorAll('[data-testid="stMain"] details:not([open])')];
                   closed.forEach((fold) => { fold.open = true; });
                   return closed.length; }"""
    )
    if opened:
        wait_for_app(page)
    return opened


def _detail(node: dict) -> str:
    """The measured colours of a contrast failure, else the element's opening HTML."""
    data = next((check.get("data") for check in node.get("any", []) if isinstance(check.get("data"), dict)), None)
    if data and "contrastRatio" in data:
        return f"{data.get('fgColor')} on {data.get('bgColor')} = {data['contrastRatio']}:1"
    return node.get("html", "")[:100]


def report(found: list[dict]) -> str:
    counts = Counter((v["rule"], v["impact"]) for v in found)
    summary = "\n".join(f"  {rule} ({impact}): {n}" for (rule, impact), n in sorted(counts.items()))
    rows = "\n".join(f"  {v['where']}: {v['rule']} ({v['impact']}) {v['target']} | {v['detail']}" for v in found)
    return f"by rule:\n{summary}\nelements:\n{rows}"


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("role", list(ROLES))
def test_no_serious_or_critical_axe_violation_on_any_page(demo_server, browser, role, width):
    context = new_context(browser, WIDTHS[width])
    page = context.new_page()
    try:
        sign_in(page, demo_server.base, ROLES[role], DEMO_PASSWORD)
        found = violations(page, f"{role} {width} after sign-in")
        titles = nav_titles(page)
        chart_count, untabled_charts = 0, []
        for title in titles:
            open_nav_link(page, title)
            close_page_not_found(page)
            wait_for_app(page)
            assert_no_exception(page)
            # What a person sees: on a phone, the page itself once the navigation is out of the way.
            found += violations(page, f"{role} {width} {title}")
            if width == "phone" and sidebar_is_open(page):
                close_sidebar(page)
                found += violations(page, f"{role} {width} {title} (sidebar closed)")
            charts, untabled = charts_without_table(page)
            chart_count += charts
            untabled_charts += [f"{role} {width} {title}: chart {i + 1}" for i in untabled]
            # Then what is folded away: "Add details", each recent entry, "Show as a table", ...
            if open_folds(page):
                found += violations(page, f"{role} {width} {title} (folds open)")
    finally:
        context.close()
    print(f"\n{role} at {width}: {len(titles)} pages\n{report(found)}")
    failing = [v for v in found if v["impact"] in FAILING_IMPACTS]
    assert not failing, f"{len(failing)} serious or critical axe violations\n{report(failing)}"
    assert not untabled_charts, f"charts without a 'Show as a table' after them: {untabled_charts}"
    if role in ("clinician", "coordinator"):  # My trends (and Outcomes) draw charts on the demo's data
        assert chart_count, "no chart seen: the text-alternative check looked at nothing"
