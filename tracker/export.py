"""CSV for people's own downloads: the personal data export (a zip) and the tables beside each chart.

Pure: no database here. Every CSV cell passes through `neutralise`, so text a person typed (a tag
name, a reflection) can never run as a spreadsheet formula when the file is opened.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

# A spreadsheet treats a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Prefix a quote to text a spreadsheet would run as a formula; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def table_csv(table: pd.DataFrame) -> bytes:
    """A table shown on a page (the rows beside a My trends chart) as UTF-8 CSV bytes, every text
    cell neutralised as in the zip export; numbers, dates and empty cells are written as pandas writes them.

    Rows end in CRLF as in the zip export (RFC 4180): with pandas' default "\n" a carriage return
    inside a cell is left unquoted and splits the row in readers that treat it as a line break."""
    return table.map(neutralise).to_csv(index=False, lineterminator="\r\n").encode()


def to_csv(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: neutralise(_plain(row.get(c))) for c in columns})
    return out.getvalue()


def build_zip(
    tables: Mapping[str, tuple[Sequence[str], Sequence[Mapping[str, Any]]]], everything: Mapping[str, Any]
) -> bytes:
    """`tables` maps a file stem to (columns, rows); `everything` becomes my-data.json."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for stem, (columns, rows) in tables.items():
            archive.writestr(f"{stem}.csv", to_csv(rows, columns))
        archive.writestr("my-data.json", json.dumps(everything, default=_plain, indent=2, ensure_ascii=False))
    return buffer.getvalue()


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    return value
