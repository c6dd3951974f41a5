"""Economic preview of a link: direction of allowance flows and the range of the linked price.

From latest prices alone, two things follow without a model: allowances flow from the system
with the lower price to the one with the higher price, and the linked price settles between
the lowest and the highest price. The size of the flows needs each system's abatement response,
which only the market simulator provides; `simulate` is the optional hook for it. Without it the
preview says so instead of inventing numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from etsatlas.schema import Factsheet

from .prices import common_currency, latest_price

LATEST_PRICES_ONLY = (
    "Preview from latest observed prices only: the market simulator is not available, so the "
    "size of allowance flows is not estimated."
)

SIMULATOR_NOT_RUN = (
    "Preview from latest observed prices only: the market simulator could not run on these data, "
    "so the size of allowance flows is not estimated."
)


@dataclass(frozen=True)
class Preview:
    method: str
    currency: str | None = None
    prices: Mapping[str, float] = field(default_factory=dict)
    sellers: Sequence[str] = ()
    buyers: Sequence[str] = ()
    price_range: tuple[float, float] | None = None
    flows_mt: Mapping[str, float] | None = None  # net imports, million allowances (simulator only)
    linked_price: float | None = None  # joint price in `currency` (simulator only)
    reason: str | None = None  # why parts of the preview are missing

    def as_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "currency": self.currency,
            "prices": dict(self.prices),
            "sellers": list(self.sellers),
            "buyers": list(self.buyers),
            "price_range": list(self.price_range) if self.price_range else None,
            "flows_mt": dict(self.flows_mt) if self.flows_mt is not None else None,
            "linked_price": self.linked_price,
            "reason": self.reason,
        }


# A simulator step: given the factsheets and the latest-price preview, a richer preview or None.
Simulate = Callable[[Sequence[Factsheet], Preview], Preview | None]


def latest_price_preview(sheets: Sequence[Factsheet], fx: Mapping[str, float]) -> Preview:
    """Direction of flows and price range from the latest prices (the first system's currency)."""
    prices = {s.id: latest_price(s) for s in sheets}
    missing = [i for i, p in prices.items() if p is None]
    if missing:
        return Preview(LATEST_PRICES_ONLY, reason=f"no dated price for {', '.join(missing)}")
    known = {i: p for i, p in prices.items() if p is not None}
    common = common_currency(known, fx)
    if common is None:
        currencies = ", ".join(sorted({p.currency for p in known.values()}))
        return Preview(LATEST_PRICES_ONLY, reason=f"prices are in {currencies} and no exchange rate was given")
    low, high = min(common.values()), max(common.values())
    mid = (low + high) / 2
    return Preview(
        LATEST_PRICES_ONLY,
        currency=next(iter(known.values())).currency,
        prices={i: round(v, 2) for i, v in common.items()},
        sellers=[i for i, v in common.items() if v < mid],
        buyers=[i for i, v in common.items() if v > mid],
        price_range=(round(low, 2), round(high, 2)),
    )


def preview(sheets: Sequence[Factsheet], fx: Mapping[str, float], simulate: Simulate | None = None) -> Preview:
    """The latest-price preview, refined by the simulator step when one is given and can run."""
    base = latest_price_preview(sheets, fx)
    if simulate is not None:
        refined = simulate(sheets, base)
        if refined is not None:
            return refined
    return base
