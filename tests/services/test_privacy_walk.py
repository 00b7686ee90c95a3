"""Privacy, proven by a walk: every public function in tracker/services and tracker/queries, called
by every kind of person with other people's ids, on SQLite and PostgreSQL.

The functions are found by introspection, so one added later is walked too. A function with an
acting person (`actor`) is walked; one without must be listed in NOT_WALKED with the reason it
cannot be handed someone else's id from a screen. Its parameters are filled by name: ids from
pools of things that belong to someone other than the walker (their entries, requests,
conversations, their person), everything else from VALUES. A parameter the walk does not know
fails the test, so a new function is never skipped silently.

Every call runs in a transaction of its own that is rolled back afterwards (the boundary's commits
become savepoints), so each call starts from the same organisation (tests/services/organisation.py)
and the walk can compare. For each call:

1. **Refused when the policy refuses.** The boundary's policy checks are recorded; the call must be
   refused if `tracker.policy.can` refuses the walker those actions on the resource the ids really
   name (the entry's owner, the request's seeker, a conversation's two people once approved — its
   seeker alone before). A refusal is `NotAllowed` and nothing else; it changes nothing but the
   audit log, which gains an "access … refused" event by the walker whenever the call named another
   person or their entry, request or conversation; and its words are the same as for an id that does
   not exist (existence is not leaked). Every walked function asks the policy at least once.
2. **Nothing returned beyond the policy.** Reflections carry `NOTE-<name>` and lines for the
   coordinator `LINE-<name>`: no result or message shows another person's note, nor their line
   unless the walker is a coordinator (the queue shows it). And the call is repeated after
   everything private to the other people has changed — their ratings (each person's two-week sum
   kept: the matching engine may use its sign, queries/match_input.py), reflections, tags, dates,
   trust answers, check-ins, loads before and after, helpfulness, meeting times of conversations the
   walker is not in: the result must be exactly the same. Whatever the walker gets does not depend
   on anyone else's private data.
3. **Writes only where the policy lets.** Nobody changes another person's entries, check-ins or
   form tokens; another person's account only as an administrator; requests, conversations and
   supporter profiles of others only as a coordinator (or as one of a conversation's two people);
   others' notifications are only ever added to.

Violations are collected and reported together.
"""

from __future__ import annotations

import importlib
import inspect
import io
import itertools
import json
import pkgutil
import uuid
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields, is_dataclass, replace
from datetime import date, datetime, time, timedelta
from enum import Enum

import pandas as pd
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

import tracker.queries
import tracker.services
from db.models import CheckIn, Interaction, InteractionTag, Match, SupportRequest
from tests.conftest import PASSWORD
from tests.services.organisation import Organisation, build, changes, snapshot, token, watching_writes
from tests.services.organisation import isolated as isolated  # a fixture
from tracker import policy
from tracker.audit import AuditKind
from tracker.domain import Actor, InteractionDraft, RequestDraft, Role
from tracker.errors import SharedLoadError
from tracker.policy import Resource
from tracker.queries.program import Settings
from tracker.scoring import CheckInAnswers
from tracker.services import auth, boundary
from tracker.services.named_lists import TAGS, UNITS

# ---- what is walked ----------------------------------------------------------------------------

PACKAGES = (tracker.services, tracker.queries)

