"""Reminders a person chose: setting them (validated on the server), the sweep that sends the due
ones (one a day, idempotent, in the person's own time zone), e-mail only with SMTP, erase and export."""

from __future__ import annotations

import io
import json
import threading
import time as time_module
import zipfile
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from db.engine import session_factory
from db.models import Notification, OutboxMessage, ReminderPreference, ReminderSent
from tests.conftest import token
from tracker.errors import NotAllowed, ValidationError
from tracker.notify import REMINDER_SUBJECT, WORDING, NotificationKind, reminder_email_body
from tracker.policy import Action
from tracker.queries import my_data, peer
from tracker.queries.reminders import my_reminders
from tracker.reminders import ReminderChoice
from tracker.scoring import CheckInAnswers
from tracker.services import auth, checkins, mydata, reminders, sweeps
from tracker.services.boundary import action

BERLIN = ZoneInfo("Europe/Berlin")
WEDNESDAY_MORNING = datetime(2026, 5, 6, 7, 0, tzinfo=BERLIN)  # a working day


def at(moment: datetime, hour: int, minute: int = 0) -> datetime:
    return moment.replace(hour=hour, minute=minute)


def choose(db, person, *, now=WEDNESDAY_MORNING, log_daily=True, checkin_weekly=False, remind_at=time(9, 0), weekday=2):
    return reminders.set_reminders(
        db,
        person,
        token=token(),
        log_daily=log_daily,
        checkin_weekly=checkin_weekly,
        at=remind_at,
        checkin_weekday=weekday,
        now=now.astimezone(UTC),
    )


def reminder_notifications(db, person) -> list[str]:
    return list(
        db.scalars(
            select(Notification.kind)
            .where(Notification.person_id == person.id, Notification.kind.like("reminder%"))
            .order_by(Notification.id)
        )
    )


@pytest.fixture
def berliner(db, clinician):
    return auth.set_timezone(db, clinician, "Europe/Berlin")


def test_reminders_are_off_by_default_and_nothing_is_sent(db, berliner):
    assert my_reminders(db, berliner) == ReminderChoice()
    for hour in (9, 12, 18, 23):
        sweeps.run_sweeps(db, now=at(WEDNESDAY_MORNING, hour).astimezone(UTC))
    assert reminder_notifications(db, berliner) == []


def test_the_choice_is_stored_and_read_back(db, berliner):
    choose(db, berliner, log_daily=True, checkin_weekly=True, remind_at=time(16, 30), weekday=4)
    assert my_reminders(db, berliner) == ReminderChoice(True, True, time(16, 30), 4)
    choose(db, berliner, log_daily=False, checkin_weekly=False)
    assert my_reminders(db, berliner).any is False
    assert db.get(ReminderPreference, berliner.id).next_check_at is None  # both off: the sweep never looks


def test_a_repeated_submit_stores_the_first_choice(db, berliner):
    same = token()
    for log_daily in (True, False):
        reminders.set_reminders(
            db, berliner, token=same, log_daily=log_daily, checkin_weekly=False, at=time(9, 0), checkin_weekday=0
        )
    assert my_reminders(db, berliner).log_daily is True


@pytest.mark.parametrize(
    "fields",
    [
        {"log_daily": "true"},
        {"checkin_weekly": 1},
        {"at": "09:00"},
        {"at": 900},
        {"checkin_weekday": 7},
        {"checkin_weekday": True},
    ],
)
def test_the_server_refuses_what_the_form_cannot_send(db, berliner, fields):
    valid = {"log_daily": True, "checkin_weekly": True, "at": time(9, 0), "checkin_weekday": 2}
    with pytest.raises(ValidationError):
        reminders.set_reminders(db, berliner, token=token(), **{**valid, **fields})
    assert db.get(ReminderPreference, berliner.id) is None


def test_reminders_are_a_clinicians_own(db, make_person):
    administrator = make_person("Ona Only", roles=("administrator",))  # logs nothing, checks in never
    with pytest.raises(NotAllowed):
        choose(db, administrator)
    with pytest.raises(NotAllowed):
        my_reminders(db, administrator)


