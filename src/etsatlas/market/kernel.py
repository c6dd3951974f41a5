"""The fast solver: every market group of many scenarios cleared at once with numpy.

Each system's excess supply is piecewise linear in the price between known breakpoints
(MAC points, floor, triggers, ceiling, penalty, offset prices and where the offset limit
starts to bind). The kernel finds, for each group, the breakpoint interval holding the
root (all candidates at once for small batches, a vectorised binary search for large ones)
and interpolates exactly; constant-elasticity curves are refined by bisection.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from .mac import normalized_points
from .reference import FIELDS, Row
from .scenario import ElasticMac, Scenario

Array = np.ndarray
FULL_SEARCH_LIMIT = 3_000_000  # elements; above it, binary search over the candidates


@dataclass
class Packed:
    """System parameters of S scenarios padded to n systems: arrays (S, n[, K|T|M])."""

    bau: Array
    free: Array
    auction: Array
    elastic: Array  # bool: constant-elasticity MAC (else piecewise-linear points q, m)
    q: Array
    m: Array
    npts: Array
    coef: Array
    eta: Array
    floor: Array  # -inf when absent
    ecr_trigger: Array  # -inf when absent
    ecr_volume: Array
    tier_trigger: Array  # +inf when absent
    tier_volume: Array
    ceiling: Array  # +inf when absent
    penalty: Array  # +inf when absent
    offer_price: Array  # +inf when absent, sorted
    offer_qty: Array
    limit: Array  # offset limit share, +inf when absent

    def take(self, idx: Array) -> Packed:
        return Packed(**{f.name: getattr(self, f.name)[idx] for f in fields(self)})


def pack(scenarios: list[Scenario]) -> Packed:
    """Arrays of the systems of several scenarios (a Python loop; generate arrays directly for speed)."""
    S = len(scenarios)
    n = max(len(s.systems) for s in scenarios)
    K = max([2, *(len(normalized_points(x.mac, x.bau)) for s in scenarios for x in s.systems if not isinstance(x.mac, ElasticMac))])
    T = max([1, *(len(x.ccr) for s in scenarios for x in s.systems)])
    M = max([1, *(len(x.offsets.all_tranches()) if x.offsets else 0 for s in scenarios for x in s.systems)])
    z = np.zeros
    pk = Packed(
        bau=z((S, n)), free=z((S, n)), auction=z((S, n)), elastic=z((S, n), bool), q=z((S, n, K)), m=z((S, n, K)),
        npts=np.ones((S, n), int), coef=np.ones((S, n)), eta=np.ones((S, n)), floor=np.full((S, n), -np.inf),
        ecr_trigger=np.full((S, n), -np.inf), ecr_volume=z((S, n)), tier_trigger=np.full((S, n, T), np.inf),
        tier_volume=z((S, n, T)), ceiling=np.full((S, n), np.inf), penalty=np.full((S, n), np.inf),
        offer_price=np.full((S, n, M), np.inf), offer_qty=z((S, n, M)), limit=np.full((S, n), np.inf),
    )
    for si, scenario in enumerate(scenarios):
        for i, x in enumerate(scenario.systems):
            pk.bau[si, i], pk.auction[si, i] = x.bau, x.auction_volume
            pk.free[si, i] = x.cap - x.auction_volume
            if isinstance(x.mac, ElasticMac):
                pk.elastic[si, i], pk.coef[si, i], pk.eta[si, i] = True, x.mac.coefficient, x.mac.elasticity
            else:
                pts = normalized_points(x.mac, x.bau)
                pts += [pts[-1]] * (K - len(pts))
                pk.q[si, i], pk.m[si, i] = zip(*pts)
                pk.npts[si, i] = len(normalized_points(x.mac, x.bau))
            for attr in ("floor", "ceiling", "penalty"):
                if getattr(x, attr) is not None:
                    getattr(pk, attr)[si, i] = getattr(x, attr)
            if x.ecr:
                pk.ecr_trigger[si, i], pk.ecr_volume[si, i] = x.ecr.trigger, x.ecr.volume
            for t, tier in enumerate(x.ccr):
                pk.tier_trigger[si, i, t], pk.tier_volume[si, i, t] = tier.trigger, tier.volume
            if x.offsets:
                for t, tranche in enumerate(x.offsets.all_tranches()):
                    pk.offer_price[si, i, t], pk.offer_qty[si, i, t] = tranche.price, tranche.quantity
                if x.offsets.limit_pct is not None:
                    pk.limit[si, i] = x.offsets.limit_pct / 100
    return pk


def _gather(a: Array, j: Array) -> Array:
    """a (R, n, K) at index j (R, n, C) -> (R, n, C)."""
    return np.take_along_axis(a[:, :, None, :], j[..., None], axis=3)[..., 0]


def abatement(pk: Packed, x: Array) -> Array:
    """Abatement at own price x (R, n, C), capped at BAU."""
    bau = pk.bau[..., None]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        count = (pk.m[:, :, None, :] <= x[..., None]).sum(-1)
        j = np.clip(count - 1, 0, pk.m.shape[2] - 2)
        q0, q1, m0, m1 = _gather(pk.q, j), _gather(pk.q, j + 1), _gather(pk.m, j), _gather(pk.m, j + 1)
        last = np.take_along_axis(pk.m, (pk.npts - 1)[..., None], axis=2)
        inner = q0 + (x - m0) * (q1 - q0) / (m1 - m0)
        pwl = np.where(x <= pk.m[:, :, :1], 0.0, np.where(x >= last, bau, inner))
        top = ((pk.bau / pk.coef) ** (1 / pk.eta))[..., None]
        ce = np.where(x >= top, bau, np.minimum(pk.coef[..., None] * np.maximum(x, 0.0) ** pk.eta[..., None], bau))
    return np.where(pk.elastic[..., None], ce, pwl)


def _ge(x: Array, level: Array, right: bool) -> Array:
    return x >= level if right else x > level


def parts(pk: Packed, x: Array, right: bool) -> dict[str, Array]:
    """Volumes of every system at own prices x (R, n, C), from the right or left side."""
    e = lambda a: a[..., None]
    xe = np.minimum(x, e(pk.penalty))
    a = abatement(pk, xe)
    emissions = e(pk.bau) - a
    floor_ok = _ge(x, e(pk.floor), right)
    ecr_on = ~_ge(x, e(pk.ecr_trigger), right)
    sold = np.where(floor_ok, e(pk.auction) - np.where(ecr_on, e(pk.ecr_volume), 0.0), 0.0)
    released = (_ge(x[..., None], pk.tier_trigger[:, :, None, :], right) * pk.tier_volume[:, :, None, :]).sum(-1)
    offer = (_ge(xe[..., None], pk.offer_price[:, :, None, :], right) * pk.offer_qty[:, :, None, :]).sum(-1)
    limited = np.isfinite(e(pk.limit))
    offsets = np.where(limited, np.minimum(offer, np.where(limited, e(pk.limit), 0.0) * emissions), offer)
    shortfall = np.where(_ge(x, e(pk.penalty), right), emissions - offsets, 0.0)
    excess = e(pk.free) + sold + released + offsets + shortfall - emissions
    return {
        "abatement": a, "emissions": emissions, "sold": sold, "released": released, "offsets": offsets,
        "shortfall": shortfall, "excess": excess, "ceiling": _ge(x, e(pk.ceiling), right),
    }


def breakpoints(pk: Packed) -> Array:
    """Candidate prices (S, n, B) in each system's own price; 0 stands in for absent levels."""
    finite = lambda a: np.where(np.isfinite(a), a, 0.0)
    top = np.where(pk.elastic, (pk.bau / pk.coef) ** (1 / pk.eta), np.take_along_axis(pk.m, (pk.npts - 1)[..., None], 2)[..., 0])
    # Where the offset limit starts to bind: limit * emissions(p) equals the credits offered so far.
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(np.isfinite(pk.limit) & (pk.limit > 0), pk.limit, np.inf)[..., None]
        target = pk.bau[..., None] - np.cumsum(pk.offer_qty, axis=2) / share
        ok = (target >= 0) & (target < pk.bau[..., None]) & np.isfinite(share)
        target = np.where(ok, target, 0.0)
        count = (pk.q[:, :, None, :] <= target[..., None]).sum(-1)
        j = np.clip(count - 1, 0, pk.q.shape[2] - 2)
        q0, q1, m0, m1 = _gather(pk.q, j), _gather(pk.q, j + 1), _gather(pk.m, j), _gather(pk.m, j + 1)
        pwl = np.where(q1 > q0, m0 + (target - q0) * (m1 - m0) / (q1 - q0), m0)
        ce = (target / pk.coef[..., None]) ** (1 / pk.eta[..., None])
    switch = np.where(ok, np.where(pk.elastic[..., None], ce, pwl), 0.0)
    pieces = [
        np.where(pk.elastic[..., None], 0.0, pk.m), top[..., None], finite(pk.floor)[..., None],
        finite(pk.ecr_trigger)[..., None], finite(pk.tier_trigger), finite(pk.ceiling)[..., None],
        finite(pk.penalty)[..., None], finite(pk.offer_price), switch,
    ]
    return np.concatenate(pieces, axis=2)


