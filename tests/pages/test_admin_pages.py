"""Administrator pages: people, units, tags and the audit log."""

from __future__ import annotations

from tests.pages.conftest import shown
from tracker.queries import administration


def test_admin_pages_open_cleanly(open_page, administrator):
    for module, title in [
        ("admin.people", "People"),
        ("admin.units", "Units"),
        ("admin.tags", "Tags"),
        ("admin.audit", "Audit log"),
    ]:
        at = open_page(module, administrator)
        assert not at.exception, module
        assert at.title[0].value == title


def test_adding_a_tag_through_the_page_stores_it_once_and_clears_the_form(open_page, db, administrator):
    at = open_page("admin.tags", administrator)
    at.text_input[0].input("Team debrief")
    at.button[0].click().run()
    assert not at.exception
    assert [t.name for t in administration.list_tags(db, administrator)].count("Team debrief") == 1
    assert at.text_input[0].value == ""


def test_duplicate_unit_name_is_refused_on_the_page(open_page, db, administrator):
    at = open_page("admin.units", administrator)
    for _ in range(2):
        at.text_input[0].input("Oncology")
        at.button[0].click().run()
    assert "already exists" in at.error[0].value
    assert [u.name for u in administration.list_units(db, administrator)] == ["Oncology"]


def test_clinician_is_refused_by_the_service_even_on_an_admin_page(open_page, clinician):
    at = open_page("admin.people", clinician)
    assert at.exception  # NotAllowed from the service: the page itself has no say
    assert not at.dataframe  # nothing of the people list was shown


def test_invite_shows_the_temporary_password_once(open_page, db, administrator):
    at = open_page("admin.people", administrator)
    form = [t for t in at.text_input if t.key is None or "invite" in str(t.key)]
    form[0].input("Nia Nurse")
    form[1].input("nia@example.org")
    next(b for b in at.button if b.label == "Invite").click().run()
    assert not at.exception
    assert "Temporary password for nia@example.org" in shown(at.success[0].value)
    assert len(at.code) == 1
    at.run()
    assert not at.success  # shown once only


def test_roles_are_changed_with_one_tap_each(open_page, db, administrator, clinician):
    at = open_page("admin.people", administrator)
    person = next(s for s in at.selectbox if s.label == "Person")
    person.select_index(next(i for i, o in enumerate(person.options) if clinician.email in o)).run()
    roles = at.pills[-1]  # the edit form comes after the invite form
    roles.set_value(["clinician", "coordinator"])
    next(b for b in at.button if b.label == "Save changes").click().run()
    assert not at.exception
    [row] = [p for p in administration.list_people(db, administrator) if p.id == clinician.id]
    assert row.roles == ("clinician", "coordinator")


def choose_person(at, person) -> None:
    chooser = next(s for s in at.selectbox if s.label == "Person")
    chooser.select_index(next(i for i, o in enumerate(chooser.options) if person.email in o)).run()


def test_invite_form_starts_empty_after_inviting(open_page, administrator):
    at = open_page("admin.people", administrator)
    at.text_input[0].input("Nia Nurse")
    at.text_input[1].input("nia@example.org")
    next(b for b in at.button if b.label == "Invite").click().run()
    assert at.success and not at.exception
    assert [t.value for t in at.text_input[:2]] == ["", ""]


def test_reset_password_shows_the_temporary_password_once(open_page, administrator, clinician):
    at = open_page("admin.people", administrator)
    choose_person(at, clinician)
    next(b for b in at.button if b.label == "Reset password").click().run()
    assert not at.exception
    assert f"Temporary password for {clinician.email}" in shown(at.success[0].value)
    assert len(at.code) == 1
    at.run()
    assert not at.success and not at.code


def test_deactivating_oneself_is_refused_in_plain_words(open_page, db, administrator):
    at = open_page("admin.people", administrator)
    choose_person(at, administrator)
    next(b for b in at.button if b.label == "Deactivate").click().run()
    assert not at.exception
    assert "your own account" in at.error[0].value
    assert all(p.active for p in administration.list_people(db, administrator))
