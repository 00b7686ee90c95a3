"""Log an interaction: the 15-second form, then the person's own recent entries."""
from __future__ import annotations

import streamlit as st

from pages.ui.session import actor, db, flash, form_generation, form_token, next_form
from pages.ui.widgets import NO_IDENTIFIERS, interaction_fields, rating_label
from tracker.domain import TRUST_ANSWERS, Actor, time_of_day
from tracker.errors import PossibleIdentifier, SharedLoadError
from tracker.queries import entries
from tracker.services import interactions
from tracker.queries.entries import Entry

FORM = "log"


def render() -> None:
    me = actor()
    st.title("Log an interaction")
    st.caption(NO_IDENTIFIERS)
    with db() as session:
        tags = entries.tag_options(session)
    generation = form_generation(FORM)
    flagged_key = f"flagged:{FORM}:{generation}"
    with st.form(f"{FORM}:{generation}", border=False):
        draft = interaction_fields(
            f"{FORM}:{generation}",
            today=me.today(),
            tags=tags,
            default_time=time_of_day(me.now().hour),
            flagged=flagged_key in st.session_state,
            token=form_token(FORM),
        )
        submitted = st.form_submit_button("Save", type="primary", width="stretch")
    if flagged_key in st.session_state:
        st.warning(st.session_state[flagged_key])
    if submitted:
        try:
            with db() as session:
                interactions.log(session, me, draft)
        except PossibleIdentifier as error:
            st.session_state[flagged_key] = str(error)
            st.rerun()
        except SharedLoadError as error:
            st.error(str(error))
        else:
            next_form(FORM)
            flash("Saved. Thank you for taking a moment for yourself.")
            st.rerun()
    _recent(me, tags)


def _recent(me: Actor, tags) -> None:
    with db() as session:
        recent = entries.recent(session, me, limit=10)
    st.subheader("Your recent entries")
    if not recent:
        st.info("Nothing logged yet. Your entries are private: only you can see them.")
        return
    for entry in recent:
        with st.container(border=True):
            if st.session_state.get("editing") == entry.id:
                _edit(me, entry, tags)
            else:
                _show(me, entry)


def _show(me: Actor, entry: Entry) -> None:
    when = entry.occurred_on.strftime("%a %d %b %Y")
    if entry.time_of_day:
        when += f" · {entry.time_of_day}"
    st.markdown(f"**{rating_label(entry.rating)}** — {when}")
    if entry.tags:
        st.caption(" · ".join(entry.tags))
    trust = [
        f"{label}: {TRUST_ANSWERS[value]}"
        for label, value in (("Trusted", entry.felt_trusted), ("Humanity shown", entry.showed_humanity))
        if value is not None
    ]
    if trust:
        st.caption(" · ".join(trust))
    if entry.note:
        st.text(entry.note)  # plain text: markdown and HTML in a note are shown literally
    edit, remove, _ = st.columns([1, 1, 3])
    if edit.button("Edit", key=f"edit:{entry.id}", icon=":material/edit:"):
        st.session_state["editing"] = entry.id
        st.rerun()
    if remove.button("Delete", key=f"delete:{entry.id}", icon=":material/delete:"):
        _confirm_delete(me, entry)


@st.dialog("Delete this entry?")
def _confirm_delete(me: Actor, entry: Entry) -> None:
    st.write(f"{rating_label(entry.rating)} on {entry.occurred_on:%d %b %Y}. This cannot be undone.")
    if st.button("Delete", type="primary"):
        with db() as session:
            interactions.delete(session, me, entry.id)
        flash("Entry deleted")
        st.rerun()


def _edit(me: Actor, entry: Entry, tags) -> None:
    key = f"edit:{entry.id}"
    flagged_key = f"flagged:{key}"
    with st.form(key, border=False):
        draft = interaction_fields(
            key, today=me.today(), tags=tags, entry=entry, flagged=flagged_key in st.session_state, token=form_token(key)
        )
        save, cancel = st.columns(2)
        saved = save.form_submit_button("Save changes", type="primary", width="stretch")
        cancelled = cancel.form_submit_button("Cancel", width="stretch")
    if flagged_key in st.session_state:
        st.warning(st.session_state[flagged_key])
    if cancelled:
        st.session_state.pop("editing", None)
        st.rerun()
    if saved:
        try:
            with db() as session:
                interactions.update(session, me, entry.id, draft)
        except PossibleIdentifier as error:
            st.session_state[flagged_key] = str(error)
            st.rerun()
        except SharedLoadError as error:
            st.error(str(error))
        else:
            st.session_state.pop("editing", None)
            st.session_state.pop(flagged_key, None)
            flash("Entry updated")
            st.rerun()
