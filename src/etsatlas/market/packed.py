"""Systems of many scenarios packed as arrays, and their supply and demand at any prices.

Arrays are (S scenarios, n systems[, K points | T tiers | M tranches]); absent levels are
+-inf so comparisons need no special case. `parts` mirrors `supply.SystemSupply.parts`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import cached_property
from itertools import chain

import numpy as np

from .mac import normalized_points
from .scenario import ElasticMac, Scenario

Array = np.ndarray
FEW_SYSTEMS = 40  # up to this many (row, system) pairs, np.interp per system beats the vectorised search
LEVEL_TOL = 1e-13  # a price within this relative distance of a level is at the level


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
    limit: Array  # offset limit share, 1 when absent (credits never exceed emissions)

    def take(self, idx: Array | slice) -> Packed:
        """Rows `idx`: copies for an index array, views for a slice."""
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
    def points_first(self) -> Array:
        """MAC prices with the point axis first, (K, R, n, 1): counting the points below a price then
        adds K contiguous planes instead of reducing many short rows (several times faster)."""
        return np.ascontiguousarray(np.moveaxis(self.m, 2, 0))[..., None]

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
        """Each price level widened by LEVEL_TOL: (bound for the right side, bound for the left side);
        (R, n, 1) for the single levels, (T, R, n, 1) for tiers and tranches (see _levels_first).

        A price carried through an exchange rate (k * (b / k) need not equal b in floating
        point) thus still reaches the level it came from. All levels are widened in one pass.
        """
        T = self.tier_trigger.shape[2]
        single = ("floor", "ecr_trigger", "ceiling", "penalty")
        planes = np.concatenate([np.stack([getattr(self, name) for name in single]), np.moveaxis(self.tier_trigger, 2, 0),
                                 np.moveaxis(self.offer_price, 2, 0)])
        slack = LEVEL_TOL * np.abs(np.where(np.isfinite(planes), planes, 0.0))
        lo, hi = (planes - slack)[..., None], (planes + slack)[..., None]
        out = {name: (lo[i], hi[i]) for i, name in enumerate(single)}
        out["tier_trigger"], out["offer_price"] = (lo[4 : 4 + T], hi[4 : 4 + T]), (lo[4 + T :], hi[4 + T :])
        return out

    @cached_property
    def volumes_first(self) -> dict[str, Array]:
        """Reserve tier and offset tranche volumes laid out like their levels, (T, R, n, 1)."""
        return {"tier_trigger": _levels_first(self.tier_volume), "offer_price": _levels_first(self.offer_qty)}

    @cached_property
    def features(self) -> dict[str, bool]:
        """Which rules appear at all, so absent ones cost nothing."""
        return {
            "floor": bool(np.isfinite(self.floor).any()), "ecr": bool((self.ecr_volume > 0).any()),
            "tiers": bool((self.tier_volume > 0).any()), "ceiling": bool(np.isfinite(self.ceiling).any()),
            "penalty": bool(np.isfinite(self.penalty).any()), "offsets": bool((self.offer_qty > 0).any()),
        }


def _levels_first(a: Array) -> Array:
    """(R, n) -> (R, n, 1) against prices (R, n, C); (R, n, T) -> (T, R, n, 1), summed over T by adding
    T contiguous planes (a reduction over a short last axis is several times slower)."""
    return a[..., None] if a.ndim == 2 else np.ascontiguousarray(np.moveaxis(a, 2, 0))[..., None]


def pack(scenarios: list[Scenario]) -> Packed:
    """Arrays of the systems of several scenarios (a Python loop; generate arrays directly for speed).

    Each field is gathered as a flat list, padded, and turned into one array: for a single
    scenario that is a few dozen list operations and 19 array constructions.
    """
    S = len(scenarios)
    n = max(len(s.systems) for s in scenarios)
    pad = [None] * n
    systems = [x for s in scenarios for x in (list(s.systems) + pad)[:n]]
    points = [None if x is None or isinstance(x.mac, ElasticMac) else normalized_points(x.mac, x.bau) for x in systems]
    tranches = [x.offsets.all_tranches if x is not None and x.offsets else [] for x in systems]
    K = max([2, *(len(p) for p in points if p is not None)])
    T = max([1, *(len(x.ccr) for x in systems if x is not None)])
    M = max([1, *map(len, tranches)])
    inf = np.inf
    columns: dict[str, list] = {name: [] for name in (
        "bau", "free", "auction", "elastic", "npts", "coef", "eta", "floor", "ecr_trigger", "ecr_volume", "ceiling", "penalty",
        "limit", "tier_trigger", "tier_volume", "offer_price", "offer_qty", "qm")}
    for x, pts, offers in zip(systems, points, tranches):
        c = columns
        if x is None:  # padding: an empty system with no rules
            for name, value in (("bau", 0.0), ("free", 0.0), ("auction", 0.0), ("elastic", False), ("npts", 1), ("coef", 1.0),
                                ("eta", 1.0), ("floor", -inf), ("ecr_trigger", -inf), ("ecr_volume", 0.0), ("ceiling", inf),
                                ("penalty", inf), ("limit", 1.0)):
                c[name].append(value)
            pts, tiers = [], []
        else:
            auction = x.auction_volume
            elastic = isinstance(x.mac, ElasticMac)
            c["bau"].append(x.bau)
            c["free"].append(x.cap - auction)
            c["auction"].append(auction)
            c["elastic"].append(elastic)
            c["npts"].append(1 if elastic else len(pts))
            c["coef"].append(x.mac.coefficient if elastic else 1.0)
            c["eta"].append(x.mac.elasticity if elastic else 1.0)
            c["floor"].append(-inf if x.floor is None else x.floor)
            c["ecr_trigger"].append(-inf if x.ecr is None else x.ecr.trigger)
            c["ecr_volume"].append(0.0 if x.ecr is None else x.ecr.volume)
            c["ceiling"].append(inf if x.ceiling is None else x.ceiling)
            c["penalty"].append(inf if x.penalty is None else x.penalty)
            c["limit"].append(x.offsets.limit_pct / 100 if x.offsets and x.offsets.limit_pct is not None else 1.0)
            pts, tiers = pts or [], x.ccr
        # Padded: MAC points by repeating the last (zeros when none), tiers and tranches by absent levels.
        c["qm"] += pts + [pts[-1] if pts else (0.0, 0.0)] * (K - len(pts))
        c["tier_trigger"] += [t.trigger for t in tiers] + [inf] * (T - len(tiers))
        c["tier_volume"] += [t.volume for t in tiers] + [0.0] * (T - len(tiers))
        c["offer_price"] += [t.price for t in offers] + [inf] * (M - len(offers))
        c["offer_qty"] += [t.quantity for t in offers] + [0.0] * (M - len(offers))
    shape = (S, n)
    qm = np.fromiter(chain.from_iterable(columns.pop("qm")), float, S * n * K * 2).reshape(S, n, K, 2)
    kinds = {"elastic": bool, "npts": int}
    out = {name: np.array(values, kinds.get(name, float)).reshape(shape) for name, values in columns.items()
           if name not in ("tier_trigger", "tier_volume", "offer_price", "offer_qty")}
    for name, width in (("tier_trigger", T), ("tier_volume", T), ("offer_price", M), ("offer_qty", M)):
        out[name] = np.array(columns[name], float).reshape(S, n, width)
    return Packed(q=np.ascontiguousarray(qm[..., 0]), m=np.ascontiguousarray(qm[..., 1]), **out)


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
    """Piecewise abatement for many systems at once: find each segment by counting MAC points.

    Below the first point the first segment's line goes negative (hence the floor at 0); past
    the last point the slope is 0 and the abatement stays at BAU, the last point's.
    """
    _, q_flat, slope_flat, _ = pk.segments
    m_flat = pk.m.reshape(-1)
    # Index of the segment holding x: the number of MAC points at or below it, minus one.
    below = (pk.points_first <= x).view(np.uint8).sum(0, dtype=np.uint8)  # K <= 202
    idx = pk.point_base + np.maximum(below.astype(np.intp) - 1, 0)
    return np.maximum(q_flat[idx] + (x - m_flat[idx]) * slope_flat[idx], 0.0)


def _at(pk: Packed, x: Array, name: str, right: bool | Array) -> Array:
    """x (R, n, C) at or above a level, from the right side (>=) or the left side (>); (T, R, n, C) for
    tiers and tranches."""
    lo, hi = pk.levels[name]
    if isinstance(right, bool):
        return x >= lo if right else x > hi
    return np.where(right, x >= lo, x > hi)


def _released(pk: Packed, x: Array, name: str, right: bool | Array) -> Array:
    """Total volume of the tiers (or tranches) whose level x has reached, (R, n, C)."""
    return (_at(pk, x, name, right) * pk.volumes_first[name]).sum(0)


def parts(pk: Packed, x: Array, right: bool | Array) -> dict[str, Array]:
    """Volumes of every system at own prices x (R, n, C), from the right or left side (per C if an array)."""
    e = lambda a: a[..., None]
    has = pk.features
    zero = np.zeros(x.shape)
    xe = np.minimum(x, e(pk.penalty)) if has["penalty"] else x
    a = abatement(pk, xe)
    emissions = e(pk.bau) - a
    auction = e(pk.auction)
    if has["ecr"]:
        auction = auction - np.where(_at(pk, x, "ecr_trigger", right), 0.0, e(pk.ecr_volume))
    sold = np.where(_at(pk, x, "floor", right), auction, 0.0) if has["floor"] else auction + zero
    if has["tiers"]:
        released = _released(pk, x, "tier_trigger", right)
    else:
        released = zero
    offsets = zero
    if has["offsets"]:
        offer = _released(pk, xe, "offer_price", right)
        offsets = np.minimum(offer, e(pk.limit) * emissions)
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
    pieces = [pk.m]
    if pk.any_elastic:
        pieces = [np.where(pk.elastic[..., None], 0.0, pk.m), np.where(pk.elastic, (pk.bau / pk.coef) ** (1 / pk.eta), 0.0)[..., None]]
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
    R, n, K = pk.q.shape
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        share = np.where(pk.limit > 0, pk.limit, np.inf)[..., None]
        target = pk.bau[..., None] - np.cumsum(pk.offer_qty, axis=2) / share
        ok = (target >= 0) & (target < pk.bau[..., None]) & np.isfinite(share)
        target = np.where(ok, target, 0.0)
        # The MAC segment holding each target abatement, counted point-axis first (see points_first).
        count = (np.moveaxis(pk.q, 2, 0)[..., None] <= target).sum(0)
        j = (np.arange(R * n) * K).reshape(R, n, 1) + np.clip(count - 1, 0, K - 2)
        q, m = pk.q.reshape(-1), pk.m.reshape(-1)
        q0, q1, m0, m1 = q[j], q[j + 1], m[j], m[j + 1]
        price = np.where(q1 > q0, m0 + (target - q0) * (m1 - m0) / (q1 - q0), m0)
        if pk.any_elastic:
            price = np.where(pk.elastic[..., None], (target / pk.coef[..., None]) ** (1 / pk.eta[..., None]), price)
    return np.where(ok, price, 0.0)
