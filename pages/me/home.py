"""Home: where a person starts — the check-in reminder and the private early warning live here."""

from __future__ import annotations

import streamlit as st

from pages.ui import navigation
from pages.ui.session import actor, db
from pages.ui.text import literal
from pages.ui.widgets import early_warning_prompt
from tracker.domain import Role
from tracker.queries import peer, trends


def render() -> None:
    me = actor()
    st.title(f"Hello, {literal(me.display_name.split()[0])}")
    with db() as session:
        unread = peer.unread_count(session, me)
    if unread:
        label = f"{unread} new notification{'s' if unread > 1 else ''}"
        st.page_link(navigation.page("me.notifications"), label=label, icon=":material/notifications_active:")
    if me.has(Role.CLINICIAN):
        with db() as session:
            warning, checkin = trends.home_status(session, me)
        early_warning_prompt(warning)
        st.write("How did your last patient interaction leave you? It takes less than 15 seconds to log.")
        if st.button("Log an interaction", type="primary", icon=":material/edit_note:"):
            st.switch_page(navigation.page("me.log"))
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
