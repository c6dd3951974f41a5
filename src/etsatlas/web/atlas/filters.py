"""The filters of the systems list, declared once for the page, the API and the CLI.

Each filter names its allowed values (from the schema vocabularies) and a predicate on a
factsheet. Several values of one filter are alternatives (OR); different filters combine
with AND. Invalid values raise `FilterError` naming the parameter and the allowed values.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from etsatlas.schema import Factsheet, Gas, Level, LinkType, Mechanism, Region, Sector, Status
from etsatlas.schema.fact import fact_value

ACTIVE_LINKS = {LinkType.TWO_WAY, LinkType.ONE_WAY, LinkType.RESTRICTED}


class FilterError(ValueError):
    def __init__(self, param: str, value: str, allowed: Sequence[str]):
        self.param, self.value, self.allowed = param, value, list(allowed)
        super().__init__(f"{param}: {value!r} is not one of {', '.join(self.allowed)}")


def _exists(level) -> bool:
    return bool(level is not None and fact_value(level.exists))


PRICE_MECHANISMS: dict[str, tuple[str, Callable[[Factsheet], bool]]] = {
    "floor": ("Price floor / auction reserve price", lambda s: _exists(s.price_management.floor)),
    "ceiling": ("Price ceiling", lambda s: _exists(s.price_management.ceiling)),
    "cost_containment": ("Cost-containment reserve", lambda s: _exists(s.price_management.cost_containment)),
    "emissions_containment": (
        "Emissions-containment reserve",
        lambda s: _exists(s.price_management.emissions_containment),
    ),
    "stability_reserve": ("Market stability reserve", lambda s: _exists(s.price_management.stability_reserve)),
}


def is_linked(sheet: Factsheet) -> bool:
    return any(link.type in ACTIVE_LINKS and link.until is None for link in sheet.links)


@dataclass(frozen=True)
class Filter:
    name: str
    label: str
    description: str
    choices: tuple[tuple[str, str], ...]
    matches: Callable[[Factsheet, str], bool]

    @property
    def allowed(self) -> list[str]:
        return [value for value, _ in self.choices]

    def parse(self, raw: Iterable[str]) -> list[str]:
        values = [v.strip() for item in raw for v in str(item).split(",") if v.strip()]
        for value in values:
            if value not in self.allowed:
                raise FilterError(self.name, value, self.allowed)
        return values


FILTERS: tuple[Filter, ...] = (
    Filter("status", "Status", "Current status of the system.", tuple(Status.choices()),
           lambda s, v: s.status.current.value == v),
    Filter("level", "Level of government", "Level of government that runs the system.", tuple(Level.choices()),
           lambda s, v: s.level.value == v),
    Filter("region", "Region", "World region.", tuple(Region.choices()), lambda s, v: s.region.value == v),
    Filter("mechanism", "Mechanism", "Mechanism type.", tuple(Mechanism.choices()),
           lambda s, v: getattr(fact_value(s.mechanism), "value", None) == v),
    Filter("sector", "Sector", "A covered sector.", tuple(Sector.choices()),
           lambda s, v: any(c.sector.value == v for c in s.scope.sectors)),
    Filter("gas", "Gas", "A covered greenhouse gas.", tuple(Gas.choices()),
           lambda s, v: any(g.value == v for g in s.scope.gases)),
    Filter("price_mechanism", "Price management", "A price or supply management mechanism in place.",
           tuple((k, label) for k, (label, _) in PRICE_MECHANISMS.items()),
           lambda s, v: PRICE_MECHANISMS[v][1](s)),
    Filter("linked", "Linked", "Whether the system has an operating link with another.",
           (("true", "Linked"), ("false", "Not linked")), lambda s, v: is_linked(s) == (v == "true")),
)
FILTERS_BY_NAME = {f.name: f for f in FILTERS}

SORTS: dict[str, tuple[str, Callable[[Factsheet], object]]] = {
    "name": ("Name", lambda s: s.display_name.lower()),
    "status": ("Status", lambda s: (list(Status).index(s.status.current), s.display_name.lower())),
    "start_year": ("Start year", lambda s: (fact_value(s.status.start_year) or 9999, s.display_name.lower())),
    "coverage": ("Coverage share", lambda s: (-(fact_value(s.scope.coverage_share_pct) or -1), s.display_name.lower())),
    "region": ("Region", lambda s: (s.region.label, s.display_name.lower())),
}


def fold(text: str) -> str:
    """Lower-case without accents, so 'quebec' finds 'Québec'."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def search_text(sheet: Factsheet) -> str:
    return fold(" ".join([sheet.id, sheet.name, sheet.short_name or "", *sheet.jurisdictions]))


@dataclass(frozen=True)
class Query:
    selected: Mapping[str, list[str]]
    q: str = ""
    sort: str = "name"
    descending: bool = False

    def apply(self, sheets: Iterable[Factsheet]) -> list[Factsheet]:
        terms = fold(self.q).split()
        result = [
            s for s in sheets
            if all(any(FILTERS_BY_NAME[n].matches(s, v) for v in values) for n, values in self.selected.items() if values)
            and all(t in search_text(s) for t in terms)
        ]
        return sorted(result, key=SORTS[self.sort][1], reverse=self.descending)

    def is_empty(self) -> bool:
        return not self.q and not any(self.selected.values())


def parse_query(params: Mapping[str, Iterable[str]]) -> Query:
    """Build a query from multi-valued parameters (a QueryDict or a dict of lists)."""
    selected = {f.name: f.parse(params.get(f.name, [])) for f in FILTERS}
    q = " ".join(params.get("q", [])).strip()
    sort_raw = "".join(params.get("sort", [])) or "name"
    descending = sort_raw.startswith("-")
    sort = sort_raw.lstrip("-")
    if sort not in SORTS:
        raise FilterError("sort", sort_raw, [*SORTS, *(f"-{k}" for k in SORTS)])
    return Query(selected=selected, q=q, sort=sort, descending=descending)
