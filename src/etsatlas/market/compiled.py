"""One scenario's market rows cleared by compiled scalar loops: the fast path for a single scenario.

The algorithm is the reference solver's (reference.py, supply.py, mac.py), line for line, with
two changes: the breakpoint interval holding the price is found by bisection over the sorted
candidates (the balance never falls as the price rises), and inside it a piecewise-linear
balance is solved exactly by interpolation instead of by brentq (a constant-elasticity member
makes it curved: then bisection to the last bit). It also prices each system's compliance
cost (results._cost). One 10-system scenario thus costs tens of microseconds instead of the
hundreds of numpy calls a vectorised path needs; many scenarios at once go through the
vectorised kernel instead (kernel.solve_packed), where numpy's per-call cost is shared.

The helpers are plain Python functions (register_jitable) that numba compiles into `_solve`,
once per machine: about 10 s, cached beside this file (or in NUMBA_CACHE_DIR when that is
read-only) and loaded in a fraction of a second afterwards. `make bootstrap` and the server's
warm-up load it, so no user waits for the compiler.

Inputs are the arrays of packed.Packed for one scenario, (n[, K|T|M]). Absent levels are +-inf.
"""

from __future__ import annotations

import numpy as np
from numba import njit, types
from numba.extending import register_jitable

from .packed import LEVEL_TOL, Packed
from .reference import FIELDS

Array = np.ndarray
# Positions of the per-system volumes returned by _parts.
ABATEMENT, EMISSIONS, SOLD, RELEASED, OFFSETS, SHORTFALL, EXCESS, CEILING = range(8)
PARAMS = ("bau", "free", "auction", "elastic", "q", "m", "npts", "coef", "eta", "floor", "ecr_trigger", "ecr_volume",
          "tier_trigger", "tier_volume", "ceiling", "penalty", "offer_price", "offer_qty", "limit")
INTEGER = {"npts"}
BOOLEAN = {"elastic"}

# The one signature of _solve, compiled when this module is first imported (kernel.solve_rows
# imports it on first use).
F1, F2, F3 = types.float64[::1], types.float64[:, ::1], types.float64[:, :, ::1]
I1, I2, B1 = types.int64[::1], types.int64[:, ::1], types.boolean[::1]
S = types.Tuple((F1, F1, F1, B1, F2, F2, I1, F1, F1, F1, F1, F1, F2, F2, F1, F1, F2, F2, F1))  # the PARAMS


@register_jitable
def _above(x, level, right):
    """x at or above `level` from the right side (within LEVEL_TOL below it), or strictly above from the left."""
    if level == np.inf:
        return False
    if level == -np.inf:
        return True
    slack = LEVEL_TOL * abs(level)
    return x >= level - slack if right else x > level + slack


@register_jitable
def _abatement(i, x, s):
    """mac.abatement: the abatement where the MAC equals x, capped at BAU."""
    (bau, free, auction, elastic, q, m, npts, coef, eta, floor, ecr_trigger, ecr_volume, tier_trigger, tier_volume, ceiling,
     penalty, offer_price, offer_qty, limit) = s
    if elastic[i]:
        if x >= (bau[i] / coef[i]) ** (1.0 / eta[i]):
            return bau[i]
        return min(coef[i] * x ** eta[i], bau[i]) if x > 0 else 0.0
    if x <= m[i, 0]:
        return 0.0
    for k in range(npts[i] - 1):
        if x < m[i, k + 1]:
            return q[i, k] + (x - m[i, k]) * (q[i, k + 1] - q[i, k]) / (m[i, k + 1] - m[i, k])
    return bau[i]


