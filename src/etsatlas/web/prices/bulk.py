"""Bulk insert of a DataFrame into a model's table, in the current transaction, by each database's fast path.

`bulk_create` builds a model instance and compiles SQL per row (seconds for 36,000 observations);
sqlite3's `executemany` binds and runs the statement once per row. Here SQLite gets multi-row
`INSERT ... VALUES (...), (...)` statements of a few hundred rows each, and PostgreSQL one
`COPY` of text built column by column. Both go through the DB-API connection under
Django's, so they join the transaction of the surrounding `transaction.atomic()`.

The frame's columns are the model's attribute names (`source_import_id`), its values ready for
the database: str, int, float (NaN is NULL), dates as ISO strings.
"""

from __future__ import annotations

import itertools
import sqlite3

import numpy as np
import pandas as pd
from django.db import connection, models

SQLITE_ROWS_PER_STATEMENT = 500
COPY_ROWS_PER_CHUNK = 4000
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def insert_frame(model: type[models.Model], frame: pd.DataFrame) -> None:
    """Insert every row of `frame` into `model`'s table."""
    if frame.empty:
        return
    fields = {f.attname: f for f in model._meta.concrete_fields}
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(fields[name].column) for name in frame.columns)
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        _copy(table, columns, frame)
    else:
        _insert_values(table, columns, frame)


def _insert_values(table: str, columns: str, frame: pd.DataFrame) -> None:
    raw = connection.connection  # sqlite3.Connection: no per-statement rewriting of %s placeholders
    width = frame.shape[1]
    limit = raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    per_statement = max(1, min(SQLITE_ROWS_PER_STATEMENT, limit // width))
    values = [_python_values(frame[name]) for name in frame.columns]
    row = "(" + ", ".join(["?"] * width) + ")"
    cursor = raw.cursor()
    try:
        for start in range(0, len(frame), per_statement):
            chunk = [column[start:start + per_statement] for column in values]
            rows = len(chunk[0])
            params = list(itertools.chain.from_iterable(zip(*chunk)))
            cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {', '.join([row] * rows)}", params)
    finally:
        cursor.close()


def _python_values(column: pd.Series) -> list:
    values = column.to_numpy()
    if values.dtype.kind == "f" and np.isnan(values).any():
        return [None if v != v else v for v in values.tolist()]
    return values.tolist()


def _copy(table: str, columns: str, frame: pd.DataFrame) -> None:
    """One COPY, written in chunks: the server stores a chunk while the next one is formatted."""
    with connection.connection.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for start in range(0, len(frame), COPY_ROWS_PER_CHUNK):
            chunk = frame.iloc[start:start + COPY_ROWS_PER_CHUNK]
            copy.write("\n".join(map("\t".join, zip(*(_copy_text(chunk[name]) for name in chunk.columns)))) + "\n")


def _copy_text(column: pd.Series) -> list[str]:
    """One column in COPY's text format: repr() of floats (exact), \\N for NULL, escaped strings."""
    values = column.to_numpy()
    kind = values.dtype.kind
    if kind == "f":
        items = list(map(repr, values.tolist()))
        return ["\\N" if v == "nan" else v for v in items] if np.isnan(values).any() else items
    if kind in "iu":
        return list(map(str, values.tolist()))
    items = values.tolist()
    if all(isinstance(v, str) and not any(c in v for c in "\\\t\n\r") for v in set(items)):
        return items
    return ["\\N" if v is None or v != v else str(v).translate(_COPY_ESCAPES) for v in items]
