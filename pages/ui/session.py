"""The Streamlit side of sessions: one migrated engine per process, the signed-in person, flashes."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

import streamlit as st
from sqlalchemy.orm import Session, sessionmaker

from db.engine import database_url, session_scope
from tracker.app import open_database
from tracker.domain import Actor
from tracker.services import auth

PERSON_KEY = "person_id"
EPOCH_KEY = "session_epoch"  # a reset or a password change elsewhere bumps the person's epoch: this session ends
ACTOR_KEY = "actor"  # the person as loaded by this run's gate; pages reuse it instead of reloading
JUST_SIGNED_IN_KEY = "just_signed_in"  # the first signed-in run opens the person's landing page


@st.cache_resource(show_spinner="Preparing the database…")
def _factory(url: str) -> sessionmaker[Session]:
    """Migrate once per process and database; every rerun reuses the pool."""
    _engine, factory = open_database(url)
    return factory


@contextmanager
def db() -> Iterator[Session]:
    with session_scope(_factory(database_url())) as session:
        yield session


def current_actor() -> Actor | None:
    """The signed-in person, reloaded each run so deactivation and role changes apply at once."""
    person_id = st.session_state.get(PERSON_KEY)
    if person_id is None:
        return None
    with db() as session:
        actor = auth.current_actor(session, person_id, epoch=st.session_state.get(EPOCH_KEY, 0))
    if actor is not None and getattr(st.user, "is_logged_in", False):
        actor = replace(actor, must_change_password=False)  # single sign-on: no local password to change
    if actor is None:
        sign_out()
    else:
        st.session_state[ACTOR_KEY] = actor
    return actor


def actor() -> Actor:
    """For page functions: the person the gate loaded in this run (pages only run signed in)."""
    signed_in = st.session_state.get(ACTOR_KEY) or current_actor()
    if signed_in is None:
        st.stop()
    return signed_in


def sign_in_as(signed_in: Actor) -> None:
    sign_out()
    st.session_state[PERSON_KEY] = signed_in.id
    st.session_state[EPOCH_KEY] = signed_in.session_epoch
    st.session_state[JUST_SIGNED_IN_KEY] = True


def just_signed_in() -> bool:
    """True once, in the first signed-in run after a sign-in (password or single sign-on)."""
    return bool(st.session_state.pop(JUST_SIGNED_IN_KEY, False))


def keep_session(changed: Actor) -> None:
    """After this person's own password change (which ends their other sessions), this one goes on."""
    st.session_state[EPOCH_KEY] = changed.session_epoch


def sign_out() -> None:
    """Forget everything this browser session held, so the next person starts clean."""
    for key in list(st.session_state.keys()):
        del st.session_state[key]


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
