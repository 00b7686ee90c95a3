"""Shared-load conversations end to end through the services, on SQLite and PostgreSQL:
ask, offer support, the engine's proposals under the hard rules, the coordinator's decisions, the
meeting, feedback, sweeps, and what erasing does to it all."""

from __future__ import annotations

from datetime import timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import func, select, update

from db.models import AuditEvent, Match, Notification, OutboxMessage, SupportRequest, utcnow
from tests.conftest import token
from tracker.audit import AuditKind
from tracker.domain import RequestDraft
from tracker.errors import NotAllowed, PossibleIdentifier, ValidationError
from tracker.notify import email_body
from tracker.queries import entries, peer, queue
from tracker.services import conversations, mydata, named_lists, requests, supporters, sweeps
from tracker.services import queue as decisions


@pytest.fixture
def topics(db):
    return {t.name: t.id for t in entries.tag_options(db)}


@pytest.fixture
def units(db, administrator):
    return {name: named_lists.create_unit(db, administrator, token=token(), name=name) for name in ("ICU", "Oncology")}


@pytest.fixture
def coordinator(make_person):
    return make_person("Cora Coordinator", roles=("coordinator", "clinician"))


@pytest.fixture
def seeker(make_person, units):
    return make_person("Sam Seeker", unit_id=units["ICU"], profession="nurse")


def offer(db, coordinator, person, topic_ids, *, capacity=2, trained=True):
    supporters.save_profile(db, person, topic_ids=tuple(topic_ids), capacity_per_month=capacity)
    if trained:
        supporters.mark_trained(db, coordinator, person.id, trained=True)
    return person


def ask(db, person, topic_ids, **fields):
    values = {"token": token(), "topic_ids": tuple(topic_ids), "urgency": "soon", "load_before": 8}
    values.update(fields)
    return requests.ask(db, person, RequestDraft(**values))


def only_match(db, request_id) -> Match:
    return db.scalar(select(Match).where(Match.request_id == request_id, Match.status != "declined"))


def meet(db, coordinator, seeker, supporter, request_id, *, hours_ago=1):
    """Approve the proposed pair and schedule it, then move the meeting into the past."""
    decisions.propose_matches(db, coordinator)
    match = only_match(db, request_id)
    assert match.supporter_id == supporter.id
    decisions.approve(db, coordinator, match.id)
    conversations.propose_time(db, supporter, match.id, utcnow() + timedelta(days=1))
    conversations.accept_time(db, seeker, match.id)
    match.meeting_at = utcnow() - timedelta(hours=hours_ago)  # time passes
    db.commit()
    return match


def test_asking_opens_a_request_tells_coordinators_and_refuses_a_second(db, seeker, coordinator, topics):
    request_id = ask(db, seeker, [topics["Patient death"]], note_for_coordinator="Mornings are best")
    request = db.get(SupportRequest, request_id)
    assert (request.status, request.load_before, request.seeker_profession) == ("open", 8, "nurse")
    assert db.scalar(select(func.count()).select_from(Notification).where(Notification.person_id == coordinator.id))
    with pytest.raises(ValidationError, match="already have a request"):
        ask(db, seeker, [topics["Patient death"]])


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"topic_ids": ()}, "at least one topic"),
        ({"topic_ids": (999_999,)}, "from the list"),
        ({"urgency": "yesterday"}, "how soon"),
        ({"load_before": 11}, "0 to 10"),
        ({"load_before": True}, "0 to 10"),
        ({"note_for_coordinator": "x" * 301}, "at most 300"),
        ({"note_for_coordinator": "bad\u202eline"}, "cannot be shown"),
    ],
)
def test_bad_requests_are_refused_and_store_nothing(db, seeker, topics, fields, message):
    values = {"topic_ids": (topics["Gratitude"],)}
    values.update(fields)
    with pytest.raises(ValidationError, match=message):
        ask(db, seeker, **values) if "topic_ids" not in fields else ask(
            db, seeker, fields["topic_ids"], **{k: v for k, v in fields.items() if k != "topic_ids"}
        )
    assert db.scalar(select(func.count()).select_from(SupportRequest)) == 0


def test_the_line_for_the_coordinator_is_checked_for_identifiers(db, seeker, topics):
    with pytest.raises(PossibleIdentifier):
        ask(db, seeker, [topics["Gratitude"]], note_for_coordinator="about MRN 12345678")


