"""The e-mail sender: delivers the outbox (`db.models.OutboxMessage`) over SMTP, never one message twice.

`tracker.notify` writes each e-mail to the outbox in the same transaction as the change it
announces, so an e-mail exists exactly when its change was committed. This module delivers them:
`python -m tracker send-notifications` runs `run_forever` (started beside the app by `./run-app`
when `SMTP_URL` is set); `--once` runs one `send_pending`.

One message at a time, in three steps, each its own short transaction:

1. **Claim**: one conditional `UPDATE … SET state='sending' WHERE id = (the next due row) AND
   state='pending'`. Two senders never take the same row: the `state='pending'` condition is
   re-checked by the database at write time (SQLite serialises writers; on PostgreSQL the inner
   `SELECT … FOR UPDATE SKIP LOCKED` lets concurrent senders take different rows without waiting).
2. **Send** over SMTP with the Message-ID stored in the row.
3. **Record** the outcome: `sent`; or, when the server refused or the connection failed before the
   message was fully handed over, back to `pending` with exponential backoff (1 minute doubling,
   at most 1 hour) — `failed` after `MAX_ATTEMPTS` attempts, or at once on a permanent (5xx)
   refusal, which RFC 5321 says not to repeat.

The trade-off, chosen on purpose: **at-most-once for a message in flight at a crash, exactly-once
otherwise.** A row still in `sending` after the lease (a sender killed between claim and record)
may or may not have reached the server; it becomes `uncertain` and is never sent again. The same
holds when the connection breaks after the whole message was handed over but before the server
answered. A duplicate "something is waiting" e-mail would be harmless on its own, but the promise
"never twice" is simple to keep and to test, and the notification itself is always in the app.
The lease must exceed the longest one message can take (connection plus SMTP timeouts, 30 s
each), so a slow live sender is never mistaken for a dead one.

Nothing private is logged: log lines name the outbox id, the state and a short error (SMTP code,
or the kind of connection error, with any address removed) — never the body or the recipient.
A password in `SMTP_URL` is only ever sent over TLS (`smtps://`, or STARTTLS on `smtp://`).
"""

from __future__ import annotations

import logging
import os
import re
import signal
import smtplib
import ssl
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, parseaddr
from typing import Protocol
from urllib.parse import unquote, urlsplit

from sqlalchemy import select, update
from sqlalchemy.orm import Session, aliased, sessionmaker

from db.models import OutboxMessage
from tracker.errors import SharedLoadError
from tracker.sweeper import sweep_once

log = logging.getLogger("tracker.mail")

DEFAULT_FROM = "shared-load@localhost"
LEASE = timedelta(minutes=10)
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=1)
TIMEOUT_SECONDS = 30.0

PENDING, SENDING, SENT, UNCERTAIN, FAILED = "pending", "sending", "sent", "uncertain", "failed"
STOPPED_WHILE_SENDING = "the sender stopped while sending; not sent again"


class MailNotConfigured(SharedLoadError):
    """SMTP_URL is missing or not usable. The message never repeats the password."""


# --- settings ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    implicit_tls: bool  # smtps://; smtp:// upgrades with STARTTLS when the server offers it
    username: str | None = None
    password: str | None = None

    def __repr__(self) -> str:  # never print the password
        scheme = "smtps" if self.implicit_tls else "smtp"
        return f"SmtpSettings({scheme}://{self.host}:{self.port}, user={'set' if self.username else 'none'})"


