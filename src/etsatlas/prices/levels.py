"""Price-management levels: what ICAP's "Primary/Secondary Stability N" columns mean, per system.

ICAP numbers the price-management series of each system without naming them. The table below
names them. Each rule was read off the two real exports (values, their yearly steps and the
years they exist) and checked against the level the system's rules set for that year, as
recorded in the knowledge base (../shared/reference/ets-facts.yaml) or the regulator's rules:

- ca-cat: Stability 1 is the auction reserve price (USD 10.00 in 2012, 25.87 in 2025); 2-4 are the
  three Allowance Price Containment Reserve tiers until 2020 (USD 40/45/50 in 2013); from 2021
  2 and 3 are the two reserve tiers (41.40, 53.20) and 5 the price ceiling (65.00).
- qc-cat: the same WCI levels in CAD; from 2021 Stability 4 is the price ceiling (CAD 133.47 at
  the Nov 2025 auction, matching the knowledge base).
- on-cat: auction reserve price and three reserve tiers (2017-2018, WCI design).
- ns-cat: Stability 1 the auction reserve price (CAD 20 in 2020); 2 the price of allowances
  sold from the reserve (CAD 50 in 2020, +5 % + inflation a year).
- wa-cci: auction floor price (USD 22.20 in 2023), two APCR tiers (51.90, 66.68) and the price
  ceiling (81.47 in 2023, 94.85 in 2025); ICAP has no Stability 4 for Washington.
- nz-ets: up to 2023, Stability 1 the auction reserve price (NZD 20/30/33.06 in 2021/22/23),
  2 the cost containment reserve trigger (50/70/80.64) and Secondary Stability 5 the fixed
  price option (NZD 25, 35 from 2020, abolished 2021). From 2024, 1 the reserve price (64, 68),
  2 and 3 the two CCR tiers (NZD 184/230 in 2024, 193/242 in 2025).
- uk-ets: Stability 1 the auction reserve price (GBP 22), 2 the cost containment mechanism
  trigger price (recomputed monthly from past prices).
- rggi: Stability 1 the minimum reserve price, 2 the cost containment reserve trigger, 3 (from
  2021) the emissions containment reserve trigger. ICAP converts RGGI's short tons to tonnes.

Anything not in the table (a new column, or a year outside a rule's validity) is kept as a
generic level such as "primary_stability_4", and the import warns.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

PRICE = "price"

# Named levels and their labels: the vocabulary of the `series` column besides "price".
LEVELS: dict[str, str] = {
    PRICE: "Price",
    "auction_reserve_price": "Auction reserve price",
    "ccr_trigger": "Cost containment reserve trigger",
    "ccr_tier_1": "Cost containment reserve, tier 1",
    "ccr_tier_2": "Cost containment reserve, tier 2",
    "ccr_tier_3": "Cost containment reserve, tier 3",
    "ecr_trigger": "Emissions containment reserve trigger",
    "ccm_trigger": "Cost containment mechanism trigger",
    "price_ceiling": "Price ceiling",
    "fixed_price_option": "Fixed price option",
}


@dataclass(frozen=True)
class LevelRule:
    """One named level: system, ICAP column, and the dates on which the naming holds."""

    system: str
    column: str  # "Primary Stability 1"
    level: str
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None  # inclusive


_Y2021 = dt.date(2021, 1, 1)
_Y2020_END = dt.date(2020, 12, 31)


def _wci(system: str, ceiling_column: str) -> list[LevelRule]:
    """Western Climate Initiative levels (California, Québec): three tiers until 2020, then two plus a ceiling."""
    return [
        LevelRule(system, "Primary Stability 1", "auction_reserve_price"),
        LevelRule(system, "Primary Stability 2", "ccr_tier_1"),
        LevelRule(system, "Primary Stability 3", "ccr_tier_2"),
        LevelRule(system, "Primary Stability 4", "ccr_tier_3", valid_until=_Y2020_END),
        LevelRule(system, ceiling_column, "price_ceiling", valid_from=_Y2021),
    ]


STABILITY_RULES: list[LevelRule] = [
    *_wci("ca-cat", "Primary Stability 5"),
    *_wci("qc-cat", "Primary Stability 4"),
    LevelRule("on-cat", "Primary Stability 1", "auction_reserve_price"),
    LevelRule("on-cat", "Primary Stability 2", "ccr_tier_1"),
    LevelRule("on-cat", "Primary Stability 3", "ccr_tier_2"),
    LevelRule("on-cat", "Primary Stability 4", "ccr_tier_3"),
    LevelRule("ns-cat", "Primary Stability 1", "auction_reserve_price"),
    LevelRule("ns-cat", "Primary Stability 2", "ccr_tier_1"),
    LevelRule("wa-cci", "Primary Stability 1", "auction_reserve_price"),
    LevelRule("wa-cci", "Primary Stability 2", "ccr_tier_1"),
    LevelRule("wa-cci", "Primary Stability 3", "ccr_tier_2"),
    LevelRule("wa-cci", "Primary Stability 5", "price_ceiling"),
    LevelRule("nz-ets", "Primary Stability 1", "auction_reserve_price"),
    LevelRule("nz-ets", "Primary Stability 2", "ccr_trigger", valid_until=dt.date(2023, 12, 31)),
    LevelRule("nz-ets", "Primary Stability 2", "ccr_tier_1", valid_from=dt.date(2024, 1, 1)),
    LevelRule("nz-ets", "Primary Stability 3", "ccr_tier_2", valid_from=dt.date(2024, 1, 1)),
    LevelRule("nz-ets", "Secondary Stability 5", "fixed_price_option", valid_until=dt.date(2021, 12, 31)),
    LevelRule("uk-ets", "Primary Stability 1", "auction_reserve_price"),
    LevelRule("uk-ets", "Primary Stability 2", "ccm_trigger"),
    LevelRule("rggi", "Primary Stability 1", "auction_reserve_price"),
    LevelRule("rggi", "Primary Stability 2", "ccr_trigger"),
    LevelRule("rggi", "Primary Stability 3", "ecr_trigger", valid_from=_Y2021),
]


def generic_level(column: str) -> str:
    """The fallback name of an unmapped column: "Primary Stability 4" -> "primary_stability_4"."""
    return "_".join(column.lower().split())


def level_label(series: str) -> str:
    if series in LEVELS:
        return LEVELS[series]
    return series.replace("_", " ").capitalize() + " (unnamed level)"


def name_levels(system: str, column: str, dates: pd.Series | np.ndarray) -> tuple[np.ndarray, int]:
    """Name each date's level for one system and stability column.

    Returns the names (an array aligned with `dates`) and how many dates no rule covers
    (those keep the generic name, and the caller warns).
    """
    values = np.asarray(dates, dtype="datetime64[us]")
    names = np.empty(len(values), dtype=object)
    names.fill(generic_level(column))
    covered = np.zeros(len(values), dtype=bool)
    for rule in STABILITY_RULES:
        if rule.system != system or rule.column != column:
            continue
        within = np.ones(len(values), dtype=bool)
        if rule.valid_from is not None:
            within &= values >= np.datetime64(rule.valid_from, "us")
        if rule.valid_until is not None:
            within &= values <= np.datetime64(rule.valid_until, "us")
        mask = within & ~covered
        names[mask] = rule.level
        covered |= mask
    return names, int((~covered).sum())
