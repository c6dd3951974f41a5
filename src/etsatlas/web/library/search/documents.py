"""The text the full-text index reads for each resource besides its title.

Both backends index the same three columns (`title`, weighted highest, `search_text` and
`search_keywords`), so a query ranks alike on SQLite and PostgreSQL; snippets are cut from
`search_text`, the summary. Both are rebuilt whenever a resource, its authors, organisations or
tags change (see signals.py).
"""

from __future__ import annotations

from django.utils.timezone import now

from .. import vocab
from ..text import plain_text


def system_names() -> dict[str, str]:
    """Names of the published systems, so a search for 'California' finds resources tagged ca-cat."""
    try:
        from etsatlas.web.atlas.store import snapshot

        return {s.id: s.display_name for s in snapshot().sheets}
    except Exception:  # noqa: BLE001 - the knowledge base is optional for the library
        return {}


def build_search_text(resource, names: dict[str, str] | None = None) -> tuple[str, str]:
    """(body, keywords): the summary as plain text, and the names and labels around it."""
    names = system_names() if names is None else names
    parts = [vocab.RESOURCE_TYPES.get(resource.type, resource.type)]
    parts += [p.name for p in resource.authors.all()]
    for org in resource.organisations.all():
        parts += [org.name, org.short_name]
    for tag in resource.tags.all():
        if tag.kind == "topic":
            parts.append(vocab.TOPICS.get(tag.value, tag.value))
        elif tag.kind == "system":
            parts += [tag.value, names.get(tag.value, "")]
        elif tag.kind == "language":
            parts.append(vocab.LANGUAGES.get(tag.value, tag.value))
    return plain_text(resource.summary), " · ".join(p for p in parts if p)


def reindex(resource, names: dict[str, str] | None = None) -> None:
    """Recompute the indexed text; the database triggers carry it into the full-text index."""
    body, keywords = build_search_text(resource, names)
    if (body, keywords) != (resource.search_text, resource.search_keywords):
        resource.search_text, resource.search_keywords = body, keywords
        # updated_at moves too, so caches keyed on it see a renamed author or a new tag.
        type(resource).objects.filter(pk=resource.pk).update(search_text=body, search_keywords=keywords, updated_at=now())