NOT_WALKED = {
    "services.auth.to_actor": "turns a row already loaded into an Actor; no database, no id",
    "services.auth.needs_first_administrator": "whether the installation is empty; no person, no id",
    "services.auth.new_setup_code": "the installation's first-run code (nobody signed in); no id",
    "services.auth.setup_code_waiting": "whether a first-run code is waiting; no person, no id",
    "services.auth.create_first_administrator": "an empty installation only (nobody signed in); no id",
    "services.auth.sign_in": "nobody is signed in yet: an e-mail and a password, no id",
    "services.auth.sign_in_with_sso": "the identity provider's claims, no id from a screen",
    "services.auth.current_actor": "reloads the signed-in person from the id the server-side session holds "
    "(pages/ui/session.py), never an id from a request",
    "services.auth.signed_in": "the person the server-side session id or the HttpOnly cookie names: the server's "
    "own id, or a 256-bit secret, never an id from a request",
    "services.sessions.claim": "exchanges a one-time 256-bit handoff code (nobody signed in yet)",
    "services.sessions.find": "looks a session up by the server's own id or the cookie's secret (see auth.signed_in)",
    "services.sessions.names_session": "whether a cookie's secret names a session; no person's data",
    "services.sessions.remove_over": "part of the sweeps: deletes sessions over for a day (nobody signed in); no id",
    "services.sessions.end_sessions": "runs inside sign-out, a password change or reset and a deactivation, on the "
    "person each is about",
    "services.reminders.send_due": "the sender's rounds (nobody signed in), and bring_mine on the actor's own id",
    "queries.administration.audit_table": "formats rows already read",
    "services.boundary.action": "the boundary itself: every walked write goes through it",
    "services.boundary.authorize": "the boundary itself: every walked read goes through it",
    "services.boundary.not_yours": "wording only",
    "services.boundary.about_person": "names the person an action is about, for the policy check",
    "services.boundary.about_pair": "names the seeker a decision on a pair is about, for the policy check",
    "services.boundary.about_conversation": "names the people a conversation concerns, for the policy check",
    "services.mydata.erase_private_history": "runs inside the erase and start-afresh actions, on the actor's own id",
    "services.queue.decline": "runs inside a coordinator's or a supporter's decline, on a pair already checked",
    "services.queue.judge": "runs inside swap_supporter, after the coordinator's policy check",
    "services.requests.find": "a lookup the seeker's own actions use before their policy check",
    "services.requests.resource": "names a request's owner for the policy check",
    "services.requests.exists": "the same words for a missing request as for someone else's",
    "services.sweeps.run_sweeps": "the installation's timed steps (nobody signed in); no id",
    "queries.checkin_history.row": "formats one row already loaded",
    "queries.entries.tag_options": "the shared list of tags; no person, no id",
    "queries.match_input.engine_proposals": "pure: pairs from an input already read",
    "queries.match_input.matching_input": "read inside the coordinator's actions, after their policy check",
    "queries.match_input.month_start": "pure date arithmetic",
    "queries.match_input.reporting_line": "pure: walks (id, supervisor) pairs already read",
    "queries.match_input.supporters": "read inside the coordinator's actions, after their policy check",
    "queries.outcomes.exported_outcomes": "python -m tracker outcomes: the installation's own read (nobody signed in)",
    "queries.outcomes.outcome_table": "read inside program_outcomes and exported_outcomes, after their policy check",
    "queries.program.program_settings": "the program's settings; no person's data, no id",
}

WALKERS = ("Alice", "Bob", "Mallory", "Sid", "Cora", "Abe", "Ada")
# Positional parameters that carry an id, and which pool they are filled from.
ID_KINDS = {
    "interaction_id": "entry",
    "request_id": "request",
    "match_id": "conversation",
    "person_id": "person",
    "supporter_id": "supporter",
    "unit_id": "unit",
    "tag_id": "tag",
    "row_id": "row",
}
PRIVATE_KINDS = ("entry", "request", "conversation")  # a missing one must get the same words
ANSWERS_A_MISSING_ID_AS_DONE = {
    # Deleting twice is not an error (a double tap on Delete), so a missing entry answers "done";
    # reaching for another person's entry is still refused, in the same words, and audited.
    "services.interactions.delete",
}
MISSING_ID = 2_000_000_001


@dataclass(frozen=True)
class Walk:
    org: Organisation
    walker: str

    @property
    def actor(self) -> Actor:
        return self.org[self.walker]


def _interaction_draft(w: Walk) -> InteractionDraft:
    return InteractionDraft(
        token=token(),
        occurred_on=w.actor.today(),
        rating=1,
        time_of_day="morning",
        tag_ids=(w.org.tags["Gratitude"],),
        note=f"NEW-{w.walker} a new reflection",
    )


def _request_draft(w: Walk) -> RequestDraft:
    return RequestDraft(token=token(), topic_ids=(w.org.tags["Gratitude"],), urgency="soon", load_before=5)


