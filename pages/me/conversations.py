"""My conversations: each of my requests and each conversation I support — the peer once approved,
a meeting time one proposes and the other accepts, the calendar invitation, and afterwards a short
feedback form for each side."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import streamlit as st

from pages.me.ask import PREFILL_LOAD
from pages.ui import navigation
from pages.ui.peer import badge, local, local_date, peer_text, state_words, withdraw_button
from pages.ui.session import actor, db, flash
from pages.ui.text import literal
from pages.ui.widgets import submit
from tracker.domain import Actor
from tracker.errors import SharedLoadError
from tracker.queries import peer
from tracker.queries.peer import Conversation
from tracker.services import conversations

HELPFUL = {1: "1 Not at all", 2: "2", 3: "3", 4: "4", 5: "5 Very"}


def render() -> None:
    me = actor()
    st.title("My conversations")
    with db() as session:
        mine = peer.my_conversations(session, me)
    if not mine:
        st.info("No conversations yet. When the load grows, you can ask for one; you can also offer to support peers.")
        st.page_link(navigation.page("me.ask"), label="Ask for a conversation", icon=":material/handshake:")
        st.page_link(navigation.page("me.support"), label="Support a peer", icon=":material/volunteer_activism:")
        return
    now = datetime.now(UTC)
    for conversation in mine:
        with st.container(border=True):
            _conversation(me, conversation, now)


def _conversation(me: Actor, c: Conversation, now: datetime) -> None:
    asked = local_date(c.asked_at, me.timezone)
    st.markdown(f"**{'You asked' if c.role == 'seeker' else 'You support a peer'}** · {asked} &nbsp; {badge(c)}")
    st.write(state_words(c))
    st.text("Topics: " + ", ".join(c.topics))
    if c.peer is not None:
        st.text(("Your supporter: " if c.role == "seeker" else "Your peer: ") + peer_text(c.peer))
    if c.decline_reason:
        st.text("The coordinator's reason: " + c.decline_reason)
    if c.role == "seeker" and c.load_after is not None:
        st.caption(f"Your load: {c.load_before} of 10 before, {c.load_after} of 10 after.")
    if c.match_id is not None and c.feedback_open(now):  # the meeting time has passed
        st.markdown(f":material/event_available: **Met:** {local(c.meeting_at, me.timezone)}")
        _feedback(me, c)
    elif c.match_id is not None and c.status in ("approved", "scheduled"):
        _meeting(me, c)
    withdraw_button(c, key=f"withdraw:{c.request_id}")


def _meeting(me: Actor, c: Conversation) -> None:
    if c.meeting_at is not None:
        when = local(c.meeting_at, me.timezone)
        if c.meeting_accepted:
            st.markdown(f":material/event_available: **Meeting:** {when}")
            _invitation(me, c)
        elif c.meeting_proposed_by_me:
            st.markdown(f":material/schedule: You proposed **{when}**; waiting for your peer to accept.")
        else:
            st.markdown(f":material/schedule: Your peer proposed **{when}**.")
            if st.button("Accept this time", type="primary", key=f"accept:{c.match_id}", icon=":material/check:"):
                submit(
                    lambda s: conversations.accept_time(s, me, c.match_id), done="Time accepted: the meeting is set."
                )
    label = "Propose another time" if c.meeting_at is not None else "Propose a time"
    with st.expander(label, expanded=c.meeting_at is None):
        _propose(me, c)
    if c.role == "supporter":
        with st.expander("I cannot take this conversation"):
            _decline(me, c)


def _propose(me: Actor, c: Conversation) -> None:
    zone = ZoneInfo(me.timezone)
    tomorrow = me.today() + timedelta(days=1)
    with st.form(f"propose:{c.match_id}", border=False):
        left, right = st.columns(2)
        day = left.date_input(
            "Date", value=tomorrow, min_value=me.today(), format="YYYY-MM-DD", key=f"day:{c.match_id}"
        )
        at = right.time_input("Time", value=time(12, 0), step=timedelta(minutes=15), key=f"time:{c.match_id}")
        st.caption(f"In your time zone, {me.timezone}. Your peer sees it in theirs.")
        if st.form_submit_button("Propose this time", type="primary"):
            when = datetime.combine(day, at, tzinfo=zone)
            submit(
                lambda s: conversations.propose_time(s, me, c.match_id, when), done="Time proposed: your peer is asked."
            )


def _decline(me: Actor, c: Conversation) -> None:
    with st.form(f"decline:{c.match_id}", border=False):
        reason = st.text_input("Reason, for the coordinator", max_chars=300, key=f"reason:{c.match_id}")
        st.caption("Your peer's request goes back to the coordinator, who will find someone else.")
        if st.form_submit_button("Decline this conversation"):
            submit(
                lambda s: conversations.decline_as_supporter(s, me, c.match_id, reason=reason),
                done="Declined. The coordinator will find another supporter.",
            )


def _invitation(me: Actor, c: Conversation) -> None:
    try:
        with db() as session:
            ics = peer.invitation(session, me, c.match_id)
    except SharedLoadError as error:
        st.error(literal(str(error)))
        return
    st.download_button(
        "Add to my calendar (.ics)",
        data=ics,
        file_name="shared-load-conversation.ics",
        mime="text/calendar",
        icon=":material/calendar_add_on:",
        key=f"ics:{c.match_id}",
        on_click="ignore",
    )


def _feedback(me: Actor, c: Conversation) -> None:
    st.markdown("**How did it go?** Your answers help the program; your peer does not see them.")
    with st.form(f"feedback:{c.match_id}", border=False):
        load_after = st.slider("How heavy is your load now?", 0, 10, value=5, key=f"load_after:{c.match_id}")
        if c.role == "seeker":
            helpful = st.segmented_control(
                "How helpful was the conversation?", list(HELPFUL), format_func=HELPFUL.get, key=f"helpful:{c.match_id}"
            )
        else:
            wants = st.checkbox("I would like support myself", key=f"wants:{c.match_id}")
        if not st.form_submit_button("Send feedback", type="primary"):
            return
    if c.role == "seeker":
        submit(
            lambda s: conversations.seeker_feedback(s, me, c.match_id, load_after=load_after, helpful=helpful),
            done="Thank you for your feedback.",
        )
        return

    def ask_for_myself(_) -> None:
        if wants:  # the supporter's own request, starting from the load they just gave
            st.session_state[PREFILL_LOAD] = load_after
            flash("Thank you. You deserve support too: choose your topics and send your request.")
            st.switch_page(navigation.page("me.ask"))

    submit(
        lambda s: conversations.supporter_feedback(s, me, c.match_id, load_after=load_after, wants_support=wants),
        done="Thank you for your feedback.",
        then=ask_for_myself,
    )
