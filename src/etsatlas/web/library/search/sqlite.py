"""SQLite FTS5: an external-content virtual table over (title, search_text), kept in sync by triggers.

`install()` is idempotent: the migration runs it, and so does post_migrate, because SQLite
rebuilds a table (dropping its triggers) whenever a later migration alters it.
"""

from __future__ import annotations

from django.db import connection

from .base import START, STOP, SearchBackend, type_weight_sql

TABLE, FTS = "library_resource", "library_resource_fts"
# Title counts ten times the rest of the text, as the 'A' weight does on PostgreSQL.
BM25 = f"bm25({FTS}, 10.0, 1.0)"

CREATE = [
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} USING fts5(
        title, search_text, content='{TABLE}', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS}_ai AFTER INSERT ON {TABLE} BEGIN
        INSERT INTO {FTS}(rowid, title, search_text) VALUES (new.id, new.title, new.search_text); END""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS}_ad AFTER DELETE ON {TABLE} BEGIN
        INSERT INTO {FTS}({FTS}, rowid, title, search_text) VALUES ('delete', old.id, old.title, old.search_text); END""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS}_au AFTER UPDATE OF title, search_text ON {TABLE} BEGIN
        INSERT INTO {FTS}({FTS}, rowid, title, search_text) VALUES ('delete', old.id, old.title, old.search_text);
        INSERT INTO {FTS}(rowid, title, search_text) VALUES (new.id, new.title, new.search_text); END""",
]
DROP = [f"DROP TRIGGER IF EXISTS {FTS}_{t}" for t in ("ai", "ad", "au")] + [f"DROP TABLE IF EXISTS {FTS}"]
ORDER = {
    "relevance": "score DESC, r.date DESC NULLS LAST, r.id DESC",
    "newest": "r.date DESC NULLS LAST, score DESC, r.id DESC",
    "oldest": "r.date ASC NULLS LAST, score DESC, r.id ASC",
    "title": "r.title COLLATE NOCASE ASC, r.id ASC",
    "added": "r.created_at DESC, r.id DESC",
}


def install(cursor, rebuild: bool = False) -> None:
    missing = _triggers(cursor) < 3
    for sql in CREATE:
        cursor.execute(sql)
    if rebuild or missing:
        cursor.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')")


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
        placeholders = ", ".join(["%s"] * len(ids))
        sql = (
            f"SELECT rowid, highlight({FTS}, 0, {marks}), snippet({FTS}, 1, {marks}, '…', 28) "
            f"FROM {FTS} WHERE {FTS} MATCH %s AND rowid IN ({placeholders})"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [match_expression(phrases), *ids])
            return {row[0]: (row[1], row[2]) for row in cursor.fetchall()}
