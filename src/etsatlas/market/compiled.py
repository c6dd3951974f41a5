"""Market rows cleared by compiled scalar loops: the fast solver, for one scenario or many.

The algorithm is the reference solver's (reference.py, supply.py, mac.py), step for step, with
two changes: the breakpoint interval holding the price is found by bisection over the sorted
candidates (supply never falls as the price rises; tests check it), and inside it a
piecewise-linear balance is solved exactly by interpolation instead of by brentq (a
constant-elasticity member makes it curved: then bisection to the last bit). It also prices
each system's compliance cost (results._cost). One 10-system scenario thus costs tens of
microseconds instead of the hundreds of numpy calls a vectorised path needs, and a batch of
scenarios runs at the same speed per scenario, without temporaries.

Each system is one row of floats (packed.ROW): its scalar parameters, then its MAC points,
reserve tiers and offset tranches. One row per system keeps a call's arguments to a couple of arrays
(numba passes every array with reference counting, which dominated a call taking 19 of them).

The helpers are plain Python functions (register_jitable) that numba compiles into `_solve`
once per machine: about 10 s, cached beside this file (or in NUMBA_CACHE_DIR when that is
read-only) and loaded in a fraction of a second afterwards. `make bootstrap` and the server's
warm-up load it, so no user waits for the compiler.
"""

from __future__ import annotations

import numpy as np
from numba import njit, types
from numba.extending import register_jitable

from .packed import HEAD, LEVEL_TOL
from .reference import BALANCE_TOL, FIELDS

Array = np.ndarray
# Positions in a system's row (packed.ROW).
(BAU, FREE, AUCTION, ELASTIC, NPTS, COEF, ETA, FLOOR, ECR_TRIGGER, ECR_VOLUME, CEILING, PENALTY, LIMIT, K_, T_, M_) = range(HEAD)
# Volumes computed by _parts, in this order.
ABATEMENT, EMISSIONS, SOLD, RELEASED, OFFSETS, SHORTFALL, EXCESS, CEILING_ON = range(8)
OUT = FIELDS + ("cost",)


@register_jitable
def _blocks(row):
    """Where the row's blocks start: MAC abatements, MAC prices, tier triggers, tier volumes, tranche
    prices, tranche quantities; then K, T and M. (Offsets, not slices: a view costs more than the
    arithmetic it serves.)"""
    K, T, M = int(row[K_]), int(row[T_]), int(row[M_])
    t = HEAD + 2 * K
    o = t + 2 * T
    return HEAD, HEAD + K, t, t + T, o, o + M, K, T, M


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
def _abatement(row, x):
    """mac.abatement: the abatement where the MAC equals x, capped at BAU."""
    bau = row[BAU]
    if row[ELASTIC] > 0.5:
        if x >= (bau / row[COEF]) ** (1.0 / row[ETA]):
            return bau
        return min(row[COEF] * x ** row[ETA], bau) if x > 0 else 0.0
    q, m = HEAD, HEAD + int(row[K_])
    if x <= row[m]:
        return 0.0
    for k in range(int(row[NPTS]) - 1):
        if x < row[m + k + 1]:
            return row[q + k] + (x - row[m + k]) * (row[q + k + 1] - row[q + k]) / (row[m + k + 1] - row[m + k])
    return bau


@register_jitable
def _marginal_cost(row, a):
    """mac.marginal_cost: the MAC at abatement a."""
    if row[ELASTIC] > 0.5:
        return (a / row[COEF]) ** (1.0 / row[ETA]) if a > 0 else 0.0
    q, m = HEAD, HEAD + int(row[K_])
    n = int(row[NPTS])
    for k in range(n - 1):
        if a <= row[q + k + 1]:
            return row[m + k] + (a - row[q + k]) * (row[m + k + 1] - row[m + k]) / (row[q + k + 1] - row[q + k])
    return row[m + n - 1]


@register_jitable
def _abatement_cost(row, a):
    """mac.abatement_cost: the area under the MAC from 0 to a (millions)."""
    if a <= 0:
        return 0.0
    if row[ELASTIC] > 0.5:
        e = 1.0 / row[ETA]
        return a ** (1.0 + e) / ((1.0 + e) * row[COEF] ** e)
    q, m = HEAD, HEAD + int(row[K_])
    total = 0.0
    for k in range(int(row[NPTS]) - 1):
        q0, q1, m0, m1 = row[q + k], row[q + k + 1], row[m + k], row[m + k + 1]
        if a <= q0:
            break
        top = min(a, q1)
        m_top = m0 + (top - q0) * (m1 - m0) / (q1 - q0)
        total += (top - q0) * (m0 + m_top) / 2
    return total