def test_two_sweeps_the_same_day_make_one_reminder(db, berliner):
    choose(db, berliner)
    report = sweeps.run_sweeps(db, now=at(WEDNESDAY_MORNING, 8, 59).astimezone(UTC))
    assert report.reminders == 0  # not before the chosen time
    first = sweeps.run_sweeps(db, now=at(WEDNESDAY_MORNING, 9, 0).astimezone(UTC))
    again = sweeps.run_sweeps(db, now=at(WEDNESDAY_MORNING, 9, 0).astimezone(UTC))
    later = sweeps.run_sweeps(db, now=at(WEDNESDAY_MORNING, 23, 59).astimezone(UTC))
    assert (first.reminders, again.reminders, later.reminders) == (1, 0, 0)
    assert reminder_notifications(db, berliner) == ["reminder_log"]
    [sent] = db.scalars(select(ReminderSent)).all()
    assert (sent.local_date.isoformat(), sent.log, sent.checkin) == ("2026-05-06", True, False)
    next_day = sweeps.run_sweeps(db, now=at(WEDNESDAY_MORNING + timedelta(days=1), 9, 5).astimezone(UTC))
    assert next_day.reminders == 1


def test_a_sweep_that_meets_another_on_the_same_day_writes_nothing(db, berliner):
    """Two sweeps at once (the sender and a page view, or two senders): both find the reminder due,
    the first inserts the (person, local date) row and holds its transaction open; the second's
    insert waits for it, then finds the day taken and writes nothing, without an error."""
    choose(db, berliner)
    moment = at(WEDNESDAY_MORNING, 9, 30).astimezone(UTC)
    factory = session_factory(db.get_bind())
    first_inserted, second_started = threading.Event(), threading.Event()
    results, errors = {}, []

    def first():
        try:
            with factory() as session, action(session, None, Action.RUN_SWEEPS) as act:
                results["first"] = reminders.send_due(session, now=moment).sent
                first_inserted.set()
                second_started.wait(30)
                time_module.sleep(0.5)  # the second sweep reads and reaches its insert meanwhile
                act.done()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
            first_inserted.set()

    def second():
        try:
            first_inserted.wait(30)
            second_started.set()
            with factory() as session:
                results["second"] = sweeps.run_sweeps(session, now=moment).reminders
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert results == {"first": 1, "second": 0}
    assert reminder_notifications(db, berliner) == ["reminder_log"]


def test_no_log_reminder_on_saturday_or_sunday(db, berliner):
    choose(db, berliner)
    saturday = WEDNESDAY_MORNING + timedelta(days=3)
    for day in (saturday, saturday + timedelta(days=1)):
        assert sweeps.run_sweeps(db, now=at(day, 10).astimezone(UTC)).reminders == 0
    assert sweeps.run_sweeps(db, now=at(saturday + timedelta(days=2), 10).astimezone(UTC)).reminders == 1


def test_log_and_check_in_due_the_same_day_make_one_message_naming_both(db, berliner):
    choose(db, berliner, log_daily=True, checkin_weekly=True, weekday=2)  # Wednesday
    sweeps.run_sweeps(db, now=at(WEDNESDAY_MORNING, 9).astimezone(UTC))
    assert reminder_notifications(db, berliner) == ["reminder_log_checkin"]
    [row] = peer.notifications(db, berliner)
    assert row.text == WORDING[NotificationKind.REMINDER_LOG_AND_CHECKIN]
    assert not any(ch.isdigit() for ch in row.text)  # no counts, no figures
    # Thursday: the log reminder only (the check-in reminder came this week already)
    sweeps.run_sweeps(db, now=at(WEDNESDAY_MORNING + timedelta(days=1), 9).astimezone(UTC))
    assert reminder_notifications(db, berliner) == ["reminder_log_checkin", "reminder_log"]


def test_the_persons_own_time_zone_decides_the_time_of_day(db, make_person):
    berlin = auth.set_timezone(db, make_person("Bea Berlin"), "Europe/Berlin")
    new_york = auth.set_timezone(db, make_person("Nia NewYork"), "America/New_York")
    evening_before = datetime(2026, 5, 5, 20, 0, tzinfo=UTC)
    for person in (berlin, new_york):
        choose(db, person, now=evening_before)  # 09:00 in each one's own zone
    moment = datetime(2026, 5, 6, 8, 0, tzinfo=UTC)  # 10:00 in Berlin, 04:00 in New York
    sweeps.run_sweeps(db, now=moment)
    assert (reminder_notifications(db, berlin), reminder_notifications(db, new_york)) == (["reminder_log"], [])
    sweeps.run_sweeps(db, now=moment + timedelta(hours=5))  # 09:00 in New York
    assert reminder_notifications(db, new_york) == ["reminder_log"]


