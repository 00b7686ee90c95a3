"""The reminder rule: at most one a day, working days for the log reminder, nothing when off."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.errors import ValidationError
from tracker.reminders import Due, ReminderChoice, clean_choice, due, next_check
from tracker.scoring import checkin_due

ZONES = ("UTC", "Europe/Berlin", "America/New_York", "Pacific/Auckland", "Asia/Kolkata", "Pacific/Kiritimati")
START = datetime(2026, 3, 2, tzinfo=UTC)  # a Monday, weeks before and after the spring DST changes

choices = st.builds(
    ReminderChoice,
    log_daily=st.booleans(),
    checkin_weekly=st.booleans(),
    at=st.times().map(lambda t: t.replace(second=0, microsecond=0)),
    checkin_weekday=st.integers(0, 6),
)
# Sweep rounds: whenever they happen (the sender every few seconds, a page view, or a server that
# was down for a day), in increasing order over five weeks.
rounds = st.lists(st.integers(0, 35 * 24 * 60), min_size=1, max_size=300).map(
    lambda minutes: [START + timedelta(minutes=m) for m in sorted(set(minutes))]
)


def simulate(choice: ReminderChoice, zone: str, moments: list[datetime], done_weeks: set[tuple[int, int]]):
    """What the sweep does for one person (services/reminders.py): look only from `next_check` on,
    then ask `due`. Returns (local moment, Due) per reminder sent."""
    tz = ZoneInfo(zone)
    sent: list[tuple[datetime, Due]] = []
    last, last_checkin = None, None
    look_from = next_check(choice, now=START - timedelta(days=1), zone=zone)
    for now in moments:
        if look_from is None or now < look_from:
            continue
        local = now.astimezone(tz)
        today = local.date()
        done = tuple(today.isocalendar()[:2]) in done_weeks
        reminder = due(
            choice,
            now=local.replace(tzinfo=None),
            last_reminded_on=last,
            last_checkin_reminder_on=last_checkin,
            checkin_due=not done,
        )
        if reminder is not None:
            sent.append((local, reminder))
            last = today
            if reminder.checkin:
                last_checkin = today
        look_from = next_check(choice, now=now, zone=zone)
    return sent


@settings(max_examples=300, deadline=None)
@given(choices, st.sampled_from(ZONES), rounds, st.sets(st.tuples(st.just(2026), st.integers(9, 15))))
def test_never_two_on_one_local_day_never_a_weekend_log_reminder_nothing_when_off(choice, zone, moments, done):
    sent = simulate(choice, zone, moments, done)
    days = [local.date() for local, _ in sent]
    assert len(days) == len(set(days)), "two reminders on one local day"
    if not choice.any:
        assert sent == []
    for local, reminder in sent:
        assert reminder.log or reminder.checkin
        assert local.time().replace(second=0, microsecond=0) >= choice.at
        if reminder.log:
            assert choice.log_daily and local.weekday() < 5, "a log reminder on a weekend"
        if reminder.checkin:
            assert choice.checkin_weekly and local.weekday() >= choice.checkin_weekday
            assert tuple(local.date().isocalendar()[:2]) not in done, "reminded of a check-in already done"
    weeks = [local.date().isocalendar()[:2] for local, reminder in sent if reminder.checkin]
    assert len(weeks) == len(set(weeks)), "two check-in reminders in one week"


@settings(max_examples=100, deadline=None)
@given(choices, st.sampled_from(ZONES))
def test_a_sweep_every_hour_reminds_on_every_working_day_and_once_every_week(choice, zone):
    tz = ZoneInfo(zone)
    # Every hour, and once at each day's chosen minute (the sender sweeps every few seconds).
    hourly = [START + timedelta(hours=h) for h in range(28 * 24)]
    chosen = [
        datetime.combine(START.date() + timedelta(days=n), choice.at, tzinfo=tz).astimezone(UTC) for n in range(28)
    ]
    moments = sorted({m for m in hourly + chosen if START <= m <= hourly[-1]})
    sent = simulate(choice, zone, moments, set())
    # The first local day counted is the first whole one after START (START is midnight UTC).
    first, last = (
        (START + timedelta(days=1)).astimezone(tz).date(),
        (moments[-1] - timedelta(days=1)).astimezone(tz).date(),
    )
    days = {local.date(): reminder for local, reminder in sent if first <= local.date() <= last}
    working = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    if choice.log_daily:
        assert all(days[d].log for d in working if d.weekday() < 5)
    if choice.checkin_weekly:
        wanted = [d for d in working if d.weekday() == choice.checkin_weekday]
        assert all(days[d].checkin for d in wanted)
    if choice.log_daily and choice.checkin_weekly:  # both due the same day: one message names both
        both = [d for d in working if d.weekday() == choice.checkin_weekday and d.weekday() < 5]
        assert all(days[d] == Due(log=True, checkin=True) for d in both)


def test_nothing_before_the_chosen_time_and_nothing_on_saturday():
    choice = ReminderChoice(log_daily=True, at=time(16, 0))
    friday, saturday = datetime(2026, 5, 8, 15, 59), datetime(2026, 5, 9, 17, 0)
    assert due(choice, now=friday, last_reminded_on=None, last_checkin_reminder_on=None, checkin_due=True) is None
    later = friday.replace(hour=16)
    assert due(choice, now=later, last_reminded_on=None, last_checkin_reminder_on=None, checkin_due=True) == Due(
        log=True, checkin=False
    )
    assert due(choice, now=saturday, last_reminded_on=None, last_checkin_reminder_on=None, checkin_due=True) is None


def test_a_missed_check_in_day_is_reminded_later_that_week_once():
    choice = ReminderChoice(checkin_weekly=True, at=time(9, 0), checkin_weekday=2)  # Wednesday
    thursday = datetime(2026, 5, 7, 10, 0)
    first = due(choice, now=thursday, last_reminded_on=None, last_checkin_reminder_on=None, checkin_due=True)
    assert first == Due(log=False, checkin=True)
    friday = thursday + timedelta(days=1)
    again = due(
        choice, now=friday, last_reminded_on=thursday.date(), last_checkin_reminder_on=thursday.date(), checkin_due=True
    )
    assert again is None
    done = due(choice, now=thursday, last_reminded_on=None, last_checkin_reminder_on=None, checkin_due=False)
    assert done is None


def test_next_check_is_the_chosen_time_in_the_persons_zone():
    choice = ReminderChoice(log_daily=True, at=time(16, 30))
    now = datetime(2026, 7, 1, 10, 0, tzinfo=UTC)  # 12:00 in Berlin (summer time)
    assert next_check(choice, now=now, zone="Europe/Berlin") == datetime(2026, 7, 1, 14, 30, tzinfo=UTC)
    after = datetime(2026, 7, 1, 15, 0, tzinfo=UTC)  # 17:00 in Berlin: tomorrow's
    assert next_check(choice, now=after, zone="Europe/Berlin") == datetime(2026, 7, 2, 14, 30, tzinfo=UTC)
    assert next_check(ReminderChoice(), now=now, zone="Europe/Berlin") is None


@given(choices.filter(lambda c: c.any), st.sampled_from(ZONES), st.datetimes(timezones=st.just(UTC)))
def test_next_check_is_ahead_and_within_a_day(choice, zone, now):
    moment = next_check(choice, now=now, zone=zone)
    assert now < moment <= now + timedelta(hours=25)  # 25: the day the clocks go back


@pytest.mark.parametrize(
    "fields, words",
    [
        ({"log_daily": "yes"}, "on or off"),
        ({"checkin_weekly": 1}, "on or off"),
        ({"at": "16:00"}, "time of day"),
        ({"at": datetime(2026, 1, 1, 16, 0)}, "time of day"),
        ({"at": time(16, 0, tzinfo=UTC)}, "time of day"),
        ({"checkin_weekday": 7}, "day of the week"),
        ({"checkin_weekday": -1}, "day of the week"),
        ({"checkin_weekday": True}, "day of the week"),
        ({"checkin_weekday": "4"}, "day of the week"),
    ],
)
def test_clean_choice_refuses_what_a_form_cannot_send(fields, words):
    valid = {"log_daily": True, "checkin_weekly": False, "at": time(16, 0), "checkin_weekday": 4}
    with pytest.raises(ValidationError, match=words):
        clean_choice(**{**valid, **fields})


def test_clean_choice_keeps_minutes_only():
    choice = clean_choice(log_daily=True, checkin_weekly=True, at=time(7, 45, 30, 12), checkin_weekday=0)
    assert choice == ReminderChoice(True, True, time(7, 45), 0)


def test_check_in_due_weekly_and_fortnightly():
    monday = date(2026, 5, 4)  # ISO week 19
    assert checkin_due(None, monday, "weekly")
    assert not checkin_due((2026, 19), monday, "weekly")
    assert checkin_due((2026, 18), monday, "weekly")
    assert not checkin_due((2026, 18), monday, "fortnightly")
    assert checkin_due((2026, 17), monday, "fortnightly")
