"""Hand a directly-run page file over to the real entry point.

Measured on Streamlit 1.67: with a `pages/` folder, the very first request to a page URL on a
freshly started server runs that page file as the script and skips `streamlit_app.py` — and with
it the sign-in gate. Page modules therefore define functions only, and each ends with a
`__main__` guard calling `run_app()`, so that first request runs the app's own entry point:
the person sees the sign-in (or the page, once signed in), never a bare module.
"""
from __future__ import annotations

import runpy
from pathlib import Path

ENTRY_POINT = Path(__file__).resolve().parent.parent / "streamlit_app.py"


def run_app() -> None:
    runpy.run_path(str(ENTRY_POINT), run_name="__main__")


if __name__ == "__main__":
    run_app()