def test_the_check_in_reminder_stops_once_the_check_in_is_done(db, make_person):
    """Against the real clock: the check-in service dates a check-in by the person's own today."""
    done, not_done = make_person("Dora Done"), make_person("Nico Notyet")
    checkins.submit(db, done, token=token(), answers=CheckInAnswers(brs=(3,) * 6, burnout=1, load=3))
    now = datetime.now(UTC)
    today = now.date()
    for person in (done, not_done):
        choose(
            db,
            person,
            now=datetime.combine(today, time(0, 0), tzinfo=UTC) - timedelta(minutes=1),
            log_daily=False,
            checkin_weekly=True,
            remind_at=time(0, 0),
            weekday=today.weekday(),
        )
    sweeps.run_sweeps(db, now=now)
    assert reminder_notifications(db, done) == []
    assert reminder_notifications(db, not_done) == ["reminder_checkin"]


def test_e_mail_only_when_smtp_is_configured_and_it_says_nothing_but_reminder(db, make_person, monkeypatch):
    with_mail = auth.set_timezone(db, make_person("Mia Mail"), "Europe/Berlin")
    choose(db, with_mail)
    monkeypatch.delenv("SMTP_URL", raising=False)
    sweeps.run_sweeps(db, now=at(WEDNESDAY_MORNING, 9).astimezone(UTC))
    assert db.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    assert reminder_notifications(db, with_mail) == ["reminder_log"]  # in the app all the same
    monkeypatch.setenv("SMTP_URL", "smtp://127.0.0.1:2525")
    sweeps.run_sweeps(db, now=at(WEDNESDAY_MORNING + timedelta(days=1), 9).astimezone(UTC))
    [mail] = db.scalars(select(OutboxMessage)).all()
    assert (mail.to_address, mail.subject, mail.body) == (with_mail.email, REMINDER_SUBJECT, reminder_email_body())
    assert "log" not in mail.body.lower().replace("/notifications", "") and "check-in" not in mail.body


def test_opening_the_app_brings_a_due_reminder_once(db, berliner):
    choose(db, berliner)
    assert reminders.bring_mine(db, berliner, now=at(WEDNESDAY_MORNING, 8).astimezone(UTC)) is False
    assert reminders.bring_mine(db, berliner, now=at(WEDNESDAY_MORNING, 9, 1).astimezone(UTC)) is True
    assert reminders.bring_mine(db, berliner, now=at(WEDNESDAY_MORNING, 9, 2).astimezone(UTC)) is False
    assert sweeps.run_sweeps(db, now=at(WEDNESDAY_MORNING, 9, 3).astimezone(UTC)).reminders == 0
    assert reminder_notifications(db, berliner) == ["reminder_log"]


def test_nothing_for_a_deactivated_person(db, administrator, berliner):
    from tracker.services import people

    choose(db, berliner)
    people.set_person_active(db, administrator, berliner.id, active=False)
    assert sweeps.run_sweeps(db, now=at(WEDNESDAY_MORNING, 9).astimezone(UTC)).reminders == 0
    assert reminder_notifications(db, berliner) == []


def test_erase_removes_the_choice_the_days_and_the_reminders(db, berliner, make_person):
    other = auth.set_timezone(db, make_person("Olly Other"), "Europe/Berlin")
    for person in (berliner, other):
        choose(db, person)
    sweeps.run_sweeps(db, now=at(WEDNESDAY_MORNING, 9).astimezone(UTC))
    mydata.erase(db, berliner)
    assert db.get(ReminderPreference, berliner.id) is None
    assert db.scalars(select(ReminderSent.person_id)).all() == [other.id]
    assert reminder_notifications(db, berliner) == []
    assert reminder_notifications(db, other) == ["reminder_log"]
    sweeps.run_sweeps(db, now=at(WEDNESDAY_MORNING + timedelta(days=1), 9).astimezone(UTC))
    assert reminder_notifications(db, berliner) == []  # nothing chosen any more


def test_export_holds_the_reminders_i_chose(db, berliner):
    choose(db, berliner, log_daily=True, checkin_weekly=True, remind_at=time(16, 15), weekday=4)
    sweeps.run_sweeps(db, now=at(WEDNESDAY_MORNING, 17).astimezone(UTC))
    everything = json.loads(zipfile.ZipFile(io.BytesIO(my_data.export(db, berliner))).read("my-data.json"))
    assert everything["reminders"] == {
        "daily_log_reminder": True,
        "weekly_checkin_reminder": True,
        "time_of_day": "16:15",
        "checkin_weekday": "Friday",
        "sent": [{"date": "2026-05-06", "log": True, "check_in": False}],
    }
