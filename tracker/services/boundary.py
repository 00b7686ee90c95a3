"""The one way to act: every write goes through `action()` (a unit of work, as in cosmicpython).

    with action(db, actor, Action.LOG_INTERACTION, token=draft.token) as act:
        if act.already_done:              # a double submit: the first result, never an error
            return act.result_id
        ...the rule of this action, then db.flush()...
        act.done(interaction.id)          # audit records here when the action is audited
    return act.result_id

What the boundary does, once, for every write:

1. Asks the policy table (`tracker.policy.can`). A refusal raises `NotAllowed`; when the actor
   reached for another person's private resource, the attempt is written to the audit log first
   (in a transaction of its own, since the action itself is abandoned).
2. Claims the form token, when the action has one (then a missing or malformed token is refused
   like an expired form): a row in `form_submissions` bound to the
   person and the kind of action. A token already claimed by the same person for the same action
   means a repeated submit: `act.already_done` is true and `act.result_id` is the first result.
   A token claimed by anyone else or for another form is refused like a forged one.
   The claim is written first, so a concurrent duplicate waits on it in the database (a unique
   key) and, once the first commits, finds it and returns the first result — never an error.
3. Writes the typed audit records (`tracker.audit.AuditRecord`) with the actor's and target's
   names as they are now. An audited action cannot commit without one.
4. Bumps the actor's data version when the action changes their private data, so their cached
   trends are recomputed at once.
5. Commits once; rolls back on any error. A unique-key race that is not a repeated submit becomes
   a plain-words `Conflict`.

`db.commit()` appears in this module only.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.engine import one_writer
from db.models import AuditEvent, FormSubmission, Match, Person
from tracker.audit import AuditRecord
from tracker.domain import Actor
from tracker.errors import Conflict, HistorySealed, NotAllowed, ValidationError
from tracker.policy import (
    ACCOUNT_SETUP,
    POLICY,
    PRIVATE_HISTORY,
    Action,
    Resource,
    Scope,
    can,
    reaches_for_someone_else,
)
from tracker.validation import clean_token, is_id

NO_ACCESS = "You do not have access to this. If you think you should, ask your administrator."
SEALED = (
    "Your password was reset by an administrator, so your entries and check-ins are sealed: "
    "unseal them with your previous password, or start afresh."
)
EXPIRED_FORM = "This form has expired. Please reload the page and try again."
NO_FORM = object()  # an action without a form token (a form's action passes its token, always)


def not_yours(resource: Resource) -> str:
    """The same words for 'not yours' and 'missing': nobody learns whether someone else's thing exists."""
    return f"That {resource.kind} does not exist or is not yours."


def about_person(person_id: object) -> Resource | None:
    """What an administrator's or a coordinator's action on one person is about: anyone without
    the role who reaches for it is refused, and the attempt is audited against that person."""
    return Resource("person", owner_id=person_id) if is_id(person_id) else None


def about_pair(db: Session, match_id: object) -> Resource | None:
    """What a coordinator's decision on a pair is about: the seeker's request. Anyone else reaching
    for it — the proposed supporter too — is refused and audited against the seeker."""
    match = db.get(Match, match_id) if is_id(match_id) else None
    return Resource("pair", owner_id=match.request.seeker_id) if match is not None else None


def about_conversation(match: Match | None) -> Resource:
    """A conversation concerns its two people once approved; a proposal, or a pair that ended before
    it was met, concerns only the seeker (the supporter was never told, or is no longer in it)."""
    if match is None or match.status in ("proposed", "declined", "withdrawn"):
        return Resource("conversation", owner_id=match.request.seeker_id if match is not None else None)
    parties = {p for p in (match.request.seeker_id, match.supporter_id) if p is not None}
    return Resource("conversation", parties=frozenset(parties))


@dataclass
class Act:
    """The state of one action in progress, handed to the service body."""

    actor: Actor | None
    action: Action
    already_done: bool = False
    result_id: int | None = None
    audits: list[AuditRecord] = field(default_factory=list)
    finished: bool = False

    def done(self, result_id: int | None = None, *, audit: AuditRecord | Sequence[AuditRecord] = ()) -> None:
        """The body's last word: its result and the audit records to write with it."""
        self.result_id = result_id
        self.audits.extend([audit] if isinstance(audit, AuditRecord) else audit)
        self.finished = True


