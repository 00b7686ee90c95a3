"""Sign-in, the first administrator, passwords, and the sealed history after a reset.

One message for every failed sign-in. Consecutive failures on one account are counted in the
database and slow further attempts down (tracker/throttle.py: 5 free, then a wait from 30 seconds
doubling up to an hour, a lock at 100 that only an administrator lifts); during a wait even the
right password is refused, with words that say when to try again. Every attempt, failed or not,
is an audit event. A temporary password (from an invitation or an
administrator's reset) expires, and while a person holds one they may only choose their own
password (`tracker.policy.ACCOUNT_SETUP`).

Why a reset seals the history: an administrator who resets a password learns the temporary
password, could sign in with it and choose a new one. The app's promise is that not even an
administrator can read a clinician's entries, so a reset of a person who has private data seals
it: entries, check-ins, trends and the export stay refused until the person unseals them with
their previous password — which only they know — or chooses to start afresh (their old history
is then erased). Both are audited, and the person sees when the reset happened.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cache
from zoneinfo import available_timezones

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from db.engine import checkpoint_wal
from db.models import Person, RoleGrant, SetupCode, utcnow
from tracker import throttle
from tracker.audit import AuditKind, AuditRecord, sessions_ended
from tracker.domain import Actor, Role, as_utc
from tracker.errors import SignInFailed, SignInThrottled, ValidationError
from tracker.passwords import hash_password, needs_rehash, verify_password
from tracker.policy import Action
from tracker.queries.program import program_settings
from tracker.services import sessions
from tracker.services.boundary import action
from tracker.services.mydata import erase_private_history
from tracker.validation import clean_email, clean_name, clean_new_password, is_plain

PASSWORD_MAX_CHARS = 1024  # never hash an unbounded string (argon2 would, slowly)
EXPIRED = "This temporary password has expired. Ask your administrator for a new one."
SSO_REFUSED = "Your single sign-on identity does not match an active account here."
RESTART_WORD = "START AFRESH"
THROTTLED = "Too many failed sign-ins for this account. Please wait {wait} and try again."
WRONG_SETUP_CODE = (
    "That setup code is not right. It was printed in the terminal where the app was started "
    "(./run-app or python -m tracker migrate); starting it again prints a new one."
)
SETUP_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # 32 letters and digits, none mistaken for another
LOCKED = "This account is locked after too many failed sign-ins. Ask your administrator to unlock it."


def to_actor(person: Person) -> Actor:
    return Actor(
        id=person.id,
        email=person.email,
        display_name=person.display_name,
        roles=frozenset(Role(g.role) for g in person.roles),
        timezone=person.timezone,
        must_change_password=person.must_change_password,
        history_sealed=person.history_sealed,
        password_reset_at=as_utc(person.password_reset_at),
    )


def needs_first_administrator(db: Session) -> bool:
    """True only on an empty installation: then the app offers to create the first administrator."""
    return not db.scalar(select(func.count()).select_from(Person))


def new_setup_code(db: Session) -> str | None:
    """A new one-time setup code on an installation with nobody in it; None once someone exists.

    The caller shows it where only the person who started the server sees it (the terminal).
    16 characters from 32 (80 bits, as XXXX-XXXX-XXXX-XXXX), so guessing it through the form is
    hopeless; every code made before the first administrator exists stays valid until then, so
    each replica's terminal shows one that works."""
    if not needs_first_administrator(db):
        return None
    code = "-".join("".join(secrets.choice(SETUP_CODE_ALPHABET) for _ in range(4)) for _ in range(4))
    with action(db, None, Action.PREPARE_INSTALLATION) as act:
        db.add(SetupCode(code_hash=_setup_code_hash(code)))
        act.done()
    return code


def setup_code_waiting(db: Session) -> bool:
    """True when a setup code was made and not yet used (so a new process need not print another)."""
    return db.scalar(select(SetupCode.id).limit(1)) is not None


def _setup_code_hash(code: str) -> str:
    """Case, spaces and dashes do not matter when the code is typed."""
    typed = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(typed.encode()).hexdigest()


