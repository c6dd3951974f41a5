"""Linked equilibrium: which links bind, which systems price together, and the reported result.

Free two-way links always equalise prices (up to the exchange rate). One-way and restricted
links are each at their lower bound, interior or at their upper bound; the solver tries the
combinations (at most 3 ** 8) and keeps the one whose flows and prices are consistent. The
equilibrium is unique, so the first consistent combination is the answer.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from .reference import Row
from .scenario import Link, Scenario

RowSolver = Callable[[Scenario, list[Row]], list[dict[str, np.ndarray] | None]]
TOL = 1e-9


class SolveError(RuntimeError):
    """No price clears the market (demand above all supply with no ceiling), or no link state fits."""


def bounds(link: Link) -> tuple[float, float]:
    """Bounds on net imports into the first system, in its tonnes."""
    limit = np.inf if link.limit is None else link.limit
    return (0.0 if link.type == "one_way" else -limit, limit)


@dataclass(frozen=True)
class State:
    """Where each constrained link sits: "lo", "in" or "hi" (free links are always "in")."""

    positions: tuple[str, ...]
    row: Row
    active: tuple[int, ...]  # indices of links whose flow is free (interior)


def _groups(scenario: Scenario, active: list[int]) -> tuple[list[int], list[float]] | None:
    """Group label and price factor of each system over the active links; None on an arbitrage cycle."""
    index = scenario.index()
    n = len(scenario.systems)
    adjacency: dict[int, list[tuple[int, float]]] = {i: [] for i in range(n)}
    for li in active:
        link = scenario.links[li]
        a, b = index[link.between[0]], index[link.between[1]]
        adjacency[a].append((b, link.exchange_rate))
        adjacency[b].append((a, 1 / link.exchange_rate))
    labels, factors = [-1] * n, [1.0] * n
    for start in range(n):
        if labels[start] >= 0:
            continue
        labels[start] = start
        stack = [start]
        while stack:
            node = stack.pop()
            for other, rate in adjacency[node]:
                expected = factors[node] * rate
                if labels[other] < 0:
                    labels[other], factors[other] = start, expected
                    stack.append(other)
                elif abs(factors[other] - expected) > TOL * expected:
                    return None
    return labels, factors


def states(scenario: Scenario) -> Iterator[State]:
    index = scenario.index()
    n = len(scenario.systems)
    free = [i for i, link in enumerate(scenario.links) if not link.constrained]
    constrained = [i for i, link in enumerate(scenario.links) if link.constrained]
    options = []
    for li in constrained:
        lo, hi = bounds(scenario.links[li])
        options.append(["in"] + (["lo"] if np.isfinite(lo) else []) + (["hi"] if np.isfinite(hi) else []))
    for positions in itertools.product(*options):
        active = free + [li for li, pos in zip(constrained, positions) if pos == "in"]
        grouped = _groups(scenario, active)
        if grouped is None:
            continue
        fixed = [0.0] * n
        for li, pos in zip(constrained, positions):
            if pos == "in":
                continue
            link = scenario.links[li]
            g = bounds(link)[0 if pos == "lo" else 1]
            fixed[index[link.between[0]]] += g
            fixed[index[link.between[1]]] -= g / link.exchange_rate
        yield State(tuple(positions), Row(tuple(grouped[0]), tuple(grouped[1]), tuple(fixed)), tuple(active))


def link_flows(scenario: Scenario, state: State, net_imports: np.ndarray) -> np.ndarray:
    """Net imports into each link's first system (its tonnes); interior flows by least squares."""
    index = scenario.index()
    flows = np.zeros(len(scenario.links))
    constrained = [i for i, link in enumerate(scenario.links) if link.constrained]
    for li, pos in zip(constrained, state.positions):
        if pos != "in":
            flows[li] = bounds(scenario.links[li])[0 if pos == "lo" else 1]
    if state.active:
        m = np.zeros((len(scenario.systems), len(state.active)))
        for j, li in enumerate(state.active):
            link = scenario.links[li]
            m[index[link.between[0]], j] = 1.0
            m[index[link.between[1]], j] = -1 / link.exchange_rate
        interior = net_imports - np.array(state.row.fixed)
        flows[list(state.active)] = np.linalg.lstsq(m, interior, rcond=None)[0]
    return flows


def consistent(scenario: Scenario, state: State, result: dict[str, np.ndarray], flows: np.ndarray) -> bool:
    index = scenario.index()
    price = result["price"]
    scale = max(1.0, float(np.max(np.abs(result["emissions"]), initial=0.0)))
    constrained = [i for i, link in enumerate(scenario.links) if link.constrained]
    for li, pos in zip(constrained, state.positions):
        link = scenario.links[li]
        lo, hi = bounds(link)
        pa, pb = price[index[link.between[0]]], price[index[link.between[1]]] / link.exchange_rate
        slack = TOL * max(1.0, abs(pa), abs(pb))
        if pos == "in" and not (lo - TOL * scale <= flows[li] <= hi + TOL * scale):
            return False
        if pos == "hi" and pb > pa + slack:
            return False
        if pos == "lo" and pb < pa - slack:
            return False
    return True


def equilibrium(scenario: Scenario, solve_rows: RowSolver, *, batch: bool) -> tuple[State, dict[str, np.ndarray], np.ndarray]:
    """The linked equilibrium: the link state, the per-system volumes and the link flows."""
    all_states = list(states(scenario))
    chunk = len(all_states) if batch else 1
    for start in range(0, len(all_states), chunk):
        group = all_states[start : start + chunk]
        for state, result in zip(group, solve_rows(scenario, [s.row for s in group])):
            if result is None:
                continue
            flows = link_flows(scenario, state, result["net_imports"])
            if consistent(scenario, state, result, flows):
                return state, result, flows
    raise SolveError("no price clears the linked market: demand exceeds all supply and no ceiling applies")


def autarky(scenario: Scenario, solve_rows: RowSolver) -> dict[str, np.ndarray]:
    n = len(scenario.systems)
    row = Row(tuple(range(n)), (1.0,) * n, (0.0,) * n)
    result = solve_rows(scenario, [row])[0]
    if result is None:
        raise SolveError("no price clears some system on its own: demand exceeds all supply and no ceiling applies")
    return result
