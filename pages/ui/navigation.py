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
COORDINATORS = frozenset({Role.COORDINATOR})
ADMINISTRATORS = frozenset({Role.ADMINISTRATOR})


@dataclass(frozen=True)
class PageSpec:
    module: str  # under pages/ ("me.log" is pages/me/log.py), rendered by its `render` function
    title: str
    icon: str
    url_path: str
    section: str
    roles: frozenset[Role]


# Modules live in one subpackage per audience (pages/me/, pages/coordination/, pages/admin/), so
# pages/ holds no page file that Streamlit's old pages-folder mode could run in place of
# streamlit_app.py; a URL need not match a file name (see docs/ARCHITECTURE.md, "Pages"). The URLs
# stay as they were, so bookmarks keep working. Home is the default page and lives at "/".
# "notifications" is fixed: the e-mails link to /notifications (tracker/notify.py).
PAGES = (
    PageSpec("me.home", "Home", ":material/home:", "", "Me", EVERYONE),
    PageSpec("me.notifications", "Notifications", ":material/notifications:", "notifications", "Me", EVERYONE),
    PageSpec("me.log", "Log an interaction", ":material/edit_note:", "log", "Me", CLINICIANS),
    PageSpec("me.trends", "My trends", ":material/monitoring:", "trends", "Me", CLINICIANS),
    PageSpec("me.checkin", "Check-in", ":material/self_improvement:", "checkin", "Me", CLINICIANS),
    PageSpec("me.my_data", "My data", ":material/folder_shared:", "my_data", "Me", EVERYONE),
    PageSpec("me.ask", "Ask for a conversation", ":material/handshake:", "ask", "Peer support", CLINICIANS),
    PageSpec("me.conversations", "My conversations", ":material/forum:", "conversations", "Peer support", CLINICIANS),
    PageSpec("me.support", "Support a peer", ":material/volunteer_activism:", "support", "Peer support", CLINICIANS),
    PageSpec("coordination.queue", "Review queue", ":material/fact_check:", "queue", "Coordination", COORDINATORS),
    PageSpec("coordination.outcomes", "Outcomes", ":material/insights:", "outcomes", "Coordination", COORDINATORS),
    PageSpec("admin.people", "People", ":material/group:", "people", "Administration", ADMINISTRATORS),
    PageSpec("admin.units", "Units", ":material/apartment:", "units", "Administration", ADMINISTRATORS),
    PageSpec("admin.tags", "Tags", ":material/sell:", "tags", "Administration", ADMINISTRATORS),
    PageSpec("admin.audit", "Audit log", ":material/policy:", "audit", "Administration", ADMINISTRATORS),
    PageSpec("admin.settings", "Program settings", ":material/tune:", "settings", "Administration", ADMINISTRATORS),
    PageSpec("me.account", "Account", ":material/person:", "account", "Account", EVERYONE),
)
URL_PATHS = tuple(p.url_path for p in PAGES)


def page(module: str) -> st.Page:
    """The st.Page of a page module ("me.log"): for st.navigation and for links between pages."""
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


def landing_page(roles: frozenset[Role]) -> str:
    """The page a person lands on after signing in: the one they use most. Clinicians log between
    patients, so theirs is Log; everyone else starts on Home."""
    return "me.log" if Role.CLINICIAN in roles else "me.home"
