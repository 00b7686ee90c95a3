"""The bulk demo (`python -m tracker demo --bulk`) on SQLite and PostgreSQL, small: 30 people, 60 days.

What is loaded must be what the plan says, valid by the same rules the services enforce, usable by
every screen's reads, and leave the database ready for the app's own writes (PostgreSQL's sequences
set past the ids the loader chose)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest
from sqlalchemy import func, select

from db.models import (
    AuditEvent,
    Base,
    CheckIn,
    Interaction,
    InteractionTag,
    Match,
    Person,
    RoleGrant,
    SupporterProfile,
    SupportRequest,
    Tag,
)
from tests.conftest import PASSWORD
from tracker import demo_bulk
from tracker.demo import ADMIN_EMAIL, CLINICIAN_EMAIL, COORDINATOR_EMAIL
from tracker.domain import InteractionDraft, RequestDraft, Role
from tracker.errors import ValidationError
from tracker.queries import match_input, outcomes, queue, trends
from tracker.scoring import CheckInAnswers, score_brs
from tracker.services import auth, checkins, interactions, people, requests
from tracker.validation import clean_interaction

PEOPLE, DAYS, SEED = 30, 60, 7


@pytest.fixture
def now() -> datetime:
    return datetime.now(UTC)


def fill(db, now, **overrides) -> demo_bulk.Counts:
    options = {"password": PASSWORD, "people": PEOPLE, "days": DAYS, "seed": SEED, "now": now}
    options.update(overrides)
    return demo_bulk.fill_bulk_demo(db, **options)


def row_counts(db) -> dict[str, int]:
    return {t.name: db.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables}


def planned_entries(today: date, people: int = PEOPLE, days: int = DAYS, seed: int = SEED, per_day: float = 5.0) -> int:
    """What the plan says, from the same seed, without a database."""
    rng = np.random.default_rng(seed)
    org_rng, habit_rng, count_rng, *_ = rng.spawn(6)
    org = demo_bulk.plan_org(org_rng, people)
    habits = demo_bulk.plan_habits(habit_rng, org, days, per_day=per_day)
    first_day = today - timedelta(days=days - 1)
    return int(demo_bulk.entry_counts(count_rng, habits, org, first_day, days).sum())


def test_rows_are_what_the_plan_says_and_the_summary_counts_them(db, now):
    written = fill(db, now)
    counts = row_counts(db)
    assert counts["people"] == written.people == PEOPLE
    assert counts["interactions"] == written.interactions == planned_entries(now.date())
    assert counts["interaction_tags"] == written.tag_links
    assert counts["check_ins"] == written.check_ins
    assert counts["support_requests"] == written.requests
    assert counts["matches"] == written.conversations
    assert counts["supporter_profiles"] == written.supporters
    # About 5 entries a person a day over the clinicians (everyone but the administrator).
    assert 3.5 * (PEOPLE - 1) * DAYS < counts["interactions"] < 6.5 * (PEOPLE - 1) * DAYS
    assert 0.6 * counts["interactions"] < counts["interaction_tags"] < 1.6 * counts["interactions"]
    assert written.supporters >= 0.25 * (PEOPLE - 3) and written.requests >= 5 and written.conversations >= 3
    text = demo_bulk.summary(written, DAYS)
    assert f"{written.interactions:,} interactions" in text and "rows/s" in text
    [event] = db.scalars(select(AuditEvent).where(AuditEvent.action == "demo organisation created")).all()
    assert event.detail.endswith("bulk")


def test_people_log_about_per_day_entries_a_calendar_day_on_average():
    # The brief's figure: 10,000 clinicians × 5 a day × 1,095 days ≈ 55 million.
    today, people, days = date(2026, 3, 2), 600, 140
    clinician_days = (people - 1) * days
    usual = planned_entries(today, people=people, days=days) / clinician_days
    fewer = planned_entries(today, people=people, days=days, per_day=2.5) / clinician_days
    assert 4.5 < usual < 5.3  # a little under 5: holidays, and the named accounts log 4 on a day worked
    assert 0.45 < fewer / usual < 0.55


def test_every_entry_passes_the_validation_the_log_form_meets(db, now):
    fill(db, now)
    today = now.date()
    usable = set(db.scalars(select(Tag.id).where(~Tag.retired)))
    tags_of: dict[int, list[int]] = {}
    for interaction_id, tag_id in db.execute(select(InteractionTag.interaction_id, InteractionTag.tag_id)):
        tags_of.setdefault(interaction_id, []).append(tag_id)
    rows = db.execute(select(Interaction)).scalars().all()
    for row in rows:
        draft = InteractionDraft(
            token=uuid.uuid4().hex,
            occurred_on=row.occurred_on,
            rating=row.rating,
            time_of_day=row.time_of_day,
            tag_ids=tuple(tags_of.get(row.id, ())),
            felt_trusted=row.felt_trusted,
            showed_humanity=row.showed_humanity,
            note=row.note,
        )
        clean_interaction(draft, today=today, usable_tag_ids=usable)  # raises on the first bad entry
        assert len(set(draft.tag_ids)) == len(draft.tag_ids) <= 3
    first_day = today - timedelta(days=DAYS - 1)
    assert min(r.occurred_on for r in rows) >= first_day
    assert all(r.created_at.replace(tzinfo=UTC) <= now for r in rows)
    per_day = db.execute(
        select(func.count()).select_from(Interaction).group_by(Interaction.person_id, Interaction.occurred_on)
    ).scalars()
    assert max(per_day) <= demo_bulk.MAX_ENTRIES_A_DAY
    # The administrator logs nothing; every clinician has a history of their own.
    admin = db.scalar(select(Person.id).where(Person.email == ADMIN_EMAIL))
    loggers = set(db.scalars(select(Interaction.person_id).distinct()))
    assert admin not in loggers and len(loggers) == PEOPLE - 1


def test_check_ins_are_weekly_and_scored_like_the_form(db, now):
    fill(db, now)
    check_ins = db.scalars(select(CheckIn)).all()
    weeks = {(c.person_id, c.iso_year, c.iso_week) for c in check_ins}
    assert len(weeks) == len(check_ins) > 0
    for check_in in check_ins:
        answers = tuple(int(a) for a in check_in.brs_answers.split(","))
        assert check_in.brs_score == pytest.approx(score_brs(answers), abs=1e-4)
        assert (check_in.iso_year, check_in.iso_week) == tuple(check_in.submitted_on.isocalendar())[:2]
        assert 1 <= check_in.burnout <= 5 and 0 <= check_in.load <= 10
        assert check_in.submitted_on <= now.date()


def test_everyone_signs_in_with_the_demo_password_and_holds_their_roles(db, now):
    fill(db, now)
    assert db.scalar(select(func.count(func.distinct(Person.password_hash)))) == 1
    assert auth.sign_in(db, email=ADMIN_EMAIL, password=PASSWORD).roles == {Role.ADMINISTRATOR}
    assert auth.sign_in(db, email=COORDINATOR_EMAIL, password=PASSWORD).roles == {Role.CLINICIAN, Role.COORDINATOR}
    someone = db.scalar(select(Person.email).order_by(Person.id.desc()).limit(1))
    assert auth.sign_in(db, email=someone, password=PASSWORD).has(Role.CLINICIAN)
    # Reporting lines end, and nobody supervises themselves.
    supervisors = dict(db.execute(select(Person.id, Person.supervisor_id)).all())
    for person in supervisors:
        seen, current = set(), person
        while current is not None:
            assert current not in seen
            seen.add(current)
            current = supervisors[current]
        assert len(seen) <= 3


def test_the_screens_read_the_bulk_organisation(db, now):
    fill(db, now)
    clinician = auth.sign_in(db, email=CLINICIAN_EMAIL, password=PASSWORD)
    mine = trends.my_trends(db, clinician, days=None)
    assert len(mine.daily) > DAYS // 2 and not mine.tags.empty and not mine.checkins.empty
    assert len(mine.conversations) == 1  # the one earlier conversation, as in the small demo
    # The story the demo tells: the last three weeks drift toward draining, and the prompt shows.
    assert trends.early_warning(db, clinician).prompt
    member = db.scalar(
        select(Person).join(RoleGrant).where(RoleGrant.role == Role.CLINICIAN, Person.email.like("%.%.%@demo.example"))
    )
    theirs = trends.my_trends(db, auth.to_actor(member), days=30)
    assert theirs.daily["entries"].sum() > 0

    coordinator = auth.sign_in(db, email=COORDINATOR_EMAIL, password=PASSWORD)
    table = outcomes.program_outcomes(
        db, coordinator, by="unit", since=now.date() - timedelta(days=DAYS), until=now.date() + timedelta(days=1)
    )
    asked = db.scalar(select(func.count()).select_from(SupportRequest))
    assert table.total.measures["requests"] == asked
    waiting_now = SupportRequest.status.in_(queue.WAITING)
    waiting = db.scalar(select(func.count()).select_from(SupportRequest).where(waiting_now))
    view = queue.review_queue(db, coordinator, now=now)
    assert len(view.requests) == waiting
    assert len(view.proposals) == db.scalar(select(func.count()).select_from(Match).where(Match.status == "proposed"))
    assert len(view.supporters) == db.scalar(select(func.count()).select_from(SupporterProfile))
    given = match_input.matching_input(db, now=now)
    assert {s.request_id for s in given.seekers} == set(
        db.scalars(select(SupportRequest.id).where(SupportRequest.status == "open"))
    )


def test_the_apps_own_writes_work_after_the_load(db, now):
    fill(db, now)
    loaded = {
        table: db.scalar(select(func.max(table.id))) for table in (Person, Interaction, CheckIn, SupportRequest, Match)
    }
    admin = auth.sign_in(db, email=ADMIN_EMAIL, password=PASSWORD)
    invitation = people.invite_person(
        db, admin, token=uuid.uuid4().hex, display_name="New Person", email="new@example.org", roles={"clinician"}
    )
    assert invitation.person_id > loaded[Person]
    clinician = auth.sign_in(db, email=CLINICIAN_EMAIL, password=PASSWORD)
    tag = db.scalar(select(Tag.id).where(~Tag.retired).limit(1))
    entry = interactions.log(
        db, clinician, InteractionDraft(token=uuid.uuid4().hex, occurred_on=now.date(), rating=2, tag_ids=(tag,))
    )
    assert entry > loaded[Interaction]
    asked = requests.ask(
        db, clinician, RequestDraft(token=uuid.uuid4().hex, topic_ids=(tag,), urgency="soon", load_before=7)
    )
    assert asked > loaded[SupportRequest]
    this_week = now.date().isocalendar()[:2]
    due = db.scalar(
        select(Person)
        .join(RoleGrant)
        .where(RoleGrant.role == Role.CLINICIAN)
        .where(
            ~Person.id.in_(
                select(CheckIn.person_id).where(CheckIn.iso_year == this_week[0], CheckIn.iso_week == this_week[1])
            )
        )
        .limit(1)
    )
    answers = CheckInAnswers(brs=(4, 2, 4, 2, 4, 2), burnout=2, load=4)
    assert checkins.submit(db, auth.to_actor(due), token=uuid.uuid4().hex, answers=answers) > loaded[CheckIn]


def test_a_database_with_people_is_refused_unless_reset(db, now):
    fill(db, now)
    before = row_counts(db)
    with pytest.raises(ValidationError, match="--reset"):
        fill(db, now, seed=8)
    assert row_counts(db) == before

    written = fill(db, now, seed=8, people=12, reset=True)
    after = row_counts(db)
    assert after["people"] == written.people == 12
    assert after["interactions"] == written.interactions == planned_entries(now.date(), people=12, seed=8)
    assert after["audit_events"] == 1  # the first load's event went with everything else


def test_an_installation_with_an_administrator_is_refused(db, administrator, now):
    with pytest.raises(ValidationError, match="already has people"):
        fill(db, now)
    assert row_counts(db)["interactions"] == 0


@pytest.mark.parametrize(
    "options, message",
    [
        ({"people": 7}, "between"),
        ({"days": 30}, "between"),
        ({"per_day": 0}, "more than 0"),
        ({"password": "x"}, "at least"),
    ],
)
def test_bad_options_are_refused_before_anything_is_stored(db, now, options, message):
    with pytest.raises(ValidationError, match=message):
        fill(db, now, **options)
    assert row_counts(db)["people"] == 0


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_command_prints_progress_and_the_rates(database_url, engine, capsys, monkeypatch):
    from tracker.__main__ import main

    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("SHARED_LOAD_DEMO_PASSWORD", PASSWORD)
    assert main(["demo", "--bulk", "--people", "8", "--days", "49"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("Bulk demo ready: 8 people in 4 units")
    assert "interactions at" in out and "rows/s" in out
    assert "interactions [" in err and "100.0%" in err
    assert main(["demo", "--bulk", "--people", "8", "--days", "49"]) == 2  # refused: people already there
    assert "--reset" in capsys.readouterr().err
