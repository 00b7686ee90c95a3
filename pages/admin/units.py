"""Administration: units (wards, departments). Closed units stay on people and old records."""

from __future__ import annotations

import streamlit as st

from pages.ui.session import actor, db
from pages.ui.widgets import named_list_editor
from tracker.queries import administration
from tracker.services import named_lists


def render() -> None:
    me = actor()
    st.title("Units")
    with db() as session:
        units = administration.list_units(session, me, include_closed=True)
    named_list_editor(
        units,
        noun="unit",
        states=("open", "closed"),
        actions=("Close", "Reopen"),
        create=lambda s, token, name: named_lists.create_unit(s, me, token=token, name=name),
        rename=lambda s, unit, name: named_lists.rename_unit(s, me, unit.id, name=name),
        toggle=lambda s, unit: named_lists.set_unit_active(s, me, unit.id, active=not unit.active),
    )
