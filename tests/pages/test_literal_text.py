"""Text people typed (names, e-mails, tags) is shown as typed: never read as Markdown.

An element's `.value` in AppTest is the Markdown source Streamlit sends to the browser; the
browser test (tests/e2e/test_literal_text.py) checks what Chromium renders from it.
"""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from pages.ui.text import WORD_JOINER, literal
from tests.conftest import token
from tests.pages.conftest import shown
from tracker.domain import InteractionDraft
from tracker.services import interactions, named_lists

MARKDOWN_NAME = "![x](https://example.org/p.png) [Session expired](https://example.org)"
MARKDOWN_EMAIL = "markdown.person@example.org"
ESCAPE = re.compile(r"\\[!-/:-@\[-`{-~]")
ASCII_PUNCTUATION = re.compile(r"[!-/:-@\[-`{-~]")


def markdown_person(make_person):
    return make_person(MARKDOWN_NAME, email=MARKDOWN_EMAIL, roles=("clinician", "administrator"))


def test_literal_escapes_the_markdown_name():
    source = literal(MARKDOWN_NAME)
    assert shown(source) == MARKDOWN_NAME
    assert not ASCII_PUNCTUATION.search(ESCAPE.sub("", source)), source  # nothing left unescaped
    assert "https\\:" + WORD_JOINER + "\\/\\/" in source  # no autolink either


@given(st.text(alphabet=st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp"))))
def test_any_one_line_text_comes_back_exactly_and_fully_escaped(text):
    source = literal(text)
    assert shown(source) == text
    assert not ASCII_PUNCTUATION.search(ESCAPE.sub("", source))
    assert not re.search(r"(?i)www\\\.|[^\u2060]\\@|\\:(?!\u2060)", source)  # autolink and emoji patterns broken


def test_a_markdown_name_shows_literally_in_the_sidebar_home_and_account(open_app, make_person):
    person = markdown_person(make_person)
    at = open_app(person)
    assert not at.exception
    [caption] = at.sidebar.caption
    assert literal(MARKDOWN_NAME) in caption.value
    assert shown(caption.value) == f"Signed in as {MARKDOWN_NAME}"
    assert shown(at.title[0].value) == "Hello, ![x](https://example.org/p.png)"
    assert literal("![x](https://example.org/p.png)") in at.title[0].value

    at = open_app(person, url_path="account")
    assert not at.exception
    [signed_in_as] = [m for m in at.markdown if "Signed in as" in m.value]
    assert literal(MARKDOWN_NAME) in signed_in_as.value and literal(MARKDOWN_EMAIL) in signed_in_as.value
    assert shown(signed_in_as.value) == f"Signed in as **{MARKDOWN_NAME}** ({MARKDOWN_EMAIL})."
    assert not at.get("imgs")  # no st.image anywhere


def test_a_markdown_name_is_plain_in_the_people_table_and_the_audit_log(open_app, make_person):
    person = markdown_person(make_person)
    at = open_app(person, url_path="people")
    assert not at.exception
    assert MARKDOWN_NAME in list(at.dataframe[0].value["Name"])  # a table cell is never Markdown
    at = open_app(person, url_path="audit")
    assert not at.exception
    assert any(MARKDOWN_NAME in str(cell) for cell in at.dataframe[0].value.to_numpy().ravel())


def test_a_markdown_tag_shows_literally_in_the_log_form_and_the_recent_entries(open_page, db, administrator, clinician):
    tag = "[Session expired](https://example.org) :smile:"
    tag_id = named_lists.create_tag(db, administrator, token=token(), name=tag)
    interactions.log(
        db, clinician, InteractionDraft(token=token(), occurred_on=clinician.today(), rating=1, tag_ids=(tag_id,))
    )
    at = open_page("me.log", clinician)
    assert not at.exception
    tag_pills = at.pills[1]
    assert literal(tag) in tag_pills.options  # pills read their options as Markdown
    assert tag in [shown(option) for option in tag_pills.options]
    [entry] = [e for e in at.expander if "Session expired" in e.label]  # the recent entry's one line
    assert shown(entry.label).endswith(" · " + tag)
