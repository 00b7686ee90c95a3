"""The app's own navigation: `st.page_link`s in the sidebar, grouped by section.

Measured on Streamlit 1.67 with axe-core 4.12 (tests/e2e/test_accessibility.py): the built-in
page list of `st.navigation` with sections puts `<div>`s between its `<ul>`s and `<li>`s, one
serious `list` and about ten serious `listitem` violations on every page (390 over the pages of
the demo's three roles at 1280 px). No option changes that DOM, so the entry script hides the
built-in list (`position="hidden"`) and the sidebar holds these links instead: plain `<a>`
elements named by their page title, the current page in bold: 0 violations.

On a phone the sidebar covers the page, and it stayed open after choosing a page (measured, with
the built-in list too); page links do not close it either. A small script closes it when a link in
the sidebar is followed (a tap, or Enter from the keyboard) on a screen as narrow as those on which
Streamlit starts with the sidebar closed (tests/e2e/test_navigation.py).
"""

from __future__ import annotations

import streamlit as st

from pages.ui.navigation import PageSpec, page

# Streamlit collapses the sidebar on its own at or below its "md" breakpoint (768 px, measured in
# its frontend); the same width here, so a tablet in landscape keeps the desktop behaviour.
_CLOSE_ON_PHONE_JS = """
<script>
if (!window.__sharedLoadMenuCloses) {
  window.__sharedLoadMenuCloses = true;
  document.addEventListener("click", (event) => {
    const link = event.target.closest('[data-testid="stSidebar"] [data-testid="stPageLink-NavLink"]');
    if (!link || window.innerWidth > 768) return;
    const collapse = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
    if (collapse) collapse.click();
  });
}
</script>
"""


def show_menu(sections: dict[str, list[PageSpec]]) -> None:
    """One link per page the person may open, under its section's name (call inside the sidebar)."""
    with st.container(key="navigation"):
        for section, specs in sections.items():
            st.markdown(f"**{section}**")
            for spec in specs:
                st.page_link(page(spec.module), label=spec.title, icon=spec.icon)
    st.html(_CLOSE_ON_PHONE_JS, unsafe_allow_javascript=True)  # the focus ring is in pages/ui/style.py
