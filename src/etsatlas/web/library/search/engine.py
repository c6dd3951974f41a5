"""One search pipeline over either backend: filters, full-text match, facets, ranking, snippets."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, F, Prefetch, QuerySet
from django.db.models.functions import ExtractYear, Lower
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from .. import vocab
from ..models import Credit, Resource, ResourceTag
from .base import SearchBackend, marked_to_html
from .query import Query

FACETS = ("type", "topic", "system", "language")
BROWSE_ORDER = {
    "relevance": [F("date").desc(nulls_last=True), F("id").desc()],
    "newest": [F("date").desc(nulls_last=True), F("id").desc()],
    "oldest": [F("date").asc(nulls_last=True), F("id").asc()],
    "title": [Lower("title").asc(), F("id").asc()],
    "added": [F("created_at").desc(), F("id").desc()],
}


def backend_for(vendor: str | None = None) -> SearchBackend:
    """The backend of the database in use: FTS5 on SQLite, tsvector/GIN on PostgreSQL."""
    vendor = vendor or connection.vendor
    if vendor == "sqlite":
        from .sqlite import SqliteBackend

        return SqliteBackend()
    if vendor == "postgresql":
        from .postgres import PostgresBackend

        return PostgresBackend()
    raise NotImplementedError(f"library search supports SQLite and PostgreSQL, not {vendor!r}")


@dataclass
class Hit:
    resource: Resource
    rank: float | None
    title_html: SafeString
    snippet_html: SafeString


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Results:
    query: Query
    hits: list[Hit]
    total: int
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    years: list[tuple[int, int]] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.query.per_page))


def filtered(query: Query, skip: str | None = None) -> QuerySet:
    """Resources passing every facet filter of the query (except the facet `skip`)."""
    qs = Resource.objects.all()
    if query.types and skip != "type":
        qs = qs.filter(type__in=query.types)
    for kind, values in (("topic", query.topics), ("system", query.systems), ("language", query.languages)):
        if values and skip != kind:
            qs = qs.filter(id__in=ResourceTag.objects.filter(kind=kind, value__in=values).values("resource_id"))
    if query.year_from:
        qs = qs.filter(date__year__gte=query.year_from)
    if query.year_to:
        qs = qs.filter(date__year__lte=query.year_to)
    return qs


def search(query: Query, *, facets: bool = True, backend: SearchBackend | None = None) -> Results:
    backend = backend or backend_for()
    if query.has_text and not query.phrases:  # only words too common to search for
        return Results(query, [], 0, _facets(query, backend, empty=True) if facets else {})
    base = filtered(query)
    matched = backend.match(base, query.phrases) if query.phrases else base
    total = matched.count()
    offset = (query.page - 1) * query.per_page
    if query.phrases:
        ranked = backend.ranked_ids(base, query.phrases, query.sort, offset, query.per_page)
    else:
        ranked = [(pk, None) for pk in base.order_by(*BROWSE_ORDER[query.sort]).values_list("id", flat=True)[offset : offset + query.per_page]]
    hits = _hits(ranked, query, backend)
    results = Results(query, hits, total)
    if facets:
        results.facets = _facets(query, backend)
        results.years = _years(matched)
    return results


def with_relations(qs: QuerySet) -> QuerySet:
    return qs.prefetch_related(
        "tags", Prefetch("credits", queryset=Credit.objects.select_related("organisation")), "authors"
    )


def _hits(ranked: list[tuple[int, float | None]], query: Query, backend: SearchBackend) -> list[Hit]:
    ids = [pk for pk, _ in ranked]
    resources = with_relations(Resource.objects.filter(id__in=ids)).in_bulk()
    marks = backend.highlights(ids, query.phrases) if query.phrases else {}
    hits = []
    for pk, rank in ranked:
        resource = resources[pk]
        if pk in marks:
            title, snippet = (marked_to_html(m) for m in marks[pk])
        else:
            title = escape(resource.title)
            snippet = escape(Truncator(_summary_text(resource)).words(30))
        hits.append(Hit(resource, rank, title, snippet))
    return hits


def _summary_text(resource: Resource) -> str:
    from ..text import plain_text

    return plain_text(resource.summary)


def _labels(kind: str) -> dict[str, str]:
    if kind == "type":
        return vocab.RESOURCE_TYPES
    if kind == "system":
        from .documents import system_names

        return system_names()
    return vocab.TAG_KINDS[kind] or {}


def _facets(query: Query, backend: SearchBackend, empty: bool = False) -> dict[str, list[FacetValue]]:
    selected = {"type": query.types, "topic": query.topics, "system": query.systems, "language": query.languages}
    out: dict[str, list[FacetValue]] = {}
    for kind in FACETS:
        counts: dict[str, int] = {}
        if not empty:
            # Counted without this facet's own filter, so the other values stay visible and choosable.
            qs = filtered(query, skip=kind)
            if query.phrases:
                qs = backend.match(qs, query.phrases)
            if kind == "type":
                rows = qs.order_by().values_list("type").annotate(n=Count("id"))
            else:
                rows = (
                    ResourceTag.objects.filter(kind=kind, resource_id__in=qs.order_by().values("id"))
                    .order_by().values_list("value").annotate(n=Count("id"))
                )
            counts = dict(rows)
        labels = _labels(kind)
        for value in selected[kind]:
            counts.setdefault(value, 0)
        values = [FacetValue(v, labels.get(v, v), n, v in selected[kind]) for v, n in counts.items()]
        out[kind] = sorted(values, key=lambda f: (-f.count, f.label.lower()))
    return out


def _years(matched: QuerySet) -> list[tuple[int, int]]:
    rows = (
        matched.exclude(date=None).order_by().annotate(y=ExtractYear("date"))
        .values_list("y").annotate(n=Count("id")).order_by("y")
    )
    return [(y, n) for y, n in rows]
