"""A shared-load conversation from the early warning to both people's feedback, in Chromium against
the real server; and screenshots of the request form, the queue with reasons and My conversations.

Everything a person does here goes through the pages. Only the setting-up (entries that make the
warning show, supporter profiles) and one step nobody can click (time passing until the meeting is
over) go through the services and the database directly.
"""

from __future__ import annotations

import email
import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.policy import default
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from playwright.sync_api import Page, expect
from sqlalchemy import select

from db.models import Match, utcnow
from db.models import Person as PersonRow
from tests.e2e.conftest import (
    CLINICIAN,
    COORDINATOR,
    DEMO_PASSWORD,
    DESKTOP,
    FIRST_ADMINISTRATOR,
    PHONE,
    ROOT,
    Person,
    Server,
    assert_no_exception,
    click,
    close_sidebar,
    invite_with_password,
    main,
    new_context,
    open_nav_link,
    running_demo,
    seed,
    sign_in,
    sign_out,
    sqlite_url,
    start_server,
)
from tests.e2e.test_screenshots import SCREENSHOTS, shoot
from tests.services.test_mail import SmtpServer
from tracker.domain import InteractionDraft, RequestDraft, Role
from tracker.notify import email_body
from tracker.queries import entries, peer, trends
from tracker.services import auth, conversations, interactions, requests, supporters
from tracker.services import queue as decisions

pytestmark = pytest.mark.e2e

ZONE = ZoneInfo("Europe/London")  # the browser's time zone (conftest.new_context), remembered at sign-in


# ---- setting up through the services ------------------------------------------------------------


def drift(server: Server, person: Person) -> None:
    """Six weeks of entries whose last two weeks turn draining, logged as the person would: the
    private early warning shows on their Home."""
    actor = server.actor(person)
    with server.session() as session:
        for days_ago in range(45, -1, -1):
            for rating in (2, 1, -1) if days_ago >= 15 else (-2, -3, -1):
                interactions.log(
                    session,
                    actor,
                    InteractionDraft(
                        token=uuid.uuid4().hex, occurred_on=actor.today() - timedelta(days=days_ago), rating=rating
                    ),
                )
        assert trends.home_status(session, actor)[0].prompt


def offer_support(server: Server, person: Person, topics: tuple[str, ...], *, capacity: int = 2) -> None:
    """The person offers support (as on Support a peer) and the coordinator records the training."""
    supporter, coordinator = server.actor(person), server.actor(COORDINATOR)
    with server.session() as session:
        names = {t.name: t.id for t in entries.tag_options(session)}
        supporters.save_profile(
            session, supporter, topic_ids=tuple(names[t] for t in topics), capacity_per_month=capacity
        )
        supporters.mark_trained(session, coordinator, supporter.id, trained=True)


def meeting_is_over(server: Server, match_id: int) -> None:
    """Time passes: the agreed meeting moves an hour into the past. Only a test can do this — the
    services refuse a meeting time that is not in the future — so it writes the row directly."""
    with server.session() as session:
        session.get(Match, match_id).meeting_at = utcnow() - timedelta(hours=1)
        session.commit()


def the_match(server: Server) -> int:
    with server.session() as session:
        return session.scalar(select(Match.id).where(Match.status != "declined").order_by(Match.id.desc()))


# ---- what a person does in the browser ------------------------------------------------------------


def button(page: Page, name: str):
    return main(page).get_by_role("button", name=name, exact=True)


def choose(page: Page, name: str) -> None:
    """One option of a segmented control (a radio group)."""
    main(page).get_by_role("radio", name=name, exact=True).click()


def set_slider(page: Page, label: str, value: int) -> None:
    """Move a Streamlit slider with the keyboard, as a person without a mouse would."""
    slider = main(page).get_by_role("slider", name=label)
    slider.focus()
    current = int(slider.input_value())
    key = "ArrowRight" if value > current else "ArrowLeft"
    for _ in range(abs(value - current)):
        slider.press(key)
    expect(slider).to_have_value(str(value))


