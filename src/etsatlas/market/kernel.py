"""The fast solver: every market group of many scenarios cleared at once with numpy.

Each system's excess supply is piecewise linear in the price between known breakpoints
(MAC points, floor, triggers, ceiling, penalty, offset prices and where the offset limit
starts to bind). The kernel finds, for each group, the breakpoint interval holding the
root (all candidates at once for small batches, a vectorised binary search for large ones)
and interpolates exactly; constant-elasticity curves are refined by bisection.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import cached_property

import numpy as np

from .mac import normalized_points
from .reference import FIELDS, Row
from .scenario import ElasticMac, Scenario

Array = np.ndarray
FEW_SYSTEMS = 40  # up to this many (row, system) pairs, np.interp per system beats the vectorised search
FULL_SEARCH_LIMIT = 3_000_000
CHUNK_SYSTEMS = 16_384  # systems solved together in large batches
LEVEL_TOL = 1e-13  # a price within this relative distance of a level is at the level  # rows solved together in large batches


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
        out = Packed(**{f.name: getattr(self, f.name)[idx] for f in fields(self)})
        if "slopes" in self.__dict__:  # derived tables travel with the rows instead of being recomputed
            out.__dict__["slopes"] = self.slopes[idx]
        return out

    def first_systems(self, count: int) -> Packed:
        """Only the first `count` system slots (drop padding shared by a batch of smaller scenarios)."""
        return Packed(**{f.name: np.ascontiguousarray(getattr(self, f.name)[:, :count]) for f in fields(self)})

    def one_per_row(self) -> Packed:
        """The same systems as (S * n) scenarios of one system each (autarky: fewer candidates per row)."""
        S, n = self.bau.shape
        flat = lambda a: a.reshape((S * n, 1) + a.shape[2:])
        out = Packed(**{f.name: flat(getattr(self, f.name)) for f in fields(self)})
        if "slopes" in self.__dict__:
            out.__dict__["slopes"] = flat(self.slopes)
        return out

    @cached_property
    def slopes(self) -> Array:
        """Abatement per unit of price on each MAC segment (R, n, K); 0 on padding and past the last point."""
        dm, dq = np.diff(self.m, axis=2), np.diff(self.q, axis=2)
        with np.errstate(divide="ignore", invalid="ignore"):
            slope = np.where(dm > 0, dq / np.where(dm > 0, dm, 1.0), 0.0)
        return np.concatenate([slope, np.zeros(slope.shape[:2] + (1,))], axis=2)

    @cached_property
    def segments(self) -> tuple[Array, Array, Array, Array]:
        """Flattened per-point tables for the piecewise MACs: start price, abatement, slope; last price."""
        last = np.take_along_axis(self.m, (self.npts - 1)[..., None], axis=2)[..., 0]
        return self.m.reshape(-1), self.q.reshape(-1), self.slopes.reshape(-1), last

    @cached_property
    def point_base(self) -> Array:
        """Flat index of each system's first MAC point, (R, n, 1)."""
        R, n, K = self.m.shape
        return (np.arange(R * n) * K).reshape(R, n, 1)

    @cached_property
    def any_elastic(self) -> bool:
        return bool(self.elastic.any())

    @cached_property
    def levels(self) -> dict[str, tuple[Array, Array]]:
        """Each price level widened by LEVEL_TOL: (bound for the right side, bound for the left side).

        A price carried through an exchange rate (k * (b / k) need not equal b in floating
        point) thus still reaches the level it came from.
        """
        out = {}
        for name in ("floor", "ecr_trigger", "tier_trigger", "ceiling", "penalty", "offer_price"):
            level = getattr(self, name)
            slack = LEVEL_TOL * np.abs(np.where(np.isfinite(level), level, 0.0))
            out[name] = (level - slack, level + slack)
        return out

    @cached_property
    def features(self) -> dict[str, bool]:
        """Which rules appear at all, so absent ones cost nothing."""
        return {
            "floor": bool(np.isfinite(self.floor).any()), "ecr": bool((self.ecr_volume > 0).any()),
            "tiers": bool((self.tier_volume > 0).any()), "ceiling": bool(np.isfinite(self.ceiling).any()),
            "penalty": bool(np.isfinite(self.penalty).any()), "offsets": bool((self.offer_qty > 0).any()),
        }


