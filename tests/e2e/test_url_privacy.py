"""Reaching for someone else's data through the real server, in Chromium: by URL and by a forged
widget value. Nothing of it shows, nothing changes, no exception.

The pages read no query parameter (`st.query_params` appears nowhere in pages/); the app's one
route that reads one is `DELETE /api/session?session=ID` (pages/ui/cookie.py). So a clinician, Mal,
opens every page URL of the app — his own pages and the coordinator's and administrator's — with
every parameter a page might one day read set to the ids of Vera's entry, request, conversation,
person and sign-in session, and asks the cookie route to drop Vera's session. Vera's reflections,
her line for the coordinator, her name and e-mail never appear; Mal stays Mal; Vera stays signed in.

Widget values: every id a page acts on comes from the server's own list of the person's things,
carried in the widget's key (`edit:<entry id>`, `delete:<entry id>`, `withdraw:<request id>`). The
browser can send the server anything, so the test rewrites the widget id in the websocket message
Mal's click sends — his entry's id becomes Vera's — and the server acts on nothing: no edit form,
no dialog, Vera's entry and request unchanged. The same click unforged works (the control).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from db.models import Interaction, Match, SignInSession, SupportRequest, utcnow
from pages.ui.navigation import URL_PATHS
from tests.e2e.conftest import (
    COORDINATOR,
    SIGN_OUT,
    Person,
    Server,
    assert_no_exception,
    click,
    close_page_not_found,
    main,
    open_app,
    open_nav_link,
    sign_in,
    wait_for_app,
)
from tracker.domain import InteractionDraft, RequestDraft
from tracker.queries import entries
from tracker.scoring import CheckInAnswers
from tracker.services import checkins, conversations, interactions, requests, sessions, supporters
from tracker.services import queue as decisions

pytestmark = pytest.mark.e2e

VERA_NOTE = "VERA-NOTE-7Q a private reflection"
VERA_LINE = "VERA-LINE-7Q evenings suit me"

# Rewrites, in every message the page sends on its websocket, each `from` string to its `to` string
# (same length, so the protobuf message stays well formed); counts the rewrites in window.__forged.
FORGE_JS = """
window.__forge = [];
window.__forged = 0;
const nativeSend = WebSocket.prototype.send;
WebSocket.prototype.send = function (data) {
  if (window.__forge.length && (data instanceof ArrayBuffer || ArrayBuffer.isView(data))) {
    const view = data instanceof ArrayBuffer ? new Uint8Array(data)
      : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const bytes = Uint8Array.from(view);
    for (const [from, to] of window.__forge) {
      const f = new TextEncoder().encode(from), t = new TextEncoder().encode(to);
      for (let i = 0; i + f.length <= bytes.length; i++) {
        let same = true;
        for (let j = 0; j < f.length && same; j++) same = bytes[i + j] === f[j];
        if (same) { bytes.set(t, i); window.__forged += 1; }
      }
    }
    return nativeSend.call(this, bytes);
  }
  return nativeSend.call(this, data);
};
"""


@dataclass(frozen=True)
class Scene:
    vera: Person
    mal: Person
    vera_entry: int
    mal_entry: int
    vera_request: int
    mal_request: int
    conversation: int
    vera_id: int
    vera_session: int

    def secrets(self) -> list[str]:
        return ["VERA-NOTE", "VERA-LINE", self.vera.name, self.vera.email]


@pytest.fixture(scope="module")
def scene(seeded_server: Server) -> Scene:
    """Vera (entries, a check-in, a request in an approved conversation with Sam) and Mal (one
    entry and an open request of his own), set up through the services."""
    vera, sam, mal = (seeded_server.new_person(n) for n in ("Vera Victim", "Sam Supporter", "Mal Attacker"))
    coordinator = seeded_server.actor(COORDINATOR)
    v, s, m = (seeded_server.actor(p) for p in (vera, sam, mal))
    with seeded_server.session() as db:
        gratitude = next(t.id for t in entries.tag_options(db) if t.name == "Gratitude")

        def note(actor, text, rating):
            draft = InteractionDraft(token=uuid.uuid4().hex, occurred_on=actor.today(), rating=rating, note=text)
            return interactions.log(db, actor, draft)

        def ask(actor, line):
            draft = RequestDraft(
                token=uuid.uuid4().hex, topic_ids=(gratitude,), urgency="soon", load_before=8, note_for_coordinator=line
            )
            return requests.ask(db, actor, draft)

        vera_entry = note(v, VERA_NOTE, -3)
        checkins.submit(db, v, token=uuid.uuid4().hex, answers=CheckInAnswers(brs=(1,) * 6, burnout=5, load=10))
        supporters.save_profile(db, s, topic_ids=(gratitude,), capacity_per_month=2)
        supporters.mark_trained(db, coordinator, s.id, trained=True)
        vera_request = ask(v, VERA_LINE)
        decisions.propose_matches(db, coordinator)
        match_id = db.scalar(select(Match.id).where(Match.request_id == vera_request))
        decisions.approve(db, coordinator, match_id)
        conversations.propose_time(db, s, match_id, utcnow() + timedelta(days=1))
        mal_entry = note(m, "MAL-OWN a note of his own", 1)
        mal_request = ask(m, None)
        vera_session = sessions.start(db, v).session_id
    # A forged widget id keeps its length: the two ids of each kind have as many digits.
    assert len(str(vera_entry)) == len(str(mal_entry)) and len(str(vera_request)) == len(str(mal_request))
    return Scene(vera, mal, vera_entry, mal_entry, vera_request, mal_request, match_id, v.id, vera_session)


def reaching_for_vera(scene: Scene) -> str:
    ids = {
        "entry": scene.vera_entry,
        "interaction": scene.vera_entry,
        "interaction_id": scene.vera_entry,
        "edit": scene.vera_entry,
        "delete": scene.vera_entry,
        "id": scene.vera_entry,
        "request": scene.vera_request,
        "request_id": scene.vera_request,
        "withdraw": scene.vera_request,
        "conversation": scene.conversation,
        "match": scene.conversation,
        "match_id": scene.conversation,
        "person": scene.vera_id,
        "person_id": scene.vera_id,
        "user": scene.vera_id,
        "session": scene.vera_session,
        "page": 2,
    }
    return urlencode(ids)


def shows_nothing_of_vera(page: Page, scene: Scene, where: str) -> None:
    assert_no_exception(page)
    text = page.locator("body").inner_text()
    shown = [secret for secret in scene.secrets() if secret in text]
    assert not shown, f"{where} shows {shown}"


def test_every_page_url_with_veras_ids_shows_nothing_of_her(seeded_server, context, page, scene):
    sign_in(page, seeded_server.base, scene.mal.email, scene.mal.password)
    query = reaching_for_vera(scene)
    for path in URL_PATHS:
        url = f"{seeded_server.base}/{path}?{query}"
        open_app(page, url)
        close_page_not_found(page)  # a coordinator's or administrator's page is not in Mal's navigation
        wait_for_app(page)
        shows_nothing_of_vera(page, scene, f"/{path}?…")
        expect(page.get_by_role("button", name=SIGN_OUT)).to_be_attached()  # still Mal, signed in
        # Everything a page can open by itself (expanders: entries, details) opened too.
        for expander in main(page).get_by_test_id("stExpander").locator("summary").all():
            expander.click()
        wait_for_app(page)
        shows_nothing_of_vera(page, scene, f"/{path}?… with every expander open")

    # The one route that reads a parameter: dropping the cookie of Vera's session.
    answer = page.request.delete(
        f"{seeded_server.base}/api/session?session={scene.vera_session}", headers={"Origin": seeded_server.base}
    )
    assert answer.status == 204
    with seeded_server.session() as db:
        assert db.get(SignInSession, scene.vera_session).ended_at is None  # Vera's session goes on
    open_app(page, f"{seeded_server.base}/log")
    expect(page.get_by_role("button", name=SIGN_OUT)).to_be_attached()  # and Mal's own cookie too


def test_the_check_would_see_veras_reflection_where_it_is_shown(seeded_server, page, scene):
    """The control: on Vera's own Log, with her entry opened, the same check finds her reflection."""
    sign_in(page, seeded_server.base, scene.vera.email, scene.vera.password)
    for expander in main(page).get_by_test_id("stExpander").locator("summary").all():
        expander.click()
    wait_for_app(page)
    with pytest.raises(AssertionError, match="VERA-NOTE"):
        shows_nothing_of_vera(page, scene, "Vera's own Log")