def authorize(db: Session, actor: Actor | None, action: Action, resource: Resource | None = None) -> None:
    """Raise `NotAllowed` unless the policy allows it; audit a reach for someone else's data."""
    if can(actor, action, resource):
        return
    if actor is not None and actor.must_change_password and action not in ACCOUNT_SETUP:
        raise NotAllowed("Please choose your own password first.")
    if actor is not None and actor.history_sealed and action in PRIVATE_HISTORY:
        raise HistorySealed(SEALED)
    # The words never tell whether the thing exists: someone else's entry, request or conversation
    # and a missing one get "does not exist or is not yours"; an action the role does not allow gets
    # "no access" whether or not the person it names exists.
    about_a_thing = resource is not None and POLICY[action].scope in (Scope.OWN, Scope.PARTY)
    words = not_yours(resource) if about_a_thing else NO_ACCESS
    if reaches_for_someone_else(actor, resource):
        assert actor is not None and resource is not None
        db.rollback()
        _write_audit(db, actor, [AuditRecord.refused(f"{action.value}: {resource.kind}", resource.owner_id)])
        db.commit()
    raise NotAllowed(words)


@contextmanager
def action(
    db: Session,
    actor: Actor | None,
    what: Action,
    *,
    resource: Resource | None = None,
    token: object = NO_FORM,
) -> Iterator[Act]:
    """Run one user action as a single transaction (see the module docstring)."""
    with one_writer(db.get_bind()):  # SQLite: this process's actions take turns (db/engine.py)
        authorize(db, actor, what, resource)
        rule = POLICY[what]
        act = Act(actor, what)
        submission = None
        if token is not NO_FORM:
            token = clean_token(token)
            submission = _claim(db, actor, what, token, act)
        try:
            yield act
            if act.already_done:
                db.rollback()
                return
            if not act.finished:
                raise RuntimeError(f"{what.value}: the action ended without act.done()")
            if rule.audited and not act.audits:
                raise RuntimeError(f"{what.value}: an audited action needs an audit record")
            if act.audits:
                _write_audit(db, actor, act.audits)
            if rule.private and actor is not None:
                db.execute(update(Person).where(Person.id == actor.id).values(data_version=Person.data_version + 1))
            if submission is not None:
                submission.result_id = act.result_id
            db.commit()
        except IntegrityError:
            db.rollback()
            earlier = db.get(FormSubmission, token) if token is not NO_FORM else None
            if earlier is None:
                raise Conflict("This was changed somewhere else at the same moment. Please reload the page.") from None
            _bound_to(earlier, actor, what)
            act.already_done, act.result_id = True, earlier.result_id
        except BaseException:
            db.rollback()
            raise


def _claim(db: Session, actor: Actor | None, what: Action, token: str, act: Act) -> FormSubmission | None:
    """Claim the token before anything else is written; a repeated submit finds the first claim."""
    earlier = db.get(FormSubmission, token)
    if earlier is None:
        submission = FormSubmission(token=token, person_id=actor.id if actor else None, action=what.value)
        db.add(submission)
        try:
            db.flush()
            return submission
        except IntegrityError:  # a concurrent submit of the same form claimed it first and committed
            db.rollback()
            earlier = db.get(FormSubmission, token)
            if earlier is None:
                raise
    _bound_to(earlier, actor, what)
    act.already_done, act.result_id = True, earlier.result_id
    return None


def _bound_to(submission: FormSubmission, actor: Actor | None, what: Action) -> None:
    """A token belongs to one person and one kind of form; anyone else's use is a forgery."""
    if submission.person_id != (actor.id if actor else None) or submission.action != what.value:
        raise ValidationError(EXPIRED_FORM)


def _write_audit(db: Session, actor: Actor | None, records: Sequence[AuditRecord]) -> None:
    for record in records:
        target_name = record.target_name
        if target_name is None and record.target_type == "person" and record.target_id is not None:
            person = db.get(Person, record.target_id)
            target_name = person.display_name if person else None
        db.add(
            AuditEvent(
                actor_id=actor.id if actor else None,
                actor_name=actor.display_name if actor else None,
                action=record.kind.value,
                target_type=record.target_type,
                target_id=record.target_id,
                target_name=target_name,
                detail=record.detail[:500] if record.detail else None,
            )
        )
