"""Shared parts of the peer-support pages: how a request's state reads, times in the person's own
time zone, a peer's name, and withdrawing a request. Layout only: no rules."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import streamlit as st

from pages.ui.session import actor
from pages.ui.widgets import submit
from tracker.queries.peer import Conversation, Peer
from tracker.services import requests

# What each state means to the person who asked, and to the supporter.
SEEKER_STATE = {
    "open": "Waiting: a coordinator is looking for a peer supporter for you.",
    "proposed": "A peer supporter has been proposed; a coordinator is confirming the pair.",
    "approved": "Approved: agree on a time with your peer.",
    "scheduled": "Scheduled: you have agreed on a time.",
    "met": "You met.",
    "closed": "Closed: you both gave your feedback.",
    "declined": "Declined by a coordinator: peer support could not take this request.",
    "withdrawn": "You withdrew this request.",
    "expired": "Expired: no peer could be found in time. You can ask again.",
}
SUPPORTER_STATE = {
    "approved": "Approved: agree on a time with your peer.",
    "scheduled": "Scheduled: you have agreed on a time.",
    "met": "You met.",
    "closed": "Closed: you both gave your feedback.",
}
SEEKER_BADGE = {
    "open": ("Waiting", "blue"),
    "proposed": ("Being matched", "blue"),
    "approved": ("Approved", "orange"),
    "scheduled": ("Scheduled", "green"),
    "met": ("Met", "green"),
    "closed": ("Closed", "gray"),
    "declined": ("Declined", "gray"),
    "withdrawn": ("Withdrawn", "gray"),
    "expired": ("Expired", "gray"),
}


def state_words(conversation: Conversation) -> str:
    words = SEEKER_STATE if conversation.role == "seeker" else SUPPORTER_STATE
    return words.get(conversation.status, conversation.status)


def badge(conversation: Conversation) -> str:
    """The state as a small coloured label, to put at the end of a line of Markdown."""
    label, color = SEEKER_BADGE.get(conversation.status, (conversation.status.capitalize(), "gray"))
    return f":{color}-badge[{label}]"


def peer_text(peer: Peer | None) -> str:
    if peer is None:
        return ""
    return f"{peer.name}, {peer.profession}" if peer.profession else peer.name


def local(moment: datetime, timezone: str) -> str:
    """A moment as the person reads it, in their own time zone."""
    when = moment.astimezone(ZoneInfo(timezone))
    return f"{when:%A} {when.day} {when:%B %Y, %H:%M} ({timezone})"


def local_date(moment: datetime, timezone: str) -> str:
    day = moment.astimezone(ZoneInfo(timezone))
    return f"{day.day} {day:%B %Y}"


def withdraw_button(conversation: Conversation, key: str) -> None:
    """Withdraw, asked twice: the first click shows what it means and the confirming button."""
    if not conversation.can_withdraw:
        return
    confirming = f"{key}:confirming"
    if not st.session_state.get(confirming):
        if st.button("Withdraw my request", key=key, icon=":material/undo:"):
            st.session_state[confirming] = True
            st.rerun()
        return
    st.warning(
        "Withdraw this request? The coordinator and any proposed peer will no longer see it. "
        "You can ask again at any time."
    )
    withdraw, keep = st.columns(2)
    if withdraw.button("Withdraw", type="primary", key=f"{key}:confirm", width="stretch"):
        st.session_state.pop(confirming, None)
        submit(lambda s: requests.withdraw(s, actor(), conversation.request_id), done="Your request was withdrawn.")
    if keep.button("Keep my request", key=f"{key}:keep", width="stretch"):
        st.session_state.pop(confirming, None)
        st.rerun()
