"""Program outcomes for coordinators: is the load really half the weight?

For a period and a grouping (unit, profession or month) the page shows the program's headline
figures, the shared-load effect against the goal of 0.5, charts per group and the whole table,
exactly as `tracker.queries.outcomes` publishes them: a hidden group says why ("fewer than 5",
"hidden to protect a small group") and is never drawn or given a number. Every view is an audited
read, so the page reads the outcomes once per run, and its CSV downloads do not rerun it.

Periods start on the first of a month (whole calendar months, the current one so far): the
suppression protects the views of one period, and periods that differ by a few days would let a
reader subtract one from the other (tracker/suppression.py, "Differencing between periods").
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from pages.ui import charts
from pages.ui import outcome_tables as tables
from pages.ui.outcome_tables import month_name, month_start
from pages.ui.session import actor, db
from pages.ui.text import literal
from pages.ui.widgets import csv_download
from tracker.errors import SharedLoadError
from tracker.queries.outcomes import GOAL, GROUPINGS, Outcomes, program_outcomes
from tracker.suppression import HIDDEN_FOR_SMALL_GROUP

PERIODS = {"3 months": 3, "6 months": 6, "12 months": 12, "Custom": None}
CUSTOM_MONTHS = 36  # how far back a custom period may start


def render() -> None:
    me = actor()
    st.title("Program outcomes")
    since, until = _period(me.today())
    by = st.segmented_control("Group by", GROUPINGS, format_func=str.capitalize, default="unit", key="outcomes:by")
    by = by or "unit"  # a second click on the chosen option clears it
    try:
        with db() as session:
            outcomes = program_outcomes(session, me, by=by, since=since, until=until)
    except SharedLoadError as error:
        st.error(literal(str(error)))
        return
    if len(outcomes.rows) == 1:  # only the total: nobody asked in this period
        st.info("No requests were made in this period, so there are no outcomes to show yet.", icon=":material/inbox:")
        return
    total = outcomes.total
    if total.suppressed:
        why = total.reason if total.reason == HIDDEN_FOR_SMALL_GROUP else f"{total.reason} people asked"
        st.info(
            f"Every figure for this period is hidden: {why}. Choose a longer period.",
            icon=":material/visibility_off:",
        )
    else:
        _headline(outcomes)
        _effect(outcomes)
        _charts(outcomes)
    _table(outcomes)


def _period(today: date) -> tuple[date, date]:
    """The chosen period as [since, until): whole months, the current one up to today."""
    choice = st.segmented_control("Period", list(PERIODS), default="3 months", key="outcomes:period") or "3 months"
    if PERIODS[choice] is not None:
        since, last = month_start(today, back=PERIODS[choice]), month_start(today)
    else:
        starts = [month_start(today, back=n) for n in range(CUSTOM_MONTHS, -1, -1)]
        left, right = st.columns(2)
        since = left.selectbox("From", starts, index=len(starts) - 4, format_func=month_name, key="outcomes:from")
        last = right.selectbox("To", starts, index=len(starts) - 1, format_func=month_name, key="outcomes:to")
        if last < since:
            st.warning("The period ends before it starts: the months are swapped.", icon=":material/swap_horiz:")
            since, last = last, since
    if last == month_start(today):
        st.caption(f"Requests asked from {since:%-d %B %Y} to today: whole months, {today:%B} so far.")
    else:
        st.caption(f"Requests asked from {since:%-d %B %Y} to the end of {month_name(last)}.")
    return since, month_start(last, back=-1)


def _headline(o: Outcomes) -> None:
    f = tables.figures(o)
    st.subheader("The whole program", anchor=False)
    first, second, third = st.columns(3)
    first.metric("Requests", f.requests, help=f"From {f.people} people.", border=True)
    second.metric(
        "Time to a match (median)",
        f.hours_to_match,
        delta=f.against_target,
        delta_color="inverse",
        help="From asking to a coordinator's approval of a peer. "
        f"The response target is {o.response_target_hours} hours.",
        border=True,
    )
    third.metric("Met", f.share_met, help=f.met_of, border=True)
    fourth, fifth, _ = st.columns(3)
    fourth.metric("Withdrawn, expired or declined", f.share_ended_unmet, border=True)
    fifth.metric("Median helpfulness", f.helpfulness, help="How helpful seekers found it, 1 to 5.", border=True)


def _effect(o: Outcomes) -> None:
    st.subheader("Is the load half the weight?", anchor=False)
    measures = o.total.measures
    ratio, supporters = measures["load_ratio"], measures["supporters_load_after"]
    left, right = st.columns(2)
    left.metric(
        "Load after ÷ before (median)",
        "—" if ratio is None else f"{ratio:.2f}",
        delta=None if ratio is None else f"{ratio - GOAL:+.2f} against the goal of {GOAL:g}",
        delta_color="inverse",
        help="Each seeker's load after the conversation divided by their load when they asked.",
        border=True,
    )
    right.metric(
        "Supporters' load after",
        "—" if supporters is None else f"{supporters:g} of 10",
        help="The supporters' own load after their conversations (median, 0–10). "
        "A program that wears out its supporters is not working.",
        border=True,
    )
    counted = measures["load_ratio_conversations"]
    said = (
        f"The median over {counted} met conversation{'' if counted == 1 else 's'} whose seeker said how they are "
        f"after; {measures['zero_before_left_out']} with a load of 0 before left out (nothing to halve). "
        f"{GOAL:g} is the program's goal, half the weight; 1 means no change."
    )
    if supporters is None:
        said += f" Supporters' load after shows once at least {o.min_group_size} supporters stand behind it."
    st.caption(said)
    if ratio is not None:
        _chart(charts.shared_load_effect(tables.effect(o), GOAL), tables.effect(o), "shared-load-effect")


def _charts(o: Outcomes) -> None:
    over_time = o.by == "month"
    rows = tables.by_group(o)
    hidden = tables.hidden_groups(o)
    name = tables.title(o.by).lower()
    st.subheader("Over time" if over_time else f"By {name}", anchor=False)
    if hidden:
        st.caption(f"Not drawn, to protect small groups: {literal(hidden)}.")
    if rows.empty:
        st.caption(f"Every {name} is hidden in this period; the whole program's figures are above.")
        return
    ratios = rows[rows["load_ratio"].notna()]
    if not ratios.empty:
        st.markdown("**Load after ÷ before**")
        _chart(charts.load_ratio_by_group(ratios, GOAL, over_time=over_time), ratios, f"load-ratio-by-{o.by}")
    st.markdown("**Requests and met conversations**")
    _chart(charts.requests_and_met(rows, over_time=over_time), rows, f"requests-by-{o.by}")


def _table(o: Outcomes) -> None:
    st.subheader(f"Every figure by {tables.title(o.by).lower()}", anchor=False)
    st.caption(
        f"A group of fewer than {o.min_group_size} people is hidden, and so are others where needed, "
        "so that no hidden figure can be worked out from the rest. Hidden groups say why, never a number."
    )
    table = tables.full_table(o)
    st.dataframe(table, hide_index=True, width="stretch")
    csv_download(table, f"outcomes-by-{o.by}", rerun=False)


def _chart(chart, rows: pd.DataFrame, name: str) -> None:
    st.altair_chart(chart, width="stretch")
    with st.expander("Show as a table"):
        st.dataframe(rows.drop(columns=["month"], errors="ignore"), hide_index=True, width="stretch")
    csv_download(rows.drop(columns=["month"], errors="ignore"), name, rerun=False)