def open_page(page: Page, title: str, heading: str | None = None) -> None:
    open_nav_link(page, title)
    if page.viewport_size["width"] < 600:
        close_sidebar(page)  # on a phone it covers the page
    expect(main(page).get_by_role("heading", name=heading or title)).to_be_visible()
    assert_no_exception(page)


def set_meeting_time(page: Page, moment: datetime) -> None:
    """Type the date and the time into their segments (year, month, day; hour, minute)."""
    main(page).get_by_role("group", name="Date").get_by_role("spinbutton").first.click()
    page.keyboard.type(f"{moment:%Y%m%d}")
    main(page).get_by_role("group", name="Time").get_by_role("spinbutton").first.click()
    page.keyboard.type(f"{moment:%H%M}")
    page.keyboard.press("Tab")


# ---- the whole conversation ------------------------------------------------------------------------


SUPPORTER = Person("Sam Supporter", "sam.supporter@example.org", frozenset({Role.CLINICIAN}))


@pytest.fixture(scope="module")
def smtp():
    """A real local SMTP server that records what it is handed (aiosmtpd)."""
    server = SmtpServer()
    server.controller.start()
    yield server
    server.controller.stop()


@pytest.fixture(scope="module")
def flow_server(tmp_path_factory, smtp):
    workdir = tmp_path_factory.mktemp("conversation")
    url = sqlite_url(workdir)
    seed(url)
    # The app queues e-mails only where SMTP is configured: the server process inherits this.
    before = os.environ.get("SMTP_URL")
    os.environ["SMTP_URL"] = smtp.url
    try:
        server = start_server(url, workdir)
    finally:
        os.environ.pop("SMTP_URL") if before is None else os.environ.__setitem__("SMTP_URL", before)
    with server.session() as session:
        invite_with_password(session, server.actor(FIRST_ADMINISTRATOR), SUPPORTER)
    drift(server, CLINICIAN)
    offer_support(server, SUPPORTER, ("Patient death", "Moral distress"))
    yield server
    server.stop()


def deliver_notifications(server: Server, smtp: SmtpServer) -> list[EmailMessage]:
    """The sender, as ./run-app starts it, delivers the outbox once to the local SMTP server."""
    env = {**os.environ, "DATABASE_URL": server.database_url, "SMTP_URL": smtp.url, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "tracker", "send-notifications", "--once"],
        env=env,
        cwd=ROOT,
        timeout=60,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return [email.message_from_bytes(item["raw"], policy=default) for item in smtp.handler.arrived]


