"""`python -m tracker outcomes`: exactly the table the coordinator sees, as CSV or aligned text."""

from __future__ import annotations

import csv
import sys
from datetime import UTC, date, datetime, timedelta
from typing import TextIO

from sqlalchemy.orm import Session

from tracker.export import neutralise
from tracker.queries.outcomes import CSV_HEADER, exported_outcomes


def print_outcomes(
    db: Session, *, by: str, since: date | None, until: date | None, form: str, out: TextIO = sys.stdout
) -> None:
    today = datetime.now(UTC).date()
    until = until or today + timedelta(days=1)
    since = since or until - timedelta(days=365)
    table = exported_outcomes(db, by=by, since=since, until=until)
    rows = [[neutralise(cell) for cell in row.csv()] for row in table.rows]
    if form == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CSV_HEADER)
        writer.writerows(rows)
        return
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(CSV_HEADER)]
    for line in (list(CSV_HEADER), *rows):
        out.write("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip() + "\n")
