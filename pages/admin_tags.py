"""Administration: the curated interaction tag list. Retired tags stay on old entries."""
from __future__ import annotations

import streamlit as st

from pages._session import actor, db, form_token
from pages._widgets import run_action
from tracker.services import admin


def render() -> None:
    me = actor()
    st.title("Tags")
    st.caption("Clinicians pick these when they log. Retiring a tag hides it from new entries; old entries keep it.")
    with db() as session:
        tags = admin.list_tags(session, me)
    st.dataframe(
        [{"Tag": t.name, "Status": "in use" if t.active else "retired"} for t in tags],
        hide_index=True,
        width="stretch",
    )
    with st.form("add_tag"):
        name = st.text_input("New tag")
        if st.form_submit_button("Add tag", type="primary"):
            run_action(lambda s: admin.create_tag(s, me, token=form_token("add_tag"), name=name), "Tag added", "add_tag")
    if tags:
        st.subheader("Change a tag")
        chosen = st.selectbox("Tag", tags, format_func=lambda t: t.name + ("" if t.active else " (retired)"))
        new_name = st.text_input("Rename to", value=chosen.name, key=f"rename:{chosen.id}")
        rename, toggle = st.columns(2)
        if rename.button("Rename", width="stretch"):
            run_action(lambda s: admin.rename_tag(s, me, chosen.id, name=new_name), "Tag renamed")
        if toggle.button("Restore" if not chosen.active else "Retire", width="stretch"):
            run_action(lambda s: admin.set_tag_retired(s, me, chosen.id, retired=chosen.active), "Tag updated")


if __name__ == "__main__":  # Streamlit ran this file for a first request to its URL: see pages/_entry.py
    from pages._entry import run_app

    run_app()
