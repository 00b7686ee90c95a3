"""Bad input, everywhere: every user-set parameter of the service functions (and of the reads a
screen feeds from a widget), fed malformed values on SQLite and PostgreSQL.

For each parameter a case names a call that succeeds with a good value (checked first, so a
refusal is the bad value's doing), then:

- every value in its `bad` list must be refused with a plain-words domain error (a subclass of
  `SharedLoadError`, never TypeError, ValueError, OverflowError or a database error) and change
  nothing: every table is compared with how it was before (the calls run in transactions that are
  rolled back afterwards, tests/services/organisation.py);
- every value in its `maybe` list (emoji, whitespace a name may fold away, a far date a report
  may span) may be accepted or refused — never a crash, and a refusal changes nothing;
- hypothesis adds arbitrary junk of every type with the same rule as `maybe`.

The bad values: wrong types (None, bools, floats for ints, strings for ints, bytes, lists, dicts,
sets), ids ≤ 0 and ≥ 2**63, huge strings (100,000 characters), NUL and every control character
U+0001–U+001F and U+007F, zero-width and direction characters (U+200B–U+200F, U+202A–U+202E,
U+2066–U+2069), dates in year 1, before 2000 and in year 9999, naive and far meeting times.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from tests.conftest import PASSWORD
from tests.services.organisation import Organisation, build, changes, snapshot, watching_writes
from tests.services.organisation import isolated as isolated  # a fixture
from tracker import passwords
from tracker.audit import AuditKind
from tracker.domain import Actor, InteractionDraft, RequestDraft
from tracker.errors import SharedLoadError
from tracker.queries import administration, outcomes, peer, trends
from tracker.queries import queue as queue_query
from tracker.queries.administration import AuditFilter
from tracker.queries.program import Settings
from tracker.scoring import CheckInAnswers
from tracker.services import (
    auth,
    checkins,
    conversations,
    interactions,
    named_lists,
    people,
    reminders,
    requests,
    supporters,
)
from tracker.services import queue as decisions
from tracker.services import (
    settings as program,
)

MISSING = 2_000_000_001  # a well-formed id nothing has
HUGE_INTS = [2**31, 2**63, 2**64, -(2**63) - 1, 10**30]  # ids are INTEGER: 32 bits on PostgreSQL
NOT_AN_INT = [True, False, 1.0, 2.5, float("nan"), float("inf"), "1", "", b"1", [1], (1,), {"a": 1}, {1}, object()]
NOT_TEXT = [1, 1.5, True, b"text", ["a"], {"a": 1}, object()]
FOLDED = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f"  # whitespace a name or a line folds into one space
CONTROL = [chr(c) for c in range(0x00, 0x20) if chr(c) not in FOLDED] + ["\x7f"]
FORMAT = [chr(c) for c in (*range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2066, 0x206A))]
HUGE_TEXT = ["x" * 100_000, "é" * 100_000, "😀" * 100_000]
EMOJI = ["Ann 😀 Lee", "👩🏽‍⚕️ Dr Lee", "🩺"]
NOT_A_BOOL = [None, 0, 1, "yes", "", "false", [], {}, 1.0, b"1"]
NOT_A_DATE = ["2026-01-01", 20260101, 1.5, [date(2026, 1, 1)], {"day": 1}, b"2026"]
FAR_DATES = [date(1, 1, 1), date(1999, 12, 31), date(9999, 12, 31)]


def ints(low: int, high: int, *, optional: bool = False) -> list:
    """Everything that is not a whole number from low to high."""
    out = [*NOT_AN_INT, low - 1, high + 1, -1, 0, *HUGE_INTS]
    out = [v for v in out if not (type(v) is int and low <= v <= high)]
    return out if optional else [None, *out]


def ids(*, optional: bool = False) -> list:
    out = [v for v in NOT_AN_INT if v is not True and v != 1.0] + [True, 1.0, 0, -1, *HUGE_INTS, MISSING]
    return out if optional else [None, *out]


def text(*, optional: bool = False, huge: bool = True, allowed: str = "") -> list:
    """Wrong types, and text holding a character that cannot be stored or shown."""
    out = [*NOT_TEXT, *(f"Ann{c}Lee" for c in CONTROL + FORMAT if c not in allowed)]
    out += HUGE_TEXT if huge else []
    return out if optional else [None, *out]


def folded_and_emoji() -> list:
    return [f"Ann{c}Lee" for c in FOLDED] + EMOJI


def choices(*, optional: bool = False) -> list:
    """Values for a field that takes one of a few words: wrong types, unhashable, near misses."""
    out = [*NOT_TEXT, "", " ", "NOPE", "morning\x00", "\u202emorning", "x" * 100_000, [], ["morning"], {"a": 1}, {1}]
    return out if optional else [None, *out]


def tokens() -> list:
    return [None, *NOT_TEXT, "", "short", "x" * 65, "tok en 1234567", "tok\x00en1234567", "\u202etoken12345"]


def id_lists(*, empty_ok: bool) -> list:
    out = [None, 5, "12", b"12", {1: 2}, [None], [[1]], [{}], [1.0], [True], [-1], [0], [2**63], [MISSING], ["x"]]
    out += [list(range(1, 10_001))]
    return out if empty_ok else [*out, [], ()]


def dates(*, optional: bool = False) -> list:
    out = [*NOT_A_DATE, *FAR_DATES, datetime(2026, 1, 1, 12, 0)]
    return out if optional else [None, *out]


@dataclass(frozen=True)
class Case:
    name: str
    call: Callable[[Session, Organisation, object], object]
    good: object
    bad: list
    maybe: list = ()
    # What a refusal may still write (a failed sign-in is counted and audited): (table, column or None)
    may_write: frozenset = frozenset()


def draft(actor: Actor, **fields) -> InteractionDraft:
    values = {"token": uuid.uuid4().hex, "occurred_on": actor.today(), "rating": 1, "time_of_day": "morning"}
    return InteractionDraft(**{**values, **fields})


def ask_draft(org: Organisation, **fields) -> RequestDraft:
    values = {"token": uuid.uuid4().hex, "topic_ids": (org.tags["Gratitude"],), "urgency": "soon", "load_before": 5}
    return RequestDraft(**{**values, **fields})


def new_token() -> str:
    return uuid.uuid4().hex


def cases(org: Organisation, sealed: Actor) -> list[Case]:
    """Every user-set parameter, with a good value and the bad ones."""
    alice, bob, sid, cora, ada, mallory = (org[n] for n in ("Alice", "Bob", "Sid", "Cora", "Ada", "Mallory"))
    entry, m1, m2 = org.entries["Alice"][0], org.matches["M1"], org.matches["M2"]
    r1, r2, icu, gratitude = org.requests["R1"], org.requests["R2"], org.units["ICU"], org.tags["Gratitude"]
    today = alice.today()
    meeting = org.now + timedelta(days=1)
    out: list[Case] = []

    def log(field: str, good, bad, maybe=()):
        out.append(
            Case(
                f"interactions.log {field}",
                lambda db, o, v: interactions.log(db, alice, draft(alice, **{field: v})),
                good,
                bad,
                list(maybe),
            )
        )

    log("token", new_token(), tokens())
    log("occurred_on", today, [*dates(), today + timedelta(days=1)])
    log("rating", -3, ints(-3, 3))
    log("time_of_day", "night", choices(optional=True))
    log("tag_ids", (gratitude,), id_lists(empty_ok=True))
    log("felt_trusted", 2, ints(0, 2, optional=True))
    log("showed_humanity", 0, ints(0, 2, optional=True))
    log("note", "A good talk\nwith a family", text(optional=True, allowed="\n\t"), folded_and_emoji())
    log("save_anyway", True, NOT_A_BOOL[1:])

    def update(db, o, v):
        return interactions.update(db, alice, v, draft(alice))

    out.append(Case("interactions.update interaction_id", update, entry, ids()))
    out.append(
        Case(
            "interactions.update rating",
            lambda db, o, v: interactions.update(db, alice, entry, draft(alice, rating=v)),
            2,
            ints(-3, 3),
        )
    )
    out.append(
        Case(
            "interactions.update occurred_on",
            lambda db, o, v: interactions.update(db, alice, entry, draft(alice, occurred_on=v)),
            today - timedelta(days=3),
            dates(),
        )
    )
    # A missing entry is "already deleted" (a double tap), so MISSING may pass; anything malformed may not.
    out.append(
        Case(
            "interactions.delete interaction_id",
            lambda db, o, v: interactions.delete(db, alice, v),
            entry,
            [v for v in ids() if v != MISSING],
            [MISSING],
        )
    )

    def checkin(field: str, good, bad):
        def call(db, o, v):
            answers = {"brs": (3,) * 6, "burnout": 2, "load": 4}
            if field == "replace":
                return checkins.submit(db, sid, token=new_token(), answers=CheckInAnswers(**answers), replace=v)
            if field == "token":
                return checkins.submit(db, sid, token=v, answers=CheckInAnswers(**answers))
            return checkins.submit(db, sid, token=new_token(), answers=CheckInAnswers(**{**answers, field: v}))

        out.append(Case(f"checkins.submit {field}", call, good, bad))

    checkin(
        "brs",
        (1, 2, 3, 4, 5, 5),
        [
            None,
            (3,) * 5,
            (3,) * 7,
            (3, 3, 3, 3, 3, "3"),
            (3, 3, 3, 3, 3, True),
            (0,) * 6,
            (6,) * 6,
            "333333",
            (3.0,) * 6,
            ([3],) * 6,
            (2**63,) * 6,
            {1: 1},
            3,
            b"333333",
        ],
    )
    checkin("burnout", 5, ints(1, 5))
    checkin("load", 10, ints(0, 10))
    checkin("replace", True, NOT_A_BOOL[1:])
    checkin("token", new_token(), tokens())

    def ask(field: str, good, bad, maybe=()):
        out.append(
            Case(
                f"requests.ask {field}",
                lambda db, o, v: requests.ask(db, mallory, ask_draft(o, **{field: v})),
                good,
                bad,
                list(maybe),
            )
        )

    ask("token", new_token(), tokens())
    ask("topic_ids", [gratitude], id_lists(empty_ok=False))
    ask("urgency", "this_week", choices())
    ask("load_before", 0, ints(0, 10))
    ask("same_profession", True, NOT_A_BOOL)
    ask("not_my_unit", True, NOT_A_BOOL)
    ask("note_for_coordinator", "Evenings suit me", text(optional=True), folded_and_emoji())
    ask("save_anyway", True, NOT_A_BOOL[1:])
    out.append(Case("requests.withdraw request_id", lambda db, o, v: requests.withdraw(db, alice, v), r1, ids()))

    out.append(
        Case(
            "conversations.propose_time match_id",
            lambda db, o, v: conversations.propose_time(db, bob, v, meeting),
            m1,
            ids(),
        )
    )
    out.append(
        Case(
            "conversations.propose_time when",
            lambda db, o, v: conversations.propose_time(db, bob, m1, v),
            meeting,
            [
                None,
                True,
                1_700_000_000,
                "2027-01-01T10:00",
                meeting.replace(tzinfo=None),
                meeting.date(),
                datetime(1, 1, 1, tzinfo=UTC),
                datetime(9999, 12, 31, tzinfo=UTC),
                datetime.max.replace(tzinfo=UTC),
                datetime.now(UTC) - timedelta(hours=1),
                datetime.now(UTC) + timedelta(days=400),
            ],
        )
    )
    out.append(
        Case("conversations.accept_time match_id", lambda db, o, v: conversations.accept_time(db, alice, v), m1, ids())
    )
    out.append(
        Case(
            "conversations.decline_as_supporter reason",
            lambda db, o, v: conversations.decline_as_supporter(db, bob, m1, reason=v),
            "Family matters",
            [*text(), "", "   ", "x" * 301],
            folded_and_emoji(),
        )
    )
    for field, good, bad in (("match_id", m1, ids()), ("load_after", 3, ints(0, 10)), ("helpful", 5, ints(1, 5))):

        def seeker(db, o, v, field=field):
            values = {"match_id": m1, "load_after": 3, "helpful": 4, field: v}
            match_id = values.pop("match_id")
            return conversations.seeker_feedback(db, alice, match_id, now=o.now, **values)

        out.append(Case(f"conversations.seeker_feedback {field}", seeker, good, bad))
    for field, good, bad in (("load_after", 0, ints(0, 10)), ("wants_support", True, NOT_A_BOOL)):

        def supporter(db, o, v, field=field):
            values = {"load_after": 3, "wants_support": False, field: v}
            return conversations.supporter_feedback(db, bob, m1, now=o.now, **values)

        out.append(Case(f"conversations.supporter_feedback {field}", supporter, good, bad))

    out.append(
        Case(
            "supporters.save_profile topic_ids",
            lambda db, o, v: supporters.save_profile(db, mallory, topic_ids=v, capacity_per_month=2),
            (gratitude,),
            id_lists(empty_ok=False),
        )
    )
    out.append(
        Case(
            "supporters.save_profile capacity_per_month",
            lambda db, o, v: supporters.save_profile(db, mallory, topic_ids=(gratitude,), capacity_per_month=v),
            8,
            ints(1, 8),
        )
    )
    out.append(
        Case(
            "supporters.set_paused paused", lambda db, o, v: supporters.set_paused(db, sid, paused=v), True, NOT_A_BOOL
        )
    )
    out.append(
        Case(
            "supporters.mark_trained person_id",
            lambda db, o, v: supporters.mark_trained(db, cora, v, trained=False),
            sid.id,
            ids(),
        )
    )
    out.append(
        Case(
            "supporters.mark_trained trained",
            lambda db, o, v: supporters.mark_trained(db, cora, sid.id, trained=v),
            False,
            NOT_A_BOOL,
        )
    )

    out.append(Case("queue.approve match_id", lambda db, o, v: decisions.approve(db, cora, v), m2, ids()))
    out.append(
        Case(
            "queue.swap_supporter match_id",
            lambda db, o, v: decisions.swap_supporter(db, cora, v, sid.id, now=o.now),
            m2,
            ids(),
        )
    )
    out.append(
        Case(
            "queue.swap_supporter supporter_id",
            lambda db, o, v: decisions.swap_supporter(db, cora, m2, v, now=o.now),
            sid.id,
            [v for v in ids() if v is not None],
        )
    )
    out.append(
        Case(
            "queue.decline_pair match_id",
            lambda db, o, v: decisions.decline_pair(db, cora, v, reason="Not a fit"),
            m2,
            ids(),
        )
    )
    out.append(
        Case(
            "queue.decline_pair reason",
            lambda db, o, v: decisions.decline_pair(db, cora, m2, reason=v),
            "Not a fit",
            [*text(), ""],
            folded_and_emoji(),
        )
    )
    out.append(
        Case(
            "queue.decline_request request_id",
            lambda db, o, v: decisions.decline_request(db, cora, v, reason="Needs other help"),
            r2,
            ids(),
        )
    )
    out.append(
        Case(
            "queue.decline_request reason",
            lambda db, o, v: decisions.decline_request(db, cora, r2, reason=v),
            "Needs other help",
            [*text(), ""],
            folded_and_emoji(),
        )
    )

    for noun, create, rename, switch, row, flag, good_flag in (
        ("unit", named_lists.create_unit, named_lists.rename_unit, named_lists.set_unit_active, icu, "active", False),
        (
            "tag",
            named_lists.create_tag,
            named_lists.rename_tag,
            named_lists.set_tag_retired,
            gratitude,
            "retired",
            True,
        ),
    ):
        out.append(
            Case(
                f"named_lists.create_{noun} name",
                lambda db, o, v, create=create: create(db, ada, token=new_token(), name=v),
                "Night shift",
                [*text(), "", "  ", "x" * 121],
                folded_and_emoji(),
            )
        )
        out.append(
            Case(
                f"named_lists.create_{noun} token",
                lambda db, o, v, create=create: create(db, ada, token=v, name="Night shift"),
                new_token(),
                tokens(),
            )
        )
        out.append(
            Case(
                f"named_lists.rename_{noun} name",
                lambda db, o, v, rename=rename, row=row: rename(db, ada, row, name=v),
                "Renamed",
                [*text(), ""],
                folded_and_emoji(),
            )
        )
        out.append(
            Case(
                f"named_lists.rename_{noun} id",
                lambda db, o, v, rename=rename: rename(db, ada, v, name="Renamed"),
                row,
                ids(),
            )
        )
        out.append(
            Case(
                f"named_lists.switch_{noun} {flag}",
                lambda db, o, v, switch=switch, row=row, flag=flag: switch(db, ada, row, **{flag: v}),
                good_flag,
                NOT_A_BOOL,
            )
        )
        out.append(
            Case(
                f"named_lists.switch_{noun} id",
                lambda db, o, v, switch=switch, flag=flag, good=good_flag: switch(db, ada, v, **{flag: good}),
                row,
                ids(),
            )
        )

    invite_good = {
        "display_name": "Nia New",
        "roles": {"clinician"},
        "unit_id": icu,
        "profession": "nurse",
        "supervisor_id": alice.id,
    }
    invite_bad = {
        "display_name": ([*text(), "", "x" * 121], folded_and_emoji()),
        "roles": (
            [
                None,
                "clinician",
                5,
                [],
                set(),
                ["boss"],
                [["clinician"]],
                [None],
                ["clinician\x00"],
                {"clinician": 1},
                ["Clinician"],
                b"clinician",
            ],
            [],
        ),
        "unit_id": (ids(optional=True), []),
        "profession": ([*NOT_TEXT, "surgeon", "nurse\x00", [], {"a": 1}, "x" * 100_000], []),
        "supervisor_id": (ids(optional=True), []),
    }
    for field, (bad, maybe) in invite_bad.items():

        def invite(db, o, v, field=field):
            values = {**invite_good, field: v}
            return people.invite_person(
                db, ada, token=new_token(), email=f"nia.{uuid.uuid4().hex[:6]}@example.org", **values
            )

        out.append(Case(f"people.invite_person {field}", invite, invite_good[field], bad, maybe))

        def update_person(db, o, v, field=field):
            values = {**invite_good, "supervisor_id": None, field: v}
            return people.update_person(db, ada, mallory.id, **values)

        good = None if field == "supervisor_id" else invite_good[field]
        out.append(Case(f"people.update_person {field}", update_person, good, bad, maybe))
    out.append(
        Case(
            "people.invite_person email",
            lambda db, o, v: people.invite_person(db, ada, token=new_token(), email=v, **invite_good),
            "nia.new@example.org",
            [
                *text(),
                "",
                "nia",
                "nia@",
                "@example.org",
                "nia@example",
                "a b@example.org",
                "n" * 250 + "@example.org",
                "nia\x00@example.org",
                "nia@exa\u202emple.org",
                mallory.email,
            ],
            ["nia😀@example.org"],
        )
    )
    out.append(
        Case(
            "people.invite_person token",
            lambda db, o, v: people.invite_person(db, ada, token=v, email="nia.new@example.org", **invite_good),
            new_token(),
            tokens(),
        )
    )
    out.append(
        Case(
            "people.update_person person_id",
            lambda db, o, v: people.update_person(db, ada, v, **{**invite_good, "supervisor_id": None}),
            mallory.id,
            ids(),
        )
    )
    out.append(
        Case(
            "people.set_person_active person_id",
            lambda db, o, v: people.set_person_active(db, ada, v, active=False),
            mallory.id,
            ids(),
        )
    )
    out.append(
        Case(
            "people.set_person_active active",
            lambda db, o, v: people.set_person_active(db, ada, mallory.id, active=v),
            False,
            NOT_A_BOOL,
        )
    )
    out.append(
        Case(
            "people.reset_password person_id",
            lambda db, o, v: people.reset_password(db, ada, v, token=new_token()),
            mallory.id,
            ids(),
        )
    )
    out.append(
        Case(
            "people.reset_password token",
            lambda db, o, v: people.reset_password(db, ada, mallory.id, token=v),
            new_token(),
            tokens(),
        )
    )
    out.append(
        Case("people.unlock_sign_in person_id", lambda db, o, v: people.unlock_sign_in(db, ada, v), mallory.id, ids())
    )

    for field, good, bad in (
        ("response_target_hours", 48, ints(1, 720)),
        ("request_expiry_days", 30, ints(1, 365)),
        ("min_group_size", 7, ints(5, 100)),
        ("checkin_cadence", "fortnightly", choices()),
        ("supporters_must_be_trained", False, NOT_A_BOOL),
        ("sso_creates_clinicians", True, NOT_A_BOOL),
    ):
        out.append(
            Case(
                f"settings.update_settings {field}",
                lambda db, o, v, field=field: program.update_settings(db, ada, replace(Settings(), **{field: v})),
                good,
                bad,
            )
        )

    out.append(
        Case(
            "auth.change_password current",
            lambda db, o, v: auth.change_password(
                db, mallory, current=v, new="a new long password", repeated="a new long password"
            ),
            PASSWORD,
            [None, *NOT_TEXT, "", "x" * 100_000, "wrong password", PASSWORD + "\x00"],
        )
    )
    out.append(
        Case(
            "auth.change_password new",
            lambda db, o, v: auth.change_password(db, mallory, current=PASSWORD, new=v, repeated=v),
            "a new long password",
            [None, *NOT_TEXT, "", "short", "x" * 257, "x" * 100_000, PASSWORD],
            ["ten chars \x00 and NUL", "pass\u202eword long", "😀" * 10],
        )
    )
    out.append(
        Case(
            "auth.set_timezone timezone",
            lambda db, o, v: auth.set_timezone(db, mallory, v),
            "America/New_York",
            [*choices(), "Mars/Olympus", "../../etc/passwd", "UTC\x00", "Europe/London "],
        )
    )
    out.append(
        Case(
            "auth.unseal_history previous_password",
            lambda db, o, v: auth.unseal_history(db, sealed, previous_password=v),
            PASSWORD,
            [None, *NOT_TEXT, "", "x" * 100_000, "wrong password", PASSWORD + "\x00"],
        )
    )
    out.append(
        Case(
            "auth.restart_history confirm",
            lambda db, o, v: auth.restart_history(db, sealed, confirm=v),
            auth.RESTART_WORD,
            [*choices(), "start afresh", auth.RESTART_WORD + "\x00"],
        )
    )
    failed_sign_in = frozenset(
        {("audit_events", None), ("people", "failed_sign_ins"), ("people", "last_failed_sign_in_at")}
    )
    out.append(
        Case(
            "auth.sign_in email",
            lambda db, o, v: auth.sign_in(db, email=v, password=PASSWORD),
            mallory.email,
            [*text(), "", "nobody@example.org", mallory.email + "\x00", "\u202e" + mallory.email],
            EMOJI,
            may_write=failed_sign_in,
        )
    )
    out.append(
        Case(
            "auth.sign_in password",
            lambda db, o, v: auth.sign_in(db, email=mallory.email, password=v),
            PASSWORD,
            [None, *NOT_TEXT, "", "x" * 100_000, PASSWORD + "\x00", PASSWORD * 40],
            may_write=failed_sign_in,
        )
    )
    for field, good, bad in (
        ("email", mallory.email, [*text(), "", "nobody@example.org", mallory.email + "\x00"]),
        ("issuer", "https://id.example.org", [*NOT_TEXT, "iss\x00", "x" * 100_000]),
        ("subject", "subject-1", [*NOT_TEXT, "sub\x00", "x" * 100_000]),
    ):

        def sso(db, o, v, field=field):
            claims = {"email": mallory.email, "issuer": "https://id.example.org", "subject": "subject-1", field: v}
            return auth.sign_in_with_sso(db, email_verified=True, **claims)

        out.append(Case(f"auth.sign_in_with_sso {field}", sso, good, bad))
    out.append(
        Case(
            "auth.sign_in_with_sso email_verified",
            lambda db, o, v: auth.sign_in_with_sso(db, email=mallory.email, email_verified=v),
            True,
            [None, "true", 1, "yes", [True], {"verified": True}, b"true"],
        )
    )

    out.append(
        Case(
            "reminders.set_reminders at",
            lambda db, o, v: reminders.set_reminders(
                db, alice, token=new_token(), log_daily=True, checkin_weekly=False, at=v, checkin_weekday=4
            ),
            time(8, 30),
            [None, *NOT_TEXT, "08:30", 830, time(8, 30, tzinfo=UTC), datetime(2026, 1, 1, 8, 30), timedelta(hours=8)],
        )
    )
    out.append(
        Case(
            "reminders.set_reminders checkin_weekday",
            lambda db, o, v: reminders.set_reminders(
                db, alice, token=new_token(), log_daily=False, checkin_weekly=True, at=time(8), checkin_weekday=v
            ),
            6,
            ints(0, 6),
        )
    )
    out.append(
        Case(
            "reminders.set_reminders log_daily",
            lambda db, o, v: reminders.set_reminders(
                db, alice, token=new_token(), log_daily=v, checkin_weekly=False, at=time(8), checkin_weekday=4
            ),
            True,
            NOT_A_BOOL,
        )
    )

    # Reads that take a widget's value.
    out.append(
        Case(
            "trends.my_trends days",
            lambda db, o, v: trends.my_trends(db, alice, days=v),
            30,
            [v for v in ints(1, 36_500, optional=True) if v is not None],
        )
    )
    for field, good, bad, maybe in (
        ("by", "month", choices(), []),
        ("since", date(2020, 1, 1), [*dates(), date(2100, 1, 1)], []),
        (
            "until",
            today + timedelta(days=1),
            [*NOT_A_DATE, None, date(1, 1, 1), date(1999, 12, 31)],
            [date(9999, 12, 31)],
        ),
    ):

        def report(db, o, v, field=field):
            period = {"by": "unit", "since": date(2020, 1, 1), "until": today + timedelta(days=1), field: v}
            return outcomes.program_outcomes(db, cora, **period)

        out.append(Case(f"outcomes.program_outcomes {field}", report, good, bad, maybe))
    for field, good, bad, maybe in (
        ("who", "Ada", [*NOT_TEXT, *(f"Ann{c}" for c in CONTROL + FORMAT), *HUGE_TEXT], EMOJI),
        ("kind", "signed in", [*NOT_TEXT[:-1], "no such kind", "signed in\x00", "x" * 100_000], []),
        ("since", date(2020, 1, 1), [*NOT_A_DATE, datetime(2026, 1, 1)], [date(1, 1, 1), date(9999, 12, 31)]),
        ("until", date(2100, 1, 1), [*NOT_A_DATE, datetime(2026, 1, 1)], [date(1, 1, 1), date(9999, 12, 31)]),
    ):
        out.append(
            Case(
                f"administration.audit_page filters.{field}",
                lambda db, o, v, field=field: administration.audit_page(db, ada, AuditFilter(**{field: v})),
                good,
                bad,
                maybe,
            )
        )
    out.append(
        Case(
            "administration.audit_page page",
            lambda db, o, v: administration.audit_page(db, ada, page=v),
            2,
            [v for v in NOT_AN_INT if v is not True and v is not False] + [None],
            [0, -1, *HUGE_INTS],
        )
    )
    out.append(Case("peer.conversation match_id", lambda db, o, v: peer.conversation(db, alice, v), m1, ids()))
    out.append(Case("peer.invitation match_id", lambda db, o, v: peer.invitation(db, alice, v), m1, ids()))
    out.append(
        Case(
            "queue.alternatives match_id",
            lambda db, o, v: queue_query.alternatives(db, cora, v, now=o.now),
            m2,
            [],
            ids(),
        )
    )
    return out


def junk() -> st.SearchStrategy:
    """Anything at all: what a forged form or a careless caller might send."""
    return st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(),
        st.text(max_size=40),
        st.binary(max_size=8),
        st.lists(st.integers(), max_size=4),
        st.dictionaries(st.text(max_size=4), st.integers(), max_size=3),
        st.dates(),
        st.datetimes(timezones=st.sampled_from([None, UTC])),
        st.sampled_from(CONTROL + FORMAT + HUGE_TEXT[:1] + EMOJI),
    )


@pytest.fixture
def org(db, administrator, make_person) -> tuple[Organisation, Actor]:
    org = build(db, administrator, make_person)
    sealed = make_person("Sam Sealed")  # an administrator's reset sealed Sam's history
    interactions.log(db, sealed, draft(sealed, note="Sam's own"))
    temporary = people.reset_password(db, administrator, sealed.id, token=new_token())
    sealed = auth.sign_in(db, email=sealed.email, password=temporary)
    sealed = auth.change_password(db, sealed, current=temporary, new=PASSWORD, repeated=PASSWORD)
    assert sealed.history_sealed
    return org, sealed


def test_malformed_input_is_refused_in_plain_words_and_changes_nothing(org, isolated, monkeypatch):
    org, sealed = org
    for module in ("tracker.services.mydata", "tracker.services.auth"):  # a WAL checkpoint needs the engine
        monkeypatch.setattr(f"{module}.checkpoint_wal", lambda bind: None)
    # An unknown e-mail is checked against a dummy hash; make it as cheap as the tests' other hashes.
    monkeypatch.setattr(passwords, "_DUMMY_HASH", passwords._hasher.hash("not anybody's password"))
    with isolated() as session:
        pristine = snapshot(session)
    problems: list[str] = []

    def attempt(case: Case, value) -> tuple[str, object, list]:
        with isolated() as session, watching_writes(session) as writes:
            try:
                result = case.call(session, org, value)
                return "ok", result, []
            except SharedLoadError as error:
                return "refused", error, changes(pristine, snapshot(session)) if writes else []
            except Exception as error:  # noqa: BLE001 - reported below with the value that caused it
                return "crash", error, []

    def check(case: Case, value, *, must_refuse: bool) -> str | None:
        outcome, detail, changed = attempt(case, value)
        shown = _short(value)
        if outcome == "crash":
            return f"{case.name}={shown}: {type(detail).__name__}: {str(detail)[:160]}"
        if outcome == "ok":
            return f"{case.name}={shown} was accepted" if must_refuse else None
        words = str(detail)
        if not words or len(words) > 300 or any(s in words for s in ("Traceback", "sqlalchemy", "psycopg", "\x00")):
            return f"{case.name}={shown}: not plain words: {words[:160]!r}"
        wrong = [(table, kind) for table, kind, row, old in changed if not _may_write(case, table, kind, row, old)]
        return f"{case.name}={shown} was refused but changed {wrong}" if wrong else None

    def fuzz(case: Case):
        @settings(max_examples=6, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        @given(value=junk())
        def anything(value):
            found = check(case, value, must_refuse=False)
            assert found is None, found

        return anything

    for case in cases(org, sealed):
        outcome, detail, _ = attempt(case, case.good)
        if outcome != "ok":
            problems.append(f"{case.name}: the good value {case.good!r} is not accepted: {detail!r}"[:300])
            continue
        for value in case.bad:
            problems.append(check(case, value, must_refuse=True))
        for value in case.maybe:
            problems.append(check(case, value, must_refuse=False))

        try:
            fuzz(case)()
        except AssertionError as error:
            problems.append(str(error).splitlines()[0])
    problems = [p for p in problems if p]
    report = "\n".join(problems[:80]) + (f"\n… and {len(problems) - 80} more" if len(problems) > 80 else "")
    assert not problems, f"{len(problems)} problems:\n{report}"


def _may_write(case: Case, table: str, kind: str, row: dict, old: dict | None) -> bool:
    if table == "audit_events" and kind == "insert" and row["action"] == AuditKind.ACCESS_REFUSED:
        return True  # a junk id that is someone else's entry or request: refused, and the reach audited
    if (table, None) in case.may_write:
        return kind == "insert"
    if old is None:
        return False
    changed = {c for c in row if row[c] != old[c]}
    return bool(changed) and all((table, c) in case.may_write for c in changed)


def _short(value) -> str:
    shown = repr(value)
    return shown if len(shown) <= 40 else f"{shown[:30]}…({len(shown)} chars)"
