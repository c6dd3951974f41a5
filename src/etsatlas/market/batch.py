"""Many variants of one scenario at once (Monte Carlo samples), link states included.

The link states of equilibrium.py are tried one after another, each for all variants in one
kernel call; a variant takes the first state whose flows and prices are consistent.
"""

from __future__ import annotations

import numpy as np

from .equilibrium import SolveError, bounds, states
from .kernel import Packed, Rows, _gather, solve_packed
from .scenario import Scenario

Array = np.ndarray
OUT = ("price", "abatement", "emissions", "net_imports", "cost")


def abatement_cost(pk: Packed, a: Array) -> Array:
    """Area under each MAC from 0 to a (S, n), millions."""
    q, m = pk.q, pk.m
    seg = np.diff(q, axis=2) * (m[:, :, 1:] + m[:, :, :-1]) / 2
    cum = np.concatenate([np.zeros(q.shape[:2] + (1,)), np.cumsum(seg, axis=2)], axis=2)
    with np.errstate(divide="ignore", invalid="ignore"):
        j = np.clip((q[:, :, None, :] < a[..., None, None]).sum(-1) - 1, 0, q.shape[2] - 2)
        q0, q1 = _gather(q, j)[..., 0], _gather(q, j + 1)[..., 0]
        m0, m1 = _gather(m, j)[..., 0], _gather(m, j + 1)[..., 0]
        top = m0 + np.where(q1 > q0, (a - q0) * (m1 - m0) / (q1 - q0), 0.0)
        pwl = _gather(cum, j)[..., 0] + (a - q0) * (m0 + top) / 2
        e = 1 / pk.eta
        ce = a ** (1 + e) / ((1 + e) * pk.coef**e)
    return np.where(a <= 0, 0.0, np.where(pk.elastic, ce, pwl))


def offset_cost(pk: Packed, used: Array) -> Array:
    qty = pk.offer_qty
    before = np.cumsum(qty, axis=2) - qty
    take = np.clip(used[..., None] - before, 0.0, qty)
    return (take * np.where(np.isfinite(pk.offer_price), pk.offer_price, 0.0)).sum(-1)


def with_costs(pk: Packed, v: dict[str, Array]) -> dict[str, Array]:
    v["cost"] = abatement_cost(pk, v["abatement"]) + v["price"] * v["net_imports"] + offset_cost(pk, v["offsets"])
    return v


def autarky(pk: Packed) -> dict[str, Array]:
    S, n = pk.bau.shape
    rows = Rows(np.broadcast_to(np.arange(n), (S, n)).copy(), np.ones((S, n)), np.zeros((S, n)))
    out, valid = solve_packed(pk, rows)
    if not valid.all():
        raise SolveError("no price clears some system on its own")
    return with_costs(pk, out)


def linked(scenario: Scenario, pk: Packed) -> dict[str, Array]:
    """Linked equilibrium of every variant (rows of `pk`) of `scenario`."""
    S, n = pk.bau.shape
    index = scenario.index()
    result: dict[str, Array] | None = None
    done = np.zeros(S, bool)
    for state in states(scenario):
        todo = np.flatnonzero(~done)
        if todo.size == 0:
            break
        sub = pk.take(todo)
        row = state.row
        rows = Rows(*(np.broadcast_to(np.array(x), (todo.size, n)).copy() for x in (row.labels, row.factors, row.fixed)))
        out, valid = solve_packed(sub, rows)
        valid &= _consistent(scenario, state, out, index)
        if result is None:
            result = {k: np.full((S, n), np.nan) for k in out}
        for k in out:
            result[k][todo[valid]] = out[k][valid]
        done[todo[valid]] = True
    if result is None or not done.all():
        raise SolveError(f"no price clears the linked market in {int((~done).sum())} of {S} variants")
    return with_costs(pk, result)


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
