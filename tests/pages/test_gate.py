"""The sign-in gate, first run and role navigation, through the real entry script."""

from __future__ import annotations

from pages.ui.navigation import pages_for
from tests.conftest import PASSWORD
from tests.pages.conftest import shown
from tracker.domain import Role
from tracker.services import auth, people


def texts(at) -> str:
    return " ".join(e.value for e in [*at.title, *at.markdown, *at.caption] if isinstance(e.value, str))


def test_empty_installation_shows_only_the_first_administrator_form(open_app, db):
    at = open_app()
    assert [t.value for t in at.title] == ["Welcome to Shared Load"]
    assert [i.label for i in at.text_input] == ["Setup code", "Your name", "E-mail", "Password", "Password again"]
    at.text_input[0].input(auth.new_setup_code(db))  # what ./run-app printed in the terminal
    at.text_input[1].input("Ada Admin")
    at.text_input[2].input("ada@example.org")
    at.text_input[3].input(PASSWORD)
    at.text_input[4].input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception
    assert at.session_state["sign_in_session"]
    assert at.title[0].value == "Log an interaction"  # the first administrator is a clinician too


def test_mismatched_first_passwords_store_nothing(open_app, db):
    at = open_app()
    values = [auth.new_setup_code(db), "Ada", "ada@example.org", PASSWORD, PASSWORD + "x"]
    for widget, value in zip(at.text_input, values, strict=True):
        widget.input(value)
    at.button[0].click().run()
    assert "not the same" in at.error[0].value
    assert at.title[0].value == "Welcome to Shared Load"


def test_sign_in_with_wrong_password_shows_one_plain_message(open_app, administrator):
    at = open_app()
    assert at.title[0].value == "Shared Load"
    email, password = at.text_input
    email.input(administrator.email)
    password.input("wrong password")
    at.button[0].click().run()
    assert shown(at.error[0].value) == "That e-mail and password do not match an active account."
    assert "person_id" not in at.session_state


def test_clinician_lands_on_log_after_sign_in(open_app, clinician):
    at = open_app()
    email, password = at.text_input
    email.input(clinician.email)
    password.input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception
    assert at.title[0].value == "Log an interaction"  # the page a clinician uses most
    at.run()  # the landing happens once: the next run stays where the person is
    assert at.title[0].value == "Log an interaction"


def test_coordinator_who_is_no_clinician_lands_on_home_after_sign_in(open_app, make_person):
    coordinator = make_person("Cora Coordinator", roles=("coordinator",))
    at = open_app()
    email, password = at.text_input
    email.input(coordinator.email)
    password.input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception
    assert at.title[0].value == "Hello, Cora"


def test_deactivated_person_is_signed_out_on_the_next_run(open_app, db, administrator, clinician):

    at = open_app(clinician)
    assert at.title[0].value == "Hello, Cleo"
    people.set_person_active(db, administrator, clinician.id, active=False)
    at.run()
    assert at.title[0].value == "Shared Load"
    assert "person_id" not in at.session_state


def test_invited_person_must_choose_a_password_first(open_app, db, administrator):
    import uuid

    invitation = people.invite_person(
        db,
        administrator,
        token=uuid.uuid4().hex,
        display_name="Nia Nurse",
        email="nia@example.org",
        roles={"clinician"},
    )
    at = open_app()
    email, password = at.text_input
    email.input("nia@example.org")
    password.input(invitation.temporary_password)
    at.button[0].click().run()
    assert at.title[0].value == "Choose your own password"
    current, new, repeated = at.text_input
    current.input(invitation.temporary_password)
    new.input(PASSWORD)
    repeated.input(PASSWORD)
    at.button[0].click().run()
    assert at.title[0].value == "Log an interaction"  # signed in just now: a clinician lands on Log


def test_navigation_by_role():
    def titles(*roles):
        return [p.title for section in pages_for(frozenset(roles)).values() for p in section]

    clinician = titles(Role.CLINICIAN)
    administrator = titles(Role.ADMINISTRATOR)
    assert "Log an interaction" in clinician and "People" not in clinician and "Audit log" not in clinician
    assert "People" in administrator and "Log an interaction" not in administrator
    assert set(titles(Role.CLINICIAN, Role.ADMINISTRATOR)) == set(clinician) | set(administrator)


def test_a_page_url_runs_that_page_for_its_role(open_app, clinician):
    at = open_app(clinician, url_path="log")
    assert at.title[0].value == "Log an interaction"


def test_an_admin_url_shows_nothing_of_the_page_to_a_clinician(open_app, clinician):
    at = open_app(clinician, url_path="people")
    assert not at.exception
    assert "People" not in [t.value for t in at.title]
    assert not at.dataframe


def test_signed_out_every_url_shows_only_sign_in(open_app, administrator):
    from pages.ui.navigation import URL_PATHS

    for url_path in URL_PATHS:
        at = open_app(url_path=url_path)
        assert [t.value for t in at.title] == ["Shared Load"], url_path
        assert [i.label for i in at.text_input] == ["E-mail", "Password"]


def test_pages_folder_holds_no_file_streamlit_could_run_instead_of_the_gate():
    """Streamlit 1.67 runs `pages/<url>.py` for a new server's first request (docs/ARCHITECTURE.md, "Pages")."""
    from tests.conftest import ROOT

    assert [p.name for p in (ROOT / "pages").glob("*.py")] == ["__init__.py"]
