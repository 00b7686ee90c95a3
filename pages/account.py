"""Account: the signed-in person's own password (and the forced change after an invitation)."""
from __future__ import annotations

import streamlit as st

from pages._session import actor, db, flash, keep_session
from tracker.domain import Actor
from tracker.errors import SharedLoadError
from tracker.services import auth


def render() -> None:
    me = actor()
    st.title("Account")
    st.write(f"Signed in as **{me.display_name}** ({me.email}).")
    st.subheader("Change password")
    _password_form(me)


def render_change_password() -> None:
    me = actor()
    st.title("Choose your own password")
    st.write("You signed in with a temporary password. Please choose your own before you continue.")
    _password_form(me)


def _password_form(me: Actor) -> None:
    with st.form("password"):
        current = st.text_input("Current password", type="password", autocomplete="current-password")
        new = st.text_input("New password", type="password", autocomplete="new-password", help="At least 10 characters.")
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


if __name__ == "__main__":  # Streamlit ran this file for a first request to its URL: see pages/_entry.py
    from pages._entry import run_app

    run_app()
