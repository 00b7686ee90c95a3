"""My trends: private to the person. Every chart has its rows as a table and a CSV download."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from pages.ui import charts, navigation
from pages.ui.session import actor, db
from pages.ui.widgets import csv_download, early_warning_prompt
from tracker.domain import Actor
from tracker.queries import trends


@st.cache_data(max_entries=256, show_spinner=False)
def _load(person_id: int, version: str, today: date, days: int | None, _me: Actor) -> trends.Trends:
    """Keyed on person, data version and day: a new entry shows at once, a rerun costs nothing."""
    with db() as session:
        return trends.my_trends(session, _me, days=days)


def render() -> None:
    me = actor()
    st.title("My trends")
    st.caption("Only you can see this page. Nobody else — not a coordinator, not an administrator — can open it.")
    period = st.segmented_control("Period", list(trends.PERIODS), default="90 days", key="trends:period") or "90 days"
    with db() as session:
        version = trends.version(session, me)
    data = _load(me.id, version, me.today(), trends.PERIODS[period], me)
    if data.empty:
        st.info("Nothing to show yet. Log a few interactions and your trends appear here.")
        st.page_link(navigation.page("me.log"), label="Log an interaction", icon=":material/edit_note:")
        _conversations(data.conversations)
        return
    early_warning_prompt(data.warning)
    if data.assessment.status == "insufficient":
        st.caption(data.assessment.reason)
    _section(
        "Daily balance",
        "Bars: the sum of your ratings each day. Line: your smoothed trend. "
        "Grey band: from your usual level down to 'clearly below'.",
        charts.daily_balance,
        data.daily,
        "daily-balance",
    )
    _section("Fulfilling and draining, week by week", None, charts.weekly_split, data.weekly, "weekly")
    if data.tags["ranked"].any():
        _section(
            "What fulfils and what drains you",
            f"Tags with at least {trends.MIN_TAG_ENTRIES} entries in this period.",
            charts.tag_effects,
            data.tags,
            "tags",
        )
    if not data.pattern.empty:
        _section(
            "Weekday and time of day",
            "Mean rating; green fulfils, red drains.",
            charts.weekly_pattern,
            data.pattern,
            "weekday-time",
        )
    if not data.checkins.empty:
        _section(
            "Check-ins",
            "Dashed lines: the published cut-offs.",
            charts.checkin_scores,
            data.checkins,
            "check-ins",
            then=charts.load_scores,
        )
    _conversations(data.conversations)


def _conversations(conversations: pd.DataFrame) -> None:
    """Chart 6, once the person has had a shared-load conversation (and said how it went)."""
    if conversations.empty:
        return
    _section(
        "Conversations",
        "Your load (0–10) when you asked and after each shared-load conversation. "
        "After ÷ before is the ratio: the program's goal is 0.5, half the weight.",
        charts.conversation_loads,
        conversations,
        "conversations",
    )


def _section(title: str, caption: str | None, chart, rows: pd.DataFrame, name: str, *, then=None) -> None:
    """A chart, then its rows as a table (the chart's text alternative) and as a CSV. `then` is a
    second chart of the same rows, drawn before the table so that the one table serves both."""
    st.subheader(title)
    if caption:
        st.caption(caption)
    if rows.empty:
        st.caption("No entries in this period.")
        return
    st.altair_chart(chart(rows), width="stretch")
    if then is not None:
        st.altair_chart(then(rows), width="stretch")
    table = _readable(rows)
    with st.expander("Show as a table"):
        st.dataframe(table, hide_index=True, width="stretch")
    csv_download(table, name)


def _readable(rows: pd.DataFrame) -> pd.DataFrame:
    table = rows.copy()
    for column in table.columns:
        if pd.api.types.is_datetime64_any_dtype(table[column]):
            table[column] = table[column].dt.date
        elif pd.api.types.is_float_dtype(table[column]):
            table[column] = table[column].round(2)
    return table
