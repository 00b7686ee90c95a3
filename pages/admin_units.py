"""Administration: units (wards, departments)."""
from __future__ import annotations

import streamlit as st

from pages._session import actor, db, form_token
from pages._widgets import run_action
from tracker.services import admin


def render() -> None:
    me = actor()
    st.title("Units")
    with db() as session:
        units = admin.list_units(session, me, include_closed=True)
    st.dataframe(
        [{"Unit": u.name, "Status": "open" if u.active else "closed"} for u in units],
        hide_index=True,
        width="stretch",
    )
    with st.form("add_unit", clear_on_submit=False):
        name = st.text_input("New unit name")
        if st.form_submit_button("Add unit", type="primary"):
            run_action(lambda s: admin.create_unit(s, me, token=form_token("add_unit"), name=name), "Unit added", "add_unit")
    if units:
        st.subheader("Change a unit")
        chosen = st.selectbox("Unit", units, format_func=lambda u: u.name + ("" if u.active else " (closed)"))
        new_name = st.text_input("Rename to", value=chosen.name, key=f"rename:{chosen.id}")
        rename, toggle = st.columns(2)
        if rename.button("Rename", width="stretch"):
            run_action(lambda s: admin.rename_unit(s, me, chosen.id, name=new_name), "Unit renamed")
        if toggle.button("Reopen" if not chosen.active else "Close", width="stretch"):
            run_action(lambda s: admin.set_unit_active(s, me, chosen.id, active=not chosen.active), "Unit updated")


if __name__ == "__main__":  # Streamlit ran this file for a first request to its URL: see pages/_entry.py
    from pages._entry import run_app

    run_app()