def pack(scenarios: list[Scenario]) -> Packed:
    """Arrays of the systems of several scenarios (a Python loop; generate arrays directly for speed)."""
    S = len(scenarios)
    n = max(len(s.systems) for s in scenarios)
    points = [[None if isinstance(x.mac, ElasticMac) else normalized_points(x.mac, x.bau) for x in s.systems] for s in scenarios]
    K = max([2, *(len(p) for row in points for p in row if p is not None)])
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
                pts = points[si][i]
                assert pts is not None  # piecewise or linear: normalised above
                pk.npts[si, i] = len(pts)
                pk.q[si, i], pk.m[si, i] = zip(*(pts + [pts[-1]] * (K - len(pts))))
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
    R, n, C = x.shape
    if R * n <= FEW_SYSTEMS and C > 1:  # a few systems at many prices: one C-level interp per system
        pwl = np.empty_like(x)
        for r in range(R):
            for i in range(n):
                k = pk.npts[r, i]
                pwl[r, i] = np.interp(x[r, i], pk.m[r, i, :k], pk.q[r, i, :k])
    else:
        pwl = _abatement_flat(pk, x)
    if not pk.any_elastic:
        return pwl
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        top = ((pk.bau / pk.coef) ** (1 / pk.eta))[..., None]
        ce = np.where(x >= top, bau, np.minimum(pk.coef[..., None] * np.maximum(x, 0.0) ** pk.eta[..., None], bau))
    return np.where(pk.elastic[..., None], ce, pwl)


def _abatement_flat(pk: Packed, x: Array) -> Array:
    """Piecewise abatement for many systems at once: find each segment by counting MAC points."""
    bau = pk.bau[..., None]
    m_flat, q_flat, slope_flat, last = pk.segments
    # Index of the segment holding x: the number of MAC points at or below it, minus one.
    below = (pk.m[:, :, None, :] <= x[..., None]).view(np.uint8).sum(-1, dtype=np.uint8)  # K <= 202
    idx = pk.point_base + np.maximum(below.astype(np.intp) - 1, 0)
    inner = q_flat[idx] + (x - m_flat[idx]) * slope_flat[idx]
    return np.where(x >= last[..., None], bau, np.where(x <= pk.m[:, :, :1], 0.0, inner))


def _at(pk: Packed, x: Array, name: str, right: bool | Array) -> Array:
    """x at or above a level, from the right side (>=) or the left side (>); x (R, n, C) or (R, n, C, 1)."""
    lo, hi = pk.levels[name]
    if lo.ndim == 3:  # tiers and tranches: (R, n, T) against x (R, n, C, 1)
        lo, hi = lo[:, :, None, :], hi[:, :, None, :]
    else:
        lo, hi = lo[..., None], hi[..., None]
    if isinstance(right, bool):
        return x >= lo if right else x > hi
    side = right if x.ndim == 3 else right[..., None]
    return np.where(side, x >= lo, x > hi)


def parts(pk: Packed, x: Array, right: bool | Array) -> dict[str, Array]:
    """Volumes of every system at own prices x (R, n, C), from the right or left side (per C if an array)."""
    e = lambda a: a[..., None]
    has = pk.features
    zero = np.zeros_like(x)
    xe = np.minimum(x, e(pk.penalty)) if has["penalty"] else x
    a = abatement(pk, xe)
    emissions = e(pk.bau) - a
    auction = e(pk.auction)
    if has["ecr"]:
        auction = auction - np.where(_at(pk, x, "ecr_trigger", right), 0.0, e(pk.ecr_volume))
    sold = np.where(_at(pk, x, "floor", right), auction, 0.0) if has["floor"] else auction + zero
    if has["tiers"]:
        released = (_at(pk, x[..., None], "tier_trigger", right) * pk.tier_volume[:, :, None, :]).sum(-1)
    else:
        released = zero
    offsets = zero
    if has["offsets"]:
        offer = (_at(pk, xe[..., None], "offer_price", right) * pk.offer_qty[:, :, None, :]).sum(-1)
        limited = np.isfinite(e(pk.limit))
        offsets = np.where(limited, np.minimum(offer, np.where(limited, e(pk.limit), 0.0) * emissions), offer)
    shortfall = np.where(_at(pk, x, "penalty", right), emissions - offsets, 0.0) if has["penalty"] else zero
    excess = e(pk.free) + sold + released + offsets + shortfall - emissions
    ceiling = _at(pk, x, "ceiling", right) if has["ceiling"] else np.zeros(x.shape, bool)
    return {
        "abatement": a, "emissions": emissions, "sold": sold, "released": released, "offsets": offsets,
        "shortfall": shortfall, "excess": excess, "ceiling": ceiling,
    }


