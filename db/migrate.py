"""Run Alembic migrations programmatically: the app, the CLI and the tests all migrate to head."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, MetaData, text

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine) -> None:
    command.upgrade(alembic_config(engine), "head")


def recreate(engine: Engine) -> None:
    """Drop every table and migrate to head: a brand-new database in the same place.

    The only way to empty an installation: the audit log is append-only (migration 0007), so its
    rows cannot be deleted, only the whole table dropped with everything else. Used by
    `demo --reset`; dropping a table fires no row triggers on either database."""
    existing = MetaData()
    existing.reflect(engine)
    with engine.begin() as conn:
        existing.drop_all(conn)
        if engine.dialect.name == "postgresql":
            conn.execute(text("DROP FUNCTION IF EXISTS audit_events_append_only()"))
    upgrade(engine)
