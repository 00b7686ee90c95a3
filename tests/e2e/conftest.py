"""The real server and a real browser: `streamlit run` in a subprocess, driven by Chromium.

A "seeded" server (one per test module) starts on an SQLite file that already holds an
administrator-only person, a clinician and a coordinator who is also a clinician, all created
through the services before the server starts. A "fresh" server (one per test) starts on an
empty database, for the first run and for the first request a new server process ever sees.

Tests wait for what a person would see (Playwright's auto-waiting `expect`) and use
`wait_for_app` to let Streamlit finish a run; there are no long fixed sleeps.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright
from sqlalchemy import select
from sqlalchemy.orm import Session

from db import models
from tests.conftest import PASSWORD
from tracker.app import open_database
from tracker.domain import Actor, Role
from tracker.services import auth, people

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
SERVER_START_TIMEOUT = 60.0
APP_TIMEOUT_MS = 30_000

expect.set_options(timeout=15_000)

# The sidebar's "Sign out" button (its name may start with its icon's ligature), not Account's
# "Sign out everywhere".
SIGN_OUT = re.compile(r"Sign out$")


# ---- people on the seeded server ------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    name: str
    email: str
    roles: frozenset[Role]
    password: str = PASSWORD


FIRST_ADMINISTRATOR = Person("Fay First", "fay.first@example.org", frozenset({Role.ADMINISTRATOR, Role.CLINICIAN}))
ADMINISTRATOR = Person("Ada Admin", "ada.admin@example.org", frozenset({Role.ADMINISTRATOR}))
CLINICIAN = Person("Cleo Clinician", "cleo.clinician@example.org", frozenset({Role.CLINICIAN}))
COORDINATOR = Person("Cora Coordinator", "cora.coordinator@example.org", frozenset({Role.COORDINATOR, Role.CLINICIAN}))
SEEDED = (FIRST_ADMINISTRATOR, ADMINISTRATOR, CLINICIAN, COORDINATOR)


def create_first_administrator(session: Session, person: Person = FIRST_ADMINISTRATOR) -> Actor:
    return auth.create_first_administrator(
        session,
        name=person.name,
        email=person.email,
        password=person.password,
        repeated=person.password,
        setup_code=auth.new_setup_code(session),
    )


def invite_with_password(session: Session, administrator: Actor, person: Person) -> Actor:
    """Invite through the administrator's service, then set the known password as the person would."""
    invitation = people.invite_person(
        session,
        administrator,
        token=uuid.uuid4().hex,
        display_name=person.name,
        email=person.email,
        roles={r.value for r in person.roles},
    )
    invited = auth.sign_in(session, email=person.email, password=invitation.temporary_password)
    return auth.change_password(
        session, invited, current=invitation.temporary_password, new=person.password, repeated=person.password
    )


# ---- the server -----------------------------------------------------------------------------


@dataclass
class Server:
    """One `streamlit run` process on its own port and its own database."""

    base: str
    database_url: str
    process: subprocess.Popen
    log_path: Path
    _factory: object = field(default=None, repr=False)
    _engine: object = field(default=None, repr=False)

    def url(self, path: str = "") -> str:
        return f"{self.base}/{path.lstrip('/')}"

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A service-layer session on the server's own database (to seed or to check rows)."""
        if self._factory is None:
            self._engine, self._factory = open_database(self.database_url)
        with self._factory() as session:
            yield session

    def actor(self, person: Person) -> Actor:
        """The person as services see them (looked up, not signed in: no password rehash)."""
        with self.session() as session:
            person_id = session.scalar(select(models.Person.id).where(models.Person.email == person.email))
            return auth.current_actor(session, person_id)

    def new_person(self, name: str, roles: set[Role] = frozenset({Role.CLINICIAN})) -> Person:
        """Someone invited by the first administrator while the server runs, with a known password."""
        first = name.split()[0].lower()
        person = Person(name, f"{first}.{uuid.uuid4().hex[:8]}@example.org", frozenset(roles))
        administrator = self.actor(FIRST_ADMINISTRATOR)
        with self.session() as session:
            invite_with_password(session, administrator, person)
        return person

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        if self in _RUNNING:
            _RUNNING.remove(self)
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self._engine is not None:
            self._engine.dispose()


# Servers the fixtures started and have not stopped yet: a failing test reports their logs
# (an uncaught exception's details are only in the server's log; the browser shows them redacted).
_RUNNING: list[Server] = []


