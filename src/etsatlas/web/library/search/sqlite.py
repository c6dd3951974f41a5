"""SQLite FTS5: an external-content virtual table over the indexed columns, kept in sync by triggers.

`install()` is idempotent: the migration runs it, and so does post_migrate, because SQLite
rebuilds a table (dropping its triggers) whenever a later migration alters it.
"""

from __future__ import annotations

import json

from django.db import connection

from .base import START, STOP, SearchBackend, type_weight_sql

TABLE, FTS = "library_resource", "library_resource_fts"
COLUMNS = ("title", "search_text", "search_keywords")
# Title counts ten times the rest of the text, as the 'A' weight does on PostgreSQL.
BM25 = f"bm25({FTS}, 10.0, 1.0, 1.0)"
_cols, _new, _old = ", ".join(COLUMNS), ", ".join(f"new.{c}" for c in COLUMNS), ", ".join(f"old.{c}" for c in COLUMNS)

CREATE = [
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} USING fts5({_cols}, content='{TABLE}', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS}_ai AFTER INSERT ON {TABLE} BEGIN
        INSERT INTO {FTS}(rowid, {_cols}) VALUES (new.id, {_new}); END""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS}_ad AFTER DELETE ON {TABLE} BEGIN
        INSERT INTO {FTS}({FTS}, rowid, {_cols}) VALUES ('delete', old.id, {_old}); END""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS}_au AFTER UPDATE OF {_cols} ON {TABLE} BEGIN
        INSERT INTO {FTS}({FTS}, rowid, {_cols}) VALUES ('delete', old.id, {_old});
        INSERT INTO {FTS}(rowid, {_cols}) VALUES (new.id, {_new}); END""",
]
DROP = [f"DROP TRIGGER IF EXISTS {FTS}_{t}" for t in ("ai", "ad", "au")] + [f"DROP TABLE IF EXISTS {FTS}"]
REBUILD = f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')"
ORDER = {
    "relevance": "score DESC, r.date DESC NULLS LAST, r.id DESC",
    "newest": "r.date DESC NULLS LAST, score DESC, r.id DESC",
    "oldest": "r.date ASC NULLS LAST, score DESC, r.id ASC",
    "title": "r.title COLLATE NOCASE ASC, r.id ASC",
    "added": "r.created_at DESC, r.id DESC",
}


def install(cursor, rebuild: bool = False) -> None:
    """Create the index and its triggers if absent (or of an older layout), rebuilding it if needed."""
    cursor.execute(f"SELECT sql FROM sqlite_master WHERE name = '{FTS}'")
    row = cursor.fetchone()
    if row and "search_keywords" not in row[0]:
        for sql in DROP:
            cursor.execute(sql)
    missing = _triggers(cursor) < 3
    for sql in CREATE:
        cursor.execute(sql)
    if rebuild or missing:
        cursor.execute(REBUILD)


def _triggers(cursor) -> int:
    cursor.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s", [f"{FTS}_a_"])
    return cursor.fetchone()[0]


def match_expression(phrases) -> str:
    # Words come from \w+ tokens, so they hold no double quote: each phrase is a quoted string.
    return " ".join('"' + " ".join(words) + '"' for words in phrases)


class SqliteBackend(SearchBackend):
    vendor = "sqlite"

    def match(self, qs, phrases):
        from django.db.models.expressions import RawSQL

        return qs.filter(id__in=RawSQL(f"SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s", [match_expression(phrases)]))

    def count(self, qs, phrases):
        if qs.query.where:
            return super().count(qs, phrases)
        with connection.cursor() as cursor:  # no other filter: the index alone knows the answer
            cursor.execute(f"SELECT count(*) FROM {FTS} WHERE {FTS} MATCH %s", [match_expression(phrases)])
            return cursor.fetchone()[0]

    def ranked_ids(self, qs, phrases, order, offset, limit):
        sql = (
            f"SELECT r.id, -{BM25} * {type_weight_sql('r.type')} AS score FROM {FTS} JOIN {TABLE} r ON r.id = {FTS}.rowid "
            f"WHERE {FTS} MATCH %s"
        )
        params: list = [match_expression(phrases)]
        if qs.query.where:  # filters besides the text: keep their ids
            inner, inner_params = qs.order_by().values("id").query.sql_with_params()
            sql += f" AND r.id IN ({inner})"
            params += list(inner_params)
        sql += f" ORDER BY {ORDER[order]} LIMIT %s OFFSET %s"
        with connection.cursor() as cursor:
            cursor.execute(sql, params + [limit, offset])
            return [(row[0], row[1]) for row in cursor.fetchall()]

    def highlights(self, ids, phrases):
        if not ids:
            return {}
        marks = f"'{START}', '{STOP}'"
        # Joining on a list of ids gives FTS5 one rowid at a time; `rowid IN (...)` would make it
        # build a snippet for every match first and filter afterwards.
        sql = (
            f"SELECT {FTS}.rowid, highlight({FTS}, 0, {marks}), snippet({FTS}, 1, {marks}, '…', 28) "
            f"FROM (SELECT value AS id FROM json_each(%s)) ids JOIN {FTS} ON {FTS}.rowid = ids.id "
            f"WHERE {FTS} MATCH %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [json.dumps(ids), match_expression(phrases)])
            return {row[0]: (row[1], row[2]) for row in cursor.fetchall()}
