"""The text the full-text index reads for each resource besides its title.

Both backends index the same two columns (`title`, weighted highest, and `search_text`), so a
query ranks the same way on SQLite and PostgreSQL. `search_text` is rebuilt whenever a resource,
its authors, organisations or tags change (see signals.py).
"""

from __future__ import annotations

from .. import vocab
from ..text import plain_text


def system_names() -> dict[str, str]:
    """Names of the published systems, so a search for 'California' finds resources tagged ca-cat."""
    try:
        from etsatlas.web.atlas.store import snapshot

        return {s.id: s.display_name for s in snapshot().sheets}
    except Exception:  # noqa: BLE001 - the knowledge base is optional for the library
        return {}


def build_search_text(resource, names: dict[str, str] | None = None) -> str:
    names = system_names() if names is None else names
    tags = list(resource.tags.all())
    # The summary comes first: snippets are cut from this text and should read as prose.
    parts = [plain_text(resource.summary), vocab.RESOURCE_TYPES.get(resource.type, resource.type)]
    parts += [p.name for p in resource.authors.all()]
    for org in resource.organisations.all():
        parts += [org.name, org.short_name]
    for tag in tags:
        if tag.kind == "topic":
            parts.append(vocab.TOPICS.get(tag.value, tag.value))
        elif tag.kind == "system":
            parts += [tag.value, names.get(tag.value, "")]
        elif tag.kind == "language":
            parts.append(vocab.LANGUAGES.get(tag.value, tag.value))
    return " · ".join(p for p in parts if p)


def reindex(resource, names: dict[str, str] | None = None) -> None:
    """Recompute `search_text`; the database triggers carry it into the full-text index."""
    text = build_search_text(resource, names)
    if text != resource.search_text:
        resource.search_text = text
        type(resource).objects.filter(pk=resource.pk).update(search_text=text)