def running(server: Server) -> Server:
    _RUNNING.append(server)
    return server


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        for server in _RUNNING:
            if server.process.poll() is None or server.log():
                report.sections.append((f"streamlit at {server.base}", server.log()[-8000:]))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def spawn_server(
    database_url: str, workdir: Path, *, port: int | None = None, extra_args: tuple[str, ...] = ()
) -> Server:
    """Start `streamlit run streamlit_app.py` without waiting for it (see `wait_until_healthy`)."""
    port = port or _free_port()
    log_path = workdir / f"streamlit-{port}.log"
    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONPATH": str(ROOT)}
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "streamlit_app.py",
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        # Other people edit the source while the suite runs; a file watcher would offer
        # "Source file changed, rerun?" in the middle of a test.
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
        *extra_args,
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
    return Server(base=f"http://127.0.0.1:{port}", database_url=database_url, process=process, log_path=log_path)


def wait_until_healthy(server: Server, timeout: float = SERVER_START_TIMEOUT) -> Server:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {server.process.returncode}:\n{server.log()}")
        try:
            with urllib.request.urlopen(f"{server.base}/_stcore/health", timeout=2) as response:
                if response.status == 200 and response.read().strip() == b"ok":
                    return server
        except OSError:
            pass
        time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"streamlit did not become healthy in {timeout:.0f} s:\n{server.log()}")


def start_server(database_url: str, workdir: Path) -> Server:
    """Start a server and wait for its health check; a port taken in the meantime is retried."""
    for attempt in range(3):
        server = spawn_server(database_url, workdir)
        try:
            return running(wait_until_healthy(server))
        except RuntimeError:
            server.stop()
            if attempt == 2 or "address already in use" not in server.log().lower():
                raise
    raise AssertionError("unreachable")


def sqlite_url(directory: Path) -> str:
    return f"sqlite:///{directory / 'shared_load.db'}"


def seed(database_url: str) -> None:
    """The seeded organisation, created through the services before any server reads it."""
    engine, factory = open_database(database_url)
    try:
        with factory() as session:
            first = create_first_administrator(session)
            for person in SEEDED[1:]:
                invite_with_password(session, first, person)
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def seeded_server(tmp_path_factory) -> Iterator[Server]:
    """One server per test module, on a database that already holds every seeded person."""
    workdir = tmp_path_factory.mktemp("seeded")
    url = sqlite_url(workdir)
    seed(url)
    server = start_server(url, workdir)
    yield server
    server.stop()


@pytest.fixture
def fresh_server(tmp_path) -> Iterator[Server]:
    """A server nobody has opened yet, on an empty database (first run)."""
    server = start_server(sqlite_url(tmp_path), tmp_path)
    yield server
    server.stop()


# ---- the browser ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


def new_context(browser: Browser, viewport: dict = DESKTOP, **options) -> BrowserContext:
    """A context whose pages watch the app's websocket (`click` and `rerun_after` rely on it);
    `options` go to Playwright (`color_scheme="dark"`, `device_scale_factor=2`)."""
    context = browser.new_context(viewport=viewport, locale="en-GB", timezone_id="Europe/London", **options)
    context.set_default_timeout(APP_TIMEOUT_MS)
    context.add_init_script(_WATCH_SOCKET_JS)
    return context


@pytest.fixture
def context(browser) -> Iterator[BrowserContext]:
    context = new_context(browser)
    yield context
    context.close()


@pytest.fixture
def page(context) -> Page:
    return context.new_page()


# ---- helpers for tests ----------------------------------------------------------------------

# Notes when the app's websocket last received a message. After a click the frontend keeps saying
# "notRunning" until the server starts the rerun (measured: 0.2-0.5 s, longer under load), and a
# short run may never show "running" at all (its start and end arrive together), so a test that
# waits for a rerun waits for the server to have answered after the click, then for idle.
_WATCH_SOCKET_JS = """
window.__sharedLoadLastMessage = 0;
const NativeWebSocket = window.WebSocket;
window.WebSocket = class extends NativeWebSocket {
  constructor(...args) {
    super(...args);
    this.addEventListener('message', () => { window.__sharedLoadLastMessage = performance.now(); });
  }
};
"""

