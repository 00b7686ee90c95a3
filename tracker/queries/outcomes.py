"""Program outcomes: is the load really half the weight? With every small group suppressed.

For a period (requests asked from `since`, before `until`), grouped by unit, by profession or by
month, each group shows: people (distinct seekers), requests, met, median hours from asking to an
approved match, median helpfulness (1-5), and the shared-load effect — the median over met
conversations of load after ÷ load before, against the program's goal of 0.5 ("half the
weight"); seekers whose load before was 0 are left out of that ratio and counted. Beside it, the
supporters' own median load after: a program that wears out its supporters is not working.

Decisions:

* Each person belongs to one group per period in every view: the group of their latest request
  in the period (unit and profession are copied onto a request when it is made). So people add
  up to the total in the unit and profession views, which the suppression needs to be sound; a
  person who moved units within the period is counted once, where they are now.
* Suppression (tracker/suppression.py) runs over all three views of the period together, so the
  coordinator's page and `python -m tracker outcomes` show exactly the same cells whichever
  grouping is asked for. A supporters' median is shown only where at least `min_group_size`
  distinct supporters stand behind it.
* The period's requests are read once, one row per request with a handful of columns (requests
  are few next to interactions: about one per person per year at the brief's scale); the
  medians are taken in Python, which SQLite cannot do in SQL. Columns, not ORM objects: measured
  on the bulk demo's 10,000 people (10,000 requests a year), loading requests and matches as
  objects, each pulling in its topics and matches in batches, took 4 s a view; as columns the
  whole table takes 0.7-0.9 s on the 2-core machine under load (docs/SCALING.md).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from statistics import median
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Match, SupportRequest, Unit
from tracker.audit import AuditKind, AuditRecord
from tracker.domain import Actor, as_utc
from tracker.errors import ValidationError
from tracker.policy import Action
from tracker.queries.program import program_settings
from tracker.services.boundary import action
from tracker.suppression import Row, View, suppress_period
from tracker.validation import clean_day

GROUPINGS = ("unit", "profession", "month")
GOAL = 0.5  # "half the weight"
MEASURES = (
    "requests",
    "met",
    "median_hours_to_match",
    "median_helpfulness",
    "load_ratio",
    "load_ratio_conversations",
    "share_met",
    "share_ended_unmet",
    "zero_before_left_out",
    "supporters",
    "supporters_load_after",
)
CSV_HEADER = (
    "group",
    "people",
    "requests",
    "met",
    "median_hours_to_match",
    "median_helpfulness",
    "load_ratio",
    "suppressed",
)
MET = ("met", "closed")
MEDIANS = ("median_hours_to_match", "median_helpfulness", "load_ratio", "supporters_load_after")
BEHIND = "people behind "
ENDED_UNMET = ("withdrawn", "expired", "declined")


@dataclass(frozen=True)
class OutcomeRow:
    group: str
    people: int | None
    measures: dict[str, float | None]
    suppressed: bool
    reason: str | None

    def csv(self) -> list[str]:
        def cell(value: float | None) -> str:
            return "" if value is None else f"{value:g}"

        return [
            self.group,
            cell(self.people),
            *(cell(self.measures.get(name)) for name in CSV_HEADER[2:7]),
            "true" if self.suppressed else "false",
        ]


@dataclass(frozen=True)
class Outcomes:
    by: str
    since: date
    until: date
    min_group_size: int
    response_target_hours: int
    rows: list[OutcomeRow]  # the groups, then the total ("all")

    @property
    def total(self) -> OutcomeRow:
        return self.rows[-1]


class _Asked(NamedTuple):  # a tuple: made 10,000 times a view at the brief's scale
    seeker: int
    unit: str
    profession: str
    month: str
    status: str
    hours_to_match: float | None
    helpful: int | None
    load_before: int
    load_after: int | None
    supporter: int | None
    supporter_load_after: int | None


def program_outcomes(db: Session, actor: Actor, *, by: str, since: date, until: date) -> Outcomes:
    """The coordinator's view (audited)."""
    return _audited(db, actor, Action.READ_OUTCOMES, by=by, since=since, until=until)


def exported_outcomes(db: Session, *, by: str, since: date, until: date) -> Outcomes:
    """The same table for scripts (`python -m tracker outcomes`), audited as the installation's read."""
    return _audited(db, None, Action.EXPORT_OUTCOMES, by=by, since=since, until=until)


def _audited(db: Session, actor: Actor | None, what: Action, *, by: str, since: date, until: date) -> Outcomes:
    with action(db, actor, what) as act:
        result = outcome_table(db, by=by, since=since, until=until)
        where = "" if actor else "command line, "
        detail = f"{where}by {by}, {since.isoformat()} to {until.isoformat()}"
        act.done(audit=AuditRecord(AuditKind.OUTCOMES_VIEWED, detail=detail))
    return result


def outcome_table(db: Session, *, by: str, since: date, until: date) -> Outcomes:
    """The table for one grouping, suppressed together with the other views of the period."""
    if by not in GROUPINGS:
        raise ValidationError("Group the outcomes by unit, profession or month.")
    since, until = clean_day(since, what="start of the period"), clean_day(until, what="end of the period")
    if since >= until:
        raise ValidationError("Please choose a period whose start comes before its end.")
    settings = program_settings(db)
    asked = _asked(db, since, until)
    views = [_view(asked, grouping) for grouping in GROUPINGS]
    shown = dict(zip(GROUPINGS, suppress_period(views, settings.min_group_size), strict=True))[by]
    rows = [_row(r, settings.min_group_size) for r in (*shown.cells, shown.total)]
    return Outcomes(by, since, until, settings.min_group_size, settings.response_target_hours, rows)


