"""Program outcomes on both databases: the figures, the small groups hidden, the same table for scripts."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from db.models import AuditEvent, Match, utcnow
from tests.conftest import token
from tests.services.test_peer_support import ask, offer
from tracker.errors import NotAllowed, ValidationError
from tracker.outcomes_cli import print_outcomes
from tracker.queries import entries
from tracker.queries.outcomes import CSV_HEADER, program_outcomes
from tracker.services import auth, conversations, named_lists
from tracker.services import queue as decisions

SINCE = utcnow().date() - timedelta(days=30)
UNTIL = utcnow().date() + timedelta(days=1)


@pytest.fixture
def coordinator(make_person):
    return make_person("Cora Coordinator", roles=("coordinator", "clinician"))


@pytest.fixture
def program(db, administrator, make_person, coordinator):
    return small_program(db, administrator, make_person, coordinator)


def small_program(db, administrator, make_person, coordinator):
    """Six seekers in ICU, each met (load 8 → 4, helpful 5), and two in Oncology still waiting."""
    icu = named_lists.create_unit(db, administrator, token=token(), name="ICU")
    oncology = named_lists.create_unit(db, administrator, token=token(), name="Oncology")
    gratitude = entries.tag_options(db)[0].id
    helpers = {
        p.id: p for p in (offer(db, coordinator, make_person(f"Sup {i}"), [gratitude], capacity=8) for i in range(6))
    }
    seekers = {}
    for i in range(6):
        seeker = make_person(f"Icu Seeker{i}", unit_id=icu, profession="nurse")
        seekers[ask(db, seeker, [gratitude], load_before=8)] = seeker
    decisions.propose_matches(db, coordinator)
    decisions.approve_all(db, coordinator)
    for match in db.scalars(select(Match).where(Match.status == "approved")).all():
        seeker, supporter = seekers[match.request_id], helpers[match.supporter_id]
        conversations.propose_time(db, supporter, match.id, utcnow() + timedelta(days=1))
        conversations.accept_time(db, seeker, match.id)
        match.meeting_at = utcnow() - timedelta(hours=1)
        db.commit()
        conversations.seeker_feedback(db, seeker, match.id, load_after=4, helpful=5)
        conversations.supporter_feedback(db, supporter, match.id, load_after=3, wants_support=False)
    for i in range(2):
        ask(db, make_person(f"Onc Seeker{i}", unit_id=oncology, profession="physician"), [gratitude])
    return coordinator


def test_outcomes_show_the_shared_load_effect_and_hide_small_groups(db, program):
    table = program_outcomes(db, program, by="unit", since=SINCE, until=UNTIL)
    by_group = {row.group: row for row in table.rows}
    # Oncology has 2 people: hidden. Shown alone, ICU and the total would give Oncology's figures
    # away as their difference, so ICU is hidden with it (or everything is).
    shown = [row for row in table.rows if not row.suppressed]
    assert all(row.people >= 5 for row in shown)
    assert by_group["Oncology"].suppressed and by_group["Oncology"].people is None
    assert all(v is None for v in by_group["Oncology"].measures.values())
    hidden = [row for row in table.rows[:-1] if row.suppressed]
    assert len(hidden) >= 2 or table.total.suppressed


def test_total_shows_half_the_weight_when_the_group_is_large_enough(db, program, make_person, coordinator):
    table = program_outcomes(db, program, by="profession", since=SINCE, until=UNTIL)
    total = table.total
    assert not total.suppressed  # 8 people: both professions hidden (2 is too few, 6 protects it), the total shown
    assert (total.people, total.measures["requests"], total.measures["met"]) == (8, 8, 6)
    assert total.measures["load_ratio"] == 0.5 and total.measures["median_helpfulness"] == 5
    assert total.measures["supporters_load_after"] == 3


def test_every_view_is_audited_and_clinicians_are_refused(db, program, make_person):
    before = db.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "program outcomes viewed")
    )
    program_outcomes(db, program, by="month", since=SINCE, until=UNTIL)
    after = db.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "program outcomes viewed")
    )
    assert after == before + 1
    with pytest.raises(NotAllowed):
        program_outcomes(db, make_person("Cleo Clinician"), by="unit", since=SINCE, until=UNTIL)
    with pytest.raises(ValidationError):
        program_outcomes(db, program, by="shoe size", since=SINCE, until=UNTIL)


@pytest.mark.parametrize("by", ["unit", "profession", "month"])
def test_the_command_prints_exactly_the_coordinators_table(db, program, by):
    out = io.StringIO()
    print_outcomes(db, by=by, since=SINCE, until=UNTIL, form="csv", out=out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert tuple(rows[0]) == CSV_HEADER
    seen = program_outcomes(db, program, by=by, since=SINCE, until=UNTIL)
    assert rows[1:] == [row.csv() for row in seen.rows]
    assert rows[-1][0] == "all"
    for row in rows[1:]:
        if row[-1] == "true":
            assert row[1:7] == [""] * 6


def test_the_shared_load_effect_says_how_many_conversations_it_rests_on(db, program, make_person):
    """A conversation is met at its first feedback; when only the supporter has answered, there is
    no load after to divide yet, so it counts as met but not behind the ratio."""
    gratitude = entries.tag_options(db)[0].id
    seeker = make_person("Late Seeker", profession="nurse")
    request_id = ask(db, seeker, [gratitude], load_before=6)
    decisions.propose_matches(db, program)
    decisions.approve_all(db, program)
    match = db.scalar(select(Match).where(Match.request_id == request_id))
    supporter = auth.current_actor(db, match.supporter_id)
    conversations.propose_time(db, supporter, match.id, utcnow() + timedelta(days=1))
    conversations.accept_time(db, seeker, match.id)
    match.meeting_at = utcnow() - timedelta(hours=1)
    db.commit()
    conversations.supporter_feedback(db, supporter, match.id, load_after=3, wants_support=False)
    total = program_outcomes(db, program, by="unit", since=SINCE, until=UNTIL).total
    assert total.measures["met"] == 7
    assert total.measures["load_ratio_conversations"] == 6 and total.measures["load_ratio"] == 0.5


def test_a_median_resting_on_fewer_than_five_people_is_withheld_in_a_shown_group():
    from tracker.queries.outcomes import _Asked, _measures, _row
    from tracker.suppression import Row

    def asked(seeker: int, met: bool) -> _Asked:
        return _Asked(
            seeker=seeker,
            unit="ICU",
            profession="nurse",
            month="2026-11",
            status="closed" if met else "open",
            hours_to_match=5.0 if met else None,
            helpful=4 if met else None,
            load_before=8,
            load_after=4 if met else None,
            supporter=100 + seeker if met else None,
            supporter_load_after=3 if met else None,
        )

    few = [asked(i, met=i < 3) for i in range(6)]  # six asked, three met
    row = _row(Row("ICU", 6, _measures(few)), 5)
    assert row.people == 6 and row.measures["requests"] == 6 and row.measures["met"] == 3
    assert all(row.measures[m] is None for m in ("load_ratio", "median_helpfulness", "median_hours_to_match"))
    assert not any(name.startswith("people behind") for name in row.measures)
    enough = _row(Row("ICU", 6, _measures([asked(i, met=i < 5) for i in range(6)])), 5)
    assert enough.measures["load_ratio"] == 0.5 and enough.measures["median_helpfulness"] == 4