def parse_smtp_url(url: str) -> SmtpSettings:
    """`smtp://[user:pass@]host[:port]` (port 25) or `smtps://…` (port 465); user and password
    may be percent-encoded."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("smtp", "smtps"):
        raise MailNotConfigured("SMTP_URL must start with smtp:// or smtps://.")
    try:
        port = parts.port
    except ValueError:
        raise MailNotConfigured("SMTP_URL has a port that is not a number.") from None
    if not parts.hostname:
        raise MailNotConfigured("SMTP_URL names no host.")
    implicit_tls = parts.scheme == "smtps"
    return SmtpSettings(
        host=parts.hostname,
        port=port or (465 if implicit_tls else 25),
        implicit_tls=implicit_tls,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


def settings_from_env() -> SmtpSettings:
    url = os.environ.get("SMTP_URL", "").strip()
    if not url:
        raise MailNotConfigured("E-mail is not configured: set SMTP_URL (for example smtp://user:pass@host:587).")
    return parse_smtp_url(url)


def sender_address() -> str:
    """SMTP_FROM, e.g. `Shared Load <shared-load@hospital.org>`; the default suits a local relay."""
    return os.environ.get("SMTP_FROM", "").strip() or DEFAULT_FROM


# --- transport --------------------------------------------------------------------------------


class TransportError(Exception):
    """A delivery attempt did not succeed. `str()` is short and holds no address."""


class Unavailable(TransportError):
    """No usable connection (refused, timed out, login refused, TLS missing): no message was sent."""


class NotDelivered(TransportError):
    """The server refused this message, or the connection failed before the message was fully handed over."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.permanent = permanent


class Uncertain(TransportError):
    """The whole message was handed over, then the connection failed before the server answered."""


class Transport(Protocol):
    """How `send_pending` reaches a mail server; tests may pass their own."""

    def open(self) -> None: ...

    def send(self, mail_from: str, to: str, message: bytes) -> None: ...

    def close(self) -> None: ...


class SmtpTransport:
    """One SMTP connection, opened on demand and reused for a batch.

    The DATA phase is driven by hand (not `smtplib.sendmail`) so a failure can be placed: before the
    message's final dot the server cannot have accepted it (safe to retry); after it, it may have
    (uncertain, never retried)."""

    def __init__(
        self, settings: SmtpSettings, *, timeout: float = TIMEOUT_SECONDS, context: ssl.SSLContext | None = None
    ) -> None:
        self.settings = settings
        self.timeout = timeout
        self.context = context or ssl.create_default_context()
        self.encrypted = False
        self._connection: smtplib.SMTP | None = None

    def open(self) -> None:
        if self._connection is not None:
            return
        s = self.settings
        try:
            if s.implicit_tls:
                connection: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=self.timeout, context=self.context)
            else:
                connection = smtplib.SMTP(s.host, s.port, timeout=self.timeout)
        except (OSError, smtplib.SMTPException) as error:
            raise Unavailable(f"cannot connect: {short_error(error)}") from None
        try:
            connection.ehlo()
            self.encrypted = s.implicit_tls
            if not s.implicit_tls and connection.has_extn("starttls"):
                connection.starttls(context=self.context)
                connection.ehlo()
                self.encrypted = True
            if s.username:
                if not self.encrypted:
                    raise Unavailable("the server offers no TLS; the SMTP password is never sent in clear text")
                connection.login(s.username, s.password or "")
        except Unavailable:
            _quietly_close(connection)
            raise
        except (OSError, smtplib.SMTPException) as error:
            _quietly_close(connection)
            raise Unavailable(f"cannot start the session: {short_error(error)}") from None
        self._connection = connection

    def send(self, mail_from: str, to: str, message: bytes) -> None:
        self.open()
        connection = self._connection
        assert connection is not None
        try:
            refusal = _refusal(*connection.mail(mail_from), ok=(250,))
            refusal = refusal or _refusal(*connection.rcpt(to), ok=(250, 251))
            refusal = refusal or _refusal(*connection.docmd("DATA"), ok=(354,))
            if refusal:
                self._reset()
                raise refusal
            connection.send(_dot_stuffed(message))
        except NotDelivered:
            raise
        except (OSError, smtplib.SMTPException) as error:
            self.close()
            raise NotDelivered(f"connection lost: {short_error(error)}") from None
        # The final dot has been handed over: from here the server may have taken the message.
        try:
            code, reply = connection.getreply()
        except (OSError, smtplib.SMTPException) as error:
            self.close()
            raise Uncertain(f"no answer after the message: {short_error(error)}") from None
        refusal = _refusal(code, reply, ok=(250,))
        if refusal:
            raise refusal

    def close(self) -> None:
        if self._connection is not None:
            connection, self._connection = self._connection, None
            try:
                connection.quit()
            except (OSError, smtplib.SMTPException):
                _quietly_close(connection)

    def _reset(self) -> None:
        """After a refusal the session must be reset before the next message; a broken one is dropped."""
        try:
            assert self._connection is not None
            self._connection.rset()
        except (OSError, smtplib.SMTPException):
            self.close()


