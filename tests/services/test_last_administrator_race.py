"""Two administrators demoting or deactivating each other at the same moment: one change wins,
the other is refused in plain words, and there is always an active administrator left."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select

from db.engine import session_factory
from db.models import Person, RoleGrant
from tracker.domain import Role
from tracker.errors import ValidationError
from tracker.services import people

LAST = "last active administrator"


def demote(db, actor, target_id):
    person = db.get(Person, target_id)
    people.update_person(
        db,
        actor,
        target_id,
        display_name=person.display_name,
        roles={"clinician"},
        unit_id=person.unit_id,
        profession=person.profession,
        supervisor_id=person.supervisor_id,
    )


def deactivate(db, actor, target_id):
    people.set_person_active(db, actor, target_id, active=False)


def active_administrators(db) -> int:
    return db.scalar(
        select(func.count())
        .select_from(RoleGrant)
        .join(Person)
        .where(RoleGrant.role == Role.ADMINISTRATOR, Person.active)
    )


@pytest.mark.parametrize(
    ("first", "second"), [(demote, demote), (deactivate, deactivate), (demote, deactivate)], ids=lambda f: f.__name__
)
def test_two_administrators_removing_each_other_at_once_leave_one(
    engine, db, administrator, make_person, monkeypatch, first, second
):
    other = make_person("Otto Other", roles=("administrator", "clinician"))
    # Hold each change open just after its check, so without the lock both checks would see the
    # other administrator and both changes would commit.
    check = people._keep_an_administrator

    def slow_check(session, person):
        check(session, person)
        time.sleep(0.5)

    monkeypatch.setattr(people, "_keep_an_administrator", slow_check)
    factory = session_factory(engine)
    start = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def run(name, change, actor, target_id):
        with factory() as session:
            start.wait()
            try:
                change(session, actor, target_id)
                outcomes[name] = "done"
            except ValidationError as error:
                outcomes[name] = str(error)

    threads = [
        threading.Thread(target=run, args=("a", first, administrator, other.id)),
        threading.Thread(target=run, args=("b", second, other, administrator.id)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(o == "done" for o in outcomes.values()) == 1, outcomes
    assert any(LAST in o for o in outcomes.values()), outcomes
    db.expire_all()
    assert active_administrators(db) == 1
