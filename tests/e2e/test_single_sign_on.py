"""Single sign-on end to end: `st.login` against a real OpenID Connect provider (oidc-provider-mock).

The provider runs as a subprocess; the app runs with its own secrets.toml (passed with
`--secrets.files`, nothing is written into the repository's `.streamlit/`). One host name,
127.0.0.1, is used everywhere: in `redirect_uri`, for the provider and in the browser, so the
auth cookie set on the callback is the one the app reads afterwards.

What the flow looks like from the browser (Streamlit 1.67):
- "Sign in with single sign-on" navigates the whole page to /auth/login, then to the provider;
  the provider redirects to /oauth2callback, which sets the identity cookie and redirects to "/".
  That is a new page load, so a new Streamlit session: nothing in `st.session_state` survives,
  and the app signs the person in from `st.user` (render_sso_callback).
- The identity cookie lasts 30 days: a reload (again a new session) signs the person in again.
- Sign out calls `st.logout()`, which clears the cookie and, because the provider publishes an
  `end_session_endpoint`, sends the browser to the provider's logout page, which comes back to
  the app (via /oauth2callback without state, which Streamlit answers with a redirect to "/").
"""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import (
    SIGN_OUT,
    Person,
    Server,
    _free_port,
    assert_no_exception,
    close_page_not_found,
    create_first_administrator,
    invite_with_password,
    main,
    nav_titles,
    navigation,
    new_context,
    open_app,
    open_sidebar,
    sign_in_form_only,
    spawn_server,
    sqlite_url,
    wait_for_app,
    wait_until_healthy,
)
from tracker.app import open_database
from tracker.domain import Role

pytestmark = pytest.mark.e2e

SSO_CLINICIAN = Person("Sami Single", "sso.clinician@example.org", frozenset({Role.CLINICIAN}))
STRANGER_EMAIL = "sso.stranger@example.org"  # a valid identity at the provider, no account here
START_TIMEOUT = 30.0


# ---- the identity provider ------------------------------------------------------------------


@dataclass
class Provider:
    base: str
    process: subprocess.Popen
    log_path: Path

    @property
    def metadata_url(self) -> str:
        return f"{self.base}/.well-known/openid-configuration"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _start_provider(workdir: Path) -> Provider:
    for attempt in range(3):
        port = _free_port()
        log_path = workdir / f"oidc-provider-mock-{port}.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(port)],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        provider = Provider(base=f"http://127.0.0.1:{port}", process=process, log_path=log_path)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(provider.metadata_url, timeout=2) as response:
                    metadata = json.load(response)
                    assert metadata["issuer"] == provider.base, metadata
                    return provider
            except OSError:
                time.sleep(0.1)
        _stop(process)
        if attempt == 2 or "address already in use" not in provider.log().lower():
            raise RuntimeError(f"oidc-provider-mock did not start:\n{provider.log()}")
    raise AssertionError("unreachable")


# ---- the app, with [auth] in its own secrets file -------------------------------------------


def _write_secrets(path: Path, app_port: int, provider: Provider) -> None:
    path.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{app_port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_hex(32)}"\n'
        'client_id = "shared-load-e2e"\n'
        f'client_secret = "{secrets.token_hex(16)}"\n'
        f'server_metadata_url = "{provider.metadata_url}"\n'
    )


def _start_sso_server(database_url: str, workdir: Path, provider: Provider) -> Server:
    """conftest.spawn_server plus `--secrets.files` (the redirect_uri needs the port first)."""
    for attempt in range(3):
        port = _free_port()
        secrets_path = workdir / f"secrets-{port}.toml"
        _write_secrets(secrets_path, port, provider)
        server = spawn_server(database_url, workdir, port=port, extra_args=("--secrets.files", str(secrets_path)))
        try:
            return wait_until_healthy(server, timeout=START_TIMEOUT)
        except RuntimeError:
            server.stop()
            if attempt == 2 or "address already in use" not in server.log().lower():
                raise
    raise AssertionError("unreachable")


def _seed(database_url: str) -> None:
    engine, factory = open_database(database_url)
    try:
        with factory() as session:
            first = create_first_administrator(session)
            invite_with_password(session, first, SSO_CLINICIAN)
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def provider(tmp_path_factory) -> Iterator[Provider]:
    provider = _start_provider(tmp_path_factory.mktemp("oidc"))
    yield provider
    _stop(provider.process)


@pytest.fixture(scope="module")
def sso_server(tmp_path_factory, provider) -> Iterator[Server]:
    workdir = tmp_path_factory.mktemp("sso")
    url = sqlite_url(workdir)
    _seed(url)
    server = _start_sso_server(url, workdir, provider)
    yield server
    server.stop()


@pytest.fixture
def page(browser) -> Iterator[Page]:
    """A fresh context per test: no identity cookie from an earlier test."""
    context = new_context(browser)
    yield context.new_page()
    context.close()


# ---- steps ----------------------------------------------------------------------------------