def create_first_administrator(
    db: Session, *, name: str, email: str, password: str, repeated: str, setup_code: str
) -> Actor:
    """Create the first administrator (also a clinician, so they can use the app themselves).

    Needs a setup code from `new_setup_code` (printed in the terminal at start): reaching a new
    server's first-run page is not enough to claim it."""
    name, email = clean_name(name), clean_email(email)
    password = clean_new_password(password, repeated)
    with action(db, None, Action.CREATE_FIRST_ADMINISTRATOR) as act:
        # Re-checked under the write: a second browser racing the first form gets a clear refusal.
        if not needs_first_administrator(db):
            raise ValidationError("An administrator already exists. Please sign in.")
        typed = setup_code if isinstance(setup_code, str) else ""
        if (
            len(typed) > 64
            or db.scalar(select(SetupCode.id).where(SetupCode.code_hash == _setup_code_hash(typed))) is None
        ):
            raise ValidationError(WRONG_SETUP_CODE)
        db.execute(delete(SetupCode))  # used once: every other code printed so far stops working too
        person = Person(email=email, display_name=name, password_hash=hash_password(password))
        person.roles = [RoleGrant(role=Role.ADMINISTRATOR), RoleGrant(role=Role.CLINICIAN)]
        db.add(person)
        db.flush()
        act.done(person.id, audit=AuditRecord.about_person(AuditKind.FIRST_ADMINISTRATOR_CREATED, person))
    return to_actor(person)


def sign_in(db: Session, *, email: str, password: str, now: datetime | None = None) -> Actor:
    """The actor for a correct e-mail and password of an active account; SignInFailed otherwise.

    Every path verifies one argon2 hash (the account's, or a dummy for an unknown e-mail) and
    writes one audit event, so an unknown e-mail takes as long as a wrong password and gets the
    same words. The account's row is locked for the attempt (PostgreSQL), so parallel guesses
    on several replicas are counted one after the other. `now` is for tests.
    """
    now = now or utcnow()
    typed = password if isinstance(password, str) else ""
    address = email.strip().lower() if isinstance(email, str) else ""
    address = address if is_plain(address, max_chars=254) else ""  # no NUL in a query: PostgreSQL refuses it
    person = (
        db.scalar(
            select(Person)
            .where(Person.email == address)
            .with_for_update()
            .execution_options(populate_existing=True)  # the count as it is now, not as cached
        )
        if address
        else None
    )
    # The cap is kept: an overlong password is never hashed whole, and it can never be right.
    ok = verify_password(person.password_hash if person else None, typed[:PASSWORD_MAX_CHARS])
    ok = ok and len(typed) <= PASSWORD_MAX_CHARS
    if person is None:
        _record_failure(db, None, "unknown e-mail", now=now)
        raise SignInFailed()
    if throttle.locked(person.failed_sign_ins):
        _record_failure(db, person, "refused: account locked", now=now, counts=False)
        raise SignInThrottled(LOCKED)
    retry_at = throttle.next_attempt_at(person.failed_sign_ins, as_utc(person.last_failed_sign_in_at))
    if retry_at is not None and now < retry_at:
        _record_failure(db, person, "refused: waiting after failed sign-ins", now=now, counts=False)
        raise SignInThrottled(THROTTLED.format(wait=throttle.waiting_words(retry_at, now)), retry_at)
    if not ok or not person.active:
        _record_failure(db, person, "wrong password" if person.active else "inactive account", now=now)
        raise SignInFailed()
    if person.must_change_password and _expired(person.temporary_until):
        _record_failure(db, person, "temporary password expired", now=now, counts=False)
        raise SignInFailed(EXPIRED)
    signed_in = to_actor(person)
    with action(db, signed_in, Action.SIGN_IN) as act:
        person.failed_sign_ins, person.last_failed_sign_in_at = 0, None  # a success resets the count
        if needs_rehash(person.password_hash):
            person.password_hash = hash_password(password)
        act.done(person.id, audit=AuditRecord.about_person(AuditKind.SIGNED_IN, person))
    return signed_in


def _record_failure(db: Session, person: Person | None, detail: str, *, now: datetime, counts: bool = True) -> None:
    """Audit a failed attempt and, when it was a guess at the password, count it on the account.

    The count is raised in SQL (failed_sign_ins + 1), so two replicas never lose a failure."""
    with action(db, None, Action.RECORD_FAILED_SIGN_IN) as act:
        if person is not None and counts:
            db.execute(
                update(Person)
                .where(Person.id == person.id)
                .values(failed_sign_ins=Person.failed_sign_ins + 1, last_failed_sign_in_at=now)
                .execution_options(synchronize_session=False)
            )
        act.done(person.id if person else None, audit=AuditRecord.sign_in_failed(person, detail))


