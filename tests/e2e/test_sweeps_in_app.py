"""The app server sweeps by itself: without e-mail configured, a stale request still expires."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from db import models
from db.models import SupportRequest, Tag, utcnow
from tests.e2e.conftest import CLINICIAN, COORDINATOR, Server, seed, sqlite_url, start_server
from tracker.app import open_database
from tracker.domain import RequestDraft
from tracker.queries.program import program_settings
from tracker.services import auth, requests

pytestmark = pytest.mark.e2e


def status_of(server: Server, request_id: int) -> str:
    with server.session() as session:
        return session.scalar(select(SupportRequest.status).where(SupportRequest.id == request_id))


def test_a_server_without_e_mail_expires_a_stale_request_by_itself(tmp_path, monkeypatch):
    url = sqlite_url(tmp_path)
    seed(url)
    engine, factory = open_database(url)
    with factory() as session:
        topic = session.scalars(select(Tag.id)).first()
        asked = {}
        for person in (CLINICIAN, COORDINATOR):
            person_id = session.scalar(select(models.Person.id).where(models.Person.email == person.email))
            actor = auth.current_actor(session, person_id)
            draft = RequestDraft(token=uuid.uuid4().hex, topic_ids=(topic,), urgency="soon", load_before=7)
            asked[person.email] = requests.ask(session, actor, draft)
        days = program_settings(session).request_expiry_days
        stale, fresh = asked[CLINICIAN.email], asked[COORDINATOR.email]
        session.execute(
            update(SupportRequest)
            .where(SupportRequest.id == stale)
            .values(created_at=utcnow() - timedelta(days=days + 1))
        )
        session.commit()
    engine.dispose()
    monkeypatch.delenv("SMTP_URL", raising=False)
    monkeypatch.setenv("SHARED_LOAD_SWEEP_SECONDS", "1")
    server = start_server(url, tmp_path)
    try:
        deadline = time.monotonic() + 30
        while status_of(server, stale) == "open" and time.monotonic() < deadline:
            time.sleep(0.5)
        assert status_of(server, stale) == "expired"
        assert status_of(server, fresh) == "open"
        assert "Traceback" not in server.log()
    finally:
        server.stop()
