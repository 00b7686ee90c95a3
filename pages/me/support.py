"""Support a peer: offer to be a peer supporter (topics, conversations a month), pause or resume,
and whether a coordinator has recorded the training."""

from __future__ import annotations

import streamlit as st

from pages.ui.session import actor, db
from pages.ui.text import literal
from pages.ui.widgets import submit
from tracker.queries import entries, peer
from tracker.services import supporters

DEFAULT_CAPACITY = 2


def render() -> None:
    me = actor()
    st.title("Support a peer")
    st.write(
        "Peer supporters are clinicians who listen to a colleague carrying a heavy load, for about half an hour. "
        "A coordinator proposes each conversation; you choose the topics you are comfortable with and how many "
        "conversations a month you can offer."
    )
    with db() as session:
        profile = peer.supporter_profile(session, me)
        tags = entries.tag_options(session)
    if profile is not None:
        _status(profile)
    _form(profile, tags)


def _status(profile) -> None:
    with st.container(border=True):
        if profile.active:
            st.markdown(":material/check_circle: **You are offering support.**")
        else:
            st.markdown(":material/pause_circle: **Paused:** no new conversations are proposed to you.")
        if profile.trained:
            st.caption("A coordinator has recorded your peer-support training.")
        else:
            st.caption(
                "A coordinator has not recorded your peer-support training yet. Where the program asks for it, "
                "you are proposed once they have."
            )
        st.text("Topics: " + ", ".join(profile.topics))
        st.text(f"Up to {profile.capacity_per_month} conversations a month")
        if profile.active:
            if st.button("Pause", icon=":material/pause:", help="Conversations already approved go on."):
                submit(
                    lambda s: supporters.set_paused(s, actor(), paused=True), done="Paused: no new proposals for now."
                )
        elif st.button("Resume", type="primary", icon=":material/play_arrow:"):
            submit(
                lambda s: supporters.set_paused(s, actor(), paused=False),
                done="Welcome back: you are offering support.",
            )


def _form(profile, tags) -> None:
    tag_names = {t.id: t.name for t in tags}
    st.subheader("Change what you offer" if profile else "Offer to support peers", anchor=False)
    with st.form("support"):
        topic_ids = st.pills(
            "Topics I am comfortable talking about",
            options=list(tag_names),
            format_func=lambda tag_id: literal(tag_names[tag_id]),
            selection_mode="multi",
            default=[t for t in profile.topic_ids if t in tag_names] if profile else None,
            key="support:topics",
        )
        capacity = st.slider(
            "Conversations a month I can offer",
            min_value=1,
            max_value=8,
            value=profile.capacity_per_month if profile else DEFAULT_CAPACITY,
            key="support:capacity",
        )
        label = "Save changes" if profile else "Offer support"
        if st.form_submit_button(label, type="primary", width="stretch"):
            submit(
                lambda s: supporters.save_profile(
                    s, actor(), topic_ids=tuple(topic_ids or ()), capacity_per_month=capacity
                ),
                done="Saved. Thank you for offering your time." if profile is None else "Saved.",
            )