def _refusal(code: int, reply: bytes, *, ok: tuple[int, ...]) -> NotDelivered | None:
    if code in ok:
        return None
    return NotDelivered(f"refused: {smtp_status(code, reply)}", permanent=500 <= code < 600)


def _dot_stuffed(message: bytes) -> bytes:
    """RFC 5321 §4.5.2: a line starting with a dot gets a second one; the data ends with CRLF.CRLF."""
    data = re.sub(rb"(?m)^\.", b"..", message)
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    return data + b".\r\n"


def _quietly_close(connection: smtplib.SMTP) -> None:
    try:
        connection.close()
    except OSError:
        pass


_ENHANCED_STATUS = re.compile(rb"^[245]\.\d{1,3}\.\d{1,3}\b")
_ADDRESS = re.compile(r"\S+@\S+")


def smtp_status(code: int, reply: bytes) -> str:
    """`451 4.3.0`: the code and the enhanced status, never the reply text (it often quotes the address)."""
    enhanced = _ENHANCED_STATUS.match(reply or b"")
    return f"{code} {enhanced.group().decode()}" if enhanced else str(code)


def short_error(error: BaseException) -> str:
    """The kind of error and its words, with any e-mail address removed, in at most 120 characters."""
    if isinstance(error, smtplib.SMTPResponseException):
        return smtp_status(error.smtp_code, error.smtp_error if isinstance(error.smtp_error, bytes) else b"")
    words = _ADDRESS.sub("<address>", str(error))
    return f"{type(error).__name__}: {words}"[:120] if words else type(error).__name__


# --- the outbox -------------------------------------------------------------------------------


@dataclass
class SendReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    uncertain: int = 0
    error: str | None = None  # the server could not be reached: nothing was claimed

    def __str__(self) -> str:
        counts = f"sent {self.sent}, retrying {self.retrying}, failed {self.failed}, uncertain {self.uncertain}"
        return f"{counts}; {self.error}" if self.error else counts


@dataclass(frozen=True)
class _Claimed:
    id: int
    to_address: str
    subject: str
    body: str
    message_id: str
    attempts: int


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, … minutes after the 1st, 2nd, 3rd … attempt, never more than an hour."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)


