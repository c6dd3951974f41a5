"""PostgreSQL full-text search: a tsvector column (title weight A, other text weight B) kept by a
trigger and indexed with GIN; ts_rank orders, ts_headline highlights (in SQL written here, so a
search is one statement; the facet counts filter with Django's SearchQuery).

The text search configuration `library_english` is `english` with accents folded first (the
`unaccent` extension), for the index and the queries alike, so "Quebec" finds "Québec" as it
does on SQLite. The vector is stored in the row (STORAGE MAIN): ranking reads it for every match,
and out of line (TOAST) each read cost an index lookup and several pages more.
"""

from __future__ import annotations

from functools import reduce

from django.contrib.postgres.search import SearchQuery
from django.db import connection

from .base import START, STOP, Page, SearchBackend, filter_sql, type_weight_sql

CONFIG = "library_english"
TABLE = "library_resource"

# Created by migration 0006 (the unaccent extension and the configuration); the vector:
VECTOR = (
    f"setweight(to_tsvector('{CONFIG}', coalesce(NEW.title, '')), 'A') || "
    f"setweight(to_tsvector('{CONFIG}', coalesce(NEW.search_text, '')), 'B') || "
    f"setweight(to_tsvector('{CONFIG}', coalesce(NEW.search_keywords, '')), 'B')"
)
CREATE = [
    f"""CREATE OR REPLACE FUNCTION {TABLE}_search_vector() RETURNS trigger AS $$
        BEGIN NEW.search_vector := {VECTOR}; RETURN NEW; END $$ LANGUAGE plpgsql""",
    f"DROP TRIGGER IF EXISTS {TABLE}_search_vector ON {TABLE}",
    f"""CREATE TRIGGER {TABLE}_search_vector BEFORE INSERT OR UPDATE OF title, search_text, search_keywords
        ON {TABLE} FOR EACH ROW EXECUTE FUNCTION {TABLE}_search_vector()""",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_search_gin ON {TABLE} USING gin (search_vector)",
    f"ALTER TABLE {TABLE} ALTER COLUMN search_vector SET STORAGE MAIN",
    f"UPDATE {TABLE} SET title = title",  # fill the column for rows that exist already, stored in the row
]
DROP = [
    f"DROP INDEX IF EXISTS {TABLE}_search_gin",
    f"DROP TRIGGER IF EXISTS {TABLE}_search_vector ON {TABLE}",
    f"DROP FUNCTION IF EXISTS {TABLE}_search_vector()",
]
# Sort orders over the columns of the `matches` set below ({t}: a table name and a dot, or nothing).
ORDER = {
    "relevance": "{t}rank DESC, {t}date DESC NULLS LAST, {t}id DESC",
    "newest": "{t}date DESC NULLS LAST, {t}rank DESC, {t}id DESC",
    "oldest": "{t}date ASC NULLS LAST, {t}rank DESC, {t}id ASC",
    "title": "lower({t}title) ASC, {t}id ASC",
    "added": "{t}created_at DESC, {t}id DESC",
}
TITLE_HEADLINE = f"StartSel='{START}', StopSel='{STOP}', HighlightAll=true"
TEXT_HEADLINE = f"StartSel='{START}', StopSel='{STOP}', MaxWords=30, MinWords=12"


def search_query(phrases) -> SearchQuery:
    parts = [SearchQuery(" ".join(words), search_type="phrase", config=CONFIG) for words in phrases]
    return reduce(lambda a, b: a & b, parts)


def tsquery_sql(phrases) -> tuple[str, list]:
    """The query as SQL: every phrase must match (the same as search_query)."""
    return " && ".join(f"phraseto_tsquery('{CONFIG}', %s)" for _ in phrases), [" ".join(w) for w in phrases]


def matches_sql(qs, phrases) -> tuple[str, list]:
    """The matches within qs with their rank (text rank x type prior) and sort keys, no vectors."""
    where, params = filter_sql(qs)
    query, words = tsquery_sql(phrases)
    sql = (
        f"SELECT {TABLE}.id, {TABLE}.date, {TABLE}.title, {TABLE}.created_at, "
        f"ts_rank({TABLE}.search_vector, {query}, 1) * {type_weight_sql(f'{TABLE}.type')} AS rank "
        f"FROM {TABLE} WHERE {TABLE}.search_vector @@ ({query}) AND {where}"
    )
    return sql, [*words, *words, *params]


def headlines_sql(alias: str, phrases) -> tuple[str, list]:
    """The highlighted title and snippet of the row `alias`, for the select list."""
    query, words = tsquery_sql(phrases)
    sql = (f"ts_headline('{CONFIG}', {alias}.title, {query}, %s), "
           f"ts_headline('{CONFIG}', {alias}.search_text, {query}, %s)")
    return sql, [*words, TITLE_HEADLINE, *words, TEXT_HEADLINE]


class PostgresBackend(SearchBackend):
    vendor = "postgresql"

    def match(self, qs, phrases):
        return qs.filter(search_vector=search_query(phrases))

    def ranked_ids(self, qs, phrases, order, offset, limit):
        matches, params = matches_sql(qs, phrases)
        sql = f"SELECT id, rank FROM ({matches}) matches ORDER BY {ORDER[order].format(t='')} LIMIT %s OFFSET %s"
        return [(pk, rank) for pk, rank in _fetch(sql, [*params, limit, offset])]

    def page(self, qs, phrases, order, offset, limit):
        """Count, rank and highlight in one statement: one round trip, each match read once.

        The matches are ranked once into a materialised set (ids, rank and sort keys, no
        vectors); the total counts that set and ts_headline runs on the page's rows only.
        """
        matches, params = matches_sql(qs, phrases)
        headlines, headline_params = headlines_sql("r", phrases)
        sql = (
            f"WITH matches AS MATERIALIZED ({matches}), "
            f"page AS (SELECT * FROM matches ORDER BY {ORDER[order].format(t='')} LIMIT %s OFFSET %s) "
            f"SELECT page.id, page.rank, (SELECT count(*) FROM matches), {headlines} "
            f"FROM page JOIN {TABLE} r ON r.id = page.id ORDER BY {ORDER[order].format(t='page.')}"
        )
        rows = _fetch(sql, [*params, limit, offset, *headline_params])
        total = rows[0][2] if rows else self.count(qs, phrases) if offset else 0
        return Page(total, [(pk, rank) for pk, rank, *_ in rows], {pk: (t, s) for pk, _, _, t, s in rows})

    def highlights(self, ids, phrases):
        if not ids:
            return {}
        headlines, params = headlines_sql(TABLE, phrases)
        sql = f"SELECT id, {headlines} FROM {TABLE} WHERE id = ANY(%s)"
        return {pk: (title, text) for pk, title, text in _fetch(sql, [*params, list(ids)])}


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