def sign_in_with_sso(
    db: Session,
    *,
    email: str | None,
    email_verified: object = None,
    issuer: str | None = None,
    subject: str | None = None,
    trust_email: bool = False,
    name: str | None = None,
) -> Actor:
    """The identity provider vouches for the person; they must exist and be active here.

    The provider's stable identity (issuer, subject) is linked to the account at the first
    sign-in and used from then on. Before that link exists, the e-mail counts only when the
    provider says it is verified (`email_verified` is exactly True — not "false", 0 or missing)
    or the installation marks its provider as trusted for e-mails (`trust_email`). A person
    signed in this way never needs a local password, so no password change is asked.
    """
    if any(claim is not None and not is_plain(claim, max_chars=255) for claim in (email, issuer, subject)):
        raise SignInFailed(SSO_REFUSED)  # a claim that is not plain text, or longer than we store
    linked = None
    if issuer and subject:
        linked = db.scalar(select(Person).where(Person.sso_issuer == issuer, Person.sso_subject == subject))
    if linked is None:
        if not isinstance(email, str) or not email or not (email_verified is True or trust_email):
            raise SignInFailed(SSO_REFUSED)
        linked = db.scalar(select(Person).where(Person.email == email.strip().lower()))
        if linked is None and program_settings(db).sso_creates_clinicians and issuer and subject:
            return _create_from_sso(db, email=email, name=name, issuer=issuer, subject=subject)
        if linked is None or (
            linked.sso_subject is not None and (issuer, subject) != (linked.sso_issuer, linked.sso_subject)
        ):
            raise SignInFailed(SSO_REFUSED)
    if not linked.active:
        raise SignInFailed(SSO_REFUSED)
    signed_in = replace(to_actor(linked), must_change_password=False)
    with action(db, signed_in, Action.SIGN_IN) as act:
        if issuer and subject and linked.sso_subject is None:
            linked.sso_issuer, linked.sso_subject = issuer[:255], subject[:255]
        act.done(linked.id, audit=AuditRecord.about_person(AuditKind.SIGNED_IN_WITH_SSO, linked))
    return signed_in


def _create_from_sso(db: Session, *, email: str, name: str | None, issuer: str, subject: str) -> Actor:
    """The program lets single sign-on create clinicians: a verified identity we have not seen
    becomes a clinician account, linked to the provider's (issuer, subject), with no password."""
    clean_address = clean_email(email)
    display_name = _provider_name(name) or clean_address.split("@")[0]
    with action(db, None, Action.CREATE_FROM_SSO) as act:
        person = Person(
            email=clean_address,
            display_name=display_name,
            password_hash=None,
            sso_issuer=issuer[:255],
            sso_subject=subject[:255],
        )
        person.roles = [RoleGrant(role=Role.CLINICIAN)]
        db.add(person)
        db.flush()
        act.done(person.id, audit=AuditRecord.about_person(AuditKind.PERSON_CREATED_BY_SSO, person))
    return replace(to_actor(person), must_change_password=False)


def _provider_name(name: object) -> str | None:
    """The name the identity provider gives, if it is one we would accept from a person; a name
    we would refuse (too long, control characters) is not worth refusing the sign-in over."""
    try:
        return clean_name(name) if isinstance(name, str) and name.strip() else None
    except ValidationError:
        return None


def current_actor(db: Session, person_id: int) -> Actor | None:
    """The person as they are now, if they may still act: active, and not holding an expired
    temporary password. Reloaded on every page run, so a deactivation or role change applies at once."""
    person = db.get(Person, person_id)
    if person is None or not person.active:
        return None
    if person.must_change_password and _expired(person.temporary_until):
        return None
    return to_actor(person)


@dataclass(frozen=True)
class SignedIn:
    """Who a browser's session signs in (`actor`, None when nobody), and what became of the
    session it named: `session_id` None when it named none we know; otherwise `kind` says how it
    was started ("password" or "sso") and `ended_at` since when it is over (None while live)."""

    actor: Actor | None
    session_id: int | None = None
    kind: str | None = None
    ended_at: datetime | None = None
    handoff_pending: bool = False  # the browser has not claimed its cookie yet, and still may


