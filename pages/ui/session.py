"""The Streamlit side of sessions: one migrated engine per process, the signed-in person, flashes.

The person comes from a server-side sign-in session (tracker/services/sessions.py) on every run.
The browser's cookie for it is set and cleared by the app's own route; `pages/ui/cookie.py` holds
the route and the few lines of page script that call it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from functools import cache

import streamlit as st
from sqlalchemy.orm import Session, sessionmaker

from db.engine import database_url, session_scope
from tracker.app import open_database
from tracker.domain import Actor
from tracker.services import auth, sessions

SESSION_KEY = "sign_in_session"  # the id of the server-side session this browser session acts from
HANDOFF_KEY = "session_handoff"  # the one-time code until the browser has claimed its cookie
FORGET_KEY = "forget_session_cookie"  # after signing out: the cookie to clear (its session's id)
ACTOR_KEY = "actor"  # the person as loaded by this run's gate; pages reuse it instead of reloading
JUST_SIGNED_IN_KEY = "just_signed_in"  # the first signed-in run opens the person's landing page
COOKIE_TRIED_KEY = "session_cookie_tried"  # the browser's cookie was looked at and no longer works
ENDED_KEY = "session_ended"  # what the last look at a session found when it was over (auth.SignedIn)


@st.cache_resource(show_spinner="Preparing the database…")
def _factory(url: str) -> sessionmaker[Session]:
    """Migrate once per process and database; every rerun reuses the pool."""
    return _open(url)


@cache
def _open(url: str) -> sessionmaker[Session]:
    _engine, factory = open_database(url)
    return factory


@contextmanager
def db() -> Iterator[Session]:
    with session_scope(_factory(database_url())) as session:
        yield session


@contextmanager
def db_outside_a_run() -> Iterator[Session]:
    """The same pool for code that runs outside a script run (the cookie route's threads)."""
    with session_scope(_open(database_url())) as session:
        yield session


def current_actor() -> Actor | None:
    """The signed-in person, looked up afresh on every run (tracker/services/auth.signed_in): from the
    session this browser session started or found before, else from the cookie the browser sent when
    it connected. An ended, expired or idle session, or a person no longer active, is signed out."""
    session_id = st.session_state.get(SESSION_KEY)
    token = None
    if session_id is None and not st.session_state.get(COOKIE_TRIED_KEY):
        token = session_cookie()
    if session_id is None and token is None:
        return None
    with db() as session:
        found = auth.signed_in(session, session_id=session_id, token=token)
    if found.actor is None:
        if session_id is not None:
            forget()  # this browser session was signed in: the next person starts clean
        else:  # the cookie no longer works; a browser session connects with one, so look once
            st.session_state[COOKIE_TRIED_KEY] = True
            st.session_state.setdefault(FORGET_KEY, found.session_id or 0)  # a sign-out's own comes first
        st.session_state[ENDED_KEY] = found
        return None
    st.session_state[SESSION_KEY] = found.actor.session_id
    st.session_state[ACTOR_KEY] = found.actor
    if not found.handoff_pending:
        st.session_state.pop(HANDOFF_KEY, None)  # the browser has its cookie (or can no longer get it)
    return found.actor


def actor() -> Actor:
    """For page functions: the person the gate loaded in this run (pages only run signed in)."""
    signed_in = st.session_state.get(ACTOR_KEY) or current_actor()
    if signed_in is None:
        st.stop()
    return signed_in


def still_signed_in() -> Actor:
    """For a dialog that acts: the person looked up afresh, since a dialog's own reruns skip the
    gate. A session ended meanwhile (signed out elsewhere, expired, deactivated) acts on nothing:
    the whole app reruns, signed out."""
    st.session_state.pop(ACTOR_KEY, None)
    signed_in = current_actor()
    if signed_in is None:
        st.rerun(scope="app")
    return signed_in


def start_session(session: Session, signed_in: Actor, kind: str) -> sessions.Started:
    """After a successful sign-in (as the page's one service call): the session on the server."""
    return sessions.start(session, signed_in, kind=kind)


def sign_in_as(started: sessions.Started) -> None:
    forget()
    st.session_state.pop(FORGET_KEY, None)
    st.session_state[SESSION_KEY] = started.session_id
    st.session_state[HANDOFF_KEY] = started.handoff
    st.session_state[JUST_SIGNED_IN_KEY] = True


def just_signed_in() -> bool:
    """True once, in the first signed-in run after a sign-in (password or single sign-on)."""
    return bool(st.session_state.pop(JUST_SIGNED_IN_KEY, False))


def sign_out() -> None:
    """Sign out: the session ends on the server (audited), this browser session forgets everything,
    and the next run asks the browser to drop the cookie."""
    session_id = st.session_state.get(SESSION_KEY)
    signed_in = st.session_state.get(ACTOR_KEY)
    if signed_in is not None and session_id is not None:
        with db() as session:
            sessions.end(session, replace(signed_in, session_id=session_id))
    forget()


def forget() -> None:
    """Forget everything this browser session held, so the next person starts clean; remember only
    which session's cookie the browser should drop."""
    session_id = st.session_state.get(SESSION_KEY)
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    if session_id is not None:
        st.session_state[FORGET_KEY] = session_id


def session_cookie() -> str | None:
    """The session cookie as the browser sent it when this browser session connected."""
    value = st.context.cookies.get(sessions.COOKIE)
    return value if isinstance(value, str) and value else None  # AppTest has no browser, only a mock


def form_token(name: str) -> str:
    """One token per form instance, kept until the save commits: a double click stores one row."""
    key = f"token:{name}:{form_generation(name)}"
    if key not in st.session_state:
        st.session_state[key] = uuid.uuid4().hex
    return st.session_state[key]


def form_generation(name: str) -> int:
    return st.session_state.get(f"generation:{name}", 0)


def next_form(name: str) -> None:
    """After a save: a fresh, empty form with a new token on the next run."""
    st.session_state[f"generation:{name}"] = form_generation(name) + 1


def flash(message: str) -> None:
    """A toast shown on the next run (a save usually ends with st.rerun)."""
    st.session_state["flash"] = message


def show_flash() -> None:
    message = st.session_state.pop("flash", None)
    if message:
        st.toast(message, icon=":material/check_circle:")
