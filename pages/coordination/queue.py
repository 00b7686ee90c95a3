"""The coordinator's review queue: each waiting request with its age against the response target and
the engine's proposal with its reasons (approve, swap the supporter, decline), the rule that blocks a
request nobody can serve, approved pairs, and supporters' conversations this month.

The queue shows what the service gives: topics, urgency, profession, unit, waiting time and the line
written for the coordinator — never a seeker's name, entries, notes, trends, check-ins or load.
Reading it is an audited action, so the page reads it once per run.
"""

from __future__ import annotations

import streamlit as st

from pages.ui.session import actor, db, flash
from pages.ui.text import literal
from pages.ui.widgets import submit
from tracker.errors import SharedLoadError
from tracker.queries import queue as queue_query
from tracker.queries.queue import Proposal, Queue, QueuedRequest
from tracker.services import queue, supporters

OPEN = "queue:open"  # which request's swap or decline form is open: ("swap" | "decline" | "end", id)
PAGE = "queue:page"  # which page of waiting requests is shown (1-based)
PAGE_SIZE = 20  # requests drawn per page: 2,000 bordered cards took seconds to draw (bench: queue figure)
TABLE_ROWS = 15  # longer tables scroll inside themselves


def render() -> None:
    me = actor()
    st.title("Review queue")
    try:
        with db() as session:
            q = queue_query.review_queue(session, me)
    except SharedLoadError as error:
        st.error(literal(str(error)))
        return
    overdue = sum(r.overdue for r in q.requests)
    st.caption(
        f"{len(q.requests)} waiting · {overdue} overdue · response target {q.response_target_hours} hours. "
        "You see topics, urgency, profession, unit and the line written for you — never names, entries or loads."
    )
    left, right = st.columns(2)
    if left.button("Propose matches", type="primary", icon=":material/join_inner:", width="stretch"):
        submit(
            lambda s: queue.propose_matches(s, actor()),
            done=None,
            then=lambda run: flash(f"{run.proposed} pairs proposed for {run.open_requests} open requests."),
        )
    if q.proposals and right.button(f"Approve all {len(q.proposals)}", icon=":material/done_all:", width="stretch"):
        submit(lambda s: queue.approve_all(s, actor()), done="Every proposed pair approved.")
    if not q.requests:
        st.info("No request is waiting.", icon=":material/inbox:")
    proposals = {p.request_id: p for p in q.proposals}
    shown, page, pages = _page_of(q.requests)
    if pages > 1:
        first = (page - 1) * PAGE_SIZE + 1
        st.caption(f"Requests {first}–{first + len(shown) - 1} of {len(q.requests)}, longest waiting first")
    for request in shown:
        with st.container(border=True):
            _request(request, proposals.get(request.request_id))
    _pager(page, pages)
    _approved(q.approved)
    _supporters(q)


