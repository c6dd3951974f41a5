"""The fast solver: every market group of many scenarios cleared at once with numpy.

Each system's excess supply is piecewise linear in the price between known breakpoints
(MAC points, floor, triggers, ceiling, penalty, offset prices and where the offset limit
starts to bind). The kernel finds, for each group, the breakpoint interval holding the
root (all candidates at once for small batches, a vectorised binary search for large ones)
and interpolates exactly; constant-elasticity curves are refined by bisection.
"""

from __future__ import annotations

import numpy as np

from .groups import Rows, group_sum, own_prices, settle
from .packed import LEVEL_TOL, Packed, breakpoints, pack, parts
from .reference import Row
from .scenario import Scenario

Array = np.ndarray
FULL_SEARCH_LIMIT = 3_000_000  # elements; above it, binary search over the candidates
FULL_SEARCH_GROUPS = 32  # groups; above it, binary search over the candidates
CHUNK_SYSTEMS = 16_384  # systems solved together in large batches

__all__ = ["Packed", "Rows", "pack", "solve_packed", "solve_rows"]


def _balance(pk: Packed, rows: Rows, onehot: Array, group_price: Array, right: bool | Array) -> tuple[Array, dict[str, Array]]:
    """Group excess supply (R, G, C) at group prices (R, G, C), +inf where a ceiling offers supply;
    and the members' volumes there (packed.parts, (R, n, C))."""
    R, G, C = group_price.shape
    if G == 1 and rows.all_in_one:
        x = rows.factors[..., None] * group_price
    else:
        x = rows.factors[..., None] * group_price.reshape(R * G, C)[rows.flat_labels]
    p = parts(pk, x, right)
    total = group_sum(rows, onehot, p["excess"] + rows.fixed[..., None])
    if not pk.features["ceiling"]:
        return total, p
    if G == 1 and rows.all_in_one:
        return np.where(p["ceiling"].any(axis=1, keepdims=True), np.inf, total), p
    capped = np.einsum("ric,rig->rgc", p["ceiling"].astype(float), onehot) > 0
    return np.where(capped, np.inf, total), p


def _find_interval(pk: Packed, rows: Rows, onehot: Array, cand: Array) -> tuple[Array, Array, Array]:
    """Per group: index j of the first candidate with non-negative right balance, the right balance
    at candidate j - 1 (kept from the search, so the root step need not evaluate it again), and
    feasibility."""
    R, G, C = rows.labels.shape[0], onehot.shape[2], cand.shape[1]
    # All candidates at once only pays for a handful of groups, where numpy's call overhead dominates.
    if R * G <= FULL_SEARCH_GROUPS and R * G * C * max(pk.m.shape[2], 4) <= FULL_SEARCH_LIMIT:
        prices = np.broadcast_to(cand[:, None, :], (R, G, C))
        balance = _balance(pk, rows, onehot, prices, True)[0]
        ok = balance >= 0
        j = np.argmax(ok, axis=2)
        below = np.take_along_axis(balance, np.maximum(j - 1, 0)[..., None], 2)[..., 0]
        return j, below, np.asarray(ok.any(axis=2))
    lo, hi = np.full((R, G), -1), np.full((R, G), C - 1)
    below = np.full((R, G), np.nan)
    feasible = np.ones((R, G), bool)  # the root step checks the last candidate
    while np.any(hi - lo > 1):
        mid = (lo + hi) // 2
        f = _balance(pk, rows, onehot, np.take_along_axis(cand, np.maximum(mid, 0), 1)[..., None], True)[0][..., 0]
        ok, active = f >= 0, hi - lo > 1
        hi, lo, below = np.where(active & ok, mid, hi), np.where(active & ~ok, mid, lo), np.where(active & ~ok, f, below)
    return hi, below, feasible