def _on(url: str, base: str) -> bool:
    parsed, wanted = urlparse(url), urlparse(base)
    return (parsed.scheme, parsed.netloc) == (wanted.scheme, wanted.netloc)


def register_at_provider(provider: Provider, subject: str, claims: dict) -> None:
    """The provider's own users API: the claims it will put in the identity token for `subject`."""
    request = urllib.request.Request(
        f"{provider.base}/users/{subject}",
        data=json.dumps(claims).encode(),
        method="PUT",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=5):
        pass


def sign_in_at_provider(
    page: Page, server: Server, provider: Provider, subject: str, claims: dict | None = None
) -> None:
    """From the sign-in page: single sign-on, the provider's form, back in the app, run finished.
    Unless told otherwise, the provider vouches for the subject's e-mail (email_verified true)."""
    register_at_provider(provider, subject, claims or {"email": subject, "email_verified": True})
    main(page).get_by_role("button", name="Sign in with single sign-on").click()
    page.wait_for_url(lambda url: _on(url, provider.base) and urlparse(url).path == "/oauth2/authorize")
    assert f"redirect_uri=http%3A%2F%2F127.0.0.1%3A{urlparse(server.base).port}%2Foauth2callback" in page.url
    page.locator('input[name="sub"]').fill(subject)
    page.get_by_role("button", name="Authorize", exact=True).click()
    page.wait_for_url(lambda url: _on(url, server.base) and urlparse(url).path == "/", wait_until="commit")
    wait_for_app(page)


def end_session_at_provider(page: Page, server: Server, provider: Provider) -> None:
    """st.logout sends the browser to the provider's logout page; confirm, and come back."""
    page.wait_for_url(lambda url: _on(url, provider.base) and urlparse(url).path == "/oauth2/end_session")
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(lambda url: _on(url, server.base) and urlparse(url).path == "/", wait_until="commit")
    wait_for_app(page)


def signed_in_as_clinician(page: Page) -> None:
    expect(main(page).get_by_role("heading", name="Log an interaction")).to_be_visible()  # where clinicians land
    assert "Log an interaction" in nav_titles(page)
    open_sidebar(page)
    expect(page.get_by_text(f"Signed in as {SSO_CLINICIAN.name}")).to_be_visible()
    assert_no_exception(page)


# ---- tests ----------------------------------------------------------------------------------


def test_single_sign_on_refuses_an_email_the_provider_does_not_call_verified(sso_server, provider, page):
    """A string "false" (or no claim at all) is not a verified e-mail: the account is not entered."""
    open_app(page, sso_server.base)
    sign_in_at_provider(
        page, sso_server, provider, "not-verified-sub", {"email": SSO_CLINICIAN.email, "email_verified": "false"}
    )
    expect(main(page).get_by_test_id("stAlert")).to_contain_text("does not match an active account")
    assert navigation(page).count() == 0
    assert_no_exception(page)


def test_single_sign_on_signs_in_a_known_clinician_and_out_again(sso_server, provider, page):
    open_app(page, sso_server.base)
    sign_in_form_only(page)  # the password form is still there, with single sign-on under it

    sign_in_at_provider(page, sso_server, provider, SSO_CLINICIAN.email)
    signed_in_as_clinician(page)

    # A reload is a new Streamlit session: the identity cookie signs the person in again.
    page.reload(wait_until="commit")
    wait_for_app(page)
    signed_in_as_clinician(page)

    open_sidebar(page)
    page.get_by_role("button", name=SIGN_OUT).click()
    end_session_at_provider(page, sso_server, provider)
    sign_in_form_only(page)
    expect(main(page).get_by_role("button", name="Sign in with single sign-on")).to_be_visible()

    # The cookie is gone: a reload stays signed out.
    page.reload(wait_until="commit")
    wait_for_app(page)
    sign_in_form_only(page)


def test_single_sign_on_without_an_account_is_refused(sso_server, provider, page):
    open_app(page, sso_server.base)
    sign_in_at_provider(page, sso_server, provider, STRANGER_EMAIL)

    refusal = main(page).get_by_test_id("stAlert")
    expect(refusal).to_have_count(1)
    expect(refusal).to_contain_text("does not match an active account")
    expect(refusal).to_contain_text("Ask your administrator")
    assert navigation(page).count() == 0, "navigation shown to a stranger"
    assert page.get_by_role("button", name="Sign out", exact=True).count() == 0
    assert "Log an interaction" not in main(page).inner_text()
    assert_no_exception(page)

    # A bookmarked page URL shows the same refusal and nothing of the page.
    open_app(page, f"{sso_server.base}/log")
    close_page_not_found(page)
    expect(main(page).get_by_test_id("stAlert")).to_contain_text("does not match an active account")
    assert navigation(page).count() == 0
    expect(main(page).get_by_role("heading", name="Log an interaction")).to_have_count(0)

    # The way out: leave single sign-on, back to the ordinary sign-in.
    main(page).get_by_role("button", name="Sign out of single sign-on").click()
    end_session_at_provider(page, sso_server, provider)
    sign_in_form_only(page)