def test_engine_proposes_within_the_hard_rules_and_explains(db, coordinator, seeker, make_person, units, topics):
    death, news = topics["Patient death"], topics["Breaking bad news"]
    same_unit = offer(db, coordinator, make_person("Una Unit", unit_id=units["ICU"]), [death, news])
    untrained = offer(db, coordinator, make_person("Ted Untrained", unit_id=units["Oncology"]), [death], trained=False)
    fit = offer(db, coordinator, make_person("Olga Oncology", unit_id=units["Oncology"], profession="nurse"), [death])
    request_id = ask(db, seeker, [death], not_my_unit=True, same_profession=True)
    run = decisions.propose_matches(db, coordinator)
    assert (run.open_requests, run.proposed) == (1, 1)
    match = only_match(db, request_id)
    assert match.supporter_id == fit.id and match.supporter_id not in (same_unit.id, untrained.id)
    assert "same profession as asked" in match.reasons and "patient death" in match.reasons.lower()
    assert db.get(SupportRequest, request_id).status == "proposed"


def test_never_within_the_reporting_line(db, administrator, coordinator, make_person, topics):
    boss = make_person("Bea Boss")
    report = make_person("Rob Report", supervisor_id=boss.id)
    offer(db, coordinator, boss, [topics["Gratitude"]])
    request_id = ask(db, report, [topics["Gratitude"]])
    assert decisions.propose_matches(db, coordinator).proposed == 0
    [waiting] = queue.review_queue(db, coordinator).requests
    assert waiting.request_id == request_id and "reporting line" in waiting.blocked_by


def test_queue_shows_no_seeker_name_or_load_and_every_view_is_audited(db, coordinator, seeker, topics):
    ask(db, seeker, [topics["Gratitude"]], note_for_coordinator="Any weekday")
    before = db.scalar(select(func.count()).select_from(AuditEvent))
    view = queue.review_queue(db, coordinator)
    assert db.scalar(select(func.count()).select_from(AuditEvent)) == before + 1
    shown = repr(view)
    assert "Sam Seeker" not in shown and "load" not in shown.replace("SupporterLoad", "")
    assert view.requests[0].line_for_coordinator == "Any weekday"


def test_clinicians_cannot_read_the_queue_or_decide(db, seeker):
    with pytest.raises(NotAllowed):
        queue.review_queue(db, seeker)
    with pytest.raises(NotAllowed):
        decisions.propose_matches(db, seeker)


def test_rerun_keeps_approved_pairs_and_their_capacity(db, coordinator, make_person, topics):
    gratitude = topics["Gratitude"]
    supporter = offer(db, coordinator, make_person("Pia Peer"), [gratitude], capacity=1)
    first = ask(db, make_person("Ann Asker"), [gratitude])
    decisions.propose_matches(db, coordinator)
    decisions.approve(db, coordinator, only_match(db, first).id)
    second = ask(db, make_person("Ben Asker"), [gratitude])
    assert decisions.propose_matches(db, coordinator).proposed == 0  # her one place is used
    assert db.get(SupportRequest, first).status == "approved" and db.get(SupportRequest, second).status == "open"
    assert only_match(db, first).supporter_id == supporter.id


def test_a_declined_pair_is_never_proposed_again(db, coordinator, seeker, make_person, topics):
    offer(db, coordinator, make_person("Pia Peer"), [topics["Gratitude"]])
    request_id = ask(db, seeker, [topics["Gratitude"]])
    decisions.propose_matches(db, coordinator)
    decisions.decline_pair(db, coordinator, only_match(db, request_id).id, reason="They work together daily")
    assert db.get(SupportRequest, request_id).status == "open"
    assert decisions.propose_matches(db, coordinator).proposed == 0
    with pytest.raises(ValidationError, match="reason"):
        decisions.decline_pair(db, coordinator, 1, reason="  ")


