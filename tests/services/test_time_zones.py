"""Time zones and daylight saving: an entry logged at 23:30 local time lands on the person's own
local day, and My trends and the daily balance count it on that day, on either side of a change of
the clocks (Europe/London, America/New_York, Pacific/Auckland), on SQLite and PostgreSQL.

The person's zone is the browser's, stored at sign-in through `auth.set_timezone`; "today" is
`Actor.today()` (tracker/domain.py: the current time in that zone), which the log form puts in its
date field and the service checks the date against; the entry stores that local date
(`occurred_on`), and every trend groups by it. The clock is frozen at the instant under test.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from db.models import CheckIn, Interaction
from tracker.domain import Actor, InteractionDraft, time_of_day
from tracker.errors import ValidationError
from tracker.queries import checkin_history, trends
from tracker.scoring import CheckInAnswers
from tracker.services import auth, checkins, interactions

# (zone, local wall-clock time of the entry, what makes it interesting)
EVENINGS = [
    ("Europe/London", datetime(2026, 3, 28, 23, 30), "the last GMT evening before the clocks go forward"),
    ("Europe/London", datetime(2026, 3, 29, 23, 30), "the 23-hour day the clocks went forward (BST, UTC+1)"),
    ("Europe/London", datetime(2026, 10, 24, 23, 30), "the last BST evening"),
    ("Europe/London", datetime(2026, 10, 25, 23, 30), "the 25-hour day the clocks went back"),
    ("America/New_York", datetime(2026, 3, 8, 23, 30), "DST began that morning: 03:30 UTC the next day"),
    ("America/New_York", datetime(2026, 11, 1, 23, 30), "DST ended that morning: 04:30 UTC the next day"),
    ("Pacific/Auckland", datetime(2026, 4, 5, 23, 30), "NZ summer time ended that morning: UTC is 11:30 the same day"),
    ("Pacific/Auckland", datetime(2026, 9, 27, 0, 30), "just after midnight on the day summer time began"),
]


class FrozenClock:
    """`datetime.now(zone)` as seen by tracker.domain (the only clock `Actor.today()` reads)."""

    def __init__(self, instant: datetime) -> None:
        self.instant = instant

    def install(self, monkeypatch) -> None:
        clock = self

        class Frozen(datetime):
            @classmethod
            def now(cls, tz=None):
                return clock.instant.astimezone(tz) if tz is not None else clock.instant.replace(tzinfo=None)

        monkeypatch.setattr("tracker.domain.datetime", Frozen)


def in_zone(db, clinician: Actor, zone: str) -> Actor:
    """The person signs in from a browser in `zone` (pages/gate/sign_in.py stores it)."""
    return auth.set_timezone(db, clinician, zone)


def log(db, actor: Actor, *, rating: int, day: date | None = None) -> int:
    """What the quick log sends: the form's date is the person's today, its time of day their hour."""
    draft = InteractionDraft(
        token=uuid.uuid4().hex,
        occurred_on=day or actor.today(),
        rating=rating,
        time_of_day=time_of_day(actor.now().hour),
    )
    return interactions.log(db, actor, draft)


@pytest.mark.parametrize("zone, local, why", EVENINGS, ids=[f"{z}-{t:%Y-%m-%d}" for z, t, _ in EVENINGS])
def test_an_entry_lands_on_the_local_day_and_counts_there(db, clinician, monkeypatch, zone, local, why):
    moment = local.replace(tzinfo=ZoneInfo(zone))
    clock = FrozenClock(moment.astimezone(UTC))
    clock.install(monkeypatch)
    me = in_zone(db, clinician, zone)
    day = local.date()
    assert me.today() == day, why

    entry_id = log(db, me, rating=-2)
    stored = db.get(Interaction, entry_id)
    assert (stored.occurred_on, stored.time_of_day) == (day, time_of_day(local.hour)), why
    # The server's own (UTC) day is another day in New York and Auckland: the entry still counts here.
    with pytest.raises(ValidationError, match="future"):
        log(db, me, rating=1, day=day + timedelta(days=1))

    today_only = trends.my_trends(db, me, days=1).daily
    assert [(d.date(), b) for d, b in zip(today_only["day"], today_only["balance"], strict=True)] == [(day, -2)]
    week = trends.my_trends(db, me, days=7)
    assert week.weekly["draining"].sum() == 1
    assert week.weekly["week"].iloc[0].date() == day - timedelta(days=day.weekday())  # the local Monday

    # An hour later it is the next local day: today's window no longer holds the entry, two days do.
    clock.instant += timedelta(hours=1)
    later = in_zone(db, clinician, zone)
    assert later.today() == (moment + timedelta(hours=1)).astimezone(ZoneInfo(zone)).date()
    if later.today() != day:
        assert trends.my_trends(db, later, days=1).daily.empty
        two_days = trends.my_trends(db, later, days=2).daily
        assert [(d.date(), b) for d, b in zip(two_days["day"], two_days["balance"], strict=True)] == [(day, -2)]


@pytest.mark.parametrize("zone, local", [("America/New_York", datetime(2026, 3, 8, 23, 30))])
def test_a_sunday_night_check_in_counts_for_the_local_week(db, clinician, monkeypatch, zone, local):
    """23:30 on Sunday in New York is Monday in UTC, the next ISO week: the check-in is this week's."""
    moment = local.replace(tzinfo=ZoneInfo(zone))
    FrozenClock(moment.astimezone(UTC)).install(monkeypatch)
    me = in_zone(db, clinician, zone)
    assert moment.astimezone(UTC).isocalendar()[1] != local.isocalendar()[1]  # the two weeks differ
    checkins.submit(db, me, token=uuid.uuid4().hex, answers=CheckInAnswers(brs=(3,) * 6, burnout=2, load=4))
    row = db.scalar(select(CheckIn).where(CheckIn.person_id == me.id))
    assert (row.submitted_on, row.iso_year, row.iso_week) == (local.date(), *local.isocalendar()[:2])
    status = checkin_history.status(db, me)
    assert not status.due and status.this_week.submitted_on == local.date()


def test_the_same_instant_is_a_different_day_for_people_in_different_zones(db, make_person, monkeypatch):
    """One instant, two clinicians: each entry lands on its author's own day."""
    instant = datetime(2026, 3, 9, 3, 30, tzinfo=UTC)  # Sunday 23:30 in New York, Monday 03:30 in London
    FrozenClock(instant).install(monkeypatch)
    new_york = in_zone(db, make_person("Nia York"), "America/New_York")
    london = in_zone(db, make_person("Lou Don"), "Europe/London")
    log(db, new_york, rating=3)
    log(db, london, rating=-1)
    assert new_york.today() == date(2026, 3, 8) and london.today() == date(2026, 3, 9)
    for person, day, balance in ((new_york, date(2026, 3, 8), 3), (london, date(2026, 3, 9), -1)):
        daily = trends.my_trends(db, person, days=1).daily
        assert [(d.date(), b) for d, b in zip(daily["day"], daily["balance"], strict=True)] == [(day, balance)]
