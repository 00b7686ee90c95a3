"""The administrator's audit log: filters (who, what, from/to days), pages of 50 counted and cut in
SQL, and the CSV export — on SQLite and PostgreSQL. Only administrators may read it.

Events with chosen times are inserted directly (the log only ever grows, so inserting is what the
app does too); the actions that write them have their own tests."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event, insert, text

from db.models import AuditEvent
from tracker.audit import AuditKind
from tracker.errors import NotAllowed, ValidationError
from tracker.queries import administration
from tracker.queries.administration import AUDIT_COLUMNS, AuditFilter, audit_export, audit_page, audit_table

START = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)


def add_events(db, *events: dict) -> None:
    db.execute(insert(AuditEvent), [{"action": AuditKind.PERSON_UPDATED.value, **e} for e in events])
    db.commit()


def hourly(db, count: int, **fields) -> None:
    """`count` events one hour apart from START, numbered in their detail ("event 0" is the oldest)."""
    add_events(db, *({"at": START + timedelta(hours=i), "detail": f"event {i}", **fields} for i in range(count)))


def details(page) -> list[str | None]:
    return [row.detail for row in page.rows]


def test_pages_of_50_newest_first_with_the_total_counted(db, administrator):
    hourly(db, 120, actor_name="Ada Admin")
    only_these = AuditFilter(kind=AuditKind.PERSON_UPDATED)
    first = audit_page(db, administrator, only_these)
    assert (first.total, first.pages, first.page, first.page_size) == (120, 3, 1, 50)
    assert details(first) == [f"event {i}" for i in range(119, 69, -1)]
    second = audit_page(db, administrator, only_these, page=2)
    last = audit_page(db, administrator, only_these, page=3)
    assert details(second) == [f"event {i}" for i in range(69, 19, -1)]
    assert details(last) == [f"event {i}" for i in range(19, -1, -1)]
    assert len(set(details(first) + details(second) + details(last))) == 120


@pytest.mark.parametrize(("asked", "shown"), [(0, 1), (-5, 1), (4, 3), (10**6, 3)])
def test_a_page_past_either_end_shows_the_first_or_the_last(db, administrator, asked, shown):
    hourly(db, 101)
    page = audit_page(db, administrator, AuditFilter(kind=AuditKind.PERSON_UPDATED), page=asked)
    assert page.page == shown
    assert len(page.rows) == (1 if shown == 3 else 50)


def test_nothing_matching_is_one_empty_page(db, administrator):
    page = audit_page(db, administrator, AuditFilter(who="nobody by this name"), page=3)
    assert (page.rows, page.total, page.page, page.pages) == ([], 0, 1, 1)


def test_same_moment_events_are_paged_without_overlap(db, administrator):
    add_events(db, *({"at": START, "detail": f"same {i}"} for i in range(75)))
    only_these = AuditFilter(kind=AuditKind.PERSON_UPDATED)
    pages = [audit_page(db, administrator, only_these, page=n) for n in (1, 2)]
    seen = details(pages[0]) + details(pages[1])
    assert sorted(seen) == sorted(f"same {i}" for i in range(75))


def test_who_filters_on_the_actors_name_in_any_case(db, administrator):
    add_events(
        db,
        {"at": START, "actor_name": "Ada Admin", "detail": "a"},
        {"at": START, "actor_name": "Bea Boss", "detail": "b"},
        {"at": START, "actor_name": "Cleo ADAMS", "detail": "c"},
        {"at": START, "actor_name": None, "detail": "the installation"},
    )
    assert sorted(details(audit_page(db, administrator, AuditFilter(who="  bea ")))) == ["b"]
    both = AuditFilter(who="AD", kind=AuditKind.PERSON_UPDATED)
    assert sorted(details(audit_page(db, administrator, both))) == ["a", "c"]
    # The page shows "system" where nobody was signed in; searching for it finds those events.
    system = audit_page(db, administrator, AuditFilter(who="System", kind=AuditKind.PERSON_UPDATED))
    assert [(r.actor, r.detail) for r in system.rows] == [("system", "the installation")]


@pytest.mark.parametrize("pattern", ["%", "_", "A_a", "\\"])
def test_wildcards_in_who_are_plain_characters(db, administrator, pattern):
    add_events(db, {"at": START, "actor_name": "Ada Admin"}, {"at": START, "actor_name": "100% A_a \\ Ok"})
    page = audit_page(db, administrator, AuditFilter(who=pattern, kind=AuditKind.PERSON_UPDATED))
    assert [r.actor for r in page.rows] == ["100% A_a \\ Ok"]


def test_what_filters_on_the_kind_of_event(db, administrator):
    add_events(
        db,
        {"at": START, "action": AuditKind.PASSWORD_RESET.value, "detail": "reset"},
        {"at": START, "action": AuditKind.TAG_CREATED.value, "detail": "tag"},
    )
    assert details(audit_page(db, administrator, AuditFilter(kind=AuditKind.PASSWORD_RESET))) == ["reset"]
    assert details(audit_page(db, administrator, AuditFilter(kind="tag created"))) == ["tag"]
    created = audit_page(db, administrator, AuditFilter(kind=AuditKind.FIRST_ADMINISTRATOR_CREATED))
    assert [(r.actor, r.target) for r in created.rows] == [("system", "Ada Admin")]


def test_from_and_to_days_are_inclusive_utc_days(db, administrator):
    add_events(
        db,
        {"at": datetime(2025, 3, 9, 23, 59, 59, tzinfo=UTC), "detail": "before"},
        {"at": datetime(2025, 3, 10, 0, 0, tzinfo=UTC), "detail": "first moment"},
        {"at": datetime(2025, 3, 12, 23, 59, 59, 999000, tzinfo=UTC), "detail": "last moment"},
        {"at": datetime(2025, 3, 13, 0, 0, tzinfo=UTC), "detail": "after"},
    )
    days = AuditFilter(since=date(2025, 3, 10), until=date(2025, 3, 12))
    assert details(audit_page(db, administrator, days)) == ["last moment", "first moment"]
    assert details(audit_page(db, administrator, AuditFilter(until=date(2025, 3, 9)))) == ["before"]
    since = audit_page(db, administrator, AuditFilter(since=date(2025, 3, 13), kind=AuditKind.PERSON_UPDATED))
    assert details(since) == ["after"]
    one_day = AuditFilter(since=date(2025, 3, 10), until=date(2025, 3, 10))
    assert details(audit_page(db, administrator, one_day)) == ["first moment"]


def test_the_widest_days_are_accepted(db, administrator):
    hourly(db, 3)
    page = audit_page(db, administrator, AuditFilter(since=date.min, until=date.max, kind=AuditKind.PERSON_UPDATED))
    assert page.total == 3


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        (AuditFilter(since=date(2025, 3, 2), until=date(2025, 3, 1)), "first day is after the last day"),
        (AuditFilter(who="Ada\x00"), "cannot be stored or shown"),
        (AuditFilter(who="Ada\u202e"), "cannot be stored or shown"),
        (AuditFilter(who="x" * 121), "at most 120 characters"),
        (AuditFilter(who=7), "Please enter a name to search for"),
        (AuditFilter(kind="rewrite history"), "choose a kind of event"),
        (AuditFilter(since=datetime(2025, 3, 1, tzinfo=UTC)), "Please choose a day"),
        (AuditFilter(until="2025-03-01"), "Please choose a day"),
    ],
)
def test_bad_filters_are_refused_in_plain_words(db, administrator, filters, message):
    with pytest.raises(ValidationError, match=message):
        audit_page(db, administrator, filters)
    with pytest.raises(ValidationError, match=message):
        audit_export(db, administrator, filters)


@pytest.mark.parametrize(("page", "size"), [(1, 0), (1, 501), ("2", 50), (1.5, 50)])
def test_bad_page_numbers_and_sizes_are_refused(db, administrator, page, size):
    with pytest.raises(ValidationError):
        audit_page(db, administrator, page=page, page_size=size)


def test_only_administrators_read_or_export_the_log(db, administrator, make_person):
    for someone in (make_person("Cleo Clinician"), make_person("Cora Coordinator", roles=("coordinator", "clinician"))):
        with pytest.raises(NotAllowed):
            audit_page(db, someone)
        with pytest.raises(NotAllowed):
            audit_export(db, someone)
        with pytest.raises(NotAllowed):
            administration.audit_log(db, someone)


def test_a_page_reads_one_count_and_at_most_50_rows(db, administrator):
    hourly(db, 300)
    statements: list[str] = []
    fetched: list[int] = []

    def record(_conn, _cursor, statement, _parameters, _context, _many):
        statements.append(statement)

    engine = db.get_bind()
    event.listen(engine, "before_cursor_execute", record)
    try:
        page = audit_page(db, administrator, AuditFilter(kind=AuditKind.PERSON_UPDATED), page=4)
        fetched.append(len(page.rows))
    finally:
        event.remove(engine, "before_cursor_execute", record)
    reads = [s for s in statements if "audit_events" in s]
    assert len(reads) == 2
    assert "count(" in reads[0].lower()
    assert "LIMIT" in reads[1] and "OFFSET" in reads[1]
    assert fetched == [50] and page.total == 300


def test_the_export_holds_every_filtered_event_as_the_page_shows_it(db, administrator):
    hourly(db, 70, actor_name="Ada Admin")
    add_events(db, {"at": START, "actor_name": "Bea Boss", "detail": '=HYPERLINK("http://x.example","y")'})
    export = audit_export(db, administrator, AuditFilter(who="ada", kind=AuditKind.PERSON_UPDATED))
    assert (export.rows, export.total) == (70, 70)
    lines = list(csv.reader(io.StringIO(export.csv.decode())))
    assert tuple(lines[0]) == AUDIT_COLUMNS
    assert [line[4] for line in lines[1:]] == [f"event {i}" for i in range(69, -1, -1)]
    assert lines[1][:3] == ["2025-03-04 05:00", "Ada Admin", "person updated"]

    formula = audit_export(db, administrator, AuditFilter(who="Bea"))
    [row] = list(csv.reader(io.StringIO(formula.csv.decode())))[1:]
    assert row[4] == '\'=HYPERLINK("http://x.example","y")'  # neutralised: never runs in a spreadsheet


def test_a_very_large_export_holds_the_newest_and_says_how_many_match(db, administrator, monkeypatch):
    monkeypatch.setattr(administration, "AUDIT_EXPORT_LIMIT", 25)
    hourly(db, 40)
    export = audit_export(db, administrator, AuditFilter(kind=AuditKind.PERSON_UPDATED))
    assert (export.rows, export.total) == (25, 40)
    rows = list(csv.reader(io.StringIO(export.csv.decode())))[1:]
    assert [r[4] for r in rows] == [f"event {i}" for i in range(39, 14, -1)]


def test_reading_the_log_is_not_audited_as_the_policy_says(db, administrator):
    from tracker.policy import POLICY, Action

    assert not POLICY[Action.READ_AUDIT_LOG].audited
    before = audit_page(db, administrator).total
    audit_export(db, administrator)
    audit_page(db, administrator, page=2)
    assert audit_page(db, administrator).total == before


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_times_are_shown_in_utc_whatever_the_servers_time_zone(db, administrator):
    add_events(db, {"at": datetime(2025, 3, 10, 2, 30, tzinfo=UTC), "detail": "late night"})
    db.execute(text("SET LOCAL TIME ZONE 'America/New_York'"))  # this transaction only
    [row] = audit_page(db, administrator, AuditFilter(who="system", kind=AuditKind.PERSON_UPDATED)).rows
    db.rollback()
    assert row.at == datetime(2025, 3, 10, 2, 30, tzinfo=UTC) and row.at.utcoffset() == timedelta(0)
    assert audit_table([row]).iloc[0]["When (UTC)"] == "2025-03-10 02:30"
