"""Compliance costs of packed systems, vectorised (mirrors results._cost for one system).

Cost (millions) = abatement cost (the area under the MAC) + price x net imports + money paid
for offsets, cheapest tranche first.
"""

from __future__ import annotations

import numpy as np

from .packed import Packed

Array = np.ndarray


def abatement_cost(pk: Packed, a: Array) -> Array:
    """Area under each MAC from 0 to a (S, n), millions; `pk` has S rows or one to share.

    Same arithmetic as mac.abatement_cost: whole segments summed in order, then the trapezoid
    up to a on the segment holding it.
    """
    q, m = pk.q, pk.m
    S, n, K = q.shape
    cum = np.zeros((S, n, K))
    cum[:, :, 1:] = np.cumsum((q[:, :, 1:] - q[:, :, :-1]) * (m[:, :, 1:] + m[:, :, :-1]) / 2, axis=2)
    j = np.minimum(np.maximum((q < a[..., None]).sum(-1) - 1, 0), K - 2)  # the segment holding a
    idx = (np.arange(S * n) * K).reshape(S, n) + j
    q_flat, m_flat = q.reshape(-1), m.reshape(-1)
    q0, q1, m0, m1 = q_flat[idx], q_flat[idx + 1], m_flat[idx], m_flat[idx + 1]
    rises = q1 > q0
    top = np.where(rises, m0 + (a - q0) * (m1 - m0) / np.where(rises, q1 - q0, 1.0), m0)  # the MAC at a
    cost = cum.reshape(-1)[idx] + (a - q0) * (m0 + top) / 2
    if pk.any_elastic:
        with np.errstate(divide="ignore", invalid="ignore"):
            e = 1 / pk.eta
            cost = np.where(pk.elastic, a ** (1 + e) / ((1 + e) * pk.coef**e), cost)
    return np.where(a <= 0, 0.0, cost)


def offset_cost(pk: Packed, used: Array) -> Array:
    qty = pk.offer_qty
    before = np.cumsum(qty, axis=2) - qty
    take = np.clip(used[..., None] - before, 0.0, qty)
    return (take * np.where(np.isfinite(pk.offer_price), pk.offer_price, 0.0)).sum(-1)


def with_costs(pk: Packed, v: dict[str, Array]) -> dict[str, Array]:
    v["cost"] = abatement_cost(pk, v["abatement"]) + v["price"] * v["net_imports"] + offset_cost(pk, v["offsets"])
    return v
