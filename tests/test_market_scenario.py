"""Scenario documents: validation errors name the field (and the YAML line), calibration."""

from __future__ import annotations

import pytest

from etsatlas.market import ScenarioError, loads_scenario, parse_scenario, simulate
from etsatlas.market.calibration import CalibrationError, elastic_coefficient, linear_slope

A = {"id": "A", "bau": 100, "cap": 80, "mac": {"type": "linear", "slope": 1}}
B = {"id": "B", "bau": 50, "cap": 40, "mac": {"type": "linear", "slope": 2}}


@pytest.mark.parametrize("doc, field, words", [
    ({"systems": [A | {"cap": -1}]}, "systems[0].cap", "greater than or equal to 0"),
    ({"systems": [A | {"mac": {"type": "piecewise", "points": [[10, 5], [20, 4]]}}]}, "systems[0].mac.points", "increase strictly"),
    ({"systems": [A | {"mac": {"type": "quadratic"}}]}, "systems[0].mac", "quadratic"),
    ({"systems": [A | {"floor": 30, "ceiling": 20}]}, "systems[0]", "floor 30.0 is above ceiling 20.0"),
    ({"systems": [A | {"floor": 30, "penalty": 20}]}, "systems[0]", "above the penalty"),
    ({"systems": [A | {"auctioned": 90}]}, "systems[0]", "above the cap"),
    ({"systems": [A, B], "links": [{"between": ["A", "C"]}]}, "links[0].between", "unknown link end 'C'"),
    ({"systems": [A, A]}, "systems[1].id", "duplicate system id"),
    ({"systems": [A, B], "links": [{"between": ["A", "B"], "type": "restricted"}]}, "links[0]", "needs a limit"),
    ({"systems": [A, B, A | {"id": "C"}], "links": [
        {"between": ["A", "B"], "exchange_rate": 2}, {"between": ["B", "C"]}, {"between": ["C", "A"]}]},
     "links[1].exchange_rate", "cycle"),
    ({"systems": [A | {"colour": "red"}]}, "systems[0].colour", "Extra inputs"),
])
def test_scenario_errors_name_the_field(doc, field, words):
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(doc)
    assert caught.value.field == field and words in caught.value.message


def test_yaml_errors_carry_the_line():
    text = "systems:\n  - {id: A, bau: 100, cap: 80, mac: {type: linear, slope: 1}}\n  - {id: B, bau: -50, cap: 40, mac: {type: linear, slope: 2}}\n"
    with pytest.raises(ScenarioError, match=r"^s.yaml:3: systems\[1\].bau: "):
        loads_scenario(text, source="s.yaml")


def test_whole_cap_is_auctioned_unless_given():
    out = simulate(parse_scenario({"systems": [A | {"floor": 50}]}))
    # The floor withholds the whole cap: emissions fall to what the price of 50 leaves.
    assert out["autarky"]["A"]["price"] == 50 and out["autarky"]["A"]["emissions"] == 50
    out = simulate(parse_scenario({"systems": [A | {"floor": 50, "auctioned": 40}]}))
    assert out["autarky"]["A"]["emissions"] == pytest.approx(50)  # free allocation of 40 still covers 40


def test_linear_slope_reproduces_the_observed_price():
    slope = linear_slope(30.0, bau=110.0, cap=100.0)
    out = simulate(parse_scenario({"systems": [{"id": "X", "bau": 110, "cap": 100, "mac": {"type": "linear", "slope": slope}}]}))
    assert out["autarky"]["X"]["price"] == pytest.approx(30.0)


def test_elastic_coefficient_reproduces_the_observed_price():
    c = elastic_coefficient(30.0, bau=110.0, cap=100.0, elasticity=1.5)
    mac = {"type": "constant_elasticity", "coefficient": c, "elasticity": 1.5}
    out = simulate(parse_scenario({"systems": [{"id": "X", "bau": 110, "cap": 100, "mac": mac}]}))
    assert out["autarky"]["X"]["price"] == pytest.approx(30.0)


def test_calibration_refuses_a_cap_above_bau():
    with pytest.raises(CalibrationError, match="must exceed the cap"):
        linear_slope(30.0, bau=90.0, cap=100.0)
