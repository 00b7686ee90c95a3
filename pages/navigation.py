"""Which pages each role sees. Layout only: every service re-checks the permission itself."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from pages import admin_audit, admin_people, admin_tags, admin_units, checkin, home, log, my_data, sign_in, trends
from tracker.domain import Role

EVERYONE = frozenset(Role)


@dataclass(frozen=True)
class PageSpec:
    render: Callable[[], None]
    title: str
    icon: str
    url_path: str
    section: str
    roles: frozenset[Role]


PAGES = (
    PageSpec(home.render, "Home", ":material/home:", "home", "Me", EVERYONE),
    PageSpec(log.render, "Log an interaction", ":material/edit_note:", "log", "Me", frozenset({Role.CLINICIAN})),
    PageSpec(trends.render, "My trends", ":material/monitoring:", "trends", "Me", frozenset({Role.CLINICIAN})),
    PageSpec(checkin.render, "Check-in", ":material/self_improvement:", "check-in", "Me", frozenset({Role.CLINICIAN})),
    PageSpec(my_data.render, "My data", ":material/folder_shared:", "my-data", "Me", EVERYONE),
    PageSpec(admin_people.render, "People", ":material/group:", "people", "Administration", frozenset({Role.ADMINISTRATOR})),
    PageSpec(admin_units.render, "Units", ":material/apartment:", "units", "Administration", frozenset({Role.ADMINISTRATOR})),
    PageSpec(admin_tags.render, "Tags", ":material/sell:", "tags", "Administration", frozenset({Role.ADMINISTRATOR})),
    PageSpec(admin_audit.render, "Audit log", ":material/policy:", "audit", "Administration", frozenset({Role.ADMINISTRATOR})),
    PageSpec(sign_in.render_account, "Account", ":material/person:", "account", "Account", EVERYONE),
)
URL_PATHS = tuple(p.url_path for p in PAGES)


def page(url_path: str) -> st.Page:
    """The st.Page for a url path: for st.navigation and for links between pages."""
    spec = next(p for p in PAGES if p.url_path == url_path)
    return st.Page(spec.render, title=spec.title, icon=spec.icon, url_path=spec.url_path, default=(url_path == "home"))


def pages_for(roles: frozenset[Role]) -> dict[str, list[PageSpec]]:
    """The navigation sections for a person holding `roles`, in display order."""
    sections: dict[str, list[PageSpec]] = {}
    for page in PAGES:
        if page.roles & roles:
            sections.setdefault(page.section, []).append(page)
    return sections


if __name__ == "__main__":  # Streamlit ran this file for a first request to its URL: see pages/_entry.py
    from pages._entry import run_app

    run_app()