@register_jitable
def _offset_cost(row, used):
    """supply.SystemSupply.offset_cost: money paid for `used` credits, cheapest tranche first."""
    _, _, _, _, price, quantity, _, _, M = _blocks(row)
    cost, left = 0.0, used
    for t in range(M):
        if np.isfinite(row[price + t]):
            take = min(left, row[quantity + t])
            cost += take * row[price + t]
            left -= take
    return cost


@register_jitable
def _parts(row, x, right, out):
    """supply.SystemSupply.parts at own price x into out[0:8] (the ceiling as 0.0 / 1.0)."""
    _, _, tier_trigger, tier_volume, offer_price, offer_qty, _, T, M = _blocks(row)
    x_eff = min(x, row[PENALTY])  # above the penalty, abating or buying credits is worth the penalty at most
    a = _abatement(row, x_eff)
    emissions = row[BAU] - a
    sold = 0.0
    if _above(x, row[FLOOR], right):
        withheld = not _above(x, row[ECR_TRIGGER], right)
        sold = row[AUCTION] - (row[ECR_VOLUME] if withheld else 0.0)
    released = 0.0
    for t in range(T):
        if _above(x, row[tier_trigger + t], right):
            released += row[tier_volume + t]
    offer = 0.0
    offer_right = right or _above(x, row[PENALTY], False)  # as supply.py: strictly above the penalty, from either side
    for t in range(M):
        if _above(x_eff, row[offer_price + t], offer_right):
            offer += row[offer_qty + t]
    offsets = min(offer, row[LIMIT] * emissions)
    shortfall = emissions - offsets if _above(x, row[PENALTY], right) else 0.0
    out[ABATEMENT], out[EMISSIONS], out[SOLD], out[RELEASED] = a, emissions, sold, released
    out[OFFSETS], out[SHORTFALL] = offsets, shortfall
    out[EXCESS] = row[FREE] + sold + released + offsets + shortfall - emissions
    out[CEILING_ON] = 1.0 if _above(x, row[CEILING], right) else 0.0


@register_jitable
def _breakpoints(row, out):
    """supply.SystemSupply.breakpoints (0 included) into out; returns how many."""
    _, m, tier_trigger, _, offer_price, offer_qty, _, T, M = _blocks(row)
    count = 1
    out[0] = 0.0
    if row[ELASTIC] > 0.5:
        out[count] = (row[BAU] / row[COEF]) ** (1.0 / row[ETA])
        count += 1
    else:
        for k in range(int(row[NPTS])):
            out[count] = row[m + k]
            count += 1
    for level in (row[FLOOR], row[CEILING], row[PENALTY], row[ECR_TRIGGER]):
        if np.isfinite(level):
            out[count] = level
            count += 1
    for t in range(T):
        if np.isfinite(row[tier_trigger + t]):
            out[count] = row[tier_trigger + t]
            count += 1
    share = row[LIMIT]
    cumulative = 0.0
    for t in range(M):
        if not np.isfinite(row[offer_price + t]):
            continue
        out[count] = row[offer_price + t]
        count += 1
        cumulative += row[offer_qty + t]
        # Where the offset limit starts to bind: share * emissions(p) equals the credits offered so far.
        if share > 0:
            target = row[BAU] - cumulative / share
            if 0 <= target <= row[BAU]:
                out[count] = _marginal_cost(row, target)
                count += 1
    return count


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
def _balance(D, price, right, members, size, factors, fixed, work):
    """The group's excess supply at its price (reference.solve_group's balance); +inf at a ceiling."""
    total = 0.0
    for j in range(size):
        i = members[j]
        k = factors[i]
        _parts(D[i], k * price, right, work)
        if work[CEILING_ON] > 0.5:
            return np.inf
        total += k * (work[EXCESS] + fixed[i])
    return total


@register_jitable
def _tolerance(D, members, size, factors, fixed):
    """reference.balance_tolerance: how far below zero the group's balance still counts as cleared."""
    total = 0.0
    for j in range(size):
        i = members[j]
        row = D[i]
        _, _, _, tier_volume, _, _, _, T, _ = _blocks(row)
        released = 0.0
        for t in range(T):
            released += row[tier_volume + t]
        total += factors[i] * (row[BAU] + (row[FREE] + row[AUCTION]) + released + abs(fixed[i]))
    return BALANCE_TOL * total


