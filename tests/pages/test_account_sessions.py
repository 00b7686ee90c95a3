"""Account: where the person is signed in, and "Sign out everywhere"."""

from __future__ import annotations

from pages.ui.session import SESSION_KEY
from tests.pages.conftest import open_whole_app
from tracker.services import auth, sessions


def test_account_lists_my_sign_ins_and_signs_out_everywhere(db, clinician):
    elsewhere = sessions.start(db, clinician)
    at = open_whole_app(clinician, "account")
    assert not at.exception
    [table] = at.dataframe
    assert sorted(table.value["Where"]) == ["Elsewhere", "This browser"]
    assert set(table.value["How"]) == {"Password"}

    next(b for b in at.button if b.label == "Sign out everywhere").click().run()
    assert not at.exception
    assert SESSION_KEY not in at.session_state
    assert [t.value for t in at.title] == ["Shared Load"]  # the sign-in page
    assert auth.signed_in(db, session_id=elsewhere.session_id).actor is None  # the other browser's too
