"""The scenario document: systems, their supply rules and MAC curves, and the links between them.

Units (written down once, see docs/market.md): quantities in Mt CO2e (= million allowances),
prices in one common currency per tonne, costs in millions of that currency. A link's
`exchange_rate` r means one allowance of the second system counts for r tonnes in the first.
"""

from __future__ import annotations

import itertools
from functools import cached_property
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

NonNeg = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Positive = Annotated[float, Field(gt=0, allow_inf_nan=False)]

MAX_SYSTEMS = 60
MAX_CONSTRAINED_LINKS = 8


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LinearMac(Model):
    """Marginal abatement cost rising linearly: MAC(a) = slope * a."""

    type: Literal["linear"] = "linear"
    slope: Positive = Field(description="Price increase per Mt abated (currency/t per Mt).")


class PiecewiseMac(Model):
    """MAC through points (abatement Mt, price), linear in between, extended by the last segment."""

    type: Literal["piecewise"]
    points: list[tuple[NonNeg, NonNeg]] = Field(
        min_length=1, max_length=200, description="[abatement, price] pairs, both strictly increasing."
    )

    @field_validator("points")
    @classmethod
    def _increasing(cls, points: list[tuple[float, float]]) -> list[tuple[float, float]]:
        pts = ([(0.0, 0.0)] if points[0][0] > 0 else []) + list(points)
        for i, ((q0, m0), (q1, m1)) in enumerate(itertools.pairwise(pts)):
            if not (q1 > q0 and m1 > m0):
                raise ValueError(f"MAC points must increase strictly in abatement and price (point {i + 1})")
        if len(pts) < 2:
            raise ValueError("a piecewise MAC needs at least two points (the origin counts)")
        return points


class ElasticMac(Model):
    """Abatement with constant price elasticity: a(p) = coefficient * p ** elasticity."""

    type: Literal["constant_elasticity"]
    coefficient: Positive = Field(description="Mt abated at a price of 1.")
    elasticity: Annotated[float, Field(ge=0.2, le=5)] = Field(description="d ln a / d ln p.")


Mac = Annotated[LinearMac | PiecewiseMac | ElasticMac, Field(discriminator="type")]


class Tier(Model):
    trigger: NonNeg = Field(description="Price at which the tier's volume is released (or withheld below).")
    volume: NonNeg = Field(description="Volume, Mt.")


class Tranche(Model):
    price: NonNeg = Field(description="Price of these offset credits.")
    quantity: NonNeg = Field(description="Credits available at that price, Mt.")


class Offsets(Model):
    """Offset credits: tranches at given prices, usable up to `limit_pct` of each system's emissions."""

    price: NonNeg | None = Field(None, description="Shorthand for one tranche: its price.")
    quantity: NonNeg | None = Field(None, description="Shorthand for one tranche: its quantity, Mt.")
    tranches: list[Tranche] = Field(default_factory=list, max_length=20, description="Offset supply curve.")
    limit_pct: Annotated[float, Field(ge=0, le=100)] | None = Field(
        None, description="Quantitative limit, percent of the system's obligation (emissions); 100 if absent (credits never exceed emissions)."
    )

    @model_validator(mode="after")
    def _one_form(self) -> Offsets:
        if (self.price is None) != (self.quantity is None):
            raise ValueError("give both price and quantity for a single offset tranche")
        if self.price is not None and self.tranches:
            raise ValueError("give either price/quantity or tranches, not both")
        return self

    @cached_property
    def all_tranches(self) -> tuple[Tranche, ...]:
        """Every tranche, cheapest first (the shorthand as one tranche); computed once per model."""
        if self.price is not None and self.quantity is not None:  # both validated here already
            return (Tranche.model_construct(price=self.price, quantity=self.quantity),)
        return tuple(sorted(self.tranches, key=lambda t: t.price))


class System(Model):
    id: str = Field(min_length=1, max_length=40, description="System id, unique in the scenario.")
    name: str | None = Field(None, description="Display name.")
    bau: NonNeg = Field(description="Business-as-usual emissions, Mt.")
    cap: NonNeg = Field(description="Allowance supply (free and auctioned), Mt.")
    auctioned: NonNeg | None = Field(None, description="Auctioned part of the cap, Mt (default: all of it).")
    mac: Mac = Field(description="Marginal abatement cost curve.")
    floor: NonNeg | None = Field(None, description="Auction reserve price: auction volume unsold below it is withheld.")
    ceiling: NonNeg | None = Field(None, description="Hard price ceiling: unlimited supply at that price.")
    penalty: NonNeg | None = Field(
        None, description="Penalty per tonne without make-good: an effective ceiling for the system's own emissions."
    )
    ccr: list[Tier] = Field(default_factory=list, max_length=10, description="Cost-containment reserve tiers.")
    ecr: Tier | None = Field(None, description="Emissions-containment reserve: volume withheld below the trigger.")
    offsets: Offsets | None = Field(None, description="Offset credits and their limit.")

    @model_validator(mode="after")
    def _consistent(self) -> System:
        if self.auctioned is not None and self.auctioned > self.cap:
            raise ValueError(f"auctioned {self.auctioned} is above the cap {self.cap}")
        if self.floor is not None and self.ceiling is not None and self.floor > self.ceiling:
            raise ValueError(f"floor {self.floor} is above ceiling {self.ceiling}")
        if self.floor is not None and self.penalty is not None and self.floor > self.penalty:
            # Nobody would buy at auction: the price is then undetermined between the two.
            raise ValueError(f"floor {self.floor} is above the penalty {self.penalty} (no make-good): no one would buy at auction")
        if self.ecr is not None and self.ecr.volume > self.auction_volume:
            raise ValueError(f"ecr volume {self.ecr.volume} is above the auctioned volume {self.auction_volume}")
        return self

    @property
    def auction_volume(self) -> float:
        return self.cap if self.auctioned is None else self.auctioned


