"""PostgreSQL's binary COPY format, built from NumPy columns without a Python loop over rows.

A bulk load spends its time turning values into bytes. Row by row (`copy.write_row`), Python does
that work once per value; here every column is written for all rows at once: a row's size is the
sum of its fields' sizes, a cumulative sum gives each row's offset in one byte buffer, and each
field is scattered into that buffer with fancy indexing (one NumPy operation per column, or per
distinct word for a text column with few distinct values).

Format (PostgreSQL documentation, "COPY", binary format): a header, then per row a 16-bit field
count and, per field, a 32-bit byte length (-1 for NULL) followed by the value in network byte
order; a 16-bit -1 ends the data. Dates count days and timestamps microseconds from 2000-01-01.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

HEADER = b"PGCOPY\n\xff\r\n\x00" + (0).to_bytes(4, "big") + (0).to_bytes(4, "big")
TRAILER = (-1).to_bytes(2, "big", signed=True)
EPOCH_DAY = np.datetime64("2000-01-01", "D")
EPOCH_US = np.datetime64("2000-01-01T00:00:00", "us")


@dataclass(frozen=True)
class Fixed:
    """Values of one fixed-size type, already in network byte order (e.g. `>i4`, `>i8`, `S11`);
    where `null` is true the field is NULL."""

    values: np.ndarray
    null: np.ndarray | None = None


@dataclass(frozen=True)
class Words:
    """A text column with few distinct values: `codes` index `words`; -1 is NULL."""

    codes: np.ndarray
    words: tuple[str, ...]


def int2(values: np.ndarray, null: np.ndarray | None = None) -> Fixed:
    return Fixed(np.asarray(values).astype(">i2"), null)


def int4(values: np.ndarray, null: np.ndarray | None = None) -> Fixed:
    return Fixed(np.asarray(values).astype(">i4"), null)


def float8(values: np.ndarray) -> Fixed:
    return Fixed(np.asarray(values).astype(">f8"))


def boolean(values: np.ndarray) -> Fixed:
    return Fixed(np.asarray(values).astype(np.uint8))


def date(days: np.ndarray) -> Fixed:
    """`datetime64[D]` values as PostgreSQL dates."""
    return Fixed((days.astype("datetime64[D]") - EPOCH_DAY).astype(">i4"))


def timestamptz(moments: np.ndarray, null: np.ndarray | None = None) -> Fixed:
    """UTC `datetime64[us]` values as PostgreSQL `timestamp with time zone`."""
    return Fixed((moments.astype("datetime64[us]") - EPOCH_US).astype(">i8"), null)


def encode(columns: list[Fixed | Words]) -> bytes:
    """The rows of these columns (all the same length) in binary COPY format, without the header
    and trailer, so that chunks can follow one another in one COPY."""
    rows = len(columns[0].codes if isinstance(columns[0], Words) else columns[0].values)
    sizes = [_sizes(column, rows) for column in columns]
    row_size = 2 + sum(4 + size for size in sizes)
    ends = np.cumsum(row_size)
    offsets = ends - row_size
    buffer = np.zeros(int(ends[-1]) if rows else 0, dtype=np.uint8)
    _scatter(buffer, offsets, np.full(rows, len(columns), dtype=">i2"))
    position = offsets + 2
    for column, size in zip(columns, sizes, strict=True):
        length = np.where(_null(column, rows), -1, size).astype(">i4")
        _scatter(buffer, position, length)
        position = position + 4
        if isinstance(column, Fixed):
            present = ~_null(column, rows)
            _scatter(buffer, position[present], column.values[present])
        else:
            for code, word in enumerate(column.words):
                at = position[column.codes == code]
                if len(at):
                    _scatter(buffer, at, np.full(len(at), word.encode(), dtype=f"S{len(word.encode())}"))
        position = position + size
    return buffer.tobytes()


def _sizes(column: Fixed | Words, rows: int) -> np.ndarray:
    if isinstance(column, Fixed):
        return np.where(_null(column, rows), 0, column.values.dtype.itemsize)
    lengths = np.array([len(word.encode()) for word in column.words] + [0])
    return lengths[column.codes]  # code -1 takes the trailing 0


def _null(column: Fixed | Words, rows: int) -> np.ndarray:
    if isinstance(column, Words):
        return column.codes < 0
    return column.null if column.null is not None else np.zeros(rows, dtype=bool)


def _scatter(buffer: np.ndarray, starts: np.ndarray, values: np.ndarray) -> None:
    """Write each value's bytes at its start offset."""
    width = values.dtype.itemsize
    if not len(values) or not width:
        return
    raw = np.ascontiguousarray(values).view(np.uint8).reshape(len(values), width)
    buffer[starts[:, None] + np.arange(width)] = raw
