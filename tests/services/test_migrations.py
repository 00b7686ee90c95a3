"""The Alembic migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from db.models import Base


def test_migrated_schema_matches_the_models(engine):
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert differences == []


def test_rating_has_its_check_constraint(engine):
    checks = inspect(engine).get_check_constraints("interactions")
    assert any("rating" in (c.get("sqltext") or "") for c in checks)
