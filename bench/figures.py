"""The benchmark figures of issue 12, each a function `(Context) -> Figure` (bench/run.py lists them).

* log an interaction: `services.interactions.log` and its commit (p95) vs a bare SQLAlchemy insert of
  the same row and its commit (p95), same database; goal ≤ 2×.
* 20 writers × 200 interactions through the service at once: 4,000 rows, 0 lost, 0 duplicated.
* My trends (whole page) for 3 years × 5 entries a day in the large database vs a person with no
  entries; goal ≤ 3×.
* program outcomes (the page's audited query, 12 months, about 10,000 people) vs `SELECT count(*)`
  over the same period's requests; goal ≤ 3×.
* matching 2,000 × 2,000, capacity 2 (`optimal_pairs`) vs bare `linear_sum_assignment` on the matrix
  it prepares; goal ≤ 1.5×.
* the coordinator's queue (whole page) with 2,000 open requests vs 10; goal ≤ 3×.
* server memory: bench/server_memory.py.

Pages are rendered as trends_page.py does: the whole app script at the page's URL, signed in as
the person, every `st.cache_data` cleared first so each render runs the real queries.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import func, insert, select

from bench.database import fillers, open_requests, person, scratch, supporters, today
from bench.measure import Context, Figure, alternating, median, ms, p95, ratio_figure, seconds

WRITERS, PER_WRITER = 20, 200
REPEAT_EVERY = 10  # every 10th form is submitted twice (a double click): still one row


def log_interaction(context: Context) -> Figure:
    """p95 of `interactions.log` (a new session, the service, its one commit) against p95 of a bare
    insert of the same row in a new session and its commit, alternating, N of each."""
    from db.models import Interaction, utcnow
    from tracker.app import open_database
    from tracker.domain import InteractionDraft
    from tracker.services import auth, interactions

    count = int(context.option("log_count", 500 if context.quick else 2000))
    with scratch(context.backend, "log") as url:
        engine, factory = open_database(url, announce=False)
        try:
            with engine.begin() as conn:
                person(conn, "admin@bench.example", "Bench Admin", ("administrator",))
            (clinician_id,) = fillers(engine, 1, per_person=0, log=context.log, label=context.label)
            with factory() as db:
                actor = auth.current_actor(db, clinician_id)
            day = today()

            def service(k: int) -> None:
                draft = InteractionDraft(
                    token=uuid.uuid4().hex, occurred_on=day, rating=k % 7 - 3, time_of_day="evening"
                )
                with factory() as db:
                    interactions.log(db, actor, draft)

            def bare(k: int) -> None:
                row = {"person_id": clinician_id, "occurred_on": day, "time_of_day": "evening", "rating": k % 7 - 3}
                with factory.begin() as db:  # commits at the end of the block
                    db.execute(insert(Interaction), [{**row, "created_at": utcnow()}])

            service(0), bare(0)  # warm-up
            service_times, bare_times = [], []
            for k in range(count):
                service_times.append(seconds(lambda k=k: service(k)))
                bare_times.append(seconds(lambda k=k: bare(k)))
            with factory() as db:
                stored = db.scalar(select(func.count()).select_from(Interaction))
        finally:
            engine.dispose()
    if stored != 2 * count + 2:
        raise RuntimeError(f"log figure: expected {2 * count + 2} rows, found {stored}")
    figure = ratio_figure(
        f"log an interaction ({context.label})",
        a=p95(service_times),
        b=p95(bare_times),
        a_words="service p95",
        b_words="bare insert p95",
        goal=2,
        count=count,
        service_median_seconds=median(service_times),
        bare_median_seconds=median(bare_times),
    )
    medians = f"medians {ms(median(service_times))} vs {ms(median(bare_times))}"
    return _with_measured(figure, f"{figure.measured} ({medians}; n = {count} each)")


def concurrent_writers(context: Context) -> Figure:
    """20 threads, each its own engine (like 20 app processes) and clinician, log 200 interactions
    each through the service at once; every 10th form is submitted a second time."""
    from db.engine import make_engine, session_factory
    from db.models import Interaction
    from tracker.app import open_database
    from tracker.domain import InteractionDraft
    from tracker.services import auth, interactions

    with scratch(context.backend, "writers") as url:
        engine, factory = open_database(url, announce=False)
        try:
            with engine.begin() as conn:
                person(conn, "admin@bench.example", "Bench Admin", ("administrator",))
            ids = fillers(engine, WRITERS, per_person=0, log=context.log, label=context.label)
            with factory() as db:
                actors = [auth.current_actor(db, person_id) for person_id in ids]
            start = threading.Barrier(WRITERS)
            acknowledged: list[int] = []  # the id each form's first successful save returned
            repeats_differing: list[int] = []  # forms whose second save returned another id
            errors: list[tuple[float, str]] = []  # (seconds the save took before failing, what failed)
            times: list[float] = []
            day = today()

            def write(n: int) -> None:
                """Writer n: its own engine and pool, as one more app process would have. A save that
                fails is counted and the writer goes on, as a person would with the next patient."""
                own = make_engine(url)
                own_factory = session_factory(own)
                try:
                    start.wait()
                    for k in range(PER_WRITER):
                        draft = InteractionDraft(
                            token=uuid.uuid4().hex, occurred_on=day, rating=k % 7 - 3, time_of_day="morning"
                        )
                        first = None
                        for _attempt in range(2 if k % REPEAT_EVERY == 0 else 1):
                            began = time.perf_counter()
                            try:
                                with own_factory() as db:
                                    saved = interactions.log(db, actors[n], draft)
                            except Exception as error:  # counted and shown, never hidden
                                first_line = (str(error) or type(error).__name__).splitlines()[0]
                                message = (
                                    first_line
                                    if first_line.startswith("(")
                                    else f"{type(error).__name__}: {first_line}"
                                )
                                errors.append((time.perf_counter() - began, message))
                                continue
                            times.append(time.perf_counter() - began)
                            if first is None:
                                first = saved
                                acknowledged.append(saved)
                            elif saved != first:
                                repeats_differing.append(saved)
                finally:
                    own.dispose()

            threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
            began = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - began
            with factory() as db:
                stored_ids = set(db.scalars(select(Interaction.id).where(Interaction.person_id.in_(ids))))
        finally:
            engine.dispose()
    expected = WRITERS * PER_WRITER
    kept = set(acknowledged) & stored_ids
    lost = len(set(acknowledged)) - len(kept)  # a save reported done whose row is not there
    duplicated = len(stored_ids) - len(kept)  # rows nobody was told about, e.g. a double submit stored twice
    failed = expected - len(acknowledged)  # forms whose every save failed with an error
    passed = len(stored_ids) == expected and lost == 0 and duplicated == 0 and not errors and not repeats_differing
    failures = ""
    if errors:
        kinds = sorted({message.split(" (Background")[0] for _, message in errors})
        waits = sorted(wait for wait, _ in errors)
        after = f"{waits[0]:.0f}" if round(waits[0]) == round(waits[-1]) else f"{waits[0]:.0f}–{waits[-1]:.0f}"
        failures = (
            f", {len(errors)} saves failed ({failed} forms never saved; after {after} s: {'; '.join(kinds)[:120]})"
        )
    rate = len(stored_ids) / elapsed
    measured = (
        f"{len(stored_ids):,} rows, {lost} lost, {duplicated} duplicated{failures} ({WRITERS} writers, "
        f"{expected // REPEAT_EVERY} forms submitted twice; {rate:,.0f} rows/s, p95 {ms(p95(times))})"
    )
    return Figure(
        name=f"{WRITERS} writers × {PER_WRITER} interactions ({context.label})",
        measured=measured,
        ratio=None,
        goal=f"{expected:,} rows, 0 lost, 0 duplicated",
        passed=passed,
        details={
            "rows": len(stored_ids),
            "lost": lost,
            "duplicated": duplicated,
            "failed_saves": len(errors),
            "forms_never_saved": failed,
            "errors": [{"seconds": round(wait, 2), "error": message} for wait, message in errors[:20]],
            "repeats_with_another_result": len(repeats_differing),
            "seconds": elapsed,
            "p95_seconds": p95(times),
            "median_seconds": median(times),
        },
    )


def my_trends(context: Context) -> Figure:
    """My trends for the heavy person (3 years × 5 a day) vs a person with no entries, large database."""
    from tracker.services import auth

    large = context.large()
    repeat = int(context.option("repeat", 5 if context.quick else 9))
    with _app_database(large.url) as factory:
        with factory() as db:
            heavy, empty = auth.current_actor(db, large.heavy_id), auth.current_actor(db, large.empty_id)
        heavy_times, empty_times = alternating(
            repeat,
            lambda: render(heavy, "trends", expect=("Daily balance",)),
            lambda: render(empty, "trends", expect=("Nothing to show yet",)),
        )
    size = _size_words(large.interactions, context)
    figure = ratio_figure(
        f"My trends, {size} ({context.label})",
        a=median(heavy_times),
        b=median(empty_times),
        a_words=f"{large.heavy_entries:,} entries",
        b_words="no entries",
        goal=3,
        repeat=repeat,
        interactions=large.interactions,
        heavy_entries=large.heavy_entries,
        database_reused=large.reused,
    )
    return _with_measured(figure, f"{figure.measured} (whole page, median of {repeat})")


def program_outcomes(context: Context) -> Figure:
    """The outcomes page's query (audited, as the page reads it) for the 12-month period vs a bare
    count(*) of that period's requests."""
    from datetime import UTC, datetime, time

    from db.models import Person, RoleGrant, SupportRequest
    from pages.ui.outcome_tables import month_start
    from tracker.demo import COORDINATOR_EMAIL
    from tracker.queries.outcomes import program_outcomes as outcomes_query
    from tracker.services import auth

    large = context.large()
    repeat = int(context.option("repeat", 3 if context.quick else 9))
    since, until = month_start(today(), back=12), month_start(today(), back=-1)
    start, end = (datetime.combine(d, time(), UTC) for d in (since, until))
    with _engine(large.url) as factory:
        with factory() as db:
            coordinator = auth.current_actor(db, db.scalar(select(Person.id).where(Person.email == COORDINATOR_EMAIL)))
            clinicians = db.scalar(select(func.count()).select_from(RoleGrant).where(RoleGrant.role == "clinician"))
        shown = {}

        def page_query() -> None:
            with factory() as db:
                shown["outcomes"] = outcomes_query(db, coordinator, by="unit", since=since, until=until)

        def bare_count() -> None:
            with factory() as db:
                shown["count"] = db.scalar(
                    select(func.count())
                    .select_from(SupportRequest)
                    .where(SupportRequest.created_at >= start, SupportRequest.created_at < end)
                )

        query_times, count_times = alternating(repeat, page_query, bare_count)
    people = shown["outcomes"].total.people
    requests = shown["count"]
    figure = ratio_figure(
        f"program outcomes, {clinicians:,} clinicians ({context.label})",
        a=median(query_times),
        b=median(count_times),
        a_words="outcomes query",
        b_words="count(*)",
        goal=3,
        repeat=repeat,
        people=people,
        clinicians=clinicians,
        requests=requests,
        period=f"{since.isoformat()} to {until.isoformat()}",
    )
    return _with_measured(
        figure, f"{figure.measured} ({requests:,} requests from {people:,} people in 12 months, median of {repeat})"
    )


