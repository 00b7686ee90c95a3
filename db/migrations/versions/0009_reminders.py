"""Reminders a person chose (off unless chosen) and the reminders sent, one per person per local day.

- reminder_preferences: the daily log reminder, the weekly check-in reminder, the time of day and
  the check-in weekday, and when the sweep next looks at the person (indexed);
- reminders_sent: primary key (person, local date), so a second reminder on one day cannot be
  written, even by two sweeps at once (tracker/services/reminders.py).

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reminder_preferences",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("log_daily", sa.Boolean(), nullable=False),
        sa.Column("checkin_weekly", sa.Boolean(), nullable=False),
        sa.Column("remind_at", sa.Time(), nullable=False),
        sa.Column("checkin_weekday", sa.SmallInteger(), nullable=False),
        sa.Column("next_check_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("checkin_weekday BETWEEN 0 AND 6", name=op.f("ck_reminder_preferences_checkin_weekday")),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_reminder_preferences_person_id_people"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_reminder_preferences")),
    )
    op.create_index("ix_reminder_preferences_next_check_at", "reminder_preferences", ["next_check_at"])
    op.create_table(
        "reminders_sent",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("log", sa.Boolean(), nullable=False),
        sa.Column("checkin", sa.Boolean(), nullable=False),
        sa.Column("notification_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["notification_id"],
            ["notifications.id"],
            name=op.f("fk_reminders_sent_notification_id_notifications"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_reminders_sent_person_id_people"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("person_id", "local_date", name=op.f("pk_reminders_sent")),
    )


def downgrade() -> None:
    op.drop_table("reminders_sent")
    op.drop_index("ix_reminder_preferences_next_check_at", table_name="reminder_preferences")
    op.drop_table("reminder_preferences")
