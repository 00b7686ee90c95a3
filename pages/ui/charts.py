"""Altair charts for My trends and Program outcomes. Each takes already-aggregated rows and returns a chart."""

from __future__ import annotations

import altair as alt
import pandas as pd

from tracker.domain import TIMES_OF_DAY
from tracker.queries.trends import WEEKDAYS
from tracker.scoring import BRS_HIGH_CUTOFF, BRS_LOW_CUTOFF, BURNOUT_CUTOFF

FULFILLING = "#2f7d6d"
DRAINING = "#c2573a"
DIVERGING = alt.Scale(scheme="redyellowgreen", domain=[-3, 3])
GOAL_INK = "#1f3b57"
GROUP_INK = "#7ea3cc"


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


def conversation_loads(conversations: pd.DataFrame) -> alt.Chart:
    """My trends, chart 6: each conversation's load before (when I asked) and after (my feedback),
    joined by a line, so a drop reads as a line going down."""
    rows = conversations.reset_index(drop=True)
    labels = [f"{day:%-d %b %Y}" for day in rows["met_on"]]
    rows["conversation"] = [  # two conversations on one day stay two
        label if labels.index(label) == i else f"{label} ({labels[: i + 1].count(label)})"
        for i, label in enumerate(labels)
    ]
    long = rows.melt(
        id_vars=["conversation", "met_on", "ratio"],
        value_vars=["load_before", "load_after"],
        var_name="when",
        value_name="load",
    )
    long["when"] = long["when"].map({"load_before": "before", "load_after": "after"})
    tooltip = [
        alt.Tooltip("met_on:T", title="met on"),
        "when:N",
        "load:Q",
        alt.Tooltip("ratio:Q", format=".2f", title="after ÷ before"),
    ]
    base = alt.Chart(long).encode(
        x=alt.X("conversation:N", sort=None, title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("load:Q", scale=alt.Scale(domain=[0, 10]), title="Load (0–10)"),
    )
    line = base.mark_line(color="#7a7a7a").encode(detail="conversation:N")
    points = base.mark_point(filled=True, size=110).encode(
        color=alt.Color(
            "when:N",
            scale=alt.Scale(domain=["before", "after"], range=[DRAINING, FULFILLING]),
            legend=alt.Legend(title=None, orient="top"),
        ),
        tooltip=tooltip,
    )
    ratios = rows[rows["ratio"].notna()].assign(label=lambda r: "ratio " + r["ratio"].map("{:.2f}".format))
    labels = (
        alt.Chart(ratios)
        .mark_text(align="left", dx=10, color=GOAL_INK, fontSize=12)
        .encode(x=alt.X("conversation:N", sort=None), y="load_after:Q", text="label:N")
    )
    return (line + points + labels).properties(height=220)


def _goal_rules(goal: float, *, axis: str) -> alt.Chart:
    """The program's goal (half the weight) and "no change" (1), as rules across the chart."""
    meanings = [f"goal {goal:g}: half the weight", "1: no change"]  # one per line: a phone is narrow
    marks = pd.DataFrame({"value": [goal, 1.0], "meaning": meanings})
    return (
        alt.Chart(marks)
        .mark_rule(strokeWidth=2.5)
        .encode(
            **{axis: "value:Q"},
            color=alt.Color(
                "meaning:N",
                scale=alt.Scale(domain=meanings, range=[GOAL_INK, "#9a9a9a"]),
                legend=alt.Legend(title=None, orient="top", columns=1),
            ),
            strokeDash=alt.StrokeDash(
                "meaning:N", scale=alt.Scale(domain=meanings, range=[[6, 3], [2, 2]]), legend=None
            ),
            tooltip=["meaning:N"],
        )
    )


def shared_load_effect(effect: pd.DataFrame, goal: float) -> alt.Chart:
    """The program's median load after ÷ before as one bar against the goal (0.5) and no change (1)."""
    top = max(1.2, float(effect["load_ratio"].max()) + 0.1)
    bar = (
        alt.Chart(effect.assign(who="whole program"))
        .mark_bar(color=GROUP_INK)
        .encode(
            y=alt.Y("who:N", title=None),
            x=alt.X("load_ratio:Q", title="Load after ÷ before (median)", scale=alt.Scale(domain=[0, top])),
            tooltip=[
                alt.Tooltip("load_ratio:Q", format=".2f", title="after ÷ before"),
                alt.Tooltip("conversations:Q", title="conversations"),
                alt.Tooltip("left_out:Q", title="load before 0, left out"),
            ],
        )
    )
    # A band of fixed size: Streamlit fits a chart of fixed height, legend and axes included, into
    # that height, which leaves a one-bar chart almost no room.
    return (bar + _goal_rules(goal, axis="x")).properties(height=alt.Step(40))


def load_ratio_by_group(rows: pd.DataFrame, goal: float, *, over_time: bool) -> alt.Chart:
    """Load after ÷ before per shown group (or month), against the goal. `rows`: group, load_ratio,
    conversations, people; a month grouping also has `month` (a date)."""
    rows = rows[rows["load_ratio"].notna()]
    tooltip = [
        alt.Tooltip("group:N", title="group"),
        alt.Tooltip("load_ratio:Q", format=".2f", title="after ÷ before"),
        alt.Tooltip("conversations:Q", title="conversations"),
        alt.Tooltip("people:Q", title="people"),
    ]
    if over_time:
        marks = (
            alt.Chart(rows)
            .mark_line(point=True, color=GROUP_INK)
            .encode(
                x=alt.X("month:T", title=None, axis=alt.Axis(format="%b %Y", tickCount="month")),
                y=alt.Y("load_ratio:Q", title="Load after ÷ before", scale=alt.Scale(domainMin=0)),
                tooltip=tooltip,
            )
        )
        return (marks + _goal_rules(goal, axis="y")).properties(height=280)
    bars = (
        alt.Chart(rows)
        .mark_bar(color=GROUP_INK)
        .encode(
            y=alt.Y("group:N", sort=None, title=None, axis=alt.Axis(labelLimit=160)),
            x=alt.X("load_ratio:Q", title="Load after ÷ before", scale=alt.Scale(domainMin=0)),
            tooltip=tooltip,
        )
    )
    return (bars + _goal_rules(goal, axis="x")).properties(height=alt.Step(30))


def requests_and_met(rows: pd.DataFrame, *, over_time: bool) -> alt.Chart:
    """Requests and met conversations per shown group (or month). `rows`: group, requests, met."""
    id_vars = ["group", "month"] if over_time else ["group"]
    long = rows.melt(id_vars=id_vars, value_vars=["requests", "met"], var_name="measure", value_name="count")
    color = alt.Color(
        "measure:N",
        scale=alt.Scale(domain=["requests", "met"], range=[GROUP_INK, FULFILLING]),
        legend=alt.Legend(title=None, orient="top"),
    )
    tooltip = [alt.Tooltip("group:N", title="group"), "measure:N", "count:Q"]
    if over_time:
        return (
            alt.Chart(long)
            .mark_line(point=True)
            .encode(
                x=alt.X("month:T", title=None, axis=alt.Axis(format="%b %Y", tickCount="month")),
                y=alt.Y("count:Q", title="Count", scale=alt.Scale(domainMin=0)),
                color=color,
                tooltip=tooltip,
            )
            .properties(height=280)
        )
    return (
        alt.Chart(long)
        .mark_bar()
        .encode(
            y=alt.Y("group:N", sort=None, title=None, axis=alt.Axis(labelLimit=160)),
            yOffset=alt.YOffset("measure:N", sort=["requests", "met"]),
            x=alt.X("count:Q", title="Count"),
            color=color,
            tooltip=tooltip,
        )
        .properties(height=alt.Step(22))
    )
