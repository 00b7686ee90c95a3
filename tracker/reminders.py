"""Reminders a person asked for: when one is due, in the person's own calendar. Pure, no clock.

A person may choose, on Account, a daily reminder to log (working days only, Monday to Friday) and
a weekly check-in reminder (on a weekday they choose, only while the check-in is still due), both
at one time of day in their own time zone. Both are off until chosen. The promises:

- at most one reminder per person per local day: when both are due the same day, one message
  names both (`Due.log` and `Due.checkin` together);
- never before the chosen time of day, never a log reminder on a Saturday or Sunday;
- the check-in reminder at most once per ISO week: on the chosen weekday, or the first later day of
  the same week a sweep sees (a server that was down on that day still reminds), never after the
  check-in is done;
- nothing when both are off.

The sweep (`tracker/services/reminders.py`) looks at a person only from `next_check` on, so a
round costs a look-up of the people whose time has come, not of everyone who chose a reminder;
`due` then decides with the person's current time zone, so a changed time zone is honoured.
The wording never says anything about the person's entries, trends or warning: it repeats what
they asked for (see `tracker/notify.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from tracker.errors import ValidationError

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WORKING_DAYS = frozenset(range(5))  # Monday to Friday (date.weekday())
DEFAULT_TIME = time(16, 0)  # late afternoon: most of the day's interactions are behind
DEFAULT_WEEKDAY = 4  # Friday: the week is nearly done, the check-in asks about it


@dataclass(frozen=True)
class ReminderChoice:
    """What a person chose. Off by default."""

    log_daily: bool = False
    checkin_weekly: bool = False
    at: time = DEFAULT_TIME
    checkin_weekday: int = DEFAULT_WEEKDAY

    @property
    def any(self) -> bool:
        return self.log_daily or self.checkin_weekly


@dataclass(frozen=True)
class Due:
    """What one day's single reminder mentions."""

    log: bool
    checkin: bool


def clean_choice(*, log_daily: object, checkin_weekly: object, at: object, checkin_weekday: object) -> ReminderChoice:
    """The choice as the server accepts it, whatever a form or a caller sent; plain words otherwise."""
    if not isinstance(log_daily, bool) or not isinstance(checkin_weekly, bool):
        raise ValidationError("Each reminder is either on or off.")
    if not isinstance(at, time) or at.tzinfo is not None:
        raise ValidationError("Choose the time of day for your reminders, for example 16:00.")
    if isinstance(checkin_weekday, bool) or not isinstance(checkin_weekday, int) or not 0 <= checkin_weekday <= 6:
        raise ValidationError("Choose the day of the week for the check-in reminder, Monday to Sunday.")
    return ReminderChoice(log_daily, checkin_weekly, at.replace(second=0, microsecond=0), checkin_weekday)


def due(
    choice: ReminderChoice,
    *,
    now: datetime,
    last_reminded_on: date | None,
    last_checkin_reminder_on: date | None,
    checkin_due: bool,
) -> Due | None:
    """The reminder to send at `now` (the person's local wall-clock time), or None.

    `last_reminded_on` is the local date of the person's latest reminder of any kind,
    `last_checkin_reminder_on` of the latest that mentioned the check-in; `checkin_due` is the
    check-in rule's answer for today (`scoring.checkin_due`)."""
    today = now.date()
    if not choice.any or now.time() < choice.at:
        return None
    if last_reminded_on is not None and last_reminded_on >= today:
        return None  # one a day (>=: a time zone moved west can make "today" earlier than the last one)
    log = choice.log_daily and today.weekday() in WORKING_DAYS
    week_start = today - timedelta(days=today.weekday())
    checkin = (
        choice.checkin_weekly
        and checkin_due
        and today.weekday() >= choice.checkin_weekday
        and (last_checkin_reminder_on is None or last_checkin_reminder_on < week_start)
    )
    return Due(log, checkin) if log or checkin else None


def next_check(choice: ReminderChoice, *, now: datetime, zone: str) -> datetime | None:
    """The next moment (UTC) the sweep should look at this person: today's chosen time in their
    zone if it is still ahead, else tomorrow's. None when both reminders are off."""
    if not choice.any:
        return None
    tz = ZoneInfo(zone)
    local = now.astimezone(tz)
    moment = datetime.combine(local.date(), choice.at, tzinfo=tz)
    if moment <= local:
        moment = datetime.combine(local.date() + timedelta(days=1), choice.at, tzinfo=tz)
    return moment.astimezone(ZoneInfo("UTC"))