def _page_of(requests: list[QueuedRequest]) -> tuple[list[QueuedRequest], int, int]:
    """This page's requests (in the queue's own order: longest waiting first), the page and how
    many pages there are."""
    pages = max(1, -(-len(requests) // PAGE_SIZE))
    page = min(max(int(st.session_state.get(PAGE, 1)), 1), pages)
    st.session_state[PAGE] = page
    return requests[(page - 1) * PAGE_SIZE : page * PAGE_SIZE], page, pages


def _pager(page: int, pages: int) -> None:
    """Previous and Next, as callbacks: a click shows the page in one run, and each run reads the
    queue once (an audited view)."""
    if pages == 1:
        return
    back, where, forward = st.columns([1, 2, 1], vertical_alignment="center")
    back.button(
        "Previous",
        icon=":material/chevron_left:",
        key="queue:previous",
        disabled=page == 1,
        on_click=_turn,
        args=(page - 1,),
        width="stretch",
    )
    where.markdown(f"Page {page} of {pages}", text_alignment="center")
    forward.button(
        "Next",
        icon=":material/chevron_right:",
        key="queue:next",
        disabled=page == pages,
        on_click=_turn,
        args=(page + 1,),
        width="stretch",
    )


def _turn(page: int) -> None:
    st.session_state[PAGE] = page
    st.session_state.pop(OPEN, None)


def waiting(hours: float) -> str:
    return f"{hours:.0f} hours" if hours < 48 else f"{hours / 24:.0f} days"


def _request(r: QueuedRequest, proposal: Proposal | None) -> None:
    overdue = " &nbsp; :red-badge[:material/schedule: Overdue]" if r.overdue else ""
    st.markdown(f"**Request {r.request_id}** · waiting {waiting(r.waiting_hours)}{overdue}")
    st.markdown(f"**{r.urgency}** · {literal(', '.join(r.topics))}")
    st.caption(literal(" · ".join(part or "—" for part in (r.profession, r.unit))))
    if r.line_for_coordinator:
        st.text(f"“{r.line_for_coordinator}”")
    if r.blocked_by:
        st.warning(f"Nobody can serve this request under the rules: {literal(r.blocked_by)}.", icon=":material/block:")
    if proposal is not None:
        _proposal(proposal)
        return
    if not r.blocked_by:
        st.caption("No supporter proposed yet: Propose matches runs the engine over every open request.")
    if _toggle("Decline the request", ("end", r.request_id), width="content"):
        _reason_form(
            f"end:{r.request_id}",
            "Decline the request",
            lambda s, reason: queue.decline_request(s, actor(), r.request_id, reason=reason),
            "Request declined.",
        )


def _proposal(p: Proposal) -> None:
    st.markdown(f":material/handshake: Proposed supporter: **{literal(p.supporter)}**")
    st.markdown("\n".join(f"- {literal(reason)}" for reason in p.reasons))
    approve, swap, decline = st.columns(3)
    if approve.button("Approve", key=f"approve:{p.match_id}", type="primary", icon=":material/check:", width="stretch"):
        submit(lambda s: queue.approve(s, actor(), p.match_id), done="Pair approved.")
    with swap:
        swapping = _toggle("Swap supporter", ("swap", p.match_id), icon=":material/swap_horiz:")
    with decline:
        declining = _toggle("Decline pair", ("decline", p.match_id), icon=":material/close:")
    if swapping:
        _swap(p)
    if declining:
        _reason_form(
            f"decline:{p.match_id}",
            "Decline this pair (it is never proposed again)",
            lambda s, reason: queue.decline_pair(s, actor(), p.match_id, reason=reason),
            "Pair declined; the request is open again.",
        )


def _toggle(label: str, which: tuple[str, int], icon: str | None = None, width: str = "stretch") -> bool:
    """A button that opens (or closes) one form under it; one form is open at a time. A callback, so
    the click shows at once without a second run (each run reads the queue, an audited view)."""
    st.button(label, key=f"{which[0]}:{which[1]}", icon=icon, width=width, on_click=_flip, args=(which,))
    return st.session_state.get(OPEN) == which


def _flip(which: tuple[str, int]) -> None:
    st.session_state[OPEN] = None if st.session_state.get(OPEN) == which else which


def _close(_=None) -> None:
    st.session_state.pop(OPEN, None)


def _reason_form(key: str, label: str, call, done: str) -> None:
    with st.form(f"form:{key}", border=False):
        reason = st.text_input(
            "Reason (kept in the audit log, not shown to the seeker)", max_chars=300, key=f"reason:{key}"
        )
        if st.form_submit_button(label, type="primary"):
            submit(lambda s: call(s, reason), done=done, then=_close)


def _swap(p: Proposal) -> None:
    with db() as session:
        options = queue_query.alternatives(session, actor(), p.match_id)
    if not options:
        st.info("No other supporter is allowed for this request under the rules.")
        return
    chosen = st.selectbox(
        "Other supporters, best first", options, format_func=lambda a: a.supporter, key=f"alternative:{p.match_id}"
    )
    st.markdown("\n".join(f"- {literal(reason)}" for reason in chosen.reasons) or "No particular reason.")
    if st.button(f"Propose {literal(chosen.supporter)} instead", key=f"swap_to:{p.match_id}", type="primary"):
        submit(
            lambda s: queue.swap_supporter(s, actor(), p.match_id, chosen.supporter_id),
            done="Supporter swapped.",
            then=_close,
        )


def _approved(approved: list[Proposal]) -> None:
    if not approved:
        return
    st.subheader("Approved pairs", anchor=False)
    rows = [{"Request": p.request_id, "Supporter": p.supporter, "Status": p.status} for p in approved]
    st.dataframe(rows, hide_index=True, width="stretch", height="content" if len(rows) <= TABLE_ROWS else "auto")


def _supporters(q: Queue) -> None:
    st.subheader("Supporters this month", anchor=False)
    if not q.supporters:
        st.caption("Nobody has offered to support peers yet.")
        return
    rows = [
        {
            "Supporter": s.name,
            "Conversations": f"{s.used_this_month} of {s.capacity}",
            "Trained": "yes" if s.trained else "no",
            "Status": "active" if s.active else "paused",
        }
        for s in q.supporters
    ]
    st.dataframe(rows, hide_index=True, width="stretch", height="content" if len(rows) <= TABLE_ROWS else "auto")
    left, right = st.columns([2, 1], vertical_alignment="bottom")
    person = left.selectbox(
        "Training record", q.supporters, format_func=lambda s: f"{s.name} ({'trained' if s.trained else 'not trained'})"
    )
    label = "Mark not trained" if person.trained else "Mark trained"
    if right.button(label, key="trained", icon=":material/school:", width="stretch"):
        submit(
            lambda s: supporters.mark_trained(s, actor(), person.person_id, trained=not person.trained),
            done="Training record saved.",
        )
