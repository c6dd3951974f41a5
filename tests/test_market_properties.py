"""Economic properties every equilibrium must have, on hypothesis-generated scenarios."""

from __future__ import annotations

from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from etsatlas.market import simulate
from etsatlas.market.mac import abatement_cost, full_abatement_price
from etsatlas.market.scenario import Scenario
from market_strategies import scenarios, systems

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TOL = 1e-7


@SETTINGS
@given(scenarios())
def test_market_clears_or_a_bound_binds_with_complementary_slackness(scenario):
    out = simulate(scenario)
    for sid, d in out["details"]["autarky"].items():
        system = next(s for s in scenario.systems if s.id == sid)
        price = out["autarky"][sid]["price"]
        assert abs(out["autarky"][sid]["net_imports"]) <= TOL * max(1, system.bau, system.cap)
        if d["unused"] > TOL:
            assert price == 0
        if d["ceiling_sold"] > TOL:
            assert abs(price - system.ceiling) <= TOL * system.ceiling
        if d["shortfall"] > TOL:
            assert price >= system.penalty * (1 - TOL)
        if d["withheld"] > TOL:
            levels = [x for x in (system.floor, system.ecr.trigger if system.ecr else None) if x is not None]
            assert levels and price <= max(levels) * (1 + TOL)


def _without(scenario: Scenario, *names: str, cut: float = 1.0) -> Scenario:
    systems = []
    for s in scenario.systems:
        data = s.model_dump() | dict.fromkeys(names)
        data["cap"] = s.cap * cut
        data["auctioned"] = None if s.auctioned is None else s.auctioned * cut
        systems.append(data)
    return Scenario.model_validate(scenario.model_dump() | {"systems": systems})


@SETTINGS
@given(st.data())
def test_tighter_cap_never_lowers_the_price(data):
    """Floors, the ECR and penalties are left out: with them a system's excess demand can be zero
    over a whole price interval (fully abated below its floor), where its price is not unique."""
    scenario = _without(data.draw(scenarios(max_systems=3)), "floor", "ecr", "penalty")
    cut = data.draw(st.floats(0.5, 1))
    before, after = simulate(scenario), simulate(_without(scenario, cut=cut))
    for regime in ("autarky", "linked"):
        for sid, v in before[regime].items():
            assert after[regime][sid]["price"] >= v["price"] * (1 - 1e-9) - 1e-9


def _total_abatement_cost(scenario: Scenario, result: dict) -> float:
    return sum(abatement_cost(s.mac, s.bau, result[s.id]["abatement"]) for s in scenario.systems)


@SETTINGS
@given(scenarios(min_systems=2, features=False, rates=False))
def test_linking_never_raises_total_abatement_cost(scenario):
    out = simulate(scenario)
    scale = sum(s.bau for s in scenario.systems) * max(v["price"] for v in out["autarky"].values())
    assert _total_abatement_cost(scenario, out["linked"]) <= _total_abatement_cost(scenario, out["autarky"]) + 1e-9 * max(1, scale)


@SETTINGS
@given(systems("A", features=False), systems("B", features=False))
def test_flows_go_from_the_low_to_the_high_autarky_price(a, b):
    scenario = Scenario.model_validate({"systems": [a, b], "links": [{"between": ["A", "B"]}]})
    out = simulate(scenario)
    high = max(("A", "B"), key=lambda sid: out["autarky"][sid]["price"])
    low = "B" if high == "A" else "A"
    assert out["linked"][high]["net_imports"] >= -1e-9 * max(a["bau"], b["bau"])
    assert out["linked"][low]["price"] >= out["autarky"][low]["price"] * (1 - 1e-9)
    assert out["linked"][high]["price"] <= out["autarky"][high]["price"] * (1 + 1e-9)


@SETTINGS
@given(systems("A", features=False), st.floats(1, 100), st.floats(1, 100))
def test_price_respects_floor_and_ceiling_when_the_cap_is_auctioned(a, x, y):
    floor, ceiling = min(x, y), max(x, y)
    scenario = Scenario.model_validate({"systems": [a | {"floor": floor, "ceiling": ceiling}]})
    # Above the price that abates everything nobody buys: the price is then the lowest that clears.
    assume(floor < full_abatement_price(scenario.systems[0].mac, a["bau"]))
    price = simulate(scenario)["autarky"]["A"]["price"]
    assert floor * (1 - 1e-12) <= price <= ceiling * (1 + 1e-12)