def test_from_the_early_warning_to_both_peoples_feedback(browser, flow_server, smtp, tmp_path):
    server = flow_server
    context = new_context(browser, DESKTOP)
    try:
        page = context.new_page()

        # The drifting clinician asks, one click from the private warning.
        sign_in(page, server.base, CLINICIAN.email)
        expect(main(page).get_by_text("Your load seems heavier lately")).to_be_visible()
        click(button(page, "Ask for a shared-load conversation"))
        page.wait_for_url(server.url("ask"))
        expect(main(page).get_by_role("heading", name="Ask for a conversation")).to_be_visible()
        assert_no_exception(page)
        button(page, "Patient death").click()
        choose(page, "This week")
        set_slider(page, "How heavy is your load right now?", 8)
        main(page).get_by_label("A line for the coordinator (optional)").fill("Evenings suit me best")
        click(button(page, "Send my request"))
        expect(main(page).get_by_role("heading", name="Your request")).to_be_visible()
        expect(main(page).get_by_text("a coordinator is looking for a peer supporter")).to_be_visible()
        assert_no_exception(page)
        sign_out(page)

        # The coordinator runs the engine and approves the pair; the seeker stays nameless.
        sign_in(page, server.base, COORDINATOR.email)
        open_page(page, "Review queue")
        expect(main(page).get_by_text("Evenings suit me best")).to_be_attached()  # a table cell
        click(button(page, "Propose matches"))
        expect(main(page).get_by_text("both know patient death")).to_be_visible()
        expect(main(page).get_by_text("Sam Supporter").first).to_be_visible()
        assert "Cleo" not in main(page).inner_text()
        assert_no_exception(page)
        click(button(page, "Approve"))
        expect(main(page).get_by_role("heading", name="Approved pairs")).to_be_visible()
        assert_no_exception(page)
        sign_out(page)

        # The supporter sees the seeker's name and proposes a time, in their own time zone.
        sign_in(page, server.base, SUPPORTER.email)
        open_page(page, "My conversations")
        expect(main(page).get_by_text("Your peer: Cleo Clinician")).to_be_visible()
        meeting = (datetime.now(ZONE) + timedelta(days=3)).replace(hour=14, minute=30, second=0, microsecond=0)
        set_meeting_time(page, meeting)
        click(button(page, "Propose this time"))
        expect(main(page).get_by_text("waiting for your peer to accept")).to_be_visible()
        expect(
            main(page).get_by_text(f"{meeting:%A} {meeting.day} {meeting:%B %Y, %H:%M} (Europe/London)")
        ).to_be_visible()
        assert_no_exception(page)
        sign_out(page)

        # The seeker accepts it and downloads the invitation.
        sign_in(page, server.base, CLINICIAN.email)
        open_page(page, "Notifications")
        expect(main(page).get_by_text("A meeting time was proposed for your conversation.")).to_be_visible()
        open_page(page, "My conversations")
        expect(main(page).get_by_text("Your supporter: Sam Supporter")).to_be_visible()
        click(button(page, "Accept this time"))
        expect(main(page).get_by_text("Meeting:")).to_be_visible()
        assert_no_exception(page)
        with page.expect_download() as download:
            main(page).get_by_role("button", name="Add to my calendar (.ics)").click()
        calendar = Calendar.from_ical(download.value.path().read_bytes())
        [event] = calendar.walk("VEVENT")
        assert event.get("DTSTART") is not None
        assert event.decoded("DTSTART") == meeting.astimezone(UTC)
        assert "Sam Supporter" in str(event.get("SUMMARY"))

        # The meeting takes place; the seeker says how it went.
        match_id = the_match(server)
        meeting_is_over(server, match_id)
        open_page(page, "Home", heading="Hello, Cleo")
        open_page(page, "My conversations")
        set_slider(page, "How heavy is your load now?", 3)
        choose(page, "5 Very")
        click(button(page, "Send feedback"))
        expect(main(page).get_by_text("Your load: 8 of 10 before, 3 of 10 after.")).to_be_visible()
        assert_no_exception(page)
        sign_out(page)

        # The supporter says how it went, and would like support too: the form opens with their load.
        sign_in(page, server.base, SUPPORTER.email)
        open_page(page, "My conversations")
        set_slider(page, "How heavy is your load now?", 6)
        main(page).get_by_text("I would like support myself").click()
        click(button(page, "Send feedback"))
        page.wait_for_url(server.url("ask"))
        expect(main(page).get_by_role("heading", name="Ask for a conversation")).to_be_visible()
        expect(main(page).get_by_role("slider", name="How heavy is your load right now?")).to_have_value("6")
        assert_no_exception(page)
    finally:
        context.close()

    with server.session() as session:
        [seeker_view] = peer.my_conversations(session, server.actor(CLINICIAN))
        [supporter_view] = peer.my_conversations(session, server.actor(SUPPORTER))
    assert (seeker_view.status, seeker_view.load_before, seeker_view.load_after) == ("closed", 8, 3)
    assert (supporter_view.status, supporter_view.role, supporter_view.my_feedback_given) == (
        "closed",
        "supporter",
        True,
    )

    # Every step told someone; the e-mails reach the local SMTP server, once each, saying nothing more.
    messages = deliver_notifications(server, smtp)
    recipients = {message["To"] for message in messages}
    assert {CLINICIAN.email, SUPPORTER.email, COORDINATOR.email} <= recipients
    assert len({message["Message-ID"] for message in messages}) == len(messages)
    for message in messages:
        body = message.get_content().replace("\r\n", "\n")  # SMTP line endings
        assert body == email_body() and "Cleo" not in body and "Sam" not in body and "Patient death" not in body
    again = deliver_notifications(server, smtp)  # a second round sends nothing again
    assert [m["Message-ID"] for m in again] == [m["Message-ID"] for m in messages]


