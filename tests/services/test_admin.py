"""Administration services: people, units, tags — every action audited, every refusal clean."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from db.models import AuditEvent, Person
from tests.conftest import token
from tracker.errors import NotAllowed, ValidationError
from tracker.queries import administration
from tracker.services import named_lists, people


def audit_actions(db) -> list[str]:
    return list(db.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def people_count(db) -> int:
    return db.scalar(select(func.count()).select_from(Person))


def test_invite_creates_person_with_roles_and_audits(db, administrator):
    unit = named_lists.create_unit(db, administrator, token=token(), name="Oncology")
    invitation = people.invite_person(
        db,
        administrator,
        token=token(),
        display_name="Nia Nurse",
        email="nia@example.org",
        roles={"clinician", "coordinator"},
        unit_id=unit,
        profession="nurse",
        supervisor_id=administrator.id,
    )
    assert invitation.temporary_password
    [row] = [p for p in administration.list_people(db, administrator) if p.id == invitation.person_id]
    assert row.roles == ("clinician", "coordinator")
    assert (row.unit, row.profession, row.supervisor) == ("Oncology", "nurse", "Ada Admin")
    assert audit_actions(db)[-2:] == ["unit created", "person invited"]


def test_repeated_invite_form_creates_one_person(db, administrator):
    same = token()
    first = people.invite_person(
        db, administrator, token=same, display_name="Nia", email="nia@example.org", roles={"clinician"}
    )
    again = people.invite_person(
        db, administrator, token=same, display_name="Nia", email="nia@example.org", roles={"clinician"}
    )
    assert again.person_id == first.person_id and again.temporary_password is None
    assert people_count(db) == 2


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"email": "ada@example.org"}, "already has an account"),
        ({"email": "not an email"}, "valid e-mail"),
        ({"roles": set()}, "at least one role"),
        ({"roles": {"superuser"}}, "Unknown role"),
        ({"profession": "wizard"}, "profession"),
        ({"unit_id": 999}, "unit"),
        ({"supervisor_id": 999}, "supervisor"),
        ({"display_name": "  "}, "name"),
    ],
)
def test_bad_invites_are_refused_and_change_nothing(db, administrator, fields, message):
    values = {"display_name": "Nia", "email": "nia@example.org", "roles": {"clinician"}}
    values.update(fields)
    before = audit_actions(db)
    with pytest.raises(ValidationError, match=message):
        people.invite_person(db, administrator, token=token(), **values)
    assert people_count(db) == 1
    assert audit_actions(db) == before


def test_only_administrators_manage(db, clinician):
    with pytest.raises(NotAllowed):
        administration.list_people(db, clinician)
    with pytest.raises(NotAllowed):
        people.invite_person(
            db, clinician, token=token(), display_name="X", email="x@example.org", roles={"administrator"}
        )
    with pytest.raises(NotAllowed):
        named_lists.create_tag(db, clinician, token=token(), name="Sneaky")
    with pytest.raises(NotAllowed):
        administration.audit_log(db, clinician)


def test_reporting_line_cannot_loop(db, administrator, make_person):
    lead = make_person("Lee Lead")
    nurse = make_person("Nia Nurse", supervisor_id=lead.id)
    with pytest.raises(ValidationError, match="loop"):
        people.update_person(
            db,
            administrator,
            lead.id,
            display_name="Lee Lead",
            roles={"clinician"},
            unit_id=None,
            profession=None,
            supervisor_id=nurse.id,
        )
    with pytest.raises(ValidationError, match="loop"):
        people.update_person(
            db,
            administrator,
            lead.id,
            display_name="Lee Lead",
            roles={"clinician"},
            unit_id=None,
            profession=None,
            supervisor_id=lead.id,
        )


def test_last_administrator_cannot_be_removed(db, administrator):
    with pytest.raises(ValidationError, match="last active administrator"):
        people.update_person(
            db,
            administrator,
            administrator.id,
            display_name="Ada Admin",
            roles={"clinician"},
            unit_id=None,
            profession=None,
            supervisor_id=None,
        )
    with pytest.raises(ValidationError, match="own account"):
        people.set_person_active(db, administrator, administrator.id, active=False)


def test_role_change_is_audited_and_applies(db, administrator, clinician):
    people.update_person(
        db,
        administrator,
        clinician.id,
        display_name=clinician.display_name,
        roles={"clinician", "coordinator"},
        unit_id=None,
        profession="nurse",
        supervisor_id=None,
    )
    [row] = [p for p in administration.list_people(db, administrator) if p.id == clinician.id]
    assert row.roles == ("clinician", "coordinator")
    assert audit_actions(db)[-1] == "person updated"


def test_tags_are_added_renamed_retired_and_restored(db, administrator):
    tag = named_lists.create_tag(db, administrator, token=token(), name="Team debrief")
    with pytest.raises(ValidationError, match="already exists"):
        named_lists.create_tag(db, administrator, token=token(), name="team DEBRIEF")
    named_lists.rename_tag(db, administrator, tag, name="Team huddle")
    named_lists.set_tag_retired(db, administrator, tag, retired=True)
    [row] = [t for t in administration.list_tags(db, administrator) if t.id == tag]
    assert (row.name, row.active) == ("Team huddle", False)
    named_lists.set_tag_retired(db, administrator, tag, retired=False)
    assert audit_actions(db)[-4:] == ["tag created", "tag renamed", "tag retired", "tag restored"]


def test_units_are_renamed_and_closed(db, administrator):
    unit = named_lists.create_unit(db, administrator, token=token(), name="ICU")
    named_lists.rename_unit(db, administrator, unit, name="Intensive Care")
    named_lists.set_unit_active(db, administrator, unit, active=False)
    assert administration.list_units(db, administrator) == []
    [row] = administration.list_units(db, administrator, include_closed=True)
    assert (row.name, row.active) == ("Intensive Care", False)


def test_audit_log_names_who_did_what_to_whom(db, administrator, clinician):
    people.set_person_active(db, administrator, clinician.id, active=False)
    newest = administration.audit_log(db, administrator)[0]
    assert (newest.actor, newest.action, newest.target) == ("Ada Admin", "person deactivated", clinician.display_name)
