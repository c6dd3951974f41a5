"""The fast solver: every market group of many scenarios cleared at once with numpy.

Each system's excess supply is piecewise linear in the price between known breakpoints
(MAC points, floor, triggers, ceiling, penalty, offset prices and where the offset limit
starts to bind). The kernel finds, for each group, the breakpoint interval holding the
root (all candidates at once for small batches, a vectorised binary search for large ones)
and interpolates exactly; constant-elasticity curves are refined by bisection.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .packed import Packed, breakpoints, pack, parts
from .reference import FIELDS, Row
from .scenario import Scenario

Array = np.ndarray
FULL_SEARCH_LIMIT = 3_000_000  # elements; above it, binary search over the candidates
FULL_SEARCH_GROUPS = 32  # groups; above it, binary search over the candidates
CHUNK_SYSTEMS = 16_384  # systems solved together in large batches

__all__ = ["Packed", "Rows", "pack", "solve_packed", "solve_rows"]


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
    def all_in_one(self) -> bool:
        """Every system of every row in group 0."""
        return not self.labels.any()

    @cached_property
    def flat_labels(self) -> Array:
        """Index of each system's group in a flattened (R * G) array."""
        return np.arange(self.labels.shape[0])[:, None] * self.groups + self.labels

    @property
    def onehot(self) -> Array:
        return self.labels[:, :, None] == np.arange(self.groups)  # (R, n system, G group)


def _group_sum(rows: Rows, onehot: Array, values: Array) -> Array:
    """Sum of factor * value over each group's members: (R, n, C) -> (R, G, C)."""
    if onehot.shape[2] == 1 and rows.all_in_one:  # one group per row: a plain weighted sum
        return (values * rows.factors[..., None]).sum(axis=1, keepdims=True)
    return np.einsum("ric,rig->rgc", values * rows.factors[..., None], onehot)


def _balance(pk: Packed, rows: Rows, onehot: Array, group_price: Array, right: bool | Array) -> Array:
    """Group excess supply (R, G, C) at group prices (R, G, C); +inf where a ceiling offers supply."""
    R, G, C = group_price.shape
    if G == 1 and rows.all_in_one:
        x = rows.factors[..., None] * group_price
    else:
        x = rows.factors[..., None] * group_price.reshape(R * G, C)[rows.flat_labels]
    p = parts(pk, x, right)
    total = _group_sum(rows, onehot, p["excess"] + rows.fixed[..., None])
    if not pk.features["ceiling"]:
        return total
    if G == 1 and rows.all_in_one:
        return np.where(p["ceiling"].any(axis=1, keepdims=True), np.inf, total)
    capped = np.einsum("ric,rig->rgc", p["ceiling"].astype(float), onehot) > 0
    return np.where(capped, np.inf, total)


def _find_interval(pk: Packed, rows: Rows, onehot: Array, cand: Array) -> tuple[Array, Array]:
    """Index of the first candidate with non-negative right balance, per group; and feasibility."""
    R, G, C = rows.labels.shape[0], onehot.shape[2], cand.shape[1]
    # All candidates at once only pays for a handful of groups, where numpy's call overhead dominates.
    if R * G <= FULL_SEARCH_GROUPS and R * G * C * max(pk.m.shape[2], 4) <= FULL_SEARCH_LIMIT:
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
