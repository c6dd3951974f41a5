"""What every search backend provides; the shared search pipeline lives in search/engine.py."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Markers put around matched words by the database, replaced by <mark> after HTML-escaping.
START, STOP = "\x02", "\x03"


def marked_to_html(text: str) -> SafeString:
    """Escape text from the index, then turn the backend's match markers into <mark> elements."""
    html = str(escape(text or "")).replace(START, "<mark>").replace(STOP, "</mark>")
    return mark_safe(html)  # noqa: S308 - escaped above; only our own tags added


@dataclass
class Page:
    """One page of a full-text search: how many match, (id, rank) of the page, and its highlights."""

    total: int
    ranked: list[tuple[int, float]]
    marks: dict[int, tuple[str, str]]


def filter_sql(qs: QuerySet) -> tuple[str, list]:
    """The facet filters of a Resource queryset as a WHERE condition on `library_resource`.

    Backends that write their search SQL by hand test it on each full-text match (tag filters are
    correlated EXISTS probes), so the index drives the query; `id IN (filtered queryset)` would
    make the database test every resource.
    """
    if not qs.query.where:
        return "1 = 1", []
    sql, params = qs.query.get_compiler(connection=connection).compile(qs.query.where)
    return sql, list(params)


def type_weight_sql(column: str) -> str:
    """SQL CASE giving the relevance prior of a resource type (vocab.TYPE_WEIGHTS)."""
    from ..vocab import TYPE_WEIGHTS

    cases = " ".join(f"WHEN '{t}' THEN {w}" for t, w in TYPE_WEIGHTS.items())
    return f"(CASE {column} {cases} ELSE 1.0 END)"


class SearchBackend:
    """Full-text matching, ranking and highlighting on one database vendor."""

    vendor: str = ""

    def match(self, qs: QuerySet, phrases) -> QuerySet:
        """Restrict a Resource queryset to the resources matching every phrase."""
        raise NotImplementedError

    def count(self, qs: QuerySet, phrases) -> int:
        """How many resources within qs match every phrase."""
        return self.match(qs, phrases).count()

    def ranked_ids(self, qs: QuerySet, phrases, order: str, offset: int, limit: int) -> list[tuple[int, float]]:
        """(id, rank) of one page of matches within qs; higher rank is better. order: a SORTS key."""
        raise NotImplementedError

    def page(self, qs: QuerySet, phrases, order: str, offset: int, limit: int) -> Page:
        """Everything a search shows: the total, one ranked page and its highlights.

        Backends override it to count in the same pass as they rank, or to answer in one
        statement, where that saves time.
        """
        ranked = self.ranked_ids(qs, phrases, order, offset, limit)
        return Page(self.count(qs, phrases), ranked, self.highlights([pk for pk, _ in ranked], phrases))

    def highlights(self, ids: list[int], phrases) -> dict[int, tuple[str, str]]:
        """(title, snippet) per id, with matched words between START and STOP markers."""
        raise NotImplementedError
