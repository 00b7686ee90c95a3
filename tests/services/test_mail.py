"""The e-mail sender against a real local SMTP server (aiosmtpd), on SQLite and PostgreSQL.

What is promised: an e-mail says only that something is waiting, with a link; each message arrives
at most once, and exactly once unless a sender died with it in flight (then it is `uncertain`).
"""

from __future__ import annotations

import asyncio
import email
import ipaddress
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.policy import default
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from sqlalchemy import select

from db.engine import session_factory
from db.models import OutboxMessage
from tests.conftest import ROOT, token
from tracker import mail
from tracker.domain import DEFAULT_TAGS
from tracker.notify import SUBJECT, WORDING, NotificationKind, notify
from tracker.services import named_lists

APP_URL = "https://shared-load.example.org"


class Recorder:
    """An SMTP handler that keeps what it accepted. `refuse` holds replies for the next DATA
    commands; `delay` makes each message slow. A message counts as arrived when its DATA is
    complete, before the reply: the pessimistic view of a sender killed while waiting for it."""

    def __init__(self) -> None:
        self.arrived: list[dict] = []
        self.refuse: list[str] = []
        self.delay = 0.0
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.refuse:
            return self.refuse.pop(0)
        with self._lock:
            self.arrived.append(
                {
                    "from": envelope.mail_from,
                    "to": envelope.rcpt_tos,
                    "raw": envelope.content,
                    "tls": server.transport.get_extra_info("ssl_object") is not None,
                    "login": session.auth_data.login if isinstance(session.auth_data, LoginPassword) else None,
                }
            )
        if self.delay:
            await asyncio.sleep(self.delay)
        return "250 2.0.0 OK"

    def message_ids(self) -> list[str]:
        with self._lock:
            return [email.message_from_bytes(item["raw"], policy=default)["Message-ID"] for item in self.arrived]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpServer:
    def __init__(self, **options) -> None:
        self.handler = Recorder()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, **options)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"


@pytest.fixture(autouse=True)
def _e_mail_configured(monkeypatch):
    """Notifications queue an e-mail only where SMTP is configured (tracker/notify.py); a test that
    needs a real server points SMTP_URL at it."""
    monkeypatch.setenv("SMTP_URL", "smtp://127.0.0.1:9")


@pytest.fixture
def smtp_server(monkeypatch) -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.controller.start()
    monkeypatch.setenv("SMTP_URL", server.url)
    monkeypatch.delenv("SMTP_FROM", raising=False)
    yield server
    server.controller.stop()


@pytest.fixture
def factory(engine):
    return session_factory(engine)


def queue(factory, person_id: int, count: int = 1) -> list[str]:
    """Notifications with their e-mails, written the way every service writes them."""
    with factory() as session, session.begin():
        for _ in range(count):
            notify(session, person_id, NotificationKind.MATCH_APPROVED)
    return [row.message_id for row in outbox(factory)]


