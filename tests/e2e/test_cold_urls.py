"""The very first request a freshly started server sees may be any URL: it must show sign-in only.

Streamlit 1.67 treats the first script run of a process as an old-style `pages/` folder app
until `st.navigation` has run once: it makes a page of every `pages/*.py` file and runs the one
named like the URL instead of `streamlit_app.py`. `pages/` therefore holds no such file, only
`__init__.py` and one subpackage per audience (see docs/ARCHITECTURE.md, "Pages"): a page URL
matches no file, Streamlit says "Page not found" once and runs `streamlit_app.py`, whose gate
answers with the sign-in. So each URL here is the first request of its own new server process;
the notice is closed, and a second session on the same server must not see it again. The
servers start in small parallel batches (their first run imports the whole app, the slow part)
and every test then checks what its URL showed.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import (
    CLINICIAN,
    ROOT,
    SIGN_OUT,
    close_page_not_found,
    headings,
    main,
    navigation,
    new_context,
    open_app,
    seed,
    spawn_server,
    sqlite_url,
    start_server,
    submit_sign_in,
    wait_for_app,
    wait_until_healthy,
)

pytestmark = pytest.mark.e2e

BATCH = 6  # servers whose first run overlaps; more only queues on the CPU
FIRST_RUN_TIMEOUT_MS = 90_000


def known_url_paths() -> list[str]:
    """Every url_path the app declares (the navigation module, else the entry point's source)."""
    try:
        from pages.ui.navigation import URL_PATHS

        return list(URL_PATHS)
    except ImportError:
        return re.findall(r'url_path="([^"]+)"', (ROOT / "streamlit_app.py").read_text())


URL_PATHS = list(dict.fromkeys(["", *known_url_paths()]))  # "" is the default page, at "/"


# Page content that must never show before signing in: each declared page title, the admin table.
try:
    from pages.ui.navigation import PAGES

    PAGE_TITLES = {p.url_path: p.title for p in PAGES}
except ImportError:
    PAGE_TITLES = {}


@dataclass(frozen=True)
class FirstView:
    """What the browser showed for a request to a new server (after closing a "Page not found")."""

    url: str
    main_text: str
    headings: tuple[str, ...]
    sign_in_form: bool
    navigation: bool
    sign_out: bool
    tables: int
    exception: str | None
    page_not_found: bool  # Streamlit's notice was open over the page (it is closed before looking further)

    def describe(self) -> str:
        return f"{self.url}: headings={self.headings} navigation={self.navigation}\n{self.main_text[:600]}"


def _look(page) -> FirstView:
    notice = close_page_not_found(page)
    body = main(page)
    exceptions = page.locator('[data-testid="stException"]')
    return FirstView(
        url=page.url,
        main_text=body.inner_text(),
        headings=tuple(h.strip() for h in body.locator("h1, h2, h3").all_inner_texts()),
        sign_in_form=(
            body.get_by_label("E-mail").count() == 1
            and body.get_by_label("Password", exact=True).count() == 1
            and body.get_by_role("button", name="Sign in", exact=True).count() == 1
        ),
        navigation=navigation(page).count() > 0,
        sign_out=page.get_by_role("button", name=SIGN_OUT).count() > 0,
        tables=page.locator('[data-testid="stDataFrame"], [data-testid="stTable"]').count(),
        exception=exceptions.first.inner_text() if exceptions.count() else None,
        page_not_found=notice,
    )


@dataclass(frozen=True)
class ColdURL:
    first: FirstView | str  # the first request the server ever saw (a failure is kept as text)
    again: FirstView | str  # then a new session on the same URL of the same server


def first_views(browser, workdir: Path, paths: list[str]) -> dict[str, ColdURL]:
    """Open each path as the first request of its own new server, then again in a new session."""
    template = workdir / "template"
    template.mkdir()
    seed(sqlite_url(template))  # someone exists, so signed out means the sign-in form
    views: dict[str, ColdURL] = {}
    # One context for all: each server is its own origin, so the pages share no session.
    context = new_context(browser)
    for start in range(0, len(paths), BATCH):
        batch = paths[start : start + BATCH]
        servers, pages = [], []
        try:
            for _ in batch:
                directory = workdir / f"server-{len(views) + len(servers)}"
                shutil.copytree(template, directory)
                servers.append(spawn_server(sqlite_url(directory), directory))
            for server in servers:
                wait_until_healthy(server)
            for path, server in zip(batch, servers, strict=True):
                page = context.new_page()
                page.goto(server.url(path), wait_until="commit")  # the first runs overlap
                pages.append(page)
            for path, page, server in zip(batch, pages, servers, strict=True):
                views[path] = ColdURL(_attempt(page, server), _attempt(context.new_page(), server, path))
        finally:
            for page in pages:
                page.close()
            for server in servers:
                server.stop()
    context.close()
    return views


def _attempt(page, server, path: str | None = None) -> FirstView | str:
    """Wait for the page's first run (opening `path` first if given) and look; a failure becomes text."""
    try:
        if path is not None:
            page.goto(server.url(path), wait_until="commit")
        wait_for_app(page, timeout=FIRST_RUN_TIMEOUT_MS)
        return _look(page)
    except Exception as error:  # noqa: BLE001 - reported by the path's own test
        return f"{type(error).__name__}: {error}\n--- server log ---\n{server.log()[-3000:]}"
    finally:
        if path is not None:
            page.close()


@pytest.fixture(scope="module")
def cold_views(browser, tmp_path_factory) -> dict[str, ColdURL]:
    return first_views(browser, tmp_path_factory.mktemp("cold"), URL_PATHS)


def assert_only_sign_in(view: FirstView | str) -> None:
    assert isinstance(view, FirstView), view
    assert view.exception is None, f"uncaught exception: {view.exception}\n{view.describe()}"
    assert "Traceback" not in view.main_text, view.describe()
    assert view.sign_in_form, f"no sign-in form\n{view.describe()}"
    assert view.headings == ("Shared Load",), f"more than the sign-in shows\n{view.describe()}"
    assert not view.navigation, f"navigation shown before signing in\n{view.describe()}"
    assert not view.sign_out, view.describe()
    assert view.tables == 0, f"a table shows before signing in\n{view.describe()}"
    for title in PAGE_TITLES.values():
        assert title not in view.headings, f"page {title!r} shows before signing in\n{view.describe()}"


def test_the_app_declares_the_pages_this_test_opens():
    assert {"", "log", "people", "units", "tags", "audit", "account"} <= set(URL_PATHS)
    assert {"ask", "conversations", "support", "notifications", "queue"} <= set(URL_PATHS)


@pytest.mark.parametrize("path", URL_PATHS, ids=lambda p: p or "root")
def test_every_page_url_opened_first_shows_only_sign_in(cold_views, path):
    first = cold_views[path].first
    assert_only_sign_in(first)
    assert "Log an interaction" not in first.main_text
    if path == "":
        assert not first.page_not_found, "'Page not found' at the root"


@pytest.mark.parametrize("path", URL_PATHS, ids=lambda p: p or "root")
def test_a_later_session_on_that_server_sees_no_page_not_found(cold_views, path):
    again = cold_views[path].again
    assert_only_sign_in(again)
    assert not again.page_not_found, f"'Page not found' after the first request\n{again.describe()}"


def test_signing_in_after_a_cold_page_url_opens_that_page(browser, tmp_path):
    """A bookmark to /log on a server that has just started: the notice, the sign-in, then the page."""
    seed(sqlite_url(tmp_path))
    server = start_server(sqlite_url(tmp_path), tmp_path)
    context = new_context(browser)
    try:
        page = context.new_page()
        open_app(page, server.url("log"))
        close_page_not_found(page)
        submit_sign_in(page, CLINICIAN.email, CLINICIAN.password)
        expect(main(page).get_by_role("heading", name="Log an interaction")).to_be_visible()
        assert headings(page)[0] == "Log an interaction"
        assert page.url == server.url("log")
    finally:
        context.close()
        server.stop()
