"""The app's own CSS: the few things the theme options of `.streamlit/config.toml` cannot say.

Injected once per run by the entry script, signed in or not (the sign-in page has a primary button
too). The app follows the browser's light or dark preference (config.toml has a `[theme.light]` and
a `[theme.dark]` table and no menu to override them), so `prefers-color-scheme` here always agrees
with the theme on screen.

- A page link's keyboard focus in Streamlit 1.67 is only a slightly darker background, which
  tests/e2e/test_keyboard.py could not tell from none (no outline, no shadow, no border); the
  current page's own background hides it further. An outline in the theme's primary colour, as on
  buttons, shows where the focus is on every page link.
- In the dark theme the primary colour is a light teal (it is also text there: a selected pill on
  its own tint), and Streamlit writes primary buttons in white on it, 2.36:1 (axe-core, measured).
  Those buttons get the dark ink instead.
- Large text (200 % zoom on a 390 px phone is a 195 px wide page): Streamlit keeps a few labels on
  one line and cuts them with an ellipsis. Measured there (tests/e2e/test_dark_and_zoom.py): tag
  pills on Support a peer ("Moment of connection", 132 px of text in 105), a button ("Swap
  supporter", 93 in 81), a page link ("Ask for a conversation", 128 in 123), and the Outcomes
  metrics' labels and deltas ("Load after ÷ before (median)", 165 in 109). They wrap instead. The
  time-of-day segmented control scrolled sideways (318 px of options in 129) and wraps instead; the
  date field ("2026 - 12 - 01", 102 px in 95) gets less side padding on a narrow screen.
"""

from __future__ import annotations

import streamlit as st

LIGHT_PRIMARY = "#27695c"  # the defaults if config.toml leaves them out
DARK_PRIMARY = "#5fb8a5"
INK_ON_LIGHT_PRIMARY = "#0e1117"  # 8.0:1 on #5fb8a5
# Labels Streamlit cuts with an ellipsis, and the boxes around them that must grow with the wrap.
WRAP_LABELS = ", ".join(
    (
        '[data-testid="stButtonGroup"] button',
        '[data-testid="stButtonGroup"] button *',
        '[data-testid^="stBaseButton"] [data-testid="stMarkdownContainer"]',
        '[data-testid^="stBaseButton"] [data-testid="stMarkdownContainer"] *',
        '[data-testid="stPageLink-NavLink"] span',
        '[data-testid="stMetricLabel"]',
        '[data-testid="stMetricLabel"] *',
        '[data-testid="stMetricDelta"]',
        '[data-testid="stMetricDelta"] *',
    )
)
WRAP_BOXES = '[data-testid="stButtonGroup"] button, [data-testid^="stBaseButton"], [data-testid="stMetric"]'


def apply_style() -> None:
    st.html(f"<style>{css()}</style>")


def css() -> str:
    light = st.get_option("theme.light.primaryColor") or LIGHT_PRIMARY
    dark = st.get_option("theme.dark.primaryColor") or DARK_PRIMARY
    link = '[data-testid="stPageLink-NavLink"]:focus-visible'
    primary_button = '[data-testid^="stBaseButton-primary"]:not(:disabled)'
    return (
        # !important: Streamlit's own rules for these labels are more specific (a class and an element).
        f"{WRAP_LABELS} {{ white-space: normal !important; overflow: visible !important;"
        " text-overflow: clip !important; overflow-wrap: anywhere; }"
        f"{WRAP_BOXES} {{ height: auto; min-height: fit-content; overflow: visible; }}"
        # A segmented control (time of day) scrolls its options sideways when they do not fit: wrap them.
        '[data-testid="stButtonGroup"] > div { flex-wrap: wrap !important; overflow-x: visible !important; }'
        # The date field's 13 px side padding leaves "2026 - 12 - 01" 7 px short on a zoomed phone.
        "@media (max-width: 400px) {"
        '[data-testid="stDateInputFieldsScroller"] [role="group"] { padding-left: 4px; padding-right: 4px; }'
        "}"
        f"{link} {{ outline: 2px solid {light}; outline-offset: 1px; }}"
        "@media (prefers-color-scheme: dark) {"
        f"{link} {{ outline-color: {dark}; }}"
        f"{primary_button}, {primary_button} * {{ color: {INK_ON_LIGHT_PRIMARY}; }}"
        "}"
    )
