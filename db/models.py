"""The schema: SQLAlchemy 2 typed models. Every change here is an Alembic revision too.

Timestamps are UTC; `occurred_on` and check-in dates are the person's own local dates.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

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
    # Bumped to end every open session of the person (a reset, a password change elsewhere).
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # After an administrator's reset the person's history is sealed until they unseal it with
    # their previous password (kept here as its hash) or choose to start afresh.
    password_reset_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sealed_password_hash: Mapped[str | None] = mapped_column(String(255))
    # Single sign-on: the provider's stable identity, linked at the first sign-in.
    sso_issuer: Mapped[str | None] = mapped_column(String(255))
    sso_subject: Mapped[str | None] = mapped_column(String(255))

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
