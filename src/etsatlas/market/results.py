"""From solved volumes to the reported result: costs, gains, binding constraints, link flows.

Compliance cost (millions) = abatement cost + price x net imports + money paid for offsets.
Auction revenue, ceiling sales and penalty payments stay inside the jurisdiction and are
not counted. Gain from linking = autarky cost - linked cost.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import mac as macs
from .equilibrium import (
    SolveError,
    State,
    autarky,
    autarky_row,
    equilibrium,
    first_consistent,
    states,
)
from .reference import solve_rows as reference_rows
from .scenario import Scenario, System
from .supply import SystemSupply

EPS = 1e-9


def _cost(system: System, v: dict[str, float]) -> float:
    return (
        macs.abatement_cost(system.mac, system.bau, v["abatement"])
        + v["price"] * v["net_imports"]
        + SystemSupply(system).offset_cost(v["offsets"])
    )


def _binding(system: System, v: dict[str, float]) -> list[str]:
    tags = []
    p, scale = v["price"], EPS * max(1.0, system.bau, system.cap)
    auction = system.auction_volume
    if system.floor is not None and auction > 0 and p <= system.floor * (1 + EPS) and v["withheld"] > scale:
        tags.append("floor")
    if system.ecr is not None and system.ecr.volume > 0 and p <= system.ecr.trigger * (1 + EPS) and v["withheld"] > scale:
        tags.append("ecr")
    for i, tier in enumerate(system.ccr):
        if tier.volume > 0 and p >= tier.trigger * (1 - EPS) and v["released"] > scale:
            tags.append(f"ccr:{i + 1}")
    if system.ceiling is not None and p >= system.ceiling * (1 - EPS):
        tags.append("ceiling")
    if system.penalty is not None and v["shortfall"] > scale:
        tags.append("penalty")
    off = system.offsets
    if off is not None and off.limit_pct is not None and v["offsets"] >= off.limit_pct / 100 * v["emissions"] - scale:
        offered = sum(t.quantity for t in off.all_tranches if p >= t.price)
        if offered > v["offsets"] + scale:
            tags.append("offset_limit")
    if p == 0.0 and v["unused"] > scale:
        tags.append("surplus")
    return tags


def _table(scenario: Scenario, result: dict[str, np.ndarray]) -> list[dict[str, float]]:
    """One dict of floats per system; costs computed here unless the solver gave them."""
    columns = {k: np.asarray(a, float).tolist() for k, a in result.items()}
    rows = []
    for i, system in enumerate(scenario.systems):
        v = {k: column[i] for k, column in columns.items()}
        v["withheld"] = system.auction_volume - v["sold"]
        if "cost" not in v:
            v["cost"] = _cost(system, v)
        rows.append(v)
    return rows


PUBLIC = ("price", "abatement", "emissions", "net_imports", "cost")
DETAILS = ("withheld", "released", "offsets", "ceiling_sold", "shortfall", "unused")


def report(scenario: Scenario, solo: dict[str, np.ndarray], linked: dict[str, np.ndarray], state: State, flows: np.ndarray) -> dict[str, Any]:
    """The JSON document: autarky and linked per system id, link flows and volume details."""
    solo_rows, linked_rows = _table(scenario, solo), _table(scenario, linked)
    out: dict[str, Any] = {"autarky": {}, "linked": {}, "flows": [], "details": {"autarky": {}, "linked": {}}}
    at_bound: dict[str, list[str]] = {s.id: [] for s in scenario.systems}
    constrained = [i for i, link in enumerate(scenario.links) if link.constrained]
    positions = dict(zip(constrained, state.positions))
    for li, link in enumerate(scenario.links):
        binding = positions.get(li, "in") != "in"
        out["flows"].append({
            "between": list(link.between), "type": link.type, "net_imports": float(flows[li]),
            "limit": link.limit, "binding": binding,
        })
        if binding:
            for end in link.between:
                at_bound[end].append(f"link:{link.label}")
    for system, a, b in zip(scenario.systems, solo_rows, linked_rows):
        out["autarky"][system.id] = {k: a[k] for k in PUBLIC}
        out["linked"][system.id] = {k: b[k] for k in PUBLIC} | {
            "gain": a["cost"] - b["cost"],
            "binding": _binding(system, b) + at_bound[system.id],
        }
        out["details"]["autarky"][system.id] = {k: a[k] for k in DETAILS} | {"binding": _binding(system, a)}
        out["details"]["linked"][system.id] = {k: b[k] for k in DETAILS}
    return out


def simulate(scenario: Scenario, *, engine: str = "fast") -> dict[str, Any]:
    """Autarky and linked equilibria of a single-period scenario, as the documented JSON."""
    if engine == "reference":
        solo = autarky(scenario, reference_rows)
        state, linked, flows = equilibrium(scenario, reference_rows, batch=False)
        return report(scenario, solo, linked, state, flows)
    from .kernel import solve_rows  # loads the compiled solver on first use

    # One compiled call: autarky and every link state side by side, costs included.
    candidates = list(states(scenario))
    solved = solve_rows(scenario, [autarky_row(scenario)] + [s.row for s in candidates])
    if solved[0] is None:
        raise SolveError("no price clears some system on its own")
    found = first_consistent(scenario, candidates, solved[1:])
    if found is None:
        raise SolveError("no price clears the linked market: demand exceeds all supply and no ceiling applies")
    state, linked, flows = found
    return report(scenario, solved[0], linked, state, flows)