# Everything else a walked function may need, by parameter name: a value made fresh for each call.
VALUES: dict[str, Callable[[Walk, inspect.Parameter], object]] = {
    "draft": lambda w, p: _interaction_draft(w) if "InteractionDraft" in str(p.annotation) else _request_draft(w),
    "token": lambda w, p: token(),
    "answers": lambda w, p: CheckInAnswers(brs=(3,) * 6, burnout=2, load=4),
    "replace": lambda w, p: True,
    "when": lambda w, p: w.org.now + timedelta(days=1),
    "now": lambda w, p: w.org.now,
    "reason": lambda w, p: "Not a good fit this time",
    "load_after": lambda w, p: 2,
    "helpful": lambda w, p: 4,
    "wants_support": lambda w, p: False,
    "name": lambda w, p: "Renamed by the walk",
    "display_name": lambda w, p: "Renamed by the walk",
    "email": lambda w, p: f"walk.{uuid.uuid4().hex[:8]}@example.org",
    "roles": lambda w, p: {"clinician"},
    "unit_id": lambda w, p: None,
    "profession": lambda w, p: None,
    "supervisor_id": lambda w, p: None,
    "active": lambda w, p: False,
    "retired": lambda w, p: True,
    "trained": lambda w, p: False,
    "paused": lambda w, p: True,
    "on": lambda w, p: False,
    "current": lambda w, p: PASSWORD,
    "new": lambda w, p: "another long password",
    "repeated": lambda w, p: "another long password",
    "previous_password": lambda w, p: PASSWORD,
    "confirm": lambda w, p: auth.RESTART_WORD,
    "timezone": lambda w, p: "Europe/London",
    "topic_ids": lambda w, p: (w.org.tags["Gratitude"],),
    "capacity_per_month": lambda w, p: 3,
    "wanted": lambda w, p: Settings(response_target_hours=48),
    "by": lambda w, p: "unit",
    "since": lambda w, p: date(2020, 1, 1),
    "until": lambda w, p: date.today() + timedelta(days=2),
    "days": lambda w, p: None,
    "include_closed": lambda w, p: True,
    "log_daily": lambda w, p: True,
    "checkin_weekly": lambda w, p: True,
    "at": lambda w, p: time(8, 0),
    "checkin_weekday": lambda w, p: 0,
}
# Functions that may answer without asking the policy: they read only the actor's own flag first.
ASK_ONLY_TO_ACT = {
    "services.reminders.bring_mine": "looks only at whether the actor's own reminder is due, asks before it writes",
    "services.sessions.touch": "an actor without a session (the walk's) has nothing to note",
    "services.sessions.end": "an actor without a session (the walk's) has nothing to end",
}


def public_functions() -> dict[str, Callable]:
    found = {}
    for package in PACKAGES:
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            for name, function in inspect.getmembers(module, inspect.isfunction):
                if function.__module__ == module.__name__ and not name.startswith("_"):
                    found[f"{module.__name__.removeprefix('tracker.')}.{name}"] = function
    return found


def walked() -> dict[str, Callable]:
    """Every public function with an acting person that is not listed (the listing test checks the rest)."""
    return {
        name: f
        for name, f in public_functions().items()
        if name not in NOT_WALKED and list(inspect.signature(f).parameters)[:2] == ["db", "actor"]
    }


def test_every_function_is_walked_or_listed_with_a_reason():
    functions = public_functions()
    assert len(functions) > 60
    assert not set(NOT_WALKED) - set(functions), "NOT_WALKED names functions that are gone"
    for name, function in functions.items():
        if name in NOT_WALKED:
            continue
        parameters = list(inspect.signature(function).parameters)
        assert parameters[:2] == ["db", "actor"], (
            f"{name} takes no acting person: walk it, or list it in NOT_WALKED with the reason "
            "it can never be handed another person's id"
        )
    for name, reason in NOT_WALKED.items():
        assert len(reason) > 10, f"{name}: give a reason"


# ---- the organisation's ids, as the walker sees them -------------------------------------------


