"""Log an interaction: the 15-second form, then the person's own recent entries."""

from __future__ import annotations

from functools import partial

import streamlit as st

from pages.ui.session import actor, db, form_generation, form_token
from pages.ui.text import literal
from pages.ui.widgets import NO_IDENTIFIERS, interaction_fields, rating_label, submit
from tracker.domain import TRUST_ANSWERS, Actor, time_of_day
from tracker.errors import PossibleIdentifier
from tracker.queries import entries
from tracker.queries.entries import Entry
from tracker.services import interactions

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
        st.warning(literal(st.session_state[flagged_key]))
    if submitted:
        submit(
            lambda s: interactions.log(s, me, draft),
            done="Saved. Thank you for taking a moment for yourself.",
            form=FORM,
            on_identifier=partial(_ask_save_anyway, flagged_key),
        )
    _recent(me, tags)


def _ask_save_anyway(flagged_key: str, error: PossibleIdentifier) -> None:
    """The next run shows the message and the "save anyway" box in the form."""
    st.session_state[flagged_key] = str(error)


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
        st.caption(" · ".join(literal(tag) for tag in entry.tags))
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
        submit(lambda s: interactions.delete(s, me, entry.id), done="Entry deleted")


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
            on_identifier=partial(_ask_save_anyway, flagged_key),
        )


def _stop_editing(flagged_key: str) -> None:
    st.session_state.pop("editing", None)
    st.session_state.pop(flagged_key, None)
