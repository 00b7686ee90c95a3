"""Benchmark: My trends for a 3-year, 5-a-day person vs. a person with no entries.

Fills a database with at least 5 million interactions (filler clinicians plus one heavy person
with 3 years × 5 entries a day and tags), then renders the whole app script at /trends with
Streamlit's AppTest for both people, alternating, caches cleared before every render so each
run does the real queries. Prints the median times and their ratio; the bar is ratio ≤ 3.

    .venv/bin/python bench/trends_page.py                  # PostgreSQL at 127.0.0.1 (database shared_load_bench)
    .venv/bin/python bench/trends_page.py --url sqlite:///data/bench.db
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import time
import uuid
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from db.models import Interaction, Person  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/shared_load_bench"
PASSWORD = "benchmark password"
DAYS = 3 * 365
PER_DAY = 5


def ensure_database(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return
    server = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": parsed.database}):
            conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    server.dispose()


def integers(dialect: str, name: str, upto: int) -> str:
    """A FROM clause yielding 1..upto as column `n`, on either database."""
    if dialect == "postgresql":
        return f"generate_series(1, {upto}) AS {name}(n)"
    return (
        f"(WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < {upto}) SELECT n FROM s) AS {name}"
    )


def fill(factory, engine, target: int) -> tuple[int, int]:
    """Create the heavy and the empty person and enough filler entries; reuse a filled database."""
    from tracker.services import auth, people

    with factory() as db:
        heavy = db.scalar(select(Person.id).where(Person.email == "heavy@bench.example"))
        empty = db.scalar(select(Person.id).where(Person.email == "empty@bench.example"))
        total = db.scalar(select(func.count()).select_from(Interaction))
        if heavy and empty and total >= target:
            return heavy, empty
    from tests.conftest import empty as empty_tables

    empty_tables(engine)
    from tracker.app import seed_tags

    with factory() as db:
        seed_tags(db)
        boss = auth.create_first_administrator(
            db,
            name="Bench Admin",
            email="admin@bench.example",
            password=PASSWORD,
            repeated=PASSWORD,
            setup_code=auth.new_setup_code(db),
        )
        ids = []
        for name in ("heavy", "empty"):
            email = f"{name}@bench.example"
            invitation = people.invite_person(
                db,
                boss,
                token=uuid.uuid4().hex,
                display_name=f"{name.title()} Person",
                email=email,
                roles={"clinician"},
            )
            person = auth.sign_in(db, email=email, password=invitation.temporary_password)
            auth.change_password(db, person, current=invitation.temporary_password, new=PASSWORD, repeated=PASSWORD)
            ids.append(invitation.person_id)
    heavy, empty = ids
    dialect = engine.dialect.name
    per_person = DAYS * PER_DAY
    fillers = -(-(target - per_person) // per_person)
    today = date.today()
    started = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO people"
                " (email, display_name, must_change_password, active, timezone, data_version, created_at) "
                f"SELECT 'filler' || n || '@bench.example', 'Filler ' || n, false, true, 'UTC', 0, CURRENT_TIMESTAMP "
                f"FROM {integers(dialect, 'f', fillers)}"
            )
        )
        people = f"SELECT id AS pid FROM people WHERE email LIKE 'filler%' OR id = {heavy}"
        day = (
            f"CAST(:today AS DATE) - ((e.n - 1) / {PER_DAY})"
            if dialect == "postgresql"
            else f"date(:today, '-' || ((e.n - 1) / {PER_DAY}) || ' days')"
        )
        conn.execute(
            text(
                "INSERT INTO interactions (person_id, occurred_on, time_of_day, rating, created_at) "
                f"SELECT p.pid, {day}, "
                "CASE (e.n + p.pid) % 4"
                " WHEN 0 THEN 'morning' WHEN 1 THEN 'afternoon' WHEN 2 THEN 'evening' ELSE 'night' END, "
                f"((e.n * 7 + p.pid * 3) % 7) - 3, CURRENT_TIMESTAMP "
                f"FROM ({people}) AS p CROSS JOIN {integers(dialect, 'e', per_person)}"
            ),
            {"today": today.isoformat()},
        )
        conn.execute(
            text(
                "INSERT INTO interaction_tags (interaction_id, tag_id) "
                "SELECT i.id, t.id FROM interactions i JOIN tags t ON t.id = 1 + (i.id % 10) "
                f"WHERE i.person_id = {heavy} AND i.id % 3 <> 0"
            )
        )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE"))
    print(f"filled {fillers + 1} people × {per_person:,} entries in {time.perf_counter() - started:.0f} s")
    return heavy, empty


def render_seconds(person_id: int, *, expect: str) -> float:
    """One whole-script render of /trends; checks it really showed `expect` (charts or the empty state)."""
    import streamlit as st

    from tests.pages.conftest import open_whole_app

    st.cache_data.clear()
    started = time.perf_counter()
    at = open_whole_app(person_id, "trends", timeout=120)
    elapsed = time.perf_counter() - started
    if at.exception:
        raise SystemExit(f"the page raised: {at.exception[0].value}")
    shown = [e.value for e in [*at.subheader, *at.info]]
    if not any(expect in text for text in shown):
        raise SystemExit(f"expected {expect!r} on the page, saw {shown}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("--interactions", type=int, default=5_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    import os

    os.environ["DATABASE_URL"] = args.url
    ensure_database(args.url)
    from tracker.app import open_database

    engine, factory = open_database(args.url)
    heavy, empty = fill(factory, engine, args.interactions)
    with factory() as db:
        total = db.scalar(select(func.count()).select_from(Interaction))
        mine = db.scalar(select(func.count()).select_from(Interaction).where(Interaction.person_id == heavy))
    print(
        f"database: {make_url(args.url).render_as_string(hide_password=True)}; {total:,} interactions; "
        f"heavy person {mine:,} entries over {DAYS} days"
    )

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    shows_charts, shows_empty = "Daily balance", "Nothing to show yet"
    render_seconds(empty, expect=shows_empty), render_seconds(heavy, expect=shows_charts)  # warm-up
    heavy_times, empty_times = [], []
    for _ in range(args.repeat):
        empty_times.append(render_seconds(empty, expect=shows_empty))
        heavy_times.append(render_seconds(heavy, expect=shows_charts))
    heavy_median, empty_median = statistics.median(heavy_times), statistics.median(empty_times)
    ratio = heavy_median / empty_median
    print(f"My trends, whole script (AppTest), median of {args.repeat}:")
    print(f"  person with no entries:          {empty_median * 1000:7.0f} ms")
    print(f"  person with {mine:,} entries:     {heavy_median * 1000:7.0f} ms")
    print(f"  ratio: {ratio:.2f} (bar ≤ 3) {'PASS' if ratio <= 3 else 'FAIL'}")
    return 0 if ratio <= 3 else 1


if __name__ == "__main__":
    sys.exit(main())
