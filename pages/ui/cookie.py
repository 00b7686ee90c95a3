"""The session cookie: the app's own route that sets and clears it, and the page script that calls it.

A Streamlit script talks to the browser over a websocket and cannot set a cookie, least of all an
HttpOnly one. So `streamlit_app.py` serves the app as an `st.App` with this one extra route:

- `POST /api/session` with `{"handoff": code}`: the one-time code a sign-in started
  (tracker/services/sessions.claim) becomes the session cookie — a new random id, HttpOnly,
  SameSite=Lax, Path=/, Secure when the app is reached over https, expiring with the session.
- `DELETE /api/session?session=ID`: the cookie is cleared if it names that session (0: a cookie
  that names no session we know), so one tab signing out never drops another tab's newer sign-in.

Both answer 204 with no body, or 403 for a request that is not from the app's own pages: the
browser must say so (`Sec-Fetch-Site: same-origin` when it sends that header, and an `Origin`
equal to the host asked for), and a POST's body must be JSON, which a cross-site form cannot
send without a CORS preflight that the app never answers. With the SameSite=Lax cookie this makes the
route unusable from another site (login CSRF included).

The page side: after a sign-in, `hand_over_cookie` renders a few lines of script (`st.html` with
JavaScript allowed, run in the page itself) that post the handoff code, on every run until the
session is claimed — a run cut short by a page switch simply hands it over in the next one. After
signing out, `drop_cookie` asks for the cookie to be cleared. The code and the session id are the
only values written into the script; the cookie's value never reaches the page.

Why this way, measured on Streamlit 1.67: `st.context.cookies` holds what the browser sent when
its websocket connected, so a cookie set later counts from the next page load (until then the
browser session keeps the session's id in `st.session_state`); a script in `st.html` runs once,
when its element first appears, not again on reruns with the same body. Cookie components write
`document.cookie`, which can never be HttpOnly; a plain HTML sign-in form posting to the route
would take the sign-in (throttling words, first run, single sign-on) out of Streamlit. So the
form stays a Streamlit form and only a one-time code crosses to the route.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import streamlit as st
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from db.models import utcnow
from pages.ui.session import FORGET_KEY, HANDOFF_KEY, db_outside_a_run
from tracker.services import sessions

PATH = "/api/session"


def routes(base_path: str = "") -> list[Route]:
    """The route, under the app's base URL path (server.baseUrlPath) like Streamlit's own."""
    return [Route(session_path(base_path), _session, methods=["POST", "DELETE"])]


def session_path(base_path: str = "") -> str:
    base = base_path.strip("/")
    return f"/{base}{PATH}" if base else PATH


async def _session(request: Request) -> Response:
    if not _from_our_pages(request):
        return Response(status_code=403)
    if request.method == "POST":
        return await _set_cookie(request)
    return await _clear_cookie(request)


async def _set_cookie(request: Request) -> Response:
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        return Response(status_code=403)
    try:
        handoff = json.loads(await request.body()).get("handoff")
    except (ValueError, AttributeError):
        return Response(status_code=400)
    claimed = await run_in_threadpool(_claim, handoff)
    if claimed is None:
        return Response(status_code=403)
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    response.set_cookie(
        sessions.COOKIE,
        claimed.token,
        max_age=max(0, int((claimed.expires_at - utcnow()).total_seconds())),
        path=_cookie_path(request),
        httponly=True,
        samesite="lax",
        secure=_over_https(request),
    )
    return response


async def _clear_cookie(request: Request) -> Response:
    try:
        session_id = int(request.query_params.get("session", ""))
    except ValueError:
        return Response(status_code=400)
    token = request.cookies.get(sessions.COOKIE)
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    if token is not None and await run_in_threadpool(_names_session, token, session_id):
        response.delete_cookie(
            sessions.COOKIE,
            path=_cookie_path(request),
            httponly=True,
            samesite="lax",
            secure=_over_https(request),
        )
    return response


def _claim(handoff: object) -> sessions.Claimed | None:
    with db_outside_a_run() as db:
        return sessions.claim(db, handoff)


def _names_session(token: str, session_id: int) -> bool:
    with db_outside_a_run() as db:
        return sessions.names_session(db, token, session_id)


def _from_our_pages(request: Request) -> bool:
    """True for a request the app's own pages sent (same origin); anything else is refused."""
    site = request.headers.get("sec-fetch-site")
    if site is not None and site != "same-origin":
        return False
    origin = request.headers.get("origin")
    host = (request.headers.get("x-forwarded-host") or request.headers.get("host") or "").split(",")[0].strip()
    return bool(origin and host) and urlsplit(origin).netloc.lower() == host.lower()


def _over_https(request: Request) -> bool:
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return request.url.scheme == "https" or forwarded == "https"


def _cookie_path(request: Request) -> str:
    """The whole app: the cookie's path is the base URL path (the route's path without /api/session)."""
    return request.url.path[: -len(PATH)] or "/"


# ---- the page side ------------------------------------------------------------------------------


def hand_over_cookie(where: Any) -> None:
    """While this browser session's sign-in has not been claimed yet: post its handoff code."""
    handoff = st.session_state.get(HANDOFF_KEY)  # dropped by the run that finds it claimed
    if handoff is None:
        return
    body = json.dumps({"handoff": handoff})
    _script(
        where,
        f"fetch({_url()}, {{method: 'POST', credentials: 'same-origin', "
        f"headers: {{'Content-Type': 'application/json'}}, body: {json.dumps(body)}}});",
    )


def drop_cookie(where: Any) -> None:
    """After signing out (or finding the session over): ask the browser to drop its cookie."""
    session_id = st.session_state.pop(FORGET_KEY, None)
    if session_id is None:
        return
    url = f"{_url()} + '?session={int(session_id)}'"
    _script(where, f"fetch({url}, {{method: 'DELETE', credentials: 'same-origin'}});")


def _url() -> str:
    return json.dumps(session_path(st.get_option("server.baseUrlPath") or ""))


def _script(where: Any, code: str) -> None:
    where.html(f"<script>{code}</script>", unsafe_allow_javascript=True)
