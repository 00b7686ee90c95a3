"""AppTest fixtures: the real script against a fresh SQLite database, signed in as a given person."""

from __future__ import annotations

import re

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from pages.ui.session import SESSION_KEY, db
from tests.conftest import ROOT
from tracker.services import sessions


@pytest.fixture(scope="session")
def database_url(sqlite_database) -> str:
    """Page tests are about the screen; the services' own tests cover both databases."""
    return sqlite_database


@pytest.fixture(autouse=True)
def _app_environment(database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    st.cache_data.clear()
    yield
    st.cache_data.clear()


@pytest.fixture
def open_app(engine):
    """The whole app (sign-in gate and navigation), optionally signed in as `actor`."""

    def open_(actor=None, url_path: str | None = None) -> AppTest:
        return open_whole_app(actor, url_path)

    return open_


@pytest.fixture
def open_page(engine):
    """One page function (module under pages/, e.g. "me.log") rendered on its own, signed in as `actor`."""

    def open_(module: str, actor, function: str = "render") -> AppTest:
        at = AppTest.from_function(_render_page, args=(module, function), default_timeout=30)
        sign_in(at, actor)
        return at.run()

    return open_


def sign_in(at: AppTest, actor) -> int:
    """What a sign-in leaves in the browser session: a session on the server, started through the
    service, and its id. Returns the id (to end the session from a test)."""
    with db() as session:
        started = sessions.start(session, actor, kind="password")
    at.session_state[SESSION_KEY] = started.session_id
    return started.session_id


def open_whole_app(actor=None, url_path: str | None = None, timeout: float = 30) -> AppTest:
    """The entry script as a browser would run it, at `url_path` (as if typed after the host)."""
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=timeout)
    if actor is not None:
        sign_in(at, actor)
    if url_path:
        # AppTest.switch_page only knows page files; a function page is found by the hash
        # of its url_path, exactly as st.Page computes it.
        at._page_hash = calc_hash(url_path)
    return at.run()


def _render_page(module: str, function: str) -> None:
    import importlib

    getattr(importlib.import_module(f"pages.{module}"), function)()


def shown(markdown: str) -> str:
    """What a reader sees of Markdown text made with `pages.ui.text.literal`: escapes and the
    invisible word joiners removed (an element's `.value` in AppTest is its Markdown source)."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown).replace("\u2060", "")
