"""Notifications: what is waiting for me, newest first. Opening the list marks it read (the e-mails
link here, and say nothing more than that something is waiting)."""

from __future__ import annotations

import streamlit as st

from pages.ui import navigation
from pages.ui.peer import local
from pages.ui.session import actor, db
from tracker.domain import Role
from tracker.queries import peer
from tracker.services import inbox, reminders

# Where each kind of notification is dealt with (the rest concern the person's own conversations).
COORDINATOR_KINDS = {"new_request": "coordination.queue", "request_overdue": "coordination.queue"}
REMINDER_KINDS = {
    "reminder_log": ("me.log",),
    "reminder_checkin": ("me.checkin",),
    "reminder_log_checkin": ("me.log", "me.checkin"),
}


def render() -> None:
    me = actor()
    st.title("Notifications")
    with db() as session:
        reminders.bring_mine(session, me)  # a reminder the person chose, if its time has come
        rows = peer.notifications(session, me)
    if not rows:
        st.info("Nothing is waiting for you.", icon=":material/notifications_none:")
    for row in rows:
        with st.container(border=True):
            icon = ":material/circle_notifications:" if row.unread else ":material/notifications:"
            st.markdown(f"{icon} {'**New** · ' if row.unread else ''}{row.text}")
            st.caption(local(row.at, me.timezone))
            if row.kind in REMINDER_KINDS:
                if me.has(Role.CLINICIAN):
                    for target in REMINDER_KINDS[row.kind]:
                        st.page_link(navigation.page(target), icon=":material/arrow_forward:")
                continue
            target = COORDINATOR_KINDS.get(row.kind) if me.has(Role.COORDINATOR) else None
            if target is None and me.has(Role.CLINICIAN) and row.kind not in COORDINATOR_KINDS:
                target = "me.conversations"
            if target is not None:
                st.page_link(navigation.page(target), label="Open", icon=":material/arrow_forward:")
    if any(row.unread for row in rows):
        with db() as session:
            inbox.mark_all_read(session, me)  # shown once as new, read from now on
