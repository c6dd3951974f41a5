"""Small in-memory factsheets for tests, docs and notebooks: a valid minimum plus what you set.

>>> sheet = example("aa-ets", flexibility={"banking": "allowed"})
>>> sheet.flexibility.banking.value.value
'allowed'
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from etsatlas.schema import Factsheet


def merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """`base` updated by `extra`, nested mappings merged rather than replaced."""
    out = dict(base)
    for key, value in extra.items():
        out[key] = merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def example(system_id: str, **parts: Any) -> Factsheet:
    """A validated factsheet with only an identity, a status and one source, plus `parts`."""
    base: dict[str, Any] = {
        "id": system_id,
        "name": f"Example system {system_id}",
        "short_name": system_id.upper(),
        "jurisdictions": ["Example"],
        "level": "national",
        "region": "europe",
        "status": {"current": "in_force"},
        "as_of": dt.date(2026, 1, 1).isoformat(),
        "sources": [{"url": f"https://example.org/{system_id}", "as_of": "2026-01-01"}],
    }
    return Factsheet.model_validate(merge(base, parts))


def aligned_pair() -> tuple[Factsheet, Factsheet]:
    """Two linked cap-and-trade systems that agree on every element the rules read."""
    common: dict[str, Any] = {
        "mechanism": "cap_and_trade",
        "scope": {"sectors": [{"sector": "power"}, {"sector": "industry"}], "gases": ["CO2"]},
        "cap": {"type": "absolute"},
        "allocation": {"methods": ["auctioning", "free allocation to industry"]},
        "flexibility": {"banking": "allowed", "borrowing": "not_allowed", "offsets": {"allowed": False}},
        "price_management": {
            "floor": {"exists": True, "value": 20, "currency": "EUR"},
            "ceiling": {"exists": False},
            "cost_containment": {"exists": False},
            "stability_reserve": {"exists": False},
            "emissions_containment": {"exists": False},
        },
        "compliance": {"period": "annual", "penalty": {"make_good": True, "amount": 100, "currency": "EUR"}},
        "governance": {"mrv": "verified annual reports", "registry": "national registry", "oversight": "financial regulator"},
        "latest_prices": [{"value": 60, "currency": "EUR", "date": "2025-12-01", "basis": "auction price"}],
    }
    return (
        example("aa-ets", links=[{"partner": "bb-ets", "type": "two_way", "since": "2020-01-01"}], **common),
        example("bb-ets", links=[{"partner": "aa-ets", "type": "two_way", "since": "2020-01-01"}], **common),
    )
