"""One system's demand and supply at a price, in plain Python (the reference semantics).

At a price where supply jumps (a floor, a reserve trigger, an offset price, a ceiling) the
"left" side is the limit from below and the "right" side the limit from above; equilibrium
volumes on such a vertical segment are interpolated between the two sides.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from . import mac as macs
from .scenario import System

Side = str  # "L" or "R"


@dataclass(frozen=True)
class Parts:
    """Volumes (Mt) of one system at one price, from one side."""

    abatement: float
    emissions: float
    free: float  # free allocation (cap minus auctioned)
    sold: float  # auction volume sold (the rest is withheld by the floor or the ECR)
    released: float  # cost-containment reserve volume released
    offsets: float
    shortfall: float  # emissions covered by paying the penalty (no make-good)
    ceiling: bool  # True when the hard ceiling offers unlimited supply

    @property
    def allowances(self) -> float:
        return self.free + self.sold + self.released

    @property
    def excess(self) -> float:
        """Supply minus demand, without the ceiling's unlimited volume."""
        return self.allowances + self.offsets + self.shortfall - self.emissions


LEVEL_TOL = 1e-13  # a price within this relative distance of a level is at the level


def _above(x: float, level: float | None, side: Side) -> bool:
    if level is None:
        return False
    slack = LEVEL_TOL * abs(level)
    return x >= level - slack if side == "R" else x > level + slack


class SystemSupply:
    def __init__(self, system: System):
        self.s = system
        self.tranches = system.offsets.all_tranches if system.offsets else []
        limit = system.offsets.limit_pct if system.offsets else None
        # Credits are surrendered against emissions: never more than the system emits, nor more
        # than its limit's share of that (so supply never falls as the price rises).
        self.limit_share = 1.0 if limit is None else limit / 100

    def parts(self, x: float, side: Side) -> Parts:
        s = self.s
        # Above the penalty, entities abate and buy offsets only as far as the penalty is worth it.
        x_eff = min(x, s.penalty) if s.penalty is not None else x
        a = macs.abatement(s.mac, s.bau, x_eff)
        emissions = s.bau - a
        auction = s.auction_volume
        sold = 0.0
        if s.floor is None or _above(x, s.floor, side):
            withheld = s.ecr is not None and not _above(x, s.ecr.trigger, side)
            sold = auction - (s.ecr.volume if withheld and s.ecr else 0.0)
        released = sum(t.volume for t in s.ccr if _above(x, t.trigger, side))
        # Strictly above the penalty a tranche priced exactly at the penalty is bought from either
        # side: the buyer is indifferent, and one rule keeps the volumes determinate there.
        offer_side = "R" if _above(x, s.penalty, "L") else side
        offer = sum(t.quantity for t in self.tranches if _above(x_eff, t.price, offer_side))
        offsets = min(offer, self.limit_share * emissions)
        shortfall = emissions - offsets if _above(x, s.penalty, side) else 0.0
        return Parts(a, emissions, s.cap - auction, sold, released, offsets, shortfall, _above(x, s.ceiling, side))

    def excess(self, x: float, side: Side) -> float:
        p = self.parts(x, side)
        return math.inf if p.ceiling else p.excess

    def breakpoints(self) -> list[float]:
        s = self.s
        points = [0.0, *macs.breakpoints(s.mac, s.bau)]
        points += [v for v in (s.floor, s.ceiling, s.penalty) if v is not None]
        points += [t.trigger for t in s.ccr] + ([s.ecr.trigger] if s.ecr else [])
        cumulative = 0.0
        for t in self.tranches:
            points.append(t.price)
            cumulative += t.quantity
            # Where the offset limit starts to bind: limit * emissions(p) == credits offered.
            # (With no limit, where the credits offered would cover all emissions.)
            if self.limit_share:
                target = s.bau - cumulative / self.limit_share
                if 0 <= target <= s.bau:
                    points.append(macs.marginal_cost(s.mac, s.bau, target))
        return points

    def offset_cost(self, used: float) -> float:
        """Money paid for `used` credits, cheapest first (millions)."""
        cost, left = 0.0, used
        for t in self.tranches:
            take = min(left, t.quantity)
            cost += take * t.price
            left -= take
        return cost
