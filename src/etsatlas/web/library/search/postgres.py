"""PostgreSQL full-text search: a tsvector column (title weight A, other text weight B) kept by a
trigger and indexed with GIN; SearchRank orders, SearchHeadline highlights.

The text search configuration `library_english` is `english` with accents folded first (the
`unaccent` extension), for the index and the queries alike, so "Quebec" finds "Québec" as it
does on SQLite. The vector is stored in the row (STORAGE MAIN): ranking reads it for every match,
and out of line (TOAST) each read cost an index lookup and several pages more.
"""

from __future__ import annotations

from functools import reduce

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, FloatField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower

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
ORDER = {
    "relevance": [F("rank").desc(), F("date").desc(nulls_last=True), F("id").desc()],
    "newest": [F("date").desc(nulls_last=True), F("rank").desc(), F("id").desc()],
    "oldest": [F("date").asc(nulls_last=True), F("rank").desc(), F("id").asc()],
    "title": [Lower("title").asc(), F("id").asc()],
    "added": [F("created_at").desc(), F("id").desc()],
}


# The same orders in SQL, over the columns of the `matches` set below ({t}: a table name and a dot).
ORDER_SQL = {
    "relevance": "{t}rank DESC, {t}date DESC NULLS LAST, {t}id DESC",
    "newest": "{t}date DESC NULLS LAST, {t}rank DESC, {t}id DESC",
    "oldest": "{t}date ASC NULLS LAST, {t}rank DESC, {t}id ASC",
    "title": "lower({t}title) ASC, {t}id ASC",
    "added": "{t}created_at DESC, {t}id DESC",
}
HEADLINE_OPTIONS = (f"StartSel='{START}', StopSel='{STOP}', HighlightAll=true",
                    f"StartSel='{START}', StopSel='{STOP}', MaxWords=30, MinWords=12")


def search_query(phrases) -> SearchQuery:
    parts = [SearchQuery(" ".join(words), search_type="phrase", config=CONFIG) for words in phrases]
    return reduce(lambda a, b: a & b, parts)


class PostgresBackend(SearchBackend):
    vendor = "postgresql"

    def match(self, qs, phrases):
        return qs.filter(search_vector=search_query(phrases))

    def ranked_ids(self, qs, phrases, order, offset, limit):
        return list(ranked(qs, phrases, order).values_list("id", "rank")[offset : offset + limit])

    def page(self, qs, phrases, order, offset, limit):
        """Count, rank and highlight in one statement: one round trip, each match read once.

        The matches are ranked once into a materialised set (ids, rank and sort keys, no
        vectors); the total counts that set and ts_headline runs on the page's rows only.
        """
        where, params = filter_sql(qs)
        tsquery = " && ".join(f"phraseto_tsquery('{CONFIG}', %s)" for _ in phrases)
        words = [" ".join(w) for w in phrases]
        sql = f"""
            WITH matches AS MATERIALIZED (
                SELECT {TABLE}.id, {TABLE}.date, {TABLE}.title, {TABLE}.created_at,
                    ts_rank({TABLE}.search_vector, {tsquery}, 1) * {type_weight_sql(f"{TABLE}.type")} AS rank
                FROM {TABLE} WHERE {TABLE}.search_vector @@ ({tsquery}) AND {where}
            ), page AS (SELECT * FROM matches ORDER BY {ORDER_SQL[order].format(t="")} LIMIT %s OFFSET %s)
            SELECT page.id, page.rank, (SELECT count(*) FROM matches),
                ts_headline('{CONFIG}', r.title, {tsquery}, %s),
                ts_headline('{CONFIG}', r.search_text, {tsquery}, %s)
            FROM page JOIN {TABLE} r ON r.id = page.id
            ORDER BY {ORDER_SQL[order].format(t="page.")}"""
        args = [*words, *words, *params, limit, offset, *words, HEADLINE_OPTIONS[0], *words, HEADLINE_OPTIONS[1]]
        with connection.cursor() as cursor:
            cursor.execute(sql, args)
            rows = cursor.fetchall()
        total = rows[0][2] if rows else self.count(qs, phrases) if offset else 0
        return Page(total, [(pk, rank) for pk, rank, *_ in rows], {pk: (t, s) for pk, _, _, t, s in rows})

    def highlights(self, ids, phrases):
        if not ids:
            return {}
        query = search_query(phrases)
        options = {"start_sel": START, "stop_sel": STOP, "config": CONFIG}
        rows = (
            qs_for(ids)
            .annotate(
                title_hl=SearchHeadline("title", query, highlight_all=True, **options),
                text_hl=SearchHeadline("search_text", query, max_words=30, min_words=12, **options),
            )
            .values_list("id", "title_hl", "text_hl")
        )
        return {row[0]: (row[1], row[2]) for row in rows}


def ranked(qs, phrases, order: str):
    """The matches within qs with their rank (text rank x type prior), in the given order."""
    query = search_query(phrases)
    rank = SearchRank(F("search_vector"), query, normalization=Value(1)) * RawSQL(
        type_weight_sql("library_resource.type"), [], output_field=FloatField()
    )
    return qs.filter(search_vector=query).annotate(rank=rank).order_by(*ORDER[order])


def qs_for(ids):
    from ..models import Resource

    return Resource.objects.filter(id__in=ids)
