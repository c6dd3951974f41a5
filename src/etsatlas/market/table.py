"""One scenario's systems as exact tables over their breakpoints: the fast path for one scenario.

With a piecewise-linear MAC every volume of a system (abatement, auction sales, reserve
releases, offsets, penalty shortfall, excess supply) is linear in its price between two of its
breakpoints, and jumps only at them. Its volumes at each breakpoint, from the left and from the
right, therefore define it exactly at every price. One evaluation of `packed.parts` builds that
table; after it, all candidate prices of all rows are tried at once by lookup and interpolation,
and the clearing volumes come from the same table. For a single scenario this replaces the
search's dozens of small numpy calls per evaluation by a handful of calls in all.

Constant-elasticity MACs are curved between breakpoints; scenarios with them use kernel.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .groups import SIDE_FIELDS, Rows, group_sum, own_prices, settle
from .packed import LEVEL_TOL, Packed, breakpoints, parts

Array = np.ndarray
TABLE_LIMIT = 1_000_000  # rows x groups x candidates; above it the search of kernel.py is leaner
# Excess and ceiling first: the search for the clearing price needs only those two.
ORDER = ("excess", "ceiling") + tuple(f for f in SIDE_FIELDS if f not in ("excess", "ceiling"))


@dataclass
class Table:
    """Systems (n) of one scenario at their B sorted breakpoints, plus a +inf end column."""

    price: Array  # (n, B + 1) own prices of the breakpoints, ascending
    reach: Array  # (n, B) price from which each breakpoint counts as reached (LEVEL_TOL below it)
    slack: Array  # (n, B + 1) how far above a breakpoint a price still sits on it
    right: Array  # (n * (B + 1), F) volumes at each breakpoint from the right, fields in ORDER
    left: Array  # (n * (B + 1), F) the same from the left
    jump: Array  # (n, B) rise of the excess at each breakpoint (0 on one within LEVEL_TOL of the previous)
    turn: Array  # (n, B) change of the excess's slope there
    cap: Array  # (n, B) 1 where a ceiling starts offering any volume
    left0: Array  # (n,) excess just below price 0

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
    """The table of `pk`'s single scenario (pk arrays (1, n, ...))."""
    n = pk.bau.shape[1]
    b = np.sort(np.concatenate([np.zeros((1, n, 1)), breakpoints(pk)], axis=2), axis=2)[0]
    B = b.shape[1]
    p = parts(pk, np.concatenate([b, b], axis=1)[None], np.repeat([True, False], B))
    v = np.stack([p[f] for f in ORDER], axis=-1)[0]  # (n, 2B, F)
    right, left = v[:, :B], v[:, B:]
    price = np.concatenate([b, np.full((n, 1), np.inf)], axis=1)
    slack = LEVEL_TOL * np.abs(b)
    gap = b[:, 1:] - b[:, :-1]
    tiny = gap <= slack[:, 1:]  # two breakpoints within LEVEL_TOL act as one
    with np.errstate(invalid="ignore", divide="ignore"):
        slope = np.where(tiny, 0.0, (left[:, 1:, 0] - right[:, :-1, 0]) / gap)  # on each segment; 0 past the last
    slope = np.concatenate([slope, np.zeros((n, 1))], axis=1)
    same = np.concatenate([np.zeros((n, 1), bool), tiny], axis=1)
    end = v[:, B - 1 : B]  # past the last breakpoint nothing changes any more
    F = len(ORDER)
    return Table(
        price=price, reach=b - slack, slack=np.concatenate([slack, np.zeros((n, 1))], axis=1),
        right=np.concatenate([right, end], axis=1).reshape(-1, F), left=np.concatenate([left, end], axis=1).reshape(-1, F),
        jump=np.where(same, 0.0, right[..., 0] - left[..., 0]), turn=np.diff(slope, axis=1, prepend=0.0),
        cap=np.where(same, 0.0, right[..., 1] - left[..., 1]), left0=left[:, 0, 0],
    )


def lookup(t: Table, x: Array, fields: int = len(ORDER)) -> tuple[Array, Array]:
    """Volumes (..., n, fields) of each system at own prices x (..., n): from the right, from the left.

    Between breakpoints k and k + 1 a volume runs linearly from its right value at k to its
    left value at k + 1; at a breakpoint (within LEVEL_TOL) the two sides differ.
    """
    n = t.price.shape[0]
    idx = np.arange(n) * t.width + np.maximum((t.reach <= x[..., None]).sum(-1) - 1, 0)
    flat = t.price.reshape(-1)
    b0, b1 = flat[idx], flat[idx + 1]
    r0, l1 = t.right[idx, :fields], t.left[idx + 1, :fields]
    with np.errstate(invalid="ignore"):
        w = np.where(np.isfinite(b1), (x - b0) / (b1 - b0), 0.0)[..., None]
    right = r0 + w * (l1 - r0)
    at = (x <= b0 + t.slack.reshape(-1)[idx])[..., None]
    return right, np.where(at, t.left[idx, :fields], right)


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
    B = t.width - 1
    N = n * B
    k = rows.factors[..., None]  # (R, n, 1)
    # In the group's price p a member contributes k * (excess(k p) + fixed): jumps scale by k, slopes by k^2.
    steps = np.stack([k * t.jump, k * k * t.turn, t.cap + 0.0 * k], axis=-1).reshape(R * N, 3)
    cand = (t.price[:, :B] / k).reshape(R, N)
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
    start = rows.factors * (t.left0 + rows.fixed)  # each member's balance just below price 0
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
    f0, top, f1 = (group_sum(rows, onehot, (v[..., :1] + rows.fixed[..., None]))[..., 0] for v in (right[0], right[1], left[1]))
    capped = np.einsum("ri,rig->rg", right[1, ..., 1], onehot) > 0
    if np.any(present & feasible & ((has_low & (f0 >= 0)) | ~((top >= 0) | capped))):
        return None
    with np.errstate(divide="ignore", invalid="ignore"):
        inner = c0 - f0 * (c1 - c0) / (f1 - f0)
    price = np.where(~has_low | (f1 <= 0), c1, np.clip(inner, c0, c1))
    price = np.where(present, price, 0.0)
    right, left = lookup(t, own_prices(rows, price))
    valid = np.all(feasible | ~present, axis=1)
    return settle(pk, rows, onehot, price, _sides(left), _sides(right)), valid
