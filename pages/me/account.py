"""Account: the signed-in person's own password (and the forced change after an invitation)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import streamlit as st

from pages.ui.session import actor, db, flash, keep_session
from tracker.domain import Actor
from tracker.errors import SharedLoadError
from tracker.services import auth


def render() -> None:
    me = actor()
    st.title("Account")
    st.write(f"Signed in as **{me.display_name}** ({me.email}).")
    _reset_notice(me)
    st.subheader("Change password")
    _password_form(me)


def render_change_password() -> None:
    me = actor()
    st.title("Choose your own password")
    st.write("You signed in with a temporary password. Please choose your own before you continue.")
    _reset_notice(me)
    _password_form(me)


def render_sealed() -> None:
    """After an administrator's reset: the person's history waits for the person alone."""
    me = actor()
    st.title("Your private history is sealed")
    _reset_notice(me)
    st.write(
        "Whoever knows a temporary password could have chosen the new one, so your entries, "
        "reflections and check-ins stay sealed until you show that you are you: enter the password "
        "you had before the reset."
    )
    with st.form("unseal"):
        previous = st.text_input("Your previous password", type="password", autocomplete="current-password")
        unseal = st.form_submit_button("Unseal my history", type="primary")
    if unseal:
        try:
            with db() as session:
                auth.unseal_history(session, me, previous_password=previous)
        except SharedLoadError as error:
            st.error(str(error))
        else:
            flash("Your history is open again")
            st.rerun()
    with st.expander("I do not remember my previous password"):
        st.write(
            "You can start afresh. Your sealed entries, reflections and check-ins are then erased for good; "
            "nobody, you included, can read them afterwards."
        )
        with st.form("restart"):
            confirm = st.text_input(f"Type {auth.RESTART_WORD} to confirm")
            restart = st.form_submit_button("Erase and start afresh")
        if restart:
            try:
                with db() as session:
                    auth.restart_history(session, me, confirm=confirm)
            except SharedLoadError as error:
                st.error(str(error))
            else:
                flash("Your history starts afresh")
                st.rerun()


def _reset_notice(me: Actor) -> None:
    """A person always learns that an administrator reset their password, and when."""
    if me.password_reset_at is None:
        return
    when = me.password_reset_at.astimezone(ZoneInfo(me.timezone))
    st.info(
        f"An administrator reset your password on {when:%A %d %B %Y at %H:%M}. "
        "If you did not ask for this, tell your peer-support coordinator.",
        icon=":material/lock_reset:",
    )


def _password_form(me: Actor) -> None:
    with st.form("password"):
        current = st.text_input("Current password", type="password", autocomplete="current-password")
        new = st.text_input(
            "New password", type="password", autocomplete="new-password", help="At least 10 characters."
        )
        repeated = st.text_input("New password again", type="password", autocomplete="new-password")
        submitted = st.form_submit_button("Change password", type="primary")
    if submitted:
        try:
            with db() as session:
                changed = auth.change_password(session, me, current=current, new=new, repeated=repeated)
        except SharedLoadError as error:
            st.error(str(error))
        else:
            keep_session(changed)
            flash("Password changed")
            st.rerun()
