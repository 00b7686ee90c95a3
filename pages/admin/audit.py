"""Administration: the audit log of privileged actions (it never holds private content), filtered,
50 events a page, and exported as CSV."""

from __future__ import annotations

import streamlit as st

from pages.ui.session import actor, db
from pages.ui.text import literal
from tracker.audit import AuditKind
from tracker.errors import ValidationError
from tracker.queries import administration
from tracker.queries.administration import AuditFilter, audit_table

PAGE_KEY = "audit_page"
SHOWN_FILTER_KEY = "audit_page_filter"  # the filter the page number belongs to
EXPORT_KEY = "audit_export"  # (filter, AuditExport) prepared for download


def render() -> None:
    me = actor()
    st.title("Audit log")
    st.caption("Every administrator and coordinator action, newest first. Private entries are never recorded here.")
    filters = _filters()
    if st.session_state.get(SHOWN_FILTER_KEY) != filters:  # a new filter starts at its first page
        st.session_state[SHOWN_FILTER_KEY] = filters
        st.session_state[PAGE_KEY] = 1
    try:
        with db() as session:
            page = administration.audit_page(session, me, filters, page=st.session_state[PAGE_KEY])
    except ValidationError as error:
        st.error(literal(str(error)))
        return
    st.session_state[PAGE_KEY] = page.page
    st.dataframe(audit_table(page.rows), hide_index=True, width="stretch")
    events = "event" if page.total == 1 else "events"
    st.caption(f"Page {page.page} of {page.pages} · {page.total:,} {events}")
    previous, following = st.columns(2)
    back, on = page.page - 1, page.page + 1
    previous.button("Previous", on_click=_go_to, args=(back,), disabled=back < 1, icon=":material/chevron_left:")
    following.button("Next", on_click=_go_to, args=(on,), disabled=on > page.pages, icon=":material/chevron_right:")
    _export(me, filters)


def _filters() -> AuditFilter:
    who, what = st.columns(2)
    name = who.text_input("Who (name contains)", max_chars=120, key="audit_who")
    kind = what.selectbox(
        "What",
        [None, *sorted(AuditKind, key=lambda k: k.value)],
        format_func=lambda k: "Any action" if k is None else k.value.capitalize(),
        key="audit_kind",
    )
    first, last = st.columns(2)
    since = first.date_input("From (UTC)", value=None, format="YYYY-MM-DD", key="audit_since")
    until = last.date_input("To (UTC)", value=None, format="YYYY-MM-DD", key="audit_until")
    return AuditFilter(who=name or None, kind=kind, since=since, until=until)


def _go_to(page: int) -> None:
    st.session_state[PAGE_KEY] = page


def _export(me, filters: AuditFilter) -> None:
    """Prepared on request, for exactly the filter shown; a changed filter needs a new file."""
    if st.button("Prepare CSV of these events", icon=":material/table_view:"):
        with db() as session:
            st.session_state[EXPORT_KEY] = (filters, administration.audit_export(session, me, filters))
    prepared = st.session_state.get(EXPORT_KEY)
    if prepared is None or prepared[0] != filters:
        return
    export = prepared[1]
    if export.rows < export.total:
        st.caption(
            f"The file holds the newest {export.rows:,} of {export.total:,} events. Narrow the days to export the rest."
        )
    st.download_button(
        f"Download CSV ({export.rows:,} {'event' if export.rows == 1 else 'events'})",
        export.csv,
        file_name="shared-load-audit-log.csv",
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",
    )
