"""One way to act: one double-submit guard, typed audit names, safe resets, SSO identity.

- interactions and check-ins lose their own form_token columns: every write claims its token in
  form_submissions (tracker/services/boundary.py);
- audit events keep the actor's and target's names as they were;
- people get the temporary-password expiry, a session epoch, the sealed history after an
  administrator's reset, and the single sign-on identity (issuer, subject).

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("interactions") as batch:
        batch.drop_constraint("uq_interactions_form_token", type_="unique")
        batch.drop_column("form_token")
    with op.batch_alter_table("check_ins") as batch:
        batch.drop_constraint("uq_check_ins_form_token", type_="unique")
        batch.drop_column("form_token")
    with op.batch_alter_table("audit_events") as batch:
        batch.add_column(sa.Column("actor_name", sa.String(length=120), nullable=True))
        batch.add_column(sa.Column("target_name", sa.String(length=120), nullable=True))
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("temporary_until", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("session_epoch", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("password_reset_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("sealed_password_hash", sa.String(length=255), nullable=True))
        batch.add_column(sa.Column("sso_issuer", sa.String(length=255), nullable=True))
        batch.add_column(sa.Column("sso_subject", sa.String(length=255), nullable=True))
        batch.create_unique_constraint("uq_people_sso_identity", ["sso_issuer", "sso_subject"])
    # Names as they were: fill the new columns from today's names for the events already written.
    op.execute(
        "UPDATE audit_events SET actor_name = (SELECT display_name FROM people WHERE people.id = audit_events.actor_id)"
    )
    op.execute(
        "UPDATE audit_events SET target_name ="
        " (SELECT display_name FROM people WHERE people.id = audit_events.target_id)"
        " WHERE target_type = 'person'"
    )


def downgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.drop_constraint("uq_people_sso_identity", type_="unique")
        for column in (
            "sso_subject",
            "sso_issuer",
            "sealed_password_hash",
            "password_reset_at",
            "session_epoch",
            "temporary_until",
        ):
            batch.drop_column(column)
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_column("target_name")
        batch.drop_column("actor_name")
    for table in ("check_ins", "interactions"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("form_token", sa.String(length=64), nullable=True))
