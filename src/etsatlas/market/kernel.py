"""The fast solver: every market group of many scenarios cleared at once with numpy.

Each system's excess supply is piecewise linear in the price between known breakpoints
(MAC points, floor, triggers, ceiling, penalty, offset prices and where the offset limit
starts to bind). The kernel finds, for each group, the breakpoint interval holding the
root (all candidates at once for small batches, a vectorised binary search for large ones)
and interpolates exactly; constant-elasticity curves are refined by bisection.
"""

from __future__ import annotations

import numpy as np

from . import table
from .groups import Rows, group_sum, own_prices, settle
from .packed import Packed, breakpoints, pack, parts
from .reference import FIELDS, Row
from .scenario import Scenario

Array = np.ndarray
FULL_SEARCH_LIMIT = 3_000_000  # elements; above it, binary search over the candidates
FULL_SEARCH_GROUPS = 32  # groups; above it, binary search over the candidates
CHUNK_SYSTEMS = 16_384  # systems solved together in large batches

__all__ = ["Packed", "Rows", "pack", "solve_packed", "solve_rows"]


def _balance(pk: Packed, rows: Rows, onehot: Array, group_price: Array, right: bool | Array) -> Array:
    """Group excess supply (R, G, C) at group prices (R, G, C); +inf where a ceiling offers supply."""
    R, G, C = group_price.shape
    if G == 1 and rows.all_in_one:
        x = rows.factors[..., None] * group_price
    else:
        x = rows.factors[..., None] * group_price.reshape(R * G, C)[rows.flat_labels]
    p = parts(pk, x, right)
    total = group_sum(rows, onehot, p["excess"] + rows.fixed[..., None])
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
    own = own_prices(rows, price)
    both = parts(pk, np.repeat(own[..., None], 2, axis=2), np.array([False, True]))
    left, right = ({k: v[..., i] for k, v in both.items()} for i in (0, 1))
    return settle(pk, rows, onehot, price, left, right)


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
    """Same contract as reference.solve_rows, all rows in one vectorised call.

    Piecewise-linear scenarios go through the exact tables of table.py (a few numpy calls in
    all); the others, and very many rows, through the search of solve_packed.
    """
    pk = pack([scenario])
    r = Rows(np.array([x.labels for x in rows]), np.array([x.factors for x in rows]), np.array([x.fixed for x in rows]))
    solved = table.solve_shared(pk, r) if table.usable(pk) and table.fits(pk, r) else None
    out, valid = solved or solve_packed(pk.take(np.zeros(len(rows), int)), r)
    return [{f: out[f][i] for f in FIELDS} if valid[i] else None for i in range(len(rows))]
