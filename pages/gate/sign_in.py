"""Sign-in, the first administrator on an empty installation, and the forced password change."""

from __future__ import annotations

import os

import streamlit as st

from pages.ui.session import db, sign_in_as, start_session
from pages.ui.text import literal
from pages.ui.widgets import submit
from tracker.domain import Actor
from tracker.errors import SharedLoadError
from tracker.services import auth


def render_sign_in() -> None:
    st.title("Shared Load")
    st.write("A shared load is half the weight. Sign in to log how your work leaves you.")
    with st.form("sign_in"):
        email = st.text_input("E-mail", autocomplete="email")
        password = st.text_input("Password", type="password", autocomplete="current-password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted:
        submit(lambda s: start_session(s, _sign_in(s, email, password), "password"), done=None, then=sign_in_as)
    if _sso_configured():
        st.divider()
        st.button("Sign in with single sign-on", on_click=st.login)


def render_sso_callback() -> None:
    """After st.login: map the identity provider's verified e-mail to an active account."""
    try:
        with db() as session:
            signed_in = auth.sign_in_with_sso(
                session,
                email=st.user.get("email"),
                email_verified=st.user.get("email_verified"),
                issuer=st.user.get("iss"),
                subject=st.user.get("sub"),
                name=st.user.get("name"),
                trust_email=os.environ.get("SSO_TRUSTS_EMAIL", "").lower() in ("1", "true", "yes"),
            )
            _remember_timezone(session, signed_in)
            started = start_session(session, signed_in, "sso")
    except SharedLoadError as error:
        st.error(f"{literal(str(error))} Ask your administrator to add your e-mail address.")
        st.button("Sign out of single sign-on", on_click=st.logout)
        return
    sign_in_as(started)
    st.rerun()


def render_first_administrator() -> None:
    st.title("Welcome to Shared Load")
    st.write("This installation has no accounts yet. Create the first administrator.")
    with st.form("first_admin"):
        setup_code = st.text_input(
            "Setup code",
            placeholder="XXXX-XXXX-XXXX-XXXX",
            help="Printed in the terminal where the app was started (./run-app). Starting it again prints a new one.",
        )
        name = st.text_input("Your name")
        email = st.text_input("E-mail", autocomplete="email")
        password = st.text_input(
            "Password", type="password", autocomplete="new-password", help="At least 10 characters."
        )
        repeated = st.text_input("Password again", type="password", autocomplete="new-password")
        submitted = st.form_submit_button("Create administrator", type="primary")
    if submitted:
        submit(
            lambda s: start_session(
                s,
                auth.create_first_administrator(
                    s, name=name, email=email, password=password, repeated=repeated, setup_code=setup_code
                ),
                "password",
            ),
            done=None,
            then=sign_in_as,
        )


def _sign_in(session, email: str, password: str) -> Actor:
    signed_in = auth.sign_in(session, email=email, password=password)
    _remember_timezone(session, signed_in)
    return signed_in


def _remember_timezone(session, signed_in) -> None:
    browser_zone = st.context.timezone
    if browser_zone and browser_zone != signed_in.timezone:
        try:
            auth.set_timezone(session, signed_in, browser_zone)
        except SharedLoadError:
            pass  # an odd browser zone is not worth refusing a sign-in over


def _sso_configured() -> bool:
    try:
        return "auth" in st.secrets
    except FileNotFoundError:
        return False
