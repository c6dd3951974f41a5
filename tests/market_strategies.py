"""Hypothesis strategies for market scenarios (shared by the tests/test_market_*.py files)."""

from __future__ import annotations

from hypothesis import strategies as st

from etsatlas.market.scenario import Scenario

price = st.floats(1, 150).map(lambda x: round(x, 3))
volume = st.floats(0, 60).map(lambda x: round(x, 3))


@st.composite
def macs(draw):
    kind = draw(st.sampled_from(["linear", "piecewise", "constant_elasticity"]))
    if kind == "linear":
        return {"type": "linear", "slope": draw(st.floats(0.05, 5))}
    if kind == "constant_elasticity":
        return {"type": "constant_elasticity", "coefficient": draw(st.floats(0.1, 10)), "elasticity": draw(st.floats(0.5, 2))}
    steps = draw(st.lists(st.tuples(st.floats(1, 40), st.floats(0.5, 20)), min_size=1, max_size=8))
    q = m = 0.0
    points = []
    for dq, dm in steps:
        q, m = q + dq, m + dm
        points.append([q, m])
    return {"type": "piecewise", "points": points}


@st.composite
def systems(draw, sid: str, features: bool = True):
    bau = draw(st.floats(20, 400))
    cap = draw(st.floats(0.2, 1.1)) * bau
    system = {"id": sid, "bau": bau, "cap": cap, "mac": draw(macs())}
    if not features:
        return system
    if draw(st.booleans()):
        system["auctioned"] = draw(st.floats(0, 1)) * cap
    auction = system.get("auctioned", cap)
    floor = draw(st.none() | price)
    ceiling = draw(st.none() | price)
    if floor is not None and ceiling is not None and floor > ceiling:
        floor, ceiling = ceiling, floor
    if floor is not None:
        system["floor"] = floor
    if ceiling is not None:
        system["ceiling"] = ceiling
    if draw(st.integers(0, 4)) == 0:
        system["penalty"] = draw(price)
    if draw(st.booleans()):
        system["ccr"] = draw(st.lists(st.fixed_dictionaries({"trigger": price, "volume": volume}), max_size=3))
    if draw(st.integers(0, 3)) == 0:
        system["ecr"] = {"trigger": draw(price), "volume": draw(st.floats(0, 1)) * auction}
    if draw(st.booleans()):
        tranches = draw(st.lists(st.fixed_dictionaries({"price": price, "quantity": volume}), min_size=1, max_size=3))
        system["offsets"] = {"tranches": tranches, "limit_pct": draw(st.none() | st.floats(0, 30))}
    return system


@st.composite
def scenarios(draw, min_systems: int = 1, max_systems: int = 4, features: bool = True, constrained: bool = True,
              rates: bool = True):
    n = draw(st.integers(min_systems, max_systems))
    ids = [f"S{i}" for i in range(n)]
    items = [draw(systems(sid, features)) for sid in ids]
    links = []
    for i in range(1, n):  # a random tree: no cycles, so link flows are unique
        other = ids[draw(st.integers(0, i - 1))]
        kind = draw(st.sampled_from(["two_way", "one_way", "restricted"] if constrained else ["two_way"]))
        link = {"between": [ids[i], other] if draw(st.booleans()) else [other, ids[i]], "type": kind}
        if kind == "restricted" or (kind == "one_way" and draw(st.booleans())):
            link["limit"] = draw(st.floats(0, 50))
        if rates and draw(st.integers(0, 3)) == 0:
            link["exchange_rate"] = draw(st.floats(0.5, 2))
        if draw(st.integers(0, 4)) > 0 or not constrained:
            links.append(link)
    return Scenario.model_validate({"systems": items, "links": links})