LinkType = Literal["two_way", "one_way", "restricted"]


class Link(Model):
    """A link; for `one_way` the first system may surrender the second's units, not the reverse."""

    between: tuple[str, str] = Field(description="The two system ids (importer first for one_way).")
    type: LinkType = Field("two_way", description="two_way, one_way, or restricted (two-way with a limit).")
    limit: NonNeg | None = Field(None, description="Limit on net imports into the first system, Mt (its tonnes).")
    exchange_rate: Positive = Field(1.0, description="Tonnes of the first system one unit of the second counts for.")

    @model_validator(mode="after")
    def _limit(self) -> Link:
        if self.between[0] == self.between[1]:
            raise ValueError(f"a link needs two different systems, got {self.between[0]!r} twice")
        if self.type == "restricted" and self.limit is None:
            raise ValueError("a restricted link needs a limit")
        return self

    @property
    def constrained(self) -> bool:
        return self.type != "two_way" or self.limit is not None

    @property
    def label(self) -> str:
        return f"{self.between[0]}-{self.between[1]}"


class Uncertainty(Model):
    """Spread of the Monte Carlo draws: mean-one lognormal factors, independent per system."""

    bau_cv: Annotated[float, Field(ge=0, le=1)] = Field(0.05, description="Coefficient of variation of BAU.")
    mac_cv: Annotated[float, Field(ge=0, le=2)] = Field(0.2, description="Coefficient of variation of MAC prices.")


class Scenario(Model):
    """A single-period market: systems and the links between them."""

    name: str | None = Field(None, description="Scenario name.")
    description: str | None = Field(None, description="What the scenario shows.")
    systems: list[System] = Field(min_length=1, max_length=MAX_SYSTEMS, description="The systems.")
    links: list[Link] = Field(default_factory=list, max_length=200, description="Links between systems.")
    uncertainty: Uncertainty = Field(default_factory=lambda: Uncertainty.model_validate({}), description="Monte Carlo spreads.")

    @model_validator(mode="after")
    def _references(self) -> Scenario:
        ids = [s.id for s in self.systems]
        seen: set[str] = set()
        for i, sid in enumerate(ids):
            if sid in seen:
                raise ValueError(f"systems[{i}].id: duplicate system id {sid!r}")
            seen.add(sid)
        for i, link in enumerate(self.links):
            for end in link.between:
                if end not in seen:
                    raise ValueError(f"links[{i}].between: unknown link end {end!r} (systems: {', '.join(ids)})")
        n_constrained = sum(link.constrained for link in self.links)
        if n_constrained > MAX_CONSTRAINED_LINKS:
            raise ValueError(f"links: at most {MAX_CONSTRAINED_LINKS} one-way or restricted links, got {n_constrained}")
        _check_rate_cycles(self)
        return self

    def index(self) -> dict[str, int]:
        return {s.id: i for i, s in enumerate(self.systems)}


def _check_rate_cycles(scenario: Scenario) -> None:
    """Free two-way links around a cycle must multiply to rate 1, or arbitrage would be unbounded."""
    index = scenario.index()
    factor: dict[int, float] = {}
    adjacency: dict[int, list[tuple[int, float, int]]] = {}
    for li, link in enumerate(scenario.links):
        if link.constrained:
            continue
        a, b = index[link.between[0]], index[link.between[1]]
        adjacency.setdefault(a, []).append((b, link.exchange_rate, li))
        adjacency.setdefault(b, []).append((a, 1 / link.exchange_rate, li))
    for start in adjacency:
        if start in factor:
            continue
        factor[start] = 1.0
        stack = [start]
        while stack:
            node = stack.pop()
            for other, rate, li in adjacency[node]:
                expected = factor[node] * rate
                if other not in factor:
                    factor[other] = expected
                    stack.append(other)
                elif abs(factor[other] - expected) > 1e-9 * expected:
                    raise ValueError(f"links[{li}].exchange_rate: exchange rates around a cycle do not multiply to 1")
