"""Which pages each role sees. Layout only: every service re-checks the permission itself.

Pages are named by module, not imported here, so any page can link to any other without an
import cycle; `page()` resolves the module when the navigation or a link needs it.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass

import streamlit as st

from tracker.domain import Role

EVERYONE = frozenset(Role)
CLINICIANS = frozenset({Role.CLINICIAN})
ADMINISTRATORS = frozenset({Role.ADMINISTRATOR})


@dataclass(frozen=True)
class PageSpec:
    module: str  # in pages/, rendered by its `render` function
    title: str
    icon: str
    url_path: str
    section: str
    roles: frozenset[Role]


# A page's url_path is its module's name. Measured on Streamlit 1.67: the first request a new
# server process sees is looked up among the files in pages/ by file name before
# streamlit_app.py runs; a URL matching no file shows "Page not found" over the sign-in. Home is
# the default page and lives at "/".
PAGES = (
    PageSpec("home", "Home", ":material/home:", "", "Me", EVERYONE),
    PageSpec("log", "Log an interaction", ":material/edit_note:", "log", "Me", CLINICIANS),
    PageSpec("trends", "My trends", ":material/monitoring:", "trends", "Me", CLINICIANS),
    PageSpec("checkin", "Check-in", ":material/self_improvement:", "checkin", "Me", CLINICIANS),
    PageSpec("my_data", "My data", ":material/folder_shared:", "my_data", "Me", EVERYONE),
    PageSpec("people", "People", ":material/group:", "people", "Administration", ADMINISTRATORS),
    PageSpec("units", "Units", ":material/apartment:", "units", "Administration", ADMINISTRATORS),
    PageSpec("tags", "Tags", ":material/sell:", "tags", "Administration", ADMINISTRATORS),
    PageSpec("audit", "Audit log", ":material/policy:", "audit", "Administration", ADMINISTRATORS),
    PageSpec("account", "Account", ":material/person:", "account", "Account", EVERYONE),
)
URL_PATHS = tuple(p.url_path for p in PAGES)


def page(module: str) -> st.Page:
    """The st.Page of a page module: for st.navigation and for links between pages."""
    spec = next(p for p in PAGES if p.module == module)
    render = importlib.import_module(f"pages.{spec.module}").render
    return st.Page(render, title=spec.title, icon=spec.icon, url_path=spec.url_path, default=(spec.url_path == ""))


def pages_for(roles: frozenset[Role]) -> dict[str, list[PageSpec]]:
    """The navigation sections for a person holding `roles`, in display order."""
    sections: dict[str, list[PageSpec]] = {}
    for spec in PAGES:
        if spec.roles & roles:
            sections.setdefault(spec.section, []).append(spec)
    return sections


if __name__ == "__main__":  # Streamlit ran this file for a first request to its URL: see pages/_entry.py
    from pages._entry import run_app

    run_app()
