"""Administration: the curated interaction tag list. Retired tags stay on old entries."""

from __future__ import annotations

import streamlit as st

from pages.ui.session import actor, db
from pages.ui.widgets import named_list_editor
from tracker.queries import administration
from tracker.services import named_lists


def render() -> None:
    me = actor()
    st.title("Tags")
    st.caption("Clinicians pick these when they log. Retiring a tag hides it from new entries; old entries keep it.")
    with db() as session:
        tags = administration.list_tags(session, me)
    named_list_editor(
        tags,
        noun="tag",
        states=("in use", "retired"),
        actions=("Retire", "Restore"),
        create=lambda s, token, name: named_lists.create_tag(s, me, token=token, name=name),
        rename=lambda s, tag, name: named_lists.rename_tag(s, me, tag.id, name=name),
        toggle=lambda s, tag: named_lists.set_tag_retired(s, me, tag.id, retired=tag.active),
    )
