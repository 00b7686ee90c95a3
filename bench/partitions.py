"""Would monthly partitions of `interactions` make the pages faster? Measured, not assumed.

Builds `interactions_by_month` beside `interactions` on a large PostgreSQL database (one filled by
`python -m tracker demo --bulk`): the same rows in the same order, range-partitioned by month of
`occurred_on`, with the same (person_id, occurred_on, rating) index on every partition. Then runs
the statements the pages really send (captured from the query functions, as bench/plans.py does)
against both tables, alternating, and prints the median execution time and shared buffers touched
of each. The copy is dropped at the end unless --keep.

    .venv/bin/python bench/partitions.py --url postgresql+psycopg://postgres@127.0.0.1:5432/shared_load_scale
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select, text  # noqa: E402

from db.engine import make_engine, session_factory  # noqa: E402
from db.models import Interaction, Person  # noqa: E402
from db.plans import Statement, captured, explain, nodes  # noqa: E402
from tracker.queries import entries, match_input, trends  # noqa: E402
from tracker.services.auth import to_actor  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/shared_load_scale"
COPY = "interactions_by_month"


def build(engine) -> None:
    with engine.connect() as conn:
        first, last = conn.execute(text("SELECT min(occurred_on), max(occurred_on) FROM interactions")).one()
    started = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(text("SET LOCAL maintenance_work_mem = '1GB'"))
        conn.execute(text(f"DROP TABLE IF EXISTS {COPY}"))
        conn.execute(
            text(f"CREATE TABLE {COPY} (LIKE interactions INCLUDING DEFAULTS) PARTITION BY RANGE (occurred_on)")
        )
        month = date(first.year, first.month, 1)
        while month <= last:
            following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
            conn.execute(
                text(
                    f"CREATE TABLE {COPY}_{month:%Y_%m} PARTITION OF {COPY} "
                    f"FOR VALUES FROM ('{month.isoformat()}') TO ('{following.isoformat()}')"
                )
            )
            month = following
        conn.execute(text(f"INSERT INTO {COPY} SELECT * FROM interactions ORDER BY id"))
        conn.execute(text(f"CREATE INDEX ix_{COPY}_person_day ON {COPY} (person_id, occurred_on, rating)"))
        conn.execute(text(f"CREATE INDEX ix_{COPY}_id ON {COPY} (id)"))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f"VACUUM (ANALYZE) {COPY}"))
    print(f"built {COPY} in {time.perf_counter() - started:.0f} s")


def statements(factory, engine, email: str | None) -> dict[str, Statement]:
    with factory() as db:
        if email:
            person = db.scalar(select(Person).where(Person.email == email))
        else:
            heaviest = db.scalar(
                select(Interaction.person_id).group_by(Interaction.person_id).order_by(func.count().desc()).limit(1)
            )
            person = db.get(Person, heaviest)
        me = to_actor(person)
        reads = {
            "trends, all": lambda: trends.my_trends(db, me, days=None),
            "trends, 90 days": lambda: trends.my_trends(db, me, days=90),
            "log: recent": lambda: entries.recent(db, me, limit=10),
            "matching input": lambda: match_input.supporters(db, now=datetime.now(UTC)),
        }
        found = {}
        for page, read in reads.items():
            with captured(engine) as capture:
                read()
            for number, statement in enumerate(capture.reading("interactions")):
                found[f"{page} #{number + 1}: {' '.join(statement.sql.split())[:60]}"] = statement
        mine = db.scalar(select(func.count()).where(Interaction.person_id == me.id))
        print(f"person {person.email}: {mine:,} entries")
        return found


def measure(engine, found: dict[str, Statement], repeat: int) -> None:
    print(f"\n{'statement':<92} {'one table':>18} {'by month':>18}")
    with engine.connect() as conn:
        for name, statement in found.items():
            partitioned = Statement(re.sub(r"\binteractions\b", COPY, statement.sql), statement.parameters)
            times: dict[str, list[float]] = {"one": [], "month": []}
            buffers: dict[str, int] = {}
            for _ in range(repeat):
                for key, candidate in (("one", statement), ("month", partitioned)):
                    plan = explain(conn, candidate, analyze=True)
                    times[key].append(plan["Execution Time"])
                    buffers[key] = sum(
                        n.get("Shared Hit Blocks", 0) + n.get("Shared Read Blocks", 0)
                        for n in nodes(plan)
                        if "Scan" in n["Node Type"]
                    )
            cells = [f"{statistics.median(times[k]):8.2f} ms {buffers[k]:>6} b" for k in ("one", "month")]
            print(f"{name:<92} {cells[0]:>18} {cells[1]:>18}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("--email", help="whose pages (default: the person with the most entries)")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the partitioned copy")
    parser.add_argument("--reuse", action="store_true", help="use a copy kept by an earlier --keep")
    args = parser.parse_args()
    engine = make_engine(args.url)
    if not args.reuse:
        build(engine)
    try:
        measure(engine, statements(session_factory(engine), engine, args.email), args.repeat)
    finally:
        if not args.keep:
            with engine.begin() as conn:
                conn.execute(text(f"DROP TABLE IF EXISTS {COPY}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
