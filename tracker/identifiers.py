"""Flag free text that looks like a patient identifier before it is stored.

The app must never hold patient identifiers. We cannot prove a note is free of them, but we can
catch the common shapes — record numbers, dates of birth, phone numbers, e-mail addresses — and
ask the person to look again. False positives cost one extra click ("save anyway"); a missed
identifier costs trust, so the patterns lean towards flagging.
"""

from __future__ import annotations

import re

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("an e-mail address", re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")),
    (
        "a date of birth",
        re.compile(
            r"\b(dob|d\.o\.b)\b"
            r"|\b\d{1,2}[/.\-]\d{1,2}[/.\-](\d{4}|\d{2})\b"
            r"|\b(19|20)\d{2}-\d{1,2}-\d{1,2}\b",
            re.IGNORECASE,
        ),
    ),
    (
        "a record number",
        re.compile(
            r"\b(mrn|nhs|hospital number|record|chart|patient id|case)\s*(no\.?|number|#|:)?\s*[:#]?\s*[A-Z]{0,3}\d{3,}"
            r"|\b[A-Z]{1,3}\d{6,}\b"
            r"|#\s?\d{4,}"
            r"|\b\d{3}\s?\d{3}\s?\d{4}\b(?!\s?\d)",
            re.IGNORECASE,
        ),
    ),
    (
        "a phone number",
        re.compile(r"(?<![\w])(\+\d{1,3}[\s.-]?)?\(?\d{2,4}\)?[\s.-]\d{3,4}[\s.-]\d{3,4}(?![\w])"),
    ),
    ("a long number", re.compile(r"\b\d{7,}\b")),
)


def find_identifiers(text: str | None) -> list[str]:
    """Kinds of identifier-like text found, in a stable order; empty when none is found."""
    if not text:
        return []
    return [kind for kind, pattern in _PATTERNS if pattern.search(text)]
