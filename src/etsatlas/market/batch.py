"""Many variants of one scenario at once (Monte Carlo samples), link states included.

The link states of equilibrium.py are tried one after another, each for all variants in one
solver call; a variant takes the first state whose flows and prices are consistent.
"""

from __future__ import annotations

import numpy as np

from .equilibrium import SolveError, bounds, states
from .kernel import Packed, Rows, solve_packed
from .scenario import Scenario

Array = np.ndarray
OUT = ("price", "abatement", "emissions", "net_imports", "cost")


def autarky(pk: Packed) -> dict[str, Array]:
    """Every system of every variant on its own (each system its own group)."""
    S, n = pk.bau.shape
    rows = Rows(np.tile(np.arange(n), (S, 1)), np.ones((S, n)), np.zeros((S, n)))
    out, valid = solve_packed(pk.as_rows(), rows)
    if not valid.all():
        raise SolveError("no price clears some system on its own")
    return out


def linked(scenario: Scenario, pk: Packed) -> dict[str, Array]:
    """Linked equilibrium of every variant (rows of `pk`) of `scenario`."""
    S, n = pk.bau.shape
    index = scenario.index()
    table = pk.as_rows()  # once: each link state takes the variants still open from it
    result: dict[str, Array] | None = None
    done = np.zeros(S, bool)
    for state in states(scenario):
        todo = np.flatnonzero(~done)
        if todo.size == 0:
            break
        row = state.row
        rows = Rows(*(np.broadcast_to(np.array(x), (todo.size, n)).copy() for x in (row.labels, row.factors, row.fixed)))
        out, valid = solve_packed(table[todo], rows)
        valid &= _consistent(scenario, state, out, index)
        if result is None:
            result = {k: np.full((S, n), np.nan) for k in out}
        for k in out:
            result[k][todo[valid]] = out[k][valid]
        done[todo[valid]] = True
    if result is None or not done.all():
        raise SolveError(f"no price clears the linked market in {int((~done).sum())} of {S} variants")
    return result


def _consistent(scenario: Scenario, state, out: dict[str, Array], index: dict[str, int]) -> Array:
    n, price = len(scenario.systems), out["price"]
    ok = np.ones(price.shape[0], bool)
    scale = np.maximum(1.0, np.abs(out["emissions"]).max(axis=1))
    if state.active:
        m = np.zeros((n, len(state.active)))
        for j, li in enumerate(state.active):
            link = scenario.links[li]
            m[index[link.between[0]], j], m[index[link.between[1]], j] = 1.0, -1 / link.exchange_rate
        flows = (out["net_imports"] - np.array(state.row.fixed)) @ np.linalg.pinv(m).T
    constrained = [i for i, link in enumerate(scenario.links) if link.constrained]
    for li, pos in zip(constrained, state.positions):
        link = scenario.links[li]
        lo, hi = bounds(link)
        pa, pb = price[:, index[link.between[0]]], price[:, index[link.between[1]]] / link.exchange_rate
        slack = 1e-9 * np.maximum(1.0, np.maximum(abs(pa), abs(pb)))
        if pos == "in":
            f = flows[:, state.active.index(li)]
            ok &= (f >= lo - 1e-9 * scale) & (f <= hi + 1e-9 * scale)
        elif pos == "hi":
            ok &= pb <= pa + slack
        else:
            ok &= pb >= pa - slack
    return ok