@dataclass
class Rows:
    labels: Array  # (R, n) group label of each system
    factors: Array  # (R, n) price factor relative to the group's price
    fixed: Array  # (R, n) fixed inflows (own tonnes) from links at a bound

    @property
    def onehot(self) -> Array:
        n = self.labels.shape[1]
        return self.labels[:, :, None] == np.arange(n)  # (R, n system, G group)


def _group_sum(rows: Rows, onehot: Array, values: Array) -> Array:
    """Sum of factor * value over each group's members: (R, n, C) -> (R, G, C)."""
    return np.einsum("ric,rig->rgc", values * rows.factors[..., None], onehot)


def _balance(pk: Packed, rows: Rows, onehot: Array, group_price: Array, right: bool) -> Array:
    """Group excess supply (R, G, C) at group prices (R, G, C)."""
    x = rows.factors[..., None] * np.take_along_axis(group_price, rows.labels[..., None], axis=1)
    p = parts(pk, x, right)
    total = _group_sum(rows, onehot, p["excess"] + rows.fixed[..., None])
    capped = np.einsum("ric,rig->rgc", p["ceiling"], onehot) > 0
    return np.where(capped, np.inf, total)


def _find_interval(pk: Packed, rows: Rows, onehot: Array, cand: Array) -> tuple[Array, Array]:
    """Index of the first candidate with non-negative right balance, per group; and feasibility."""
    R, G, C = rows.labels.shape[0], rows.labels.shape[1], cand.shape[1]
    if R * G * C * max(pk.m.shape[2], 4) <= FULL_SEARCH_LIMIT:
        prices = np.broadcast_to(cand[:, None, :], (R, G, C))
        ok = _balance(pk, rows, onehot, prices, True) >= 0
        return np.argmax(ok, axis=2), ok.any(axis=2)
    lo, hi = np.full((R, G), -1), np.full((R, G), C - 1)
    feasible = _balance(pk, rows, onehot, cand[:, -1:, None].repeat(G, 1), True)[..., 0] >= 0
    while np.any(hi - lo > 1):
        mid = (lo + hi) // 2
        ok = _balance(pk, rows, onehot, np.take_along_axis(cand, np.maximum(mid, 0), 1)[..., None], True)[..., 0] >= 0
        active = hi - lo > 1
        hi, lo = np.where(active & ok, mid, hi), np.where(active & ~ok, mid, lo)
    return hi, feasible


