"""Bulk insert of a DataFrame into a model's table, in the current transaction, by each database's fast path.

`bulk_create` builds a model instance and compiles SQL per row (seconds for 36,000 observations);
sqlite3's `executemany` binds and runs the statement once per row. Here SQLite gets multi-row
`INSERT ... VALUES (...), (...)` statements of a few hundred rows each, and PostgreSQL one
`COPY ... (FORMAT binary)` whose bytes numpy lays out column by column (no number is formatted
as text and parsed back). Both go through the DB-API connection under Django's, so they join
the transaction of the surrounding `transaction.atomic()`.

The frame's columns are the model's attribute names (`source_import_id`); its values str, int,
float or datetime64 (for DateFields), with no missing values.
"""

from __future__ import annotations

import itertools
import sqlite3
import struct

import numpy as np
import pandas as pd
from django.db import connection, models

SQLITE_ROWS_PER_STATEMENT = 500
COPY_ROWS_PER_CHUNK = 4000
_PG_EPOCH = np.datetime64("2000-01-01", "D")
_PG_NUMBERS = {"smallint": ">i2", "integer": ">i4", "bigint": ">i8", "double precision": ">f8"}


def insert_frame(model: type[models.Model], frame: pd.DataFrame) -> None:
    """Insert every row of `frame` into `model`'s table."""
    if frame.empty:
        return
    if frame.isna().to_numpy().any():
        raise ValueError(f"insert_frame: missing values in {', '.join(frame.columns[frame.isna().any()])}")
    fields = {f.attname: f for f in model._meta.concrete_fields}
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(fields[name].column) for name in frame.columns)
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        _copy(table, columns, frame, [fields[name].db_type(connection) for name in frame.columns])
    else:
        _insert_values(table, columns, frame)


def iso_dates(dates: pd.Series) -> np.ndarray:
    """Dates as "YYYY-MM-DD" text (how Django stores them on SQLite), formatted once per distinct date."""
    codes, distinct = pd.factorize(dates.to_numpy(dtype="datetime64[D]"))
    return np.datetime_as_string(distinct.astype("datetime64[D]"), unit="D").astype(object)[codes]


def _insert_values(table: str, columns: str, frame: pd.DataFrame) -> None:
    raw = connection.connection  # sqlite3.Connection: no per-statement rewriting of %s placeholders
    width = frame.shape[1]
    per_statement = max(1, min(SQLITE_ROWS_PER_STATEMENT, raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // width))
    values = [
        (iso_dates(frame[name]) if frame[name].dtype.kind == "M" else frame[name].to_numpy()).tolist()
        for name in frame.columns
    ]
    row = "(" + ", ".join(["?"] * width) + ")"
    cursor = raw.cursor()
    try:
        for start in range(0, len(frame), per_statement):
            chunk = [column[start:start + per_statement] for column in values]
            params = list(itertools.chain.from_iterable(zip(*chunk)))
            cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {', '.join([row] * len(chunk[0]))}", params)
    finally:
        cursor.close()


def _copy(table: str, columns: str, frame: pd.DataFrame, db_types: list[str]) -> None:
    """One binary COPY, written in chunks: the server stores a chunk while the next one is laid out."""
    with connection.connection.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT binary)") as copy:
        copy.write(b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0))  # signature, flags, no header extension
        for start in range(0, len(frame), COPY_ROWS_PER_CHUNK):
            copy.write(_binary_rows(frame.iloc[start:start + COPY_ROWS_PER_CHUNK], db_types))
        copy.write(struct.pack(">h", -1))


def _binary_rows(frame: pd.DataFrame, db_types: list[str]) -> bytes:
    """Tuples in COPY's binary format: per row the field count, then per field its length and bytes."""
    fields = [_binary_field(frame[name], db_type) for name, db_type in zip(frame.columns, db_types)]
    lengths = 2 + sum(field.lengths for field in fields)
    at = np.cumsum(lengths) - lengths
    out = np.empty(int(lengths.sum()), dtype=np.uint8)
    _put(out, at, np.frombuffer(struct.pack(">h", len(fields)), dtype=np.uint8))
    at = at + 2
    for field in fields:
        field.write(out, at)
        at = at + field.lengths
    return out.tobytes()


class _BinaryField:
    """One column's bytes: either a matrix (fixed width) or a few distinct pieces picked per row (text)."""

    def __init__(self, lengths: np.ndarray, matrix: np.ndarray | None = None, codes: np.ndarray | None = None,
                 pieces: list[np.ndarray] | None = None):
        self.lengths, self.matrix, self.codes, self.pieces = lengths, matrix, codes, pieces

    def write(self, out: np.ndarray, at: np.ndarray) -> None:
        if self.matrix is not None:
            _put(out, at, self.matrix)
            return
        for code, piece in enumerate(self.pieces or []):
            _put(out, at[self.codes == code], piece)


def _binary_field(column: pd.Series, db_type: str) -> _BinaryField:
    n = len(column)
    if db_type in _PG_NUMBERS or db_type == "date":
        if db_type == "date":
            values = (column.to_numpy(dtype="datetime64[D]") - _PG_EPOCH).astype(">i4")
        else:
            values = column.to_numpy().astype(_PG_NUMBERS[db_type])
        size = values.dtype.itemsize
        prefix = np.broadcast_to(np.frombuffer(struct.pack(">i", size), dtype=np.uint8), (n, 4))
        return _BinaryField(np.full(n, 4 + size), matrix=np.hstack([prefix, values.view(np.uint8).reshape(n, size)]))
    if db_type.startswith(("varchar", "text", "char")):
        codes, distinct = pd.factorize(column)
        encoded = [str(value).encode() for value in distinct]
        pieces = [np.frombuffer(struct.pack(">i", len(e)) + e, dtype=np.uint8) for e in encoded]
        return _BinaryField(np.array([len(p) for p in pieces])[codes], codes=codes, pieces=pieces)
    raise TypeError(f"insert_frame: no binary COPY for column type {db_type!r}")


def _put(out: np.ndarray, at: np.ndarray, data: np.ndarray) -> None:
    """Write `data` (one row of bytes for all, or one row each) at each offset in `at`."""
    width = data.shape[-1]
    out[at[:, None] + np.arange(width)] = data
