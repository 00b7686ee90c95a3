"""Text a person typed (names, e-mails, units, tags, service messages that quote them) shown as typed.

Most Streamlit elements read their text as Markdown: titles, captions, alerts, toasts, widget
labels and pills options. A person named `![x](https://example.org/p.png)` would otherwise show
an image fetched from another site. `literal` turns any text into Markdown that renders exactly
those characters. Measured in Chromium on Streamlit 1.67:

- Backslash escapes (CommonMark lets every ASCII punctuation character be escaped) stop images,
  links, emphasis, headings, lists, tables, HTML, math and `:red[...]`-style directives.
- They do not stop what Streamlit's renderer adds after parsing, on the unescaped text: GFM
  autolinks (`https://…`, `www.…`, `name@host`, `mailto:`) and emoji shortcodes (`:smile:`).
  An invisible U+2060 WORD JOINER after every colon, before every `@` and inside `www.` breaks
  those patterns; it has no width and no glyph, so the text looks exactly as typed.

Where user text stands alone and needs no Markdown around it, `st.text`, `st.code` or
`st.dataframe` show it as is and need no escaping.
"""

from __future__ import annotations

import re

WORD_JOINER = "\u2060"
_MARKDOWN_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character
_WWW = re.compile(r"(w)(ww\\\.)", re.IGNORECASE)


def literal(text: str) -> str:
    """Markdown source that renders `text` character for character: never a link, an image,
    an emoji, formatting or HTML. For one-line text: line breaks become spaces."""
    one_line = " ".join(str(text).splitlines())
    escaped = _MARKDOWN_PUNCTUATION.sub(r"\\\1", one_line)
    escaped = escaped.replace("\\:", "\\:" + WORD_JOINER).replace("\\@", WORD_JOINER + "\\@")
    return _WWW.sub(r"\1" + WORD_JOINER + r"\2", escaped)
