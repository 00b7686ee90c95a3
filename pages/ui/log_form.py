"""The quick log: a rating and Save, details one tap away. Log and Home show the same form.

Each page names its own form (`form`), so each has its own token and generation: a double click
stores one row, and a save on Home does not clear a half-filled form on Log.
"""

from __future__ import annotations

from functools import partial

import streamlit as st

from pages.ui.session import form_generation, form_token
from pages.ui.text import literal
from pages.ui.widgets import interaction_fields, submit
from tracker.domain import Actor, time_of_day
from tracker.errors import PossibleIdentifier
from tracker.queries.entries import TagOption
from tracker.services import interactions

SAVED = "Saved. Thank you for taking a moment for yourself."


def quick_log(me: Actor, tags: list[TagOption], *, form: str) -> None:
    generation = form_generation(form)
    key = f"{form}:{generation}"
    flagged_key = f"flagged:{key}"
    with st.form(key, border=False):
        draft = interaction_fields(
            key,
            today=me.today(),
            tags=tags,
            default_time=time_of_day(me.now().hour),
            flagged=flagged_key in st.session_state,
            token=form_token(form),
            fold_details=True,
        )
        submitted = st.form_submit_button("Save", type="primary", width="stretch")
    if flagged_key in st.session_state:
        st.warning(literal(st.session_state[flagged_key]))
    if submitted:
        submit(
            lambda s: interactions.log(s, me, draft),
            done=SAVED,
            form=form,
            on_identifier=partial(ask_save_anyway, flagged_key),
        )


def ask_save_anyway(flagged_key: str, error: PossibleIdentifier) -> None:
    """The next run shows the message and the "save anyway" box in the form."""
    st.session_state[flagged_key] = str(error)
