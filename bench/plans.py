"""The plans of every page's main reads on a large PostgreSQL database (docs/SCALING.md).

Runs each page's query functions as the page does — My trends, Home, program outcomes, the
coordinator's queue and the matching input — with their statements captured (db/plans.py), then
prints each statement's time, how it reads `interactions`, and with --verbose the whole
EXPLAIN (ANALYZE, BUFFERS). The database is one filled by `python -m tracker demo --bulk`.

    .venv/bin/python bench/plans.py --url postgresql+psycopg://postgres@127.0.0.1:5432/shared_load_scale
    .venv/bin/python bench/plans.py --url … --verbose      # whole plans
    .venv/bin/python bench/plans.py --url … --cold         # after a server restart: nothing cached
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from db.engine import make_engine, session_factory  # noqa: E402
from db.models import Interaction, Person, RoleGrant  # noqa: E402
from db.plans import captured, explain, nodes, text_plan  # noqa: E402
from tracker.demo import CLINICIAN_EMAIL  # noqa: E402
from tracker.domain import Role  # noqa: E402
from tracker.services.auth import to_actor  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/shared_load_scale"


def pages(db, clinician, coordinator) -> dict[str, Callable[[], object]]:
    """Each page's reads, as the page calls them (pages/me/trends.py, home.py, coordination/*)."""
    from tracker.queries import entries, match_input, outcomes, peer, queue, trends

    today = datetime.now(UTC).date()
    return {
        "My trends (1 year)": lambda: (trends.version(db, clinician), trends.my_trends(db, clinician, days=365)),
        "My trends (all)": lambda: trends.my_trends(db, clinician, days=None),
        "Home": lambda: (peer.unread_count(db, clinician), trends.home_status(db, clinician), entries.tag_options(db)),
        "Program outcomes (a year, by unit)": lambda: outcomes.program_outcomes(
            db, coordinator, by="unit", since=today - timedelta(days=365), until=today + timedelta(days=1)
        ),
        "Coordinator's queue": lambda: queue.review_queue(db, coordinator),
        "Matching input": lambda: match_input.matching_input(db, now=datetime.now(UTC)),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("--email", default=CLINICIAN_EMAIL, help="whose trends and home (default: the demo clinician)")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    engine = make_engine(args.url)
    factory = session_factory(engine)
    with factory() as db:
        total = db.scalar(select(func.count()).select_from(Interaction))
        person = db.scalar(select(Person).where(Person.email == args.email))
        coordinator_id = db.scalar(
            select(RoleGrant.person_id).where(RoleGrant.role == Role.COORDINATOR).order_by(RoleGrant.person_id)
        )
        mine = db.scalar(select(func.count()).select_from(Interaction).where(Interaction.person_id == person.id))
        clinician = to_actor(person)
        coordinator = to_actor(db.get(Person, coordinator_id))
        print(f"{total:,} interactions; {args.email}: {mine:,} entries; {date.today()}")
        for name, read in pages(db, clinician, coordinator).items():
            read()  # warm: the first call also loads Python modules
            timings = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                with captured(engine) as capture:
                    read()
                timings.append(time.perf_counter() - started)
            timings.sort()
            print(f"\n## {name}: median {timings[len(timings) // 2] * 1000:.0f} ms over {args.repeat} calls")
            conn = db.connection()
            for statement in capture.statements:
                if not statement.sql.lstrip().upper().startswith(("SELECT", "WITH")):
                    continue
                plan = explain(conn, statement, analyze=True)
                reads = [
                    f"{n['Node Type']} on {n['Relation Name']}"
                    for n in nodes(plan)
                    if n.get("Relation Name") in ("interactions", "interaction_tags", "check_ins", "people")
                ]
                first_line = " ".join(statement.sql.split())[:110]
                print(f"  {plan['Execution Time']:8.2f} ms  {first_line}")
                if reads:
                    print(f"              {'; '.join(reads)}")
                if args.verbose:
                    print("    " + text_plan(conn, statement).replace("\n", "\n    "))
            db.rollback()
    return 0


if __name__ == "__main__":
    sys.exit(main())
