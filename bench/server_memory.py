"""Server memory: the real server's resident set with the large database, idle and after use.

`streamlit run streamlit_app.py` starts on the large database (headless, a free port, started as
the browser tests start it: tests/e2e/conftest.py). Its resident set size (VmRSS of the server
process, from /proc; psutil is not a dependency) is read once the health endpoint answers and the
process has been quiet for a moment: the idle app. Then Chromium signs in as each demo role and
as the bench's heavy clinician (3 years × 5 entries a day) and opens every page of that person's
navigation, one after another in one browser session each; the resident set is read again
after a few quiet seconds, and the peak (VmHWM) beside it. The ratio is after ÷ idle.
"""

from __future__ import annotations

import time
from pathlib import Path

from bench.database import HEAVY_EMAIL, PASSWORD
from bench.measure import Context, Figure

QUIET_SECONDS = 3.0


def memory_kib(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (the peak) of a process, in KiB, from /proc/<pid>/status."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0])
    return fields


def server_memory(context: Context) -> Figure:
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import (
        CHROMIUM,
        CHROMIUM_ARGS,
        assert_no_exception,
        close_page_not_found,
        nav_titles,
        new_context,
        open_nav_link,
        running,
        sign_in,
        spawn_server,
        wait_for_app,
        wait_until_healthy,
    )
    from tracker.demo import ADMIN_EMAIL, CLINICIAN_EMAIL, COORDINATOR_EMAIL

    large = context.large()
    server = running(wait_until_healthy(spawn_server(large.url, context.backend.workdir), timeout=180))
    visited: dict[str, list[str]] = {}
    try:
        time.sleep(QUIET_SECONDS)
        idle = memory_kib(server.process.pid)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            try:
                for email in (ADMIN_EMAIL, COORDINATOR_EMAIL, CLINICIAN_EMAIL, HEAVY_EMAIL):
                    browsing = new_context(browser)
                    page = browsing.new_page()
                    try:
                        sign_in(page, server.base, email, PASSWORD)
                        for title in nav_titles(page):
                            open_nav_link(page, title)
                            close_page_not_found(page)
                            wait_for_app(page)
                            assert_no_exception(page)
                            visited.setdefault(email, []).append(title)
                    finally:
                        browsing.close()
            finally:
                browser.close()
        time.sleep(QUIET_SECONDS)
        after = memory_kib(server.process.pid)
    except Exception as error:
        raise RuntimeError(f"{error}\n--- server log (end) ---\n{server.log()[-3000:]}") from error
    finally:
        server.stop()
    ratio = after["VmRSS"] / idle["VmRSS"]
    pages = sum(len(titles) for titles in visited.values())
    mib = lambda kib: f"{kib / 1024:,.0f} MiB"  # noqa: E731
    return Figure(
        name=f"server memory, {large.interactions:,} rows ({context.label})",
        measured=(
            f"after {pages} pages as {len(visited)} people {mib(after['VmRSS'])} vs idle {mib(idle['VmRSS'])} "
            f"(peak {mib(after['VmHWM'])})"
        ),
        ratio=ratio,
        goal="≤ 2×",
        passed=ratio <= 2,
        details={
            "idle_rss_kib": idle["VmRSS"],
            "after_rss_kib": after["VmRSS"],
            "peak_rss_kib": after["VmHWM"],
            "pages": visited,
            "interactions": large.interactions,
        },
    )
