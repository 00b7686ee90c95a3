"""Ask for a shared-load conversation: topics, how soon, preferences, the load now, and an optional
line for the coordinator. A person with a request in progress sees its state and can withdraw it."""

from __future__ import annotations

import streamlit as st

from pages.ui import navigation
from pages.ui.peer import badge, local_date, peer_text, state_words, withdraw_button
from pages.ui.session import actor, db, form_generation, form_token
from pages.ui.text import literal
from pages.ui.widgets import NO_IDENTIFIERS, submit
from tracker.domain import LINE_MAX_CHARS, URGENCIES, RequestDraft
from tracker.queries import entries, peer
from tracker.services import requests

FORM = "ask"
# The load to start the slider at, when another page sends the person here (a supporter's "I would
# like support myself" carries their own load after the conversation).
PREFILL_LOAD = "ask:load"
DEFAULT_LOAD = 5


def render() -> None:
    me = actor()
    st.title("Ask for a conversation")
    st.write(
        "A shared-load conversation is a confidential talk of about half an hour with a trained peer "
        "supporter: another clinician who has volunteered and been trained to listen. It is not an "
        "assessment and nothing from it goes into any record."
    )
    with db() as session:
        mine = [c for c in peer.my_conversations(session, me) if c.role == "seeker"]
        tags = entries.tag_options(session)
    current = next((c for c in mine if c.can_withdraw), None)
    if current is not None:
        _current(me, current)
        return
    st.caption(
        "Asking is private: a peer-support coordinator sees the topics you choose, how soon, your profession "
        "and unit — never your entries, notes or trends."
    )
    _form(me, tags)


def _form(me, tags) -> None:
    generation = form_generation(FORM)
    key = f"{FORM}:{generation}"
    flagged_key = f"flagged:{key}"
    tag_names = {t.id: t.name for t in tags}
    with st.form(key, border=False):
        topic_ids = st.pills(
            "What would you like to talk about?",
            options=list(tag_names),
            format_func=lambda tag_id: literal(tag_names[tag_id]),
            selection_mode="multi",
            key=f"{key}:topics",
        )
        urgency = st.segmented_control(
            "How soon?", options=list(URGENCIES), format_func=URGENCIES.get, key=f"{key}:urgency"
        )
        st.markdown("**I would prefer**")
        same_profession = st.checkbox("someone of my own profession", key=f"{key}:same_profession")
        not_my_unit = st.checkbox("not someone from my unit", key=f"{key}:not_my_unit")
        load_before = st.slider(
            "How heavy is your load right now?",
            min_value=0,
            max_value=10,
            value=int(st.session_state.get(PREFILL_LOAD, DEFAULT_LOAD)),
            help="0 is no load at all, 10 as heavy as it gets.",
            key=f"{key}:load",
        )
        line = st.text_input(
            "A line for the coordinator (optional)",
            max_chars=LINE_MAX_CHARS,
            placeholder="For example: evenings suit me best",
            key=f"{key}:line",
        )
        st.warning(
            "The coordinator reads this line: it is not private from them. " + NO_IDENTIFIERS,
            icon=":material/visibility:",
        )
        save_anyway = False
        if flagged_key in st.session_state:
            st.warning(literal(st.session_state[flagged_key]))
            save_anyway = st.checkbox("Send anyway: I checked, this is not a patient identifier", key=f"{key}:anyway")
        sent = st.form_submit_button("Send my request", type="primary", width="stretch", icon=":material/send:")
    if not sent:
        return
    draft = RequestDraft(
        token=form_token(FORM),
        topic_ids=tuple(topic_ids or ()),
        urgency=urgency,
        load_before=load_before,
        same_profession=same_profession,
        not_my_unit=not_my_unit,
        note_for_coordinator=line or None,
        save_anyway=save_anyway,
    )
    submit(
        lambda s: requests.ask(s, me, draft),
        done="Your request was sent. A coordinator will find a peer for you.",
        form=FORM,
        then=lambda _: st.session_state.pop(PREFILL_LOAD, None),
        on_identifier=lambda error: st.session_state.__setitem__(flagged_key, str(error)),
    )


def _current(me, current) -> None:
    with st.container(border=True):
        st.subheader(f"Your request &nbsp; {badge(current)}", anchor=False)
        st.write(state_words(current))
        st.text("Topics: " + ", ".join(current.topics))
        if current.peer is not None:
            st.text("Your peer: " + peer_text(current.peer))
        st.caption(
            f"Asked on {local_date(current.asked_at, me.timezone)}. Your load then: {current.load_before} of 10."
        )
        withdraw_button(current, key=f"withdraw:{current.request_id}")
    st.page_link(navigation.page("me.conversations"), label="See it in My conversations", icon=":material/forum:")
    st.caption("You can ask for another conversation once this one has taken place, or after withdrawing it.")