@dataclass(frozen=True)
class Target:
    kind: str
    id: int
    label: str
    resource: Resource | None  # what the id really names, for the policy
    others: frozenset[int]  # the people it belongs to or concerns


def targets(db: Session, org: Organisation, walker: Actor) -> dict[str, list[Target]]:
    """Every id the walk hands this walker: things that are not the walker's own."""
    people = org.people
    pools: dict[str, list[Target]] = {kind: [] for kind in set(ID_KINDS.values())}
    for name in ("Alice", "Bob", "Mallory"):
        owner = people[name].id
        if owner != walker.id:
            entry = org.entries[name][0]
            pools["entry"].append(
                Target("entry", entry, f"{name}'s entry", policy.own("entry", owner), frozenset({owner}))
            )
    for label, request_id in org.requests.items():
        seeker = db.get(SupportRequest, request_id).seeker_id
        if seeker != walker.id:
            resource = policy.own("request", seeker)
            pools["request"].append(Target("request", request_id, label, resource, frozenset({seeker})))
    for label, match_id in org.matches.items():
        match = db.get(Match, match_id)
        seeker, supporter = match.request.seeker_id, match.supporter_id
        if seeker == walker.id:
            continue
        if match.status in ("proposed", "declined", "withdrawn"):  # concerns only the seeker until approved
            resource = Resource("conversation", owner_id=seeker)
        else:
            resource = Resource("conversation", parties=frozenset({seeker, supporter}))
        pools["conversation"].append(
            Target("conversation", match_id, f"{label} ({match.status})", resource, frozenset({seeker, supporter}))
        )
    for name in ("Alice", "Bob", "Sid", "Mallory"):
        person = people[name].id
        if person != walker.id:
            target = Target("person", person, name, policy.own("person", person), frozenset({person}))
            pools["person"].append(target)
            if name in ("Bob", "Sid"):
                pools["supporter"].append(replace(target, kind="supporter"))
    pools["unit"] = [Target("unit", org.units["ICU"], "ICU", None, frozenset())]
    pools["tag"] = [Target("tag", org.tags["Gratitude"], "Gratitude", None, frozenset())]
    return pools


@dataclass(frozen=True)
class Made:
    """A positional value made fresh for each call."""

    make: Callable[[Walk, inspect.Parameter], object]
    parameter: inspect.Parameter


@dataclass(frozen=True)
class Call:
    name: str
    function: Callable
    args: tuple  # positional after (db, actor); a Target stands for its id
    kwargs: dict  # name -> factory(Walk, Parameter)
    parameters: dict[str, inspect.Parameter]

    @property
    def named(self) -> list[Target]:
        return [a for a in self.args if isinstance(a, Target) and a.others]

    def describe(self) -> str:
        shown = ", ".join(
            a.label if isinstance(a, Target) else a.parameter.name if isinstance(a, Made) else repr(a)
            for a in self.args
        )
        return f"{self.name}({shown})"

    def run(self, db: Session, walk: Walk, *, swap: Target | None = None, missing: int | None = None):
        args = [
            (missing if a is swap else a.id)
            if isinstance(a, Target)
            else a.make(walk, a.parameter)
            if isinstance(a, Made)
            else a
            for a in self.args
        ]
        kwargs = {name: make(walk, self.parameters[name]) for name, make in self.kwargs.items()}
        return self.function(db, walk.actor, *args, **kwargs)


def calls_for(name: str, function: Callable, pools: dict[str, list[Target]]) -> Iterator[Call] | str:
    """Every combination of ids for this walker; or the reason the walk cannot call it."""
    parameters = dict(inspect.signature(function).parameters)
    positional: list[list] = []
    kwargs = {}
    for parameter in list(parameters.values())[2:]:
        if parameter.kind is parameter.POSITIONAL_OR_KEYWORD and parameter.name == "kind":
            positional.append([UNITS, TAGS])
        elif parameter.kind is parameter.POSITIONAL_OR_KEYWORD and parameter.name in ID_KINDS:
            if parameter.name == "row_id":
                positional.append(["row"])  # filled once the list (units or tags) is known
            else:
                positional.append(pools[ID_KINDS[parameter.name]])
        elif parameter.name in VALUES:
            if parameter.kind is parameter.POSITIONAL_OR_KEYWORD:
                positional.append([Made(VALUES[parameter.name], parameter)])
            else:
                kwargs[parameter.name] = VALUES[parameter.name]
        elif parameter.default is parameter.empty:
            return f"{name}: the walk has no value for parameter {parameter.name!r}; add one to VALUES or ID_KINDS"
    combos = []
    for combo in itertools.product(*positional):
        combo = list(combo)
        if "row" in combo:
            kind = next(c for c in combo if c in (UNITS, TAGS))
            combo[combo.index("row")] = pools["unit" if kind is UNITS else "tag"][0]
        combos.append(combo)
    return [Call(name, function, tuple(c), kwargs, parameters) for c in combos]


