"""Shared Load: entry point. Sign-in gate, then navigation by role.

Page modules only define functions; `pages.ui.navigation` decides which pages a person's navigation
holds. Services re-check every permission, so a page missing from the navigation is a
convenience, never the protection.

This file is also the server: `streamlit run streamlit_app.py` finds `app` below (an `st.App`,
which Streamlit 1.67 serves with uvicorn after importing this module as `streamlit_app`) and adds
the session cookie's route (pages/ui/cookie.py) and, for as long as the server runs, the sweeps
(tracker/sweeper.py). Each browser session then runs this file as
`__main__`, which is all the `__name__` test below tells apart.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import streamlit as st

from pages.gate import sign_in
from pages.me import account
from pages.ui import cookie
from pages.ui.menu import show_menu
from pages.ui.navigation import URL_PATHS, landing_page, page, pages_for
from pages.ui.session import ENDED_KEY, current_actor, db, db_outside_a_run, just_signed_in, show_flash, sign_out
from pages.ui.style import apply_style
from pages.ui.text import literal
from tracker import sweeper
from tracker.domain import Role
from tracker.errors import SharedLoadError
from tracker.services import auth


def gate(render: Callable[[], None], title: str) -> None:
    """Signed out, every known URL runs `render` (sign-in or first run) and nothing of the page,
    so a bookmarked page opens where it should once the person has signed in."""
    pages = [st.Page(render, title=title, url_path=path, default=(path == "")) for path in URL_PATHS]
    st.navigation(pages, position="hidden").run()


def signed_in_navigation(roles: frozenset[Role]) -> None:
    sections = {section: [page(spec.module) for spec in specs] for section, specs in pages_for(roles).items()}
    try:
        current = st.navigation(sections, position="hidden")  # the sidebar holds pages.ui.menu instead
        if just_signed_in() and current.url_path == "":  # a bookmarked page stays where it is
            landing = landing_page(roles)
            if landing != "me.home":
                st.switch_page(page(landing))
        current.run()
    except SharedLoadError as error:  # a service refused: plain words, nothing else of the page
        st.error(literal(str(error)))


def main() -> None:
    st.set_page_config(page_title="Shared Load", page_icon=":material/favorite:", layout="centered")
    apply_style()  # signed in or not: focus rings, primary buttons in the dark theme
    with db() as session:
        first_run = auth.needs_first_administrator(session)
    if first_run:
        gate(sign_in.render_first_administrator, "Welcome")
        return
    me = current_actor()
    if me is None:
        signed_out()
        return
    if me.must_change_password:
        gate(account.render_change_password, "Choose your password")
        cookie.hand_over_cookie(st)
        return
    if me.history_sealed:
        with st.sidebar:
            st.button("Sign out", icon=":material/logout:", key="sign_out", on_click=_sign_out)
        cookie.hand_over_cookie(st.sidebar)
        gate(account.render_sealed, "Your history is sealed")
        return
    show_flash()
    with st.sidebar:
        show_menu(pages_for(me.roles))
        st.caption(f"Signed in as {literal(me.display_name)}")
        st.button("Sign out", icon=":material/logout:", key="sign_out", on_click=_sign_out)
    cookie.hand_over_cookie(st.sidebar)
    signed_in_navigation(me.roles)


def signed_out() -> None:
    """Nobody signed in: the sign-in page, or single sign-on's way back in.

    A session that single sign-on started and that ended since the identity provider vouched for
    the person (signed out everywhere, idle, expired) also ends the identity cookie: otherwise it
    would sign them straight back in. A newer identity (a fresh "Sign in with single sign-on")
    signs in as usual."""
    ended = st.session_state.pop(ENDED_KEY, None)
    if getattr(st.user, "is_logged_in", False):
        if _identity_older_than(ended):
            st.logout()
            return
        gate(sign_in.render_sso_callback, "Signing in")
    else:
        gate(sign_in.render_sign_in, "Sign in")
    cookie.drop_cookie(st)


def _identity_older_than(ended) -> bool:
    issued = st.user.get("iat")
    if ended is None or ended.kind != "sso" or ended.ended_at is None or not isinstance(issued, int | float):
        return False
    return issued <= ended.ended_at.timestamp()


def _sign_out() -> None:
    """A callback, so it runs before the rerun it causes. `st.logout()` followed by `st.rerun()`
    loses the logout redirect about half the time (measured on 1.67: a new run clears messages
    not yet sent to the browser), leaving the identity cookie, and a reload signs the person
    back in. Here the redirect is queued inside the run that follows and reaches the browser."""
    sign_out()
    if getattr(st.user, "is_logged_in", False):
        st.logout()


if __name__ == "__main__":
    main()
else:

    @asynccontextmanager
    async def _sweeping(_app: st.App) -> AsyncIterator[None]:
        """While the server runs, the time-driven steps run too (tracker/sweeper.py)."""
        interval = sweeper.interval_from_env()
        running = sweeper.Sweeper(db_outside_a_run, interval).start() if interval else None
        try:
            yield None
        finally:
            if running is not None:
                running.stop()

    app = st.App(__file__, routes=cookie.routes(st.get_option("server.baseUrlPath") or ""), lifespan=_sweeping)
