"""Marginal abatement cost curves: abatement at a price, the price of an abatement, total cost.

Every curve is capped at business-as-usual emissions: no system abates more than it emits.
A piecewise curve starts at the origin unless its first point has zero abatement, and is
extended beyond its last point by its last segment.
"""

from __future__ import annotations

import itertools

from .scenario import ElasticMac, LinearMac, PiecewiseMac

AnyMac = LinearMac | PiecewiseMac | ElasticMac


def normalized_points(mac: LinearMac | PiecewiseMac, bau: float) -> list[tuple[float, float]]:
    """(abatement, price) points from 0 to exactly `bau`, both strictly increasing (bau = 0: one point)."""
    if isinstance(mac, LinearMac):
        return [(0.0, 0.0), (bau, mac.slope * bau)] if bau > 0 else [(0.0, 0.0)]
    pts = ([(0.0, 0.0)] if mac.points[0][0] > 0 else []) + [(float(q), float(m)) for q, m in mac.points]
    if bau <= 0:
        return [(0.0, pts[0][1])]
    out = [p for p in pts if p[0] < bau]
    (q0, m0), (q1, m1) = pts[-2:] if len(out) == len(pts) else pts[len(out) - 1 : len(out) + 1]
    out.append((bau, m0 + (bau - q0) * (m1 - m0) / (q1 - q0)))
    return out


def abatement(mac: AnyMac, bau: float, price: float) -> float:
    """Abatement (Mt) where the MAC equals `price`."""
    if isinstance(mac, ElasticMac):
        if price >= full_abatement_price(mac, bau):
            return bau
        return min(mac.coefficient * price**mac.elasticity, bau) if price > 0 else 0.0
    pts = normalized_points(mac, bau)
    if price <= pts[0][1]:
        return 0.0
    for (q0, m0), (q1, m1) in itertools.pairwise(pts):
        if price < m1:
            return q0 + (price - m0) * (q1 - q0) / (m1 - m0)
    return bau


def marginal_cost(mac: AnyMac, bau: float, a: float) -> float:
    """The MAC at abatement `a` (0 <= a <= bau)."""
    if isinstance(mac, ElasticMac):
        return (a / mac.coefficient) ** (1 / mac.elasticity) if a > 0 else 0.0
    pts = normalized_points(mac, bau)
    for (q0, m0), (q1, m1) in itertools.pairwise(pts):
        if a <= q1:
            return m0 + (a - q0) * (m1 - m0) / (q1 - q0)
    return pts[-1][1]


def full_abatement_price(mac: AnyMac, bau: float) -> float:
    """Lowest price at which the whole of `bau` is abated."""
    if isinstance(mac, ElasticMac):
        return (bau / mac.coefficient) ** (1 / mac.elasticity)
    return normalized_points(mac, bau)[-1][1]


def abatement_cost(mac: AnyMac, bau: float, a: float) -> float:
    """Total cost of abating `a` Mt: the area under the MAC from 0 to a (millions)."""
    if a <= 0:
        return 0.0
    if isinstance(mac, ElasticMac):
        e = 1 / mac.elasticity
        return a ** (1 + e) / ((1 + e) * mac.coefficient**e)
    total = 0.0
    pts = normalized_points(mac, bau)
    for (q0, m0), (q1, m1) in itertools.pairwise(pts):
        if a <= q0:
            break
        top = min(a, q1)
        m_top = m0 + (top - q0) * (m1 - m0) / (q1 - q0)
        total += (top - q0) * (m0 + m_top) / 2
    return total


def breakpoints(mac: AnyMac, bau: float) -> list[float]:
    """Prices where the abatement curve changes slope."""
    if isinstance(mac, ElasticMac):
        return [full_abatement_price(mac, bau)]
    return [m for _, m in normalized_points(mac, bau)]