# ---- running one call in a transaction that is rolled back -------------------------------------


NEVER_BY_OTHERS = {"interactions", "interaction_tags", "check_ins", "form_submissions"}
BY_ROLE = {
    "people": Role.ADMINISTRATOR,
    "role_grants": Role.ADMINISTRATOR,
    "units": Role.ADMINISTRATOR,
    "tags": Role.ADMINISTRATOR,
    "program_settings": Role.ADMINISTRATOR,
    "support_requests": Role.COORDINATOR,
    "request_topics": Role.COORDINATOR,
    "matches": Role.COORDINATOR,
    "supporter_profiles": Role.COORDINATOR,
    "supporter_topics": Role.COORDINATOR,
}
ADDED_ONLY = {"notifications", "outbox"}  # an action may tell others something


def owners(table: str, row: dict, states: tuple[dict, ...]) -> set[int | None]:
    """The people a row belongs to or concerns."""

    def lookup(name: str, key: tuple) -> dict:
        return next((s[name][key] for s in states if key in s.get(name, {})), {})

    if table == "people":
        return {row["id"]}
    if table == "interaction_tags":
        return {lookup("interactions", (row["interaction_id"],)).get("person_id")}
    if table == "support_requests":
        return {row["seeker_id"]}
    if table == "request_topics":
        return {lookup("support_requests", (row["request_id"],)).get("seeker_id")}
    if table == "matches":
        return {lookup("support_requests", (row["request_id"],)).get("seeker_id"), row["supporter_id"]}
    if table == "outbox":
        return {lookup("notifications", (row["notification_id"],)).get("person_id")}
    if "person_id" in row:
        return {row["person_id"]}
    return set()  # the installation's own rows: units, tags, settings


REQUEST_STEPS = {"status", "updated_at", "approved_at", "ended_at"}


def supporters_of(request_id: int, states: tuple[dict, ...]) -> set[int]:
    return {m["supporter_id"] for s in states for m in s["matches"].values() if m["request_id"] == request_id}


def forbidden_writes(walker: Actor, found: list, states: tuple[dict, ...]) -> list[str]:
    wrong = []
    for table, kind, row, old in found:
        if table == "audit_events":
            if kind != "insert":
                wrong.append(f"audit log {kind}d")
            continue
        concerned = owners(table, row, states) | (owners(table, old, states) if old else set())
        if walker.id in concerned:
            continue
        if table == "support_requests" and kind == "update" and walker.id in supporters_of(row["id"], states):
            if {c for c in row if row[c] != old[c]} <= REQUEST_STEPS:  # a conversation's step moves its request
                continue
        if table in ADDED_ONLY and kind == "insert":
            continue
        role = BY_ROLE.get(table)
        if table not in NEVER_BY_OTHERS and role is not None and walker.has(role):
            continue
        wrong.append(f"{kind} in {table} of {sorted(concerned, key=str)}")
    return wrong


# ---- what a result shows -----------------------------------------------------------------------


