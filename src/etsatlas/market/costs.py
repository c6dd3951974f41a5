"""Compliance costs of packed systems, vectorised (mirrors results._cost for one system).

Cost (millions) = abatement cost (the area under the MAC) + price x net imports + money paid
for offsets, cheapest tranche first.
"""

from __future__ import annotations

import numpy as np

from .packed import Packed

Array = np.ndarray


def abatement_cost(pk: Packed, a: Array) -> Array:
    """Area under each MAC from 0 to a (S, n), millions; `pk` has S rows or one to share."""
    q, m = pk.q, pk.m
    S, n, K = q.shape
    seg = np.diff(q, axis=2) * (m[:, :, 1:] + m[:, :, :-1]) / 2
    cum = np.concatenate([np.zeros((S, n, 1)), np.cumsum(seg, axis=2)], axis=2).ravel()
    _, q_flat, slope_flat, _ = pk.segments
    m_flat = m.ravel()
    j = np.clip((q < a[..., None]).sum(-1) - 1, 0, K - 2)
    idx = pk.point_base[..., 0] + j
    top = m_flat[idx] + (a - q_flat[idx]) * np.where(slope_flat[idx] > 0, 1 / np.where(slope_flat[idx] > 0, slope_flat[idx], 1.0), 0.0)
    pwl = cum[idx] + (a - q_flat[idx]) * (m_flat[idx] + top) / 2
    if pk.any_elastic:
        with np.errstate(divide="ignore", invalid="ignore"):
            e = 1 / pk.eta
            pwl = np.where(pk.elastic, a ** (1 + e) / ((1 + e) * pk.coef**e), pwl)
    return np.where(a <= 0, 0.0, pwl)


def offset_cost(pk: Packed, used: Array) -> Array:
    qty = pk.offer_qty
    before = np.cumsum(qty, axis=2) - qty
    take = np.clip(used[..., None] - before, 0.0, qty)
    return (take * np.where(np.isfinite(pk.offer_price), pk.offer_price, 0.0)).sum(-1)


def with_costs(pk: Packed, v: dict[str, Array]) -> dict[str, Array]:
    v["cost"] = abatement_cost(pk, v["abatement"]) + v["price"] * v["net_imports"] + offset_cost(pk, v["offsets"])
    return v
