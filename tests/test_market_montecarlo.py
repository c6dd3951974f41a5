"""Monte Carlo: vectorised samples match single runs, seeds reproduce, Dask gives the same numbers."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from etsatlas.market import simulate
from etsatlas.market.montecarlo import monte_carlo, sample_arrays
from etsatlas.market.scenario import Scenario
from market_strategies import scenarios

LINKED = {
    "systems": [
        {"id": "A", "bau": 300, "cap": 200, "mac": {"type": "linear", "slope": 0.5}},
        {"id": "B", "bau": 140, "cap": 100, "mac": {"type": "linear", "slope": 2.0}, "floor": 10, "ceiling": 120},
    ],
    "links": [{"between": ["A", "B"], "type": "two_way"}],
}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(max_systems=3))
def test_samples_without_spread_equal_the_deterministic_run(scenario):
    still = scenario.model_copy(update={"uncertainty": scenario.uncertainty.model_copy(update={"bau_cv": 0, "mac_cv": 0})})
    arrays = sample_arrays(still, 3, seed=1)
    single = simulate(still)
    for regime in ("autarky", "linked"):
        for i, system in enumerate(scenario.systems):
            for key in ("price", "emissions", "net_imports", "cost"):
                expected = single[regime][system.id][key]
                scale = max(1.0, system.bau, system.cap) * (max(1.0, abs(single[regime][system.id]["price"])) if key == "cost" else 1)
                assert np.allclose(arrays[f"{regime}.{key}"][:, i], expected, rtol=1e-9, atol=1e-9 * scale), (regime, key)


def test_monte_carlo_is_reproducible_and_spreads_prices():
    scenario = Scenario.model_validate(LINKED)
    a, b = monte_carlo(scenario, 500, seed=7), monte_carlo(scenario, 500, seed=7)
    assert a == b
    price = a["linked"]["A"]["price"]
    assert price["p5"] < price["p50"] < price["p95"] and price["sd"] > 0
    assert monte_carlo(scenario, 500, seed=8)["linked"]["A"]["price"] != price


def test_monte_carlo_on_a_local_dask_cluster_gives_the_same_numbers():
    distributed = pytest.importorskip("distributed")
    scenario = Scenario.model_validate(LINKED)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            remote = sample_arrays(scenario, 25_000, seed=3, client=client)
    local = sample_arrays(scenario, 25_000, seed=3)
    assert set(remote) == set(local)
    for key in local:
        np.testing.assert_array_equal(remote[key], local[key])
