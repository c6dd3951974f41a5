"""The vectorised kernel against the plain reference solver, and closed-form linear cases."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings

from etsatlas.market import compiled, reference, simulate
from etsatlas.market.equilibrium import autarky_row, states
from etsatlas.market.kernel import Rows, solve_packed
from etsatlas.market.packed import pack
from etsatlas.market.scenario import Scenario
from market_strategies import scenarios

KEYS = ("price", "abatement", "emissions", "net_imports", "cost")


def assert_close(a: float, b: float, scale: float, what: str) -> None:
    assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9 * scale), f"{what}: {a} != {b}"


def assert_same(fast: dict, ref: dict, scenario: Scenario) -> None:
    scale = max(max(s.bau, s.cap) for s in scenario.systems)
    for regime in ("autarky", "linked"):
        for sid, values in ref[regime].items():
            for key in KEYS:
                mult = scale * max(1.0, abs(values["price"])) if key == "cost" else scale
                assert_close(fast[regime][sid][key], values[key], mult, f"{regime}.{sid}.{key}")
        if regime == "linked":
            for sid, values in ref[regime].items():
                assert fast[regime][sid]["binding"] == values["binding"], sid


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_kernel_matches_reference_on_generated_scenarios(scenario):
    assert_same(simulate(scenario), simulate(scenario, engine="reference"), scenario)


def _rows(scenario: Scenario) -> list[reference.Row]:
    """Autarky and every link state, consistent or not: each row is a market in its own right."""
    return [autarky_row(scenario)] + [s.row for s in states(scenario)]


def _fast_paths(scenario: Scenario, rows: list[reference.Row]) -> dict[str, tuple[dict, np.ndarray]]:
    """The vectorised search of solve_packed and the compiled loops, for one scenario and for a batch."""
    pk = pack([scenario])
    r = Rows(*(np.array([getattr(x, f) for x in rows]) for f in ("labels", "factors", "fixed")))
    each = pk.take(np.zeros(len(rows), int))  # the scenario repeated, one copy per row
    return {
        "search": solve_packed(each, r),
        "compiled": compiled.solve(pk, r.labels, r.factors, r.fixed),
        "compiled, a scenario per row": compiled.solve(each, r.labels, r.factors, r.fixed, each=True),
    }


def _penalty_at_offset_price(cap: float, other: dict, rate: float) -> Scenario:
    """Above its penalty a system's offsets are priced at the penalty, so an offset tranche priced
    exactly there counts from the right side only, at every price above the penalty: a table must
    take its slopes from the right side, and its left side inside a segment from a probe."""
    offsets = {"tranches": [{"price": 1, "quantity": 1}]}
    system = {"id": "S0", "bau": 20, "cap": cap, "mac": {"type": "linear", "slope": 1}, "penalty": 1, "offsets": offsets}
    links = [{"between": ["S0", "S1"], "exchange_rate": rate}]
    return Scenario.model_validate({"systems": [system, {"id": "S1", **other}], "links": links})


# The second prices S1 at its penalty, where the group's volumes blend S0's two sides.
PENALTY_AT_OFFSET_PRICE = _penalty_at_offset_price(20, {"bau": 28, "cap": 7, "mac": {"type": "linear", "slope": 2}}, 1.0)
BLEND_ABOVE_PENALTY = _penalty_at_offset_price(
    10, {"bau": 41, "cap": 20.5, "mac": {"type": "linear", "slope": 2}, "penalty": 1}, 0.5
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
@example(PENALTY_AT_OFFSET_PRICE)
@example(BLEND_ABOVE_PENALTY)
def test_each_fast_path_matches_the_reference_row_by_row(scenario):
    rows = _rows(scenario)
    expected = reference.solve_rows(scenario, rows)
    scale = max(max(s.bau, s.cap) for s in scenario.systems)
    for name, (out, valid) in _fast_paths(scenario, rows).items():
        for i, ref in enumerate(expected):
            assert bool(valid[i]) == (ref is not None), f"{name}: row {i} validity"
            if ref is None:
                continue
            for field in reference.FIELDS:
                for j, (a, b) in enumerate(zip(out[field][i], ref[field])):
                    mult = 1.0 if field == "price" else scale
                    assert_close(float(a), float(b), mult, f"{name}: row {i} {field}[{j}]")


def test_linear_two_systems_price_equalises_at_closed_form():
    """Linear MACs: the linked price is total required abatement over the sum of 1/slope."""
    s = Scenario.model_validate({
        "systems": [
            {"id": "A", "bau": 300, "cap": 200, "mac": {"type": "linear", "slope": 0.5}},
            {"id": "B", "bau": 140, "cap": 100, "mac": {"type": "linear", "slope": 2.0}, "floor": 10, "ceiling": 120},
        ],
        "links": [{"between": ["A", "B"], "type": "two_way"}],
    })
    out = simulate(s)
    assert out["autarky"]["A"]["price"] == pytest.approx(50) and out["autarky"]["B"]["price"] == pytest.approx(80)
    assert out["linked"]["A"]["price"] == pytest.approx(140 / (2 + 0.5))
    assert out["linked"]["B"]["net_imports"] == pytest.approx(12)
    assert out["linked"]["A"]["gain"] == pytest.approx(2500 - (0.5 * 112**2 / 2 - 56 * 12))
