"""One scenario's systems as exact tables over their breakpoints: the fast path for one scenario.

With a piecewise-linear MAC every volume of a system (abatement, auction sales, reserve
releases, offsets, penalty shortfall, excess supply) is linear in its price between two of its
breakpoints, and jumps only at them. Its volumes at each breakpoint (from the left and from the
right) and inside each segment therefore define it exactly at every price. One
evaluation of `packed.parts` builds that table; after it, all candidate prices of all rows are
tried at once by a sweep over the sorted breakpoints, and the clearing volumes come from the
same table. For a single scenario this replaces the search's dozens of small numpy calls per
evaluation by a handful of calls in all.

Constant-elasticity MACs are curved between breakpoints; scenarios with them use kernel.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .groups import SIDE_FIELDS, Rows, group_total, own_prices, settle
from .packed import LEVEL_TOL, Packed, breakpoints, parts

Array = np.ndarray
TABLE_LIMIT = 1_000_000  # rows x groups x candidates; above it the search of kernel.py is leaner
# Excess and ceiling first: the search for the clearing price needs only those two.
ORDER = ("excess", "ceiling") + tuple(f for f in SIDE_FIELDS if f not in ("excess", "ceiling"))


@dataclass
class Table:
    """Systems (n) of one scenario at their B sorted breakpoints; flat tables are (n * B, F)."""

    price: Array  # (n, B) own prices of the breakpoints, ascending; the first is 0
    reach: Array  # (n, B) price from which each breakpoint counts as reached (LEVEL_TOL below it)
    slack: Array  # (n * B,) how far above a breakpoint a price still sits on it
    right: Array  # (n * B, F) volumes at each breakpoint from the right, fields in ORDER
    left: Array  # (n * B, F) the same from the left
    slope: Array  # (n * B, F) change per unit of price from each breakpoint to the next (0 past the last)
    shift: Array  # (n * B, F) left side minus right side between each breakpoint and the next

    @property
    def width(self) -> int:
        return self.price.shape[1]


def usable(pk: Packed) -> bool:
    """Piecewise-linear MACs only (constant elasticity is curved between breakpoints)."""
    return not pk.any_elastic


def fits(pk: Packed, rows: Rows) -> bool:
    """Whether sweeping every group of every row at once stays small."""
    R, n = rows.labels.shape
    most = pk.m.shape[2] + pk.tier_trigger.shape[2] + 2 * pk.offer_price.shape[2] + 6  # breakpoints per system, at most
    return R * rows.groups * n * most <= TABLE_LIMIT


def build(pk: Packed) -> Table:
    """The table of `pk`'s single scenario (pk arrays (1, n, ...)).

    Each segment is probed at its middle (the last one beyond its start) from both sides. The
    right side gives its slope. The left side differs from the right inside a segment only
    above a penalty, where offsets are priced at the penalty and a tranche priced exactly there
    counts from the right only (as in supply.SystemSupply.parts); the probe gives that shift.
    """
    n = pk.bau.shape[1]
    b = np.sort(np.concatenate([np.zeros((1, n, 1)), breakpoints(pk)], axis=2), axis=2)[0]
    B = b.shape[1]
    probe = np.concatenate([0.5 * (b[:, 1:] + b[:, :-1]), 2 * b[:, -1:] + 1], axis=1)
    x = np.concatenate([b, b, probe, probe], axis=1)[None]
    p = parts(pk, x, np.tile(np.repeat([True, False], B), 2))
    v = np.stack([p[f] for f in ORDER], axis=-1)[0]  # (n, 4B, F)
    right, left, inside, inside_left = (v[:, i * B : (i + 1) * B] for i in range(4))
    slack = LEVEL_TOL * b
    flat = np.ones((n, B, 1), bool)  # no slope past the last breakpoint, nor between two within LEVEL_TOL
    flat[:, :-1, 0] = b[:, 1:] - b[:, :-1] <= slack[:, 1:]
    width = probe - b  # 0 only between breakpoints that coincide, where `flat` holds
    slope = np.where(flat, 0.0, (inside - right) / np.where(width > 0, width, 1.0)[..., None])
    F = len(ORDER)
    return Table(b, b - slack, slack.reshape(-1), right.reshape(-1, F), left.reshape(-1, F), slope.reshape(-1, F),
                 (inside_left - inside).reshape(-1, F))


def lookup(t: Table, x: Array, fields: int = len(ORDER)) -> tuple[Array, Array]:
    """Volumes (..., n, fields) of each system at own prices x (..., n): from the right, from the left.

    From breakpoint k a volume runs linearly with its slope up to breakpoint k + 1; at a
    breakpoint (within LEVEL_TOL) the left side is the table's, elsewhere the right side shifted.
    """
    n = t.price.shape[0]
    idx = np.arange(n) * t.width + np.maximum((t.reach <= x[..., None]).sum(-1) - 1, 0)
    b0 = t.price.reshape(-1)[idx]
    right = t.right[idx, :fields] + (x - b0)[..., None] * t.slope[idx, :fields]
    at = (x <= b0 + t.slack[idx])[..., None]
    return right, np.where(at, t.left[idx, :fields], right + t.shift[idx, :fields])


def _sides(values: Array) -> dict[str, Array]:
    out = {f: values[..., i] for i, f in enumerate(ORDER)}
    out["ceiling"] = out["ceiling"] > 0.5
    return out


def _brackets(t: Table, rows: Rows) -> tuple[Array, Array, Array]:
    """Per group (R, G): the candidates around its price (c0 < price <= c1) and whether one clears.

    Every group's balance is swept over its members' breakpoints, sorted: jumps and slope
    changes summed in order (a rounding error can only misplace a bracket near a balance of
    zero; the caller checks the bracket exactly). Written with few numpy calls: for one
    scenario their count, not the array sizes, sets the time.
    """
    R, n = rows.labels.shape
    B = t.width
    N = n * B
    k = rows.factors[..., None]  # (R, n, 1)
    right, slope = t.right[:, :2].reshape(n, B, 2), t.slope[:, 0].reshape(n, B)
    # What each breakpoint adds to the excess on top of the previous segment's line, and to its slope
    # (the first, at price 0, adds the whole excess there). A ceiling's 0/1 flag has no slope.
    reached = right[:, 1:] - right[:, :-1]
    reached[..., 0] -= slope[:, :-1] * (t.price[:, 1:] - t.price[:, :-1])
    reached = np.concatenate([right[:, :1], reached], axis=1)
    turn = slope.copy()
    turn[:, 1:] -= slope[:, :-1]
    # In the group's price p a member contributes k * (excess(k p) + fixed): jumps scale by k, slopes by k^2.
    steps = np.empty((R, n, B, 3))
    steps[..., 0], steps[..., 1], steps[..., 2] = k * reached[..., 0], k * k * turn, reached[..., 1]
    steps = steps.reshape(R * N, 3)
    cand = (t.price / k).reshape(R, N)
    group = rows.labels.repeat(B, axis=1)
    flat = np.lexsort((cand, group)) + np.arange(0, R * N, N)[:, None]  # by group, then price
    c, g, steps = cand.ravel()[flat], group.ravel()[flat], steps[flat]
    first = np.ones((R, N), bool)
    first[:, 1:] = g[:, 1:] != g[:, :-1]
    base = np.maximum.accumulate(np.where(first, np.arange(R * N).reshape(R, N), 0), axis=1)  # where each group starts
    total = steps.cumsum(axis=1)
    run = total - (total.reshape(R * N, 3) - steps.reshape(R * N, 3))[base]  # sums within the group
    rise = np.zeros((R, N))
    rise[:, 1:] = run[:, :-1, 1] * (c[:, 1:] - c[:, :-1])
    rise[first] = 0.0
    rise = rise.cumsum(axis=1)
    start = rows.factors * rows.fixed  # each member's balance before its breakpoints: its fixed inflow
    below_zero = np.zeros(R * rows.groups)
    np.add.at(below_zero, rows.flat_labels.ravel(), start.ravel())
    value = below_zero[(g + np.arange(0, R * rows.groups, rows.groups)[:, None])] + run[..., 0] + rise - rise.ravel()[base]
    last = np.ones((R, N), bool)  # the last breakpoint at its price within the group
    last[:, :-1] = (c[:, 1:] != c[:, :-1]) | first[:, 1:]
    ok = last & ((value >= 0) | (run[..., 2] > 0.5))
    in_group = g[:, None, :] == np.arange(rows.groups)[:, None]  # (R, G, N)
    c1 = np.where(in_group & ok[:, None, :], c[:, None, :], np.inf).min(axis=2)
    c0 = np.where(in_group & (c[:, None, :] < c1[..., None]), c[:, None, :], -np.inf).max(axis=2)
    return c0, c1, np.isfinite(c1)


def solve_shared(pk: Packed, rows: Rows) -> tuple[dict[str, Array], Array] | None:
    """Clear every group of every row, all rows configurations of the one scenario in `pk` (1, n, ...).

    Same results as kernel.solve_packed: volumes (R, n) and row validity (R,); None when a
    bracket fails its exact check (the caller then searches instead).
    """
    t = build(pk)
    onehot = rows.onehot.astype(float)
    present = onehot.any(axis=1)
    c0, c1, feasible = _brackets(t, rows)
    c1 = np.where(feasible & present, c1, 0.0)
    has_low = np.isfinite(c0)
    c0 = np.where(has_low, c0, c1)
    right, left = lookup(t, np.stack([own_prices(rows, c0), own_prices(rows, c1)]), fields=2)
    # Balances: right at c0 (must be negative), right at c1 (must clear), left at c1; ceilings offering at c1.
    f, fixed = rows.factors, rows.fixed
    columns = np.stack([f * (right[0, ..., 0] + fixed), f * (right[1, ..., 0] + fixed), f * (left[1, ..., 0] + fixed), right[1, ..., 1]], axis=2)
    f0, top, f1, capped = np.moveaxis(group_total(rows, onehot, columns), 2, 0)
    if np.any(present & feasible & ((has_low & (f0 >= 0)) | ~((top >= 0) | (capped > 0)))):
        return None
    rising = has_low & (f1 > 0)  # the root lies inside (c0, c1), where f0 < 0 < f1
    inner = c0 - f0 * (c1 - c0) / np.where(rising, f1 - f0, 1.0)
    price = np.where(rising, np.minimum(np.maximum(inner, c0), c1), c1)
    price = np.where(present, price, 0.0)
    right, left = lookup(t, own_prices(rows, price))
    valid = np.all(feasible | ~present, axis=1)
    return settle(pk, rows, onehot, price, _sides(left), _sides(right)), valid