def _asked(db: Session, since: date, until: date) -> list[_Asked]:
    start = datetime.combine(since, time(), UTC)
    end = datetime.combine(until, time(), UTC)
    units = dict(db.execute(select(Unit.id, Unit.name)).all())
    requests = db.execute(
        select(
            SupportRequest.id,
            SupportRequest.seeker_id,
            SupportRequest.seeker_unit_id,
            SupportRequest.seeker_profession,
            SupportRequest.created_at,
            SupportRequest.status,
            SupportRequest.load_before,
        ).where(SupportRequest.created_at >= start, SupportRequest.created_at < end)
    ).all()
    feedback = {
        m.request_id: m
        for m in db.execute(
            select(
                Match.request_id,
                Match.approved_at,
                Match.seeker_helpful,
                Match.seeker_load_after,
                Match.supporter_id,
                Match.supporter_load_after,
            )
            .join(SupportRequest, SupportRequest.id == Match.request_id)
            .where(SupportRequest.created_at >= start, SupportRequest.created_at < end)
            .where(Match.status.in_(("approved", "scheduled", *MET)))
        )
    }
    rows = []
    for request in requests:
        match = feedback.get(request.id)
        created = as_utc(request.created_at)
        approved = as_utc(match.approved_at) if match is not None and match.approved_at else None
        rows.append(
            _Asked(
                # An erased seeker is anonymous: counted as a person of their own, linked to nothing.
                seeker=request.seeker_id if request.seeker_id is not None else -request.id,
                unit=units.get(request.seeker_unit_id, "no unit"),
                profession=request.seeker_profession or "not given",
                month=created.strftime("%Y-%m"),
                status=request.status,
                hours_to_match=(approved - created).total_seconds() / 3600 if approved else None,
                helpful=match.seeker_helpful if match is not None else None,
                load_before=request.load_before,
                load_after=match.seeker_load_after if match is not None else None,
                supporter=match.supporter_id if match is not None else None,
                supporter_load_after=match.supporter_load_after if match is not None else None,
            )
        )
    return rows


def _view(asked: list[_Asked], grouping: str) -> View:
    latest: dict[int, str] = {}
    for row in sorted(asked, key=lambda r: r.month):
        latest[row.seeker] = getattr(row, grouping)
    groups: dict[str, list[_Asked]] = defaultdict(list)
    for row in asked:
        groups[getattr(row, grouping) if grouping == "month" else latest[row.seeker]].append(row)
    cells = tuple(Row(label, len({r.seeker for r in rows}), _measures(rows)) for label, rows in sorted(groups.items()))
    total = Row("all", len({r.seeker for r in asked}), _measures(asked))
    return View(cells, total, one_cell_per_person=grouping != "month")


def _measures(rows: list[_Asked]) -> dict[str, float | None]:
    met = [r for r in rows if r.status in MET]
    ratios = [r.load_after / r.load_before for r in met if r.load_after is not None and r.load_before > 0]
    supporters = {r.supporter for r in met if r.supporter is not None}
    rated = [r for r in met if r.load_after is not None and r.load_before > 0]
    return {
        # How many distinct people each median rests on: a median over fewer than the minimum group
        # is not shown even in a shown group (`_row`); these counts themselves are never published.
        BEHIND + "median_hours_to_match": len({r.seeker for r in rows if r.hours_to_match is not None}),
        BEHIND + "median_helpfulness": len({r.seeker for r in met if r.helpful is not None}),
        BEHIND + "load_ratio": len({r.seeker for r in rated}),
        BEHIND + "supporters_load_after": len({r.supporter for r in met if r.supporter_load_after is not None}),
        "requests": len(rows),
        "met": len(met),
        "median_hours_to_match": _median([r.hours_to_match for r in rows]),
        "median_helpfulness": _median([r.helpful for r in met]),
        "load_ratio": _median(ratios, digits=2),
        "load_ratio_conversations": len(ratios),  # the count the shared-load effect rests on
        "share_met": round(len(met) / len(rows), 3) if rows else None,
        "share_ended_unmet": round(sum(r.status in ENDED_UNMET for r in rows) / len(rows), 3) if rows else None,
        "zero_before_left_out": sum(1 for r in met if r.load_before == 0),
        "supporters": len(supporters),
        "supporters_load_after": _median([r.supporter_load_after for r in met]),
    }


def _median(values: list[float | None], digits: int = 1) -> float | None:
    present = [v for v in values if v is not None]
    return round(median(present), digits) if present else None


def _row(row: Row, min_size: int) -> OutcomeRow:
    """A median resting on fewer than the minimum group of people (seekers, or supporters for
    their own load) is withheld even in a shown group: it would be a figure about a handful."""
    measures = {name: value for name, value in row.measures.items() if not name.startswith(BEHIND)}
    for name in MEDIANS:
        if (row.measures.get(BEHIND + name) or 0) < min_size:
            measures[name] = None
    return OutcomeRow(row.label, row.people, measures, row.suppressed, row.reason)
