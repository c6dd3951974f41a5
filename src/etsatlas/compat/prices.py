"""Latest prices of a factsheet and the comparisons a link assessment makes with them.

Only observations with a single value count (a range says too little). The latest is the dated
observation with the most recent date; annual averages count only when no dated one exists.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from etsatlas.schema import Factsheet


@dataclass(frozen=True)
class Price:
    value: float
    currency: str
    when: dt.date
    basis: str
    uncertain: bool
    source: str | None
    basis_is_average: bool = False

    def as_dict(self) -> dict[str, object]:
        return {
            "value": self.value,
            "currency": self.currency,
            "date": self.when.isoformat(),
            "basis": self.basis,
            "uncertain": self.uncertain,
            "source": self.source,
        }


def latest_price(sheet: Factsheet) -> Price | None:
    """The most recent single-value price observation of a system, or None."""
    candidates = []
    for obs in sheet.latest_prices:
        if obs.value is None or obs.value.value is None:
            continue
        when = obs.date or (dt.date(obs.year, 12, 31) if obs.year else None)
        if when is None:
            continue
        candidates.append(
            Price(float(obs.value.value), obs.currency or "", when, obs.basis, obs.value.uncertain, obs.source,
                  basis_is_average=obs.date is None)
        )
    # Dated observations first (an annual average is older news than a price of last December).
    return max(candidates, key=lambda p: (not p.basis_is_average, p.when), default=None)


def common_currency(prices: Mapping[str, Price], fx: Mapping[str, float]) -> dict[str, float] | None:
    """Prices expressed in one currency (the first system's), or None without the rates needed."""
    if not prices:
        return None
    target = next(iter(prices.values())).currency
    out: dict[str, float] = {}
    for system_id, price in prices.items():
        if price.currency == target:
            out[system_id] = price.value
        elif price.currency in fx and target in fx:
            out[system_id] = price.value * fx[price.currency] / fx[target]
        else:
            return None
    return out
