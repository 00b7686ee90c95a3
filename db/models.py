"""The schema: SQLAlchemy 2 typed models. Every change here is an Alembic revision too.

Timestamps are UTC; `occurred_on` and check-in dates are the person's own local dates.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Named constraints make Alembic migrations portable between SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Unit(Base):
    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Person(Base):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-case
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str | None] = mapped_column(String(255))  # argon2id; None = SSO only
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    profession: Mapped[str | None] = mapped_column(String(40))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    # Bumped by every write to the person's own entries or check-ins: the key of their cached trends.
    data_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # A temporary password (invitation or reset) works only until then, and only to choose a new one.
    temporary_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # After an administrator's reset the person's history is sealed until they unseal it with
    # their previous password (kept here as its hash) or choose to start afresh.
    password_reset_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sealed_password_hash: Mapped[str | None] = mapped_column(String(255))
    # Single sign-on: the provider's stable identity, linked at the first sign-in.
    sso_issuer: Mapped[str | None] = mapped_column(String(255))
    sso_subject: Mapped[str | None] = mapped_column(String(255))
    # Sign-in throttling (tracker/throttle.py): consecutive failures and when the last one happened,
    # kept here so every replica sees the same count.
    failed_sign_ins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_failed_sign_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    unit: Mapped[Unit | None] = relationship()
    supervisor: Mapped[Person | None] = relationship(remote_side=[id])
    roles: Mapped[list[RoleGrant]] = relationship(
        back_populates="person", cascade="all, delete-orphan", lazy="selectin"
    )

    __table_args__ = (UniqueConstraint("sso_issuer", "sso_subject", name="uq_people_sso_identity"),)

    @property
    def history_sealed(self) -> bool:
        return self.sealed_password_hash is not None


class RoleGrant(Base):
    __tablename__ = "role_grants"
    __table_args__ = (CheckConstraint("role IN ('clinician', 'coordinator', 'administrator')", name="role"),)

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)

    person: Mapped[Person] = relationship(back_populates="roles")


class Tag(Base):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    retired: Mapped[bool] = mapped_column(Boolean, default=False)


class Interaction(Base):
    __tablename__ = "interactions"
    __table_args__ = (
        CheckConstraint("rating BETWEEN -3 AND 3", name="rating"),
        CheckConstraint(
            "time_of_day IS NULL OR time_of_day IN ('morning', 'afternoon', 'evening', 'night')",
            name="time_of_day",
        ),
        CheckConstraint("felt_trusted IS NULL OR felt_trusted BETWEEN 0 AND 2", name="felt_trusted"),
        CheckConstraint("showed_humanity IS NULL OR showed_humanity BETWEEN 0 AND 2", name="showed_humanity"),
        # Every trend query filters one person and a date range, then groups by date.
        Index("ix_interactions_person_day", "person_id", "occurred_on", "rating"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    occurred_on: Mapped[date] = mapped_column(Date)
    time_of_day: Mapped[str | None] = mapped_column(String(10))
    rating: Mapped[int] = mapped_column(SmallInteger)
    felt_trusted: Mapped[int | None] = mapped_column(SmallInteger)  # 0 no, 1 somewhat, 2 yes
    showed_humanity: Mapped[int | None] = mapped_column(SmallInteger)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    tags: Mapped[list[Tag]] = relationship(secondary="interaction_tags", lazy="selectin")


class InteractionTag(Base):
    __tablename__ = "interaction_tags"

    interaction_id: Mapped[int] = mapped_column(ForeignKey("interactions.id", ondelete="CASCADE"), primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id"), primary_key=True, index=True)


class CheckIn(Base):
    __tablename__ = "check_ins"
    __table_args__ = (
        UniqueConstraint("person_id", "iso_year", "iso_week", name="uq_check_ins_person_week"),
        CheckConstraint("load BETWEEN 0 AND 10", name="load"),
        CheckConstraint("burnout BETWEEN 1 AND 5", name="burnout"),
        CheckConstraint("brs_score BETWEEN 1 AND 5", name="brs_score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    submitted_on: Mapped[date] = mapped_column(Date)
    iso_year: Mapped[int] = mapped_column(Integer)
    iso_week: Mapped[int] = mapped_column(Integer)
    brs_answers: Mapped[str] = mapped_column(String(20))  # "1,5,3,2,4,4" as answered
    brs_score: Mapped[float] = mapped_column(Float)
    burnout: Mapped[int] = mapped_column(SmallInteger)
    load: Mapped[int] = mapped_column(SmallInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class FormSubmission(Base):
    """One row per claimed form token, bound to the person and the kind of action: the single
    double-submit guard of every write (tracker/services/boundary.py)."""

    __tablename__ = "form_submissions"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(60))
    result_id: Mapped[int | None] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SetupCode(Base):
    """A one-time code, printed in the terminal at start on an installation with nobody in it, that
    creating the first administrator needs: so whoever reaches a new server first cannot claim it.

    Only its SHA-256 is kept (the code is random, 80 bits: no slow hash needed); all are deleted
    once the first administrator exists."""

    __tablename__ = "setup_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SignInSession(Base):
    """One signed-in browser session (tracker/services/sessions.py), password or single sign-on.

    The browser holds a random id in an HttpOnly cookie; only its SHA-256 is kept here
    (`token_hash`), so a copy of this table opens no account. The id is made when the browser
    claims the session with a one-time handoff code (its hash in `handoff_hash`, valid until
    `handoff_until`). A session is over once `ended_at` is set (signed out, signed out everywhere,
    a password change or reset, a deactivation: `end_reason`), after `expires_at` (the absolute
    lifetime), or when unused for longer than the program's idle timeout since `last_used_at`."""

    __tablename__ = "sign_in_sessions"
    __table_args__ = (CheckConstraint("kind IN ('password', 'sso')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # how the person signed in
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    handoff_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    handoff_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_used_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    end_reason: Mapped[str | None] = mapped_column(String(40))


class AuditEvent(Base):
    """Who did what to what, and when. Never holds private content (notes, ratings).

    Names are copied in when the event is written, so a later rename does not rewrite history."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    actor_name: Mapped[str | None] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(60))
    target_type: Mapped[str | None] = mapped_column(String(40))
    target_id: Mapped[int | None] = mapped_column(Integer)
    target_name: Mapped[str | None] = mapped_column(String(120))
    detail: Mapped[str | None] = mapped_column(String(500))


# ---- peer support -------------------------------------------------------------------------------


class ProgramSettings(Base):
    """One row (id 1): the program's settings, each with a default that works unconfigured."""

    __tablename__ = "program_settings"
    __table_args__ = (
        CheckConstraint("min_group_size >= 5", name="min_group_size"),
        CheckConstraint("response_target_hours > 0", name="response_target_hours"),
        CheckConstraint("request_expiry_days > 0", name="request_expiry_days"),
        CheckConstraint("idle_timeout_minutes > 0", name="idle_timeout_minutes"),
        CheckConstraint("session_lifetime_hours > 0", name="session_lifetime_hours"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_target_hours: Mapped[int] = mapped_column(Integer, default=24, server_default="24")
    request_expiry_days: Mapped[int] = mapped_column(Integer, default=14, server_default="14")
    supporters_must_be_trained: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    min_group_size: Mapped[int] = mapped_column(Integer, default=5, server_default="5")
    checkin_cadence: Mapped[str] = mapped_column(String(12), default="weekly", server_default="weekly")
    sso_creates_clinicians: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # Sign-in sessions (tracker/services/sessions.py): ended after this long unused, and after this long at all.
    idle_timeout_minutes: Mapped[int] = mapped_column(Integer, default=30, server_default="30")
    session_lifetime_hours: Mapped[int] = mapped_column(Integer, default=12, server_default="12")


class SupporterProfile(Base):
    """A clinician who offered to support peers. `trained` is set by a coordinator."""

    __tablename__ = "supporter_profiles"
    __table_args__ = (CheckConstraint("capacity_per_month BETWEEN 1 AND 8", name="capacity_per_month"),)

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)  # opted in and not paused
    trained: Mapped[bool] = mapped_column(Boolean, default=False)
    capacity_per_month: Mapped[int] = mapped_column(SmallInteger, default=2)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    topics: Mapped[list[Tag]] = relationship(secondary="supporter_topics", lazy="selectin")


class SupporterTopic(Base):
    __tablename__ = "supporter_topics"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("supporter_profiles.person_id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id"), primary_key=True)


REQUEST_STATES = ("open", "proposed", "approved", "scheduled", "met", "closed", "declined", "withdrawn", "expired")


class SupportRequest(Base):
    """A clinician's ask for a shared-load conversation. Unit and profession are copied at the time
    of asking, so outcomes by group hold even after the seeker erases their data (seeker_id NULL)."""

    __tablename__ = "support_requests"
    __table_args__ = (
        CheckConstraint(f"status IN {REQUEST_STATES}", name="status"),
        CheckConstraint("urgency IN ('this_week', 'soon', 'when_possible')", name="urgency"),
        CheckConstraint("load_before BETWEEN 0 AND 10", name="load_before"),
        Index("ix_support_requests_status_created", "status", "created_at"),
        Index("ix_support_requests_seeker", "seeker_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    seeker_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(12), default="open")
    urgency: Mapped[str] = mapped_column(String(16))
    same_profession: Mapped[bool] = mapped_column(Boolean, default=False)
    not_my_unit: Mapped[bool] = mapped_column(Boolean, default=False)
    load_before: Mapped[int] = mapped_column(SmallInteger)
    note_for_coordinator: Mapped[str | None] = mapped_column(String(300))
    seeker_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    seeker_profession: Mapped[str | None] = mapped_column(String(40))
    decline_reason: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    topics: Mapped[list[Tag]] = relationship(secondary="request_topics", lazy="selectin")
    matches: Mapped[list[Match]] = relationship(back_populates="request", lazy="selectin", order_by="Match.id")


class RequestTopic(Base):
    __tablename__ = "request_topics"

    request_id: Mapped[int] = mapped_column(ForeignKey("support_requests.id", ondelete="CASCADE"), primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id"), primary_key=True)


MATCH_STATES = ("proposed", "approved", "scheduled", "met", "closed", "declined", "withdrawn")


class Match(Base):
    """A request and a supporter: the score with its reasons, who proposed and reviewed it, the
    meeting time, and each side's feedback. A declined pair is never proposed again."""

    __tablename__ = "matches"
    __table_args__ = (
        CheckConstraint(f"status IN {MATCH_STATES}", name="status"),
        CheckConstraint("seeker_load_after IS NULL OR seeker_load_after BETWEEN 0 AND 10", name="seeker_load_after"),
        CheckConstraint("seeker_helpful IS NULL OR seeker_helpful BETWEEN 1 AND 5", name="seeker_helpful"),
        CheckConstraint(
            "supporter_load_after IS NULL OR supporter_load_after BETWEEN 0 AND 10", name="supporter_load_after"
        ),
        Index("ix_matches_supporter_status", "supporter_id", "status"),
        Index("ix_matches_request", "request_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("support_requests.id", ondelete="CASCADE"))
    supporter_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(12), default="proposed")
    score: Mapped[float] = mapped_column(Float, default=0.0)
    reasons: Mapped[str] = mapped_column(Text, default="")  # one plain-words reason per line
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    decline_reason: Mapped[str | None] = mapped_column(String(300))
    proposed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    meeting_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    meeting_proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    meeting_accepted: Mapped[bool] = mapped_column(Boolean, default=False)
    # Grows with every proposed time: the calendar invitation's SEQUENCE, so calendars update it.
    meeting_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    seeker_load_after: Mapped[int | None] = mapped_column(SmallInteger)
    seeker_helpful: Mapped[int | None] = mapped_column(SmallInteger)
    seeker_feedback_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    supporter_load_after: Mapped[int | None] = mapped_column(SmallInteger)
    supporter_wants_support: Mapped[bool | None] = mapped_column(Boolean)
    supporter_feedback_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    request: Mapped[SupportRequest] = relationship(back_populates="matches")


class Notification(Base):
    """What is waiting for a person. Holds a kind and ids, never a name, topic or figure."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_person_unread", "person_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    request_id: Mapped[int | None] = mapped_column(ForeignKey("support_requests.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class OutboxMessage(Base):
    """An e-mail to send, written in the same transaction as the change it announces.

    States: pending → sending → sent; a failed attempt goes back to pending with a later
    `next_attempt_at`. A message found in `sending` after a crash is marked `uncertain` and never
    sent again: a message is never delivered twice."""

    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint("state IN ('pending', 'sending', 'sent', 'uncertain', 'failed')", name="state"),
        Index("ix_outbox_state_next", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int | None] = mapped_column(ForeignKey("notifications.id", ondelete="SET NULL"))
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    state: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ReminderPreference(Base):
    """The reminders a person chose on Account (tracker/reminders.py); no row means both off.

    `next_check_at` (UTC) is when the sweep next looks at the person: their chosen time of day in
    their own time zone, NULL when both reminders are off. The sweep reads only rows whose moment
    has come, through the index, never every row."""

    __tablename__ = "reminder_preferences"
    __table_args__ = (
        CheckConstraint("checkin_weekday BETWEEN 0 AND 6", name="checkin_weekday"),
        Index("ix_reminder_preferences_next_check_at", "next_check_at"),
    )

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    log_daily: Mapped[bool] = mapped_column(Boolean, default=False)
    checkin_weekly: Mapped[bool] = mapped_column(Boolean, default=False)
    remind_at: Mapped[time] = mapped_column(Time)  # the person's local time of day
    checkin_weekday: Mapped[int] = mapped_column(SmallInteger)  # 0 Monday ... 6 Sunday
    next_check_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ReminderSent(Base):
    """One row per reminder sent: the key (person, local date) makes a second one that day
    impossible, even from two sweeps at once. What it mentioned, and its notification."""

    __tablename__ = "reminders_sent"

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    local_date: Mapped[date] = mapped_column(Date, primary_key=True)
    log: Mapped[bool] = mapped_column(Boolean)
    checkin: Mapped[bool] = mapped_column(Boolean)
    notification_id: Mapped[int | None] = mapped_column(ForeignKey("notifications.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
