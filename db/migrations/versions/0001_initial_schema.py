"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-25 13:54:38.416774
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tags")),
        sa.UniqueConstraint("name", name=op.f("uq_tags_name")),
    )
    op.create_table(
        "units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_units")),
        sa.UniqueConstraint("name", name=op.f("uq_units_name")),
    )
    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("display_name", sa.String(length=120), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("must_change_password", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("profession", sa.String(length=40), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("supervisor_id", sa.Integer(), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("data_version", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["supervisor_id"], ["people.id"], name=op.f("fk_people_supervisor_id_people")),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_people_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_people")),
        sa.UniqueConstraint("email", name=op.f("uq_people_email")),
    )
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("target_type", sa.String(length=40), nullable=True),
        sa.Column("target_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["people.id"], name=op.f("fk_audit_events_actor_id_people"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_events_at"), ["at"], unique=False)

    op.create_table(
        "check_ins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.Column("iso_year", sa.Integer(), nullable=False),
        sa.Column("iso_week", sa.Integer(), nullable=False),
        sa.Column("brs_answers", sa.String(length=20), nullable=False),
        sa.Column("brs_score", sa.Float(), nullable=False),
        sa.Column("burnout", sa.SmallInteger(), nullable=False),
        sa.Column("load", sa.SmallInteger(), nullable=False),
        sa.Column("form_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("brs_score BETWEEN 1 AND 5", name=op.f("ck_check_ins_brs_score")),
        sa.CheckConstraint("burnout BETWEEN 1 AND 5", name=op.f("ck_check_ins_burnout")),
        sa.CheckConstraint("load BETWEEN 0 AND 10", name=op.f("ck_check_ins_load")),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_check_ins_person_id_people"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_check_ins")),
        sa.UniqueConstraint("form_token", name=op.f("uq_check_ins_form_token")),
        sa.UniqueConstraint("person_id", "iso_year", "iso_week", name="uq_check_ins_person_week"),
    )
    op.create_table(
        "form_submissions",
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("result_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_form_submissions_person_id_people"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_form_submissions")),
    )
    op.create_table(
        "interactions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("time_of_day", sa.String(length=10), nullable=True),
        sa.Column("rating", sa.SmallInteger(), nullable=False),
        sa.Column("felt_trusted", sa.SmallInteger(), nullable=True),
        sa.Column("showed_humanity", sa.SmallInteger(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("form_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "time_of_day IS NULL OR time_of_day IN ('morning', 'afternoon', 'evening', 'night')",
            name=op.f("ck_interactions_time_of_day"),
        ),
        sa.CheckConstraint(
            "felt_trusted IS NULL OR felt_trusted BETWEEN 0 AND 2", name=op.f("ck_interactions_felt_trusted")
        ),
        sa.CheckConstraint("rating BETWEEN -3 AND 3", name=op.f("ck_interactions_rating")),
        sa.CheckConstraint(
            "showed_humanity IS NULL OR showed_humanity BETWEEN 0 AND 2", name=op.f("ck_interactions_showed_humanity")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_interactions_person_id_people"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interactions")),
        sa.UniqueConstraint("form_token", name=op.f("uq_interactions_form_token")),
    )
    with op.batch_alter_table("interactions", schema=None) as batch_op:
        batch_op.create_index("ix_interactions_person_day", ["person_id", "occurred_on", "rating"], unique=False)

    op.create_table(
        "role_grants",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.CheckConstraint("role IN ('clinician', 'coordinator', 'administrator')", name=op.f("ck_role_grants_role")),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_role_grants_person_id_people"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("person_id", "role", name=op.f("pk_role_grants")),
    )
    op.create_table(
        "interaction_tags",
        sa.Column("interaction_id", sa.Integer(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["interaction_id"],
            ["interactions.id"],
            name=op.f("fk_interaction_tags_interaction_id_interactions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["tag_id"], ["tags.id"], name=op.f("fk_interaction_tags_tag_id_tags")),
        sa.PrimaryKeyConstraint("interaction_id", "tag_id", name=op.f("pk_interaction_tags")),
    )
    with op.batch_alter_table("interaction_tags", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_interaction_tags_tag_id"), ["tag_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("interaction_tags", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_interaction_tags_tag_id"))

    op.drop_table("interaction_tags")
    op.drop_table("role_grants")
    with op.batch_alter_table("interactions", schema=None) as batch_op:
        batch_op.drop_index("ix_interactions_person_day")

    op.drop_table("interactions")
    op.drop_table("form_submissions")
    op.drop_table("check_ins")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_events_at"))

    op.drop_table("audit_events")
    op.drop_table("people")
    op.drop_table("units")
    op.drop_table("tags")