def canon(value):
    """A comparable, printable form of anything a function returns."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, float):
        return "nan" if value != value else round(value, 6)
    if isinstance(value, (datetime, date, pd.Timestamp)):
        return value.isoformat()
    if isinstance(value, pd.DataFrame):
        return canon(value.astype(object).where(value.notna(), None).to_dict("split"))
    if is_dataclass(value):
        return {f.name: canon(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, dict):
        return {str(k): canon(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple)):
        return [canon(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((canon(v) for v in value), key=repr)
    if isinstance(value, bytes):
        if value.startswith(b"PK"):
            with zipfile.ZipFile(io.BytesIO(value)) as archive:
                return {n: archive.read(n).decode() for n in sorted(archive.namelist())}
        lines = value.decode(errors="replace").splitlines()
        return [line for line in lines if not line.startswith("DTSTAMP")]  # the .ics's own "made at"
    if hasattr(value, "item"):  # numpy scalars
        return canon(value.item())
    return repr(value)


@dataclass(frozen=True)
class Outcome:
    kind: str  # "ok", a SharedLoadError's class name, or "crash"
    shown: object  # what the person would see: the canonical result or the error's words
    asked: tuple  # (action, resource) the policy was asked about, for this walker

    @property
    def text(self) -> str:
        return json.dumps(self.shown, default=str)

    raw: object = None


def differs(a, b, again) -> bool:
    """Whether `b` differs from `a` anywhere `a` is stable: `again` is a second run of `a`'s call on
    the same data, so where it differs from `a` (a new row's id, a new random secret) is ignored."""
    if a == again:
        return a != b
    if isinstance(a, dict) and isinstance(b, dict) and isinstance(again, dict) and a.keys() == b.keys() == again.keys():
        return any(differs(a[k], b[k], again[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list) and isinstance(again, list) and len(a) == len(b) == len(again):
        return any(differs(x, y, z) for x, y, z in zip(a, b, again, strict=True))
    return False  # this part varies from run to run whatever the data


Plan = list[tuple[object, list[dict]]]  # (UPDATE statement, its rows of parameters)


def _update(model, **columns):
    table = model.__table__
    return update(table).where(table.c.id == bindparam("row_id")).values(**{c: bindparam(f"new_{c}") for c in columns})


def mutation(db: Session, org: Organisation, walker: Actor) -> Plan:
    """How to change everything private to anyone but the walker (made once per walker, applied in
    each mutated run): each person's ratings rotate, so their two-week sum stays what it was."""
    others = [a.id for a in org.people.values() if a.id != walker.id]
    tag_ids = sorted(org.tags.values())
    by_person: dict[int, list[Interaction]] = {}
    for entry in db.scalars(select(Interaction).where(Interaction.person_id.in_(others)).order_by(Interaction.id)):
        by_person.setdefault(entry.person_id, []).append(entry)
    entries, links = [], []
    for person_entries in by_person.values():
        ratings = [e.rating for e in person_entries]
        if len(set(ratings)) > 1:
            rotated = ratings[1:] + ratings[:1]
        else:  # one entry: a rating of the same sign
            rotated = [r + (1 if r > 0 else -1) if abs(r) < 3 else r - (1 if r > 0 else -1) for r in ratings]
        for entry, rating in zip(person_entries, rotated, strict=True):
            entries.append(
                {
                    "row_id": entry.id,
                    "rating": rating,
                    "note": (entry.note or "") + " CHANGED",
                    "occurred_on": entry.occurred_on - timedelta(days=1),
                    "time_of_day": "afternoon",
                    "felt_trusted": ((entry.felt_trusted or 0) + 1) % 3,
                    "showed_humanity": ((entry.showed_humanity or 0) + 1) % 3,
                }
            )
            for tag in entry.tags:
                new_tag = tag_ids[(tag_ids.index(tag.id) + 1) % len(tag_ids)]
                links.append({"entry": entry.id, "old": tag.id, "new": new_tag})
    checks = [
        {
            "row_id": c.id,
            "brs_answers": ",".join(reversed(c.brs_answers.split(","))),
            "brs_score": round(6 - c.brs_score, 4),
            "burnout": 6 - c.burnout,
            "load": 10 - c.load,
            "submitted_on": c.submitted_on - timedelta(days=1),
        }
        for c in db.scalars(select(CheckIn).where(CheckIn.person_id.in_(others)))
    ]
    asked = [
        {"row_id": r.id, "load_before": 10 - r.load_before}
        for r in db.scalars(select(SupportRequest).where(SupportRequest.seeker_id.in_(others)))
    ]
    pairs = []
    for match in db.scalars(select(Match)):
        seeker, supporter = match.request.seeker_id, match.supporter_id
        row = {
            "row_id": match.id,
            "seeker_load_after": match.seeker_load_after,
            "seeker_helpful": match.seeker_helpful,
            "supporter_load_after": match.supporter_load_after,
            "supporter_wants_support": match.supporter_wants_support,
            "meeting_at": match.meeting_at,
        }
        if seeker != walker.id and match.seeker_load_after is not None:
            row["seeker_load_after"] = 10 - match.seeker_load_after
            row["seeker_helpful"] = 4 if match.seeker_helpful == 5 else 5  # stays "helpful" (>= 4) for matching
        if supporter != walker.id and match.supporter_load_after is not None:
            row["supporter_load_after"] = 10 - match.supporter_load_after
            row["supporter_wants_support"] = not match.supporter_wants_support
        if walker.id not in (seeker, supporter) and match.meeting_at is not None:
            row["meeting_at"] = match.meeting_at + timedelta(hours=1)
        pairs.append(row)
    link_table = InteractionTag.__table__
    plan: Plan = [
        (_update(Interaction, **{k: None for k in entries[0] if k != "row_id"}), entries),
        (
            update(link_table)
            .where(link_table.c.interaction_id == bindparam("entry"), link_table.c.tag_id == bindparam("old"))
            .values(tag_id=bindparam("new")),
            links,
        ),
        (_update(CheckIn, **{k: None for k in checks[0] if k != "row_id"}), checks),
        (_update(SupportRequest, load_before=None), asked),
        (_update(Match, **{k: None for k in pairs[0] if k != "row_id"}), pairs),
    ]
    return [(statement, rows) for statement, rows in plan if rows]


def apply(db: Session, plan: Plan) -> None:
    for statement, rows in plan:
        kept = ("row_id", "entry", "old", "new")
        named = [{k if k in kept else f"new_{k}": v for k, v in row.items()} for row in rows]
        db.execute(statement, named)


def markers_shown(outcome: Outcome, org: Organisation, walker: Actor) -> list[str]:
    seen = outcome.text
    shown = []
    for name, person in org.people.items():
        if person.id == walker.id:
            continue
        if f"NOTE-{name}" in seen:
            shown.append(f"{name}'s reflection")
        if f"LINE-{name}" in seen and not walker.has(Role.COORDINATOR):
            shown.append(f"{name}'s line for the coordinator")
    return shown


# ---- the walk ----------------------------------------------------------------------------------


def test_nobody_gets_anything_of_anyone_else_beyond_the_policy(db, administrator, make_person, isolated, monkeypatch):
    org = build(db, administrator, make_person)
    asked: list[tuple] = []
    real_can = policy.can

    def recording_can(actor, action, resource=None):
        asked.append((actor, action, resource))
        return real_can(actor, action, resource)

    monkeypatch.setattr(boundary, "can", recording_can)
    for module in ("tracker.services.mydata", "tracker.services.auth"):  # a WAL checkpoint needs the engine
        monkeypatch.setattr(f"{module}.checkpoint_wal", lambda bind: None)
    fixed = datetime(2026, 1, 5, 12, 0)
    monkeypatch.setattr("tracker.queries.my_data.datetime", type("Frozen", (datetime,), {"now": lambda tz=None: fixed}))

    with isolated() as session:
        pristine = snapshot(session)  # every call starts from here: the one before it was rolled back

    def run(call: Call, walk: Walk, *, mutate=(), swap=None, missing=None, watch=False) -> tuple:
        """The call's outcome and, when watched, the rows it changed."""
        with isolated() as session:
            if mutate:
                apply(session, mutate)
            asked.clear()
            with watching_writes(session) as writes:
                outcome = attempt(call, walk, session, swap, missing)
            mine = tuple((a, r) for actor, a, r in asked if actor is not None and actor.id == walk.actor.id)
            outcome = replace(outcome, asked=mine)
            if not watch or not writes:
                return outcome, [], (pristine, pristine)
            after = snapshot(session)
            return outcome, changes(pristine, after), (pristine, after)

    def attempt(call: Call, walk: Walk, session: Session, swap, missing) -> Outcome:
        try:
            raw = call.run(session, walk, swap=swap, missing=missing)
            return Outcome("ok", canon(raw), (), raw)
        except SharedLoadError as error:
            return Outcome(type(error).__name__, str(error), (), error)
        except Exception as error:  # noqa: BLE001 - a crash is a finding, reported with the rest
            return Outcome("crash", f"{type(error).__name__}: {error}", (), error)

    problems: list[str] = []
    walked_calls = refused = 0
    functions = walked()
    for walker_name in WALKERS:
        walk = Walk(org, walker_name)
        walker = walk.actor
        with isolated() as session:
            pools = targets(session, org, walker)
            changed = mutation(session, org, walker)
        for name, function in functions.items():
            calls = calls_for(name, function, pools)
            if isinstance(calls, str):
                problems.append(calls)
                continue
            for call in calls:
                walked_calls += 1
                where = f"{walker_name}: {call.describe()}"
                outcome, found, states = run(call, walk, watch=True)
                if outcome.kind == "crash":
                    problems.append(f"{where} crashed: {outcome.shown}")
                    continue
                if not outcome.asked:
                    if name not in ASK_ONLY_TO_ACT or found:
                        problems.append(f"{where} never asked the policy table")
                    continue
                resource = next((t.resource for t in call.named if t.resource is not None), None)
                allowed = all(real_can(walker, action, resource) for action, _ in outcome.asked)
                if not allowed:
                    refused += 1
                    if outcome.kind != "NotAllowed":
                        problems.append(f"{where} was not refused ({outcome.kind}: {str(outcome.shown)[:120]})")
                        continue
                    not_audit = [c for c in found if c[0] != "audit_events"]
                    if not_audit:
                        problems.append(f"{where} was refused but changed {[(t, k) for t, k, _, _ in not_audit]}")
                    audit = [
                        row
                        for table, kind, row, _ in found
                        if table == "audit_events" and kind == "insert" and row["action"] == AuditKind.ACCESS_REFUSED
                    ]
                    if call.named and not any(row["actor_id"] == walker.id for row in audit):
                        problems.append(f"{where} was refused without an 'access … refused' audit event")
                    for target in call.named:
                        if target.kind in PRIVATE_KINDS and name not in ANSWERS_A_MISSING_ID_AS_DONE:
                            missing, _, _ = run(call, walk, swap=target, missing=MISSING_ID)
                            if (missing.kind, missing.shown) != (outcome.kind, outcome.shown):
                                problems.append(
                                    f"{where} is refused in other words than a missing {target.kind}: "
                                    f"{outcome.shown!r} / {missing.shown!r}"
                                )
                else:
                    wrong = forbidden_writes(walker, found, states)
                    if wrong:
                        problems.append(f"{where} wrote where it may not: {wrong}")
                for shown in markers_shown(outcome, org, walker):
                    problems.append(f"{where} showed {shown}")
                mutated, _, _ = run(call, walk, mutate=changed)
                seen, seen_mutated = [outcome.kind, outcome.shown], [mutated.kind, mutated.shown]
                if seen != seen_mutated:
                    again, _, _ = run(call, walk)
                    if differs(seen, seen_mutated, [again.kind, again.shown]):
                        problems.append(
                            f"{where} depends on other people's private data: {_difference(seen, seen_mutated)}"
                        )
    report = "\n".join(problems[:60]) + (f"\n… and {len(problems) - 60} more" if len(problems) > 60 else "")
    assert not problems, f"{len(problems)} problems in {walked_calls} calls:\n{report}"
    assert walked_calls > 400 and refused > 150  # the walk really walked


def _difference(a, b) -> str:
    text_a, text_b = json.dumps(a, default=str), json.dumps(b, default=str)
    start = next((i for i, (x, y) in enumerate(zip(text_a, text_b, strict=False)) if x != y), 0)
    return f"…{text_a[max(0, start - 60) : start + 60]}… became …{text_b[max(0, start - 60) : start + 60]}…"
