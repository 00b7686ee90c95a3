"""Server-side sessions for single sign-on, through the real server, Chromium and an OpenID Connect
provider (the fixtures and steps of tests/e2e/test_single_sign_on.py).

A single sign-on person gets the same session as a password sign-in. When it ends on the server
(here: "Sign out everywhere" from another browser), the identity cookie `st.login` set must end too,
or it would sign the person straight back in at the next reload.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from db.models import SignInSession
from tests.e2e import test_single_sign_on as sso
from tests.e2e.conftest import open_app, sign_in_form_only, wait_for_app
from tests.e2e.test_sessions import session_cookie
from tracker.services import sessions

pytestmark = pytest.mark.e2e

provider, sso_server = sso.provider, sso.sso_server  # the same fixtures: a provider and an app that uses it


def test_sign_out_everywhere_ends_a_single_sign_on_session_and_its_identity_cookie(sso_server, provider, context, page):
    open_app(page, sso_server.base)
    sso.sign_in_at_provider(page, sso_server, provider, sso.SSO_CLINICIAN.email)
    sso.signed_in_as_clinician(page)
    session_cookie(context)

    # A reload goes on through the session cookie.
    page.reload(wait_until="commit")
    wait_for_app(page)
    sso.signed_in_as_clinician(page)
    with sso_server.session() as db:
        assert db.scalar(select(SignInSession.kind).where(SignInSession.ended_at.is_(None))) == "sso"

    # Another browser of the person signs out everywhere.
    actor = sso_server.actor(sso.SSO_CLINICIAN)
    with sso_server.session() as db:
        sessions.end_all(db, replace(actor, session_id=None))

    # The next reload leaves single sign-on too, and stays signed out.
    page.reload(wait_until="commit")
    sso.end_session_at_provider(page, sso_server, provider)
    sign_in_form_only(page)
    page.reload(wait_until="commit")
    wait_for_app(page)
    sign_in_form_only(page)
