"""Administration: the program's settings, each with what it changes. Saving is audited; the
service checks every value (the minimum group size never goes below 5, whatever the form sends)."""

from __future__ import annotations

import streamlit as st

from pages.ui.session import actor, db, form_generation
from pages.ui.widgets import submit
from tracker.policy import MIN_GROUP_SIZE
from tracker.queries.program import Settings, program_settings
from tracker.services.settings import CADENCES, update_settings

FORM = "settings"


def render() -> None:
    me = actor()
    st.title("Program settings")
    st.caption("Each setting works as it is; change one only when the program needs it. Every change is audited.")
    with db() as session:
        current = program_settings(session)
    with st.form(f"{FORM}:{form_generation(FORM)}"):
        st.subheader("Shared-load conversations", anchor=False)
        left, right = st.columns(2)
        response_target_hours = left.number_input(
            "Response target (hours)", min_value=1, max_value=24 * 30, value=current.response_target_hours, step=1
        )
        left.caption(
            "How soon a request should have an approved peer. Older requests are flagged overdue in the "
            "review queue, and the outcomes measure time to match against it."
        )
        request_expiry_days = right.number_input(
            "Requests expire after (days)", min_value=1, max_value=365, value=current.request_expiry_days, step=1
        )
        right.caption("A request still waiting for a peer after this many days expires, and the person is told.")
        supporters_must_be_trained = st.toggle(
            "Only trained supporters are proposed", value=current.supporters_must_be_trained
        )
        st.caption("When on, the matching engine proposes only supporters a coordinator has marked as trained.")

        st.subheader("Privacy of program outcomes", anchor=False)
        left, _ = st.columns(2)
        min_group_size = left.number_input(
            "Minimum group size (people)", min_value=MIN_GROUP_SIZE, max_value=100, value=current.min_group_size, step=1
        )
        st.caption(
            "Program outcomes hide any group of fewer people than this, and other groups where needed so that "
            f"a small group cannot be worked out from the rest. Never fewer than {MIN_GROUP_SIZE}."
        )

        st.subheader("Check-ins and sign-in", anchor=False)
        checkin_cadence = st.segmented_control(
            "Check-in cadence", CADENCES, default=current.checkin_cadence, format_func=str.capitalize
        )
        st.caption("How often Home reminds clinicians of the short self-assessment.")
        sso_creates_clinicians = st.toggle("Single sign-on creates clinicians", value=current.sso_creates_clinicians)
        st.caption(
            "When on, someone the hospital's single sign-on vouches for gets a clinician account at their first "
            "sign-in. When off, an administrator invites each person first."
        )
        left, right = st.columns(2)
        idle_timeout_minutes = left.number_input(
            "Idle timeout (minutes)", min_value=5, max_value=480, value=current.idle_timeout_minutes, step=5
        )
        left.caption(
            "A sign-in unused for this long ends, so a shared ward computer left open does not stay signed in."
        )
        session_lifetime_hours = right.number_input(
            "A sign-in lasts at most (hours)", min_value=1, max_value=24, value=current.session_lifetime_hours, step=1
        )
        right.caption("However busy, a person signs in again after this long.")
        if st.form_submit_button("Save settings", type="primary"):
            wanted = Settings(
                response_target_hours=response_target_hours,
                request_expiry_days=request_expiry_days,
                supporters_must_be_trained=supporters_must_be_trained,
                min_group_size=min_group_size,
                checkin_cadence=checkin_cadence,
                sso_creates_clinicians=sso_creates_clinicians,
                idle_timeout_minutes=idle_timeout_minutes,
                session_lifetime_hours=session_lifetime_hours,
            )
            submit(lambda s: update_settings(s, me, wanted), done="Settings saved.", form=FORM)
