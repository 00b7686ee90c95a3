"""Notifications: what is waiting for me, newest first. Opening the list marks it read (the e-mails
link here, and say nothing more than that something is waiting)."""

from __future__ import annotations

import streamlit as st

from pages.ui import navigation
from pages.ui.peer import local
from pages.ui.session import actor, db
from tracker.domain import Role
from tracker.queries import peer
from tracker.services import inbox


def render() -> None:
    me = actor()
    st.title("Notifications")
    with db() as session:
        rows = peer.notifications(session, me)
    if not rows:
        st.info("Nothing is waiting for you.", icon=":material/notifications_none:")
    for row in rows:
        with st.container(border=True):
            icon = ":material/circle_notifications:" if row.unread else ":material/notifications:"
            st.markdown(f"{icon} {'**New** · ' if row.unread else ''}{row.text}")
            st.caption(local(row.at, me.timezone))
    if any(row.unread for row in rows):
        with db() as session:
            inbox.mark_all_read(session, me)  # shown once as new, read from now on
    if me.has(Role.CLINICIAN):
        st.page_link(navigation.page("me.conversations"), icon=":material/forum:")
    if me.has(Role.COORDINATOR):
        st.page_link(navigation.page("coordination.queue"), icon=":material/fact_check:")