def test_swap_offers_ranked_alternatives_and_refuses_a_blocked_one(db, coordinator, seeker, make_person, topics):
    gratitude, death = topics["Gratitude"], topics["Patient death"]
    offer(db, coordinator, make_person("Pia Peer"), [gratitude, death])
    other = offer(db, coordinator, make_person("Quin Other"), [gratitude])
    untrained = offer(db, coordinator, make_person("Ted Untrained"), [gratitude], trained=False)
    request_id = ask(db, seeker, [gratitude, death])
    decisions.propose_matches(db, coordinator)
    match = only_match(db, request_id)
    [alternative] = queue.alternatives(db, coordinator, match.id)
    assert alternative.supporter_id == other.id and alternative.reasons
    with pytest.raises(ValidationError, match="cannot be proposed"):
        decisions.swap_supporter(db, coordinator, match.id, untrained.id)
    decisions.swap_supporter(db, coordinator, match.id, other.id)
    assert only_match(db, request_id).supporter_id == other.id


def test_the_whole_conversation_with_checked_transitions(db, coordinator, seeker, make_person, topics):
    supporter = offer(db, coordinator, make_person("Pia Peer"), [topics["Gratitude"]])
    request_id = ask(db, seeker, [topics["Gratitude"]])
    decisions.propose_matches(db, coordinator)
    match = only_match(db, request_id)
    with pytest.raises(NotAllowed):  # a proposal is not yet the supporter's business
        conversations.propose_time(db, supporter, match.id, utcnow() + timedelta(days=1))
    decisions.approve(db, coordinator, match.id)
    [seen_by_supporter] = peer.my_conversations(db, supporter)
    assert seen_by_supporter.topics == ("Gratitude",) and seen_by_supporter.load_before is None
    assert seen_by_supporter.peer.name == "Sam Seeker"
    with pytest.raises(ValidationError, match="once a meeting time has been agreed"):
        conversations.seeker_feedback(db, seeker, match.id, load_after=3, helpful=5)
    conversations.propose_time(db, supporter, match.id, utcnow() + timedelta(days=2))
    with pytest.raises(ValidationError, match="other person accepts"):
        conversations.accept_time(db, supporter, match.id)
    conversations.accept_time(db, seeker, match.id)
    assert db.get(SupportRequest, request_id).status == "scheduled"
    ics = Calendar.from_ical(peer.invitation(db, seeker, match.id))
    [event] = ics.walk("VEVENT")
    assert "Pia Peer" in str(event["SUMMARY"]) and event["DTSTART"].dt
    with pytest.raises(ValidationError, match="after the meeting"):
        conversations.seeker_feedback(db, seeker, match.id, load_after=3, helpful=5)
    match.meeting_at = utcnow() - timedelta(hours=1)
    db.commit()
    conversations.seeker_feedback(db, seeker, match.id, load_after=3, helpful=5)
    assert db.get(SupportRequest, request_id).status == "met"
    with pytest.raises(ValidationError, match="already gave"):
        conversations.seeker_feedback(db, seeker, match.id, load_after=2, helpful=4)
    with pytest.raises(ValidationError, match="for the supporter"):
        conversations.supporter_feedback(db, seeker, match.id, load_after=2, wants_support=False)
    conversations.supporter_feedback(db, supporter, match.id, load_after=4, wants_support=True)
    assert db.get(SupportRequest, request_id).status == "closed"
    assert db.get(Match, match.id).supporter_wants_support is True


def test_someone_else_cannot_touch_a_conversation_and_is_audited(db, coordinator, seeker, make_person, topics):
    supporter = offer(db, coordinator, make_person("Pia Peer"), [topics["Gratitude"]])
    stranger = make_person("Nosy Neighbour")
    request_id = ask(db, seeker, [topics["Gratitude"]])
    match = meet(db, coordinator, seeker, supporter, request_id)
    for attempt in (
        lambda: conversations.seeker_feedback(db, stranger, match.id, load_after=1, helpful=1),
        lambda: peer.invitation(db, stranger, match.id),
        lambda: peer.conversation(db, stranger, match.id),
        lambda: requests.withdraw(db, stranger, request_id),
    ):
        with pytest.raises(NotAllowed):
            attempt()
    refused = db.scalars(
        select(AuditEvent).where(
            AuditEvent.actor_id == stranger.id,
            AuditEvent.action.not_in((AuditKind.SIGNED_IN, AuditKind.PASSWORD_CHANGED)),  # becoming the stranger
        )
    ).all()
    assert len(refused) == 4 and all(e.action == "access to someone else's data refused" for e in refused)