def signed_in(
    db: Session, *, session_id: int | None = None, token: object = None, now: datetime | None = None
) -> SignedIn:
    """The person a Streamlit session (`session_id`) or a cookie (`token`) names, checked on every
    run: the session must be live (services/sessions.py) and its person still allowed to act
    (`current_actor`). A live session's last use is noted, at most once a minute."""
    now = now or utcnow()
    found = sessions.find(db, session_id=session_id, token=token, now=now)
    if found is None:
        return SignedIn(None)
    over = SignedIn(None, found.session_id, found.kind, found.ended_at or now)
    if found.ended_at is not None:
        return over
    actor = current_actor(db, found.person_id)
    if actor is None:
        return over
    actor = replace(actor, session_id=found.session_id)
    if found.kind == "sso":
        actor = replace(actor, must_change_password=False)  # single sign-on: no local password to change
    if now - found.last_used_at >= sessions.TOUCH_EVERY:
        sessions.touch(db, actor, now=now)
    return SignedIn(actor, found.session_id, found.kind, handoff_pending=found.handoff_pending)


def change_password(db: Session, actor: Actor, *, current: str, new: str, repeated: str) -> Actor:
    """Choose a new password; every other open session of the person ends, the one they act from
    (`actor.session_id`) goes on."""
    with action(db, actor, Action.CHANGE_PASSWORD) as act:
        person = db.get(Person, actor.id)
        typed = current if isinstance(current, str) else ""
        if person is None or not verify_password(person.password_hash, typed[:PASSWORD_MAX_CHARS]):
            raise ValidationError("Your current password is not correct.")
        new = clean_new_password(new, repeated)
        if new == current:
            raise ValidationError("Please choose a password different from the current one.")
        person.password_hash = hash_password(new)
        person.must_change_password = False
        person.temporary_until = None
        ended = sessions.end_sessions(db, person.id, sessions.PASSWORD_CHANGED, keep=actor.session_id)
        act.done(person.id, audit=AuditRecord.about_person(AuditKind.PASSWORD_CHANGED, person, sessions_ended(ended)))
    return replace(to_actor(person), session_id=actor.session_id)


def set_timezone(db: Session, actor: Actor, timezone: str) -> Actor:
    """Remember the browser's time zone so 'today' is the clinician's today."""
    if not isinstance(timezone, str) or timezone not in _known_timezones():
        raise ValidationError("Unknown time zone.")
    with action(db, actor, Action.SET_TIMEZONE) as act:
        person = db.get(Person, actor.id)
        person.timezone = timezone
        act.done(person.id)
    return to_actor(person)


def unseal_history(db: Session, actor: Actor, *, previous_password: str) -> Actor:
    """Open the history an administrator's reset sealed, with the password the person had before."""
    with action(db, actor, Action.UNSEAL_HISTORY) as act:
        person = db.get(Person, actor.id)
        if not person.history_sealed:
            act.already_done = True
            return to_actor(person)
        previous = previous_password if isinstance(previous_password, str) else ""
        if not verify_password(person.sealed_password_hash, previous[:PASSWORD_MAX_CHARS]):
            raise ValidationError("That is not the password you had before the reset.")
        person.sealed_password_hash = None
        act.done(person.id, audit=AuditRecord.about_person(AuditKind.HISTORY_UNSEALED, person))
    return to_actor(person)


def restart_history(db: Session, actor: Actor, *, confirm: str) -> Actor:
    """Erase the sealed history and start afresh (for a person who no longer knows the old password)."""
    if confirm != RESTART_WORD:
        raise ValidationError(f"Type {RESTART_WORD} to confirm.")
    with action(db, actor, Action.RESTART_HISTORY) as act:
        person = db.get(Person, actor.id)
        if not person.history_sealed:
            act.already_done = True
            return to_actor(person)
        erase_private_history(db, person.id)
        person.sealed_password_hash = None
        act.done(person.id, audit=AuditRecord.about_person(AuditKind.HISTORY_RESTARTED, person))
    checkpoint_wal(db.get_bind())  # as after an erase (services/mydata.py)
    return to_actor(person)


def _expired(until: datetime | None) -> bool:
    return until is not None and as_utc(until) < utcnow()


@cache
def _known_timezones() -> frozenset[str]:
    return frozenset(available_timezones())
