"""Home: where a person starts — the quick log at the top, then the private early warning and the check-in reminder."""

from __future__ import annotations

import streamlit as st

from pages.ui import navigation
from pages.ui.log_form import quick_log
from pages.ui.session import actor, db
from pages.ui.text import literal
from pages.ui.widgets import early_warning_prompt
from tracker.domain import Role
from tracker.queries import entries, peer, trends
from tracker.services import reminders

FORM = "home_log"  # its own token and generation: see pages/ui/log_form.py


def render() -> None:
    me = actor()
    st.title(f"Hello, {literal(me.display_name.split()[0])}")
    with db() as session:
        reminders.bring_mine(session, me)  # a reminder the person chose, if its time has come
        unread = peer.unread_count(session, me)
    if unread:
        label = f"{unread} new notification{'s' if unread > 1 else ''}"
        st.page_link(navigation.page("me.notifications"), label=label, icon=":material/notifications_active:")
    if me.has(Role.CLINICIAN):
        with db() as session:
            warning, checkin = trends.home_status(session, me)
            tags = entries.tag_options(session)
        quick_log(me, tags, form=FORM)
        early_warning_prompt(warning)
        st.page_link(navigation.page("me.log"), label="My recent entries", icon=":material/edit_note:")
        if checkin.due:
            st.info(
                "Your weekly check-in is due: six short statements, one question about burnout and your load.",
                icon=":material/self_improvement:",
            )
            st.page_link(navigation.page("me.checkin"), label="Do the check-in", icon=":material/self_improvement:")
        st.page_link(navigation.page("me.trends"), label="See my trends", icon=":material/monitoring:")
        st.caption(
            "Your entries, reflections and trends are private. No manager, coordinator or administrator can read them."
        )
    if me.has(Role.COORDINATOR):
        st.subheader("Coordination")
        st.page_link(navigation.page("coordination.queue"))
    if me.has(Role.ADMINISTRATOR):
        st.subheader("Administration")
        for module in ("admin.people", "admin.units", "admin.tags", "admin.audit"):
            st.page_link(navigation.page(module))
