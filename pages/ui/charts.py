"""Altair charts for My trends. Each takes already-aggregated rows and returns a chart."""

from __future__ import annotations

import altair as alt
import pandas as pd

from tracker.domain import TIMES_OF_DAY
from tracker.queries.trends import WEEKDAYS
from tracker.scoring import BRS_HIGH_CUTOFF, BRS_LOW_CUTOFF, BURNOUT_CUTOFF

FULFILLING = "#2f7d6d"
DRAINING = "#c2573a"
DIVERGING = alt.Scale(scheme="redyellowgreen", domain=[-3, 3])


def daily_balance(daily: pd.DataFrame) -> alt.Chart:
    """Bars of the daily balance, the smoothed trend line and the person's own baseline band."""
    base = alt.Chart(daily).encode(x=alt.X("day:T", title=None))
    band = (
        base.transform_filter("datum.baseline != null")
        .mark_area(opacity=0.15, color="#7a7a7a")
        .encode(
            y=alt.Y("lower_limit:Q", title="Balance (sum of ratings)"),
            y2="baseline:Q",
            tooltip=[
                alt.Tooltip("baseline:Q", format=".2f", title="your baseline"),
                alt.Tooltip("lower_limit:Q", format=".2f", title="clearly below"),
            ],
        )
    )
    bars = base.mark_bar(opacity=0.55).encode(
        y=alt.Y("balance:Q"),
        color=alt.condition("datum.balance >= 0", alt.value(FULFILLING), alt.value(DRAINING)),
        tooltip=[alt.Tooltip("day:T", title="day"), "balance:Q", "entries:Q"],
    )
    line = base.mark_line(color="#1f3b57", strokeWidth=2.5).encode(
        y="smoothed:Q", tooltip=[alt.Tooltip("day:T"), alt.Tooltip("smoothed:Q", format=".2f", title="trend")]
    )
    return (band + bars + line).properties(height=260)


def weekly_split(weekly: pd.DataFrame) -> alt.Chart:
    """Fulfilling entries up, draining entries down, per week."""
    long = weekly.melt(id_vars="week", value_vars=["fulfilling", "draining"], var_name="kind", value_name="entries")
    long["signed"] = long["entries"].where(long["kind"] == "fulfilling", -long["entries"])
    return (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X("week:T", title="Week starting"),
            y=alt.Y("signed:Q", title="Entries (draining below zero)"),
            color=alt.Color(
                "kind:N",
                scale=alt.Scale(domain=["fulfilling", "draining"], range=[FULFILLING, DRAINING]),
                legend=alt.Legend(title=None, orient="top"),
            ),
            tooltip=[alt.Tooltip("week:T", title="week of"), "kind:N", "entries:Q"],
        )
        .properties(height=220)
    )


def tag_effects(tags: pd.DataFrame) -> alt.Chart:
    ranked = tags[tags["ranked"]]
    return (
        alt.Chart(ranked)
        .mark_bar()
        .encode(
            y=alt.Y("tag:N", sort="-x", title=None),
            x=alt.X("mean_rating:Q", title="Mean rating", scale=alt.Scale(domain=[-3, 3])),
            color=alt.Color("mean_rating:Q", scale=DIVERGING, legend=None),
            tooltip=["tag:N", alt.Tooltip("mean_rating:Q", format=".2f"), "entries:Q"],
        )
        .properties(height=max(120, 28 * len(ranked)))
    )


def weekly_pattern(pattern: pd.DataFrame) -> alt.Chart:
    return (
        alt.Chart(pattern.astype({"weekday": str, "time_of_day": str}))
        .mark_rect()
        .encode(
            x=alt.X("weekday:N", sort=list(WEEKDAYS), title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("time_of_day:N", sort=list(TIMES_OF_DAY), title=None),
            color=alt.Color("mean_rating:Q", scale=DIVERGING, title="Mean rating"),
            tooltip=["weekday:N", "time_of_day:N", alt.Tooltip("mean_rating:Q", format=".2f"), "entries:Q"],
        )
        .properties(height=180)
    )


def checkin_scores(checkins: pd.DataFrame) -> alt.Chart:
    """Resilience (BRS) and burnout on their 1–5 scales, with the published cut-offs drawn."""
    long = checkins.melt(
        id_vars="submitted_on", value_vars=["brs_score", "burnout"], var_name="measure", value_name="score"
    )
    long["measure"] = long["measure"].map({"brs_score": "Resilience (BRS)", "burnout": "Burnout (single item)"})
    lines = (
        alt.Chart(long)
        .mark_line(point=True)
        .encode(
            x=alt.X("submitted_on:T", title=None),
            y=alt.Y("score:Q", scale=alt.Scale(domain=[1, 5]), title="Score (1–5)"),
            color=alt.Color("measure:N", legend=alt.Legend(title=None, orient="top")),
            tooltip=[alt.Tooltip("submitted_on:T", title="date"), "measure:N", alt.Tooltip("score:Q", format=".2f")],
        )
    )
    cutoffs = pd.DataFrame(
        {
            "score": [BRS_LOW_CUTOFF, BRS_HIGH_CUTOFF, BURNOUT_CUTOFF],
            "label": ["low resilience below 3.00", "high resilience above 4.30", "burnout symptoms from 3"],
        }
    )
    rules = alt.Chart(cutoffs).mark_rule(strokeDash=[4, 4], color="#7a7a7a").encode(y="score:Q", tooltip=["label:N"])
    return (rules + lines).properties(height=220)


def load_scores(checkins: pd.DataFrame) -> alt.Chart:
    return (
        alt.Chart(checkins)
        .mark_line(point=True, color=DRAINING)
        .encode(
            x=alt.X("submitted_on:T", title=None),
            y=alt.Y("load:Q", scale=alt.Scale(domain=[0, 10]), title="Load (0–10)"),
            tooltip=[alt.Tooltip("submitted_on:T", title="date"), "load:Q"],
        )
        .properties(height=160)
    )
