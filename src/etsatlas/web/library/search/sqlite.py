"""SQLite FTS5: an external-content virtual table over the indexed columns, kept in sync by triggers.

`install()` is idempotent: the migration runs it, and so does post_migrate, because SQLite
rebuilds a table (dropping its triggers) whenever a later migration alters it.
"""

from __future__ import annotations

import json

from django.db import connection

from .base import START, STOP, Page, SearchBackend, filter_sql, type_weight_sql

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
# Sort orders over columns of `library_resource` ({t}: the table's name and a dot, or nothing).
ORDER = {
    "relevance": "score DESC, {t}date DESC NULLS LAST, {t}id DESC",
    "newest": "{t}date DESC NULLS LAST, score DESC, {t}id DESC",
    "oldest": "{t}date ASC NULLS LAST, score DESC, {t}id ASC",
    "title": "{t}title COLLATE NOCASE ASC, {t}id ASC",
    "added": "{t}created_at DESC, {t}id DESC",
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
    # Without filters, a relevance page is ranked among the best CANDIDATES matches by bm25
    # alone (the type weights are then applied to those only); every match is ranked when a
    # match outside that set could still reach the page. With filters the exhaustive ranking is
    # the quicker: most of the best matches would fail the filters.
    CANDIDATES = 200

    def match(self, qs, phrases):
        from django.db.models.expressions import RawSQL

        return qs.filter(id__in=RawSQL(f"SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s", [match_expression(phrases)]))

    def count(self, qs, phrases):
        where, params = filter_sql(qs)
        sql = f"SELECT count(*) FROM {FTS} WHERE {FTS} MATCH %s"
        if qs.query.where:  # filters besides the text: test them on each match
            sql = (f"SELECT count(*) FROM {FTS} CROSS JOIN {TABLE} ON {TABLE}.id = {FTS}.rowid "
                   f"WHERE {FTS} MATCH %s AND {where}")
        return _fetch(sql, [match_expression(phrases), *params])[0][0]

    def ranked_ids(self, qs, phrases, order, offset, limit):
        if order == "relevance" and not qs.query.where and offset + limit <= self.CANDIDATES:
            page = self._ranked_among_best(phrases, self.CANDIDATES, offset, limit)
            if page is not None:
                return page
        return self.ranked_ids_exhaustive(qs, phrases, order, offset, limit)

    def page(self, qs, phrases, order, offset, limit):
        if not qs.query.where:  # FTS5 counts its matches without reading them
            return super().page(qs, phrases, order, offset, limit)
        # Filters: every match is read once, to be tested, counted and ranked.
        rows = self._every_match(qs, phrases, order, offset, limit, with_total=True)
        total = rows[0][2] if rows else self.count(qs, phrases) if offset else 0
        ranked = [(pk, score) for pk, score, _ in rows]
        return Page(total, ranked, self.highlights([pk for pk, _ in ranked], phrases))

    def ranked_ids_exhaustive(self, qs, phrases, order, offset, limit):
        """Every match scored and sorted: the reference the bounded ranking must agree with."""
        return [(pk, score) for pk, score, *_ in self._every_match(qs, phrases, order, offset, limit)]

    def _every_match(self, qs, phrases, order, offset, limit, with_total=False):
        where, params = filter_sql(qs)
        matches = (
            f"SELECT {TABLE}.id, -{BM25} * {type_weight_sql(f'{TABLE}.type')} AS score, {TABLE}.date, "
            f"{TABLE}.title, {TABLE}.created_at FROM {FTS} CROSS JOIN {TABLE} ON {TABLE}.id = {FTS}.rowid "
            f"WHERE {FTS} MATCH %s AND {where}"
        )
        if with_total:  # bm25 cannot sit beside a window function: rank first, then count
            sql = (f"WITH matches AS MATERIALIZED ({matches}) SELECT id, score, count(*) OVER () FROM matches "
                   f"ORDER BY {ORDER[order].format(t='')} LIMIT %s OFFSET %s")
        else:
            sql = f"{matches} ORDER BY {ORDER[order].format(t=f'{TABLE}.')} LIMIT %s OFFSET %s"
        return _fetch(sql, [match_expression(phrases), *params, limit, offset])

    def _ranked_among_best(self, phrases, size, offset, limit):
        """The relevance page from the `size` best matches by bm25, or None if that cannot be sure.

        A match outside that set has a bm25 relevance of at most the set's lowest, `floor`, so
        its score is at most floor x the highest type weight; the page is exact when its last
        score is above that bound (or when the set holds every match).
        """
        sql = (
            f"WITH best AS MATERIALIZED (SELECT rowid AS id, -{BM25} AS relevance FROM {FTS} "
            f"WHERE {FTS} MATCH %s ORDER BY {BM25} LIMIT %s) "
            f"SELECT {TABLE}.id, best.relevance * {type_weight_sql(f'{TABLE}.type')} AS score, "
            f"(SELECT count(*) FROM best), (SELECT min(relevance) FROM best) "
            f"FROM best CROSS JOIN {TABLE} ON {TABLE}.id = best.id "
            f"ORDER BY {ORDER['relevance'].format(t=f'{TABLE}.')} LIMIT %s OFFSET %s"
        )
        rows = _fetch(sql, [match_expression(phrases), size, limit, offset])
        if rows and rows[0][2] < size:  # fewer matches than the set holds: all were ranked
            return [(pk, score) for pk, score, _, _ in rows]
        if len(rows) == limit and rows[-1][1] > rows[0][3] * max_type_weight():
            return [(pk, score) for pk, score, _, _ in rows]
        return None

    def highlights(self, ids, phrases):
        if not ids:
            return {}
        marks = f"'{START}', '{STOP}'"
        # CROSS JOIN keeps the list of ids as the outer loop, so FTS5 looks up one rowid at a time;
        # `rowid IN (...)`, or a plain join the planner may turn round, walks every match.
        sql = (
            f"SELECT {FTS}.rowid, highlight({FTS}, 0, {marks}), snippet({FTS}, 1, {marks}, '…', 28) "
            f"FROM (SELECT value AS id FROM json_each(%s)) ids CROSS JOIN {FTS} ON {FTS}.rowid = ids.id "
            f"WHERE {FTS} MATCH %s"
        )
        return {pk: (title, snippet) for pk, title, snippet in _fetch(sql, [json.dumps(ids), match_expression(phrases)])}


def max_type_weight() -> float:
    from ..vocab import TYPE_WEIGHTS

    return max(1.0, *TYPE_WEIGHTS.values())  # 1.0: the weight of a type missing from the table


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