def test_a_forged_widget_id_acts_on_nothing(seeded_server, context, page, scene):
    context.add_init_script(FORGE_JS)
    sign_in(page, seeded_server.base, scene.mal.email, scene.mal.password)
    with seeded_server.session() as db:
        before = _veras_things(db, scene)
    body = main(page)
    mine = body.get_by_test_id("stExpander").filter(has_text="A bit fulfilling")
    expect(mine).to_have_count(1)

    def forged_click(name: str, swap: tuple[str, str]) -> None:
        if not mine.get_by_role("button", name=name).is_visible():
            mine.locator("summary").click()  # open the entry ...
            expect(mine.get_by_role("button", name=name)).to_be_visible()
            wait_for_app(page)
        page.evaluate("(swap) => { window.__forge = [swap]; window.__forged = 0; }", list(swap))
        click(mine.get_by_role("button", name=name))  # ... and click with Vera's id in place of Mal's
        assert page.evaluate("window.__forged") >= 1, f"the click on {name} carried no {swap[0]!r} to rewrite"
        page.evaluate("() => { window.__forge = []; }")
        shows_nothing_of_vera(page, scene, f"after a forged {name}")

    forged_click("Edit", (f"edit:{scene.mal_entry}", f"edit:{scene.vera_entry}"))
    expect(body.get_by_role("button", name="Save changes")).to_have_count(0)  # no edit form, hers or his
    forged_click("Delete", (f"delete:{scene.mal_entry}", f"delete:{scene.vera_entry}"))
    expect(page.get_by_role("dialog")).to_have_count(0)
    # The same clicks, unforged, do what they say (so the forged ones did nothing because of the forgery).
    if not mine.get_by_role("button", name="Edit").is_visible():
        mine.locator("summary").click()
    click(mine.get_by_role("button", name="Edit"))
    expect(body.get_by_role("button", name="Save changes")).to_be_visible()
    click(body.get_by_role("button", name="Cancel"))

    open_nav_link(page, "My conversations")
    withdraw = body.get_by_role("button", name="Withdraw my request")
    expect(withdraw).to_have_count(1)
    page.evaluate(
        "(swap) => { window.__forge = [swap]; window.__forged = 0; }",
        [f"withdraw:{scene.mal_request}", f"withdraw:{scene.vera_request}"],
    )
    click(withdraw)
    assert page.evaluate("window.__forged") >= 1
    page.evaluate("() => { window.__forge = []; }")
    shows_nothing_of_vera(page, scene, "after a forged Withdraw")
    expect(body.get_by_role("button", name="Keep my request")).to_have_count(0)  # no confirmation asked
    click(withdraw)
    expect(body.get_by_role("button", name="Keep my request")).to_be_visible()  # the control

    with seeded_server.session() as db:
        assert _veras_things(db, scene) == before


def _veras_things(db, scene: Scene) -> tuple:
    entry = db.get(Interaction, scene.vera_entry)
    request = db.get(SupportRequest, scene.vera_request)
    match = db.get(Match, scene.conversation)
    return (entry.note, entry.rating, request.status, match.status, match.meeting_at)
