"""Log an interaction: the quick log (a rating and Save, details one tap away), then the
person's own recent entries, one line each (a tap opens the details, Edit and Delete)."""

from __future__ import annotations

from functools import partial

import streamlit as st

from pages.ui.log_form import ask_save_anyway, quick_log
from pages.ui.session import actor, db, form_token, still_signed_in
from pages.ui.text import literal
from pages.ui.widgets import early_warning_prompt, interaction_fields, rating_label, submit
from tracker.domain import TRUST_ANSWERS, Actor
from tracker.queries import entries, trends
from tracker.queries.entries import Entry
from tracker.services import interactions

FORM = "log"


def render() -> None:
    me = actor()
    st.title("Log an interaction", anchor=False)  # an anchor icon wrapped to a line of its own at 390 px
    with db() as session:
        tags = entries.tag_options(session)
        warning, _checkin = trends.home_status(session, me)
    quick_log(me, tags, form=FORM)
    early_warning_prompt(warning)  # clinicians land here after signing in: the private nudge too
    _recent(me, tags)


def _recent(me: Actor, tags) -> None:
    with db() as session:
        recent = entries.recent(session, me, limit=10)
    st.subheader("Your recent entries")
    if not recent:
        st.info("Nothing logged yet. Your entries are private: only you can see them.")
        return
    for entry in recent:
        if st.session_state.get("editing") == entry.id:
            with st.container(border=True):
                _edit(me, entry, tags)
        else:
            with st.expander(_one_line(entry), key=f"entry:{entry.id}"):
                _show(me, entry)


def _one_line(entry: Entry) -> str:
    """The entry as one line (the expander's label, read as Markdown): rating word, date, tags."""
    parts = [f"**{rating_label(entry.rating)}**", entry.occurred_on.strftime("%a %d %b")]
    if entry.time_of_day:
        parts.append(entry.time_of_day)
    parts.extend(literal(tag) for tag in entry.tags)
    return " · ".join(parts)


def _show(me: Actor, entry: Entry) -> None:
    trust = [
        f"{label}: {TRUST_ANSWERS[value]}"
        for label, value in (("Trusted", entry.felt_trusted), ("Humanity shown", entry.showed_humanity))
        if value is not None
    ]
    if trust:
        st.caption(" · ".join(trust))
    if entry.note:
        st.text(entry.note)  # plain text: markdown and HTML in a note are shown literally
    with st.container(horizontal=True):
        if st.button("Edit", key=f"edit:{entry.id}", icon=":material/edit:"):
            st.session_state["editing"] = entry.id
            st.rerun()
        if st.button("Delete", key=f"delete:{entry.id}", icon=":material/delete:"):
            _confirm_delete(entry)


@st.dialog("Delete this entry?")
def _confirm_delete(entry: Entry) -> None:
    st.write(f"{rating_label(entry.rating)} on {entry.occurred_on:%d %b %Y}. This cannot be undone.")
    if st.button("Delete", type="primary"):
        signed_in = still_signed_in()  # the dialog reruns on its own: the session may have ended since it opened
        submit(lambda s: interactions.delete(s, signed_in, entry.id), done="Entry deleted")


def _edit(me: Actor, entry: Entry, tags) -> None:
    key = f"edit:{entry.id}"
    flagged_key = f"flagged:{key}"
    with st.form(key, border=False):
        draft = interaction_fields(
            key,
            today=me.today(),
            tags=tags,
            entry=entry,
            flagged=flagged_key in st.session_state,
            token=form_token(key),
        )
        save, cancel = st.columns(2)
        saved = save.form_submit_button("Save changes", type="primary", width="stretch")
        cancelled = cancel.form_submit_button("Cancel", width="stretch")
    if flagged_key in st.session_state:
        st.warning(literal(st.session_state[flagged_key]))
    if cancelled:
        st.session_state.pop("editing", None)
        st.rerun()
    if saved:
        submit(
            lambda s: interactions.update(s, me, entry.id, draft),
            done="Entry updated",
            then=lambda _: _stop_editing(flagged_key),
            on_identifier=partial(ask_save_anyway, flagged_key),
        )


def _stop_editing(flagged_key: str) -> None:
    st.session_state.pop("editing", None)
    st.session_state.pop(flagged_key, None)
