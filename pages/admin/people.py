"""Administration: people, their roles, unit, profession and reporting line. No entries are shown."""

from __future__ import annotations

import streamlit as st

from pages.ui.session import actor, db, form_generation, form_token
from pages.ui.text import literal
from pages.ui.widgets import submit
from tracker.domain import PROFESSIONS, Role
from tracker.queries import administration
from tracker.services import people
from tracker.throttle import FREE_ATTEMPTS

ROLES = [r.value for r in Role]


def render() -> None:
    me = actor()
    st.title("People")
    with db() as session:
        everyone = administration.list_people(session, me)
        units = administration.list_units(session, me)
    _show_new_password()
    st.dataframe(
        [
            {
                "Name": p.display_name,
                "E-mail": p.email,
                "Roles": ", ".join(p.roles),
                "Active": "yes" if p.active else "no",
                "Unit": p.unit or "—",
                "Profession": p.profession or "—",
                "Supervisor": p.supervisor or "—",
            }
            for p in everyone
        ],
        hide_index=True,
        width="stretch",
    )
    unit_names = {u.id: u.name for u in units}
    names = {p.id: f"{p.display_name} ({p.email})" for p in everyone}
    with st.expander("Invite a person", icon=":material/person_add:"):
        _invite(me, unit_names, names)
    st.subheader("Change a person")
    chosen = st.selectbox(
        "Person", everyone, format_func=lambda p: names[p.id] + ("" if p.active else " — deactivated")
    )
    if chosen is not None:
        _edit(me, chosen, unit_names, names)


def _invite(me, unit_names: dict[int, str], names: dict[int, str]) -> None:
    with st.form(f"invite:{form_generation('invite')}"):
        name = st.text_input("Name")
        email = st.text_input("E-mail")
        roles = st.pills("Roles", ROLES, selection_mode="multi", default=["clinician"])
        unit_id = st.selectbox("Unit", [None, *unit_names], format_func=lambda i: unit_names.get(i, "—"))
        profession = st.selectbox("Profession", [None, *PROFESSIONS], format_func=lambda p: p or "—")
        supervisor_id = st.selectbox("Supervisor", [None, *names], format_func=lambda i: names.get(i, "—"))
        if st.form_submit_button("Invite", type="primary"):
            submit(
                lambda s: people.invite_person(
                    s,
                    me,
                    token=form_token("invite"),
                    display_name=name,
                    email=email,
                    roles=set(roles),
                    unit_id=unit_id,
                    profession=profession,
                    supervisor_id=supervisor_id,
                ),
                done=None,  # the temporary password is the confirmation
                form="invite",
                then=lambda invitation: _keep_new_password(email, invitation.temporary_password),
            )


def _edit(me, person, unit_names: dict[int, str], names: dict[int, str]) -> None:
    key = f"person:{person.id}"
    with st.form(key):
        name = st.text_input("Name", value=person.display_name)
        roles = st.pills("Roles", ROLES, selection_mode="multi", default=list(person.roles))
        units = [None, *unit_names]
        unit_id = st.selectbox(
            "Unit",
            units,
            index=units.index(person.unit_id) if person.unit_id in units else 0,
            format_func=lambda i: unit_names.get(i, "—"),
        )
        professions = [None, *PROFESSIONS]
        profession = st.selectbox(
            "Profession",
            professions,
            index=professions.index(person.profession) if person.profession in professions else 0,
            format_func=lambda p: p or "—",
        )
        bosses = [None, *(i for i in names if i != person.id)]
        supervisor_id = st.selectbox(
            "Supervisor",
            bosses,
            index=bosses.index(person.supervisor_id) if person.supervisor_id in bosses else 0,
            format_func=lambda i: names.get(i, "—"),
        )
        if st.form_submit_button("Save changes", type="primary"):
            submit(
                lambda s: people.update_person(
                    s,
                    me,
                    person.id,
                    display_name=name,
                    roles=set(roles),
                    unit_id=unit_id,
                    profession=profession,
                    supervisor_id=supervisor_id,
                ),
                done="Saved",
            )
    toggle, reset = st.columns(2)
    if toggle.button("Reactivate" if not person.active else "Deactivate", width="stretch"):
        submit(lambda s: people.set_person_active(s, me, person.id, active=not person.active), done="Account updated")
    if reset.button("Reset password", width="stretch"):
        reset_form = f"reset:{person.id}"
        submit(
            lambda s: people.reset_password(s, me, person.id, token=form_token(reset_form)),
            done=None,
            form=reset_form,
            then=lambda password: _keep_new_password(person.email, password),
        )
    if person.failed_sign_ins >= FREE_ATTEMPTS:
        _unlock(me, person)


def _unlock(me, person) -> None:
    """Shown once failed sign-ins slow the account down; at the lock only this opens it again."""
    if person.sign_in_locked:
        st.warning(f"Sign-in is locked after {person.failed_sign_ins} failed attempts.", icon=":material/lock:")
    else:
        st.caption(f"{person.failed_sign_ins} failed sign-ins in a row: each new attempt waits longer.")
    if st.button("Unlock sign-in", icon=":material/lock_open:"):
        submit(lambda s: people.unlock_sign_in(s, me, person.id), done="Sign-in unlocked")


def _keep_new_password(email: str, password: str | None) -> None:
    """For the next run only (a repeated submit returns no password: it was shown already)."""
    if password:
        st.session_state["new_password"] = (email, password)


def _show_new_password() -> None:
    """A temporary password is shown once, to the administrator who made it, and never stored in clear."""
    if "new_password" in st.session_state:
        email, password = st.session_state.pop("new_password")
        st.success(
            f"Temporary password for {literal(email)} — pass it on privately; they choose their own at first sign-in:"
        )
        st.code(password, language=None)
