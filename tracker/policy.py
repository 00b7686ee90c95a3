"""Who may do what on which resource: one table, read by the action boundary and by every query.

`POLICY` has one row per action. A row names the roles that may act and the scope within which
they may act on a resource:

- `OWN`: the resource belongs to the actor (their entries, check-ins, export, account, supporter
  profile). Nobody else, whatever their role: an administrator or a coordinator reaching for a
  clinician's entries is refused exactly like a stranger.
- `PARTY`: the actor is one of the people the resource concerns (a request's seeker or, once
  approved, its supporter; a conversation's two people).
- `ROLE`: holding one of the roles is enough (an administrator managing people, a coordinator
  reading the queue — which shows topics, urgency, profession, unit and waiting time, never
  entries, notes, trends or check-ins).
- `GROUP`: an aggregate, allowed only when it counts at least `MIN_GROUP_SIZE` people.
- `SYSTEM`: the installation itself (the first run, the CLI); no signed-in person.

A row also says whether the action changes the actor's private data (`private`: the boundary
bumps their data version so cached trends are recomputed) and whether it is audited (`audited`:
the boundary refuses to commit it without a typed audit record).

Reaching for another person's private resource (scope `OWN` or `PARTY`, a resource that names an
owner or parties, the actor not among them) is refused with `NotAllowed`, in the same words as a
missing resource, and the boundary writes an audit event of the attempt.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from tracker.domain import Actor, Role

MIN_GROUP_SIZE = 5  # the product's promise: no aggregate over fewer than 5 people


class Scope(StrEnum):
    OWN = "own"
    PARTY = "party"
    ROLE = "role"
    GROUP = "group"
    SYSTEM = "system"


class Action(StrEnum):
    # the installation
    PREPARE_INSTALLATION = "prepare the installation"
    RUN_SWEEPS = "expire requests and send reminders"
    EXPORT_OUTCOMES = "print program outcomes"
    SIMULATE = "move time in a simulation (evaluate-program)"
    CREATE_FIRST_ADMINISTRATOR = "create first administrator"
    CREATE_FROM_SSO = "create a clinician at first single sign-on"
    FILL_DEMO = "fill demo organisation"
    RECORD_FAILED_SIGN_IN = "record a failed sign-in"
    CLAIM_SESSION = "hand a signed-in session to its browser"
    BACK_UP = "back up the database"
    RESTORE_BACKUP = "restore the database from a backup"
    # one's own account
    SIGN_IN = "sign in"
    START_SESSION = "start a session"
    KEEP_SESSION = "note a session's use"
    SIGN_OUT = "sign out"
    SIGN_OUT_EVERYWHERE = "sign out everywhere"
    READ_SIGN_INS = "read my open sign-ins"
    CHANGE_PASSWORD = "change password"
    SET_TIMEZONE = "set time zone"
    SET_REMINDERS = "set my reminders"
    READ_REMINDERS = "read my reminders"
    UNSEAL_HISTORY = "unseal history"
    RESTART_HISTORY = "start history afresh"
    # one's own private data
    LOG_INTERACTION = "log interaction"
    EDIT_INTERACTION = "edit interaction"
    DELETE_INTERACTION = "delete interaction"
    READ_ENTRIES = "read entries"
    SUBMIT_CHECKIN = "submit check-in"
    READ_CHECKINS = "read check-ins"
    READ_TRENDS = "read trends"
    EXPORT_MY_DATA = "export my data"
    ERASE_MY_DATA = "erase my data"
    # administration
    LIST_PEOPLE = "list people"
    INVITE_PERSON = "invite person"
    UPDATE_PERSON = "update person"
    SET_PERSON_ACTIVE = "set person active"
    RESET_PASSWORD = "reset password"
    UNLOCK_SIGN_IN = "unlock sign-in"
    MANAGE_LISTS = "manage units and tags"
    READ_AUDIT_LOG = "read audit log"
    CHANGE_SETTINGS = "change program settings"
    # peer support (the conversations issue builds on these rows)
    ASK_FOR_CONVERSATION = "ask for a conversation"
    READ_REQUEST = "read request"
    WITHDRAW_REQUEST = "withdraw request"
    EDIT_SUPPORTER_PROFILE = "edit supporter profile"
    READ_QUEUE = "read the coordinator's queue"
    DECIDE_MATCH = "decide a match"
    MARK_SUPPORTER_TRAINED = "mark supporter trained"
    ACT_IN_CONVERSATION = "act in a conversation"
    READ_NOTIFICATIONS = "read my notifications"
    READ_OUTCOMES = "read program outcomes"


CLINICIAN = frozenset({Role.CLINICIAN})
COORDINATOR = frozenset({Role.COORDINATOR})
ADMINISTRATOR = frozenset({Role.ADMINISTRATOR})
ANYONE = frozenset(Role)
NOBODY_SIGNED_IN: frozenset[Role] = frozenset()


@dataclass(frozen=True)
class Rule:
    roles: frozenset[Role]
    scope: Scope
    private: bool = False  # changes the actor's private data: bump their data version
    audited: bool = False  # the boundary needs a typed audit record to commit


@dataclass(frozen=True)
class Resource:
    """What an action is about. `owner_id` for private things, `parties` for shared ones,
    `people` for aggregates (distinct people counted)."""

    kind: str
    owner_id: int | None = None
    parties: frozenset[int] = frozenset()
    people: int | None = None

    @property
    def private(self) -> bool:
        return self.owner_id is not None or bool(self.parties)


def own(kind: str, actor_or_id: Actor | int) -> Resource:
    """A private resource of one person (the actor's own, unless another id is given)."""
    owner = actor_or_id.id if isinstance(actor_or_id, Actor) else actor_or_id
    return Resource(kind, owner_id=owner)


POLICY: dict[Action, Rule] = {
    Action.PREPARE_INSTALLATION: Rule(NOBODY_SIGNED_IN, Scope.SYSTEM),
    Action.RUN_SWEEPS: Rule(NOBODY_SIGNED_IN, Scope.SYSTEM),
    Action.EXPORT_OUTCOMES: Rule(NOBODY_SIGNED_IN, Scope.SYSTEM, audited=True),
    Action.SIMULATE: Rule(NOBODY_SIGNED_IN, Scope.SYSTEM),
    Action.CREATE_FIRST_ADMINISTRATOR: Rule(NOBODY_SIGNED_IN, Scope.SYSTEM, audited=True),
    Action.CREATE_FROM_SSO: Rule(NOBODY_SIGNED_IN, Scope.SYSTEM, audited=True),
    Action.FILL_DEMO: Rule(NOBODY_SIGNED_IN, Scope.SYSTEM, audited=True),
    Action.RECORD_FAILED_SIGN_IN: Rule(NOBODY_SIGNED_IN, Scope.SYSTEM, audited=True),
    Action.BACK_UP: Rule(NOBODY_SIGNED_IN, Scope.SYSTEM, audited=True),
    Action.RESTORE_BACKUP: Rule(NOBODY_SIGNED_IN, Scope.SYSTEM, audited=True),
    Action.CLAIM_SESSION: Rule(NOBODY_SIGNED_IN, Scope.SYSTEM),
    Action.SIGN_IN: Rule(ANYONE, Scope.OWN, audited=True),
    Action.START_SESSION: Rule(ANYONE, Scope.OWN),
    Action.KEEP_SESSION: Rule(ANYONE, Scope.OWN),
    Action.SIGN_OUT: Rule(ANYONE, Scope.OWN, audited=True),
    Action.SIGN_OUT_EVERYWHERE: Rule(ANYONE, Scope.OWN, audited=True),
    Action.READ_SIGN_INS: Rule(ANYONE, Scope.OWN),
    Action.CHANGE_PASSWORD: Rule(ANYONE, Scope.OWN, audited=True),
    Action.SET_TIMEZONE: Rule(ANYONE, Scope.OWN),
    Action.SET_REMINDERS: Rule(CLINICIAN, Scope.OWN),  # reminders to log and to check in: clinicians' own
    Action.READ_REMINDERS: Rule(CLINICIAN, Scope.OWN),
    Action.UNSEAL_HISTORY: Rule(ANYONE, Scope.OWN, private=True, audited=True),
    Action.RESTART_HISTORY: Rule(ANYONE, Scope.OWN, private=True, audited=True),
    Action.LOG_INTERACTION: Rule(CLINICIAN, Scope.OWN, private=True),
    Action.EDIT_INTERACTION: Rule(CLINICIAN, Scope.OWN, private=True),
    Action.DELETE_INTERACTION: Rule(CLINICIAN, Scope.OWN, private=True),
    Action.READ_ENTRIES: Rule(CLINICIAN, Scope.OWN),
    Action.SUBMIT_CHECKIN: Rule(CLINICIAN, Scope.OWN, private=True),
    Action.READ_CHECKINS: Rule(CLINICIAN, Scope.OWN),
    Action.READ_TRENDS: Rule(CLINICIAN, Scope.OWN),
    Action.EXPORT_MY_DATA: Rule(ANYONE, Scope.OWN),
    Action.ERASE_MY_DATA: Rule(ANYONE, Scope.OWN, private=True, audited=True),
    Action.LIST_PEOPLE: Rule(ADMINISTRATOR, Scope.ROLE),
    Action.INVITE_PERSON: Rule(ADMINISTRATOR, Scope.ROLE, audited=True),
    Action.UPDATE_PERSON: Rule(ADMINISTRATOR, Scope.ROLE, audited=True),
    Action.SET_PERSON_ACTIVE: Rule(ADMINISTRATOR, Scope.ROLE, audited=True),
    Action.RESET_PASSWORD: Rule(ADMINISTRATOR, Scope.ROLE, audited=True),
    Action.UNLOCK_SIGN_IN: Rule(ADMINISTRATOR, Scope.ROLE, audited=True),
    Action.MANAGE_LISTS: Rule(ADMINISTRATOR, Scope.ROLE, audited=True),
    Action.READ_AUDIT_LOG: Rule(ADMINISTRATOR, Scope.ROLE),
    Action.CHANGE_SETTINGS: Rule(ADMINISTRATOR, Scope.ROLE, audited=True),
    Action.ASK_FOR_CONVERSATION: Rule(CLINICIAN, Scope.OWN, private=True),
    Action.READ_REQUEST: Rule(CLINICIAN, Scope.PARTY),
    Action.WITHDRAW_REQUEST: Rule(CLINICIAN, Scope.OWN, private=True),
    Action.EDIT_SUPPORTER_PROFILE: Rule(CLINICIAN, Scope.OWN),
    Action.READ_NOTIFICATIONS: Rule(ANYONE, Scope.OWN),
    Action.READ_QUEUE: Rule(COORDINATOR, Scope.ROLE, audited=True),
    Action.DECIDE_MATCH: Rule(COORDINATOR, Scope.ROLE, audited=True),
    Action.MARK_SUPPORTER_TRAINED: Rule(COORDINATOR, Scope.ROLE, audited=True),
    Action.ACT_IN_CONVERSATION: Rule(CLINICIAN, Scope.PARTY, private=True),
    Action.READ_OUTCOMES: Rule(COORDINATOR, Scope.GROUP, audited=True),
}


# A person signed in with a temporary password may only choose their own (so an administrator
# holding that password gets nothing else), and a history sealed by an administrator's reset
# stays sealed until the person unseals it.
ACCOUNT_SETUP = frozenset(
    {
        Action.SIGN_IN,
        Action.START_SESSION,
        Action.KEEP_SESSION,
        Action.SIGN_OUT,
        Action.SIGN_OUT_EVERYWHERE,
        Action.CHANGE_PASSWORD,
        Action.SET_TIMEZONE,
    }
)
PRIVATE_HISTORY = frozenset(
    {
        Action.LOG_INTERACTION,
        Action.EDIT_INTERACTION,
        Action.DELETE_INTERACTION,
        Action.READ_ENTRIES,
        Action.SUBMIT_CHECKIN,
        Action.READ_CHECKINS,
        Action.READ_TRENDS,
        Action.EXPORT_MY_DATA,
        Action.ERASE_MY_DATA,
        Action.ASK_FOR_CONVERSATION,
        Action.READ_REQUEST,
        Action.WITHDRAW_REQUEST,
        Action.ACT_IN_CONVERSATION,
    }
)


def can(actor: Actor | None, action: Action, resource: Resource | None = None) -> bool:
    """True when `actor` may do `action` on `resource` under the policy table."""
    rule = POLICY[action]
    if rule.scope is Scope.SYSTEM:
        return actor is None
    if actor is None or not actor.roles & rule.roles:
        return False
    if actor.must_change_password and action not in ACCOUNT_SETUP:
        return False
    if actor.history_sealed and action in PRIVATE_HISTORY:
        return False
    if rule.scope is Scope.OWN:
        return resource is None or resource.owner_id in (None, actor.id)
    if rule.scope is Scope.PARTY:
        if resource is None:
            return True
        if resource.owner_id is not None and resource.owner_id == actor.id:
            return True
        return actor.id in resource.parties
    if rule.scope is Scope.GROUP:
        return resource is None or resource.people is None or resource.people >= MIN_GROUP_SIZE
    return True


def reaches_for_someone_else(actor: Actor | None, resource: Resource | None) -> bool:
    """A refusal worth auditing: a signed-in person reaching for another person's private resource."""
    if actor is None or resource is None or not resource.private:
        return False
    return resource.owner_id != actor.id and actor.id not in resource.parties
