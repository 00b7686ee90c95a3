"""The weekly check-in: the Brief Resilience Scale, the single-item burnout measure and the load."""

from __future__ import annotations

import streamlit as st

from pages.ui.session import actor, db, form_generation, form_token
from pages.ui.widgets import submit
from tracker.queries import checkin_history
from tracker.scoring import BRS_ANSWERS, BRS_ITEMS, BURNOUT_OPTIONS, LOAD_QUESTION, CheckInAnswers
from tracker.services import checkins
from tracker.services.checkins import AlreadyCheckedIn

FORM = "checkin"


def render() -> None:
    me = actor()
    st.title("Weekly check-in")
    with db() as session:
        status = checkin_history.status(session, me)
    if status.this_week:
        st.info(
            f"You checked in this week on {status.this_week.submitted_on:%A %d %B}. "
            "You can check in again; the new answers replace this week's."
        )
    else:
        st.caption("About two minutes, once a week. Only you see your answers.")
    key = f"{FORM}:{form_generation(FORM)}"
    with st.form(key):
        st.markdown("**How much do you agree with each statement?**")
        brs = tuple(
            st.radio(
                f"{number}. {text}",
                list(BRS_ANSWERS),
                format_func=BRS_ANSWERS.get,
                index=None,
                horizontal=True,
                key=f"{key}:brs{number}",
            )
            for number, text in enumerate(BRS_ITEMS, start=1)
        )
        burnout = st.radio(
            "Using your own definition of burnout, which statement fits you best?",
            list(BURNOUT_OPTIONS),
            format_func=BURNOUT_OPTIONS.get,
            index=None,
            key=f"{key}:burnout",
        )
        load = st.pills(f"{LOAD_QUESTION} (0 light – 10 crushing)", list(range(11)), key=f"{key}:load")
        replace = st.checkbox("Replace this week's check-in", key=f"{key}:replace") if status.this_week else False
        submitted = st.form_submit_button("Save check-in", type="primary", width="stretch")
    if submitted:
        answers = CheckInAnswers(brs=brs, burnout=burnout, load=load)
        submit(
            lambda s: checkins.submit(s, me, token=form_token(FORM), answers=answers, replace=replace),
            done="Check-in saved. Thank you.",
            form=FORM,
            warn=(AlreadyCheckedIn,),  # not wrong, only a question: replace this week's check-in?
        )
    st.caption(
        "Brief Resilience Scale: Smith et al., 2008, International Journal of Behavioral Medicine 15:194–200. "
        "Single-item burnout measure: Dolan et al., 2015, Journal of General Internal Medicine 30:582–587."
    )
