"""Account, "Reminders": a daily reminder to log and a weekly check-in reminder, off unless chosen.

A section of the Account page (`pages/me/account.py` calls `section`), not a page of its own."""

from __future__ import annotations

import streamlit as st

from pages.ui.session import db, form_generation, form_token
from pages.ui.text import literal
from pages.ui.widgets import submit
from tracker.domain import Actor, Role
from tracker.queries.reminders import my_reminders
from tracker.reminders import WEEKDAYS
from tracker.services import reminders

FORM = "reminders"


def section(me: Actor) -> None:
    """Clinicians only: both reminders are about logging and checking in."""
    if not me.has(Role.CLINICIAN):
        return
    st.subheader("Reminders", anchor=False)
    st.write(
        "Off unless you choose them. A reminder waits under Notifications, and comes by e-mail where "
        "your organisation has e-mail set up: at most one a day, and it only repeats what you asked for, "
        "never anything about your entries or trends."
    )
    with db() as session:
        chosen = my_reminders(session, me)
    key, token = f"{FORM}:{form_generation(FORM)}", form_token(FORM)
    with st.form(FORM):
        log_daily = st.toggle("Remind me to log, Monday to Friday", value=chosen.log_daily, key=f"{key}:log")
        checkin_weekly = st.toggle(
            "Remind me of my check-in, once a week while it is not done",
            value=chosen.checkin_weekly,
            key=f"{key}:checkin",
        )
        at = st.time_input("Time of day", value=chosen.at, step=900, key=f"{key}:at")
        weekday = st.selectbox(
            "Day of the check-in reminder",
            options=range(7),
            index=chosen.checkin_weekday,
            format_func=WEEKDAYS.__getitem__,
            key=f"{key}:weekday",
        )
        st.caption(f"In your time zone, {literal(me.timezone)}.")
        saved = st.form_submit_button("Save reminders", type="primary")
    if saved:
        submit(
            lambda s: reminders.set_reminders(
                s, me, token=token, log_daily=log_daily, checkin_weekly=checkin_weekly, at=at, checkin_weekday=weekday
            ),
            form=FORM,
            done="Reminders saved",
        )
