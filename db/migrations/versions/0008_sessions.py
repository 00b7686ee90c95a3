"""Sign-in sessions kept on the server; the idle timeout and lifetime as program settings.

- sign_in_sessions: one row per signed-in browser session, the cookie's id kept only as its
  SHA-256 (tracker/services/sessions.py);
- program_settings: idle_timeout_minutes (30) and session_lifetime_hours (12);
- people lose session_epoch: ending a person's sessions now ends their rows.

SQLite drops the column with its own ALTER TABLE DROP COLUMN (3.35 and later), not by copying
the table: a copy of `people` would drop the old table, and with foreign keys on that deletes
every row that cascades from it.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sign_in_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("handoff_hash", sa.String(length=64), nullable=True),
        sa.Column("handoff_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("end_reason", sa.String(length=40), nullable=True),
        sa.CheckConstraint("kind IN ('password', 'sso')", name=op.f("ck_sign_in_sessions_kind")),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_sign_in_sessions_person_id_people"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_sessions")),
        sa.UniqueConstraint("handoff_hash", name=op.f("uq_sign_in_sessions_handoff_hash")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_sign_in_sessions_token_hash")),
    )
    op.create_index(op.f("ix_sign_in_sessions_person_id"), "sign_in_sessions", ["person_id"], unique=False)
    with op.batch_alter_table("program_settings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("idle_timeout_minutes", sa.Integer(), server_default="30", nullable=False))
        batch_op.add_column(sa.Column("session_lifetime_hours", sa.Integer(), server_default="12", nullable=False))
        batch_op.create_check_constraint(op.f("ck_program_settings_idle_timeout_minutes"), "idle_timeout_minutes > 0")
        batch_op.create_check_constraint(
            op.f("ck_program_settings_session_lifetime_hours"), "session_lifetime_hours > 0"
        )
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE people DROP COLUMN session_epoch")
    else:
        op.drop_column("people", "session_epoch")


def downgrade() -> None:
    op.add_column("people", sa.Column("session_epoch", sa.Integer(), server_default="0", nullable=False))
    with op.batch_alter_table("program_settings", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_program_settings_session_lifetime_hours"), type_="check")
        batch_op.drop_constraint(op.f("ck_program_settings_idle_timeout_minutes"), type_="check")
        batch_op.drop_column("session_lifetime_hours")
        batch_op.drop_column("idle_timeout_minutes")
    op.drop_index(op.f("ix_sign_in_sessions_person_id"), table_name="sign_in_sessions")
    op.drop_table("sign_in_sessions")
