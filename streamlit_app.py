"""Shared Load: entry point. Sign-in gate, then navigation by role.

Page modules only define functions; `pages.ui.navigation` decides which pages a person's navigation
holds. Services re-check every permission, so a page missing from the navigation is a
convenience, never the protection.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from pages.gate import sign_in
from pages.me import account
from pages.ui.menu import show_menu
from pages.ui.navigation import URL_PATHS, landing_page, page, pages_for
from pages.ui.session import current_actor, db, just_signed_in, show_flash, sign_out
from pages.ui.text import literal
from tracker.domain import Role
from tracker.errors import SharedLoadError
from tracker.services import auth

st.set_page_config(page_title="Shared Load", page_icon=":material/favorite:", layout="centered")


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
    with db() as session:
        first_run = auth.needs_first_administrator(session)
    if first_run:
        gate(sign_in.render_first_administrator, "Welcome")
        return
    me = current_actor()
    if me is None:
        if getattr(st.user, "is_logged_in", False):
            gate(sign_in.render_sso_callback, "Signing in")
        else:
            gate(sign_in.render_sign_in, "Sign in")
        return
    if me.must_change_password:
        gate(account.render_change_password, "Choose your password")
        return
    if me.history_sealed:
        with st.sidebar:
            st.button("Sign out", icon=":material/logout:", key="sign_out", on_click=_sign_out)
        gate(account.render_sealed, "Your history is sealed")
        return
    show_flash()
    with st.sidebar:
        show_menu(pages_for(me.roles))
        st.caption(f"Signed in as {literal(me.display_name)}")
        st.button("Sign out", icon=":material/logout:", key="sign_out", on_click=_sign_out)
    signed_in_navigation(me.roles)


def _sign_out() -> None:
    """A callback, so it runs before the rerun it causes. `st.logout()` followed by `st.rerun()`
    loses the logout redirect about half the time (measured on 1.67: a new run clears messages
    not yet sent to the browser), leaving the identity cookie, and a reload signs the person
    back in. Here the redirect is queued inside the run that follows and reaches the browser."""
    sign_out()
    if getattr(st.user, "is_logged_in", False):
        st.logout()


main()