@register_jitable
def _marginal_cost(i, a, s):
    """mac.marginal_cost: the MAC at abatement a."""
    (bau, free, auction, elastic, q, m, npts, coef, eta, floor, ecr_trigger, ecr_volume, tier_trigger, tier_volume, ceiling,
     penalty, offer_price, offer_qty, limit) = s
    if elastic[i]:
        return (a / coef[i]) ** (1.0 / eta[i]) if a > 0 else 0.0
    for k in range(npts[i] - 1):
        if a <= q[i, k + 1]:
            return m[i, k] + (a - q[i, k]) * (m[i, k + 1] - m[i, k]) / (q[i, k + 1] - q[i, k])
    return m[i, npts[i] - 1]


@register_jitable
def _distinct(values):
    """values sorted in place, and the view of its distinct values (np.unique without its lists)."""
    values.sort()
    count = 0
    for v in values:
        if count == 0 or v != values[count - 1]:
            values[count] = v
            count += 1
    return values[:count]


@register_jitable
def _abatement_cost(i, a, s):
    """mac.abatement_cost: the area under system i's MAC from 0 to a (millions)."""
    (bau, free, auction, elastic, q, m, npts, coef, eta, floor, ecr_trigger, ecr_volume, tier_trigger, tier_volume, ceiling,
     penalty, offer_price, offer_qty, limit) = s
    if a <= 0:
        return 0.0
    if elastic[i]:
        e = 1.0 / eta[i]
        return a ** (1.0 + e) / ((1.0 + e) * coef[i] ** e)
    total = 0.0
    for k in range(npts[i] - 1):
        q0, q1, m0, m1 = q[i, k], q[i, k + 1], m[i, k], m[i, k + 1]
        if a <= q0:
            break
        top = min(a, q1)
        m_top = m0 + (top - q0) * (m1 - m0) / (q1 - q0)
        total += (top - q0) * (m0 + m_top) / 2
    return total


@register_jitable
def _offset_cost(i, used, s):
    """supply.SystemSupply.offset_cost: money paid for `used` credits, cheapest tranche first."""
    (bau, free, auction, elastic, q, m, npts, coef, eta, floor, ecr_trigger, ecr_volume, tier_trigger, tier_volume, ceiling,
     penalty, offer_price, offer_qty, limit) = s
    cost, left = 0.0, used
    for t in range(offer_price.shape[1]):
        if np.isfinite(offer_price[i, t]):
            take = min(left, offer_qty[i, t])
            cost += take * offer_price[i, t]
            left -= take
    return cost


@register_jitable
def _parts(i, x, right, out, s):
    """supply.SystemSupply.parts of system i at own price x into out[0:8] (ceiling as 0.0 / 1.0)."""
    (bau, free, auction, elastic, q, m, npts, coef, eta, floor, ecr_trigger, ecr_volume, tier_trigger, tier_volume, ceiling,
     penalty, offer_price, offer_qty, limit) = s
    x_eff = min(x, penalty[i])
    a = _abatement(i, x_eff, s)
    emissions = bau[i] - a
    sold = 0.0
    if _above(x, floor[i], right):
        withheld = not _above(x, ecr_trigger[i], right)
        sold = auction[i] - (ecr_volume[i] if withheld else 0.0)
    released = 0.0
    for t in range(tier_trigger.shape[1]):
        if _above(x, tier_trigger[i, t], right):
            released += tier_volume[i, t]
    offer = 0.0
    for t in range(offer_price.shape[1]):
        if _above(x_eff, offer_price[i, t], right):
            offer += offer_qty[i, t]
    offsets = min(offer, limit[i] * emissions)
    shortfall = emissions - offsets if _above(x, penalty[i], right) else 0.0
    out[ABATEMENT], out[EMISSIONS], out[SOLD], out[RELEASED] = a, emissions, sold, released
    out[OFFSETS], out[SHORTFALL] = offsets, shortfall
    out[EXCESS] = free[i] + sold + released + offsets + shortfall - emissions
    out[CEILING] = 1.0 if _above(x, ceiling[i], right) else 0.0