def breakpoints(pk: Packed) -> Array:
    """Candidate prices (S, n, B) in each system's own price; 0 stands in for absent levels.

    Rules absent from the whole batch add no candidates (fewer candidates, a shorter search).
    """
    finite = lambda a: np.where(np.isfinite(a), a, 0.0)
    has = pk.features
    pieces = [np.where(pk.elastic[..., None], 0.0, pk.m)]
    if pk.any_elastic:
        pieces.append(np.where(pk.elastic, (pk.bau / pk.coef) ** (1 / pk.eta), 0.0)[..., None])
    for name, flag in (("floor", "floor"), ("ecr_trigger", "ecr"), ("ceiling", "ceiling"), ("penalty", "penalty")):
        if has[flag]:
            pieces.append(finite(getattr(pk, name))[..., None])
    if has["tiers"]:
        pieces.append(finite(pk.tier_trigger))
    if has["offsets"]:
        pieces += [finite(pk.offer_price), _limit_switches(pk)]
    return np.concatenate(pieces, axis=2)


def _limit_switches(pk: Packed) -> Array:
    """Prices where an offset limit starts to bind: limit * emissions(p) equals the credits offered so far."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        share = np.where(np.isfinite(pk.limit) & (pk.limit > 0), pk.limit, np.inf)[..., None]
        target = pk.bau[..., None] - np.cumsum(pk.offer_qty, axis=2) / share
        ok = (target >= 0) & (target < pk.bau[..., None]) & np.isfinite(share)
        target = np.where(ok, target, 0.0)
        count = (pk.q[:, :, None, :] <= target[..., None]).sum(-1)
        j = np.clip(count - 1, 0, pk.q.shape[2] - 2)
        q0, q1, m0, m1 = _gather(pk.q, j), _gather(pk.q, j + 1), _gather(pk.m, j), _gather(pk.m, j + 1)
        pwl = np.where(q1 > q0, m0 + (target - q0) * (m1 - m0) / (q1 - q0), m0)
        ce = (target / pk.coef[..., None]) ** (1 / pk.eta[..., None])
    return np.where(ok, np.where(pk.elastic[..., None], ce, pwl), 0.0)


@dataclass
class Rows:
    labels: Array  # (R, n) group label of each system
    factors: Array  # (R, n) price factor relative to the group's price
    fixed: Array  # (R, n) fixed inflows (own tonnes) from links at a bound

    @cached_property
    def groups(self) -> int:
        """Number of group slots: labels run from 0 to groups - 1."""
        return int(self.labels.max()) + 1 if self.labels.size else 1

    @cached_property
    def flat_labels(self) -> Array:
        """Index of each system's group in a flattened (R * G) array."""
        return np.arange(self.labels.shape[0])[:, None] * self.groups + self.labels

    @property
    def onehot(self) -> Array:
        return self.labels[:, :, None] == np.arange(self.groups)  # (R, n system, G group)


def _group_sum(rows: Rows, onehot: Array, values: Array) -> Array:
    """Sum of factor * value over each group's members: (R, n, C) -> (R, G, C)."""
    return np.einsum("ric,rig->rgc", values * rows.factors[..., None], onehot)


def _balance(pk: Packed, rows: Rows, onehot: Array, group_price: Array, right: bool | Array) -> Array:
    """Group excess supply (R, G, C) at group prices (R, G, C); +inf where a ceiling offers supply."""
    R, G, C = group_price.shape
    x = rows.factors[..., None] * group_price.reshape(R * G, C)[rows.flat_labels]
    p = parts(pk, x, right)
    total = _group_sum(rows, onehot, p["excess"] + rows.fixed[..., None])
    capped = np.einsum("ric,rig->rgc", p["ceiling"].astype(float), onehot) > 0
    return np.where(capped, np.inf, total)


def _find_interval(pk: Packed, rows: Rows, onehot: Array, cand: Array) -> tuple[Array, Array]:
    """Index of the first candidate with non-negative right balance, per group; and feasibility."""
    R, G, C = rows.labels.shape[0], onehot.shape[2], cand.shape[1]
    if R * G * C * max(pk.m.shape[2], 4) <= FULL_SEARCH_LIMIT:
        prices = np.broadcast_to(cand[:, None, :], (R, G, C))
        ok = _balance(pk, rows, onehot, prices, True) >= 0
        return np.argmax(ok, axis=2), np.asarray(ok.any(axis=2))
    lo, hi = np.full((R, G), -1), np.full((R, G), C - 1)
    feasible = np.ones((R, G), bool)  # the root step checks the last candidate
    while np.any(hi - lo > 1):
        mid = (lo + hi) // 2
        ok = _balance(pk, rows, onehot, np.take_along_axis(cand, np.maximum(mid, 0), 1)[..., None], True)[..., 0] >= 0
        active = hi - lo > 1
        hi, lo = np.where(active & ok, mid, hi), np.where(active & ~ok, mid, lo)
    return hi, feasible


