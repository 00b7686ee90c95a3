"""The peer-support pages: Ask for a conversation, Support a peer, My conversations, Notifications
and the coordinator's Review queue (the rules themselves are tested in tests/services)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from db.models import Match, utcnow
from tests.conftest import token
from tests.pages.conftest import _render_page, open_whole_app, sign_in
from tracker.domain import RequestDraft
from tracker.queries import entries, peer
from tracker.scoring import CheckInAnswers
from tracker.services import checkins, conversations, requests, supporters
from tracker.services import queue as decisions


@pytest.fixture
def topics(db):
    return {t.name: t.id for t in entries.tag_options(db)}


@pytest.fixture
def coordinator(make_person):
    return make_person("Cora Coordinator", roles=("coordinator", "clinician"))


@pytest.fixture
def supporter(db, make_person, coordinator, topics):
    person = make_person("Sol Supporter", profession="nurse")
    supporters.save_profile(db, person, topic_ids=(topics["Patient death"],), capacity_per_month=3)
    supporters.mark_trained(db, coordinator, person.id, trained=True)
    return person


def ask(db, person, topic_id, **fields) -> int:
    values = {"token": token(), "topic_ids": (topic_id,), "urgency": "soon", "load_before": 8, **fields}
    return requests.ask(db, person, RequestDraft(**values))


def approved_pair(db, coordinator, seeker, topic_id) -> int:
    request_id = ask(db, seeker, topic_id)
    decisions.propose_matches(db, coordinator)
    match_id = db.scalar(select(Match.id).where(Match.request_id == request_id))
    decisions.approve(db, coordinator, match_id)
    return match_id


def texts(at) -> str:
    """Everything the page shows as text, tables included."""
    shown = [
        e.value
        for kind in ("title", "subheader", "markdown", "text", "caption", "info", "warning", "error")
        for e in getattr(at, kind)
    ]
    for frame in at.dataframe:
        shown += [str(c) for c in frame.value.columns] + [str(v) for v in frame.value.to_numpy().ravel()]
    return "\n".join(shown)


def button(at, label):
    return next(b for b in at.button if b.label == label)


@pytest.mark.parametrize(
    "module, title",
    [
        ("me.ask", "Ask for a conversation"),
        ("me.support", "Support a peer"),
        ("me.conversations", "My conversations"),
        ("me.notifications", "Notifications"),
    ],
)
def test_clinician_pages_open(open_page, clinician, module, title):
    at = open_page(module, clinician)
    assert not at.exception
    assert at.title[0].value == title
    assert not at.error


def test_notifications_open_for_an_administrator_who_is_no_clinician(open_page, administrator):
    at = open_page("me.notifications", administrator)
    assert not at.exception and not at.error
    assert "Nothing is waiting" in at.info[0].value


def test_queue_opens_for_a_coordinator(open_page, coordinator):
    at = open_page("coordination.queue", coordinator)
    assert not at.exception and not at.error
    assert at.title[0].value == "Review queue"


def test_ask_form_stores_a_request(open_page, db, clinician, topics):
    at = open_page("me.ask", clinician)
    at.pills(key="ask:0:topics").set_value([topics["Patient death"], topics["Moral distress"]])
    at.segmented_control(key="ask:0:urgency").set_value("this_week")
    at.checkbox(key="ask:0:not_my_unit").check()
    at.slider(key="ask:0:load").set_value(8)
    at.text_input(key="ask:0:line").input("Evenings suit me best")
    button(at, "Send my request").click().run()
    assert not at.exception and not at.error
    [request] = peer.my_conversations(db, clinician)
    assert (request.status, request.urgency, request.load_before) == ("open", "this_week", 8)
    assert request.topics == ("Moral distress", "Patient death")
    assert at.subheader[0].value.startswith("Your request")  # the form gives way to the request's state
    assert any(b.label == "Withdraw my request" for b in at.button)


def test_ask_form_refuses_missing_topics_and_stores_nothing(open_page, db, clinician):
    at = open_page("me.ask", clinician)
    at.segmented_control(key="ask:0:urgency").set_value("soon")
    button(at, "Send my request").click().run()
    assert "at least one topic" in at.error[0].value
    assert peer.my_conversations(db, clinician) == []


def test_ask_form_questions_an_identifier_in_the_line_and_sends_only_when_confirmed(open_page, db, clinician, topics):
    at = open_page("me.ask", clinician)
    at.pills(key="ask:0:topics").set_value([topics["Patient death"]])
    at.segmented_control(key="ask:0:urgency").set_value("soon")
    at.text_input(key="ask:0:line").input("About the patient on 555-123-4567")
    button(at, "Send my request").click().run()
    assert any("patient identifier" in w.value for w in at.warning)
    assert peer.my_conversations(db, clinician) == []
    at.checkbox(key="ask:0:anyway").check()
    button(at, "Send my request").click().run()
    assert not at.exception and not at.error
    [request] = peer.my_conversations(db, clinician)
    assert request.status == "open"


def test_ask_form_starts_from_a_load_another_page_passed(engine, clinician):
    at = AppTest.from_function(_render_page, args=("me.ask", "render"), default_timeout=30)
    sign_in(at, clinician)
    at.session_state["ask:load"] = 9  # what My conversations leaves for a supporter who would like support
    at.run()
    assert at.slider(key="ask:0:load").value == 9


def test_withdraw_asks_for_confirmation(open_page, db, clinician, topics):
    ask(db, clinician, topics["Patient death"])
    at = open_page("me.ask", clinician)
    button(at, "Withdraw my request").click().run()
    assert peer.my_conversations(db, clinician)[0].status == "open"  # nothing yet: the dialog asks first
    button(at, "Withdraw").click().run()
    assert not at.exception
    assert peer.my_conversations(db, clinician)[0].status == "withdrawn"
    assert at.pills(key="ask:0:topics")  # the form is back


def test_support_page_opts_in_and_pauses(open_page, db, clinician, topics):
    at = open_page("me.support", clinician)
    at.pills(key="support:topics").set_value([topics["Gratitude"]])
    at.slider(key="support:capacity").set_value(3)
    button(at, "Offer support").click().run()
    assert not at.exception and not at.error
    profile = peer.supporter_profile(db, clinician)
    assert (profile.active, profile.trained, profile.capacity_per_month) == (True, False, 3)
    assert "has not recorded your peer-support training" in texts(at)
    button(at, "Pause").click().run()
    assert peer.supporter_profile(db, clinician).active is False
    assert any(b.label == "Resume" for b in at.button)


def test_queue_proposes_with_reasons_and_shows_no_seeker_name_or_load(
    open_page, db, make_person, coordinator, supporter, topics
):
    seeker = make_person("Zelda Quillfeather", profession="physician")
    ask(db, seeker, topics["Patient death"], load_before=9, note_for_coordinator="Evenings suit me best")
    at = open_page("coordination.queue", coordinator)
    button(at, "Propose matches").click().run()
    assert not at.exception and not at.error
    shown = texts(at)
    assert "Sol Supporter" in shown and "both know patient death" in shown  # the pair and its reasons
    assert "Evenings suit me best" in shown and "physician" in shown  # what the coordinator may see
    assert "Zelda" not in shown and "Quillfeather" not in shown
    # "load" only where the page says what the coordinator never sees
    assert [line for line in shown.splitlines() if "load" in line.lower()] == [at.caption[0].value]
    assert "never names, entries or loads" in at.caption[0].value
    button(at, "Approve all 1").click().run()
    assert not at.exception
    assert [c.status for c in peer.my_conversations(db, seeker)] == ["approved"]


def test_queue_swaps_to_a_ranked_alternative(open_page, db, make_person, coordinator, supporter, topics):
    other = make_person("Olga Other")
    supporters.save_profile(db, other, topic_ids=(topics["Gratitude"],), capacity_per_month=2)
    supporters.mark_trained(db, coordinator, other.id, trained=True)
    seeker = make_person("Zelda Quillfeather")
    ask(db, seeker, topics["Patient death"])
    decisions.propose_matches(db, coordinator)
    at = open_page("coordination.queue", coordinator)
    next(b for b in at.button if b.label == "Swap supporter").click().run()
    alternatives = next(s for s in at.selectbox if (s.key or "").startswith("alternative:"))
    assert alternatives.value.supporter == "Olga Other"
    button(at, "Propose Olga Other instead").click().run()
    assert not at.exception and not at.error
    assert "Olga Other" in texts(at)


def test_queue_declines_a_pair_with_a_reason(open_page, db, make_person, coordinator, supporter, topics):
    seeker = make_person("Zelda Quillfeather")
    ask(db, seeker, topics["Patient death"])
    decisions.propose_matches(db, coordinator)
    at = open_page("coordination.queue", coordinator)
    button(at, "Decline pair").click().run()
    button(at, "Decline this pair (it is never proposed again)").click().run()
    assert "Please give a reason" in at.error[0].value
    at.text_input[0].input("They work closely together")
    button(at, "Decline this pair (it is never proposed again)").click().run()
    assert not at.exception and not at.error
    assert [c.status for c in peer.my_conversations(db, seeker)] == ["open"]
    assert "Proposed supporter" not in texts(at)


def test_queue_names_the_rule_that_blocks_a_request(open_page, db, clinician, coordinator, topics):
    ask(db, clinician, topics["Patient death"])  # nobody has offered to support peers
    at = open_page("coordination.queue", coordinator)
    assert not at.exception
    assert "Nobody can serve this request under the rules: no" in at.warning[0].value


def test_clinician_without_the_coordinator_role_is_refused_on_the_queue(open_page, clinician, topics, db):
    ask(db, clinician, topics["Patient death"])
    at = open_page("coordination.queue", clinician)
    assert not at.exception
    assert at.error, "no refusal shown"
    assert not at.dataframe and not any(b.label == "Propose matches" for b in at.button)


def test_clinician_cannot_reach_the_queue_by_url(clinician):
    at = open_whole_app(clinician, "queue")
    assert not at.exception
    assert "Review queue" not in [t.value for t in at.title]


def test_conversation_time_proposed_accepted_and_invitation_offered(
    open_page, db, clinician, coordinator, supporter, topics
):
    approved_pair(db, coordinator, clinician, topics["Patient death"])
    at = open_page("me.conversations", supporter)
    assert "Cleo Clinician" in texts(at)  # the supporter sees the seeker's name once approved
    assert "8 of 10" not in texts(at)  # but never the load
    button(at, "Propose this time").click().run()
    assert not at.exception and not at.error
    at = open_page("me.conversations", clinician)
    assert "Sol Supporter, nurse" in texts(at)
    button(at, "Accept this time").click().run()
    assert not at.exception and not at.error
    assert peer.my_conversations(db, clinician)[0].status == "scheduled"
    assert at.get("download_button")


def test_feedback_forms_after_the_meeting(open_page, db, clinician, coordinator, supporter, topics):
    match_id = approved_pair(db, coordinator, clinician, topics["Patient death"])
    conversations.propose_time(db, supporter, match_id, utcnow() + timedelta(days=1))
    conversations.accept_time(db, clinician, match_id)
    db.get(Match, match_id).meeting_at = utcnow() - timedelta(hours=1)  # time passes (services refuse past times)
    db.commit()
    at = open_page("me.conversations", clinician)
    at.slider(key=f"load_after:{match_id}").set_value(3)
    at.segmented_control(key=f"helpful:{match_id}").set_value(5)
    button(at, "Send feedback").click().run()
    assert not at.exception and not at.error
    [mine] = peer.my_conversations(db, clinician)
    assert (mine.status, mine.load_after) == ("met", 3)


def test_supporter_who_would_like_support_goes_to_ask_with_their_load(db, clinician, coordinator, supporter, topics):
    match_id = approved_pair(db, coordinator, clinician, topics["Patient death"])
    conversations.propose_time(db, clinician, match_id, utcnow() + timedelta(days=1))
    conversations.accept_time(db, supporter, match_id)
    db.get(Match, match_id).meeting_at = utcnow() - timedelta(hours=1)  # time passes
    db.commit()
    at = open_whole_app(supporter, "conversations")
    at.slider(key=f"load_after:{match_id}").set_value(7)
    at.checkbox(key=f"wants:{match_id}").check()
    button(at, "Send feedback").click().run()
    assert not at.exception and not at.error
    assert at.title[0].value == "Ask for a conversation"
    assert at.slider(key="ask:0:load").value == 7


def test_notifications_are_listed_and_marked_read_and_home_counts_them(
    open_page, db, clinician, coordinator, supporter, topics
):
    approved_pair(db, coordinator, clinician, topics["Patient death"])
    home = open_page("me.home", clinician)
    assert any("new notification" in link.label for link in home.get("page_link"))
    at = open_page("me.notifications", clinician)
    assert not at.exception
    assert "**New** · A shared-load conversation was approved" in texts(at)
    assert peer.unread_count(db, clinician) == 0
    home.run()
    assert not any("new notification" in link.label for link in home.get("page_link"))


def test_early_warning_button_opens_the_ask_page(db, clinician):
    checkins.submit(db, clinician, token=token(), answers=CheckInAnswers(brs=(1, 5, 1, 5, 1, 5), burnout=4, load=9))
    at = open_whole_app(clinician)
    button(at, "Ask for a shared-load conversation").click().run()
    assert not at.exception
    assert at.title[0].value == "Ask for a conversation"


def test_queue_shows_requests_a_page_at_a_time(open_page, db, make_person, coordinator, topics):
    from pages.coordination.queue import PAGE_SIZE

    seekers = [make_person(f"Seeker {i}") for i in range(PAGE_SIZE + 3)]
    asked = [ask(db, seeker, topics["Patient death"]) for seeker in seekers]
    at = open_page("coordination.queue", coordinator)
    assert not at.exception
    shown = [m.value for m in at.markdown if m.value.startswith("**Request ")]
    assert len(shown) == PAGE_SIZE and f"**Request {asked[0]}**" in shown[0]  # longest waiting first
    assert f"Requests 1–{PAGE_SIZE} of {len(asked)}" in texts(at)
    assert button(at, "Previous").disabled and not button(at, "Next").disabled
    button(at, "Next").click().run()
    shown = [m.value for m in at.markdown if m.value.startswith("**Request ")]
    assert [s.split("**")[1] for s in shown] == [f"Request {i}" for i in asked[PAGE_SIZE:]]
    assert "Page 2 of 2" in texts(at) and button(at, "Next").disabled
    button(at, "Previous").click().run()
    assert len([m for m in at.markdown if m.value.startswith("**Request ")]) == PAGE_SIZE