@register_jitable
def _breakpoints(i, out, s):
    """supply.SystemSupply.breakpoints of system i (0 included) into out; returns how many."""
    (bau, free, auction, elastic, q, m, npts, coef, eta, floor, ecr_trigger, ecr_volume, tier_trigger, tier_volume, ceiling,
     penalty, offer_price, offer_qty, limit) = s
    count = 1
    out[0] = 0.0
    if elastic[i]:
        out[count] = (bau[i] / coef[i]) ** (1.0 / eta[i])
        count += 1
    else:
        for k in range(npts[i]):
            out[count] = m[i, k]
            count += 1
    for level in (floor[i], ceiling[i], penalty[i], ecr_trigger[i]):
        if np.isfinite(level):
            out[count] = level
            count += 1
    for t in range(tier_trigger.shape[1]):
        if np.isfinite(tier_trigger[i, t]):
            out[count] = tier_trigger[i, t]
            count += 1
    share = limit[i]
    cumulative = 0.0
    for t in range(offer_price.shape[1]):
        if not np.isfinite(offer_price[i, t]):
            continue
        out[count] = offer_price[i, t]
        count += 1
        cumulative += offer_qty[i, t]
        # Where the offset limit starts to bind: share * emissions(p) equals the credits offered so far.
        if share > 0:
            target = bau[i] - cumulative / share
            if 0 <= target <= bau[i]:
                out[count] = _marginal_cost(i, target, s)
                count += 1
    return count


@register_jitable
def _balance(price, right, members, size, factors, fixed, work, s):
    """The group's excess supply at its price (reference.solve_group's balance); +inf at a ceiling."""
    total = 0.0
    for j in range(size):
        i = members[j]
        k = factors[i]
        _parts(i, k * price, right, work, s)
        if work[CEILING] > 0.5:
            return np.inf
        total += k * (work[EXCESS] + fixed[i])
    return total


@register_jitable
def _clearing_price(c, members, size, factors, fixed, work, s):
    """The lowest candidate-bounded price with a non-negative balance from the right; NaN if none clears."""
    (bau, free, auction, elastic, q, m, npts, coef, eta, floor, ecr_trigger, ecr_volume, tier_trigger, tier_volume, ceiling,
     penalty, offer_price, offer_qty, limit) = s
    lo, hi = -1, c.size - 1
    if _balance(c[hi], True, members, size, factors, fixed, work, s) < 0:
        return np.nan
    f0 = np.nan
    while hi - lo > 1:  # the balance never falls as the price rises
        mid = (lo + hi) // 2
        f = _balance(c[mid], True, members, size, factors, fixed, work, s)
        if f >= 0:
            hi = mid
        else:
            lo, f0 = mid, f
    c1 = c[hi]
    if hi == 0:
        return c1
    f1 = _balance(c1, False, members, size, factors, fixed, work, s)
    if f1 <= 0:  # a vertical stretch at c1
        return c1
    c0 = c[hi - 1]
    curved = False
    for j in range(size):
        curved = curved or elastic[members[j]]
    if not curved:  # linear between breakpoints: exact
        return min(max(c0 - f0 * (c1 - c0) / (f1 - f0), c0), c1)
    a, b = c0, c1  # bisection to the last bit: the lowest price that clears from the right
    while True:
        mid = 0.5 * (a + b)
        if mid <= a or mid >= b:
            return b
        if _balance(mid, True, members, size, factors, fixed, work, s) >= 0:
            b = mid
        else:
            a = mid


