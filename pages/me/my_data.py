"""My data: download everything the app holds about me, or erase my entries and check-ins."""

from __future__ import annotations

import streamlit as st

from pages.ui.session import actor, db, sign_out, still_signed_in
from pages.ui.widgets import submit
from tracker.queries import my_data
from tracker.services import mydata


def render() -> None:
    me = actor()
    st.title("My data")
    st.subheader("Download")
    st.write(
        "Everything Shared Load holds about you: your entries and reflections, check-ins and profile, "
        "as CSV files and one JSON file in a zip."
    )
    if st.button("Prepare my download", icon=":material/inventory_2:"):
        with db() as session:
            st.session_state["my_data_zip"] = my_data.export(session, me)
    if "my_data_zip" in st.session_state:
        st.download_button(
            "Download my data (zip)",
            st.session_state["my_data_zip"],
            file_name="shared-load-my-data.zip",
            mime="application/zip",
            type="primary",
            icon=":material/download:",
        )
    st.subheader("Erase")
    st.write(
        "Delete every interaction, reflection and check-in of yours, for good. Your account stays, "
        "so you can start afresh; an administrator can close it if you wish."
    )
    if st.button("Erase my data…", icon=":material/delete_forever:"):
        _confirm_erase()


@st.dialog("Erase all your data?")
def _confirm_erase() -> None:
    st.write(
        "Every entry, reflection and check-in of yours is deleted at once. This cannot be undone. "
        "You will be signed out."
    )
    typed = st.text_input("Type ERASE to confirm")
    if st.button("Erase everything", type="primary", disabled=typed.strip().upper() != "ERASE"):
        signed_in = still_signed_in()  # the dialog reruns on its own: the session may have ended since it opened
        submit(lambda s: mydata.erase(s, signed_in), done=None, then=lambda _: sign_out())
