"""One search pipeline over either backend: filters, full-text match, facets, ranking, snippets."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Prefetch, QuerySet
from django.db.models.functions import Lower
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from .. import vocab
from ..models import Credit, Resource, ResourceTag
from ..text import plain_text
from .base import Page, SearchBackend, marked_to_html
from .documents import system_names
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
            tagged = ResourceTag.objects.filter(resource_id=OuterRef("pk"), kind=kind, value__in=values)
            qs = qs.filter(Exists(tagged))  # a probe of the (resource, kind, value) index per row
    if query.year_from:
        qs = qs.filter(year__gte=query.year_from)
    if query.year_to:
        qs = qs.filter(year__lte=query.year_to)
    return qs


def search(query: Query, *, facets: bool = True, backend: SearchBackend | None = None) -> Results:
    backend = backend or backend_for()
    if query.has_text and not query.phrases:  # only words too common to search for
        return Results(query, [], 0, _empty_facets(query) if facets else {})
    base = filtered(query)
    offset = (query.page - 1) * query.per_page
    if query.phrases:
        page = backend.page(base, query.phrases, query.sort, offset, query.per_page)
    else:
        ids = base.order_by(*BROWSE_ORDER[query.sort]).values_list("id", flat=True)[offset : offset + query.per_page]
        page = Page(0, [(pk, None) for pk in ids], {})  # total: from the facets or counted below
    results = Results(query, _hits(page), page.total)
    if facets:
        results.facets, results.years, results.total = _facets(query, backend)
    elif not query.phrases:
        results.total = base.count()
    return results


def with_relations(qs: QuerySet) -> QuerySet:
    return qs.prefetch_related(
        "tags", Prefetch("credits", queryset=Credit.objects.select_related("organisation")), "authors"
    )


def _hits(page: Page) -> list[Hit]:
    resources = with_relations(Resource.objects.filter(id__in=[pk for pk, _ in page.ranked])).in_bulk()
    marks = page.marks
    hits = []
    for pk, rank in page.ranked:
        resource = resources[pk]
        if pk in marks:
            title, snippet = (marked_to_html(m) for m in marks[pk])
        else:
            title = escape(resource.title)
            snippet = escape(Truncator(resource.search_text or plain_text(resource.summary)).words(30))
        hits.append(Hit(resource, rank, title, snippet))
    return hits


def _labels(kind: str) -> dict[str, str]:
    if kind == "type":
        return vocab.RESOURCE_TYPES
    if kind == "system":
        return system_names()
    return vocab.TAG_KINDS[kind] or {}


def _matching(query: Query, backend: SearchBackend, skip: str | None = None) -> QuerySet:
    qs = filtered(query, skip=skip)
    return backend.match(qs, query.phrases) if query.phrases else qs


def _facets(query: Query, backend: SearchBackend) -> tuple[dict[str, list[FacetValue]], list[tuple[int, int]], int]:
    """Facet counts, the year histogram and the total, in as few grouped queries as possible.

    A facet is counted without its own filter (so its other values stay visible and choosable);
    facets without an active filter share one query.
    """
    selected = {"type": query.types, "topic": query.topics, "system": query.systems, "language": query.languages}
    # Types by year, without the type filter: the type facet, and (restricted to the chosen types)
    # the year histogram and the total of the full query.
    rows = (
        _matching(query, backend, skip="type").order_by()
        .values_list("type", "year").annotate(n=Count("id"))
    )
    type_counts: dict[str, int] = {}
    year_counts: dict[int, int] = {}
    total = 0
    for type_, year, n in rows:
        type_counts[type_] = type_counts.get(type_, 0) + n
        if not query.types or type_ in query.types:
            total += n
            if year is not None:
                year_counts[year] = year_counts.get(year, 0) + n
    counts: dict[str, dict[str, int]] = {"type": type_counts}
    free = [k for k in FACETS[1:] if not selected[k]]
    if free:
        counts.update(_tag_counts(free, _matching(query, backend)))
    for kind in FACETS[1:]:
        if selected[kind]:
            counts.update(_tag_counts([kind], _matching(query, backend, skip=kind)))
    facets = {kind: _facet_values(kind, counts.get(kind, {}), selected[kind]) for kind in FACETS}
    return facets, sorted(year_counts.items()), total


def _tag_counts(kinds: list[str], matched: QuerySet) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {k: {} for k in kinds}
    rows = (
        ResourceTag.objects.filter(kind__in=kinds, resource_id__in=matched.order_by().values("id"))
        .order_by().values_list("kind", "value").annotate(n=Count("id"))
    )
    for kind, value, n in rows:
        out[kind][value] = n
    return out


def _facet_values(kind: str, counts: dict[str, int], selected: tuple[str, ...]) -> list[FacetValue]:
    labels = _labels(kind)
    counts = dict(counts)
    for value in selected:
        counts.setdefault(value, 0)
    values = [FacetValue(v, labels.get(v, v), n, v in selected) for v, n in counts.items()]
    return sorted(values, key=lambda f: (-f.count, f.label.lower()))


def _empty_facets(query: Query) -> dict[str, list[FacetValue]]:
    selected = {"type": query.types, "topic": query.topics, "system": query.systems, "language": query.languages}
    return {kind: _facet_values(kind, {}, selected[kind]) for kind in FACETS}
