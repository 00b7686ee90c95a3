"""No page reads all of `interactions`: every page's reads, planned by PostgreSQL on a bulk demo.

The statements are captured from the real query functions (db/plans.py), then planned with
EXPLAIN (FORMAT JSON) on a database analysed like production, with `enable_seqscan` left on: the
test fails when a plan reads `interactions` or `interaction_tags` with a sequential scan. Plans
depend on proportions, so the organisation is sized for a person's share of the table to be small,
as at the brief's scale: 400 people over 120 days (about 240,000 entries; one person holds 0.25 %
of them, against 0.01 % at 10,000 people) — measured in docs/SCALING.md against the 55 M database.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text

from db.engine import session_factory
from db.migrate import upgrade
from db.models import Interaction, Person, RequestTopic, RoleGrant, SupportRequest
from db.plans import Capture, captured, explain, scans
from tests.conftest import PASSWORD, empty
from tracker.app import seed_tags
from tracker.demo import CLINICIAN_EMAIL, COORDINATOR_EMAIL
from tracker.demo_bulk import fill_bulk_demo
from tracker.domain import Role
from tracker.queries import entries, match_input, outcomes, peer, queue, trends
from tracker.services import auth

pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)

LARGE = ("interactions", "interaction_tags")
PEOPLE, DAYS = 400, 120


@pytest.fixture(scope="module")
def organisation(database_url, _engines):
    """One bulk demo for the module (filling it takes seconds), emptied afterwards like every test's data."""
    from db.engine import make_engine

    if database_url not in _engines:
        _engines[database_url] = make_engine(database_url)
        upgrade(_engines[database_url])
    engine = _engines[database_url]
    factory = session_factory(engine)
    with factory() as db:
        seed_tags(db)
        fill_bulk_demo(db, password=PASSWORD, people=PEOPLE, days=DAYS, seed=11)  # ends with VACUUM ANALYZE
    try:
        yield engine
    finally:
        empty(engine)


@pytest.fixture
def db(organisation):
    with session_factory(organisation)() as session:
        yield session


def pages(db) -> dict[str, Callable[[], object]]:
    """Each page's reads as the page makes them (pages/me/*.py, pages/coordination/*.py)."""
    clinician = auth.sign_in(db, email=CLINICIAN_EMAIL, password=PASSWORD)
    # The member with the most entries: the heaviest person's trends are the ones that must not scan.
    heaviest = db.scalar(
        select(Interaction.person_id).group_by(Interaction.person_id).order_by(func.count().desc()).limit(1)
    )
    heavy = auth.to_actor(db.get(Person, heaviest))
    coordinator = auth.sign_in(db, email=COORDINATOR_EMAIL, password=PASSWORD)
    today = datetime.now(UTC).date()
    return {
        "my trends, 90 days": lambda: (trends.version(db, heavy), trends.my_trends(db, heavy, days=90)),
        "my trends, all": lambda: trends.my_trends(db, heavy, days=None),
        "home": lambda: (peer.unread_count(db, clinician), trends.home_status(db, clinician), entries.tag_options(db)),
        "log": lambda: (trends.home_status(db, heavy), entries.recent(db, heavy, limit=10)),
        "outcomes": lambda: outcomes.program_outcomes(
            db, coordinator, by="unit", since=today - timedelta(days=365), until=today + timedelta(days=1)
        ),
        "queue": lambda: queue.review_queue(db, coordinator),
        "matching input": lambda: match_input.matching_input(db, now=datetime.now(UTC)),
    }


def capture(db, read: Callable[[], object]) -> Capture:
    with captured(db.get_bind()) as statements:
        read()
    db.rollback()
    return statements


def sequential_reads(db, statements: Capture) -> list[str]:
    """'<table>: <first words of the statement>' for each sequential read of a large table."""
    found = []
    conn = db.connection()
    for table in LARGE:
        for statement in statements.reading(table):
            for scanned in LARGE:
                if "Seq Scan" in scans(explain(conn, statement), scanned):
                    found.append(f"{scanned}: {' '.join(statement.sql.split())[:160]}")
    return sorted(set(found))


@pytest.mark.parametrize(
    "page", ["my trends, 90 days", "my trends, all", "home", "log", "outcomes", "queue", "matching input"]
)
def test_no_page_reads_all_interactions(db, page):
    read = pages(db)[page]
    statements = capture(db, read)
    assert statements.statements, "nothing was captured: the check would pass without looking"
    assert sequential_reads(db, statements) == []


def test_the_pages_that_show_entries_read_them_through_the_index(db):
    """Guards the test above against passing vacuously: these pages do read the large tables."""
    read = pages(db)
    for page in ("my trends, all", "home", "log", "queue", "matching input"):
        assert capture(db, read[page]).reading("interactions"), page
    assert capture(db, read["my trends, all"]).reading("interaction_tags")
    assert not capture(db, read["outcomes"]).reading("interactions")  # requests and matches only


def test_the_check_sees_a_sequential_scan_when_the_index_is_gone(db):
    statements = capture(db, pages(db)["my trends, all"])
    db.execute(text("DROP INDEX ix_interactions_person_day"))  # inside this transaction only
    try:
        found = sequential_reads(db, statements)
    finally:
        db.rollback()
    assert any(line.startswith("interactions: SELECT interactions.occurred_on") for line in found), found
    assert db.scalar(text("SELECT count(*) FROM pg_indexes WHERE indexname = 'ix_interactions_person_day'")) == 1


def test_the_organisation_is_proportioned_like_the_brief(db):
    """The plans above mean something only while one person is a small share of the table."""
    total = db.scalar(select(func.count()).select_from(Interaction))
    clinicians = db.scalar(select(func.count()).select_from(RoleGrant).where(RoleGrant.role == Role.CLINICIAN))
    heaviest = db.scalar(
        select(func.count()).select_from(Interaction).group_by(Interaction.person_id).order_by(func.count().desc())
    )
    assert total > 150_000 and clinicians == PEOPLE - 1
    assert heaviest / total < 0.006


def rows_returned(db, statement) -> int:
    return explain(db.connection(), statement, analyze=True)["Plan"]["Actual Rows"]


def test_the_matching_input_reads_the_history_of_its_seekers_only(db):
    """Measured at 10,000 people: reading every request's topics and every declined or helpful pair
    on each queue view took seconds; a view needs those of the requests it shows."""
    one = db.scalar(select(SupportRequest.id).where(SupportRequest.status == "open").limit(1))
    statements = capture(db, lambda: match_input.matching_input(db, now=datetime.now(UTC), request_ids=[one]))
    [topics] = [s for s in statements.statements if "FROM request_topics" in s.sql]
    assert 1 <= rows_returned(db, topics) <= 3  # this request's 1 to 3 topics, not everyone's
    assert db.scalar(select(func.count()).select_from(RequestTopic)) > 100


def test_outcomes_read_requests_and_matches_as_columns_in_two_statements(db):
    """Requests loaded as ORM objects pulled in their topics and matches in batches (4 s for a year
    at 10,000 people); the table needs a handful of columns from two statements."""
    today = datetime.now(UTC).date()
    coordinator = auth.sign_in(db, email=COORDINATOR_EMAIL, password=PASSWORD)
    statements = capture(
        db,
        lambda: outcomes.program_outcomes(
            db, coordinator, by="unit", since=today - timedelta(days=365), until=today + timedelta(days=1)
        ),
    )
    assert len(statements.reading("support_requests")) == 2
    assert not statements.reading("request_topics")