# Idle means: connected, the script is not running, no element is waiting to be replaced, no
# message from the server for a short moment, and that has held for that moment (against a run
# that follows straight on). It cannot see a rerun that a click has asked for but the server has
# not started yet: use `click`/`rerun_after` for those.
_IDLE_JS = """
(settleMs) => {
  const app = document.querySelector('[data-testid="stApp"]');
  const now = performance.now();
  const idle = !!app
    && app.getAttribute('data-test-connection-state') === 'CONNECTED'
    && app.getAttribute('data-test-script-state') === 'notRunning'
    && !document.querySelector('[data-testid="stStatusWidget"] [data-testid="stStatusWidgetRunningIcon"]')
    && !document.querySelector('[data-testid="stSkeleton"]')
    && !document.querySelector('[data-stale="true"]');
  if (!idle) { window.__sharedLoadIdleSince = undefined; return false; }
  if (window.__sharedLoadIdleSince === undefined) window.__sharedLoadIdleSince = now;
  const quiet = now - (window.__sharedLoadLastMessage || 0) >= settleMs;
  return quiet && now - window.__sharedLoadIdleSince >= settleMs;
}
"""


def wait_for_app(page: Page, *, settle_ms: int = 100, timeout: int = APP_TIMEOUT_MS) -> None:
    """Wait until Streamlit has finished running the script and the page has settled."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    page.evaluate("() => { window.__sharedLoadIdleSince = undefined; }")
    page.wait_for_function(_IDLE_JS, arg=settle_ms, polling=50, timeout=timeout)


def rerun_after(page: Page, action, *, timeout: int = APP_TIMEOUT_MS) -> None:
    """Do `action` (a click that makes Streamlit rerun), wait for the server's answer and idle."""
    clicked_at = page.evaluate("() => performance.now()")
    action()
    page.wait_for_function(
        "(t) => (window.__sharedLoadLastMessage || 0) > t", arg=clicked_at, polling=25, timeout=timeout
    )
    wait_for_app(page, timeout=timeout)


def click(locator, **options) -> None:
    """Click a button or link that reruns the app, and wait until the rerun has finished."""
    rerun_after(locator.page, lambda: locator.click(**options))


def open_app(page: Page, url: str) -> None:
    """Load a URL (a new Streamlit session) and wait for its first run to finish."""
    page.goto(url, wait_until="commit")  # the app's own readiness is what counts, not "load"
    wait_for_app(page)


def main(page: Page):
    """The main area of the app (the sidebar is outside it)."""
    return page.locator('[data-testid="stMain"]')


def sign_in(page: Page, base: str, email: str, password: str = PASSWORD, *, path: str = "") -> None:
    """Open `base/path` (a new Streamlit session, so signed out) and sign in with the form.

    On a server's very first request to a page URL, Streamlit shows a one-time "Page not found"
    over the sign-in (tests/e2e/test_cold_urls.py); it is closed first, as a person would."""
    open_app(page, f"{base}/{path}")
    if path:
        close_page_not_found(page)
    submit_sign_in(page, email, password)
    expect(page.get_by_role("button", name=SIGN_OUT)).to_be_visible()
    wait_for_app(page)
    assert_no_exception(page)


def submit_sign_in(page: Page, email: str, password: str) -> None:
    form = main(page)
    expect(form.get_by_label("E-mail")).to_be_visible()
    form.get_by_label("E-mail").fill(email)
    form.get_by_label("Password", exact=True).fill(password)
    click(form.get_by_role("button", name="Sign in"))


def sign_in_form_only(page: Page) -> None:
    """The sign-in form is the only thing on the page: no navigation, no Sign out, no page content."""
    expect(main(page).get_by_role("button", name="Sign in", exact=True)).to_be_visible()
    expect(main(page).get_by_label("E-mail")).to_be_visible()
    expect(main(page).get_by_label("Password", exact=True)).to_be_visible()
    assert navigation(page).count() == 0, "navigation shown before signing in"
    assert page.get_by_role("button", name=SIGN_OUT).count() == 0
    assert page_not_found(page).count() == 0, "'Page not found' over the sign-in"
    assert_no_exception(page)


_CRASH_TEXT = re.compile(r"Traceback \(most recent call last\)|StreamlitAPIException|\w+Error: ")


def assert_no_exception(page: Page) -> None:
    """Fail on an uncaught exception box, or traceback text anywhere on the page."""
    exceptions = page.locator('[data-testid="stException"]')
    if exceptions.count():
        raise AssertionError(f"uncaught exception on {page.url}:\n{exceptions.first.inner_text()}")
    text = page.locator("body").inner_text()
    crash = _CRASH_TEXT.search(text)
    assert crash is None, f"error text on {page.url}: {text[max(0, crash.start() - 200) : crash.end() + 400]}"


