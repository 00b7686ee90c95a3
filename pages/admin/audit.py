"""Administration: the audit log of privileged actions (it never holds private content)."""

from __future__ import annotations

import streamlit as st

from pages.ui.session import actor, db
from tracker.queries import administration


def render() -> None:
    me = actor()
    st.title("Audit log")
    st.caption("Every administrator and coordinator action, newest first. Private entries are never recorded here.")
    with db() as session:
        rows = administration.audit_log(session, me, limit=500)
    st.dataframe(
        [
            {
                "When (UTC)": r.at.strftime("%Y-%m-%d %H:%M"),
                "Who": r.actor,
                "What": r.action,
                "On": r.target,
                "Detail": r.detail,
            }
            for r in rows
        ],
        hide_index=True,
        width="stretch",
    )