def _root(pk: Packed, rows: Rows, onehot: Array, cand: Array, j: Array, f0: Array) -> tuple[Array, Array, Array, tuple]:
    """Group prices, whether the bracket's top really clears (False: no price clears), the top c1,
    and the members' volumes at c1 from the left and the right."""
    at = lambda idx: np.take_along_axis(cand, idx, 1)  # noqa: E731
    c1, c0 = at(j), at(np.maximum(j - 1, 0))
    # One evaluation for the bracket: left and right sides at c1 (the right side at c0 came from the search).
    both, p = _balance(pk, rows, onehot, np.stack([c1, c1], axis=2), np.array([False, True]))
    f1, clears = both[..., 0], both[..., 1] >= 0
    sides = tuple({k: v[..., i] for k, v in p.items()} for i in (0, 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        inner = c0 - f0 * (c1 - c0) / (f1 - f0)
    price = np.where((j == 0) | (f1 <= 0), c1, np.clip(inner, c0, c1))
    if not pk.any_elastic:
        return price, clears, c1, sides
    # Constant-elasticity members make the balance curved between breakpoints: bisect there.
    curved = (np.einsum("ri,rig->rg", pk.elastic.astype(float), onehot) > 0) & (j > 0) & (f1 > 0)
    if curved.any():
        lo, hi = c0.copy(), c1.copy()
        for _ in range(100):
            mid = 0.5 * (lo + hi)
            ok = _balance(pk, rows, onehot, mid[..., None], True)[0][..., 0] >= 0
            hi, lo = np.where(ok, mid, hi), np.where(ok, lo, mid)
            if not np.any(curved & (hi - lo > 4e-16 * hi)):
                break
        price = np.where(curved, hi, price)
    return price, clears, c1, sides


def _volumes(pk: Packed, rows: Rows, onehot: Array, price: Array, c1: Array, sides: tuple) -> dict[str, Array]:
    """Volumes at the group prices. A price at the bracket's top c1 (within LEVEL_TOL) takes the
    volumes already found there; a price strictly inside the bracket meets no breakpoint, so its
    two sides agree and one evaluation gives both."""
    at_top = np.abs(price - c1) <= 2 * LEVEL_TOL * np.abs(c1)
    price = np.where(at_top, c1, price)
    left, right = sides
    if not at_top.all():
        inside = parts(pk, own_prices(rows, price)[..., None], True)
        top = at_top.reshape(-1)[rows.flat_labels]
        left = {k: np.where(top, v, inside[k][..., 0]) for k, v in left.items()}
        right = {k: np.where(top, v, inside[k][..., 0]) for k, v in right.items()}
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
    _ = pk.slopes  # computed once for all chunks, which are views (no copies)
    for start in range(0, R, chunk):
        idx = slice(start, min(R, start + chunk))
        pieces.append(_solve_chunk(pk.take(idx), Rows(rows.labels[idx], rows.factors[idx], rows.fixed[idx])))
    volumes = {k: np.concatenate([p[0][k] for p in pieces]) for k in pieces[0][0]}
    return volumes, np.concatenate([p[1] for p in pieces])


def _solve_chunk(pk: Packed, rows: Rows) -> tuple[dict[str, Array], Array]:
    onehot = rows.onehot.astype(float)
    own = breakpoints(pk) / rows.factors[..., None]
    cand = np.sort(np.concatenate([np.zeros((own.shape[0], 1)), own.reshape(own.shape[0], -1)], axis=1), axis=1)
    j, below, feasible = _find_interval(pk, rows, onehot, cand)
    price, clears, c1, sides = _root(pk, rows, onehot, cand, j, below)
    present = onehot.any(axis=1)
    valid = np.all((feasible & clears) | ~present, axis=1)
    return _volumes(pk, rows, onehot, np.where(present, price, 0.0), np.where(present, c1, 0.0), sides), valid


def solve_rows(scenario: Scenario, rows: list[Row], *, pk: Packed | None = None) -> list[dict[str, Array] | None]:
    """Same contract as reference.solve_rows, for one scenario: all rows in one compiled call
    (compiled.py; numpy's cost per call would dominate arrays this small), with each system's
    compliance cost as "cost"."""
    from . import compiled  # compiles or loads the machine code on first use

    pk = pack([scenario]) if pk is None else pk  # `pk`: the scenario already packed
    out, valid = compiled.solve(pk, *(np.array([getattr(x, f) for x in rows]) for f in ("labels", "factors", "fixed")))
    return [{f: column[i] for f, column in out.items()} if valid[i] else None for i in range(len(rows))]