def test_one_way_link_lets_only_the_first_system_import():
    base = {"systems": [
        {"id": "A", "bau": 100, "cap": 90, "mac": {"type": "linear", "slope": 1}},
        {"id": "B", "bau": 100, "cap": 50, "mac": {"type": "linear", "slope": 1}},
    ], "links": [{"between": ["A", "B"], "type": "one_way"}]}
    out = simulate(Scenario.model_validate(base))
    # B is dearer (50 vs 10): A may not sell to B, so nothing moves, prices stay apart and
    # the one-way restriction is the binding constraint.
    assert out["linked"]["A"]["price"] == 10 and out["linked"]["B"]["price"] == 50
    assert out["linked"]["A"]["binding"] == ["link:A-B"] and out["flows"][0]["net_imports"] == 0
    base["links"][0]["between"] = ["B", "A"]
    out = simulate(Scenario.model_validate(base))
    assert out["linked"]["A"]["price"] == out["linked"]["B"]["price"] == 30


def test_restricted_link_caps_net_imports_and_keeps_prices_apart():
    out = simulate(Scenario.model_validate({"systems": [
        {"id": "A", "bau": 100, "cap": 90, "mac": {"type": "linear", "slope": 1}},
        {"id": "B", "bau": 100, "cap": 50, "mac": {"type": "linear", "slope": 1}},
    ], "links": [{"between": ["B", "A"], "type": "restricted", "limit": 5}]}))
    assert out["linked"]["B"]["net_imports"] == 5
    assert out["linked"]["B"]["price"] == 45 and out["linked"]["A"]["price"] == 15
    assert "link:B-A" in out["linked"]["B"]["binding"] and out["flows"][0]["binding"]


def test_exchange_rate_scales_prices_between_linked_systems():
    """One unit of B counts for 2 tonnes in A, so B's price is twice A's."""
    out = simulate(Scenario.model_validate({"systems": [
        {"id": "A", "bau": 100, "cap": 80, "mac": {"type": "linear", "slope": 1}},
        {"id": "B", "bau": 100, "cap": 80, "mac": {"type": "linear", "slope": 1}},
    ], "links": [{"between": ["A", "B"], "exchange_rate": 2}]}))
    pa, pb = out["linked"]["A"]["price"], out["linked"]["B"]["price"]
    assert abs(pb - 2 * pa) < 1e-9
    # A's net imports (its tonnes) are twice the units B gives up.
    assert abs(out["linked"]["A"]["net_imports"] + 2 * out["linked"]["B"]["net_imports"]) < 1e-9


@SETTINGS
@given(systems("S"), st.lists(st.floats(0, 500), min_size=2, max_size=30))
@example({"id": "S", "bau": 20, "cap": 20, "mac": {"type": "linear", "slope": 1}, "penalty": 1}, [1.0, 1.0000000000000002])
def test_supply_never_falls_as_the_price_rises_and_credits_never_exceed_emissions(data, extra):
    """The solvers' bisection over breakpoints relies on it: each system's excess supply (without the
    ceiling's unlimited volume) is non-decreasing in the price, from either side of every level."""
    from etsatlas.market.scenario import System
    from etsatlas.market.supply import LEVEL_TOL, SystemSupply

    system = System.model_validate(data)
    supply = SystemSupply(system)
    grid = sorted({max(0.0, b + d) for b in supply.breakpoints() for d in (-1e-6, 0.0, 1e-6)} | set(extra))
    # Prices within LEVEL_TOL of each other are one point (a level is reached within that
    # tolerance, from either side), so the grid keeps one of them.
    prices = [p for i, p in enumerate(grid) if i == 0 or p - grid[i - 1] > 4 * LEVEL_TOL * max(1.0, p)]
    last = -float("inf")
    for p in prices:
        left, right = supply.parts(p, "L"), supply.parts(p, "R")
        for part in (left, right):
            assert part.offsets <= part.emissions + 1e-9 * max(1.0, system.bau)
            if system.offsets is not None and system.offsets.limit_pct is not None:
                assert part.offsets <= system.offsets.limit_pct / 100 * part.emissions + 1e-9 * max(1.0, system.bau)
        tol = 1e-9 * max(1.0, system.bau, system.cap)
        assert left.excess >= last - tol and right.excess >= left.excess - tol, p
        last = right.excess


def test_credits_beyond_emissions_are_not_supply():
    """A fully abated system cannot sell the offset credits it does not need: they are not allowances."""
    s = Scenario.model_validate({"systems": [
        {"id": "A", "bau": 10, "cap": 9, "mac": {"type": "linear", "slope": 1}, "offsets": {"price": 0, "quantity": 50}},
    ]})
    out = simulate(s)
    assert out["autarky"]["A"]["price"] == 0 and out["details"]["autarky"]["A"]["offsets"] == 10