def matching(context: Context) -> Figure:
    """`optimal_pairs` vs bare `linear_sum_assignment` on the matrix it prepares, timed as
    bench/matching.py times them (alternating, median of at least 9)."""
    from scipy.optimize import linear_sum_assignment

    from bench.matching import CAPACITY, FORBIDDEN, SEEKERS, SUPPORTERS, instance, optimal_pairs, prepared_costs

    repeat = max(9, int(context.option("repeat", 9)))
    score, capacity = instance(7, FORBIDDEN)
    costs, _, _ = prepared_costs(score, capacity)
    engine_times, bare_times = alternating(
        repeat, lambda: optimal_pairs(score, capacity), lambda: linear_sum_assignment(costs)
    )
    preparing = median([seconds(lambda: prepared_costs(score, capacity)) for _ in range(repeat)])
    figure = ratio_figure(
        f"matching {SEEKERS:,} × {SUPPORTERS:,}, capacity {CAPACITY}",
        a=median(engine_times),
        b=median(bare_times),
        a_words="optimal_pairs",
        b_words="bare solver",
        goal=1.5,
        repeat=repeat,
        prepared_costs_seconds=preparing,
        matrix=f"{costs.shape[0]:,} x {costs.shape[1]:,}",
        forbidden=FORBIDDEN,
        seed=7,
    )
    return _with_measured(figure, f"{figure.measured} (prepared_costs {ms(preparing)}, median of {repeat})")


