"""The outcomes page's figures, chart rows and table, made from what `program_outcomes` published.

Layout only: nothing here decides what is hidden. A hidden group keeps its label and its reason
and nothing else; the chart rows hold only shown groups.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from tracker.queries.outcomes import GOAL, OutcomeRow, Outcomes

TITLES = {"unit": "Unit", "profession": "Profession", "month": "Month"}
NOTHING = "—"
# measure → column title in the table, in order
COLUMNS = {
    "requests": "Requests",
    "met": "Met",
    "load_ratio": "Load after ÷ before",
    "load_ratio_conversations": "Conversations in the ratio",
    "zero_before_left_out": "Load before 0, left out",
    "share_met": "Share met",
    "share_ended_unmet": "Withdrawn, expired or declined",
    "median_hours_to_match": "Hours to match (median)",
    "median_helpfulness": "Helpfulness (median, 1–5)",
    "supporters_load_after": "Supporters' load after (median)",
}
SHARES = ("share_met", "share_ended_unmet")


@dataclass(frozen=True)
class Figures:
    """The whole program's headline figures, as shown."""

    requests: str
    people: str
    hours_to_match: str
    against_target: str | None
    share_met: str
    met_of: str
    share_ended_unmet: str
    helpfulness: str


def title(by: str) -> str:
    return TITLES[by]


def month_start(day: date, back: int = 0) -> date:
    """The first day of the month `back` months before `day`'s (negative: after)."""
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def month_name(day: date) -> str:
    return f"{day:%B %Y}"


def figures(o: Outcomes) -> Figures:
    m = o.total.measures
    hours = m["median_hours_to_match"]
    return Figures(
        requests=f"{m['requests']:g}",
        people=f"{o.total.people}",
        hours_to_match=NOTHING if hours is None else _duration(hours),
        against_target=None if hours is None else f"{hours - o.response_target_hours:+.0f} h against the target",
        share_met=_percent(m["share_met"]),
        met_of=f"{m['met']:g} of {m['requests']:g} requests led to a conversation.",
        share_ended_unmet=_percent(m["share_ended_unmet"]),
        helpfulness=NOTHING if m["median_helpfulness"] is None else f"{m['median_helpfulness']:g} of 5",
    )


def effect(o: Outcomes) -> pd.DataFrame:
    """The one row behind the shared-load effect chart."""
    m = o.total.measures
    return pd.DataFrame(
        [
            {
                "load_ratio": m["load_ratio"],
                "goal": GOAL,
                "conversations": m["load_ratio_conversations"],
                "left_out": m["zero_before_left_out"],
            }
        ]
    )


def by_group(o: Outcomes) -> pd.DataFrame:
    """Chart rows: the shown groups only (a hidden group is never drawn), in the published order."""
    rows = [
        {
            "group": r.group,
            "people": r.people,
            "requests": r.measures["requests"],
            "met": r.measures["met"],
            "load_ratio": r.measures["load_ratio"],
            "conversations": r.measures["load_ratio_conversations"],
        }
        for r in o.rows[:-1]
        if not r.suppressed
    ]
    frame = pd.DataFrame(rows, columns=["group", "people", "requests", "met", "load_ratio", "conversations"])
    frame["load_ratio"] = frame["load_ratio"].astype("float64")
    if o.by == "month":
        frame["month"] = pd.to_datetime(frame["group"], format="%Y-%m")
    return frame


def hidden_groups(o: Outcomes) -> str:
    """ "ICU (fewer than 5), Oncology (hidden to protect a small group)", or "" if none is hidden."""
    return ", ".join(f"{r.group} ({r.reason})" for r in o.rows[:-1] if r.suppressed)


def full_table(o: Outcomes) -> pd.DataFrame:
    """Every group and the whole program. A hidden group shows its reason where its people would be
    and a dash in every other column: never a number."""
    return pd.DataFrame([_row(r, o) for r in o.rows], dtype="object")


def _row(r: OutcomeRow, o: Outcomes) -> dict[str, str]:
    row = {title(o.by): "Whole program" if r is o.total else r.group}
    if r.suppressed:
        return row | {"People": r.reason} | dict.fromkeys(COLUMNS.values(), NOTHING)
    row["People"] = f"{r.people}"
    for measure, column in COLUMNS.items():
        row[column] = _cell(measure, r, o.min_group_size)
    return row


def _cell(measure: str, r: OutcomeRow, min_size: int) -> str:
    value = r.measures.get(measure)
    if value is None:
        if measure == "supporters_load_after" and 0 < (r.measures.get("supporters") or 0) < min_size:
            return f"fewer than {min_size} supporters"
        return NOTHING
    if measure in SHARES:
        return _percent(value)
    return f"{value:g}"


def _percent(share: float | None) -> str:
    return NOTHING if share is None else f"{share * 100:.0f}%"


def _duration(hours: float) -> str:
    return f"{hours:.0f} hours" if hours < 48 else f"{hours / 24:.1f} days"
