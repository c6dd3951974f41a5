"""The reference solver: one market group at a time, scipy's brentq on the scalar balance.

It is deliberately plain (a Python loop over systems, root finding with a bracket) and is
the oracle the compiled solver is tested against.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from .scenario import Scenario, System
from .supply import Parts, SystemSupply

FIELDS = ("price", "abatement", "emissions", "sold", "released", "offsets", "shortfall", "ceiling_sold", "unused", "net_imports")


@dataclass(frozen=True)
class Row:
    """One market configuration: which group each system prices in, its price factor, fixed inflows."""

    labels: tuple[int, ...]
    factors: tuple[float, ...]
    fixed: tuple[float, ...]


def _blend(left: Parts, right: Parts, theta: float) -> dict[str, float]:
    def mix(a: float, b: float) -> float:
        return a + theta * (b - a)

    return {
        "abatement": mix(left.abatement, right.abatement),
        "emissions": mix(left.emissions, right.emissions),
        "free": left.free,
        "sold": mix(left.sold, right.sold),
        "released": mix(left.released, right.released),
        "offsets": mix(left.offsets, right.offsets),
        "shortfall": mix(left.shortfall, right.shortfall),
    }


BALANCE_TOL = 1e-12


def balance_tolerance(systems: list[System], factors: list[float], fixed: list[float]) -> float:
    """How far below zero a group's balance still counts as cleared: rounding of its terms.

    Where excess supply is zero over a whole stretch of prices (fully abated below a floor, every
    tonne covered by offset credits or the penalty), the balance there is zero only up to
    rounding; without a tolerance, rounding alone would place the price somewhere on the
    stretch, and two correct solvers could disagree on it and on the volumes.
    """
    total = 0.0
    for s, k, f in zip(systems, factors, fixed):
        total += k * (s.bau + s.cap + sum(t.volume for t in s.ccr) + abs(f))
    return BALANCE_TOL * total


def solve_group(supplies: list[SystemSupply], factors: list[float], fixed: list[float]) -> list[dict[str, float]] | None:
    """Clear one group of systems priced together; None when no price clears it."""

    def balance(p: float, side: str) -> float:
        return sum(k * (s.excess(k * p, side) + f) for s, k, f in zip(supplies, factors, fixed))

    candidates = sorted({0.0} | {b / k for s, k in zip(supplies, factors) for b in s.breakpoints()})
    tol = balance_tolerance([s.s for s in supplies], factors, fixed)
    # The price is the lowest p with balance(p, "R") >= 0 (within rounding): find its breakpoint
    # interval, then either it sits on a vertical segment or brentq finds it inside the interval.
    upper = next((j for j, c in enumerate(candidates) if balance(c, "R") >= -tol), None)
    if upper is None:
        return None
    c1 = candidates[upper]
    if upper == 0 or balance(c1, "L") <= 0:
        price = c1
    else:
        price = brentq(
            lambda p: balance(p, "R"), candidates[upper - 1], c1, xtol=1e-14 * max(1.0, c1), rtol=4 * np.finfo(float).eps, maxiter=1000
        )
    return _volumes(supplies, factors, fixed, price)


def _volumes(supplies: list[SystemSupply], factors: list[float], fixed: list[float], price: float) -> list[dict[str, float]]:
    lefts = [s.parts(k * price, "L") for s, k in zip(supplies, factors)]
    rights = [s.parts(k * price, "R") for s, k in zip(supplies, factors)]
    low = sum(k * (p.excess + f) for p, k, f in zip(lefts, factors, fixed))
    high = sum(k * (p.excess + f) for p, k, f in zip(rights, factors, fixed))
    ceilings = [i for i, p in enumerate(rights) if p.ceiling]
    unused = [0.0] * len(supplies)
    ceiling_sold = [0.0] * len(supplies)
    if price == 0.0:
        theta = 1.0
        weights = [max(k * (p.excess + f), 0.0) for p, k, f in zip(rights, factors, fixed)]
        total = sum(weights)
        if high > 0 and total > 0:
            unused = [high * w / total / k for w, k in zip(weights, factors)]
    elif ceilings and high < 0:
        theta = 1.0
        for i in ceilings:
            ceiling_sold[i] = -high / len(ceilings) / factors[i]
    else:
        theta = -low / (high - low) if high > low else 1.0
        theta = min(max(theta, 0.0), 1.0)
    out = []
    for i, (left, right, k) in enumerate(zip(lefts, rights, factors)):
        v = _blend(left, right, theta)
        v["price"] = k * price
        v["ceiling_sold"] = ceiling_sold[i]
        v["unused"] = unused[i]
        v["net_imports"] = v["emissions"] - (v["free"] + v["sold"] + v["released"] + v["offsets"] + v["shortfall"] + ceiling_sold[i] - unused[i])
        out.append(v)
    return out


def solve_rows(scenario: Scenario, rows: list[Row]) -> list[dict[str, np.ndarray] | None]:
    """Solve each row (group by group); a row is None when one of its groups cannot clear."""
    supplies = [SystemSupply(s) for s in scenario.systems]
    results: list[dict[str, np.ndarray] | None] = []
    for row in rows:
        values: list[dict[str, float]] = [{} for _ in supplies]
        ok = True
        for label in sorted(set(row.labels)):
            members = [i for i, g in enumerate(row.labels) if g == label]
            solved = solve_group(
                [supplies[i] for i in members], [row.factors[i] for i in members], [row.fixed[i] for i in members]
            )
            if solved is None:
                ok = False
                break
            for i, v in zip(members, solved):
                values[i] = v
        results.append({f: np.array([v[f] for v in values]) for f in FIELDS} if ok else None)
    return results