def _root(pk: Packed, rows: Rows, onehot: Array, cand: Array, j: Array) -> Array:
    at = lambda idx: np.take_along_axis(cand, idx, 1)
    c1, c0 = at(j), at(np.maximum(j - 1, 0))
    f1 = _balance(pk, rows, onehot, c1[..., None], False)[..., 0]
    f0 = _balance(pk, rows, onehot, c0[..., None], True)[..., 0]
    with np.errstate(divide="ignore", invalid="ignore"):
        inner = c0 - f0 * (c1 - c0) / (f1 - f0)
    price = np.where((j == 0) | (f1 <= 0), c1, np.clip(inner, c0, c1))
    # Constant-elasticity members make the balance curved between breakpoints: bisect there.
    curved = (np.einsum("ri,rig->rg", pk.elastic, onehot) > 0) & (j > 0) & (f1 > 0)
    if curved.any():
        lo, hi = c0.copy(), c1.copy()
        for _ in range(100):
            mid = 0.5 * (lo + hi)
            ok = _balance(pk, rows, onehot, mid[..., None], True)[..., 0] >= 0
            hi, lo = np.where(ok, mid, hi), np.where(ok, lo, mid)
            if not np.any(curved & (hi - lo > 4e-16 * hi)):
                break
        price = np.where(curved, hi, price)
    return price