@register_jitable
def _clearing_price(D, c, members, size, factors, fixed, work):
    """The lowest price with a non-negative balance (within rounding) from the right, within the
    sorted candidates c; NaN if none clears."""
    tol = _tolerance(D, members, size, factors, fixed)
    lo, hi = -1, c.size - 1
    if _balance(D, c[hi], True, members, size, factors, fixed, work) < -tol:
        return np.nan
    f0 = np.nan
    while hi - lo > 1:  # the balance never falls as the price rises
        mid = (lo + hi) // 2
        f = _balance(D, c[mid], True, members, size, factors, fixed, work)
        if f >= -tol:
            hi = mid
        else:
            lo, f0 = mid, f
    c1 = c[hi]
    if hi == 0:
        return c1
    f1 = _balance(D, c1, False, members, size, factors, fixed, work)
    if f1 <= 0:  # a vertical stretch at c1
        return c1
    c0 = c[hi - 1]
    curved = False
    for j in range(size):
        curved = curved or D[members[j], ELASTIC] > 0.5
    if not curved:  # linear between breakpoints: exact
        return min(max(c0 - f0 * (c1 - c0) / (f1 - f0), c0), c1)
    a, b = c0, c1  # bisection to the last bit: the lowest price that clears from the right
    while True:
        mid = 0.5 * (a + b)
        if mid <= a or mid >= b:
            return b
        if _balance(D, mid, True, members, size, factors, fixed, work) >= 0:
            b = mid
        else:
            a = mid


@register_jitable
def _settle(D, price, members, size, factors, fixed, left, right, volumes):
    """reference._volumes: the group's volumes at its price, blended on a vertical stretch so it
    clears; at a zero price the surplus is left unused, at a ceiling the shortfall is sold there."""
    low = high = total_weight = 0.0
    ceilings = 0
    for j in range(size):
        i = members[j]
        k = factors[i]
        _parts(D[i], k * price, False, left[j])
        _parts(D[i], k * price, True, right[j])
        low += k * (left[j, EXCESS] + fixed[i])
        high += k * (right[j, EXCESS] + fixed[i])
        total_weight += max(k * (right[j, EXCESS] + fixed[i]), 0.0)
        if right[j, CEILING_ON] > 0.5:
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
        elif capped and right[j, CEILING_ON] > 0.5:
            ceiling_sold = -high / ceilings / k
        v[0] = k * price
        for src in range(6):  # abatement, emissions, sold, released, offsets, shortfall: FIELDS[1:7]
            v[1 + src] = left[j, src] + theta * (right[j, src] - left[j, src])
        v[7], v[8] = ceiling_sold, unused
        v[9] = v[2] - (D[i, FREE] + v[3] + v[4] + v[5] + v[6] + ceiling_sold - unused)
        v[10] = _abatement_cost(D[i], v[1]) + v[0] * v[9] + _offset_cost(D[i], v[5])  # results._cost


F1, F2, F3 = types.float64[::1], types.float64[:, ::1], types.float64[:, :, ::1]
I1, I2, B1 = types.int64[::1], types.int64[:, ::1], types.boolean[::1]


@njit(types.Tuple((F3, B1))(F3, I1, I2, F2, F2), cache=True)
def _solve(systems, scenario, labels, factors, fixed):
    """Every group of every row r of scenario[r] (systems (S, n, width)): volumes (R, n, OUT) and
    row validity (R,)."""
    R, n = labels.shape
    width = systems.shape[2]
    own = np.empty((n, width))  # each system's breakpoints: at most 1 + K + 4 + T + 2 M, fewer than its row
    counts = np.empty(n, np.int64)
    volumes = np.zeros((R, n, len(OUT)))
    valid = np.ones(R, np.bool_)
    members = np.empty(n, np.int64)
    cand = np.empty(n * width)
    left, right, work = np.empty((n, 8)), np.empty((n, 8)), np.empty(8)
    for r in range(R):
        D = systems[scenario[r]]
        if r == 0 or scenario[r] != scenario[r - 1]:
            for i in range(n):
                counts[i] = _breakpoints(D[i], own[i])
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
            price = _clearing_price(D, _distinct(cand[:total]), members, size, factors[r], fixed[r], work)
            if np.isnan(price):
                valid[r] = False
                break
            _settle(D, price, members, size, factors[r], fixed[r], left, right, volumes[r])
    return volumes, valid


def solve(systems: Array, labels: Array, factors: Array, fixed: Array, *, each: bool = False) -> tuple[dict[str, Array], Array]:
    """Volumes (R, n) per field of reference.FIELDS, each system's compliance cost ("cost", as
    results._cost), and row validity (R,). `systems` are rows (S, n, width) as packed.rows gives;
    every row of labels/factors/fixed is a market configuration of the first scenario, or with
    `each`, of its own scenario (row r of `systems`)."""
    R = labels.shape[0]
    scenario = np.arange(R) if each else np.zeros(R, np.int64)
    volumes, valid = _solve(np.ascontiguousarray(systems, np.float64), scenario, np.ascontiguousarray(labels, np.int64),
                            np.ascontiguousarray(factors, np.float64), np.ascontiguousarray(fixed, np.float64))
    return {f: volumes[..., i] for i, f in enumerate(OUT)}, valid