def send_pending(
    factory: sessionmaker[Session],
    *,
    now: datetime | None = None,
    batch: int = 50,
    transport: Transport | None = None,
    lease: timedelta = LEASE,
    max_attempts: int = MAX_ATTEMPTS,
    sender: str | None = None,
    stop: threading.Event | None = None,
) -> SendReport:
    """Deliver up to `batch` due messages, one at a time; see the module docstring for the promise.

    `now` fixes the clock (tests); by default each step reads the time. Without `transport`, SMTP_URL
    is used (`MailNotConfigured` when missing). `stop` ends the batch after the current message."""
    clock: Callable[[], datetime] = (lambda: _utc(now)) if now is not None else (lambda: datetime.now(UTC))
    report = SendReport()
    report.uncertain += _expire_stale(factory, clock() - lease)
    if not _anything_due(factory, clock()):
        return report
    transport = transport or SmtpTransport(settings_from_env())
    mail_from = sender or sender_address()
    envelope_from = parseaddr(mail_from)[1] or mail_from
    try:
        # Connect before claiming: an unreachable server costs no message an attempt.
        transport.open()
    except Unavailable as error:
        report.error = str(error)
        log.warning("mail server unavailable: %s", error)
        return report
    try:
        for _ in range(batch):
            if stop is not None and stop.is_set():
                break
            message = _claim_next(factory, clock())
            if message is None:
                break
            try:
                try:
                    payload = _compose(message, mail_from, clock())
                except ValueError as error:  # an address or header the e-mail library refuses, now and always
                    raise NotDelivered(f"cannot compose: {short_error(error)}", permanent=True) from None
                transport.send(envelope_from, message.to_address, payload)
            except NotDelivered as error:
                state = _not_delivered(factory, message, error, clock(), max_attempts)
                if state == FAILED:
                    report.failed += 1
                else:
                    report.retrying += 1
            except Uncertain as error:
                _finish(factory, message.id, state=UNCERTAIN, last_error=str(error))
                log.warning("outbox %d uncertain (%s); not sent again", message.id, error)
                report.uncertain += 1
            except Unavailable as error:  # a reconnect failed: nothing was sent; it costs no attempt
                _finish(factory, message.id, state=PENDING, attempts=OutboxMessage.attempts - 1, last_error=str(error))
                report.error = str(error)
                break
            else:
                _finish(factory, message.id, state=SENT, sent_at=clock(), last_error=None, only_if_sending=False)
                log.info("outbox %d sent (attempt %d)", message.id, message.attempts)
                report.sent += 1
    finally:
        transport.close()
    return report


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _expire_stale(factory: sessionmaker[Session], claimed_before: datetime) -> int:
    """Rows a dead sender left in `sending`: they may have been delivered, so never again."""
    with factory() as session, session.begin():
        ids = session.scalars(
            update(OutboxMessage)
            .where(OutboxMessage.state == SENDING, OutboxMessage.claimed_at < claimed_before)
            .values(state=UNCERTAIN, last_error=STOPPED_WHILE_SENDING)
            .returning(OutboxMessage.id)
            .execution_options(synchronize_session=False)
        ).all()
    for outbox_id in ids:
        log.warning("outbox %d uncertain: %s", outbox_id, STOPPED_WHILE_SENDING)
    return len(ids)


def _anything_due(factory: sessionmaker[Session], now: datetime) -> bool:
    with factory() as session:
        return session.scalar(select(OutboxMessage.id).where(*_due(OutboxMessage, now)).limit(1)) is not None


def _due(row: type[OutboxMessage], now: datetime) -> tuple:
    return (row.state == PENDING, row.next_attempt_at <= now)  # the index ix_outbox_state_next


def _claim_next(factory: sessionmaker[Session], now: datetime) -> _Claimed | None:
    """Take the next due message for this sender alone, in one statement and one transaction."""
    due = aliased(OutboxMessage, name="due")  # its own name: never correlated with the updated table
    next_due = (
        select(due.id)
        .where(*_due(due, now))
        .order_by(due.next_attempt_at, due.id)
        .limit(1)
        .with_for_update(skip_locked=True)  # PostgreSQL; SQLite has no row locks and serialises writers
        .scalar_subquery()
    )
    claim = (
        update(OutboxMessage)
        .where(OutboxMessage.id == next_due, OutboxMessage.state == PENDING)
        .values(state=SENDING, attempts=OutboxMessage.attempts + 1, claimed_at=now)
        .returning(
            OutboxMessage.id,
            OutboxMessage.to_address,
            OutboxMessage.subject,
            OutboxMessage.body,
            OutboxMessage.message_id,
            OutboxMessage.attempts,
        )
        .execution_options(synchronize_session=False)
    )
    with factory() as session, session.begin():
        row = session.execute(claim).one_or_none()
    return _Claimed(*row) if row is not None else None


