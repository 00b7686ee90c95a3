"""Shared Load: entry point. Sign-in gate, then navigation by role.

Page modules only define functions; this file is the only place that decides which pages a
person's navigation holds. Services re-check every permission, so a page missing from the
navigation is a convenience, never the protection.
"""
from __future__ import annotations

import streamlit as st

from pages import admin_audit, admin_people, admin_tags, admin_units, home, log, sign_in
from pages._session import current_actor, db, show_flash, sign_out
from tracker.domain import Role
from tracker.services import auth

st.set_page_config(page_title="Shared Load", page_icon=":material/favorite:", layout="centered")

# Every URL the app knows. Signed out, each of them shows the sign-in form (and nothing of the
# page), so a bookmarked page lands where it should once the person has signed in.
CLINICIAN_PAGES = [
    st.Page(home.render, title="Home", icon=":material/home:", url_path="home", default=True),
    st.Page(log.render, title="Log an interaction", icon=":material/edit_note:", url_path="log"),
]
ADMIN_PAGES = [
    st.Page(admin_people.render, title="People", icon=":material/group:", url_path="people"),
    st.Page(admin_units.render, title="Units", icon=":material/apartment:", url_path="units"),
    st.Page(admin_tags.render, title="Tags", icon=":material/sell:", url_path="tags"),
    st.Page(admin_audit.render, title="Audit log", icon=":material/policy:", url_path="audit"),
]
ACCOUNT_PAGES = [st.Page(sign_in.render_account, title="Account", icon=":material/person:", url_path="account")]
ALL_PATHS = [p.url_path or "home" for p in CLINICIAN_PAGES + ADMIN_PAGES + ACCOUNT_PAGES]


def gate(render, title: str) -> None:
    """A navigation in which every known URL runs `render` (sign-in or first run), hidden."""
    pages = [st.Page(render, title=title, url_path="home", default=True)] + [
        st.Page(render, title=title, url_path=path) for path in ALL_PATHS if path != "home"
    ]
    st.navigation(pages, position="hidden").run()


def navigation_for(roles: frozenset[Role]) -> dict[str, list]:
    sections: dict[str, list] = {}
    if Role.CLINICIAN in roles:
        sections["Me"] = CLINICIAN_PAGES
    else:
        sections["Me"] = [CLINICIAN_PAGES[0]]
    if Role.ADMINISTRATOR in roles:
        sections["Administration"] = ADMIN_PAGES
    sections["Account"] = ACCOUNT_PAGES
    return sections


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
        gate(sign_in.render_change_password, "Choose your password")
        return
    show_flash()
    with st.sidebar:
        st.caption(f"Signed in as {me.display_name}")
        if st.button("Sign out", icon=":material/logout:"):
            sign_out()
            if getattr(st.user, "is_logged_in", False):
                st.logout()
            st.rerun()
    st.navigation(navigation_for(me.roles)).run()


main()