def sidebar_is_open(page: Page) -> bool:
    """A collapsed sidebar is still "visible" to Playwright, only moved off the screen."""
    return page.evaluate(
        """() => { const bar = document.querySelector('[data-testid="stSidebarContent"]');
                   return !!bar && bar.getBoundingClientRect().right > 0; }"""
    )


def open_sidebar(page: Page) -> None:
    """Open the sidebar if a narrow window collapsed it (a person taps the >> button)."""
    expand = page.get_by_test_id("stExpandSidebarButton")
    if not sidebar_is_open(page) and expand.count():
        expand.click()
        page.wait_for_function(
            "() => document.querySelector('[data-testid=\"stSidebarContent\"]').getBoundingClientRect().left >= 0"
        )


def close_sidebar(page: Page) -> None:
    if sidebar_is_open(page):
        page.get_by_test_id("stSidebarCollapseButton").get_by_role("button").click()
        expect(page.get_by_test_id("stExpandSidebarButton")).to_be_visible()
        page.wait_for_function(
            "() => !document.querySelector('[data-testid=\"stSidebarContent\"]')"
            " || document.querySelector('[data-testid=\"stSidebarContent\"]').getBoundingClientRect().right <= 0"
        )


def sign_out(page: Page) -> None:
    open_sidebar(page)
    click(page.get_by_role("button", name=SIGN_OUT))


# The app's own navigation (pages/ui/menu.py): page links in a keyed container in the sidebar.
NAVIGATION = ".st-key-navigation"


def navigation(page: Page):
    """The navigation in the sidebar (absent before signing in)."""
    return page.locator(NAVIGATION)


def nav_links(page: Page):
    """The sidebar navigation links (the sidebar opened first, if a narrow window closed it)."""
    open_sidebar(page)
    return page.locator(f'{NAVIGATION} [data-testid="stPageLink-NavLink"]')


def nav_titles(page: Page) -> list[str]:
    links = nav_links(page)
    expect(navigation(page)).to_be_visible()
    # The section headings can arrive a moment before their links (seen once in a full run).
    expect(links.first).to_be_attached()
    return [_link_title(links.nth(i)) for i in range(links.count())]


def _link_title(link) -> str:
    """A link's visible label without its Material icon's ligature text."""
    return link.evaluate(
        """(a) => {
            const clone = a.cloneNode(true);
            clone.querySelectorAll('[data-testid="stIconMaterial"]').forEach((icon) => icon.remove());
            return clone.innerText.trim();
        }"""
    )


def link_path(link) -> str:
    """The URL path a link opens (page links' hrefs are relative: "log", and "" for Home)."""
    return link.evaluate("(a) => new URL(a.getAttribute('href') || '/', location.origin + '/').pathname")


def open_nav_link(page: Page, title: str) -> None:
    links = nav_links(page)
    for i in range(links.count()):  # by label: a link's accessible name may include its icon
        if _link_title(links.nth(i)) == title:
            path = link_path(links.nth(i))
            click(links.nth(i))
            page.wait_for_url(lambda url, path=path: urlparse(url).path == path)
            return
    raise AssertionError(f"no navigation link {title!r} in {nav_titles(page)}")


def page_not_found(page: Page):
    """Streamlit's "Page not found" dialog (a URL outside the person's navigation)."""
    return page.get_by_role("dialog").filter(has_text="Page not found")


def close_page_not_found(page: Page) -> bool:
    """Close the "Page not found" dialog if it is open (it makes the page inert); True if it was."""
    dialog = page_not_found(page)
    if not dialog.count():
        return False
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    return True


def headings(page: Page) -> list[str]:
    return [h.strip() for h in main(page).locator("h1, h2, h3").all_inner_texts()]


DEMO_PASSWORD = "demo password 1"


@contextmanager
def running_demo(tmp_path_factory, name: str, *, people: int, days: int = 90) -> Iterator[Server]:
    """A server on the demo organisation, filled by the same code as `python -m tracker demo`."""
    from tracker.demo import fill_demo

    workdir = tmp_path_factory.mktemp(name)
    url = sqlite_url(workdir)
    engine, factory = open_database(url)
    with factory() as session:
        fill_demo(session, password=DEMO_PASSWORD, people=people, days=days, seed=7)
    engine.dispose()
    server = start_server(url, workdir)
    try:
        yield server
    finally:
        server.stop()