def _compose(message: _Claimed, mail_from: str, now: datetime) -> bytes:
    email = EmailMessage(policy=SMTP.clone(cte_type="7bit"))  # CRLF line ends; ASCII on the wire
    email["From"] = mail_from
    email["To"] = message.to_address  # the bare address: no name in any header
    email["Subject"] = message.subject
    email["Message-ID"] = message.message_id
    email["Date"] = format_datetime(now)
    email["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies
    email.set_content(message.body)
    return email.as_bytes()


def _not_delivered(
    factory: sessionmaker[Session], message: _Claimed, error: NotDelivered, now: datetime, max_attempts: int
) -> str:
    if error.permanent or message.attempts >= max_attempts:
        _finish(factory, message.id, state=FAILED, last_error=str(error))
        log.warning("outbox %d failed after %d attempt(s): %s", message.id, message.attempts, error)
        return FAILED
    retry_at = now + retry_delay(message.attempts)
    _finish(factory, message.id, state=PENDING, next_attempt_at=retry_at, last_error=str(error))
    log.info("outbox %d not delivered (%s); retry at %s", message.id, error, retry_at.isoformat(timespec="seconds"))
    return PENDING


def _finish(factory: sessionmaker[Session], outbox_id: int, *, only_if_sending: bool = True, **values) -> None:
    """Record an outcome. A retry or failure never overrides `uncertain` set meanwhile by another
    sender (its lease ran out); `sent` always does, because then it is known."""
    conditions = [OutboxMessage.id == outbox_id]
    if only_if_sending:
        conditions.append(OutboxMessage.state == SENDING)
    if "last_error" in values and values["last_error"]:
        values["last_error"] = values["last_error"][:300]
    with factory() as session, session.begin():
        session.execute(
            update(OutboxMessage).where(*conditions).values(**values).execution_options(synchronize_session=False)
        )


# --- the daemon -------------------------------------------------------------------------------


def run_forever(
    factory: sessionmaker[Session],
    interval: float = 5.0,
    *,
    lease: timedelta = LEASE,
    batch: int = 50,
    transport: Transport | None = None,
    stop: threading.Event | None = None,
) -> None:
    """Deliver every `interval` seconds until SIGTERM or SIGINT (or `stop` is set).

    A signal only sets a flag: the message being sent is finished and recorded, then the loop ends,
    so a clean stop never leaves a row `uncertain`. A database or other unexpected error is logged
    and the next round tries again — the sender must not die quietly beside the app."""
    stop = stop or threading.Event()
    restore = _stop_on_signals(stop)
    log.info("sending notifications every %s s", interval)
    try:
        while not stop.is_set():
            handled = 0
            try:
                # The time-driven steps write the notifications this loop then delivers; here they
                # happen even when nobody opens the app (tracker/sweeper.py runs them in the app too).
                sweep_once(factory)
                report = send_pending(factory, batch=batch, transport=transport, lease=lease, stop=stop)
                handled = report.sent + report.retrying + report.failed
                if handled or report.uncertain:
                    log.info("round: %s", report)
            except MailNotConfigured:
                raise
            except Exception as error:
                log.error("round failed: %s", short_error(error))
            if handled < batch:  # a full batch means more may be waiting: go on at once
                _sleep(interval, stop)
    finally:
        restore()
    log.info("sender stopped")


def _stop_on_signals(stop: threading.Event) -> Callable[[], None]:
    """SIGTERM/SIGINT set `stop` (only the main thread may install handlers). The loop polls
    `stop.is_set()` and never waits on the event, so setting it inside a handler cannot deadlock."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    previous = {number: signal.getsignal(number) for number in (signal.SIGTERM, signal.SIGINT)}
    for number in previous:
        signal.signal(number, lambda _number, _frame: stop.set())

    def restore() -> None:
        for number, handler in previous.items():
            signal.signal(number, handler)

    return restore


def _sleep(seconds: float, stop: threading.Event) -> None:
    deadline = time.monotonic() + seconds
    while not stop.is_set() and (left := deadline - time.monotonic()) > 0:
        time.sleep(min(left, 0.2))


def main(*, once: bool, lease_seconds: float = LEASE.total_seconds()) -> int:
    """`python -m tracker send-notifications [--once]`: 0 when done, 1 when the server was unreachable
    (with --once), 2 when e-mail is not configured."""
    try:
        settings_from_env()
    except MailNotConfigured as error:
        print(error, file=sys.stderr)
        return 2
    _log_to_stderr()
    from tracker.app import open_database

    _engine, factory = open_database()
    lease = timedelta(seconds=lease_seconds)
    if once:
        report = send_pending(factory, lease=lease)
        print(report)
        return 1 if report.error else 0
    run_forever(factory, lease=lease)
    return 0


def _log_to_stderr() -> None:
    """The sender's own lines at INFO; other libraries (alembic on start) keep their defaults."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