QUEUE_BIG, QUEUE_SMALL = 2_000, 10
QUEUE_PEOPLE, QUEUE_SUPPORTER_EVERY = 3_000, 3  # 1,000 trained supporters × 2 places: enough for 2,000


def coordinator_queue(context: Context) -> Figure:
    """The review queue (whole page) with 2,000 open requests vs 10, on two databases that differ
    only in how many requests are open: 3,000 clinicians with two weeks of entries, 1,000 of them
    trained supporters. One render of the big page takes tens of seconds, so the warm-up renders
    the small page only (it loads every module) and --quick times the big page once."""
    from tracker.services import auth

    repeat = int(context.option("repeat", 1 if context.quick else 5))
    query_repeat = max(3, repeat)
    with scratch(context.backend, "queue_big") as big_url, scratch(context.backend, "queue_small") as small_url:
        coordinators = {url: _queue_database(url, n) for url, n in ((big_url, QUEUE_BIG), (small_url, QUEUE_SMALL))}
        with _app_database(big_url) as big, _app_database(small_url) as small:
            actors = {}
            for url, factory in ((big_url, big), (small_url, small)):
                with factory() as db:
                    actors[url] = auth.current_actor(db, coordinators[url])

            def page(url: str, count: int):
                return lambda: render(actors[url], "queue", expect=(f"{count} waiting",), url=url)

            big_page, small_page = page(big_url, QUEUE_BIG), page(small_url, QUEUE_SMALL)
            query_big, query_small = alternating(
                query_repeat, lambda: _queue_query(big, actors[big_url]), lambda: _queue_query(small, actors[small_url])
            )
            big_times, small_times = alternating(repeat, big_page, small_page, warm_up=(small_page,))
    query_ratio = median(query_big) / median(query_small)
    figure = ratio_figure(
        f"coordinator queue, {QUEUE_BIG:,} vs {QUEUE_SMALL} open ({context.label})",
        a=median(big_times),
        b=median(small_times),
        a_words=f"{QUEUE_BIG:,} open",
        b_words=f"{QUEUE_SMALL} open",
        goal=3,
        repeat=repeat,
        query_only_big_seconds=median(query_big),
        query_only_small_seconds=median(query_small),
        query_only_ratio=query_ratio,
        query_repeat=query_repeat,
        people=QUEUE_PEOPLE,
        supporters=QUEUE_PEOPLE // QUEUE_SUPPORTER_EVERY,
    )
    timed = "one timed render each" if repeat == 1 else f"median of {repeat}"
    query = f"queue query alone {ms(median(query_big))} vs {ms(median(query_small))} = {query_ratio:.2f}×"
    return _with_measured(figure, f"whole page {figure.measured} ({timed}); {query} (median of {query_repeat})")