# ---- screenshots of the demo organisation --------------------------------------------------------

DEMO_CLINICIAN = "clinician@demo.example"  # no request in progress: the form shows
DEMO_COORDINATOR = "coordinator@demo.example"


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    """The demo organisation: supporters, a history, a queue (40 people: enough for open requests)."""
    with running_demo(tmp_path_factory, "demo-peer", people=40) as server:
        yield server


def demo_actor(server: Server, email: str):
    with server.session() as session:
        return auth.current_actor(session, session.scalar(select(PersonRow.id).where(PersonRow.email == email)))


def a_conversation_in_progress(server: Server) -> None:
    """The demo clinician asks; the coordinator approves the engine's pair; the supporter proposes
    a time. Through the services: the screenshots show the result, the flow test above the clicks."""
    seeker, coordinator = demo_actor(server, DEMO_CLINICIAN), demo_actor(server, DEMO_COORDINATOR)
    with server.session() as session:
        names = {t.name: t.id for t in entries.tag_options(session)}
        draft = RequestDraft(
            token=uuid.uuid4().hex,
            topic_ids=(names["Patient death"], names["Moral distress"]),
            urgency="this_week",
            load_before=8,
        )
        request_id = requests.ask(session, seeker, draft)
        decisions.propose_matches(session, coordinator)
        match = session.scalar(select(Match).where(Match.request_id == request_id))
        decisions.approve(session, coordinator, match.id)
        supporter = auth.current_actor(session, match.supporter_id)
        when = (datetime.now(ZONE) + timedelta(days=2)).replace(hour=17, minute=30, second=0, microsecond=0)
        conversations.propose_time(session, supporter, match.id, when)


def test_screenshots_of_the_peer_pages(browser, demo_server):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    sizes = {"desktop": DESKTOP, "phone": PHONE}
    for size, viewport in sizes.items():
        with new_context(browser, viewport) as context:
            page = context.new_page()
            sign_in(page, demo_server.base, DEMO_CLINICIAN, DEMO_PASSWORD)
            open_page(page, "Ask for a conversation")
            button(page, "Patient death").click()
            button(page, "Moral distress").click()
            choose(page, "This week")
            set_slider(page, "How heavy is your load right now?", 8)
            shoot(page, f"ask-{size}.png")

    for size, viewport in sizes.items():
        with new_context(browser, viewport) as context:
            page = context.new_page()
            sign_in(page, demo_server.base, DEMO_COORDINATOR, DEMO_PASSWORD)
            open_page(page, "Review queue")  # as the demo leaves it: an overdue request, a proposal with reasons
            expect(main(page).get_by_text("Overdue").first).to_be_visible()
            expect(main(page).get_by_text("Proposed supporter").first).to_be_visible()
            expect(main(page).get_by_role("button", name="Approve", exact=True).first).to_be_visible()
            shoot(page, f"queue-{size}.png")

    a_conversation_in_progress(demo_server)
    for size, viewport in sizes.items():
        with new_context(browser, viewport) as context:
            page = context.new_page()
            sign_in(page, demo_server.base, DEMO_CLINICIAN, DEMO_PASSWORD)
            open_page(page, "My conversations")
            expect(button(page, "Accept this time")).to_be_visible()
            shoot(page, f"conversations-{size}.png")

    for name in ("ask", "queue", "conversations"):
        for size in sizes:
            assert (SCREENSHOTS / f"{name}-{size}.png").stat().st_size > 10_000