def _volumes(pk: Packed, rows: Rows, onehot: Array, price: Array) -> dict[str, Array]:
    own = rows.factors * np.take_along_axis(price, rows.labels, axis=1)
    left = {k: v[..., 0] for k, v in parts(pk, own[..., None], False).items()}
    right = {k: v[..., 0] for k, v in parts(pk, own[..., None], True).items()}
    group = lambda v: _group_sum(rows, onehot, v[..., None])[..., 0]
    member = lambda g: np.take_along_axis(g, rows.labels, axis=1)
    low, high = group(left["excess"] + rows.fixed), group(right["excess"] + rows.fixed)
    n_ceil = np.einsum("ri,rig->rg", right["ceiling"].astype(float), onehot.astype(float))
    at_zero, capped = price == 0.0, (n_ceil > 0) & (high < 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        theta = np.where(high > low, np.clip(-low / (high - low), 0.0, 1.0), 1.0)
    theta = member(np.where(at_zero | capped, 1.0, theta))
    out = {k: left[k] + theta * (right[k] - left[k]) for k in ("abatement", "emissions", "sold", "released", "offsets", "shortfall")}
    with np.errstate(divide="ignore", invalid="ignore"):
        ceiling_sold = np.where(right["ceiling"] & member(capped), member(-high / np.maximum(n_ceil, 1)) / rows.factors, 0.0)
        weight = np.maximum(rows.factors * (right["excess"] + rows.fixed), 0.0)
        total_weight = member(group(weight / rows.factors))
        share = np.where(total_weight > 0, weight / total_weight, 0.0)
        unused = np.where(member(at_zero & (high > 0)), member(high) * share / rows.factors, 0.0)
    out["price"], out["ceiling_sold"], out["unused"] = own, ceiling_sold, unused
    out["net_imports"] = out["emissions"] - (
        pk.free + out["sold"] + out["released"] + out["offsets"] + out["shortfall"] + ceiling_sold - unused
    )
    return out


def solve_packed(pk: Packed, rows: Rows) -> tuple[dict[str, Array], Array]:
    """Clear every group of every row; `pk` holds one scenario per row. Returns volumes and row validity."""
    onehot = rows.onehot
    own = breakpoints(pk) / rows.factors[..., None]
    cand = np.sort(np.concatenate([np.zeros((own.shape[0], 1)), own.reshape(own.shape[0], -1)], axis=1), axis=1)
    j, feasible = _find_interval(pk, rows, onehot, cand)
    price = _root(pk, rows, onehot, cand, j)
    present = onehot.any(axis=1)
    valid = np.all(feasible | ~present, axis=1)
    return _volumes(pk, rows, onehot, np.where(present, price, 0.0)), valid


def solve_rows(scenario: Scenario, rows: list[Row]) -> list[dict[str, Array] | None]:
    """Same contract as reference.solve_rows, all rows in one vectorised call."""
    pk = pack([scenario]).take(np.zeros(len(rows), int))
    r = Rows(np.array([x.labels for x in rows]), np.array([x.factors for x in rows]), np.array([x.fixed for x in rows]))
    out, valid = solve_packed(pk, r)
    return [{f: out[f][i] for f in FIELDS} if valid[i] else None for i in range(len(rows))]