def _root(pk: Packed, rows: Rows, onehot: Array, cand: Array, j: Array) -> tuple[Array, Array]:
    """Group prices, and whether the bracket's top really clears (False: no price clears)."""
    at = lambda idx: np.take_along_axis(cand, idx, 1)
    c1, c0 = at(j), at(np.maximum(j - 1, 0))
    # One evaluation for the bracket: right side at c0, left and right sides at c1.
    both = _balance(pk, rows, onehot, np.stack([c0, c1, c1], axis=2), np.array([True, False, True]))
    f0, f1, clears = both[..., 0], both[..., 1], both[..., 2] >= 0
    with np.errstate(divide="ignore", invalid="ignore"):
        inner = c0 - f0 * (c1 - c0) / (f1 - f0)
    price = np.where((j == 0) | (f1 <= 0), c1, np.clip(inner, c0, c1))
    if not pk.any_elastic:
        return price, clears
    # Constant-elasticity members make the balance curved between breakpoints: bisect there.
    curved = (np.einsum("ri,rig->rg", pk.elastic.astype(float), onehot) > 0) & (j > 0) & (f1 > 0)
    if curved.any():
        lo, hi = c0.copy(), c1.copy()
        for _ in range(100):
            mid = 0.5 * (lo + hi)
            ok = _balance(pk, rows, onehot, mid[..., None], True)[..., 0] >= 0
            hi, lo = np.where(ok, mid, hi), np.where(ok, lo, mid)
            if not np.any(curved & (hi - lo > 4e-16 * hi)):
                break
        price = np.where(curved, hi, price)
    return price, clears


def _volumes(pk: Packed, rows: Rows, onehot: Array, price: Array) -> dict[str, Array]:
    own = rows.factors * np.take_along_axis(price, rows.labels, axis=1)
    both = parts(pk, np.repeat(own[..., None], 2, axis=2), np.array([False, True]))
    left, right = ({k: v[..., i] for k, v in both.items()} for i in (0, 1))
    group = lambda v: _group_sum(rows, onehot, v[..., None])[..., 0]
    member = lambda g: np.take_along_axis(g, rows.labels, axis=1)
    low, high = group(left["excess"] + rows.fixed), group(right["excess"] + rows.fixed)
    n_ceil = np.einsum("ri,rig->rg", right["ceiling"].astype(float), onehot)
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


def solve_packed(pk: Packed, rows: Rows, *, chunk: int | None = None) -> tuple[dict[str, Array], Array]:
    """Clear every group of every row; `pk` holds one scenario per row. Returns volumes and row validity.

    Large batches go in chunks, so the temporaries of each step stay in the CPU caches.
    """
    R, n = rows.labels.shape
    chunk = chunk or max(64, CHUNK_SYSTEMS // n)
    if R <= chunk:
        return _solve_chunk(pk, rows)
    pieces = []
    for start in range(0, R, chunk):
        idx = np.arange(start, min(R, start + chunk))
        pieces.append(_solve_chunk(pk.take(idx), Rows(rows.labels[idx], rows.factors[idx], rows.fixed[idx])))
    volumes = {k: np.concatenate([p[0][k] for p in pieces]) for k in pieces[0][0]}
    return volumes, np.concatenate([p[1] for p in pieces])


def _solve_chunk(pk: Packed, rows: Rows) -> tuple[dict[str, Array], Array]:
    onehot = rows.onehot.astype(float)
    own = breakpoints(pk) / rows.factors[..., None]
    cand = np.sort(np.concatenate([np.zeros((own.shape[0], 1)), own.reshape(own.shape[0], -1)], axis=1), axis=1)
    j, feasible = _find_interval(pk, rows, onehot, cand)
    price, clears = _root(pk, rows, onehot, cand, j)
    present = onehot.any(axis=1)
    valid = np.all((feasible & clears) | ~present, axis=1)
    return _volumes(pk, rows, onehot, np.where(present, price, 0.0)), valid


def solve_rows(scenario: Scenario, rows: list[Row]) -> list[dict[str, Array] | None]:
    """Same contract as reference.solve_rows, all rows in one vectorised call."""
    pk = pack([scenario]).take(np.zeros(len(rows), int))
    r = Rows(np.array([x.labels for x in rows]), np.array([x.factors for x in rows]), np.array([x.fixed for x in rows]))
    out, valid = solve_packed(pk, r)
    return [{f: out[f][i] for f in FIELDS} if valid[i] else None for i in range(len(rows))]
