"""What a screen's reads ask PostgreSQL, and how PostgreSQL answers: captured statements and their plans.

`captured(engine)` records every statement the code inside it runs (the SQL the driver received and
its parameters), so the plans checked are those of the real query functions, not copies of their
SQL. `explain(...)` asks PostgreSQL for a statement's plan as JSON (with ANALYZE and BUFFERS it runs
the statement too), and `scans(plan, "interactions")` lists how a table is read in it — the check
that no page reads all of a large table (tests/services/test_query_plans.py, docs/SCALING.md).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine, event


@dataclass(frozen=True)
class Statement:
    sql: str
    parameters: object


@dataclass
class Capture:
    statements: list[Statement] = field(default_factory=list)

    def reading(self, table: str) -> list[Statement]:
        """The SELECTs that name the table (as a word, so `interactions` is not `interaction_tags`)."""
        word = table.lower()
        return [
            s
            for s in self.statements
            if s.sql.lstrip().upper().startswith(("SELECT", "WITH")) and _names(s.sql.lower(), word)
        ]


@contextmanager
def captured(engine: Engine) -> Iterator[Capture]:
    capture = Capture()

    def record(_conn, _cursor, statement, parameters, _context, executemany) -> None:
        if not executemany:
            capture.statements.append(Statement(statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield capture
    finally:
        event.remove(engine, "before_cursor_execute", record)


def explain(conn: Connection, statement: Statement, *, analyze: bool = False) -> dict:
    """The plan's root node (FORMAT JSON), with timings and buffers when `analyze`. A statement with
    `analyze` really runs: only for reads."""
    options = "ANALYZE, BUFFERS, FORMAT JSON" if analyze else "FORMAT JSON"
    cursor = conn.connection.driver_connection.cursor()
    try:
        cursor.execute(f"EXPLAIN ({options}) {statement.sql}", statement.parameters)
        document = cursor.fetchone()[0]
    finally:
        cursor.close()
    if isinstance(document, str):
        document = json.loads(document)
    return document[0]


def nodes(plan: dict) -> Iterator[dict]:
    """Every node of a plan (the root node of `explain`, or any node), depth first."""
    node = plan.get("Plan", plan)
    yield node
    for child in node.get("Plans", ()):
        yield from nodes(child)


def scans(plan: dict, table: str) -> list[str]:
    """How the table is read in the plan: one node type per read ("Seq Scan", "Index Scan", …)."""
    return [n["Node Type"] for n in nodes(plan) if n.get("Relation Name") == table]


def text_plan(conn: Connection, statement: Statement) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) as PostgreSQL prints it, for people to read."""
    cursor = conn.connection.driver_connection.cursor()
    try:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {statement.sql}", statement.parameters)
        return "\n".join(row[0] for row in cursor.fetchall())
    finally:
        cursor.close()


def _names(sql: str, word: str) -> bool:
    start = 0
    while (at := sql.find(word, start)) >= 0:
        before = sql[at - 1] if at else " "
        after = sql[at + len(word)] if at + len(word) < len(sql) else " "
        if not (before.isalnum() or before == "_") and not (after.isalnum() or after == "_"):
            return True
        start = at + 1
    return False
