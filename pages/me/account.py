"""Account: the signed-in person's own password (and the forced change after an invitation), and
signing out everywhere."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import streamlit as st

from pages.me import reminders
from pages.ui.session import actor, db, forget
from pages.ui.text import literal
from pages.ui.widgets import submit
from tracker.domain import Actor
from tracker.queries import sessions as sign_ins
from tracker.services import auth, sessions


def render() -> None:
    me = actor()
    st.title("Account")
    st.write(f"Signed in as **{literal(me.display_name)}** ({literal(me.email)}).")
    _reset_notice(me)
    st.subheader("Change password")
    _password_form(me)
    reminders.section(me)
    _sign_out_everywhere(me)


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
        submit(lambda s: auth.unseal_history(s, me, previous_password=previous), done="Your history is open again")
    with st.expander("I do not remember my previous password"):
        st.write(
            "You can start afresh. Your sealed entries, reflections and check-ins are then erased for good; "
            "nobody, you included, can read them afterwards."
        )
        with st.form("restart"):
            confirm = st.text_input(f"Type {auth.RESTART_WORD} to confirm")
            restart = st.form_submit_button("Erase and start afresh")
        if restart:
            submit(lambda s: auth.restart_history(s, me, confirm=confirm), done="Your history starts afresh")


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
        submit(
            lambda s: auth.change_password(s, me, current=current, new=new, repeated=repeated),
            done="Password changed. You stay signed in here; everywhere else you are signed out.",
        )


def _sign_out_everywhere(me: Actor) -> None:
    """Where the person is signed in, and "Sign out everywhere": every open session ends, this one too."""
    st.subheader("Where you are signed in")
    with db() as session:
        open_now = sign_ins.my_sign_ins(session, me)
    zone = ZoneInfo(me.timezone)
    st.dataframe(
        [
            {
                "Where": "This browser" if s.this_one else "Elsewhere",
                "How": "Single sign-on" if s.kind == "sso" else "Password",
                "Signed in": f"{s.started_at.astimezone(zone):%a %d %b %H:%M}",
                "Last used": f"{s.last_used_at.astimezone(zone):%a %d %b %H:%M}",
            }
            for s in open_now
        ],
        hide_index=True,
        width="stretch",
    )
    st.write(
        "Signed in on a shared computer and not sure you signed out? This ends every sign-in of yours, "
        "on every device and browser, this one too."
    )
    if st.button("Sign out everywhere", icon=":material/logout:", key="sign_out_everywhere"):
        submit(lambda s: sessions.end_all(s, me), done=None, then=lambda _: forget())
