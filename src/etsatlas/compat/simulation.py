"""The optional simulator step of the economic preview, used when `etsatlas.market` is installed.

Where the data allow, it builds a one-period scenario from the factsheets and solves the linked
market: each system's annual cap (Mt CO2e, for the year of its latest price) and latest price
(in one currency), with a linear abatement cost curve calibrated so that the system alone
clears at that price. BAU emissions are never in a factsheet: they are assumed `BAU_MARGIN_PCT`
above the cap, an assumption the preview states. Floors and ceilings are left out (their
currencies and years rarely match the prices'), so the result is a rough guide to the direction
and size of flows, not a forecast.
"""

from __future__ import annotations

import dataclasses
import importlib
import itertools
from collections.abc import Mapping, Sequence
from typing import Any

from etsatlas.schema import Factsheet

from .preview import SIMULATOR_NOT_RUN, Preview, Simulate
from .prices import latest_price

BAU_MARGIN_PCT = 10.0
METHOD = (
    "Market simulator: linear abatement cost curves calibrated to each system's latest price at its "
    f"annual cap; BAU emissions assumed {BAU_MARGIN_PCT:g} % above the cap (an assumption, not data); "
    "price floors and ceilings left out. Flows are a rough guide, not a forecast."
)


def scenario_data(sheets: Sequence[Factsheet], prices: Mapping[str, float]) -> tuple[dict[str, Any] | None, str | None]:
    """A scenario document for the market package, or (None, why not)."""
    systems = []
    for sheet in sheets:
        price = latest_price(sheet)
        cap = sheet.cap.annual_mt(until_year=price.when.year) if price else None
        if cap is None or cap <= 0:
            return None, f"no annual cap in Mt CO2e for {sheet.id}"
        if prices.get(sheet.id, 0) <= 0:
            return None, f"no positive price for {sheet.id}"
        bau = cap * (1 + BAU_MARGIN_PCT / 100)
        slope = prices[sheet.id] / (bau - cap)
        systems.append({"id": sheet.id, "name": sheet.display_name, "bau": bau, "cap": cap,
                        "mac": {"type": "linear", "slope": slope}})
    links = [{"between": [a["id"], b["id"]], "type": "two_way"} for a, b in itertools.pairwise(systems)]
    return {"name": "Link preview", "systems": systems, "links": links}, None


def market_step() -> Simulate | None:
    """The simulator step when the market package is installed, else None."""
    try:
        market = importlib.import_module("etsatlas.market")
    except ImportError:
        return None

    def step(sheets: Sequence[Factsheet], base: Preview) -> Preview | None:
        if not base.prices:
            return None
        data, why = scenario_data(sheets, base.prices)
        if data is None:
            return dataclasses.replace(base, method=SIMULATOR_NOT_RUN, reason=f"market simulator not run: {why}")
        try:
            result = market.simulate(market.Scenario.model_validate(data))
        except Exception as exc:  # noqa: BLE001 - a failed preview must not break the assessment
            return dataclasses.replace(base, method=SIMULATOR_NOT_RUN, reason=f"market simulator failed: {exc}")
        linked = result["linked"]
        flows = {i: round(v["net_imports"], 2) for i, v in linked.items()}
        price = round(next(iter(linked.values()))["price"], 2)
        return dataclasses.replace(
            base,
            method=METHOD,
            flows_mt=flows,
            linked_price=price,
            sellers=[i for i, f in flows.items() if f < 0],
            buyers=[i for i, f in flows.items() if f > 0],
        )

    return step
