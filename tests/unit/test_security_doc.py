"""docs/SECURITY.md names the test behind every promise: each named test must exist."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SECURITY = ROOT / "docs" / "SECURITY.md"
REFERENCE = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`")


def promise_rows() -> list[str]:
    return [line for line in SECURITY.read_text().splitlines() if re.match(r"\| \d+ \|", line)]


def test_every_promise_names_at_least_one_test_and_there_are_at_least_twenty():
    rows = promise_rows()
    assert len(rows) >= 20
    assert [row for row in rows if not REFERENCE.search(row)] == []


def test_every_named_test_exists():
    missing = []
    for path, name in REFERENCE.findall(SECURITY.read_text()):
        file = ROOT / path
        defined = (
            {node.name for node in ast.walk(ast.parse(file.read_text())) if isinstance(node, ast.FunctionDef)}
            if file.exists()
            else set()
        )
        if name not in defined:
            missing.append(f"{path}::{name}")
    assert missing == []
