"""Systems of many scenarios packed as numbers: one row of floats per system (what the compiled
solver reads) and, as its columns, arrays per parameter (what vectorised code such as the
banking path reads).

Arrays are (S scenarios, n systems[, K points | T tiers | M tranches]); absent levels are
+-inf so comparisons need no special case.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import cached_property

import numpy as np

from .mac import normalized_points
from .scenario import ElasticMac, Scenario

Array = np.ndarray
FEW_SYSTEMS = 40  # up to this many (row, system) pairs, np.interp per system beats the vectorised count
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

    def as_rows(self) -> Array:
        """The systems as rows (S, n, width), laid out as ROW and BLOCKS (the inverse of `unpack`)."""
        S, n, K = self.q.shape
        T, M = self.tier_trigger.shape[2], self.offer_price.shape[2]
        head = [getattr(self, name) for name in ROW[:-3]] + [np.full((S, n), float(d)) for d in (K, T, M)]
        return np.concatenate([np.stack(head, axis=2, dtype=float)] + [getattr(self, name).astype(float) for name in BLOCKS], axis=2)

    def take(self, idx: Array | slice) -> Packed:
        """Rows `idx`: copies for an index array, views for a slice."""
        out = Packed(**{f.name: getattr(self, f.name)[idx] for f in fields(self)})
        if "slopes" in self.__dict__:  # derived tables travel with the rows instead of being recomputed
            out.__dict__["slopes"] = self.slopes[idx]
        return out

    def first_systems(self, count: int) -> Packed:
        """Only the first `count` system slots (drop padding shared by a batch of smaller scenarios)."""
        return Packed(**{f.name: np.ascontiguousarray(getattr(self, f.name)[:, :count]) for f in fields(self)})

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

# Each system as one row of floats: these scalars (absent levels +-inf, the offset limit 1 when
# absent, `elastic` 1.0 for a constant-elasticity MAC, K T M the block lengths), then K MAC
# abatements, K MAC prices, T tier triggers, T tier volumes, M tranche prices, M tranche
# quantities. The compiled solver reads this layout; Packed is its columns.
ROW = ("bau", "free", "auction", "elastic", "npts", "coef", "eta", "floor", "ecr_trigger", "ecr_volume", "ceiling",
       "penalty", "limit", "K", "T", "M")
HEAD = len(ROW)
BLOCKS = ("q", "m", "tier_trigger", "tier_volume", "offer_price", "offer_qty")
_ABSENT = [0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, -np.inf, -np.inf, 0.0, np.inf, np.inf, 1.0]  # padding: no system, no rules


def rows(scenarios: list[Scenario]) -> Array:
    """The systems of several scenarios as rows (S, n, HEAD + 2K + 2T + 2M), laid out as ROW and BLOCKS.

    One Python pass fills one flat list: a single scenario costs a few dozen list operations
    and one array. Scenarios with fewer systems are padded with empty ones.
    """
    S = len(scenarios)
    n = max(len(s.systems) for s in scenarios)
    pad = [None] * n
    systems = [x for s in scenarios for x in (list(s.systems) + pad)[:n]]
    points = [None if x is None or isinstance(x.mac, ElasticMac) else normalized_points(x.mac, x.bau) for x in systems]
    tranches = [x.offsets.all_tranches if x is not None and x.offsets else () for x in systems]
    K = max([2, *(len(p) for p in points if p is not None)])
    T = max([1, *(len(x.ccr) for x in systems if x is not None)])
    M = max([1, *map(len, tranches)])
    inf = np.inf
    flat: list[float] = []
    for x, pts, offers in zip(systems, points, tranches):
        if x is None:
            flat += _ABSENT
            pts, tiers = [], []
        else:
            auction = x.auction_volume
            elastic = isinstance(x.mac, ElasticMac)
            flat += [
                x.bau, x.cap - auction, auction, 1.0 if elastic else 0.0, 1 if elastic else len(pts),
                x.mac.coefficient if elastic else 1.0, x.mac.elasticity if elastic else 1.0,
                -inf if x.floor is None else x.floor, -inf if x.ecr is None else x.ecr.trigger,
                0.0 if x.ecr is None else x.ecr.volume, inf if x.ceiling is None else x.ceiling,
                inf if x.penalty is None else x.penalty,
                x.offsets.limit_pct / 100 if x.offsets and x.offsets.limit_pct is not None else 1.0,
            ]
            pts, tiers = pts or [], x.ccr
        flat += [K, T, M]
        # Padded: MAC points by repeating the last (zeros when none), tiers and tranches by absent levels.
        last = pts[-1] if pts else (0.0, 0.0)
        flat += [p[0] for p in pts] + [last[0]] * (K - len(pts)) + [p[1] for p in pts] + [last[1]] * (K - len(pts))
        flat += [t.trigger for t in tiers] + [inf] * (T - len(tiers)) + [t.volume for t in tiers] + [0.0] * (T - len(tiers))
        flat += [t.price for t in offers] + [inf] * (M - len(offers)) + [t.quantity for t in offers] + [0.0] * (M - len(offers))
    return np.array(flat, float).reshape(S, n, HEAD + 2 * (K + T + M))


def pack(scenarios: list[Scenario]) -> Packed:
    """Arrays of the systems of several scenarios: the columns of `rows`."""
    return unpack(rows(scenarios))


def unpack(table: Array) -> Packed:
    """Packed arrays from rows (S, n, width) laid out as ROW and BLOCKS."""
    K, T, M = (int(table[0, 0, ROW.index(d)]) for d in "KTM")
    bounds = np.cumsum([HEAD, K, K, T, T, M, M])
    blocks = {name: np.ascontiguousarray(table[..., a:b]) for name, a, b in zip(BLOCKS, bounds[:-1], bounds[1:])}
    scalars = {name: np.ascontiguousarray(table[..., i]) for i, name in enumerate(ROW[: ROW.index("K")])}
    scalars["elastic"], scalars["npts"] = scalars["elastic"] > 0.5, scalars["npts"].astype(int)
    return Packed(**scalars, **blocks)


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
