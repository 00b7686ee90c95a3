"""AppTest fixtures: the real script against a fresh SQLite database, signed in as a given person."""
from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT


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

    def open_(actor=None) -> AppTest:
        at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=30)
        if actor is not None:
            at.session_state["person_id"] = actor.id
        return at.run()

    return open_


@pytest.fixture
def open_page(engine):
    """One page function rendered on its own, signed in as `actor`."""

    def open_(module: str, actor, function: str = "render") -> AppTest:
        at = AppTest.from_function(_render_page, args=(module, function), default_timeout=30)
        at.session_state["person_id"] = actor.id
        return at.run()

    return open_


def _render_page(module: str, function: str) -> None:
    import importlib

    getattr(importlib.import_module(f"pages.{module}"), function)()
