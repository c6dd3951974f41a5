"""A library search request, parsed and validated at the edge (page parameters, API, CLI)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from .. import vocab

SORTS: dict[str, str] = {
    "relevance": "Relevance",
    "newest": "Newest first",
    "oldest": "Oldest first",
    "title": "Title (A-Z)",
    "added": "Recently added",
}
MAX_PER_PAGE = 100
# Words both backends ignore, so a query ranks alike on SQLite and PostgreSQL.
STOPWORDS = frozenset(
    "a an and are as at be by for from in into is it its of on or the to with what how why".split()
)
_TOKEN = re.compile(r"\w+", re.UNICODE)


class QueryError(ValueError):
    """A search parameter that cannot be used; names the parameter and the allowed values."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


def parse_phrases(text: str) -> list[tuple[str, ...]]:
    """Split free text into phrases of words: 'eu-ets linking' -> [('eu', 'ets'), ('linking',)].

    A hyphenated or dotted chunk stays one phrase, so a system id matches as a whole.
    """
    phrases = []
    for chunk in text.split():
        words = tuple(w.lower() for w in _TOKEN.findall(chunk) if w.lower() not in STOPWORDS)
        if words:
            phrases.append(words)
    return phrases


def _year(params, name: str) -> int | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or not 1900 <= int(raw) <= 2200:
        raise QueryError(name, f"{name} must be a year between 1900 and 2200, not {raw!r}")
    return int(raw)


def _values(params, name: str, allowed: dict[str, str] | None) -> tuple[str, ...]:
    getlist = getattr(params, "getlist", None)
    raw = getlist(name) if getlist else params.get(name) or []
    if isinstance(raw, str):
        raw = [raw]
    values = tuple(dict.fromkeys(v.strip() for item in raw for v in item.split(",") if v.strip()))
    if allowed is not None:
        bad = [v for v in values if v not in allowed]
        if bad:
            raise QueryError(name, f"unknown {name} {bad[0]!r}; allowed: {', '.join(allowed)}")
    return values


@dataclass(frozen=True)
class Query:
    text: str = ""
    types: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    systems: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    phrases: tuple[tuple[str, ...], ...] = field(default=(), compare=False)

    def __post_init__(self):
        object.__setattr__(self, "phrases", tuple(parse_phrases(self.text)))

    @classmethod
    def from_params(cls, params, per_page: int = 20) -> Query:
        """Build from request-like parameters (q, type, topic, system, language, year_from, year_to, sort, page)."""
        sort = (params.get("sort") or "relevance").strip()
        if sort not in SORTS:
            raise QueryError("sort", f"unknown sort {sort!r}; allowed: {', '.join(SORTS)}")
        page_raw = (params.get("page") or "1").strip()
        if not page_raw.isdigit() or int(page_raw) < 1:
            raise QueryError("page", f"page must be a positive whole number, not {page_raw!r}")
        year_from, year_to = _year(params, "year_from"), _year(params, "year_to")
        if year_from and year_to and year_from > year_to:
            raise QueryError("year_from", f"year_from ({year_from}) is after year_to ({year_to})")
        return cls(
            text=(params.get("q") or "").strip()[:200],
            types=_values(params, "type", vocab.RESOURCE_TYPES),
            topics=_values(params, "topic", vocab.TOPICS),
            systems=_values(params, "system", None),
            languages=_values(params, "language", vocab.LANGUAGES),
            year_from=year_from, year_to=year_to, sort=sort, page=int(page_raw),
            per_page=max(1, min(per_page, MAX_PER_PAGE)),
        )

    @property
    def has_text(self) -> bool:
        return bool(self.text.strip())

    def with_page(self, page: int) -> Query:
        return replace(self, page=page)