@register_jitable
def _settle(price, members, size, factors, fixed, left, right, volumes, s):
    """reference._volumes: the group's volumes at its price, blended on a vertical stretch so it clears."""
    (bau, free, auction, elastic, q, m, npts, coef, eta, floor, ecr_trigger, ecr_volume, tier_trigger, tier_volume, ceiling,
     penalty, offer_price, offer_qty, limit) = s
    low = high = total_weight = 0.0
    ceilings = 0
    for j in range(size):
        i = members[j]
        k = factors[i]
        _parts(i, k * price, False, left[j], s)
        _parts(i, k * price, True, right[j], s)
        low += k * (left[j, EXCESS] + fixed[i])
        high += k * (right[j, EXCESS] + fixed[i])
        total_weight += max(k * (right[j, EXCESS] + fixed[i]), 0.0)
        if right[j, CEILING] > 0.5:
            ceilings += 1
    capped = ceilings > 0 and high < 0
    theta = 1.0
    if price != 0.0 and not capped and high > low:
        theta = min(max(-low / (high - low), 0.0), 1.0)
    for j in range(size):
        i = members[j]
        k = factors[i]
        v = volumes[i]
        unused = ceiling_sold = 0.0
        if price == 0.0:
            if high > 0 and total_weight > 0:
                unused = high * max(k * (right[j, EXCESS] + fixed[i]), 0.0) / total_weight / k
        elif capped and right[j, CEILING] > 0.5:
            ceiling_sold = -high / ceilings / k
        v[0] = k * price
        for src in range(6):  # abatement, emissions, sold, released, offsets, shortfall: FIELDS[1:7]
            v[1 + src] = left[j, src] + theta * (right[j, src] - left[j, src])
        v[7], v[8] = ceiling_sold, unused
        v[9] = v[2] - (free[i] + v[3] + v[4] + v[5] + v[6] + ceiling_sold - unused)
        v[10] = _abatement_cost(i, v[1], s) + v[0] * v[9] + _offset_cost(i, v[5], s)  # results._cost


@njit(types.Tuple((F3, B1))(S, I2, F2, F2), cache=True)
def _solve(s, labels, factors, fixed):
    """Every group of every row: volumes (R, n, FIELDS + cost) and row validity (R,)."""
    (bau, free, auction, elastic, q, m, npts, coef, eta, floor, ecr_trigger, ecr_volume, tier_trigger, tier_volume, ceiling,
     penalty, offer_price, offer_qty, limit) = s
    R, n = labels.shape
    width = 1 + max(npts.max(), 1) + 4 + tier_trigger.shape[1] + 2 * offer_price.shape[1]
    own = np.empty((n, width))
    counts = np.empty(n, np.int64)
    for i in range(n):
        counts[i] = _breakpoints(i, own[i], s)
    volumes = np.zeros((R, n, 11))
    valid = np.ones(R, np.bool_)
    members = np.empty(n, np.int64)
    cand = np.empty(n * width)
    left, right, work = np.empty((n, 8)), np.empty((n, 8)), np.empty(8)
    for r in range(R):
        for g in range(n):  # group labels run from 0 to n - 1; unused labels are skipped
            size = 0
            for i in range(n):
                if labels[r, i] == g:
                    members[size] = i
                    size += 1
            if size == 0:
                continue
            # Candidate group prices: every member's breakpoints in the group's price, sorted, distinct.
            total = 0
            for j in range(size):
                i = members[j]
                for b in range(counts[i]):
                    cand[total] = own[i, b] / factors[r, i]
                    total += 1
            price = _clearing_price(_distinct(cand[:total]), members, size, factors[r], fixed[r], work, s)
            if np.isnan(price):
                valid[r] = False
                break
            _settle(price, members, size, factors[r], fixed[r], left, right, volumes[r], s)
    return volumes, valid


def solve(pk: Packed, labels: Array, factors: Array, fixed: Array) -> tuple[dict[str, Array], Array]:
    """Volumes (R, n) per field of reference.FIELDS, the compliance cost of each system (as
    results._cost) and row validity (R,), for the one scenario in `pk`."""
    args = []
    for name in PARAMS:
        dtype = np.int64 if name in INTEGER else np.bool_ if name in BOOLEAN else np.float64
        args.append(np.ascontiguousarray(getattr(pk, name)[0], dtype=dtype))
    volumes, valid = _solve(tuple(args), np.ascontiguousarray(labels, np.int64), np.ascontiguousarray(factors, np.float64),
                            np.ascontiguousarray(fixed, np.float64))
    return {f: volumes[..., i] for i, f in enumerate(FIELDS + ("cost",))}, valid