def outbox(factory) -> list[OutboxMessage]:
    with factory() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def utc(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


# --- content ----------------------------------------------------------------------------------


def test_email_says_only_that_something_is_waiting(factory, db, administrator, make_person, smtp_server, monkeypatch):
    monkeypatch.setenv("SHARED_LOAD_URL", APP_URL + "/")
    monkeypatch.setenv("SMTP_FROM", "Shared Load <noreply@hospital.example>")
    unit = named_lists.create_unit(db, administrator, token=token(), name="Hyperbaric Annex")
    person = make_person("Zebulon Quillfeather", unit_id=unit, profession="therapist", email="zq@example.org")
    for kind in (NotificationKind.MATCH_APPROVED, NotificationKind.MEETING_PROPOSED, NotificationKind.FEEDBACK_DUE):
        with factory() as session, session.begin():
            notify(session, person.id, kind)

    report = mail.send_pending(factory)

    assert report.sent == 3
    assert len(smtp_server.handler.arrived) == 3
    for item in smtp_server.handler.arrived:
        assert item["from"] == "noreply@hospital.example"
        assert item["to"] == ["zq@example.org"]
        message = email.message_from_bytes(item["raw"], policy=default)
        assert message["Subject"] == SUBJECT
        assert message["To"] == "zq@example.org"  # the address only, no name
        assert message["Auto-Submitted"] == "auto-generated"
        body = message.get_content()
        assert f"{APP_URL}/notifications" in body
        assert not re.search(r"\d", body), "no figure of any kind"
        text = item["raw"].decode().lower()
        for private in ("Zebulon", "Quillfeather", "Hyperbaric", "therapist", *DEFAULT_TAGS, *WORDING.values()):
            assert private.lower() not in text


# --- exactly once, retries, failures ----------------------------------------------------------


def test_each_message_arrives_once_however_often_the_sender_runs(factory, clinician, smtp_server):
    ids = queue(factory, clinician.id, 3)

    first = mail.send_pending(factory)
    second = mail.send_pending(factory)

    assert (first.sent, second.sent) == (3, 0)
    assert sorted(smtp_server.handler.message_ids()) == sorted(ids)
    assert {row.state for row in outbox(factory)} == {"sent"}
    assert all(row.attempts == 1 and row.sent_at is not None for row in outbox(factory))


def test_a_temporary_refusal_is_retried_after_the_backoff_and_delivered_once(factory, clinician, smtp_server):
    ids = queue(factory, clinician.id)
    smtp_server.handler.refuse = ["451 4.3.0 <cleo@example.org> try again later"]
    start = datetime.now(UTC)

    first = mail.send_pending(factory, now=start)
    [row] = outbox(factory)
    assert (first.retrying, row.state, row.attempts) == (1, "pending", 1)
    assert utc(row.next_attempt_at) == start + timedelta(minutes=1)
    assert row.last_error == "refused: 451 4.3.0"  # the code, never the server's words with the address

    early = mail.send_pending(factory, now=start + timedelta(seconds=30))
    later = mail.send_pending(factory, now=start + timedelta(minutes=2))

    [row] = outbox(factory)
    assert (early.sent, later.sent) == (0, 1)
    assert (row.state, row.attempts) == ("sent", 2)
    assert smtp_server.handler.message_ids() == ids


def test_backoff_doubles_from_a_minute_up_to_an_hour():
    delays = [mail.retry_delay(attempt) for attempt in range(1, 10)]
    assert delays == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32, 60, 60, 60)]


def test_a_message_fails_after_the_last_attempt(factory, clinician, smtp_server):
    queue(factory, clinician.id)
    smtp_server.handler.refuse = ["451 4.3.0 busy"] * 3
    moment = datetime.now(UTC)
    for _ in range(3):
        mail.send_pending(factory, now=moment, max_attempts=3)
        moment += timedelta(hours=1)
    [row] = outbox(factory)
    assert (row.state, row.attempts) == ("failed", 3)
    assert smtp_server.handler.arrived == []


def test_a_permanent_refusal_fails_at_once(factory, clinician, smtp_server):
    queue(factory, clinician.id)
    smtp_server.handler.refuse = ["550 5.1.1 mailbox unavailable"]
    report = mail.send_pending(factory)
    [row] = outbox(factory)
    assert (report.failed, row.state, row.attempts, row.last_error) == (1, "failed", 1, "refused: 550 5.1.1")


def test_an_unreachable_server_costs_no_attempt(factory, clinician, monkeypatch):
    queue(factory, clinician.id)
    monkeypatch.setenv("SMTP_URL", f"smtp://127.0.0.1:{free_port()}")
    report = mail.send_pending(factory)
    [row] = outbox(factory)
    assert report.error and "cannot connect" in report.error
    assert (row.state, row.attempts) == ("pending", 0)


# --- never twice --------------------------------------------------------------------------------


def test_two_senders_at_once_deliver_each_message_once(factory, clinician, smtp_server):
    ids = queue(factory, clinician.id, 20)
    smtp_server.handler.delay = 0.03
    start = threading.Barrier(2)
    reports: list[mail.SendReport] = []

    def sender() -> None:
        start.wait(timeout=10)
        reports.append(mail.send_pending(factory))

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(smtp_server.handler.message_ids()) == sorted(ids)
    assert sorted(report.sent for report in reports) != [0, 20], "both senders took part"
    assert sum(report.sent for report in reports) == 20
    assert {row.state for row in outbox(factory)} == {"sent"}


class Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs."""


class DiesAfterHandingOver:
    """A real SMTP transport whose process dies right after the server took the message."""

    def __init__(self, url: str) -> None:
        self.smtp = mail.SmtpTransport(mail.parse_smtp_url(url))

    def open(self) -> None:
        self.smtp.open()

    def send(self, mail_from: str, to: str, message: bytes) -> None:
        self.smtp.send(mail_from, to, message)
        raise Killed

    def close(self) -> None:
        self.smtp.close()


def test_a_message_left_sending_past_the_lease_becomes_uncertain_and_is_never_resent(factory, clinician, smtp_server):
    ids = queue(factory, clinician.id, 2)
    with pytest.raises(Killed):
        mail.send_pending(factory, transport=DiesAfterHandingOver(smtp_server.url))
    assert [row.state for row in outbox(factory)] == ["sending", "pending"]
    now = datetime.now(UTC)

    within_lease = mail.send_pending(factory, now=now + timedelta(minutes=5), batch=0)
    assert outbox(factory)[0].state == "sending", "inside the lease it may still be a live sender's"
    assert within_lease.uncertain == 0

    after_lease = mail.send_pending(factory, now=now + timedelta(minutes=11))
    again = mail.send_pending(factory, now=now + timedelta(minutes=30))

    first, second = outbox(factory)
    assert (after_lease.uncertain, after_lease.sent, again.sent) == (1, 1, 0)
    assert (first.state, first.last_error) == ("uncertain", mail.STOPPED_WHILE_SENDING)
    assert second.state == "sent"
    assert sorted(smtp_server.handler.message_ids()) == sorted(ids)  # each once


def hang_up_server(after: bytes) -> tuple[int, threading.Thread]:
    """A minimal SMTP server that closes the connection once it has read `after` (b"RCPT" or the
    message's final dot), without answering: a connection lost at that moment."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def serve() -> None:
        connection, _ = listener.accept()
        with connection, listener:
            reader = connection.makefile("rb")
            connection.sendall(b"220 test\r\n")
            in_data = False
            for line in reader:
                if in_data:
                    if line == b".\r\n" and after == b".":
                        return
                    if line == b".\r\n":
                        connection.sendall(b"250 ok\r\n")
                        in_data = False
                    continue
                verb = line[:4].upper()
                if verb == after:
                    return
                if verb == b"EHLO":
                    connection.sendall(b"250 test\r\n")
                elif verb == b"DATA":
                    connection.sendall(b"354 go ahead\r\n")
                    in_data = True
                else:
                    connection.sendall(b"250 ok\r\n")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return port, thread


@pytest.mark.parametrize(("after", "state"), [(b"RCPT", "pending"), (b".", "uncertain")])
def test_a_connection_lost_after_the_whole_message_is_uncertain_before_it_is_retried(
    factory, clinician, monkeypatch, after, state
):
    queue(factory, clinician.id)
    port, server = hang_up_server(after)
    monkeypatch.setenv("SMTP_URL", f"smtp://127.0.0.1:{port}")
    mail.send_pending(factory)
    server.join(timeout=5)
    [row] = outbox(factory)
    assert (row.state, row.attempts) == (state, 1)
    assert "@" not in (row.last_error or "")


# --- TLS and the password -------------------------------------------------------------------------


def certificate(tmp_path: Path) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A self-signed certificate for 127.0.0.1: the server's context and a client context trusting it."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=1))
        .not_valid_after(now + timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(cert_file, key_file)
    return server, ssl.create_default_context(cafile=str(cert_file))


def accept_mailer(server, session, envelope, mechanism, auth_data) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (b"mailer", b"p@ss:word")
    return AuthResult(success=ok, handled=False, auth_data=auth_data)


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # aiosmtpd, about smtps
@pytest.mark.parametrize("scheme", ["smtp", "smtps"])
def test_the_password_travels_only_inside_tls(factory, clinician, tmp_path, scheme):
    """smtp:// upgrades with STARTTLS when offered; smtps:// is TLS from the first byte."""
    server_context, client_context = certificate(tmp_path)
    # aiosmtpd counts only STARTTLS as TLS for AUTH, so with smtps its own check is off; ours stays.
    tls = (
        {"tls_context": server_context}
        if scheme == "smtp"
        else {"ssl_context": server_context, "auth_require_tls": False}
    )
    server = SmtpServer(authenticator=accept_mailer, auth_required=True, **tls)
    server.controller.start()
    try:
        queue(factory, clinician.id)
        settings = mail.parse_smtp_url(f"{scheme}://mailer:p%40ss%3Aword@127.0.0.1:{server.port}")
        report = mail.send_pending(factory, transport=mail.SmtpTransport(settings, context=client_context))
    finally:
        server.controller.stop()
    assert report.sent == 1
    [item] = server.handler.arrived
    assert (item["tls"], item["login"]) == (True, b"mailer")


def test_no_password_is_sent_to_a_server_without_tls(factory, clinician, monkeypatch):
    server = SmtpServer(authenticator=accept_mailer, auth_require_tls=False)
    server.controller.start()
    try:
        queue(factory, clinician.id)
        monkeypatch.setenv("SMTP_URL", f"smtp://mailer:secret@127.0.0.1:{server.port}")
        report = mail.send_pending(factory)
    finally:
        server.controller.stop()
    [row] = outbox(factory)
    assert report.error and "clear text" in report.error and "secret" not in report.error
    assert (row.state, row.attempts, server.handler.arrived) == ("pending", 0, [])


def test_smtp_url_forms():
    assert mail.parse_smtp_url("smtp://relay.example.org") == mail.SmtpSettings("relay.example.org", 25, False)
    settings = mail.parse_smtp_url("smtps://a%40b:pw@mail.example.org")
    assert (settings.port, settings.implicit_tls, settings.username, settings.password) == (465, True, "a@b", "pw")
    assert "pw" not in repr(settings)
    with pytest.raises(mail.MailNotConfigured):
        mail.parse_smtp_url("http://mail.example.org")


# --- the command, as a process ------------------------------------------------------------------


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "tracker", "send-notifications", *args]


def command_env(engine, server: SmtpServer) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "SMTP_URL": server.url,
        "PYTHONPATH": str(ROOT),
    }


