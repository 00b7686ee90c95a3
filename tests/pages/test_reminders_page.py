"""Account, "Reminders" (pages/me/reminders.py), and a reminder as Home and Notifications show it."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from tracker.notify import WORDING, NotificationKind
from tracker.queries.reminders import my_reminders
from tracker.reminders import ReminderChoice
from tracker.services import reminders


def section_shown(at) -> bool:
    return any(s.value == "Reminders" for s in at.subheader)


def test_a_clinician_chooses_reminders_on_account_off_by_default(open_page, db, clinician):
    at = open_page("me.account", clinician)
    assert not at.exception
    assert section_shown(at)
    log, checkin = at.toggle
    assert (log.label, log.value, checkin.value) == ("Remind me to log, Monday to Friday", False, False)
    log.set_value(True)
    checkin.set_value(True)
    at.time_input[0].set_value(time(7, 30))
    at.selectbox(key=at.selectbox[0].key).set_value(0)
    next(b for b in at.button if b.label == "Save reminders").click().run()
    assert not at.exception and not at.error
    assert my_reminders(db, clinician) == ReminderChoice(True, True, time(7, 30), 0)
    shown = open_page("me.account", clinician)
    assert [t.value for t in shown.toggle] == [True, True]
    assert shown.time_input[0].value == time(7, 30)


def test_the_account_page_of_someone_who_is_not_a_clinician_has_no_reminders(open_page, make_person):
    administrator = make_person("Ona Only", roles=("administrator",))
    at = open_page("me.account", administrator)
    assert not at.exception
    assert not section_shown(at)
    assert not at.toggle and not at.time_input


def test_a_due_reminder_shows_on_home_and_in_notifications_with_its_links(open_page, db, clinician):
    yesterday = datetime.now(UTC) - timedelta(days=1)
    reminders.set_reminders(
        db,
        clinician,
        token="reminder-page-token",
        log_daily=False,
        checkin_weekly=True,
        at=time(0, 0),
        checkin_weekday=0,  # Monday: every day of the week is on or after it
        now=yesterday,
    )
    home = open_page("me.home", clinician)
    assert not home.exception
    assert "1 new notification" in [link.proto.label for link in home.get("page_link")]
    at = open_page("me.notifications", clinician)
    assert not at.exception
    assert any(WORDING[NotificationKind.REMINDER_CHECKIN] in m.value for m in at.markdown)
    assert [(link.proto.label, link.proto.page) for link in at.get("page_link")] == [("Check-in", "checkin")]
