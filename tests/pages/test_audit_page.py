"""The administrator's audit log page: filters, pages of 50 with previous/next, and the CSV export."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert

from db.models import AuditEvent
from tracker.audit import AuditKind

START = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)


def add_events(db, count: int, **fields) -> None:
    rows = [
        {"at": START + timedelta(hours=i), "action": AuditKind.TAG_CREATED.value, "detail": f"event {i}", **fields}
        for i in range(count)
    ]
    db.execute(insert(AuditEvent), rows)
    db.commit()


def caption(at) -> str:
    return next(c.value for c in at.caption if c.value.startswith("Page "))


def button(at, label: str):
    return next(b for b in at.button if b.label == label)


def shown_details(at) -> list[str]:
    return list(at.dataframe[0].value["Detail"])


def test_the_log_opens_on_the_newest_50_and_pages_through_the_rest(open_page, db, administrator):
    add_events(db, 119, actor_name="Bea Boss")  # and the first administrator's creation: 120 events
    at = open_page("admin.audit", administrator)
    assert not at.exception
    assert caption(at) == "Page 1 of 3 · 120 events"
    # newest first: the first administrator's creation (today), then the events of 2025
    assert shown_details(at)[1:3] == ["event 118", "event 117"] and len(shown_details(at)) == 50
    assert button(at, "Previous").disabled and not button(at, "Next").disabled

    button(at, "Next").click().run()
    assert caption(at) == "Page 2 of 3 · 120 events"
    assert shown_details(at)[0] == "event 69"
    button(at, "Next").click().run()
    assert caption(at) == "Page 3 of 3 · 120 events"
    assert len(shown_details(at)) == 20 and button(at, "Next").disabled
    button(at, "Previous").click().run()
    assert caption(at) == "Page 2 of 3 · 120 events"


def test_filters_narrow_the_log_and_start_again_at_page_one(open_page, db, administrator):
    add_events(db, 80, actor_name="Bea Boss")
    add_events(db, 3, actor_name="Cai Chief", action=AuditKind.PASSWORD_RESET.value)
    at = open_page("admin.audit", administrator)
    button(at, "Next").click().run()
    assert caption(at).startswith("Page 2 of 2")

    at.text_input(key="audit_who").input("cai").run()
    assert caption(at) == "Page 1 of 1 · 3 events"
    assert set(at.dataframe[0].value["Who"]) == {"Cai Chief"}

    at.text_input(key="audit_who").input("").run()
    kind = at.selectbox(key="audit_kind")
    kind.select(AuditKind.TAG_CREATED).run()
    assert caption(at) == "Page 1 of 2 · 80 events"
    at.date_input(key="audit_since").set_value(date(2025, 3, 3)).run()
    at.date_input(key="audit_until").set_value(date(2025, 3, 3)).run()
    assert caption(at) == "Page 1 of 1 · 24 events"  # 08:00 on the 1st plus 40 to 63 hours


def test_days_the_wrong_way_round_are_refused_in_plain_words(open_page, db, administrator):
    at = open_page("admin.audit", administrator)
    at.date_input(key="audit_since").set_value(date(2025, 3, 5)).run()
    at.date_input(key="audit_until").set_value(date(2025, 3, 4)).run()
    assert not at.exception
    assert "first day is after the last day" in at.error[0].value
    assert not at.dataframe


def test_the_export_holds_the_filtered_events_and_is_prepared_again_for_a_new_filter(open_page, db, administrator):
    add_events(db, 60, actor_name="Bea Boss")
    add_events(db, 2, actor_name="=cmd|' /C calc'!A0")
    at = open_page("admin.audit", administrator)
    at.text_input(key="audit_who").input("bea").run()
    button(at, "Prepare CSV of these events").click().run()
    assert not at.exception
    [download] = at.get("download_button")
    assert download.proto.label == "Download CSV (60 events)"

    at.text_input(key="audit_who").input("cmd").run()
    assert not at.get("download_button")  # a new filter needs a new file
    button(at, "Prepare CSV of these events").click().run()
    [download] = at.get("download_button")
    assert download.proto.label == "Download CSV (2 events)"
    assert set(at.dataframe[0].value["Who"]) == {"=cmd|' /C calc'!A0"}  # shown as typed on the page


def test_the_export_file_is_the_filtered_rows_with_formulas_neutralised(db, administrator):
    from tracker.queries.administration import AuditFilter, audit_export

    add_events(db, 2, actor_name="=cmd|' /C calc'!A0")
    export = audit_export(db, administrator, AuditFilter(who="cmd"))
    rows = list(csv.reader(io.StringIO(export.csv.decode())))
    assert [r[1] for r in rows[1:]] == ["'=cmd|' /C calc'!A0"] * 2


def test_a_clinician_gets_nothing_of_the_log(open_page, db, administrator, clinician):
    add_events(db, 5, actor_name="Bea Boss")
    at = open_page("admin.audit", clinician)
    assert at.exception  # NotAllowed from the query: the page itself has no say
    assert not at.dataframe
    assert not [c for c in at.caption if c.value.startswith("Page ")]