def test_supporter_declines_an_approved_conversation(db, coordinator, seeker, make_person, topics):
    supporter = offer(db, coordinator, make_person("Pia Peer"), [topics["Gratitude"]])
    request_id = ask(db, seeker, [topics["Gratitude"]])
    decisions.propose_matches(db, coordinator)
    match = only_match(db, request_id)
    decisions.approve(db, coordinator, match.id)
    with pytest.raises(ValidationError, match="Only the supporter"):
        conversations.decline_as_supporter(db, seeker, match.id, reason="no")
    conversations.decline_as_supporter(db, supporter, match.id, reason="I know them from home")
    assert db.get(SupportRequest, request_id).status == "open"
    assert decisions.propose_matches(db, coordinator).proposed == 0


def test_withdraw_while_not_yet_met(db, coordinator, seeker, make_person, topics):
    supporter = offer(db, coordinator, make_person("Pia Peer"), [topics["Gratitude"]])
    request_id = ask(db, seeker, [topics["Gratitude"]])
    match = meet(db, coordinator, seeker, supporter, request_id)
    conversations.seeker_feedback(db, seeker, match.id, load_after=3, helpful=4)
    with pytest.raises(ValidationError, match="already ended"):
        requests.withdraw(db, seeker, request_id)
    second = ask(db, seeker, [topics["Gratitude"]])
    requests.withdraw(db, seeker, second)
    requests.withdraw(db, seeker, second)
    assert db.get(SupportRequest, second).status == "withdrawn"


def test_sweeps_expire_old_requests_and_remind_once(db, coordinator, seeker, make_person, topics):
    supporter = offer(db, coordinator, make_person("Pia Peer"), [topics["Gratitude"]])
    request_id = ask(db, seeker, [topics["Gratitude"]])
    meet(db, coordinator, seeker, supporter, request_id)
    stale = ask(db, make_person("Old Asker"), [topics["Moral distress"]])
    db.get(SupportRequest, stale).created_at = utcnow() - timedelta(days=15)
    db.commit()
    report = sweeps.run_sweeps(db)
    assert (report.expired, report.feedback_due) == (1, 2)
    assert db.get(SupportRequest, stale).status == "expired"
    again = sweeps.run_sweeps(db)
    assert (again.expired, again.feedback_due, again.overdue) == (0, 0, 0)


def test_erase_anonymises_requests_and_the_peer_keeps_their_feedback(db, coordinator, seeker, make_person, topics):
    supporter = offer(db, coordinator, make_person("Pia Peer"), [topics["Gratitude"]])
    request_id = ask(db, seeker, [topics["Gratitude"]], note_for_coordinator="Evenings")
    match = meet(db, coordinator, seeker, supporter, request_id)
    conversations.seeker_feedback(db, seeker, match.id, load_after=3, helpful=5)
    conversations.supporter_feedback(db, supporter, match.id, load_after=4, wants_support=False)
    mydata.erase(db, seeker)
    request = db.get(SupportRequest, request_id)
    assert request.seeker_id is None and request.note_for_coordinator is None
    kept = db.get(Match, match.id)
    assert (kept.supporter_id, kept.supporter_load_after) == (supporter.id, 4)
    assert peer.my_conversations(db, seeker) == []
    assert [c.status for c in peer.my_conversations(db, supporter)] == ["closed"]


def test_notifications_reach_the_outbox_and_say_nothing_private(
    db, coordinator, seeker, make_person, topics, monkeypatch
):
    monkeypatch.setenv("SMTP_URL", "smtp://127.0.0.1:2525")
    offer(db, coordinator, make_person("Pia Peer"), [topics["Patient death"]])
    ask(db, seeker, [topics["Patient death"]])
    bodies = db.scalars(select(OutboxMessage.body)).all()
    assert bodies and all("Patient death" not in b and "Sam" not in b for b in bodies)
    assert set(bodies) == {email_body()}  # one fixed text: nothing of the request can reach it
    assert peer.unread_count(db, coordinator) >= 1


def test_my_trends_show_load_before_and_after_each_conversation(db, coordinator, seeker, make_person, topics):
    from tracker.queries import trends

    supporter = offer(db, coordinator, make_person("Pia Peer"), [topics["Gratitude"]])
    request_id = ask(db, seeker, [topics["Gratitude"]], load_before=8)
    match = meet(db, coordinator, seeker, supporter, request_id)
    assert trends.my_trends(db, seeker, days=90).conversations.empty
    conversations.seeker_feedback(db, seeker, match.id, load_after=4, helpful=5)
    [row] = trends.my_trends(db, seeker, days=90).conversations.to_dict("records")
    assert (row["load_before"], row["load_after"], row["ratio"]) == (8, 4, 0.5)
    assert trends.my_trends(db, supporter, days=90).conversations.empty  # the supporter's view is not theirs


