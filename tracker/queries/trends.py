"""My trends and the private early warning. Aggregated in SQL; only the person sees their own.

Every query filters one person and groups by date on the (person_id, occurred_on, rating) index, so
the database returns at most one row per day (or per day × time of day, or per tag) — never the
person's raw entries, let alone the whole table. Weekly and weekday roll-ups are done on those
already-aggregated rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from db.models import Interaction, InteractionTag, Match, Person, SupportRequest, Tag
from tracker.domain import TIMES_OF_DAY, Actor, as_utc
from tracker.errors import ValidationError
from tracker.policy import Action
from tracker.queries import checkin_history as checkins
from tracker.scoring import BURNOUT_CUTOFF, CheckInScore, crosses_cutoff
from tracker.services.boundary import authorize
from tracker.validation import is_int
from tracker.warning import Assessment, DayBalance, assess

PERIODS: dict[str, int | None] = {"30 days": 30, "90 days": 90, "1 year": 365, "All": None}
MIN_TAG_ENTRIES = 3  # fewer entries say too little about a tag to rank it
CHECKIN_FRESH_DAYS = 14  # an older check-in no longer describes how the person is now
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MAX_DAYS = 36_500  # a period longer than a working life is not a period


@dataclass(frozen=True)
class EarlyWarning:
    """What the person alone sees: whether to offer a shared-load conversation, and why."""

    prompt: bool
    reasons: list[str] = field(default_factory=list)
    note: str = ""


@dataclass(frozen=True)
class Trends:
    since: date | None
    daily: pd.DataFrame  # day, balance, entries, fulfilling, draining, smoothed, baseline, lower_limit
    weekly: pd.DataFrame  # week, fulfilling, draining
    tags: pd.DataFrame  # tag, mean_rating, entries, ranked
    pattern: pd.DataFrame  # weekday, time_of_day, mean_rating, entries
    checkins: pd.DataFrame  # submitted_on, brs_score, burnout, load
    conversations: pd.DataFrame  # met_on, load_before, load_after, ratio (my shared-load conversations)
    assessment: Assessment
    warning: EarlyWarning

    @property
    def empty(self) -> bool:
        return self.daily.empty and self.checkins.empty


def version(db: Session, actor: Actor) -> str:
    """Changes whenever the person's entries or check-ins change: the cache key of their trends.

    Opaque and never reused: a new account that gets an old id (SQLite reuses ids after a reset)
    still gets a new version, so no cache can show it someone else's data."""
    authorize(db, actor, Action.READ_TRENDS)
    created_at, counter = db.execute(select(Person.created_at, Person.data_version).where(Person.id == actor.id)).one()
    return f"{created_at.isoformat()}#{counter}"


def my_trends(db: Session, actor: Actor, *, days: int | None) -> Trends:
    """The person's own trends over the last `days` days (None = all)."""
    authorize(db, actor, Action.READ_TRENDS)
    if days is not None and (not is_int(days) or not 1 <= days <= MAX_DAYS):
        raise ValidationError("Please choose a period from the list.")
    today = actor.today()
    since = today - timedelta(days=days - 1) if days else None
    rows = _daily_rows(db, actor)
    assessment = _assess(rows, today)
    daily = _with_trend(_daily_frame(rows), assessment)
    if since is not None:
        daily = daily[daily["day"] >= pd.Timestamp(since)]
    latest = checkins.status(db, actor).latest
    return Trends(
        since=since,
        daily=daily.reset_index(drop=True),
        weekly=_weekly(daily),
        tags=_tags(db, actor, since),
        pattern=_pattern(db, actor, since),
        checkins=_checkins(db, actor, since),
        conversations=_conversations(db, actor, since),
        assessment=assessment,
        warning=_warning(assessment, latest, today),
    )


def early_warning(db: Session, actor: Actor) -> EarlyWarning:
    """Offer a conversation when the smoothed balance falls clearly below the person's own
    baseline, or their latest (recent) check-in crosses a validated cut-off. Nothing is sent."""
    return home_status(db, actor)[0]


def home_status(db: Session, actor: Actor) -> tuple[EarlyWarning, checkins.CheckInStatus]:
    """The early warning and the check-in status together: the home page needs both, and the
    warning already reads the latest check-in."""
    authorize(db, actor, Action.READ_TRENDS)
    today = actor.today()
    status = checkins.status(db, actor)
    return _warning(_assess(_daily_rows(db, actor), today), status.latest, today), status


def _warning(assessment: Assessment, latest: checkins.CheckInRow | None, today: date) -> EarlyWarning:
    reasons = [assessment.reason] if assessment.status == "alarm" else []
    if latest is not None and (today - latest.submitted_on).days <= CHECKIN_FRESH_DAYS:
        reasons += _checkin_reasons(latest)
    note = assessment.reason if assessment.status == "insufficient" else ""
    return EarlyWarning(prompt=bool(reasons), reasons=reasons, note=note)


def _checkin_reasons(row: checkins.CheckInRow) -> list[str]:
    score = CheckInScore(row.brs_score, row.brs_band, row.burnout, row.burnout >= BURNOUT_CUTOFF, row.load)
    return crosses_cutoff(score)


def _assess(rows: list, today: date) -> Assessment:
    return assess([DayBalance(r.day, int(r.balance), int(r.entries)) for r in rows], today)


def _daily_rows(db: Session, actor: Actor) -> list:
    """One row per day with entries: the balance (sum of ratings) and counts."""
    return db.execute(
        select(
            Interaction.occurred_on.label("day"),
            func.sum(Interaction.rating).label("balance"),
            func.count().label("entries"),
            func.sum(case((Interaction.rating > 0, 1), else_=0)).label("fulfilling"),
            func.sum(case((Interaction.rating < 0, 1), else_=0)).label("draining"),
        )
        .where(Interaction.person_id == actor.id)
        .group_by(Interaction.occurred_on)
        .order_by(Interaction.occurred_on)
    ).all()


