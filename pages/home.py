"""Home: where a person starts. The clinician's part grows with the check-in and early warning."""
from __future__ import annotations

import streamlit as st

from pages._session import actor
from pages import navigation
from tracker.domain import Role


def render() -> None:
    me = actor()
    st.title(f"Hello, {me.display_name.split()[0]}")
    if me.has(Role.CLINICIAN):
        st.write("How did your last patient interaction leave you? It takes less than 15 seconds to log.")
        st.page_link(navigation.page("log"), label="Log an interaction", icon=":material/edit_note:")
        st.caption("Your entries and reflections are private. No manager, coordinator or administrator can read them.")
    if me.has(Role.ADMINISTRATOR):
        st.subheader("Administration")
        for url_path in ("people", "units", "tags", "audit"):
            st.page_link(navigation.page(url_path))


if __name__ == "__main__":  # Streamlit ran this file for a first request to its URL: see pages/_entry.py
    from pages._entry import run_app

    run_app()