def test_without_smtp_nothing_is_queued_for_e_mail(db, coordinator, seeker, topics, monkeypatch):
    monkeypatch.delenv("SMTP_URL", raising=False)
    ask(db, seeker, [topics["Gratitude"]])
    assert peer.unread_count(db, coordinator) == 1
    assert db.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_a_line_that_looks_like_an_identifier_can_be_sent_when_confirmed(db, seeker, topics):
    request_id = ask(db, seeker, [topics["Gratitude"]], note_for_coordinator="Room 12345678 works", save_anyway=True)
    assert db.get(SupportRequest, request_id).note_for_coordinator == "Room 12345678 works"


def test_no_withdrawing_once_the_meeting_time_has_passed(db, coordinator, seeker, make_person, topics):
    supporter = offer(db, coordinator, make_person("Pia Peer"), [topics["Gratitude"]])
    request_id = ask(db, seeker, [topics["Gratitude"]])
    meet(db, coordinator, seeker, supporter, request_id)
    with pytest.raises(ValidationError, match="meeting time has passed"):
        requests.withdraw(db, seeker, request_id)


def test_a_declined_request_tells_the_seeker_why_and_the_invitation_updates(
    db, coordinator, seeker, make_person, topics
):
    request_id = ask(db, seeker, [topics["Gratitude"]])
    decisions.decline_request(db, coordinator, request_id, reason="Please see occupational health")
    [view] = peer.my_conversations(db, seeker)
    assert (view.status, view.decline_reason) == ("declined", "Please see occupational health")
    [note] = [n for n in peer.notifications(db, seeker) if n.request_id == request_id]
    assert note.kind == "request_declined" and "closed your request" in note.text
    supporter = offer(db, coordinator, make_person("Pia Peer"), [topics["Gratitude"]])
    second = ask(db, seeker, [topics["Gratitude"]])
    decisions.propose_matches(db, coordinator)
    match = only_match(db, second)
    decisions.approve(db, coordinator, match.id)
    conversations.propose_time(db, supporter, match.id, utcnow() + timedelta(days=1))
    conversations.propose_time(db, seeker, match.id, utcnow() + timedelta(days=2))
    conversations.accept_time(db, supporter, match.id)
    [event] = Calendar.from_ical(peer.invitation(db, seeker, match.id)).walk("VEVENT")
    assert int(event["SEQUENCE"]) == 2 and event["DTSTAMP"].dt < event["DTSTART"].dt


def test_a_proposed_request_past_the_response_target_is_still_overdue(db, coordinator, seeker, make_person, topics):
    offer(db, coordinator, make_person("Pia Peer"), [topics["Gratitude"]])
    request_id = ask(db, seeker, [topics["Gratitude"]])
    db.get(SupportRequest, request_id).created_at = utcnow() - timedelta(hours=30)
    db.commit()
    decisions.propose_matches(db, coordinator)
    [waiting] = queue.review_queue(db, coordinator).requests
    assert waiting.status == "proposed" and waiting.overdue


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_sweep_skips_its_round_while_another_replica_sweeps(db, seeker, topics, database_url):
    """Replicas sweep on their own (tracker/sweeper.py); on PostgreSQL one sweep runs at a time."""
    from sqlalchemy import create_engine, text

    from tracker.services.sweeps import SWEEP_LOCK, run_sweeps

    request_id = ask(db, seeker, list(topics.values())[:1])
    db.execute(
        update(SupportRequest).where(SupportRequest.id == request_id).values(created_at=utcnow() - timedelta(days=60))
    )
    db.commit()
    other_replica = create_engine(database_url)
    try:
        with other_replica.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": SWEEP_LOCK})
            assert run_sweeps(db).skipped
            assert db.get(SupportRequest, request_id).status == "open"
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": SWEEP_LOCK})
        report = run_sweeps(db)
    finally:
        other_replica.dispose()
    assert not report.skipped and report.expired == 1
    db.expire_all()
    assert db.get(SupportRequest, request_id).status == "expired"
