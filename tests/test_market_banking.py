"""Multi-period banking: Hotelling while the bank is positive, borrowing limits, the MSR inside."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etsatlas.market.banking import Horizon, run, sample_paths
from etsatlas.market.scenario import Scenario
from market_strategies import macs


def horizon(**kw) -> Horizon:
    base = {"years": 10, "discount_rate": 0.05, "systems": [
        {"id": "A", "bau": 100, "cap": 90, "cap_reduction": 0.05, "mac": {"type": "linear", "slope": 1}}]}
    return Horizon.model_validate(base | kw)


def test_unlimited_borrowing_gives_one_hotelling_path_in_closed_form():
    """Linear MAC, constant BAU and cap: sum of abatement lambda*(1+r)^t/slope equals the total gap."""
    h = horizon(borrowing=1e6, systems=[{"id": "A", "bau": 100, "cap": 80, "mac": {"type": "linear", "slope": 2}}])
    out = run(h)
    lam = 2 * 10 * 20 / sum(1.05**t for t in range(10))
    assert out["years"][0]["price"] == pytest.approx(lam, rel=1e-12)
    assert out["years"][-1]["bank"] == pytest.approx(0, abs=1e-9)


def test_without_borrowing_a_flat_gap_prices_at_autarky_every_year():
    h = horizon(systems=[{"id": "A", "bau": 100, "cap": 80, "mac": {"type": "linear", "slope": 2}}])
    prices = [y["price"] for y in run(h)["years"]]
    assert prices == pytest.approx([40.0] * 10, rel=1e-9)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mac=macs(), rate=st.floats(0, 0.1), cut=st.floats(0, 0.08), bank=st.floats(0, 200), borrowing=st.floats(0, 50))
def test_discounted_prices_are_equal_while_the_bank_is_positive(mac, rate, cut, bank, borrowing):
    h = horizon(discount_rate=rate, bank=bank, borrowing=borrowing,
                systems=[{"id": "A", "bau": 100, "bau_growth": 0.01, "cap": 95, "cap_reduction": cut, "mac": mac}])
    years = run(h)["years"]
    for y in years:
        assert y["bank"] >= -borrowing - 1e-7
    assert years[-1]["bank"] >= -1e-7
    for a, b in zip(years, years[1:]):
        if a["bank"] > -borrowing + 1e-6:  # bank not at its lower limit: no arbitrage between the years
            assert b["discounted_price"] == pytest.approx(a["discounted_price"], rel=1e-7, abs=1e-9)
        else:  # constraint binds: the discounted price can only fall
            assert b["discounted_price"] <= a["discounted_price"] * (1 + 1e-9) + 1e-12


def test_msr_inside_the_horizon_takes_supply_while_the_tnac_is_high():
    h = Horizon.model_validate({
        "start": 2024, "years": 12, "bank": 1100, "discount_rate": 0.03, "msr": {"rules": "2023", "holdings": 400},
        "systems": [{"id": "EU", "bau": 1300, "bau_growth": -0.01, "cap": 1386, "cap_reduction": 0.043,
                     "mac": {"type": "linear", "slope": 0.3}}],
    })
    out = run(h)
    assert out["msr"]["converged"]
    first = out["years"][0]
    # TNAC of 2023 (1,100 M, above the 1,096 M band): 24 % over Sept 2024-Aug 2025, 4/12 in 2024.
    assert first["msr_intake"] == pytest.approx(0.24 * 1100 * 4 / 12)
    assert first["supply"] == pytest.approx(1386 - first["msr_intake"])
    without = run(h.model_copy(update={"msr": None}))
    assert out["years"][0]["price"] > without["years"][0]["price"]


def test_sample_paths_without_spread_match_the_single_run():
    h = horizon(bank=20)
    paths = sample_paths(h, 4, bau_cv=0, mac_cv=0)
    single = [y["price"] for y in run(h)["years"]]
    assert np.allclose(paths["price"], single, rtol=1e-12)


def test_horizon_validation_names_the_field():
    with pytest.raises(ValueError, match=r"systems\[0\].cap: 3 values for 10 years"):
        horizon(systems=[{"id": "A", "bau": 100, "cap": [1, 2, 3], "mac": {"type": "linear", "slope": 1}}])
    assert Scenario  # the single-period model stays importable beside the horizon model
