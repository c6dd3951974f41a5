"""Side-by-side comparison: the same rows for 2 to 4 factsheets, with differences marked."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from etsatlas.schema import Factsheet
from etsatlas.schema.fact import fact_value

from .filters import PRICE_MECHANISMS, is_linked

MIN_SYSTEMS, MAX_SYSTEMS = 2, 4


def _fact_text(fact) -> str | None:
    value = fact_value(fact)
    if value is None:
        return None
    value = getattr(value, "label", value)
    if isinstance(value, bool):
        value = "yes" if value else "no"
    elif isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value} (uncertain)" if fact.uncertain else str(value)


def _join(items) -> str | None:
    items = [str(i) for i in items]
    return ", ".join(items) if items else None


def _price_level(level) -> str | None:
    if level is None:
        return None
    if not fact_value(level.exists):
        return "none"
    amount = _fact_text(level.value)
    parts = [f"{level.currency or ''} {amount}".strip() if amount else None,
             f"({level.year})" if level.year and amount else None, level.description]
    return " ".join(p for p in parts if p) or "yes"


def _latest_price(s: Factsheet) -> str | None:
    dated = [p for p in s.latest_prices if p.value and p.value.value is not None]
    if not dated:
        return None
    p = max(dated, key=lambda p: (p.date.isoformat() if p.date else str(p.year or "")))
    when = p.date.isoformat() if p.date else (str(p.year) if p.year else "")
    return f"{p.currency} {_fact_text(p.value)} — {p.basis} {when}".strip()


Row = tuple[str, Callable[[Factsheet], str | None]]
SECTIONS: list[tuple[str, list[Row]]] = [
    ("Identity", [
        ("Jurisdictions", lambda s: _join(s.jurisdictions)),
        ("Level of government", lambda s: s.level.label),
        ("Region", lambda s: s.region.label),
        ("Mechanism", lambda s: _fact_text(s.mechanism)),
    ]),
    ("Status", [
        ("Status", lambda s: s.status.current.label),
        ("Start year", lambda s: _fact_text(s.status.start_year)),
        ("End year", lambda s: _fact_text(s.status.end_year)),
    ]),
    ("Scope", [
        ("Sectors", lambda s: _join(c.sector.label for c in s.scope.sectors)),
        ("Gases", lambda s: _join(g.value for g in s.scope.gases)),
        ("Thresholds", lambda s: _fact_text(s.scope.thresholds)),
        ("Coverage (% of emissions)", lambda s: _fact_text(s.scope.coverage_share_pct)),
    ]),
    ("Cap", [
        ("Cap type", lambda s: _fact_text(s.cap.type)),
        ("Latest cap", lambda s: _join(f"{_fact_text(v.value)} {v.unit} ({v.year or v.period})" for v in s.cap.values[-1:])),
    ]),
    ("Allocation", [
        ("Methods", lambda s: "; ".join(s.allocation.methods) or None),
        ("Auction share (%)", lambda s: _fact_text(s.allocation.auction_share_pct)),
    ]),
    ("Flexibility", [
        ("Banking", lambda s: _fact_text(s.flexibility.banking)),
        ("Borrowing", lambda s: _fact_text(s.flexibility.borrowing)),
        ("Offsets allowed", lambda s: _fact_text(s.flexibility.offsets.allowed) if s.flexibility.offsets else None),
        ("Offset limit (% of obligation)",
         lambda s: _fact_text(s.flexibility.offsets.limit_pct) if s.flexibility.offsets else None),
    ]),
    ("Price and supply management", [
        ("Price floor", lambda s: _price_level(s.price_management.floor)),
        ("Price ceiling", lambda s: _price_level(s.price_management.ceiling)),
        ("Cost-containment reserve", lambda s: (
            ("yes" if fact_value(s.price_management.cost_containment.exists) else "none")
            if s.price_management.cost_containment else None)),
        ("Market stability reserve", lambda s: (
            ("yes" if fact_value(s.price_management.stability_reserve.exists) else "none")
            if s.price_management.stability_reserve else None)),
        ("Mechanisms in place", lambda s: _join(label for k, (label, t) in PRICE_MECHANISMS.items() if t(s)) or None),
    ]),
    ("Compliance", [
        ("Compliance period", lambda s: _fact_text(s.compliance.period)),
        ("Penalty", lambda s: _fact_text(s.compliance.penalty.description) if s.compliance.penalty else None),
    ]),
    ("Links and prices", [
        ("Linked", lambda s: "yes" if is_linked(s) else "no"),
        ("Links", lambda s: _join(f"{link.partner} ({link.type.label})" for link in s.links)),
        ("Latest price", _latest_price),
    ]),
]


@dataclass(frozen=True)
class CompareRow:
    label: str
    values: list[str | None]

    @property
    def differs(self) -> bool:
        return len({v for v in self.values}) > 1


def compare_rows(sheets: Sequence[Factsheet]) -> list[tuple[str, list[CompareRow]]]:
    return [(title, [CompareRow(label, [get(s) for s in sheets]) for label, get in rows]) for title, rows in SECTIONS]
