"""Widgets shared by more than one page. Layout only: no rules, no data access."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

import pandas as pd
import streamlit as st
from sqlalchemy.orm import Session

from pages.ui import navigation
from pages.ui.session import db, flash, form_generation, form_token, next_form
from pages.ui.text import literal
from tracker.domain import RATING_LABELS, TIMES_OF_DAY, TRUST_ANSWERS, TRUST_QUESTIONS, InteractionDraft
from tracker.errors import PossibleIdentifier, SharedLoadError
from tracker.export import table_csv
from tracker.queries.administration import NamedRow
from tracker.queries.entries import Entry, TagOption
from tracker.queries.trends import EarlyWarning

Result = TypeVar("Result")

NO_IDENTIFIERS = (
    "Never enter patient identifiers: no names, record numbers, dates of birth, phone numbers or e-mail addresses."
)


def rating_label(rating: int) -> str:
    return f"{rating:+d} {RATING_LABELS[rating]}" if rating else f"0 {RATING_LABELS[0]}"


def interaction_fields(
    key: str,
    *,
    today: date,
    tags: list[TagOption],
    entry: Entry | None = None,
    default_time: str | None = None,
    flagged: bool = False,
    token: str,
    fold_details: bool = False,
) -> InteractionDraft:
    """The log form's widgets (inside a caller's st.form); returns the draft as entered.

    With `fold_details`, only the rating is in view and everything optional (date, time of day,
    tags, trust questions, reflection) is folded under "Add details": the minimal entry is a
    rating and Save, both inside the first screen of a 390 × 844 phone. Folded widgets still send
    their values with the form (the date and time of day keep their defaults). A flagged
    reflection opens the fold, so the person sees the text the check is about.
    """
    tag_names = {t.id: t.name for t in tags}
    if entry is not None:  # an edited entry keeps its tags even if they were retired since
        tag_names.update(zip(entry.tag_ids, entry.tags, strict=True))
    rating = st.pills(
        "How did the interaction leave you?",
        options=list(RATING_LABELS),
        format_func=rating_label,
        default=entry.rating if entry else None,
        key=f"{key}:rating",
    )
    details = (
        st.expander("Add details: tags, reflection, another date", expanded=flagged, icon=":material/add_notes:")
        if fold_details
        else st.container()
    )
    with details:
        left, right = st.columns(2)
        occurred_on = left.date_input(
            "Date", value=entry.occurred_on if entry else today, max_value=today, key=f"{key}:date", format="YYYY-MM-DD"
        )
        time_of_day = right.segmented_control(
            "Time of day",
            options=list(TIMES_OF_DAY),
            format_func=str.capitalize,
            default=entry.time_of_day if entry else default_time,
            key=f"{key}:time",
        )
        tag_ids = st.pills(
            "Tags (optional)",
            options=list(tag_names),
            format_func=lambda tag_id: literal(tag_names[tag_id]),  # pills read their options as Markdown
            selection_mode="multi",
            default=list(entry.tag_ids) if entry else None,
            key=f"{key}:tags",
        )
        answers = {}
        for field, question in TRUST_QUESTIONS.items():
            answers[field] = st.segmented_control(
                question,
                options=list(TRUST_ANSWERS),
                format_func=TRUST_ANSWERS.get,
                default=getattr(entry, field) if entry else None,
                key=f"{key}:{field}",
            )
        st.caption(NO_IDENTIFIERS)
        note = st.text_area(
            "Private reflection (optional, only you can read it)",
            value=(entry.note or "") if entry else "",
            max_chars=2000,
            height=90,
            help=NO_IDENTIFIERS,
            key=f"{key}:note",
        )
    save_anyway = False
    if flagged:
        save_anyway = st.checkbox("Save anyway: I checked, this is not a patient identifier", key=f"{key}:anyway")
    return InteractionDraft(
        token=token,
        occurred_on=occurred_on,
        rating=rating,
        time_of_day=time_of_day,
        tag_ids=tuple(tag_ids or ()),
        felt_trusted=answers["felt_trusted"],
        showed_humanity=answers["showed_humanity"],
        note=note,
        save_anyway=save_anyway,
    )


def submit(
    call: Callable[[Session], Result],
    *,
    done: str | None,
    form: str | None = None,
    then: Callable[[Result], Any] | None = None,
    on_identifier: Callable[[PossibleIdentifier], Any] | None = None,
    warn: tuple[type[SharedLoadError], ...] = (),
) -> None:
    """The one way a page acts: one service call in its own session, then a fresh run.

    A refusal (`SharedLoadError`) is shown in plain words where the form is — as a warning for the
    kinds in `warn`, otherwise as an error — nothing is stored and the form keeps what was
    entered. On success, in this order: the form named `form` starts afresh (new token, empty
    widgets), `then(result)` runs (sign the person in, keep a temporary password to show once),
    `done` is shown as a toast on the next run, and the page reruns.

    `on_identifier` makes a possible patient identifier a question instead of an error: the hook
    keeps the message for the form to offer "save anyway", and the page reruns to show it.
    """
    try:
        with db() as session:
            result = call(session)
    except SharedLoadError as error:
        if on_identifier is not None and isinstance(error, PossibleIdentifier):
            on_identifier(error)
            st.rerun()
        show = st.warning if isinstance(error, warn) else st.error
        show(literal(str(error)))
        return
    if form is not None:
        next_form(form)
    if then is not None:
        then(result)
    if done:
        flash(done)
    st.rerun()


def early_warning_prompt(warning: EarlyWarning) -> None:
    """The private, gentle nudge. Shown only to the person; nothing is sent to anyone."""
    if not warning.prompt:
        return
    with st.container(border=True):
        st.markdown("#### Your load seems heavier lately")
        st.markdown("\n".join(f"- {reason}" for reason in warning.reasons))
        st.write(
            "A shared load is half the weight: talking it through with a trained peer, a colleague who "
            "knows this work, often helps. Only you can see this message, and nothing is sent to anyone "
            "unless you ask."
        )
        if st.button("Ask for a shared-load conversation", type="primary", icon=":material/handshake:", key="ask_peer"):
            st.switch_page(navigation.page("me.ask"))  # the form itself: nothing is sent until the person sends it


def named_list_editor(
    rows: list[NamedRow],
    *,
    noun: str,
    states: tuple[str, str],
    actions: tuple[str, str],
    create: Callable[[Session, str, str], Any],
    rename: Callable[[Session, NamedRow, str], Any],
    toggle: Callable[[Session, NamedRow], Any],
) -> None:
    """The administrator's editor for a named list (units, tags): table, add, rename, switch off/on.

    `states` names an active and an inactive row ("open", "closed"); `actions` the buttons that
    switch them ("Close", "Reopen"). `create(session, token, name)`, `rename(session, row, name)`
    and `toggle(session, row)` are the service calls.
    """
    active_word, inactive_word = states
    st.dataframe(
        [{noun.capitalize(): r.name, "Status": active_word if r.active else inactive_word} for r in rows],
        hide_index=True,
        width="stretch",
    )
    form = f"add_{noun}"
    with st.form(f"{form}:{form_generation(form)}"):
        name = st.text_input(f"New {noun}")
        if st.form_submit_button(f"Add {noun}", type="primary"):
            submit(lambda s: create(s, form_token(form), name), done=f"{noun.capitalize()} added", form=form)
    if not rows:
        return
    st.subheader(f"Change a {noun}")
    chosen = st.selectbox(
        noun.capitalize(), rows, format_func=lambda r: r.name + ("" if r.active else f" ({inactive_word})")
    )
    new_name = st.text_input("Rename to", value=chosen.name, key=f"rename:{noun}:{chosen.id}")
    left, right = st.columns(2)
    if left.button("Rename", width="stretch"):
        submit(lambda s: rename(s, chosen, new_name), done=f"{noun.capitalize()} renamed")
    if right.button(actions[0] if chosen.active else actions[1], width="stretch"):
        submit(lambda s: toggle(s, chosen), done=f"{noun.capitalize()} updated")


def csv_download(table: pd.DataFrame, name: str, *, rerun: bool = True) -> None:
    """A chart's rows as CSV, formulas neutralised (`tracker.export.table_csv`). `rerun=False` for a
    page whose run is an audited read: downloading must not read it again."""
    st.download_button(
        "Download CSV",
        table_csv(table),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"csv:{name}",
        icon=":material/download:",
        on_click="rerun" if rerun else "ignore",
    )