def _daily_frame(rows: list) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["day", "balance", "entries", "fulfilling", "draining"])
    frame["day"] = _dates(frame["day"])
    return frame.astype({"balance": int, "entries": int, "fulfilling": int, "draining": int})


def _with_trend(daily: pd.DataFrame, assessment: Assessment) -> pd.DataFrame:
    points = pd.DataFrame(
        [(pd.Timestamp(p.day), p.smoothed, p.baseline, p.lower_limit) for p in assessment.points],
        columns=["day", "smoothed", "baseline", "lower_limit"],
    )
    points["day"] = _dates(points["day"])
    return daily.merge(points, on="day", how="left")


def _weekly(daily: pd.DataFrame) -> pd.DataFrame:
    if daily.empty:
        return pd.DataFrame(columns=["week", "fulfilling", "draining"])
    week = daily["day"] - pd.to_timedelta(daily["day"].dt.weekday, unit="D")
    return daily.assign(week=week).groupby("week", as_index=False)[["fulfilling", "draining"]].sum()


def _tags(db: Session, actor: Actor, since: date | None) -> pd.DataFrame:
    # The person's own entries first, materialised: measured on PostgreSQL with 5 million rows, the
    # planner otherwise merge-joined along the interactions primary key and scanned every row.
    mine = select(Interaction.id, Interaction.rating).where(Interaction.person_id == actor.id)
    if since is not None:
        mine = mine.where(Interaction.occurred_on >= since)
    mine = mine.cte("mine").prefix_with("MATERIALIZED")
    query = (
        select(Tag.name, func.avg(mine.c.rating), func.count())
        .select_from(mine)
        .join(InteractionTag, InteractionTag.interaction_id == mine.c.id)
        .join(Tag, Tag.id == InteractionTag.tag_id)
        .group_by(Tag.name)
    )
    frame = pd.DataFrame(db.execute(query).all(), columns=["tag", "mean_rating", "entries"])
    frame["mean_rating"] = frame["mean_rating"].astype(float).round(2)
    frame["ranked"] = frame["entries"] >= MIN_TAG_ENTRIES
    return frame.sort_values(["ranked", "mean_rating"], ascending=[False, False]).reset_index(drop=True)


def _pattern(db: Session, actor: Actor, since: date | None) -> pd.DataFrame:
    """Mean rating by weekday × time of day, from per-day-and-time sums."""
    query = (
        select(Interaction.occurred_on, Interaction.time_of_day, func.sum(Interaction.rating), func.count())
        .where(Interaction.person_id == actor.id, Interaction.time_of_day.is_not(None))
        .group_by(Interaction.occurred_on, Interaction.time_of_day)
    )
    if since is not None:
        query = query.where(Interaction.occurred_on >= since)
    rows = pd.DataFrame(db.execute(query).all(), columns=["day", "time_of_day", "total", "entries"])
    if rows.empty:
        return pd.DataFrame(columns=["weekday", "time_of_day", "mean_rating", "entries"])
    rows["weekday"] = pd.to_datetime(rows["day"]).dt.weekday.map(dict(enumerate(WEEKDAYS)))
    grouped = rows.groupby(["weekday", "time_of_day"], as_index=False)[["total", "entries"]].sum()
    grouped["mean_rating"] = (grouped["total"] / grouped["entries"]).round(2)
    grouped["weekday"] = pd.Categorical(grouped["weekday"], categories=WEEKDAYS, ordered=True)
    grouped["time_of_day"] = pd.Categorical(grouped["time_of_day"], categories=TIMES_OF_DAY, ordered=True)
    return grouped.sort_values(["weekday", "time_of_day"])[
        ["weekday", "time_of_day", "mean_rating", "entries"]
    ].reset_index(drop=True)


def _checkins(db: Session, actor: Actor, since: date | None) -> pd.DataFrame:
    rows = checkins.history(db, actor, since=since)
    frame = pd.DataFrame(
        [(r.submitted_on, r.brs_score, r.burnout, r.load) for r in rows],
        columns=["submitted_on", "brs_score", "burnout", "load"],
    )
    frame["submitted_on"] = _dates(frame["submitted_on"])
    return frame


def _conversations(db: Session, actor: Actor, since: date | None) -> pd.DataFrame:
    """Load before (when asking) and after (my feedback) of each conversation I had as the seeker.
    The ratio is after ÷ before — the program's "half the weight" is 0.5; none when before was 0."""
    query = (
        select(Match.meeting_at, SupportRequest.load_before, Match.seeker_load_after)
        .join(SupportRequest, SupportRequest.id == Match.request_id)
        .where(SupportRequest.seeker_id == actor.id, Match.seeker_load_after.is_not(None))
        .order_by(Match.meeting_at)
    )
    rows = [(as_utc(met).date(), before, after) for met, before, after in db.execute(query)]
    if since is not None:
        rows = [row for row in rows if row[0] >= since]
    frame = pd.DataFrame(rows, columns=["met_on", "load_before", "load_after"])
    frame["met_on"] = _dates(frame["met_on"])
    before = frame["load_before"].astype("float64")
    frame["ratio"] = (frame["load_after"] / before.where(before > 0)).round(2)
    return frame


def _dates(column: pd.Series) -> pd.Series:
    """Dates as one datetime dtype whatever the driver returned (date, str or nothing at all)."""
    return pd.to_datetime(column).astype("datetime64[ns]")