def wait_for(condition, timeout: float = 60.0) -> None:  # a sender subprocess starts slowly on a busy machine
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_a_sender_killed_mid_batch_and_restarted_never_sends_twice(engine, factory, clinician, smtp_server, tmp_path):
    ids = queue(factory, clinician.id, 30)
    smtp_server.handler.delay = 0.2
    env, log = command_env(engine, smtp_server), (tmp_path / "sender.log").open("w")
    sender = subprocess.Popen(command(), env=env, cwd=ROOT, stdout=log, stderr=log)
    try:
        wait_for(lambda: len(smtp_server.handler.arrived) >= 5)
    finally:
        sender.kill()  # SIGKILL: most likely with a message in flight, its reply not yet read
        sender.wait(timeout=10)
    killed_at = len(smtp_server.handler.arrived)
    assert killed_at < 30, "killed mid-batch"

    again = subprocess.run(
        command("--once", "--lease-seconds", "0"),
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert again.returncode == 0, again.stderr
    arrived = smtp_server.handler.message_ids()
    assert len(arrived) == len(set(arrived)), "no message twice"
    rows = outbox(factory)
    uncertain = [row.message_id for row in rows if row.state == "uncertain"]
    assert len(uncertain) <= 1
    assert {row.state for row in rows} <= {"sent", "uncertain"}
    assert sorted(row.message_id for row in rows if row.state == "sent") == sorted(set(arrived) - set(uncertain))
    assert set(arrived) | set(uncertain) == set(ids)


def test_sigterm_stops_the_sender_after_the_message_in_hand(engine, factory, clinician, smtp_server, tmp_path):
    queue(factory, clinician.id, 10)
    smtp_server.handler.delay = 0.2
    log = (tmp_path / "sender.log").open("w")
    sender = subprocess.Popen(command(), env=command_env(engine, smtp_server), cwd=ROOT, stdout=log, stderr=log)
    try:
        wait_for(lambda: len(smtp_server.handler.arrived) >= 2)
        sender.send_signal(signal.SIGTERM)
        assert sender.wait(timeout=10) == 0
    finally:
        if sender.poll() is None:
            sender.kill()
    states = [row.state for row in outbox(factory)]
    assert "sending" not in states and "uncertain" not in states, "a clean stop leaves nothing in doubt"
    assert states.count("sent") == len(smtp_server.handler.arrived) < 10


def test_the_command_without_smtp_url_says_so_and_exits_2(monkeypatch):
    monkeypatch.delenv("SMTP_URL", raising=False)
    result = subprocess.run(
        command("--once"),
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "SMTP_URL" in result.stderr