def _queue_database(url: str, open_count: int) -> int:
    """Fill one queue database; returns the coordinator's id."""
    from bench.database import analyze
    from tracker.app import open_database

    engine, _factory = open_database(url, announce=False)
    try:
        with engine.begin() as conn:
            person(conn, "admin@bench.example", "Bench Admin", ("administrator",))
            coordinator = person(conn, "coordinator@bench.example", "Bench Coordinator", ("coordinator", "clinician"))
        fillers(engine, QUEUE_PEOPLE, per_person=14, log=lambda _line: None, label="")
        with engine.begin() as conn:
            supporters(conn, every=QUEUE_SUPPORTER_EVERY)
            open_requests(conn, open_count, every=QUEUE_SUPPORTER_EVERY)
        analyze(engine)
    finally:
        engine.dispose()
    return coordinator


def _queue_query(factory, actor) -> None:
    from tracker.queries.queue import review_queue

    with factory() as db:
        review_queue(db, actor)


# ---- rendering a page through the whole app script -------------------------------------------------------


@contextmanager
def _engine(url: str) -> Iterator:
    from tracker.app import open_database

    engine, factory = open_database(url, announce=False)
    try:
        yield factory
    finally:
        engine.dispose()


@contextmanager
def _app_database(url: str) -> Iterator:
    """DATABASE_URL set for the app script while the block runs; a session factory for the figure."""
    before = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = url
    from streamlit.logger import set_log_level

    set_log_level("error")  # AppTest outside a server warns about the missing runtime on every render
    try:
        with _engine(url) as factory:
            yield factory
    finally:
        if before is None:
            os.environ.pop("DATABASE_URL", None)
        else:
            os.environ["DATABASE_URL"] = before


def render(actor, url_path: str, *, expect: tuple[str, ...], url: str | None = None) -> None:
    """One whole-script render of the page, signed in as `actor`; checks the page showed one of
    `expect` (so a broken page cannot pass for a fast one)."""
    import streamlit as st

    from tests.pages.conftest import open_whole_app

    if url is not None:
        os.environ["DATABASE_URL"] = url
    st.cache_data.clear()
    at = open_whole_app(actor, url_path, timeout=300)
    if at.exception:
        raise RuntimeError(f"/{url_path} raised: {at.exception[0].value}")
    shown = [str(e.value) for e in [*at.title, *at.subheader, *at.info, *at.caption, *at.markdown]]
    if not any(wanted in line for wanted in expect for line in shown):
        raise RuntimeError(f"/{url_path}: expected one of {expect} on the page, saw {shown[:8]}")


def _size_words(interactions: int, context: Context) -> str:
    note = " (quick size)" if context.quick and interactions < 5_000_000 else ""
    return f"{interactions:,} rows{note}"


def _with_measured(figure: Figure, measured: str) -> Figure:
    from dataclasses import replace

    return replace(figure, measured=measured)
