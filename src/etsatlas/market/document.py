"""One entry point for a scenario document: single-period (`systems` + `links`) or horizon (`years`)."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from .banking import Horizon, run
from .io import ScenarioError, _field_path, parse_scenario
from .montecarlo import monte_carlo
from .results import simulate
from .scenario import Scenario
from .supply import SystemSupply


def is_horizon(data: Any) -> bool:
    return isinstance(data, dict) and "years" in data


def parse_horizon(data: dict[str, Any], *, source: str | None = None) -> Horizon:
    try:
        return Horizon.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        message = str(first.get("msg", "invalid value")).removeprefix("Value error, ")
        raise ScenarioError(message, field=_field_path(tuple(first.get("loc", ()))) or None, source=source) from None


def curves(scenario: Scenario, result: dict[str, Any], points: int = 41) -> dict[str, Any]:
    """Excess demand (emissions minus own supply, Mt) of each system over a price grid, for charts."""
    top = max([v["price"] for regime in ("autarky", "linked") for v in result[regime].values()] + [1.0]) * 1.5
    grid = [top * i / (points - 1) for i in range(points)]
    out: dict[str, Any] = {"price": grid, "systems": {}}
    for system in scenario.systems:
        supply = SystemSupply(system)
        demand = []
        for p in grid:
            parts = supply.parts(p, "R")
            demand.append(None if parts.ceiling else parts.emissions - parts.allowances - parts.offsets - parts.shortfall)
        out["systems"][system.id] = demand
    return out


def run_document(data: Any, *, samples: int = 0, seed: int = 0, with_curves: bool = False, source: str | None = None) -> dict[str, Any]:
    """Validate and run a decoded document; raises ScenarioError or SolveError."""
    if is_horizon(data):
        return run(parse_horizon(data, source=source))
    scenario = parse_scenario(data, source=source)
    result = simulate(scenario)
    if samples:
        result["samples"] = monte_carlo(scenario, samples, seed=seed)
    if with_curves:
        result["curves"] = curves(scenario, result)
    return result
